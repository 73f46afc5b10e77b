"""An independent count of a generated comment-selling broadcast: what the reconciliation must say, computed from
the events that were sent (no database, no LiveDesk code), for tests/functional/test_claims_reconciliation.py."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass
class GeneratedBroadcast:
    """The events of a generated broadcast and what each claim was meant to become."""

    chats: list[dict] = field(default_factory=list)
    orders: list[dict] = field(default_factory=list)
    payments: list[dict] = field(default_factory=list)
    fate: dict[str, str] = field(default_factory=dict)  # comment id → unresolved / draft / ordered / paid
    stray_orders: int = 0  # orders naming a comment that was never sent


def generate(seed: int, t0: datetime, claims: int = 60) -> GeneratedBroadcast:
    """Return a broadcast's events: claims of link 1 (TEE, sizes M/L) and link 2 (MUG), some naming no product,
    orders for most claims (by comment id, or by the same buyer and items), payments for some, stray orders."""
    rng = random.Random(seed)
    out = GeneratedBroadcast()
    for n in range(claims):
        comment, viewer, at = f"c-{seed}-{n}", f"v-{seed}-{n}", t0 + timedelta(seconds=n)
        kind = rng.choice(["mug", "mug", "tee", "bad"])
        qty = rng.randint(1, 3)
        if kind == "bad":
            out.chats.append(_chat(comment, viewer, f"拍了 {qty}件 9号", at))
            out.fate[comment] = "unresolved"
            continue
        sku, price, text = (("MUG", "20.00", f"拍了 {qty}件 2号") if kind == "mug"
                            else ("TEE-M", "59.00", f"1号链接 拍了 M {qty}件"))
        out.chats.append(_chat(comment, viewer, text, at))
        roll = rng.random()
        if roll < 0.2:
            out.fate[comment] = "draft"  # never ordered: the draft stays open
            continue
        order = {"id": f"o-{comment}", "type": "order", "ts": (at + timedelta(seconds=30)).isoformat(),
                 "order_id": f"DY-{comment}", "source": "in_stream",
                 "buyer": {"id": viewer, "name": "张三", "phone": "13812345678",
                           "address": {"province": "浙江省", "city": "杭州市", "district": "西湖区", "detail": "文三路 1 号"}},
                 "items": [{"sku": sku, "qty": qty, "unit_price": price}], "coupon_codes": []}
        if roll < 0.8:
            order["comment_id"] = comment  # else: completed by the same buyer and items
        out.orders.append(order)
        out.fate[comment] = "ordered"
        if rng.random() < 0.5:
            total = f"{int(float(price) * 100) * qty / 100:.2f}"
            out.payments.append({"id": f"p-{comment}", "type": "payment", "ts": (at + timedelta(seconds=60)).isoformat(),
                                 "order_id": order["order_id"], "status": "paid", "amount": total})
            out.fate[comment] = "paid"
    for n in range(rng.randint(1, 4)):
        out.orders.append({"id": f"stray-{seed}-{n}", "type": "order", "ts": (t0 + timedelta(seconds=n)).isoformat(),
                           "order_id": f"DY-stray-{seed}-{n}", "source": "in_stream", "comment_id": f"never-{n}",
                           "buyer": {"id": f"b-stray-{n}", "name": "李四", "phone": "13900000000",
                                     "address": {"province": "浙江省", "city": "杭州市", "district": "西湖区",
                                                 "detail": "文三路 2 号"}},
                           "items": [{"sku": "MUG", "qty": 1, "unit_price": "20.00"}], "coupon_codes": []})
        out.stray_orders += 1
    return out


def _chat(comment: str, viewer: str, text: str, at: datetime) -> dict:
    return {"id": comment, "type": "chat", "ts": at.isoformat(), "viewer_id": viewer, "text": text}


def expected(generated: GeneratedBroadcast) -> dict:
    """Return what the reconciliation must count (with unpaid_minutes=0): claims by status, list totals, lags."""
    fates = list(generated.fate.values())
    counts = {"unresolved": fates.count("unresolved"), "claimed": fates.count("draft"),
              "ordered": fates.count("ordered"), "paid": fates.count("paid"), "expired": 0, "cancelled": 0,
              "total": len(fates)}
    ordered_claims = fates.count("ordered") + fates.count("paid")
    return {
        "counts": counts,
        "claims_without_order": fates.count("unresolved"),
        "open_drafts": fates.count("draft"),
        # Unpaid at once: the claims' accepted orders not paid and the drafts holding units (a stray order is held
        # for its unseen comment: the auditor's, not the buyer's, move).
        "unpaid": fates.count("ordered") + fates.count("draft"),
        "orders_without_comment": generated.stray_orders,
        "lag_count": ordered_claims,
    }
