"""Demo traffic (pure): a seeded generator of v1 platform events, paced by the delays it yields.

Everything about the stream (ids, types, payloads, relative times) comes from one `random.Random(seed)`, so a
seed replays the same broadcast; only `start` (the wall-clock time of the first event) anchors the timestamps.
"""
from __future__ import annotations

import copy
import heapq
import itertools
import random
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Iterator

from app.db import quantize_money
from app.demo import data
from app.demo.aftermath import RoomAftermath
from app.demo.lineup import LineupItem, Sellable, lineup_from_catalogue, lineup_from_snapshot

__all__ = ["LineupItem", "Sellable", "TrafficGenerator", "lineup_from_catalogue", "lineup_from_snapshot"]


class TrafficGenerator(RoomAftermath):
    """Yields (delay_seconds, event) forever: steady viewers, chat, clicks and orders at `rate` events/s,
    pins rotating through the line-up, and a flash-sale burst of orders every ~`burst_every` seconds, with the
    payments, failures, cancellations, incomplete orders and redeliveries that follow real orders."""

    def __init__(self, seed: int, lineup: list[LineupItem], rate: float = 10.0, start: datetime | None = None,
                 burst_every: float = 60.0, burst_orders: tuple[int, int] = (200, 400),
                 burst_seconds: tuple[float, float] = (2.0, 4.0), viewers: int = 400):
        if not lineup:
            raise ValueError("the line-up is empty: nothing to sell")
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.seed, self.lineup, self.rate = seed, lineup, rate
        self.start = start or datetime.now(timezone.utc)
        self.burst_every, self.burst_orders, self.burst_seconds = burst_every, burst_orders, burst_seconds
        self.rng = random.Random(seed)
        self._heap: list[tuple[float, int, str, Any]] = []
        self._order = itertools.count()  # tie-break: equal times keep the order they were scheduled in
        self._event_numbers = itertools.count(1)
        self._order_numbers = itertools.count(1)
        self._viewers = [data.fake_viewer(self.rng) for _ in range(viewers)]
        self._online: list[int] = []
        self._buyers: dict[int, dict] = {}
        self._pinned: LineupItem | None = None
        self._rotation = 0
        self._next_steady = self.rng.expovariate(rate)
        self._schedule(0.5, "rotate", None)
        self._schedule(burst_every * self.rng.uniform(0.75, 1.0), "burst", None)
        self._start_aftermath(seed)  # likes, gifts, viewer counts, after-sales requests, complaints

    def __iter__(self) -> Iterator[tuple[float, dict]]:
        """Return the endless stream of (seconds to wait since the previous event, event)."""
        clock = 0.0
        while True:
            at, event = self._next()
            yield max(0.0, at - clock), event
            clock = max(clock, at)

    def _schedule(self, at: float, kind: str, payload: Any) -> None:
        heapq.heappush(self._heap, (at, next(self._order), kind, payload))

    def _next(self) -> tuple[float, dict]:
        """Return the next event due, steady or scheduled, with its time since the start."""
        while True:
            if not self._heap or self._next_steady < self._heap[0][0]:
                at = self._next_steady
                self._next_steady += self.rng.expovariate(self.rate)
                body = self._steady(at)
                return at, body if "id" in body else self._emit(at, body)
            at, _, kind, payload = heapq.heappop(self._heap)
            if kind == "dup":
                return at, payload
            if kind == "event":
                return at, self._emit(at, payload)
            if kind == "burst_order":
                skus, viewer = payload
                return at, self._emit(at, self._make_order(at, skus, "in_stream", viewer, burst=True))
            if kind == "order":
                viewer, source, skus = payload
                return at, self._emit(at, self._make_order(at, skus, source, viewer))
            if kind == "crowd":
                return at, self._crowd_event(at)
            if kind == "room_count":
                return at, self._room_count_event(at)
            if kind == "rotate":
                self._rotate(at)
            elif kind == "burst":
                self._burst(at)

    def _emit(self, at: float, body: dict) -> dict:
        """Return body as a complete event with the next id and its time; some are delivered twice later."""
        ts = (self.start + timedelta(seconds=at)).isoformat(timespec="milliseconds")
        event = {"id": f"sim-{self.seed}-{next(self._event_numbers)}", "type": body["type"], "ts": ts,
                 **{k: v for k, v in body.items() if k != "type"}}
        if self.rng.random() < (0.03 if event["type"] == "order" else 0.01):
            self._schedule(at + self.rng.uniform(0.5, 3.0), "dup", copy.deepcopy(event))
        return event

    def _steady(self, at: float) -> dict:
        """Return the body of one steady event: a join, leave, click, chat message or order."""
        # The audience fills up quickly, then about as many leave as join around 60% of the pool.
        filled = len(self._online) / len(self._viewers)
        join = 0.35 if filled < 0.3 else 0.15 if filled < 0.6 else 0.07
        roll = self.rng.random()
        if not self._online or roll < join:
            return self._join()
        if roll < join + 0.08:
            index = self._online.pop(self.rng.randrange(len(self._online)))
            return {"type": "viewer_leave", "viewer_id": self._viewers[index][0]}
        viewer = self.rng.choice(self._online)
        if roll < join + 0.25:
            return {"type": "product_click", "viewer_id": self._viewers[viewer][0], "sku": self._item().sku}
        if roll < 0.86:
            if self.rng.random() < 0.12:
                return self._link_claim(at, viewer)
            return self._chat(viewer, self._chat_text())
        source = "in_stream" if self.rng.random() < 0.85 else "product_link"
        if self.rng.random() < 0.8:
            # Most buyers open the product card first: the click now, the order a few seconds later.
            item = self._item()
            self._schedule(at + self.rng.uniform(1.0, 4.0), "order", (viewer, source, self._pick(item)))
            return {"type": "product_click", "viewer_id": self._viewers[viewer][0], "sku": item.sku}
        return self._make_order(at, None, source, viewer)

    def _join(self, index: int | None = None) -> dict:
        online = set(self._online)
        offline = [i for i in range(len(self._viewers)) if i not in online]
        if index is None:
            index = self.rng.choice(offline) if offline else self.rng.randrange(len(self._viewers))
        if index not in online:
            self._online.append(index)
        viewer_id, nickname = self._viewers[index]
        return {"type": "viewer_join", "viewer_id": viewer_id, "nickname": nickname}

    def _chat(self, viewer: int, text: str) -> dict:
        viewer_id, nickname = self._viewers[viewer]
        return {"type": "chat", "viewer_id": viewer_id, "nickname": nickname, "text": text}

    def _chat_text(self) -> str:
        """Return a chat line: purchase claims, questions, chatter, and now and then hostile text."""
        roll = self.rng.random()
        pool = (data.CLAIM_TEXTS if roll < 0.22 else data.QUESTION_TEXTS if roll < 0.42
                else data.HOSTILE_TEXTS if roll < 0.46 else data.CHATTER_TEXTS)
        item = self._item()
        # A size only for a product that has variants, and one it has ("M BLK"): words no variant has leave the
        # claim unresolved (docs/claims.md), which the demo's viewers would not do on purpose.
        size = self._variant_words(item, self.rng.choice(item.sellables))
        text = self.rng.choice(pool).format(code=item.code, qty=self.rng.choice((1, 1, 2, 3)), size=size)
        return " ".join(text.split())

    @staticmethod
    def _variant_words(item: LineupItem, sellable) -> str:
        """Return the words a viewer names a variant with ("M 黑色" for TSHIRT-01-M-BLK); empty for the product."""
        parts = sellable.sku[len(item.sku):].strip("-").split("-")
        return " ".join(data.COLOUR_WORDS.get(part, part) for part in parts if part)

    def _link_claim(self, at: float, viewer: int) -> dict:
        """Return a claim by link number ("拍了 2件 3号 M BLK"), emitted; most get the platform's order naming the
        comment a few seconds later, some an order by the same buyer and items only, some none (never paid)."""
        item, qty, roll = self._item(), self.rng.choice((1, 1, 2)), self.rng.random()
        sellable = self.rng.choice(item.sellables)
        words = self._variant_words(item, sellable)
        event = self._emit(at, self._chat(viewer, f"拍了 {qty}件 {item.link}号 {words}".strip()))
        if roll < 0.85:
            order_at = at + self.rng.uniform(2.0, 20.0)
            order = self._make_order(order_at, [sellable.sku], "in_stream", viewer, quantities=[qty])
            self._schedule(order_at, "event", order | ({"comment_id": event["id"]} if roll < 0.7 else {}))
        return event

    def _item(self) -> LineupItem:
        """Return the pinned product more often than not, else any line-up product."""
        if self._pinned is not None and self.rng.random() < 0.6:
            return self._pinned
        return self.rng.choice(self.lineup)

    def _pick(self, item: LineupItem) -> list[str]:
        """Return the SKUs of an order of item: one of its variants, now and then two lines."""
        return [self.rng.choice(item.sellables).sku for _ in range(2 if self.rng.random() < 0.15 else 1)]

    def _make_order(self, at: float, skus: list[str] | None, source: str, viewer: int,
                    burst: bool = False, quantities: list[int] | None = None) -> dict:
        """Return an order body and schedule its payments, cancellation or nothing (an abandoned order)."""
        prices = {s.sku: s.price for item in self.lineup for s in item.sellables}
        if burst:  # a flash sale: one unit of one of the sale's SKUs
            skus, quantities = [self.rng.choice(skus)], [1]
        elif quantities is None:
            skus = skus if skus is not None else self._pick(self._item())
            quantities = [self.rng.choices((1, 2, 3), (70, 20, 10))[0] for _ in skus]
        items = [{"sku": sku, "qty": qty, "unit_price": str(prices[sku])} for sku, qty in zip(skus, quantities)]
        total = sum((quantize_money(prices[sku] * qty) for sku, qty in zip(skus, quantities)), Decimal("0"))
        order_id = f"SIM-{self.seed}-{next(self._order_numbers)}"
        buyer = dict(self._buyer(viewer))
        if self.rng.random() < 0.03:
            del buyer["phone"]  # an incomplete order for the audit to catch
        self._follow_up(at, order_id, quantize_money(total), buyer.get("id"))
        return {"type": "order", "order_id": order_id, "source": source, "buyer": buyer, "items": items,
                "coupon_codes": []}

    def _follow_up(self, at: float, order_id: str, total: Decimal, buyer_id: str | None) -> None:
        """Schedule what the platform reports after an order: paid, failed then paid, cancelled, or nothing."""
        roll, rng = self.rng.random(), self.rng

        def pay(when: float, status: str) -> None:
            self._schedule(when, "event", {"type": "payment", "order_id": order_id, "status": status,
                                           "amount": str(total), "method": rng.choice(data.PAYMENT_METHODS)})

        def cancel(when: float) -> None:
            self._schedule(when, "event", {"type": "order_cancel", "order_id": order_id,
                                           "reason": rng.choice(data.CANCEL_REASONS)})

        paid_at = at + rng.uniform(2.0, 8.0)
        if roll < 0.02:
            cancel(at + rng.uniform(3.0, 10.0))
        elif roll < 0.04:
            pay(paid_at, "paid")
            cancel(paid_at + rng.uniform(5.0, 15.0))
        elif roll < 0.14:
            pay(paid_at, "failed")
            pay(paid_at + rng.uniform(3.0, 8.0), "paid")
        elif roll < 0.92:
            pay(paid_at, "paid")
            if buyer_id:
                self._after_payment(paid_at, order_id, buyer_id, total)

    def _buyer(self, viewer: int) -> dict:
        """Return the viewer's buyer details, made up once so a repeat buyer stays the same person."""
        if viewer not in self._buyers:
            self._buyers[viewer] = data.fake_buyer(self.rng, self._viewers[viewer][0])
        return self._buyers[viewer]

    def _pin(self, at: float, item: LineupItem) -> None:
        """Schedule unpinning what is pinned and pinning item, both at `at`."""
        if self._pinned is not None:
            self._schedule(at, "event", {"type": "product_unpin", "sku": self._pinned.sku})
        self._schedule(at, "event", {"type": "product_pin", "sku": item.sku})
        self._pinned = item

    def _buyer_for_burst(self, at: float) -> int:
        """Return a viewer to buy in a flash sale: one online, or one who joins at its start."""
        if self._online and self.rng.random() < 0.9:
            return self.rng.choice(self._online)
        join = self._join()
        index = next(i for i, (viewer_id, _) in enumerate(self._viewers) if viewer_id == join["viewer_id"])
        self._schedule(at, "event", join)
        return index

    def _rotate(self, at: float) -> None:
        self._pin(at, self.lineup[self._rotation % len(self.lineup)])
        self._rotation += 1
        self._schedule(at + self.rng.uniform(20.0, 40.0), "rotate", None)

    def _burst(self, at: float) -> None:
        """Schedule a flash sale: pin one product and a few hundred orders on 1-2 of its SKUs within seconds."""
        item = self.rng.choice(self.lineup)
        skus = [s.sku for s in self.rng.sample(item.sellables, min(len(item.sellables), self.rng.choice((1, 2))))]
        self._pin(at, item)
        span = self.rng.uniform(*self.burst_seconds)
        buyers: set[int] = set()
        for _ in range(self.rng.randint(*self.burst_orders)):
            # Buyers are viewers who joined (a few join for the sale) and mostly clicked the product first.
            # Each buys once, as on a platform that lets a buyer check out a sale item once: a repeat is rare
            # (a double tap), not a third of the sale (issue 10 item 4).
            viewer = self._buyer_for_burst(at)
            for _attempt in range(20):
                if viewer not in buyers:
                    break
                viewer = self._buyer_for_burst(at)
            buyers.add(viewer)
            if self.rng.random() < 0.85:
                self._schedule(at + self.rng.uniform(0.0, 0.2), "event",
                               {"type": "product_click", "viewer_id": self._viewers[viewer][0], "sku": item.sku})
            self._schedule(at + 0.2 + self.rng.uniform(0.0, span), "burst_order", (skus, viewer))
        for _ in range(10):
            viewer = self.rng.randrange(len(self._viewers))
            self._schedule(at + self.rng.uniform(0.0, span), "event",
                           self._chat(viewer, self.rng.choice(data.BURST_TEXTS)))
        self._schedule(at + self.burst_every * self.rng.uniform(0.85, 1.15), "burst", None)
