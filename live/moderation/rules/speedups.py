"""The compiled helper of the moderation pipeline (``_speedups.c``), when it is built.

Normalisation and the spam content rules make several regex passes over every new text. The
helper does the character-class passes in one loop each; ``normalize.squash_collapse``,
``spam.fingerprint`` and ``spam.content_counts`` use it when it is built and fall back to their
regular expressions (same results, tested on generated text) when it is not.
``make setup`` builds it with live/moderation/rules/build_speedups.py; ``LIVEDESK_PURE_PYTHON_MODERATION=1``
ignores it.
"""

from __future__ import annotations

import os
from types import ModuleType

__all__ = ["compiled"]


def _load() -> ModuleType | None:
    if os.environ.get("LIVEDESK_PURE_PYTHON_MODERATION") == "1":  # tests of the fallback set it
        return None
    try:
        from live.moderation.rules import _speedups  # type: ignore[attr-defined]
    except ImportError:
        return None
    return _speedups


compiled: ModuleType | None = _load()
