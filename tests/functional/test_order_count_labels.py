"""The host page and analytics count orders differently, so their figures say which: the host's counts accepted
and paid orders ("Accepted orders"), analytics counts every order placed ("Orders placed"), in both languages.
Neither is labelled a bare "Orders"; the API fields behind them (totals.orders, metrics.orders) are unchanged."""
from __future__ import annotations

import json
import re

import pytest

from app.auth.models import User
from app.extensions import db
from tests.support.auth import login

LABELS = {"en": ("Accepted orders", "Orders placed", "Orders"), "zh_CN": ("有效订单", "下单数", "订单数")}


def _label_of(html: str, pattern: str) -> str:
    """Return the text of the .label span right before the element matched by pattern."""
    match = re.search(r'<span class="label">([^<]+)</span><strong ' + pattern, html)
    assert match, pattern
    return match.group(1)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_the_host_and_analytics_order_figures_name_what_they_count(app, users, api, locale):
    with app.app_context():
        db.session.scalar(db.select(User).filter_by(username="host")).locale = locale
        db.session.commit()
    broadcast_id = api.post("/api/v1/broadcasts", json={"title": "Spring", "platform": "douyin"}).get_json()["id"]
    api.post(f"/api/v1/broadcasts/{broadcast_id}/start", json={})  # analytics opens once a broadcast has started
    host = login(app, "host")
    accepted, placed, bare = LABELS[locale]

    host_page = host.get(f"/broadcasts/{broadcast_id}/live").get_data(as_text=True)
    assert _label_of(host_page, 'id="total-orders"') == accepted

    dashboard = host.get(f"/broadcasts/{broadcast_id}/analytics").get_data(as_text=True)
    assert _label_of(dashboard, 'data-metric="orders"') == placed
    strings = json.loads(re.search(r'<script type="application/json" id="strings">(.*?)</script>', dashboard, re.S).group(1))
    assert strings["orders"] == placed  # the chart's order bars
    assert f'<span class="label">{bare}</span>' not in host_page + dashboard
