"""Werkzeug's URL builders compiled once per test process instead of once per app.

Almost every test builds a fresh app (create_app), and about seventy percent of that is Werkzeug compiling two
URL-builder functions per route from a generated AST: the same few hundred functions again for each of some
three thousand apps. A builder's code depends only on what Rule._compile_builder reads (the rule text, its
parsed parts, its defaults as the converters write them, and whether unknown arguments are appended), so this
keeps one code object per such key and gives each rule a function of its own made from it. Nothing changes
for the app under test: the builder is the one Werkzeug would have compiled. Servers started by the tests
(tests/support/server.py) do not use this; they build their one app the ordinary way.
"""
from __future__ import annotations

import types

from werkzeug.routing.rules import Rule

_ORIGINAL = Rule._compile_builder
_CODE: dict[tuple, types.FunctionType] = {}


def _key(rule: Rule, append_unknown: bool) -> tuple:
    """Return what the builder of rule depends on: rule text, parsed parts, defaults as written into the URL."""
    defaults = rule.defaults or {}
    written = tuple((name, rule._converters[name].to_url(value) if name in rule._converters else None)
                    for name, value in defaults.items())
    return rule.rule, tuple(rule._trace), written, append_unknown


def _cached_compile_builder(self: Rule, append_unknown: bool = True):
    """Return Werkzeug's builder function for this rule, compiling its code only the first time it is seen."""
    try:
        key = _key(self, append_unknown)
        hash(key)
    except Exception:  # noqa: BLE001 anything unusual (an unhashable default): compile as Werkzeug does
        return _ORIGINAL(self, append_unknown)
    template = _CODE.get(key)
    if template is None:
        template = _CODE[key] = _ORIGINAL(self, append_unknown)
    builder = types.FunctionType(template.__code__, template.__globals__, template.__name__, template.__defaults__,
                                 template.__closure__)
    builder.__kwdefaults__ = template.__kwdefaults__
    return builder


def install() -> None:
    """Make Werkzeug reuse compiled URL builders in this process (idempotent)."""
    Rule._compile_builder = _cached_compile_builder
