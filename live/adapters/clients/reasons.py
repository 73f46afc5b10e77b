"""Platform after-sales reasons (free text or codes) → LiveDesk's reason codes (orders.aftersales CASE_REASONS).

The platforms send a buyer-facing reason ("七天无理由退货", "Damaged product",
"ecom_order_delivered_refund_and_return_reason_damaged"); the case needs one of LiveDesk's codes, which decide
who is responsible by default. The words below are matched in order; the first hit wins, else ``other``. The
text itself is kept as the case's note (``reason_text``).
"""
from __future__ import annotations

REASON_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("no_reason_7d", ("七天无理由", "7天无理由", "无理由", "不想要", "不喜欢", "拍错", "多拍", "买多", "changed mind",
                      "change of mind", "no longer need", "no reason", "ordered by mistake", "no_longer_needed")),
    ("wrong_item", ("发错", "错发", "发货错误", "wrong item", "wrong product", "incorrect item", "wrong_item")),
    ("missing_item", ("少件", "漏发", "缺件", "少发", "missing", "incomplete")),
    ("size_fit", ("尺码", "尺寸", "大小不", "不合身", "size", "fit")),
    ("logistics_damage", ("破损", "压坏", "摔坏", "未收到", "没收到", "丢件", "物流", "快递", "damaged", "not received",
                          "lost", "shipping", "delivery")),
    ("quality", ("质量", "瑕疵", "故障", "坏了", "不能用", "假货", "描述不符", "与描述", "defect", "quality",
                 "not as described", "broken", "fake", "counterfeit")),
)


def reason_code(text: str | None) -> str:
    """Return the LiveDesk reason code a platform's reason text or code means (``other`` when unclear)."""
    if not text:
        return "other"
    lowered = text.lower().replace("_", " ")
    for code, words in REASON_WORDS:
        if any(word in lowered for word in words):
            return code
    return "other"
