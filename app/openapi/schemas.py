"""JSON Schema 2020-12 builders and the scalar schemas every part of the v1 OpenAPI document shares."""
from __future__ import annotations


def ref(name: str) -> dict:
    """Return a $ref to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    """Return schema that also accepts null."""
    if "$ref" in schema or "oneOf" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def string(description: str | None = None, **keywords) -> dict:
    """Return a string schema."""
    return {"type": "string", **({"description": description} if description else {}), **keywords}


def integer(description: str | None = None, **keywords) -> dict:
    """Return an integer schema."""
    return {"type": "integer", **({"description": description} if description else {}), **keywords}


def array(items: dict, description: str | None = None, **keywords) -> dict:
    """Return an array schema of items."""
    return {"type": "array", "items": items, **({"description": description} if description else {}), **keywords}


def obj(properties: dict, required: tuple | list = (), description: str | None = None, **keywords) -> dict:
    """Return an object schema; required lists the keys that must be present."""
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return {**schema, **keywords}


def text(max_len: int, description: str | None = None, **keywords) -> dict:
    """Return a non-empty string of at most max_len characters."""
    return string(description, minLength=1, maxLength=max_len, **keywords)


# A string the server strips before use (app.http.validation.text) must keep a character that is neither
# whitespace (Python's, which adds \x1c-\x1f and \x85 to ECMA's \s) nor NUL, which it refuses too.
NON_BLANK = r"^[^\x00]*[^\s\x00\x1c-\x1f\x85][^\x00]*$"
NO_NUL = r"^[^\x00]*$"  # an optional text field: blank counts as absent, but NUL is refused all the same


def filled(max_len: int, description: str | None = None, **keywords) -> dict:
    """Return a required text field as the server reads it: not blank once stripped, no NUL, at most max_len characters."""
    return text(max_len, description, pattern=NON_BLANK, **keywords)


def camel(name: str) -> str:
    """Return snake_case name as CamelCase."""
    return "".join(part.capitalize() for part in name.split("_"))


# --- scalars -------------------------------------------------------------------------------------------------

MONEY = string("Amount with exactly 2 decimals, e.g. \"79.00\".", pattern=r"^-?[0-9]+\.[0-9]{2}$", examples=["79.00"])
DATETIME = string("ISO-8601 date-time in UTC.", format="date-time", examples=["2025-03-01T04:02:00+00:00"])
MONEY_INPUT = {
    "description": "A JSON number or a numeric string, 0 to 100000000, at most 2 decimal places.",
    "oneOf": [{"type": "number", "minimum": 0, "maximum": 100000000, "multipleOf": 0.01},
              # A string has the same bound as a number: at most 8 digits before the point, or 100000000 itself.
              {"type": "string", "pattern": r"^0*([0-9]{1,8}(\.[0-9]{1,2})?|100000000(\.0{1,2})?)$"}],
    "examples": ["79.00", 79],
}
EVENT_AMOUNT = MONEY_INPUT | {"examples": ["158.00"]}  # events refuse more than 2 decimal places too
TIMESTAMP_INPUT = {
    "description": "ISO-8601 with a time zone (Z or +08:00), or epoch milliseconds. Stored in UTC.",
    "oneOf": [string(format="date-time"), {"type": "number", "description": "epoch milliseconds"}],
    "examples": ["2025-03-01T12:02:00+08:00", 1740801720000],
}
