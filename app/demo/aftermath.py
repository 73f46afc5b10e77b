"""What a simulated room does besides chat and orders (pure): the crowd's likes, gifts and viewer counts, and the
platform's after-sales requests and complaints that follow some paid orders.

Each draws from a generator of its own (seeded from the broadcast's seed), so adding them left the rest of a
seed's traffic as it was: only later event ids moved.
"""
from __future__ import annotations

import random
from datetime import timedelta

AFTERSALE_SHARE = 0.03  # paid orders whose buyer asks the platform for a refund a minute or so later
COMPLAINT_SHARE = 0.01  # paid orders whose buyer complains to the platform
AFTERSALE_REASONS = ("quality", "size_fit", "wrong_item", "other")
COMPLAINT_CATEGORIES = ("logistics", "service", "product_quality")
COMPLAINT_TEXTS = ("发货太慢了，说好的48小时发货呢", "客服一直不回复", "收到的颜色和直播间展示的不一样",
                   "The parcel has not moved for days")
ROOM_COUNT_EVERY = 10.0  # seconds between the room's viewer counts
GIFTS = (("5655", "Rose", 1), ("463", "小心心", 1), ("5953", "Doll", 25))


class RoomAftermath:
    """Mixed into demo.simulator.TrafficGenerator: the crowd's interactions and the after-sale events of orders."""

    def _start_aftermath(self, seed: int) -> None:
        self._crowd = random.Random(f"{seed}-crowd")
        self._aftercare = random.Random(f"{seed}-aftercare")
        self._schedule(2.0, "crowd", None)
        self._schedule(1.0, "room_count", None)

    def _crowd_event(self, at: float) -> dict:
        """Return a like, a gift (a streak's final count) or the room's viewer count, and schedule the next one."""
        crowd = self._crowd
        self._schedule(at + crowd.uniform(1.0, 4.0), "crowd", None)
        ts = (self.start + timedelta(seconds=at)).isoformat(timespec="milliseconds")
        event = {"id": f"sim-{self.seed}-{next(self._event_numbers)}", "ts": ts}
        roll = crowd.random()
        if roll < 0.2 or not self._online:
            return event | {"type": "viewer_count", "count": len(self._online) * 3 + crowd.randint(0, 25)}
        viewer_id, nickname = self._viewers[crowd.choice(self._online)]
        if roll < 0.75:
            return event | {"type": "like", "viewer_id": viewer_id, "nickname": nickname, "count": crowd.randint(1, 15)}
        gift_id, name, diamonds = crowd.choice(GIFTS)
        count = crowd.randint(1, 10)
        return event | {"type": "gift", "viewer_id": viewer_id, "nickname": nickname, "gift_id": gift_id,
                        "gift_name": name, "count": count, "value": diamonds * count, "unit": "diamond"}

    def _room_count_event(self, at: float) -> dict:
        """Return the room's viewer count, which platforms push every few seconds, and schedule the next one."""
        self._schedule(at + ROOM_COUNT_EVERY, "room_count", None)
        ts = (self.start + timedelta(seconds=at)).isoformat(timespec="milliseconds")
        return {"id": f"sim-{self.seed}-{next(self._event_numbers)}", "ts": ts, "type": "viewer_count",
                "count": len(self._online) * 3 + self._crowd.randint(0, 25)}

    def _after_payment(self, paid_at: float, order_id: str, buyer_id: str, total) -> None:
        """Schedule, for a few paid orders, the platform's refund request or the buyer's complaint that follows."""
        care = self._aftercare
        roll = care.random()
        if roll < AFTERSALE_SHARE:
            at = paid_at + care.uniform(20.0, 90.0)
            deadline = (self.start + timedelta(seconds=at, hours=48)).isoformat(timespec="seconds")
            self._schedule(at, "event", {"type": "aftersale", "aftersale_id": f"AS-{order_id}", "order_id": order_id,
                                         "aftersale_type": "refund_only", "status": "requested",
                                         "reason": care.choice(AFTERSALE_REASONS), "amount": str(total),
                                         "deadline_at": deadline})
        elif roll < AFTERSALE_SHARE + COMPLAINT_SHARE:
            self._schedule(paid_at + care.uniform(10.0, 60.0), "event", {
                "type": "complaint", "complaint_id": f"CP-{order_id}", "order_id": order_id, "buyer_id": buyer_id,
                "category": care.choice(COMPLAINT_CATEGORIES), "text": care.choice(COMPLAINT_TEXTS)})
