"""The buyer's survey page in a real Chromium on a phone (390 px): in Chinese by the browser's language and in
English by the switch, axe-clean, answered once with a tap and a comment; a second visit says "already answered".
The screenshot docs/screenshots/survey-phone.png is the page a buyer sees."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from orders.care.surveys.links import token_for
from orders.care.surveys.models import SurveyInvitation, SurveyResponse
from tests.support import survey_rows as rows
from tests.support.axe import blocking_violations
from tests.support.databases import make_app

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def survey_link(live_server, sqlite_url):
    """Return (server, the link of a delivered order's CSAT survey)."""
    server, _token = live_server
    app = make_app(sqlite_url)
    with app.app_context():
        rows.deliver(rows.paid_order(rows.broadcast().id, buyer_id="B-1"))
        token = token_for(db.session.scalar(sa.select(SurveyInvitation.id)))
        db.engine.dispose()
    return server, f"{server.url}/s/{token}", app


def phone_page(browser, language: str):
    """Return a phone-sized page whose browser asks for language."""
    context = browser.new_context(locale=language, viewport=PHONE, has_touch=True, is_mobile=True,
                                  extra_http_headers={"Accept-Language": f"{language},en;q=0.5"})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_buyer_answers_once_on_a_phone_in_chinese_and_a_second_visit_says_already_answered(browser, survey_link):
    _server, link, app = survey_link
    page = phone_page(browser, "zh-CN")
    page.goto(link)
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.inner_text("h1") == "您对这笔订单满意吗？"
    assert blocking_violations(page) == [] and no_sideways_scroll(page)
    box = page.locator("label[for=score-4]").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a thumb-sized choice across the phone
    page.click("label[for=score-4]")
    page.fill("#comment", "物流很快，<b>包装</b>很好")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "survey-phone.png"), full_page=True)
    page.click("#send")
    page.wait_for_selector("main[data-state=thanks]")
    page.wait_for_load_state()  # the answer is a new page: axe reads all of it
    assert page.inner_text("h1") == "谢谢您！" and blocking_violations(page) == []

    page.goto(link)
    assert page.get_attribute("main", "data-state") == "answered"
    assert page.inner_text("h1") == "您已经评价过了"
    with app.app_context():
        [stored] = db.session.scalars(sa.select(SurveyResponse)).all()
        assert (stored.score, stored.comment, stored.locale) == (4, "物流很快，<b>包装</b>很好", "zh_CN")
        db.engine.dispose()
    assert page.errors == []
    page.context.close()


def test_the_language_switch_shows_the_english_page_and_it_is_clean_too(browser, survey_link):
    _server, link, _app = survey_link
    page = phone_page(browser, "zh-CN")
    page.goto(link)
    page.click("a[lang=en]")
    page.wait_for_selector("html[lang=en]")
    page.wait_for_load_state()  # <html> comes first: wait for the rest of the English page
    assert page.inner_text("h1") == "How satisfied are you with your order?"
    assert blocking_violations(page) == [] and no_sideways_scroll(page)
    page.keyboard.press("Tab")  # the skip link first, then the language links, then the scale
    page.click("#send")  # nothing chosen: the browser asks for a choice and nothing is sent
    assert page.get_attribute("main", "data-state") == "form"
    page.context.close()


@pytest.mark.parametrize("width", [390, 360, 320])
def test_the_eleven_nps_choices_fit_a_phone(browser, survey_link, width):
    """Probe 14: the first row of 0-10 was wider than the card (the "5" past a 390 px screen, off a 360 px one)."""
    _server, link, app = survey_link
    with app.app_context():
        db.session.execute(sa.update(SurveyInvitation).values(kind="nps"))
        db.session.commit()
        db.engine.dispose()
    page = phone_page(browser, "en-US")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(link)
    assert page.locator(".choice label").count() == 11
    assert no_sideways_scroll(page)
    for index in range(11):
        box = page.locator(f"label[for=score-{index}]").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (index, box)
        assert box["height"] >= 44 and box["width"] >= 36, (index, box)  # still a thumb-sized target
    page.click("label[for=score-5]")
    assert page.is_checked("#score-5")
    assert blocking_violations(page) == [] and page.errors == []
    page.context.close()
