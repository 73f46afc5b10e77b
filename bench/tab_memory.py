"""What a browser tab holds in memory, read the way Chromium's task manager would, for bench/host_page.py.

``sample(page, cdp)`` gives one reading: the page's JS heap after a forced garbage collection (CDP
``HeapProfiler.collectGarbage`` then ``Runtime.getHeapUsage``), its DOM counters (CDP ``Memory.getDOMCounters``:
live nodes, attached or detached, JS event listeners and documents), the elements attached to the document, and
the renderer process's memory from ``/proc``: resident set (``VmRSS``), proportional set (``Pss``) and private
memory (``Private_Clean + Private_Dirty``, what Chromium calls the private footprint, less swap).

The renderer is found among this process's descendants only (other browsers on the machine are not ours): the
Chromium children whose command line has ``--type=renderer``. Which of them draws the page is told by a probe
(``find_renderer``): the page fills a 64 MB buffer and the renderer whose private memory grows by about that much
is the tab's; the buffer is dropped before the first sample. The other renderers (a spare one Chromium keeps
warm, one left from the login tab) are listed apart.
"""
from __future__ import annotations

import os
from pathlib import Path

# The lists the host page bounds, by selector: their rows are counted in each sample.
LISTS = {"feed_rows": "#feed tr", "chat_rows": "#chat li", "question_rows": "#questions li",
         "selling_rows": "#selling li", "claim_rows": "#host-claims-list li"}


def _children() -> dict[int, list[int]]:
    """Return every process id mapped to its children's ids, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def _descendants(pid: int) -> list[int]:
    """Return the ids of every process below pid."""
    tree, found, todo = _children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _cmdline(pid: int) -> str:
    """Return the process's command line, or "" when it is gone."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def process_memory(pid: int) -> dict | None:
    """Return the process's RSS, PSS and private memory in MB (None when it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    kb = {}
    for line in (status + rollup).splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            kb[parts[0].rstrip(":")] = int(parts[1])
    return {"pid": pid, "rss_mb": round(kb.get("VmRSS", 0) / 1024, 1), "pss_mb": round(kb.get("Pss", 0) / 1024, 1),
            "private_mb": round((kb.get("Private_Clean", 0) + kb.get("Private_Dirty", 0)) / 1024, 1)}


def renderers() -> list[dict]:
    """Return the memory of every Chromium renderer started below this process, largest private memory first."""
    found = []
    for pid in _descendants(os.getpid()):
        if "--type=renderer" in _cmdline(pid):
            memory = process_memory(pid)
            if memory:
                found.append(memory)
    return sorted(found, key=lambda m: m["private_mb"], reverse=True)


def find_renderer(page, cdp) -> int | None:
    """Return the id of the renderer process that runs page (None when no renderer grew by the probe)."""
    before = {m["pid"]: m["private_mb"] for m in renderers()}
    page.evaluate("window.__memoryProbe = new Uint8Array(64 * 1024 * 1024).fill(1)")
    after = {m["pid"]: m["private_mb"] for m in renderers()}
    page.evaluate("delete window.__memoryProbe")
    cdp.send("HeapProfiler.collectGarbage")
    grown = sorted(((after[pid] - before.get(pid, 0), pid) for pid in after), reverse=True)
    return grown[0][1] if grown and grown[0][0] > 32 else None


def sample(page, cdp, pid: int | None = None) -> dict:
    """Return one reading of the tab's memory (after a forced GC) and of the host page's list lengths; the tab's
    renderer is pid (from find_renderer), else the renderer with the most private memory."""
    cdp.send("HeapProfiler.collectGarbage")
    heap = cdp.send("Runtime.getHeapUsage")
    counters = cdp.send("Memory.getDOMCounters")
    lists = page.evaluate("""(lists) => {
      const out = {attached_elements: document.getElementsByTagName('*').length};
      for (const [name, selector] of Object.entries(lists)) out[name] = document.querySelectorAll(selector).length;
      // Rows waiting behind a paused list's "n new · resume" button (static/live/host_lists.js), if any.
      out.waiting = ["feed-new", "chat-new", "questions-new"].map((id) => document.getElementById(id))
        .filter((b) => b && !b.hidden).map((b) => b.id + ": " + b.textContent);
      return out;
    }""", LISTS)
    procs = renderers()
    if pid is not None:
        procs = sorted(procs, key=lambda m: m["pid"] != pid)  # the tab's first
    return {"js_heap_used_mb": round(heap["usedSize"] / 1e6, 2), "js_heap_total_mb": round(heap["totalSize"] / 1e6, 2),
            "dom_nodes": counters["nodes"], "js_listeners": counters["jsEventListeners"],
            "documents": counters["documents"], **lists,
            "renderer": procs[0] if procs else None, "other_renderers": procs[1:]}


def summary(samples: list[dict]) -> dict:
    """Return the maximum and the final value of each figure over the samples (the tab's renderer's for memory)."""
    def figures(s: dict) -> dict:
        flat = {k: v for k, v in s.items() if isinstance(v, (int, float))}
        for key in ("rss_mb", "pss_mb", "private_mb"):
            flat[f"renderer_{key}"] = (s["renderer"] or {}).get(key, 0)
        return flat

    rows = [figures(s) for s in samples]
    return {key: {"max": max(r[key] for r in rows), "final": rows[-1][key]} for key in rows[-1]}
