"""The 快手 detail client against the local fake API: signing, decryption, "too fast", refusals."""
import pytest

from live.adapters.clients import kuaishou as api
from live.adapters.clients.errors import DetailRejected
from live.adapters.clients.http import ApiTransport, HttpSettings, TokenBucket
from tests.support.platform_fakes import kuaishou as fake

ORDER = "2607602240240301"


@pytest.fixture
def server():
    """Return the fake 快手 API, served while the test runs."""
    served = fake.serve()
    yield served
    served.stop()


def client(server, waits=None, sign_secret=fake.SIGN_SECRET):
    """Return a client of the fake whose waits between attempts are recorded instead of slept."""
    waits = [] if waits is None else waits
    transport = ApiTransport("kuaishou", server.url, HttpSettings(timeout=5, attempts=3, backoff=0.5),
                             TokenBucket(1000, 1000), sleep=waits.append)
    return api.KuaishouClient(transport, server.state.app_key, sign_secret, "test-access-token")


def test_the_order_detail_is_signed_and_its_contacts_decrypted(server):
    detail = client(server).order(ORDER)
    assert server.state.bad_signatures == 0
    assert [call[1] for call in server.state.calls] == ["/open/order/detail", "/open/order/decrypt/batch"]
    assert (detail.buyer.name, detail.buyer.phone) == ("张三", "13812345678")
    assert [(line.sku, line.qty, str(line.unit_price)) for line in detail.lines] == [("TEA-01", 2, "79.00")]


def test_too_fast_is_retried(server):
    server.state.fail_next(1, status=200, body={"result": 1016, "error_msg": "too fast"})
    waits = []
    assert client(server, waits=waits).refund("2607700011112222").reason == "七天无理由退货"
    assert waits == [0.5]


def test_a_wrong_sign_secret_is_refused(server):
    with pytest.raises(DetailRejected) as refused:
        client(server, sign_secret="wrong-sign-secret").order(ORDER)
    assert "27" in refused.value.message


def test_without_a_sign_secret_nothing_is_sent(server):
    with pytest.raises(DetailRejected):
        client(server, sign_secret=None).order(ORDER)
    assert server.state.calls == []
