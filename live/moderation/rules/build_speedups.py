"""Build live/moderation/rules/_speedups.c into an extension module beside it (run as a script: make setup does).

``python live/moderation/rules/build_speedups.py [--if-stale]`` compiles with the compiler and flags this
interpreter was built with; no setuptools, no network. The module is written beside the old one and
renamed over it, so a running server that has the old one loaded keeps its mapping intact.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import sysconfig
from pathlib import Path

__all__ = ["build", "extension_path", "is_stale"]

SOURCE = Path(__file__).with_name("_speedups.c")
HEADERS = (Path(__file__).with_name("_charmap.h"),)


def extension_path() -> Path:
    """Return where the built extension goes: beside the C file, with this interpreter's suffix."""
    return SOURCE.with_name("_speedups" + str(sysconfig.get_config_var("EXT_SUFFIX")))


def is_stale() -> bool:
    """Return True when the extension is missing or older than its C source or headers."""
    target = extension_path()
    newest = max(path.stat().st_mtime for path in (SOURCE, *HEADERS))
    return not target.exists() or target.stat().st_mtime < newest


def build() -> Path:
    """Compile the C file into the extension module and return its path (raises on failure)."""
    compiler = shlex.split(str(sysconfig.get_config_var("CC") or "cc"))
    include = sysconfig.get_paths()["include"]
    target = extension_path()
    partial = target.with_name(target.name + ".partial")
    subprocess.run([*compiler, "-O2", "-shared", "-fPIC", "-Wall", "-Werror", f"-I{include}",
                    str(SOURCE), "-o", str(partial)], check=True)
    os.replace(partial, target)
    return target


if __name__ == "__main__":
    if "--if-stale" not in sys.argv[1:] or is_stale():
        print(f"built {build()}", file=sys.stderr)
