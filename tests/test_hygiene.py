"""Repository hygiene: chapters stored clean, the TOC complete, the
README and CI showing the two commands.

These rules keep the book reproducible: a notebook committed with
outputs hides whether it still runs, and a notebook missing from
``_toc.yml`` is silently never built nor published.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
TOC = ROOT / "_toc.yml"
# What a TOC entry without a suffix may be on disk.
SOURCE_SUFFIXES = (".ipynb", ".md", ".rst")


def chapter_notebooks() -> list[Path]:
    """Every notebook under chapters/, checkpoints excluded."""
    if not CHAPTERS.is_dir():
        return []
    return sorted(
        p for p in CHAPTERS.rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )


NOTEBOOKS = chapter_notebooks()
NOTEBOOK_IDS = [p.relative_to(ROOT).as_posix() for p in NOTEBOOKS]


def load_notebook(path: Path) -> dict:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def cell_text(cell: dict) -> str:
    """A cell's source as one string (stored as a string or a list)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def toc_entries(toc: dict) -> list[str]:
    """Every ``root``/``file`` named anywhere in a _toc.yml structure."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key in ("root", "file"):
                if key in node:
                    found.append(str(node[key]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return found


def toc_path(entry: str) -> Path | None:
    """The file a TOC entry names, or None if no such file exists."""
    base = ROOT / entry
    if base.suffix in SOURCE_SUFFIXES and base.is_file():
        return base
    for suffix in SOURCE_SUFFIXES:
        candidate = base.with_name(base.name + suffix)
        if candidate.is_file():
            return candidate
    return None


def load_toc() -> dict:
    with TOC.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


# --- (a) notebooks are stored without outputs -----------------------------

def stored_outputs(nb: dict) -> list[str]:
    """Descriptions of every output or execution count left in ``nb``."""
    problems = []
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"cell {i}: {len(cell['outputs'])} output(s)")
        if cell.get("execution_count") is not None:
            problems.append(
                f"cell {i}: execution_count {cell['execution_count']}")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_chapter_is_stored_without_outputs(path: Path) -> None:
    problems = stored_outputs(load_notebook(path))
    assert not problems, (
        f"{path.relative_to(ROOT)} is stored with outputs: "
        f"{'; '.join(problems)}. Strip them with\n"
        f"  jupyter nbconvert --clear-output --inplace "
        f"{path.relative_to(ROOT)}")


def test_stored_outputs_detects_outputs_and_counts() -> None:
    # The rule above must be able to fail.
    clean = {"cells": [{"cell_type": "code", "outputs": [],
                        "execution_count": None, "source": "1"}]}
    dirty = {"cells": [{"cell_type": "code", "execution_count": 3,
                        "outputs": [{"output_type": "stream",
                                     "name": "stdout", "text": "1"}],
                        "source": "print(1)"}]}
    assert stored_outputs(clean) == []
    assert stored_outputs(dirty) == ["cell 0: 1 output(s)",
                                     "cell 0: execution_count 3"]


# --- (b) the TOC and chapters/ agree ----------------------------------------

def test_every_toc_entry_exists() -> None:
    missing = [e for e in toc_entries(load_toc()) if toc_path(e) is None]
    assert not missing, f"_toc.yml names files that do not exist: {missing}"


def test_every_chapter_notebook_is_in_the_toc() -> None:
    listed = {toc_path(e) for e in toc_entries(load_toc())}
    unlisted = [p.relative_to(ROOT).as_posix() for p in NOTEBOOKS
                if p not in listed]
    assert not unlisted, (
        f"notebooks in chapters/ that _toc.yml does not list (they would "
        f"never be built): {unlisted}")


def test_toc_lists_each_file_once() -> None:
    entries = [re.sub(r"\.(ipynb|md|rst)$", "", e)
               for e in toc_entries(load_toc())]
    duplicates = sorted({e for e in entries if entries.count(e) > 1})
    assert not duplicates, f"_toc.yml lists these twice: {duplicates}"


def test_toc_entries_finds_nested_files() -> None:
    toc = {"root": "a", "parts": [{"chapters": [
        {"file": "b", "sections": [{"file": "c"}]}]}]}
    assert toc_entries(toc) == ["a", "b", "c"]


# --- (c) every chapter opens with its title -----------------------------------

def first_cell_title(nb: dict) -> str | None:
    """The level-1 title of the first cell, or None if it has none."""
    cells = nb.get("cells", [])
    if not cells or cells[0].get("cell_type") != "markdown":
        return None
    for line in cell_text(cells[0]).splitlines():
        if line.strip():
            m = re.match(r"# +(\S.*)$", line)
            return m.group(1).strip() if m else None
    return None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_chapter_starts_with_a_markdown_title(path: Path) -> None:
    assert first_cell_title(load_notebook(path)), (
        f"{path.relative_to(ROOT)}: the first cell must be a markdown cell "
        f"whose first line is a level-1 title ('# Title')")


def test_first_cell_title_rejects_code_and_subtitles() -> None:
    assert first_cell_title(
        {"cells": [{"cell_type": "markdown",
                    "source": ["\n", "# The perceptron\n", "text"]}]}
    ) == "The perceptron"
    assert first_cell_title(
        {"cells": [{"cell_type": "markdown", "source": "## Section"}]}
    ) is None
    assert first_cell_title(
        {"cells": [{"cell_type": "code", "source": "# comment"}]}
    ) is None
    assert first_cell_title({"cells": []}) is None


# --- (d) README and CI show the two commands ----------------------------------

def test_readme_shows_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("make book", "make test"):
        assert re.search(rf"^\s*{command}\b", readme, re.MULTILINE), (
            f"README.md must show `{command}` as a command line")


def test_ci_runs_make_test() -> None:
    script = ROOT / ".ci" / "run"
    assert script.is_file(), ".ci/run is missing"
    assert os.access(script, os.X_OK), ".ci/run is not executable"
    commands = [line.strip() for line in
                script.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    assert any(re.fullmatch(r"(exec\s+)?make\s+test", c)
               for c in commands), ".ci/run must call `make test`"
    assert "set -euo pipefail" in commands, (
        ".ci/run must stop on the first error (set -euo pipefail)")


def test_api_reference_documents_every_public_nnkit_module():
    """book/api.md has an automodule for each public nnkit module."""
    import pkgutil

    import nnkit

    api = (ROOT / "book" / "api.md").read_text()
    documented = set(re.findall(r"automodule:: (nnkit[\w.]*)", api))
    public = {"nnkit"} | {
        f"nnkit.{m.name}" for m in pkgutil.iter_modules(nnkit.__path__)
        if not m.name.startswith("_")}
    assert public - documented == set(), "add these to book/api.md"
