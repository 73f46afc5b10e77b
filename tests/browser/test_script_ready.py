"""Controls that only a page script makes work wait for it (static/common/dom.js LiveDesk.scriptReady): pages load
their scripts at the end of the body, so on a slow connection a button was on screen before its handler. While
the page's script is held back such a control is disabled (and shows the waiting cursor of the design system), a
form meant for the API is not sent the plain way, and once the script has run the control works by mouse and by
keyboard, on a phone too. No page leaves a control waiting after its scripts have run."""
from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from app.auth.models import TOKEN_SCOPES
from app.auth.tokens import issue_token
from app.extensions import db
from tests.browser.conftest import _require_chromium, log_in, new_context, settle
from tests.browser.test_audit_queue import Platform
from tests.support.api import order_event
from tests.support.databases import create_users, make_app
from tests.support.server import ServerProcess

pytestmark = pytest.mark.browser

HELD_ORDER, PAID_ORDER = "SR-HELD", "SR-PAID"


@pytest.fixture(scope="module")
def shop(sqlite_template, tmp_path_factory):
    """Return (server, ids) of a real server with one user per role, a live broadcast selling TEA, a held order,
    a paid order with an after-sales case, a platform complaint and recalculated customers."""
    _require_chromium()
    folder = tmp_path_factory.mktemp("script-ready")
    path = folder / "livedesk.sqlite3"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    app = make_app(url)
    create_users(app)
    with app.app_context():
        token = issue_token(db.session, "script-ready-tests", scopes=TOKEN_SCOPES)
        db.session.commit()
    server = ServerProcess(url, folder)
    try:
        ids = seed(Platform(server.url, token))
    except BaseException:
        server.stop()
        raise
    yield server, ids
    server.stop()


def seed(platform: Platform) -> dict:
    """Return the ids of what the shop fixture seeds through the API."""
    broadcast_id = platform.broadcast()
    platform.held_order(broadcast_id, HELD_ORDER, name="周浩然")
    paid = order_event("TEA", 1, order_id=PAID_ORDER, unit_price="80.00")
    platform.call("POST", f"/api/v1/broadcasts/{broadcast_id}/events", {"events": [
        paid, {"id": "pay-sr", "type": "payment", "ts": paid["ts"], "order_id": PAID_ORDER, "status": "paid",
               "amount": "80.00"},
        {"id": "complaint-sr", "type": "complaint", "ts": paid["ts"], "complaint_id": "DY-C-SR",
         "buyer_id": paid["buyer"]["id"], "order_id": PAID_ORDER, "text": "围巾起球"}]})
    case_id = platform.call("POST", f"/api/v1/orders/{PAID_ORDER}/aftersales",
                            {"type": "refund_only", "reason": "other"})["case_id"]
    platform.call("POST", "/api/v1/customers/recalculate", {})
    return {"broadcast": broadcast_id, "buyer": paid["buyer"]["id"], "case": case_id}


@pytest.fixture
def admin(shop, browser):
    """Yield a phone-sized page (390 × 844, touch) logged in as the admin, recording JavaScript errors."""
    server, _ids = shop
    context = new_context(browser, locale="en-US", timezone_id="Asia/Shanghai", bypass_csp=True,
                          viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    log_in(page, server.url, "admin")
    yield page
    context.close()


def open_with_script_held(page, url: str, script: str):
    """Open url while the first request for static/<script> is held back; return the function that lets it go.

    The page's HTML is all there (the button is drawn) but the parser waits at that script, as on a slow line."""
    held = []

    def hold_first(route):
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route(f"**/static/{script}*", hold_first)
    with page.expect_request(lambda request: f"/static/{script}" in request.url):
        page.goto(url, wait_until="commit")

    def release():
        assert held, f"{script} was never requested"
        held[0].continue_()
        settle(page)

    return release


def complaint_path(page, base: str) -> str:
    """Return the path of the seeded complaint's page (its LiveDesk id is made by the server)."""
    page.goto(base + "/complaints")
    return page.get_attribute("#complaint-queue tbody tr a", "href")


def expect_post(page, ending: str):
    """Return the context manager that waits for the page's POST to a path ending with `ending`."""
    return page.expect_request(lambda request: request.method == "POST" and request.url.endswith(ending))


# case: (the script held back, the control, how it is used: a click or a key); works() says what it then does.
CASES = {
    "recalculate": ("customers/customer.js", "#recalculate", "Enter"),
    "add-variant": ("catalog/product.js", "#add-variant", "click"),
    "complaint-move": ("complaints/complaint.js", 'button[data-move="acknowledge"]', "click"),
    "show-contact": ("orders/contact.js", "#show-contact", "Space"),
    "order-action": ("orders/order.js", 'button[data-action="approve"]', "click"),
    "host-panel": ("live/host_panels.js", ".panel-rail .panel-toggle", "click"),
}


def path_of(case: str, page, base: str, ids: dict) -> str:
    """Return the page (path) a case's control is on."""
    if case == "complaint-move":
        return complaint_path(page, base)
    return {"recalculate": "/customers", "add-variant": "/products/new", "show-contact": f"/orders/{PAID_ORDER}",
            "order-action": f"/orders/{HELD_ORDER}", "host-panel": f"/broadcasts/{ids['broadcast']}/live"}[case]


def works(case: str, page, control) -> None:
    """Use the control as CASES says and check that its handler ran."""
    _script, _selector, how = CASES[case]

    def use():
        if how == "click":
            control.click()
        else:
            control.focus()
            page.keyboard.press(how)

    if case == "recalculate":
        with expect_post(page, "/api/v1/customers/recalculate"):
            use()
    elif case == "add-variant":
        use()
        expect(page.locator("#variants-table tbody tr.variant-row")).to_have_count(1)
        expect(page.locator('#variants-table tbody tr.variant-row input[name="sku"]')).to_be_focused()
    elif case == "complaint-move":
        with expect_post(page, "/acknowledge"):
            use()
    elif case == "show-contact":
        with expect_post(page, f"/api/v1/orders/{PAID_ORDER}/contact"):
            use()
        expect(page.locator("#contact-note")).not_to_be_empty()
    elif case == "order-action":
        use()
        expect(page.locator("#reason-dialog")).to_be_visible()
    elif case == "host-panel":
        use()
        expect(control).to_have_attribute("aria-expanded", "false")


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.slow
def test_a_control_waits_disabled_for_its_script_and_works_once_the_script_has_run(shop, admin, case):
    server, ids = shop
    script, selector, _how = CASES[case]
    release = open_with_script_held(admin, server.url + path_of(case, admin, server.url, ids), script)
    control = admin.locator(selector).first

    expect(control).to_be_disabled()
    expect(control).to_have_attribute("data-needs-script", "")
    # Retried like the checks above: with wait_until="commit" the stylesheet may still be on its way (a busy machine).
    expect(control).to_have_css("cursor", "progress")

    release()
    expect(control).to_be_enabled()
    assert control.get_attribute("data-needs-script") is None
    works(case, admin, control)
    assert admin.errors == []


def test_a_form_for_the_api_is_not_sent_the_plain_way_before_its_script_has_run(shop, admin):
    server, _ids = shop
    release = open_with_script_held(admin, server.url + "/products/new", "catalog/product.js")
    admin.fill('#product-form input[name="sku"]', "SR-NEW")
    admin.press('#product-form input[name="sku"]', "Enter")  # implicit submission: a GET of this page before
    release()

    assert admin.url == server.url + "/products/new"
    expect(admin.locator('#product-form input[name="sku"]')).to_have_value("SR-NEW")
    expect(admin.locator("#product-form button[type=submit]")).to_be_enabled()
    assert admin.errors == []


@pytest.mark.slow
def test_no_page_leaves_a_control_waiting_once_its_scripts_have_run(shop, admin):
    server, ids = shop
    b = ids["broadcast"]
    paths = ["/", f"/broadcasts/{b}", f"/broadcasts/{b}/live", "/promotions", "/products/new", "/products/TEA",
             "/products/import", "/customers", f"/customers/{ids['buyer']}?platform=douyin", "/offers", "/audit",
             f"/orders/{HELD_ORDER}", f"/orders/{PAID_ORDER}", f"/broadcasts/{b}/audit-policy",
             f"/broadcasts/{b}/moderation", f"/broadcasts/{b}/analytics", f"/broadcasts/{b}/report",
             f"/broadcasts/{b}/reconciliation", "/aftersales", f"/aftersales/{ids['case']}", "/fulfilment",
             f"/fulfilment/packing-list?broadcast_id={b}", "/complaints", complaint_path(admin, server.url),
             "/complaints/sla", "/connections"]
    waiting = {}
    for path in paths:
        assert admin.goto(server.url + path).ok, path
        settle(admin)
        left = admin.eval_on_selector_all("[data-needs-script]", "nodes => nodes.map(n => n.outerHTML.slice(0, 80))")
        if left:
            waiting[path] = left
    assert waiting == {}
    assert admin.errors == []
