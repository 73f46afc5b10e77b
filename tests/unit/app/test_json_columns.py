"""JSON columns are written by app.db.engine.dumps_json: the data json.dumps wrote, read back the same; what the
fast encoder refuses is written, or refused, exactly as json.dumps does."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.db.engine import configure_engine, dumps_json

VALUES = [
    {"text": "这个多少钱？ how much", "codes": ["spam.raid"], "claim": None, "n": 3, "ok": True, "price": 9.5},
    {"nested": {"list": [1, [2, {"three": "③"}]]}, "empty": {}, "none": []},
    "plain text",
    12,
    None,
    {1: "int key", True: "bool key"},
    {"big": 2 ** 70, "small": -(2 ** 70)},  # beyond 64 bits: json.dumps writes them
    {"surrogate": "\ud800 alone"},  # a lone surrogate from hostile JSON: json.dumps escapes it
    {"quote": "\"</script>\\"},
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_the_text_reads_back_as_json_dumps_wrote_it(value):
    assert json.loads(dumps_json(value)) == json.loads(json.dumps(value))


def test_what_json_dumps_refuses_is_still_refused():
    with pytest.raises(TypeError):
        dumps_json({"amount": Decimal("9.90")})


def test_a_configured_engine_writes_json_columns_with_it():
    engine = sa.create_engine("sqlite://")
    configure_engine(engine)
    table = sa.Table("docs", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), sa.Column("body", sa.JSON))
    table.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(table.insert(), [{"id": 1, "body": {"text": "小明"}}, {"id": 2, "body": {"big": 2 ** 70}}])
        stored = connection.execute(sa.text("SELECT body FROM docs WHERE id = 1")).scalar_one()
        back = connection.execute(sa.select(table.c.body).order_by(table.c.id)).scalars().all()
    assert stored == '{"text":"小明"}'  # json.dumps would have written {"text": "\\u5c0f\\u660e"}
    assert back == [{"text": "小明"}, {"big": 2 ** 70}]
