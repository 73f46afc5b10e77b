"""The OpenAPI document at /api/v1/openapi.json: served openly, well-formed, and true to the app's routes."""
from __future__ import annotations

import re

import pytest

from live.events import EVENT_TYPES
from tests.support.api import order_event

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture
def spec(client):
    """Return the served OpenAPI document."""
    return client.get("/api/v1/openapi.json").get_json()


def resolve(doc: dict, pointer: str):
    """Return what a local $ref such as #/components/schemas/Order points at, or raise KeyError."""
    assert pointer.startswith("#/"), f"only local refs are used: {pointer}"
    node = doc
    for part in pointer[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def refs_in(node):
    """Yield every $ref value found anywhere under node."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs_in(item)


def operations(doc: dict):
    """Yield (path, method, operation) for every operation in the document."""
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                yield path, method, op


def documented_paths_of(rule: str) -> list[str]:
    """Return the OpenAPI paths of a Werkzeug rule: <int:x> becomes {x}; <any(a, b):x> becomes one path per choice."""
    choice = re.search(r"<any\(([^)]*)\):\w+>", rule)
    if choice:
        options = [o.strip().strip("'\"") for o in choice.group(1).split(",")]
        return [p for o in options for p in documented_paths_of(rule[:choice.start()] + o + rule[choice.end():])]
    return [re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule)]


def app_operations(app) -> set[tuple[str, str]]:
    """Return (OpenAPI path, method) for every /api/v1 rule of the app."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            for path in documented_paths_of(rule.rule):
                found |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def conforms(value, schema: dict, doc: dict, where: str = "$") -> list[str]:
    """Return why value does not fit schema (type, enum, const, required, properties, items, allOf/anyOf/oneOf)."""
    if "$ref" in schema:
        return conforms(value, resolve(doc, schema["$ref"]), doc, where)
    problems = []
    for part in schema.get("allOf", []):
        problems += conforms(value, part, doc, where)
    for key in ("anyOf", "oneOf"):
        if key in schema and all(conforms(value, option, doc, where) for option in schema[key]):
            problems.append(f"{where}: {value!r} fits none of {key}")
    types = schema.get("type")
    if types is not None:
        kinds = {"null": type(None), "string": str, "object": dict, "array": list, "boolean": bool,
                 "integer": int, "number": (int, float)}
        allowed = [types] if isinstance(types, str) else types
        fits = any(isinstance(value, kinds[t]) and not (t in ("integer", "number") and isinstance(value, bool))
                   for t in allowed)
        if not fits:
            return problems + [f"{where}: {value!r} is not {allowed}"]
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        problems.append(f"{where}: {value!r} != {schema['const']!r}")
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        problems.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        problems += [f"{where}: {key} is missing" for key in schema.get("required", []) if key not in value]
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                problems += conforms(value[key], sub, doc, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            problems += conforms(item, schema["items"], doc, f"{where}[{index}]")
    return problems


def response_schema(doc: dict, path: str, method: str, status: int) -> dict:
    """Return the JSON schema documented for one response."""
    response = doc["paths"][path][method]["responses"][str(status)]
    if "$ref" in response:
        response = resolve(doc, response["$ref"])
    return response["content"]["application/json"]["schema"]


def test_openapi_json_is_served_without_authentication(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json()["openapi"].startswith("3.1.")


def test_every_ref_in_the_document_resolves(spec):
    refs = set(refs_in(spec))
    assert refs, "the document uses components"
    for ref in refs:
        resolve(spec, ref)


def test_every_operation_has_responses_and_a_unique_operation_id(spec):
    ids = [op["operationId"] for _path, _method, op in operations(spec)]
    assert len(ids) == len(set(ids))
    for path, method, op in operations(spec):
        assert op.get("responses"), f"{method} {path} has no responses"
        assert any(code.startswith("2") for code in op["responses"]), f"{method} {path} has no success response"


def test_every_path_parameter_is_declared(spec):
    for path, method, op in operations(spec):
        params = (resolve(spec, p["$ref"]) if "$ref" in p else p for p in op.get("parameters", []))
        declared = {p["name"] for p in params if p["in"] == "path" and p["required"]}
        assert set(re.findall(r"\{(\w+)\}", path)) == declared, f"{method} {path}"


def test_every_api_route_of_the_app_is_documented(app, spec):
    documented = {(path, method) for path, method, _op in operations(spec)}
    assert app_operations(app) - documented == set()


def test_no_documented_operation_is_missing_from_the_app(app, spec):
    documented = {(path, method) for path, method, _op in operations(spec)}
    assert documented - app_operations(app) == set()


def test_only_the_document_itself_is_open_and_the_rest_needs_bearer_or_session(spec):
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == schemes["bearerAuth"] | {"type": "http", "scheme": "bearer"}
    assert {"bearerAuth": []} in spec["security"]
    open_ops = [(path, method) for path, method, op in operations(spec) if op.get("security") == []]
    # The platform endpoint of adapters is public: the request's signature is its authentication.
    # A survey answer is public too: the signed token of the buyer's link is its authentication.
    assert sorted(open_ops) == [("/api/v1/adapters/{platform}/{name}", "post"), ("/api/v1/openapi.json", "get"),
                                ("/api/v1/surveys/answers", "post")]


def test_ingestion_documents_the_signature_header(spec):
    ingest = spec["paths"]["/api/v1/broadcasts/{broadcast_id}/events"]["post"]
    params = [resolve(spec, p["$ref"]) for p in ingest["parameters"]]
    signature = next(p for p in params if p["name"] == "X-LiveDesk-Signature")
    assert signature["in"] == "header" and not signature["required"]
    assert "t.raw_body" in signature["description"] and "300" in signature["description"]


def test_every_event_type_is_in_a_oneof_discriminated_on_type(spec):
    event = spec["components"]["schemas"]["Event"]
    assert event["discriminator"]["propertyName"] == "type"
    mapping = event["discriminator"]["mapping"]
    assert set(mapping) == set(EVENT_TYPES)
    assert sorted(o["$ref"] for o in event["oneOf"]) == sorted(mapping.values())
    for event_type, ref in mapping.items():
        schema = resolve(spec, ref)
        assert schema["properties"]["type"]["const"] == event_type
        assert {"id", "type", "ts"} <= set(schema["required"])


def test_the_batch_limit_is_the_ingestion_endpoints(spec):
    from live.events import MAX_EVENTS

    events = spec["components"]["schemas"]["EventBatch"]["properties"]["events"]
    assert (events["minItems"], events["maxItems"]) == (1, MAX_EVENTS)


def test_error_responses_share_the_error_body(spec):
    for status in ("400", "401", "403", "404", "409"):
        assert any(status in op["responses"] for _p, _m, op in operations(spec)), status
    for name, response in spec["components"]["responses"].items():
        media = response["content"]["application/json"]
        assert media["schema"] == {"$ref": "#/components/schemas/Error"}, name
        for example in media["examples"].values():
            assert conforms(example["value"], media["schema"], spec) == [], name


def test_documented_schemas_describe_real_responses(api, spec):
    created = api.post("/api/v1/products", json={"sku": "A1", "name": "Tea", "price": 89, "stock": 5})
    broadcast_id = api.live_broadcast(skus=("A1",))
    lineup = api.post(f"/api/v1/broadcasts/{broadcast_id}/products", json={"sku": "A1", "live_price": "79.00"})
    events = api.events(broadcast_id, [order_event("A1", 1, order_id="O-1"), {"id": "bad", "type": "nope"}, 42])
    no_buyer = api.events(broadcast_id, [order_event("NOPE", 1, order_id="O-2", buyer=None, comment_id=None)])
    checks = [
        ("/api/v1/products", "post", created),
        ("/api/v1/products", "get", api.get("/api/v1/products")),
        ("/api/v1/products/{sku}/stock", "put", api.put("/api/v1/products/A1/stock", json={"stock": 9})),
        ("/api/v1/broadcasts/{broadcast_id}/products", "post", lineup),
        ("/api/v1/broadcasts/{broadcast_id}/events", "post", events),
        ("/api/v1/broadcasts/{broadcast_id}/events", "post", no_buyer),
        ("/api/v1/broadcasts/{broadcast_id}/snapshot", "get", api.get(f"/api/v1/broadcasts/{broadcast_id}/snapshot")),
        ("/api/v1/broadcasts/{broadcast_id}/end", "post", api.post(f"/api/v1/broadcasts/{broadcast_id}/end")),
        ("/api/v1/broadcasts", "get", api.get("/api/v1/broadcasts")),
        ("/api/v1/orders", "get", api.get("/api/v1/orders")),
        ("/api/v1/orders/{order_id}", "get", api.get("/api/v1/orders/O-1")),
        ("/api/v1/orders/{order_id}", "get", api.get("/api/v1/orders/O-404")),
        ("/api/v1/broadcasts/{broadcast_id}/start", "post", api.post(f"/api/v1/broadcasts/{broadcast_id}/start")),
        ("/api/v1/products", "post", api.post("/api/v1/products", json={"sku": "A1", "name": "Tea", "price": 1})),
        ("/api/v1/moderation/check", "post",
         api.post("/api/v1/moderation/check", json={"text": "SOLD A1 x2 加微信 abc12345", "broadcast_id": broadcast_id})),
        ("/api/v1/moderation/check", "post",
         api.post("/api/v1/moderation/check", json={"text": "hi", "broadcast_id": 99})),
        ("/api/v1/broadcasts/{broadcast_id}/metrics", "get", api.get(f"/api/v1/broadcasts/{broadcast_id}/metrics")),
        ("/api/v1/broadcasts/{broadcast_id}/metrics", "get",
         api.get(f"/api/v1/broadcasts/{broadcast_id}/metrics?attribution_days=400")),
    ]
    assert [r["status"] for r in events.get_json()["results"]] == ["accepted", "rejected", "rejected"]
    for path, method, response in checks:
        schema = response_schema(spec, path, method, response.status_code)
        assert conforms(response.get_json(), schema, spec) == [], f"{method} {path} {response.status_code}"


def test_two_fragments_may_share_a_path_but_never_an_operation_or_a_schema():
    from app.openapi.spec import merged, merged_paths

    assert merged_paths([{"/x": {"get": 1}}, {"/x": {"patch": 2}}]) == {"/x": {"get": 1, "patch": 2}}
    with pytest.raises(ValueError, match="/x"):
        merged_paths([{"/x": {"get": 1}}, {"/x": {"get": 2}}])
    with pytest.raises(ValueError, match="Order"):
        merged([{"Order": {}}, {"Order": {}}], "schema")


def test_every_fragment_offers_paths_schemas_and_parameters():
    from app.openapi.spec import FRAGMENTS

    for fragment in FRAGMENTS:
        assert all(isinstance(getattr(fragment, part)(), dict) for part in ("paths", "schemas", "parameters"))
