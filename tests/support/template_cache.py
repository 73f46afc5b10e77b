"""Jinja templates compiled once per test process instead of once per app.

Each test builds an app of its own, and each app's Jinja environment starts empty, so every page a test renders
is lexed, parsed and compiled to Python again (the login page, its base template and macros, then the page under
test): more time than the request itself. This gives every Jinja environment made in this process a bytecode
cache shared by all of them, as Jinja's own FileSystemBytecodeCache would across processes. An entry is used only
for the same template file with the same source (Jinja's checksum) under an environment that compiles alike (the
settings the lexer, parser and code generator read), so a changed template is compiled anew. Nothing changes for
the app under test: the code it runs is the code its environment would have compiled. Servers started by the
tests (tests/support/server.py) do not use this; they build their one app the ordinary way.
"""
from __future__ import annotations

from flask import Flask
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

_ORIGINAL = Flask.create_jinja_environment


def _compiles_alike(environment) -> tuple:
    """Return what the compiled code of a template depends on besides its source: lexer, parser and code
    generator settings, extensions, and the filter and test names the compiler checks."""
    autoescape = environment.autoescape
    return (
        environment.block_start_string, environment.block_end_string, environment.variable_start_string,
        environment.variable_end_string, environment.comment_start_string, environment.comment_end_string,
        environment.line_statement_prefix, environment.line_comment_prefix, environment.trim_blocks,
        environment.lstrip_blocks, environment.newline_sequence, environment.keep_trailing_newline,
        environment.optimized, environment.is_async, environment.finalize is not None,
        getattr(autoescape, "__func__", autoescape), environment.code_generator_class,
        tuple(sorted(environment.extensions)), getattr(environment, "newstyle_gettext", None),
        tuple(sorted(environment.filters)), tuple(sorted(environment.tests)),
    )


class SharedBytecodeCache(BytecodeCache):
    """Compiled template code kept in memory for every environment of this process."""

    def __init__(self) -> None:
        self._code: dict[tuple, object] = {}

    def _key(self, bucket: Bucket) -> tuple | None:
        try:
            key = (bucket.key, bucket.checksum, _compiles_alike(bucket.environment))
            hash(key)
        except Exception:  # noqa: BLE001 anything unusual in the environment: no sharing
            return None
        return key

    def load_bytecode(self, bucket: Bucket) -> None:
        """Give bucket the code compiled earlier for the same template, source and settings, if any."""
        key = self._key(bucket)
        if key is not None and key in self._code:
            bucket.code = self._code[key]

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep the code just compiled for bucket's template."""
        key = self._key(bucket)
        if key is not None and bucket.code is not None:
            self._code[key] = bucket.code


_CACHE = SharedBytecodeCache()


def _create_jinja_environment(self: Flask):
    """Return Flask's Jinja environment for this app, sharing compiled templates with the process's other apps."""
    environment = _ORIGINAL(self)
    environment.bytecode_cache = _CACHE
    return environment


def install() -> None:
    """Make every Flask app of this process share compiled Jinja templates (idempotent)."""
    Flask.create_jinja_environment = _create_jinja_environment
