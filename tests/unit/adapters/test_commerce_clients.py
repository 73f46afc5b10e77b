"""What the three commerce clients share: the token bucket, settings, AES, reason codes and money."""
import time
from decimal import Decimal

import pytest

from live.adapters.base import AdapterError
from live.adapters.clients import aes
from live.adapters.clients.http import ApiTransport, HttpSettings, TokenBucket, shared_bucket
from live.adapters.clients.reasons import reason_code
from live.adapters.clients.values import decimal_amount, event_id, fen_to_yuan, ref
from tests.support.platform_fakes import douyin as fake


class Clock:
    """A clock that moves only when something sleeps on it."""

    def __init__(self):
        self.now = 100.0
        self.slept = []

    def __call__(self):
        """Return the current fake time."""
        return self.now

    def sleep(self, seconds):
        """Record the wait and move the clock on by it."""
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_the_bucket_lets_a_burst_through_then_spaces_calls_at_the_rate():
    clock = Clock()
    bucket = TokenBucket(rate=2, capacity=3, clock=clock, sleep=clock.sleep)
    waits = [bucket.acquire() for _ in range(6)]
    assert waits[:3] == [0, 0, 0]
    assert [round(w, 6) for w in waits[3:]] == [0.5, 0.5, 0.5]


def test_the_bucket_refills_while_idle_but_never_beyond_its_capacity():
    clock = Clock()
    bucket = TokenBucket(rate=1, capacity=2, clock=clock, sleep=clock.sleep)
    bucket.acquire(), bucket.acquire()
    clock.now += 60
    assert [bucket.acquire() for _ in range(3)][:2] == [0, 0]
    assert clock.slept == [1.0]


def test_clients_of_one_app_share_one_bucket():
    first = shared_bucket(("douyin", "http://x", "app"), 5, 2)
    assert shared_bucket(("douyin", "http://x", "app"), 5, 2) is first
    assert shared_bucket(("douyin", "http://x", "other"), 5, 2) is not first


def test_the_rate_limit_holds_against_the_fake_api():
    server = fake.serve()
    try:
        transport = ApiTransport("douyin", server.url, HttpSettings(attempts=1), TokenBucket(rate=20, capacity=1))
        for _ in range(4):
            transport.send("order.orderDetail", "POST", "/order/orderDetail", body=b"{}")
        times = [call[0] for call in server.state.calls]
        assert times[-1] - times[0] >= 3 / 20 * 0.9  # 4 calls at 20/s with no burst: at least 3 gaps of 50 ms
    finally:
        server.stop()


def test_settings_come_from_the_connection_then_the_app_config():
    settings = HttpSettings.from_config({"ADAPTER_HTTP_TIMEOUT": 3, "ADAPTER_RATE_PER_SECOND": 4},
                                        {"rate_per_second": 2, "attempts": "5", "timeout": "nonsense"})
    assert (settings.timeout, settings.rate_per_second, settings.attempts) == (HttpSettings.timeout, 2.0, 5)


@pytest.mark.parametrize("key, cipher", [
    ("000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a"),
    ("000102030405060708090a0b0c0d0e0f1011121314151617", "dda97ca4864cdfe06eaf70a0ec0d7191"),
    ("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "8ea2b7ca516745bfeafc49904b496089"),
])
def test_aes_matches_the_fips_197_vectors(key, cipher):
    plain = bytes.fromhex("00112233445566778899aabbccddeeff")
    assert aes.encrypt_block(bytes.fromhex(key), plain).hex() == cipher
    assert aes.decrypt_block(bytes.fromhex(key), bytes.fromhex(cipher)) == plain


def test_aes_cbc_matches_sp_800_38a():
    """SP 800-38A F.2.5 (CBC-AES256.Encrypt), first two blocks."""
    key = bytes.fromhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4")
    iv = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
    plain = bytes.fromhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51")
    cipher = "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
    assert aes.encrypt_cbc(key, plain, iv, pad=False).hex() == cipher
    assert aes.decrypt_cbc(key, bytes.fromhex(cipher), iv, pad=False) == plain


def test_aes_cbc_round_trips_and_refuses_bad_padding():
    key = bytes(range(16))
    cipher = aes.encrypt_cbc(key, "订单 message".encode())
    assert aes.decrypt_cbc(key, cipher) == "订单 message".encode()
    with pytest.raises(ValueError):
        aes.decrypt_cbc(bytes(16), cipher)
    with pytest.raises(ValueError):
        aes.decrypt_cbc(key, cipher[:-1])


@pytest.mark.parametrize("text, code", [
    ("七天无理由退货", "no_reason_7d"), ("质量问题", "quality"), ("商家发错货", "wrong_item"), ("少件/漏发", "missing_item"),
    ("尺码不合适", "size_fit"), ("快递破损", "logistics_damage"), ("Damaged product", "logistics_damage"),
    ("ecom_order_delivered_refund_and_return_reason_not_as_described", "quality"), ("其他", "other"), (None, "other"),
])
def test_platform_reasons_become_livedesk_reason_codes(text, code):
    assert reason_code(text) == code


def test_decimal_amounts_are_exact_and_bounded():
    assert decimal_amount("52.98") == Decimal("52.98")
    assert str(decimal_amount("5")) == "5.00"
    for bad in ("1.005", "-1", "NaN", 1.5, True):
        with pytest.raises(AdapterError):
            decimal_amount(bad)


def test_big_fen_amounts_keep_every_digit():
    assert fen_to_yuan(1_234_567_891) == Decimal("12345678.91")


def test_platform_ids_are_kept_as_written_or_refused():
    assert ref(4951234567890123456, "p_id") == "4951234567890123456"
    for bad in ("a/b", "x" * 65, ".."):
        with pytest.raises(AdapterError):
            ref(bad, "p_id")


def test_event_ids_are_stable_and_bounded():
    assert event_id("douyin", "order", "1") == "douyin:order:1"
    long = event_id("douyin", "x" * 300)
    assert len(long) <= 128 and long == event_id("douyin", "x" * 300)


def test_a_slow_platform_counts_as_unavailable_after_the_timeout():
    """A timeout is retried, then reported as unavailable (the inbox tries the message again later)."""
    import socket
    from live.adapters.clients.errors import DetailUnavailable
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    try:
        port = listener.getsockname()[1]
        transport = ApiTransport("douyin", f"http://127.0.0.1:{port}", HttpSettings(timeout=0.2, attempts=2),
                                 TokenBucket(1000, 1000), sleep=lambda _s: None)
        started = time.monotonic()
        with pytest.raises(DetailUnavailable) as unavailable:
            transport.send("order.orderDetail", "POST", "/order/orderDetail", body=b"{}")
        assert "timed out" in unavailable.value.message and time.monotonic() - started < 5
    finally:
        listener.close()


def test_a_base_url_that_is_not_http_is_refused_without_a_call():
    from live.adapters.clients.errors import DetailRejected
    transport = ApiTransport("douyin", "file:///etc/passwd", HttpSettings(), TokenBucket(1000, 1000))
    with pytest.raises(DetailRejected):
        transport.send("order.orderDetail", "POST", "/order/orderDetail")


def test_making_a_client_never_fails_nor_calls_out():
    """The endpoint makes the detail client before answering the platform: it must not raise."""
    from live.adapters import douyin, kuaishou, tiktok_shop
    from tests.support.platform_fakes.stubs import connection
    for module in (douyin, tiktok_shop, kuaishou):
        for settings in ({"api_base_url": "nonsense", "rate_per_second": "x"}, {"rate_per_second": 0, "burst": -1},
                         {"timeout": -5, "attempts": 10**9}, {"attempts": "inf", "rate_per_second": "nan"}):
            assert module.detail_client(connection(module.PLATFORM, settings=settings), {}) is not None
