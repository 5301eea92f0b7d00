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
from dataclasses import dataclass
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


def chapter_pages() -> list[Path]:
    """Every page under chapters/: the notebooks and the Markdown chapter
    pages (``index.md``) of chapters split into sections."""
    if not CHAPTERS.is_dir():
        return []
    return sorted(chapter_notebooks() + [
        p for p in CHAPTERS.rglob("*.md")
        if ".ipynb_checkpoints" not in p.parts])


NOTEBOOKS = chapter_notebooks()
NOTEBOOK_IDS = [p.relative_to(ROOT).as_posix() for p in NOTEBOOKS]
PAGES = chapter_pages()
PAGE_IDS = [p.relative_to(ROOT).as_posix() for p in PAGES]


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


@dataclass(frozen=True)
class Chapter:
    """A numbered chapter of the book, as _toc.yml lays it out."""

    number: int                  # 3
    tag: str                     # "ch03", the prefix of its labels
    pages: tuple[Path, ...]      # the chapter page, then its sections

    @property
    def split(self) -> bool:
        return len(self.pages) > 1 or self.pages[0].name == "index.md"


def book_chapters() -> list[Chapter]:
    """The chapters under chapters/, in reading order: a chapter is one
    notebook (``chapters/NN_name.ipynb``), or a chapter page
    (``chapters/NN_name/index.md``) with its section notebooks."""
    chapters = []
    for part in load_toc().get("parts", []):
        for entry in part.get("chapters", []):
            path = toc_path(entry["file"])
            if path is None or CHAPTERS not in path.parents:
                continue
            sections = [toc_path(s["file"]) for s in entry.get("sections", [])]
            number = int(path.relative_to(CHAPTERS).parts[0].split("_")[0])
            chapters.append(Chapter(number, f"ch{number:02d}",
                                    (path, *filter(None, sections))))
    return chapters


def page_markdown(path: Path) -> str:
    """The Markdown of a page: a .md file, or a notebook's Markdown cells."""
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    return "\n".join(cell_text(c) for c in load_notebook(path)["cells"]
                     if c["cell_type"] == "markdown")


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


def test_every_chapter_page_is_in_the_toc() -> None:
    listed = {toc_path(e) for e in toc_entries(load_toc())}
    unlisted = [p.relative_to(ROOT).as_posix() for p in PAGES
                if p not in listed]
    assert not unlisted, (
        f"pages in chapters/ that _toc.yml does not list (they would "
        f"never be built): {unlisted}")


SECTION_NAME = re.compile(r"(\d\d)_[a-z0-9]+(_[a-z0-9]+)*\.ipynb")


def layout_problems(chapter: Chapter) -> list[str]:
    """How a chapter's files depart from the layout README.md describes."""
    first = chapter.pages[0].relative_to(CHAPTERS)
    if not chapter.split:
        if len(first.parts) != 1 or first.suffix != ".ipynb":
            return [f"{first}: a one-page chapter is chapters/NN_name.ipynb"]
        return []
    problems = []
    folder = CHAPTERS / first.parts[0]
    if first.as_posix() != f"{first.parts[0]}/index.md":
        problems.append(f"{first}: a split chapter's page is "
                        f"{first.parts[0]}/index.md")
    names = [p.name for p in chapter.pages[1:]]
    for k, (page, name) in enumerate(zip(chapter.pages[1:], names), 1):
        m = SECTION_NAME.fullmatch(name)
        if page.parent != folder or not m or int(m.group(1)) != k:
            problems.append(f"section {k} is {page.relative_to(CHAPTERS)}, "
                            f"expected {folder.name}/{k:02d}_name.ipynb")
    if len(names) < 2:
        problems.append("a split chapter has at least two sections")
    extra = sorted(p.name for p in folder.glob("*.ipynb")
                   if p.name not in names)
    if extra:
        problems.append(f"notebooks in {folder.name}/ that are not its "
                        f"sections in _toc.yml: {extra}")
    return problems


@pytest.mark.parametrize("chapter", book_chapters(),
                         ids=lambda c: c.tag)
def test_chapter_files_follow_the_layout(chapter: Chapter) -> None:
    problems = layout_problems(chapter)
    assert not problems, "\n".join(problems)


def test_layout_problems_reads_the_rules() -> None:
    one = Chapter(10, "ch10", (CHAPTERS / "10_x.ipynb",))
    assert layout_problems(one) == []
    bad = Chapter(3, "ch03", (CHAPTERS / "03_x" / "index.md",
                              CHAPTERS / "03_x" / "02_b.ipynb"))
    assert len(layout_problems(bad)) == 2     # misnumbered, too few
    assert book_chapters(), "no chapter found in _toc.yml"
    assert [c.number for c in book_chapters()] == sorted(
        c.number for c in book_chapters())


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


def page_title(path: Path) -> str | None:
    """The level-1 title a chapter page opens with (after an optional
    ``(label)=`` line in a Markdown page), or None."""
    if path.suffix == ".ipynb":
        return first_cell_title(load_notebook(path))
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    if lines and re.fullmatch(r"\([\w-]+\)=", lines[0].strip()):
        lines = lines[1:]
    m = re.match(r"# +(\S.*)$", lines[0]) if lines else None
    return m.group(1).strip() if m else None


@pytest.mark.parametrize("path", PAGES, ids=PAGE_IDS)
def test_chapter_starts_with_a_markdown_title(path: Path) -> None:
    assert page_title(path), (
        f"{path.relative_to(ROOT)}: a page opens with a level-1 title "
        f"('# Title'): in a notebook, the first line of its first cell, a "
        f"Markdown cell")


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


API = ROOT / "book" / "api"


def test_api_reference_documents_every_public_nnkit_module():
    """One API page per public module or package: nnkit.NAME is
    documented on book/api/NAME.md, which _toc.yml lists under
    book/api/index and book/api/index.md links to."""
    import pkgutil

    import nnkit

    public = sorted(m.name for m in pkgutil.iter_modules(nnkit.__path__)
                    if not m.name.startswith("_"))
    toc = {e for e in toc_entries(load_toc())}
    index = (API / "index.md").read_text(encoding="utf-8")
    problems = []
    if "automodule:: nnkit\n" not in index:
        problems.append("book/api/index.md: no automodule for nnkit itself")
    for name in public:
        page = API / f"{name}.md"
        if not page.is_file() or f"automodule:: nnkit.{name}\n" not in \
                page.read_text(encoding="utf-8"):
            problems.append(f"book/api/{name}.md with "
                            f"'.. automodule:: nnkit.{name}'")
        if f"book/api/{name}" not in toc:
            problems.append(f"'- file: book/api/{name}' in _toc.yml, "
                            f"under book/api/index")
        if f"<{name}>`" not in index:
            problems.append(f"a row {{doc}}`nnkit.{name} <{name}>` in the "
                            f"table of book/api/index.md")
    stale = sorted(p.stem for p in API.glob("*.md")
                   if p.stem != "index" and p.stem not in public)
    problems += [f"book/api/{n}.md documents no public module (remove it)"
                 for n in stale]
    assert not problems, "a public nnkit module needs:\n" + "\n".join(
        problems)
