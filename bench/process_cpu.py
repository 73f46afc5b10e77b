"""CPU time of a process (the server under a bench), read from /proc (Linux)."""
from __future__ import annotations

import os
from pathlib import Path


def process_cpu(pid: int) -> float:
    """Return the CPU seconds (user + system) process pid has used so far; 0.0 when it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
