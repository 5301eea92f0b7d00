"""What the book costs to build and test: ``benchmarks/book-cost.md``.

Reads two records the normal commands leave behind and turns them into
the markdown table that the performance appendix includes:

- the execution time of every chapter's notebooks (a chapter is one
  notebook or a folder of section notebooks), from the book build's
  execution cache (``_build/.jupyter_cache``: whoever ran a notebook
  last stores how long it took: myst-nb during ``make book``, or nbval
  during ``make test`` through tests/nbval_record.py, which times the
  cells and not the kernel's start);
- the time of every step of the last ``make test``
  (``_build/test-timings.txt``, written by the Makefile).

Run ``make test`` (or ``make book``), then ``python
benchmarks/book_cost.py``; ``make bench`` does the second step too.
The budgets it checks are the project's: under a minute per notebook and
under 15 minutes for the whole ``make test`` on a 2-core machine.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUTPUT = HERE / "book-cost.md"
CHAPTER_BUDGET = 60.0            # seconds per notebook
TEST_BUDGET = 15 * 60.0          # seconds for the whole `make test`


@dataclass
class Run:
    name: str
    seconds: float
    when: dt.datetime


def notebook_times(cache_dir: Path, chapters: Path) -> list[Run]:
    """The last recorded execution of every notebook under ``chapters``.

    A chapter is a notebook (``chapters/04_x.ipynb``) or a folder of
    section notebooks (``chapters/01_x/02_y.ipynb``); each notebook is
    named by its path relative to ``chapters`` (several chapters have a
    ``04_summary_exercises.ipynb``).
    """
    from jupyter_cache import get_cache

    wanted = {p.resolve(): p.relative_to(chapters).as_posix()
              for p in chapters.rglob("*.ipynb")
              if ".ipynb_checkpoints" not in p.parts}
    latest: dict[str, Run] = {}
    for record in get_cache(str(cache_dir)).list_cache_records():
        name = wanted.get(Path(record.uri).resolve())
        seconds = (record.data or {}).get("execution_seconds")
        if name is None or seconds is None:
            continue
        if name not in latest or record.created > latest[name].when:
            latest[name] = Run(name, float(seconds), record.created)
    return sorted(latest.values(), key=lambda r: r.name)


STEP_LINE = re.compile(r"^\s+(\S+)\s+(\S+)\s+(\d+)s\s*$")


def test_timings(text: str) -> tuple[str, list[tuple[str, str, int]]]:
    """(header, [(step, status, seconds)]) of a test-timings.txt."""
    lines = text.splitlines()
    header = lines[0].lstrip("# ").strip() if lines else ""
    steps = [(m[1], m[2], int(m[3])) for ln in lines[1:]
             if (m := STEP_LINE.match(ln))]
    return header, steps


def minutes(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else \
        f"{seconds / 60:.1f} min"


def report(runs: list[Run], header: str,
           steps: list[tuple[str, str, int]]) -> str:
    """The markdown the appendix includes."""
    cpu = f"{os.cpu_count()} logical CPUs, {platform.machine()}"
    out = [f"Machine: {cpu}, Python {platform.python_version()}."]
    if runs:
        total = sum(r.seconds for r in runs)
        over = [r.name for r in runs if r.seconds >= CHAPTER_BUDGET]
        out += ["", "| notebook | execution (s) | last run (UTC) |",
                "|---|---:|---|"]
        out += [f"| {r.name} | {r.seconds:.1f} | "
                f"{r.when:%Y-%m-%d %H:%M} |" for r in runs]
        out += [f"| **all notebooks** | **{total:.1f}** | |", "",
                f"Slowest notebook: {max(r.seconds for r in runs):.1f} s "
                f"(budget {CHAPTER_BUDGET:.0f} s): "
                + (f"**over budget: {', '.join(over)}**." if over
                   else "every notebook is within it.")]
    else:
        out += ["", "No notebook has been executed yet (`make book`)."]
    if steps:
        total = next((s for n, _, s in steps if n == "total"),
                     sum(s for _, _, s in steps))
        out += ["", f"The last `make test` ({header}):", "",
                "| step | result | time |", "|---|---|---:|"]
        out += [f"| {n} | {st} | {minutes(s)} |" for n, st, s in steps
                if n != "total"]
        out += [f"| **total** | | **{minutes(total)}** |", "",
                f"Budget for the whole `make test`: "
                f"{minutes(TEST_BUDGET)}; "
                + ("**over budget**." if total >= TEST_BUDGET
                   else "within it.")
                + " Each notebook runs once: the nbval step adds every "
                  "notebook that passes to the book's execution cache "
                  "(tests/nbval_record.py), so the book step renders "
                  "without running them."]
    else:
        out += ["", "No `make test` has been recorded yet."]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    timings = ROOT / "_build" / "test-timings.txt"
    header, steps = (test_timings(timings.read_text(encoding="utf-8"))
                     if timings.is_file() else ("", []))
    cache = ROOT / "_build" / ".jupyter_cache"
    runs = notebook_times(cache, ROOT / "chapters") if cache.is_dir() \
        else []
    text = report(runs, header, steps)
    OUTPUT.write_text(text, encoding="utf-8")
    print(text)
    print(f"written to {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
