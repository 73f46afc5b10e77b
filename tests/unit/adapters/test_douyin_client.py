"""The 抖店 detail client against the local fake API: signing, decryption, retries, refusals."""
import pytest

from live.adapters.clients import douyin as api
from live.adapters.clients.errors import DetailRejected, DetailUnavailable
from live.adapters.clients.http import ApiTransport, HttpSettings, TokenBucket
from tests.support.platform_fakes import douyin as fake

ORDER = "4951234567890123456"


@pytest.fixture
def server():
    """Return the fake 抖店 API, served while the test runs."""
    served = fake.serve()
    yield served
    served.stop()


def client(server, attempts=3, token="test-access-token", waits=None):
    """Return a client of the fake whose waits between attempts are recorded instead of slept."""
    waits = [] if waits is None else waits
    transport = ApiTransport("douyin", server.url, HttpSettings(timeout=5, attempts=attempts, backoff=0.5),
                             TokenBucket(1000, 1000), sleep=waits.append)
    return api.DouyinClient(transport, server.state.app_key, server.state.app_secret, token)


def test_the_order_detail_is_signed_and_its_contacts_decrypted(server):
    detail = client(server).order(ORDER)
    assert server.state.bad_signatures == 0
    assert [call[1] for call in server.state.calls] == ["/order/orderDetail", "/order/batchDecrypt"]
    assert (detail.buyer.name, detail.buyer.phone, detail.buyer.detail) == ("张三", "13812345678", "文三路 1 号")
    assert str(detail.paid_amount) == "158.00" and detail.from_live_room is True


def test_contacts_stay_encrypted_when_the_connection_says_so(server):
    quiet = client(server)
    quiet.decrypt_contacts = False
    detail = quiet.order(ORDER)
    assert detail.buyer.phone is None and len(server.state.calls) == 1


def test_a_server_error_is_retried_with_backoff(server):
    server.state.fail_next(2, status=500)
    waits = []
    assert client(server, waits=waits).aftersale("7123456789012345678").reason == "七天无理由退货"
    assert len(server.state.calls) == 3 and waits == [0.5, 1.0]


def test_too_many_requests_waits_as_long_as_the_platform_asks(server):
    server.state.fail_next(1, status=429, headers={"Retry-After": "2"})
    waits = []
    client(server, waits=waits).aftersale("7123456789012345678")
    assert waits == [2.0]


def test_after_the_last_attempt_the_call_is_unavailable(server):
    server.state.fail_next(3, status=503)
    with pytest.raises(DetailUnavailable):
        client(server).order(ORDER)
    assert len(server.state.calls) == 3


def test_an_unknown_order_is_refused_at_once(server):
    with pytest.raises(DetailRejected) as refused:
        client(server).order("1")
    assert "50002" in refused.value.message and len(server.state.calls) == 1


def test_a_wrong_secret_is_refused_by_the_platform(server):
    wrong = client(server)
    wrong.app_secret = "not-the-app-secret"
    with pytest.raises(DetailRejected):
        wrong.order(ORDER)
    assert server.state.bad_signatures == 1


def test_without_an_access_token_nothing_is_sent(server):
    with pytest.raises(DetailRejected):
        client(server, token=None).order(ORDER)
    assert server.state.calls == []


def test_a_connection_without_the_fake_reaches_nothing_and_is_unavailable():
    transport = ApiTransport("douyin", "http://127.0.0.1:9", HttpSettings(timeout=0.5, attempts=2, backoff=0),
                             TokenBucket(1000, 1000), sleep=lambda _s: None)
    with pytest.raises(DetailUnavailable):
        api.DouyinClient(transport, "k", "s", "t").order(ORDER)


def test_the_signature_matches_the_sdk_rule():
    expected = api.sign("3409409348479354011", "secret", "order.orderDetail", '{"shop_order_id":"1"}', "1700000000")
    import hashlib
    import hmac
    pattern = 'secretapp_key3409409348479354011methodorder.orderDetailparam_json{"shop_order_id":"1"}timestamp1700000000v2secret'
    assert expected == hmac.new(b"secret", pattern.encode(), hashlib.sha256).hexdigest()
