"""Input a host relies on, through the API: a chat claim keeps the quantity its buyer wrote (far over the limit it
is refused with its reason, never turned into one unit), a bare colour picks the variant, a broadcast's platform
is kept as one name, and the console pins only the rail's products."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from live.adapters.registry import PLATFORMS as ADAPTER_PLATFORMS
from live.models import EventLog
from live.api.broadcasts import FORM_PLATFORMS
from tests.functional.test_chat_ingestion import Moderator, chat, post_chat
from tests.support import databases
from tests.support.api import ApiClient

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)


@pytest.fixture
def sale(app):
    """Return (api client, broadcast id): link 1 is TEE (M navy, L navy, L black; 3 each), link 2 is MUG (5 units)."""
    databases.create_users(app)
    api = ApiClient(app.test_client(), databases.create_token(app, "adapter"))
    api.product("TEE", price="59.00", variants=[
        {"sku": "TEE-M-NAVY", "size": "M", "colour": "藏青色", "stock": 3},
        {"sku": "TEE-L-NAVY", "size": "L", "colour": "藏青色", "stock": 3},
        {"sku": "TEE-L-BLACK", "size": "L", "colour": "黑色", "stock": 3}])
    api.product("MUG", stock=5, price="20.00")
    return api, api.live_broadcast(skus=("TEE", "MUG"))


def _claims(api, broadcast_id):
    response = api.get(f"/api/v1/broadcasts/{broadcast_id}/claims")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["claims"]


def _reserved(api, sku):
    product = api.get(f"/api/v1/products/{sku.split('-')[0]}").get_json()
    return {row["sku"]: row["reserved"] for row in [product, *product["variants"]]}[sku]


def test_a_claim_for_a_thousand_units_is_refused_as_written_not_drafted_as_one(app, sale):
    api, broadcast_id = sale
    policy = Moderator(app, "host").put(f"/api/v1/broadcasts/{broadcast_id}/claim-policy", {"max_qty": 999})
    assert policy.status_code == 200, policy.get_json()
    [result] = post_chat(api, broadcast_id, chat("c-1", "v1", "拍了 1000件 2号", T0))
    assert result["claim"] == {"status": "unresolved", "reason": "qty_over_limit"}
    [claim] = _claims(api, broadcast_id)
    assert (claim["qty"], claim["reason"], claim.get("order_id")) == (1000, "qty_over_limit", None)
    assert _reserved(api, "MUG") == 0


def test_a_claim_in_chinese_numerals_over_the_limit_is_refused_too(sale):
    api, broadcast_id = sale
    [result] = post_chat(api, broadcast_id, chat("c-1", "v1", "拍了 一百件 2号", T0))
    assert result["claim"] == {"status": "unresolved", "reason": "qty_over_limit"}
    assert _claims(api, broadcast_id)[0]["qty"] == 100


@pytest.mark.parametrize("text", ["拍了 0件 2号", "+0"])
def test_a_message_asking_for_no_units_makes_no_claim_and_no_draft(sale, text):
    api, broadcast_id = sale
    [result] = post_chat(api, broadcast_id, chat("c-1", "v1", text, T0))
    assert result["status"] == "accepted" and "claim" not in result
    assert _claims(api, broadcast_id) == []
    assert _reserved(api, "MUG") == 0


def test_a_normal_quantity_still_drafts_and_reserves_it(sale):
    api, broadcast_id = sale
    [result] = post_chat(api, broadcast_id, chat("c-1", "v1", "拍了 2件 2号", T0))
    assert result["claim"]["status"] == "claimed"
    assert _reserved(api, "MUG") == 2


@pytest.mark.parametrize("text, sku", [
    ("拍了 1号 L 藏青", "TEE-L-NAVY"),
    ("拍了1号藏青 L", "TEE-L-NAVY"),
    ("1号 L 黑的 拍了", "TEE-L-BLACK"),
])
def test_a_colour_named_without_se_picks_the_variant(sale, text, sku):
    api, broadcast_id = sale
    [result] = post_chat(api, broadcast_id, chat("c-1", "v1", text, T0))
    assert result["claim"]["status"] == "claimed", result
    [claim] = _claims(api, broadcast_id)
    assert (claim["variant_sku"], claim["qty"]) == (sku, 1)
    assert _reserved(api, sku) == 1


# --- the platform of a broadcast ----------------------------------------------------------------------------------

def _create(api, platform):
    return api.post("/api/v1/broadcasts", json={"title": "Spring tea", "platform": platform})


@pytest.mark.parametrize("platform", ["", "   ", "<script>", "dou yin", "抖音", "-douyin", "a" * 33])
def test_a_platform_that_is_no_name_is_refused_naming_the_field_and_nothing_is_created(api, platform):
    response = _create(api, platform)
    error = response.get_json()["error"]
    assert response.status_code == 400 and error["field"] == "platform"
    assert api.get("/api/v1/broadcasts").get_json()["broadcasts"] == []


@pytest.mark.parametrize(("written", "kept"), [("DOUYIN", "douyin"), (" douyin ", "douyin"), ("YouTube", "youtube"),
                                               ("shopify", "shopify"), ("my-shop.tv", "my-shop.tv")])
def test_a_platform_is_kept_as_its_lowercase_name_so_one_platform_is_never_written_two_ways(api, written, kept):
    """A broadcast on a platform without an adapter, fed by a script, is a legitimate use."""
    response = _create(api, written)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["platform"] == kept


def test_every_adapter_platform_and_every_platform_the_console_offers_is_accepted(api):
    for platform in sorted({*ADAPTER_PLATFORMS, *FORM_PLATFORMS}):
        response = _create(api, platform)
        assert response.status_code == 201, (platform, response.get_json())
        assert response.get_json()["platform"] == platform


def test_a_broadcasts_platform_cannot_be_changed_afterwards(api):
    broadcast_id = _create(api, "douyin").get_json()["id"]
    response = api.client.patch(f"/api/v1/broadcasts/{broadcast_id}", json={"platform": "myspace"},
                                headers={"Authorization": f"Bearer {api.token}"})
    error = response.get_json()["error"]
    assert (response.status_code, error["code"], error["field"]) == (400, "unknown_field", "platform")
    assert api.get(f"/api/v1/broadcasts/{broadcast_id}").get_json()["platform"] == "douyin"


def test_a_missing_title_is_still_reported_before_the_platform(api):
    response = api.post("/api/v1/broadcasts", json={"platform": "myspace"})
    assert response.get_json()["error"]["field"] == "title"


def test_the_openapi_document_names_the_known_platforms(api):
    spec = api.get("/api/v1/openapi.json").get_json()
    platform = spec["components"]["schemas"]["BroadcastInput"]["properties"]["platform"]
    assert all(name in platform["description"] for name in FORM_PLATFORMS)


# --- pins -----------------------------------------------------------------------------------------------------------

def _pin_events(app, broadcast_id):
    with app.app_context():
        return db.session.execute(sa.select(EventLog.type, EventLog.sku).where(
            EventLog.broadcast_id == broadcast_id, EventLog.type.in_(("product_pin", "product_unpin")))
            .order_by(EventLog.id)).all()


@pytest.mark.parametrize("sku, status, code", [
    ("OTHER", 404, "not_in_lineup"),  # in the catalogue, not on this broadcast's rail
    ("NOPE", 404, "unknown_sku"),
    ("TEE-L-NAVY", 404, "unknown_sku"),  # a variant: the rail pins products
    ("tee", 404, "unknown_sku"),
])
def test_a_console_pin_outside_the_line_up_is_refused_and_records_nothing(app, sale, sku, status, code):
    api, broadcast_id = sale
    api.product("OTHER")
    assert api.post(f"/api/v1/broadcasts/{broadcast_id}/pin", json={"sku": "TEE"}).status_code == 200
    for action in ("pin", "unpin"):
        response = api.post(f"/api/v1/broadcasts/{broadcast_id}/{action}", json={"sku": sku})
        error = response.get_json()["error"]
        assert (response.status_code, error["code"], error["field"]) == (status, code, "sku")
    assert _pin_events(app, broadcast_id) == [("product_pin", "TEE")]
    assert api.get(f"/api/v1/broadcasts/{broadcast_id}/snapshot").get_json()["pinned_sku"] == "TEE"


def test_a_pin_with_a_misspelt_field_is_refused_naming_it(app, sale):
    api, broadcast_id = sale
    response = api.post(f"/api/v1/broadcasts/{broadcast_id}/pin", json={"sku": "TEE", "skus": ["MUG"]})
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "skus"
    assert _pin_events(app, broadcast_id) == []


def test_a_platform_pin_of_a_product_outside_the_line_up_ends_the_hosts_pin_so_plus_one_drafts_nothing(sale):
    """The platform's pin is what viewers see: "+1" then means that product, not the one pinned before."""
    api, broadcast_id = sale
    api.post(f"/api/v1/broadcasts/{broadcast_id}/pin", json={"sku": "MUG"})
    pin = {"id": "pin-x", "type": "product_pin", "ts": datetime.now(UTC).isoformat(), "sku": "NOT-ON-RAIL"}
    assert api.events(broadcast_id, [pin]).get_json()["results"][0]["status"] == "accepted"
    assert api.get(f"/api/v1/broadcasts/{broadcast_id}/snapshot").get_json()["pinned_sku"] is None
    [result] = post_chat(api, broadcast_id, chat("c-1", "v1", "+1", T0))
    assert result["claim"] == {"status": "unresolved", "reason": "link_missing"}
    assert _reserved(api, "MUG") == 0
