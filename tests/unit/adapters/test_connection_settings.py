"""A connection's settings as an admin sees them: credentials by fingerprint only, the rest as set."""
from live.adapters.connections import secret_fingerprint, shown_settings


def test_credentials_in_settings_are_shown_by_fingerprint_only():
    shown = shown_settings({"access_token": "tok-123", "sign_secret": "s3cret", "zone": "Asia/Shanghai",
                            "api_base_url": "https://openapi.example"})
    assert shown == {"access_token": f"fingerprint:{secret_fingerprint('tok-123')}",
                     "sign_secret": f"fingerprint:{secret_fingerprint('s3cret')}", "zone": "Asia/Shanghai",
                     "api_base_url": "https://openapi.example"}
    assert "tok-123" not in str(shown) and "s3cret" not in str(shown)


def test_empty_settings_stay_empty():
    assert shown_settings(None) == {} and shown_settings({"access_token": ""}) == {"access_token": ""}
