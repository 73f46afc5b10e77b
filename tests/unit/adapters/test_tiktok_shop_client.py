"""The TikTok Shop detail client against the local fake API: signing, grouping, retries, refusals."""
import pytest

from live.adapters.clients import tiktok_shop as api
from live.adapters.clients.errors import DetailRejected, DetailUnavailable
from live.adapters.clients.http import ApiTransport, HttpSettings, TokenBucket
from tests.support.platform_fakes import tiktok_shop as fake

ORDER = "576486316948490001"


@pytest.fixture
def server():
    """Return the fake TikTok Shop API, served while the test runs."""
    served = fake.serve()
    yield served
    served.stop()


def client(server, attempts=3, waits=None):
    """Return a client of the fake whose waits between attempts are recorded instead of slept."""
    waits = [] if waits is None else waits
    transport = ApiTransport("tiktok_shop", server.url, HttpSettings(timeout=5, attempts=attempts, backoff=0.25),
                             TokenBucket(1000, 1000), sleep=waits.append)
    return api.TikTokShopClient(transport, server.state.app_key, server.state.app_secret, "test-access-token",
                                shop_cipher="ROW_abc")


def test_the_order_detail_is_signed_and_parsed(server):
    detail = client(server).order(ORDER)
    assert server.state.bad_signatures == 0
    assert server.state.calls[0][2]["shop_cipher"] == "ROW_abc"
    assert [(line.sku, line.qty, str(line.unit_price)) for line in detail.lines] == [("TEA-01", 2, "23.99")]
    assert str(detail.paid_amount) == "52.98"


def test_search_returns_is_signed_with_its_body(server):
    detail = client(server).return_detail("4035318504086604200")
    assert server.state.bad_signatures == 0
    assert (detail.reason, str(detail.amount)) == ("Damaged product", "23.99")


def test_server_errors_are_retried_then_given_up(server):
    server.state.fail_next(1, status=502)
    waits = []
    client(server, waits=waits).order(ORDER)
    assert waits == [0.25]
    server.state.fail_next(3, status=500)
    with pytest.raises(DetailUnavailable):
        client(server).order(ORDER)


def test_an_order_the_shop_does_not_have_is_refused(server):
    with pytest.raises(DetailRejected):
        client(server).order("1")


def test_a_wrong_secret_is_refused_without_retries(server):
    wrong = client(server)
    wrong.app_secret = "0" * 40
    with pytest.raises(DetailRejected):
        wrong.order(ORDER)
    assert len(server.state.calls) == 1


def test_the_signature_follows_the_documented_steps():
    params = {"app_key": "29a39d", "timestamp": "1623812664", "ids": "1", "sign": "x", "access_token": "y"}
    base = b"secret/order/202309/orders" + b"app_key29a39dids1timestamp1623812664" + b"{}" + b"secret"
    import hashlib
    import hmac
    assert api.sign("secret", "/order/202309/orders", params, b"{}") == hmac.new(b"secret", base,
                                                                                 hashlib.sha256).hexdigest()
