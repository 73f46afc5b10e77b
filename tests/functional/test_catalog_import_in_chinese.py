"""A Chinese seller's catalogue (probe 3 of session 15): a file's Chinese column names (the page's own) are read; every
row error of the preview, the header's, the refused import's and a refused product's are in the reader's language.
API clients, which send no Accept-Language, keep the English."""
from __future__ import annotations

from tests.support.auth import csrf_token, login

SHEET = ("SKU,名称,价格,规格 SKU,尺码,颜色,规格价格,库存\r\n"
         "ZH-TEE,T恤,59,ZH-TEE-M,M,黑色,,10\r\n"
         "ZH-TEE,,,ZH-TEE-M,L,黑色,69,abc\r\n"
         "ZH-MUG,杯子,12.345,,,,,3\r\n")


def _post(client, headers, body: str, dry_run: int):
    return client.post(f"/api/v1/products/import?dry_run={dry_run}", data=body.encode("utf-8-sig"),
                       headers=headers | {"Content-Type": "text/csv"})


def test_chinese_headers_are_read_and_row_errors_speak_chinese(app, users, api):
    host = login(app, "host")
    zh = {"X-CSRFToken": csrf_token(host, "/"), "Accept-Language": "zh-CN"}
    preview = _post(host, zh, SHEET, 1).get_json()
    messages = [error["message"] for row in preview["rows"] for error in row["errors"]]
    assert "stock 必须是 0 到 10000000 之间的整数" in messages
    assert "variant_sku ZH-TEE-M 在第 2 行也出现了" in messages
    assert "price 必须是 0 到 100000000 之间、最多两位小数的金额" in messages
    refused = _post(host, zh, SHEET, 0)
    assert refused.status_code == 400 and refused.get_json()["error"]["message"] == "2 行有错误；没有导入任何内容"
    assert api.get("/api/v1/products/ZH-TEE").status_code == 404  # nothing half-written

    unknown = _post(host, zh, "SKU,备注\r\nA,x\r\n", 1)
    assert unknown.status_code == 400 and unknown.get_json()["error"]["message"].startswith("无法识别的列 '备注'")
    english = api.post("/api/v1/products/import?dry_run=1", data=SHEET.encode("utf-8-sig"),
                       headers={"Content-Type": "text/csv"}).get_json()
    assert "stock must be a whole number from 0 to 10000000" in [e["message"] for r in english["rows"] for e in r["errors"]]

    good = "SKU,名称,价格,规格 SKU,尺码,颜色,规格价格,库存\r\nZH-TEE,T恤,59,ZH-TEE-M,M,黑色,,10\r\n"
    assert _post(host, zh, good, 0).status_code == 200
    assert api.get("/api/v1/products/ZH-TEE").get_json()["name"] == "T恤"


def test_a_refused_product_reads_in_chinese(app, users, api):
    api.product("ZH-CAP")
    host = login(app, "host")
    zh = {"X-CSRFToken": csrf_token(host, "/"), "Accept-Language": "zh-CN"}
    taken = host.post("/api/v1/products", json={"sku": "ZH-CAP", "name": "帽子", "price": "9", "stock": 1}, headers=zh)
    assert taken.status_code == 409 and taken.get_json()["error"]["message"] == "SKU 'ZH-CAP' 已存在"
    twice = host.post("/api/v1/products", json={"sku": "ZH-HAT", "name": "帽子", "price": "9", "variants": [
        {"sku": "ZH-HAT-1", "size": "M", "stock": 1}, {"sku": "ZH-HAT-1", "size": "L", "stock": 1}]}, headers=zh)
    assert (twice.status_code, twice.get_json()["error"]) == (400, {
        "code": "duplicate_sku", "field": "variants", "message": "有规格与商品 SKU 或其他规格的 SKU 重复"})
