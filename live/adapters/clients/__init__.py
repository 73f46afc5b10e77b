"""Detail-API clients of the commerce platforms (Douyin 抖店, TikTok Shop, Kuaishou 快手小店).

Their pushes are thin notifications: items and buyer details come from each platform's order-detail API. A
client signs its requests, retries with backoff, keeps to a shared token-bucket rate limit and turns the
documented responses into the neutral records of ``records.py``. Errors are ``errors.DetailUnavailable``
(transient: process the message again later) or ``errors.DetailRejected`` (the platform refused: retrying
will not help).
"""
