"""Hostile chat is shown as text, never run: 100+ XSS payloads as nicknames and messages, through the events
API and moderation, on the host page and the moderator console (real server, real Chromium)."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import log_in
from tests.browser.test_moderator_console import ConsoleSession, RemoteApi, chat_event

pytestmark = pytest.mark.browser

BASE_PAYLOADS = [
    # script tags
    "<script>alert(1)</script>", "<SCRIPT>alert(1)</SCRIPT>", "<ScRiPt>alert(1)</sCrIpT>",
    "<script src=//xss.invalid/x.js></script>", "<script>document.title='pwned'</script>",
    "</li><script>alert(1)</script>", "\"><script>alert(1)</script>", "'><script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</script>", "</script><script>alert(1)</script>",
    "<script type='text/javascript'>alert(1)</script>",
    "<svg><script>alert(1)</script></svg>", "<template><script>alert(1)</script></template>",
    "<xmp><script>alert(1)</script></xmp>", "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    # javascript: URLs and navigation
    "<a href=\"javascript:alert(1)\">click me</a>", "javascript:alert(1)", "<a href=JaVaScRiPt:alert(1)>x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>", "<form action=javascript:alert(1)><button>go</button></form>",
    "<iframe src=\"javascript:alert(1)\"></iframe>", "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<link rel=stylesheet href=javascript:alert(1)>", "<base href=\"javascript:alert(1)//\">",
    "<object data=javascript:alert(1)>", "<embed src=javascript:alert(1)>", "<isindex action=javascript:alert(1)>",
    "<a href=\"data:text/html,<script>alert(1)</script>\">data</a>",
    # iframe srcdoc
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>", "<iframe srcdoc='&lt;img src=x onerror=alert(1)&gt;'>",
    "<iframe src=//xss.invalid></iframe>",
    # template syntax
    "{{7*7}}", "${7*7}", "#{7*7}", "<%= 7*7 %>", "{{constructor.constructor('alert(1)')()}}", "[[7*7]]",
    "{% debug %}", "{{config}}", "${alert(1)}", "`${alert(1)}`", "{{'a'.constructor.prototype.charAt=[].join}}",
    # style
    "<style>body{display:none}</style>", "<style>@import 'javascript:alert(1)';</style>",
    "<div style=\"background:url(javascript:alert(1))\">bg</div>", "<p style=\"x:expression(alert(1))\">ie</p>",
    "<style>*{background:red!important}</style>",
    # broken quotes and breaking out of contexts
    "\"onmouseover=\"alert(1)", "' onfocus='alert(1)' autofocus='", "\"/><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>", "</title><script>alert(1)</script>", "--><script>alert(1)</script>",
    "]]><script>alert(1)</script>", "<!--<img src=\"--><img src=x onerror=alert(1)//\">", "\"};alert(1);//",
    "';alert(1);//", "\\\";alert(1);//", "<<script>alert(1)//<</script>",
    # unicode tricks
    "＜script＞alert(1)＜/script＞", "\u202e<script>alert(1)</script>", "<scr\u200bipt>alert(1)</script>",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e", "%3Cscript%3Ealert(1)%3C/script%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;", "&#60;script&#62;alert(1)&#60;/script&#62;",
    "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;(1)>", "\u2028<script>alert(1)</script>\u2029",
    "<ſcript>alert(1)</ſcript>", "😀<img src=x onerror=alert(1)>", "主播<script>alert('好')</script>",
    "Z̷̛a̸l̵g̶o̷<script>alert(1)</script>", "\ufeff<svg onload=alert(1)>", "<img src=x onerror=alert`1`>",
]
# Event handlers on many elements: each tag with each handler it can fire.
HANDLER_TAGS = [
    ("img src=x", "onerror"), ("svg", "onload"), ("svg/", "onload"), ("body", "onload"), ("video src=x", "onerror"),
    ("audio src=x", "onerror"), ("input autofocus", "onfocus"), ("details open", "ontoggle"),
    ("marquee", "onstart"), ("iframe", "onload"), ("object data=x", "onerror"), ("select autofocus", "onfocus"),
    ("textarea autofocus", "onfocus"), ("div", "onmouseover"), ("a href=#", "onclick"), ("button autofocus", "onfocus"),
    ("image src=x", "onerror"), ("embed src=x", "onload"), ("source src=x", "onerror"), ("style", "onload"),
    ("link rel=stylesheet href=x", "onerror"), ("frameset", "onload"), ("math", "onclick"),
    ("svg><animate attributeName=x dur=1s", "onbegin"),
]
PAYLOADS = BASE_PAYLOADS + [f"<{tag} {handler}=alert(1)>" for tag, handler in HANDLER_TAGS] + [
    f"<{tag} {handler}=\"alert(document.domain)\">text" for tag, handler in HANDLER_TAGS[:12]]

# Installed before any page script: records every element of an executable or embedding kind added to the
# document. The page's own markup is recorded too while it is parsed, so tests clear the list once loaded.
WATCH = """
window.__added = [];
new MutationObserver(function (records) {
  records.forEach(function (record) {
    record.addedNodes.forEach(function (node) {
      if (node.nodeType !== 1) { return; }
      var found = [node].concat(Array.from(node.querySelectorAll ? node.querySelectorAll('*') : []));
      found.forEach(function (el) {
        if (/^(SCRIPT|IFRAME|OBJECT|EMBED|IMG|SVG|STYLE|LINK|META|BASE|FORM|VIDEO|AUDIO|A)$/i.test(el.tagName)) {
          window.__added.push(el.tagName);
        }
      });
    });
  });
}).observe(document, {childList: true, subtree: true});
"""

SHOWN = """(selector) => Array.from(document.querySelectorAll(selector)).map(li => ({
  id: li.dataset.eventId,
  nick: li.querySelector('.nick').textContent,
  text: li.querySelector('.text').textContent,
  tags: Array.from(li.querySelectorAll('*')).map(el => el.tagName)
}))"""


def _permissive_broadcast(server, token) -> tuple[RemoteApi, ConsoleSession, int]:
    """Return clients and a broadcast whose policy lets hostile-looking text through (links are held)."""
    api = RemoteApi(server.url, token)
    broadcast_id = api.live_broadcast("XSS live")
    moderator = ConsoleSession(server.url, "moderator")
    moderator.request("PUT", f"/api/v1/broadcasts/{broadcast_id}/moderation-policy", {"policy": {
        "max_length": 2000, "caps_ratio": 1.0, "symbol_ratio": 1.0, "raid_viewers": 100_000,
        "flood_messages": 1000, "contact_action": "hold"}})
    return api, moderator, broadcast_id


def _send_and_approve(api: RemoteApi, moderator: ConsoleSession, broadcast_id: int) -> dict[str, tuple[str, str]]:
    """Send every payload as nickname and text (one viewer each); approve what moderation held. Return what was sent."""
    sent = {f"x-{i}": (payload[:100], payload) for i, payload in enumerate(PAYLOADS)}
    events = [chat_event(event_id, f"viewer-{event_id}", text, nick) for event_id, (nick, text) in sent.items()]
    results = api.chat(broadcast_id, events)
    assert {r["status"] for r in results} == {"accepted"}
    assert {r["action"] for r in results} <= {"allow", "hold"}, [r for r in results if r["action"] == "hide"]
    held = moderator.request("GET", f"/api/v1/broadcasts/{broadcast_id}/chat?status=held&limit=500")["messages"]
    for message in held:
        moderator.request("POST", f"/api/v1/chat/{message['message_id']}/approve", {"reason": "xss test"})
    return sent


def _assert_shown_as_text(page, selector: str, sent: dict[str, tuple[str, str]], requests_seen: list[str], base: str):
    shown = page.evaluate(SHOWN, selector)
    assert len(shown) == len(sent)
    for item in shown:
        assert (item["nick"], item["text"]) == sent[item["id"]], item["id"]
        assert not {"SCRIPT", "IFRAME", "IMG", "SVG", "STYLE", "A", "OBJECT", "EMBED"} & set(item["tags"]), item
    assert page.evaluate("window.__added") == []
    assert page.title().endswith("LiveDesk") and "pwned" not in page.title()
    # Only the server itself is asked for anything: no javascript: URL, no image or script from elsewhere.
    assert [url for url in requests_seen if urlsplit(url).netloc != urlsplit(base).netloc] == []
    assert page.dialogs == [] and page.errors == []


def _watch(page) -> list[str]:
    requests_seen: list[str] = []
    page.add_init_script(WATCH)
    page.on("request", lambda request: requests_seen.append(request.url))
    return requests_seen


def test_there_are_at_least_a_hundred_distinct_payloads():
    assert len(set(PAYLOADS)) == len(PAYLOADS) >= 100


@pytest.mark.slow
def test_hostile_nicknames_and_messages_are_plain_text_on_the_host_page(live_server, page):
    server, token = live_server
    api, moderator, broadcast_id = _permissive_broadcast(server, token)
    requests_seen = _watch(page)
    log_in(page, server.url, "host")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/live")
    page.wait_for_selector("#host[data-connection=connected]")
    page.evaluate("window.__added = []")
    scripts = page.evaluate("document.scripts.length")
    sent = _send_and_approve(api, moderator, broadcast_id)
    page.wait_for_function(f"document.querySelectorAll('#chat li').length === {len(sent)}", timeout=15000)
    _assert_shown_as_text(page, "#chat li", sent, requests_seen, server.url)
    assert page.evaluate("document.scripts.length") == scripts
    # A reload renders the same messages from the chat API instead of pushes: still text.
    page.reload()
    page.wait_for_selector("#host[data-connection=connected]")
    page.evaluate("window.__added = []")
    page.wait_for_function(f"document.querySelectorAll('#chat li').length === {len(sent)}", timeout=15000)
    _assert_shown_as_text(page, "#chat li", sent, requests_seen, server.url)


@pytest.mark.slow
def test_hostile_nicknames_and_messages_are_plain_text_on_the_moderator_console(live_server, page):
    server, token = live_server
    api, moderator, broadcast_id = _permissive_broadcast(server, token)
    requests_seen = _watch(page)
    log_in(page, server.url, "moderator")
    page.goto(f"{server.url}/broadcasts/{broadcast_id}/moderation")
    page.wait_for_selector("#console[data-connection=connected]")
    page.evaluate("window.__added = []")
    scripts = page.evaluate("document.scripts.length")
    sent = _send_and_approve(api, moderator, broadcast_id)
    page.wait_for_function(
        f"document.querySelectorAll('#stream li.msg[data-status=approved], #stream li.msg[data-status=visible]')"
        f".length === {len(sent)}", timeout=15000)
    _assert_shown_as_text(page, "#stream li.msg", sent, requests_seen, server.url)
    assert page.evaluate("document.scripts.length") == scripts
    # The viewer panel shows the hostile nickname's history as text too.
    page.click("#stream li.msg button.nick")
    page.wait_for_selector("#viewer-messages li.msg")
    assert page.evaluate("window.__added") == [] and page.dialogs == []
