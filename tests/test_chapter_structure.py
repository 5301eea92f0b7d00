"""What every chapter page must have: numbered, captioned figures and
labelled equations that the text refers to.

Figures are plain matplotlib output turned into numbered figures by
the code cell's metadata (myst-nb's ``mystnb.figure`` key)::

    "metadata": {"mystnb": {"figure": {
        "name": "fig-ch05-gradient-norms",
        "caption": "Gradient norm per layer before training ..."}}}

and labelled equations are MyST display math followed by a label,
``$$ ... $$ (eq-ch05-batchnorm)``. The text refers to them with
``{numref}`fig-ch05-gradient-norms``` and ``{eq}`eq-ch05-batchnorm```;
the book build numbers them by chapter ("Fig. 5.3", "(5.2)").

These checks read the stored notebooks. That every image a chapter
shows really sits in a captioned figure is checked on the executed
book by ``tests/browser/test_book.py``.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import pytest
import tomllib

from tests.test_hygiene import (
    NOTEBOOK_IDS,
    NOTEBOOKS,
    PAGE_IDS,
    PAGES,
    ROOT,
    Chapter,
    book_chapters,
    cell_text,
    load_notebook,
    page_markdown,
)

CHAPTERS = book_chapters()
CHAPTER_IDS = [c.tag for c in CHAPTERS]

# Chapters not yet converted to issue 11's page rules (checks hidden
# and tabulated at the end of each page, set-up in a hidden first cell,
# at most 3 % visible verification, pages of at most ~4,000 words).
# Remove a chapter's number when you convert it: its pages are then
# held to those rules.
UNCONVERTED: set[int] = set()

# Labelled display math: a line "$$ (label)" closing the block.
EQ_LABEL = re.compile(r"^\$\$\s*\(([^)\s]+)\)\s*$", re.M)
# {numref}`name` or {numref}`text <name>`; the same for {eq}.
ROLE = r"\{%s\}`(?:[^`<]*<)?([^`>]+)>?`"
NUMREF = re.compile(ROLE % "numref")
EQREF = re.compile(ROLE % "eq")
MIN_EQUATIONS = 2          # labelled, referenced equations per chapter
MIN_CAPTION_WORDS = 6


def chapter_tag(path: Path) -> str:
    """``chapters/05_vanishing_exploding.ipynb`` -> ``"ch05"``; the same
    for the pages of a split chapter, ``chapters/03_mlp_backprop/...``."""
    rel = path.relative_to(ROOT / "chapters") if path.is_absolute() \
        else Path(*path.parts[1:])
    return "ch" + rel.parts[0].split("_", 1)[0]


def markdown_text(nb: dict) -> str:
    return "\n".join(cell_text(c) for c in nb["cells"]
                     if c["cell_type"] == "markdown")


def chapter_markdown(chapter: Chapter) -> str:
    return "\n".join(page_markdown(p) for p in chapter.pages)


def figure_options(cell: dict) -> dict | None:
    """The ``mystnb.figure`` metadata of a code cell, if any."""
    return cell.get("metadata", {}).get("mystnb", {}).get("figure")


def figures(nb: dict) -> list[dict]:
    return [opts for c in nb["cells"] if c["cell_type"] == "code"
            and (opts := figure_options(c)) is not None]


def chapter_figures(chapter: Chapter) -> list[dict]:
    return [f for p in chapter.pages if p.suffix == ".ipynb"
            for f in figures(load_notebook(p))]


def equation_labels(text: str) -> list[str]:
    return EQ_LABEL.findall(text)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=CHAPTER_IDS)
def test_figures_are_named_captioned_and_referenced(chapter: Chapter
                                                    ) -> None:
    tag = chapter.tag
    figs = chapter_figures(chapter)
    assert figs, f"{tag}: no captioned figure (mystnb.figure metadata)"
    referenced = set(NUMREF.findall(chapter_markdown(chapter)))
    problems = []
    for opts in figs:
        name, caption = opts.get("name", ""), opts.get("caption", "")
        if not re.fullmatch(rf"fig-{tag}-[a-z0-9]+(-[a-z0-9]+)*", name):
            problems.append(f"figure name {name!r} is not fig-{tag}-<words>")
        if (len(caption.split()) < MIN_CAPTION_WORDS
                or not caption.rstrip().endswith(".")):
            problems.append(f"{name}: caption {caption!r} is not a sentence "
                            f"of at least {MIN_CAPTION_WORDS} words")
        if name not in referenced:
            problems.append(f"{name}: never referenced with {{numref}}")
    dupes = [n for n, k in Counter(o.get("name") for o in figs).items()
             if k > 1]
    problems += [f"figure name {n!r} used twice" for n in dupes]
    assert not problems, f"{tag}:\n" + "\n".join(problems)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=CHAPTER_IDS)
def test_equations_are_labelled_and_referenced(chapter: Chapter) -> None:
    tag = chapter.tag
    text = chapter_markdown(chapter)
    labels = equation_labels(text)
    referenced = set(EQREF.findall(text))
    problems = [f"equation label {lab!r} is not eq-{tag}-<words>"
                for lab in labels
                if not re.fullmatch(rf"eq-{tag}-[a-z0-9]+(-[a-z0-9]+)*", lab)]
    problems += [f"{lab}: never referenced with {{eq}}" for lab in labels
                 if lab not in referenced]
    problems += [f"{{eq}}`{lab}` refers to no equation of this chapter"
                 for lab in sorted(referenced - set(labels))
                 if lab.startswith(f"eq-{tag}-")]
    if len(labels) < MIN_EQUATIONS:
        problems.append(f"{len(labels)} labelled equations, expected at "
                        f"least {MIN_EQUATIONS}")
    assert not problems, f"{tag}:\n" + "\n".join(problems)


def test_figure_and_equation_names_are_unique_across_the_book() -> None:
    names = Counter()
    for chapter in CHAPTERS:
        names.update(o.get("name") for o in chapter_figures(chapter))
        names.update(equation_labels(chapter_markdown(chapter)))
    assert not [n for n, k in names.items() if k > 1]


def test_the_patterns_read_labels_and_references() -> None:
    md = ("$$\na = b\n$$ (eq-ch01-first)\n\nsee {eq}`eq-ch01-first`, "
          "{numref}`Figure %s <fig-ch01-a>` and {numref}`fig-ch01-b`.\n"
          "$$\nc\n$$\n")
    assert EQ_LABEL.findall(md) == ["eq-ch01-first"]
    assert EQREF.findall(md) == ["eq-ch01-first"]
    assert NUMREF.findall(md) == ["fig-ch01-a", "fig-ch01-b"]
    assert chapter_tag(Path("chapters/05_vanishing_exploding.ipynb")) == "ch05"
    assert chapter_tag(Path("chapters/03_mlp/02_backprop.ipynb")) == "ch03"


MIN_EXERCISES = 3      # exercises with a hidden (dropdown) solution
EXERCISE = re.compile(r"^### Exercise (\d+): \S.*$", re.M)
SOLUTION = re.compile(r"^[ ]*`{3,4}\{admonition\} Solution\s*\n"
                      r"[ ]*:class: dropdown\s*$", re.M)


def exercise_problems(text: str) -> list[str]:
    """How the exercises of a chapter depart from the book's one format:
    ``### Exercise k: Title``, numbered 1, 2, ..., each followed by one
    ``{admonition} Solution`` with ``:class: dropdown``."""
    m = re.search(r"^## Exercises\s*$", text, re.M)
    if not m:
        return ["no '## Exercises' section"]
    rest = text[m.end():]
    end = re.search(r"^## ", rest, re.M)
    section = rest[:end.start()] if end else rest
    numbers = [int(n) for n in EXERCISE.findall(section)]
    problems = []
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"exercises numbered {numbers}: use '### Exercise "
                        f"1: Title', '### Exercise 2: ...'")
    if len(numbers) < MIN_EXERCISES:
        problems.append(f"{len(numbers)} exercises, expected at least "
                        f"{MIN_EXERCISES}")
    parts = EXERCISE.split(section)[2::2]   # the text of each exercise
    for k, part in enumerate(parts, 1):
        n = len(SOLUTION.findall(part))
        if n != 1:
            problems.append(f"exercise {k} has {n} hidden solutions "
                            f"(```{{admonition}} Solution + :class: "
                            f"dropdown), expected 1")
    return problems


@pytest.mark.parametrize("chapter", CHAPTERS, ids=CHAPTER_IDS)
def test_chapter_has_the_standard_parts(chapter: Chapter) -> None:
    """Objectives and the sources box open a chapter (its chapter page
    when it is split into sections, where headings are rubrics: a
    section there would take the section numbers of the chapter's
    pages); the summary and the exercises, in the book's one format,
    close it (its last page)."""
    first = page_markdown(chapter.pages[0])
    last = page_markdown(chapter.pages[-1])
    problems = []
    if not re.search(r"^(## |```\{rubric\} )Learning objectives\s*$",
                     first, re.M):
        problems.append(f"no '## Learning objectives' on "
                        f"{chapter.pages[0].name}")
    if not re.search(r"```\{admonition\} Where this comes from", first):
        problems.append(f"no 'Where this comes from' admonition on "
                        f"{chapter.pages[0].name}")
    for heading in ("Exercises", "Summary"):
        if not re.search(rf"^## {heading}\s*$", last, re.M):
            problems.append(f"no '## {heading}' on {chapter.pages[-1].name}")
    problems += exercise_problems(last)
    assert not problems, f"{chapter.tag}:\n" + "\n".join(problems)


def test_exercise_problems_reads_the_format() -> None:
    good = ("## Exercises\n\n### Exercise 1: A\n\ntext\n\n"
            "```{admonition} Solution\n:class: dropdown\n\nx\n```\n\n"
            "### Exercise 2: B\n\n````{admonition} Solution\n"
            ":class: dropdown\n\ny\n````\n\n### Exercise 3: C\n\n"
            "```{admonition} Solution\n:class: dropdown\n```\n"
            "## Summary\n")
    assert exercise_problems(good) == []
    assert exercise_problems(good.replace("Exercise 2", "Exercise 4"))
    assert exercise_problems(good.replace(":class: dropdown\n\ny", "y"))
    assert exercise_problems("**1. A.** text") == [
        "no '## Exercises' section"]


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if c.split],
                         ids=lambda c: c.tag)
def test_a_chapter_page_links_each_of_its_sections(chapter: Chapter) -> None:
    text = page_markdown(chapter.pages[0])
    headings = [h for h in re.findall(r"^#{2,} .*$", text, re.M)]
    assert not headings, (
        f"{chapter.pages[0].relative_to(ROOT)}: use ```{{rubric}} Title "
        f"for these, not headings (a heading there takes the number of "
        f"section {chapter.number}.1): {headings}")
    missing = [p.stem for p in chapter.pages[1:]
               if not re.search(rf"\{{doc\}}`(?:[^`<]*<)?{p.stem}>?`", text)]
    assert not missing, (f"{chapter.pages[0].relative_to(ROOT)} does not "
                         f"link these sections with {{doc}}: {missing}")


# --- reader-facing text ---------------------------------------------------

BOOK_PAGES = sorted((ROOT / "book").rglob("*.md"))


@pytest.mark.parametrize("path", PAGES + BOOK_PAGES,
                         ids=PAGE_IDS + [p.relative_to(ROOT).as_posix()
                                         for p in BOOK_PAGES])
def test_prose_says_in_words_what_a_source_reports(path: Path) -> None:
    text = page_markdown(path)
    assert "(src)" not in text, (
        f"{path.relative_to(ROOT)}: '(src)' is explained nowhere; say it "
        f"in words (\"the source reports ...\")")


def fence_problems(text: str) -> list[str]:
    """Directive blocks (```{...}) closed early by a ``` fence inside
    them: the rest of the block then renders as an empty code box."""
    problems, stack = [], []          # (backticks, is a directive, line)
    for ln, line in enumerate(text.split("\n"), 1):
        m = re.match(r"^\s*(`{3,})(.*)$", line)
        if not m:
            continue
        ticks, rest = len(m.group(1)), m.group(2).strip()
        if stack and ticks >= stack[-1][0] and not rest:
            stack.pop()
            continue
        if stack and not stack[-1][1]:
            continue                  # inside a code block: plain text
        if stack and ticks >= stack[-1][0]:
            problems.append(f"line {ln}: this fence closes the directive "
                            f"of line {stack[-1][2]}; open that one with "
                            f"{ticks + 1} backticks")
        stack.append((ticks, rest.startswith("{"), ln))
    return problems


@pytest.mark.parametrize("path", PAGES + BOOK_PAGES,
                         ids=PAGE_IDS + [p.relative_to(ROOT).as_posix()
                                         for p in BOOK_PAGES])
def test_code_inside_a_directive_does_not_close_it(path: Path) -> None:
    texts = [page_markdown(path)] if path.suffix == ".md" else [
        cell_text(c) for c in load_notebook(path)["cells"]
        if c["cell_type"] == "markdown"]
    problems = [p for t in texts for p in fence_problems(t)]
    assert not problems, f"{path.relative_to(ROOT)}:\n" + "\n".join(problems)


def test_fence_problems_finds_a_nested_fence() -> None:
    bad = "```{admonition} S\n:class: dropdown\n```python\nx\n```\n```"
    good = bad.replace("```{", "````{").rstrip("`") + "````"
    assert len(fence_problems(bad)) == 1 and fence_problems(good) == []


LABEL_ID = re.compile(r"\b(?:eq|fig|sec|tbl)-ch\d\d-|\{(?:eq|numref|ref)\}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_code_comments_cite_no_label_ids(path: Path) -> None:
    found = []
    for cell in load_notebook(path)["cells"]:
        if cell["cell_type"] != "code":
            continue
        for line in cell_text(cell).splitlines():
            comment = line.split("#", 1)[1] if "#" in line else ""
            if LABEL_ID.search(comment):
                found.append(line.strip())
    assert not found, (
        f"{path.relative_to(ROOT)}: code comments cite the book's internal "
        f"label ids, which a reader never sees; say it in words "
        f"(\"the RNN step above\"): {found}")


# --- the first lines of every notebook ---------------------------------------

def wheel_name() -> str:
    """The file name of the nnkit wheel ``make book`` puts in the site."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return f"{meta['name']}-{meta['version']}-py3-none-any.whl"


def install_note_problems(nb: dict) -> list[str]:
    cells = nb.get("cells", [])
    if len(cells) < 2 or cells[1]["cell_type"] != "markdown":
        return ["cell 2 is not the Markdown install note"]
    text, problems = cell_text(cells[1]), []
    command = f'pip install "{wheel_name()}[book]"'
    if command not in text:
        problems.append(f"the install note does not say `{command}`")
    if "remove-cell" not in cells[1].get("metadata", {}).get("tags", []):
        problems.append("the install note is not tagged remove-cell (it is "
                        "for the downloaded notebook, not the web page)")
    if len(text.split()) > 80:
        problems.append("the install note is longer than 80 words")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_notebook_says_how_to_run_it_outside_the_repository(path: Path):
    problems = install_note_problems(load_notebook(path))
    assert not problems, (
        f"{path.relative_to(ROOT)}: its second cell must be the install "
        f"note (copy it from any converted chapter):\n" + "\n".join(problems))


# --- converted pages: checks hidden, set-up hidden, short pages -------------

HIDDEN_TAGS = {"remove-cell", "remove-input", "hide-cell", "hide-input"}
# Calls that verify rather than teach, when a reader sees them.
VERIFY_CALLS = {"glue", "g", "check", "check_close", "check_that",
                "checks_table", "assert_allclose", "assert_array_equal",
                "assert_equal", "assert_array_almost_equal"}
PLUMBING = re.compile(
    r"os\.environ|threadpool_limits|threadpoolctl|TF_CPP_MIN_LOG_LEVEL|"
    r"TF_ENABLE_ONEDNN|warnings\.(?:filterwarnings|simplefilter)|"
    r"set_(?:intra|inter)_op_parallelism|get_logger\(\)|myst_nb")
MAX_VERIFY_SHARE = 0.03
MAX_PAGE_WORDS = 4500


def tags(cell: dict) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def visible_code(nb: dict) -> list[str]:
    """The source of every code cell whose input a reader sees."""
    return [cell_text(c) for c in nb["cells"]
            if c["cell_type"] == "code" and not tags(c) & HIDDEN_TAGS]


def verification_lines(source: str) -> set[int]:
    """Line numbers of asserts and verify/glue calls in ``source``."""
    lines = [("" if ln.lstrip().startswith(("%", "!")) else ln)
             for ln in source.splitlines()]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return set()
    found: set[int] = set()
    for node in ast.walk(tree):
        call = node.value if isinstance(node, (ast.Expr, ast.Assign)) \
            else None
        name = ""
        if isinstance(call, ast.Call):
            f = call.func
            name = f.id if isinstance(f, ast.Name) else \
                f.attr if isinstance(f, ast.Attribute) else ""
        if isinstance(node, ast.Assert) or name in VERIFY_CALLS:
            found.update(range(node.lineno, node.end_lineno + 1))
    return found


def visibility_report(nb: dict) -> tuple[int, int, list[str]]:
    """(visible code lines, of which verification, plumbing lines)."""
    total, verify, plumbing = 0, 0, []
    for source in visible_code(nb):
        total += sum(1 for ln in source.splitlines() if ln.strip())
        verify += len(verification_lines(source))
        plumbing += [ln.strip() for ln in source.splitlines()
                     if PLUMBING.search(ln)]
    return total, verify, plumbing


def prose_words(nb: dict) -> int:
    text = re.sub(r"```.*?```", "", markdown_text(nb), flags=re.S)
    return len(text.split())


CONVERTED = [p for c in CHAPTERS if c.number not in UNCONVERTED
             for p in c.pages if p.suffix == ".ipynb"]
CONVERTED_IDS = [p.relative_to(ROOT).as_posix() for p in CONVERTED]


@pytest.mark.parametrize("path", CONVERTED, ids=CONVERTED_IDS)
def test_checks_are_hidden_and_the_set_up_is_not_shown(path: Path) -> None:
    nb = load_notebook(path)
    total, verify, plumbing = visibility_report(nb)
    problems = []
    if verify > MAX_VERIFY_SHARE * total:
        problems.append(
            f"{verify} of {total} visible code lines verify (assert, "
            f"glue, check...): at most {MAX_VERIFY_SHARE:.0%}; move them "
            f"into cells tagged remove-cell")
    if plumbing:
        problems.append(f"set-up plumbing in visible cells: {plumbing}")
    assert not problems, f"{path.relative_to(ROOT)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", CONVERTED, ids=CONVERTED_IDS)
def test_page_sets_up_first_and_ends_with_its_checks(path: Path) -> None:
    code = [c for c in load_notebook(path)["cells"]
            if c["cell_type"] == "code"]
    problems = []
    if not code or "setup(" not in cell_text(code[0]) \
            or "remove-cell" not in tags(code[0]):
        problems.append("the first code cell must call nnkit.book's "
                        "setup() and be tagged remove-cell")
    if not code or "checks_table(" not in cell_text(code[-1]) \
            or "remove-input" not in tags(code[-1]):
        problems.append("the last code cell must call checks_table() and "
                        "be tagged remove-input")
    words = prose_words(load_notebook(path))
    if words > MAX_PAGE_WORDS:
        problems.append(f"{words} words of prose: split the page (at most "
                        f"{MAX_PAGE_WORDS})")
    assert not problems, f"{path.relative_to(ROOT)}:\n" + "\n".join(problems)


def test_visibility_report_counts_what_a_reader_sees() -> None:
    def code(src, *tag_list):
        return {"cell_type": "code", "source": src,
                "metadata": {"tags": list(tag_list)}}

    nb = {"cells": [
        code("import os\nos.environ['A'] = '1'\nx = 1"),
        code("assert x == 1\nglue('x', x)\ncheck('x', x,\n      below=2)"),
        code("assert False", "remove-cell"),
        code("%time y = 2\nfor i in range(3):\n    assert i < 3"),
    ]}
    total, verify, plumbing = visibility_report(nb)
    assert (total, verify) == (10, 5)
    assert plumbing == ["os.environ['A'] = '1'"]


# --- sources and citations ----------------------------------------------------

# The five course documents and the primary papers the bibliography must
# hold and the chapters must cite (book/references.bib keys).
REQUIRED_CITATIONS = (
    "coello2021", "ud4ia", "torres2019", "rodriguez_vigo", "antona2017",
    "rosenblatt1958", "rumelhart1986", "glorot2010", "he2015",
    "kingma2014", "ioffe2015", "srivastava2014", "hochreiter1997",
    "cho2014", "lecun1998")
CITE = re.compile(r"\{cite(?::\w+)?\}`([^`]+)`")


def test_sources_and_primary_papers_are_cited_from_the_chapters():
    cited: set[str] = set()
    for path in PAGES:
        for keys in CITE.findall(page_markdown(path)):
            cited.update(k.strip() for k in keys.split(","))
    assert not [k for k in REQUIRED_CITATIONS if k not in cited]


def test_cite_pattern_reads_single_and_multiple_keys():
    md = "as {cite}`a2000` and {cite:p}`b2001, c2002` show"
    assert CITE.findall(md) == ["a2000", "b2001, c2002"]
