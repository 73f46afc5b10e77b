"""CPU time of a server process and of the processes it started (its writer process), read from /proc (Linux)."""
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


def children_cpu(pid: int) -> float:
    """Return the CPU seconds the live children of process pid (a server's writer process) have used so far."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    return sum(process_cpu(int(child)) for child in children)
