def test_order_posted_to_the_api_is_accepted_and_stored(api):
    from tests.support.api import order_event
    api.product("A1", stock=5)
    bid = api.live_broadcast(skus=("A1",))
    r = api.events(bid, [order_event("A1", 2, order_id="O-1")])
    assert r.status_code == 200, r.get_json()
    res = r.get_json()["results"][0]
    assert res["status"] == "accepted", res
    assert res["order"]["status"] == "accepted"
    assert api.get("/api/v1/products/A1").get_json()["stock"] == 3
