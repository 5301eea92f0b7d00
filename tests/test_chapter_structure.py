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

import re
from collections import Counter
from pathlib import Path

import pytest

from tests.test_hygiene import (
    NOTEBOOK_IDS,
    NOTEBOOKS,
    cell_text,
    load_notebook,
)

# Labelled display math: a line "$$ (label)" closing the block.
EQ_LABEL = re.compile(r"^\$\$\s*\(([^)\s]+)\)\s*$", re.M)
# {numref}`name` or {numref}`text <name>`; the same for {eq}.
ROLE = r"\{%s\}`(?:[^`<]*<)?([^`>]+)>?`"
NUMREF = re.compile(ROLE % "numref")
EQREF = re.compile(ROLE % "eq")
MIN_EQUATIONS = 2          # labelled, referenced equations per chapter
MIN_CAPTION_WORDS = 6


def chapter_tag(path: Path) -> str:
    """``chapters/05_vanishing_exploding.ipynb`` -> ``"ch05"``."""
    return "ch" + path.name.split("_", 1)[0]


def markdown_text(nb: dict) -> str:
    return "\n".join(cell_text(c) for c in nb["cells"]
                     if c["cell_type"] == "markdown")


def figure_options(cell: dict) -> dict | None:
    """The ``mystnb.figure`` metadata of a code cell, if any."""
    return cell.get("metadata", {}).get("mystnb", {}).get("figure")


def figures(nb: dict) -> list[dict]:
    return [opts for c in nb["cells"] if c["cell_type"] == "code"
            and (opts := figure_options(c)) is not None]


def equation_labels(nb: dict) -> list[str]:
    return EQ_LABEL.findall(markdown_text(nb))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_figures_are_named_captioned_and_referenced(path: Path) -> None:
    nb = load_notebook(path)
    tag = chapter_tag(path)
    figs = figures(nb)
    assert figs, f"{path.name}: no captioned figure (mystnb.figure metadata)"
    referenced = set(NUMREF.findall(markdown_text(nb)))
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
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_equations_are_labelled_and_referenced(path: Path) -> None:
    nb = load_notebook(path)
    tag = chapter_tag(path)
    labels = equation_labels(nb)
    referenced = set(EQREF.findall(markdown_text(nb)))
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
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_figure_and_equation_names_are_unique_across_the_book() -> None:
    names = Counter()
    for path in NOTEBOOKS:
        nb = load_notebook(path)
        names.update(o.get("name") for o in figures(nb))
        names.update(equation_labels(nb))
    assert not [n for n, k in names.items() if k > 1]


def test_the_patterns_read_labels_and_references() -> None:
    md = ("$$\na = b\n$$ (eq-ch01-first)\n\nsee {eq}`eq-ch01-first`, "
          "{numref}`Figure %s <fig-ch01-a>` and {numref}`fig-ch01-b`.\n"
          "$$\nc\n$$\n")
    assert EQ_LABEL.findall(md) == ["eq-ch01-first"]
    assert EQREF.findall(md) == ["eq-ch01-first"]
    assert NUMREF.findall(md) == ["fig-ch01-a", "fig-ch01-b"]
    assert chapter_tag(Path("chapters/05_vanishing_exploding.ipynb")) == "ch05"


MIN_EXERCISES = 3      # exercises with a hidden (dropdown) solution


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_chapter_has_the_standard_parts(path: Path) -> None:
    """Objectives, the sources box, exercises with hidden solutions and
    a summary, as the landing page promises for every chapter."""
    md = markdown_text(load_notebook(path))
    problems = []
    for heading in ("Learning objectives", "Exercises", "Summary"):
        if not re.search(rf"^## {heading}\s*$", md, re.M):
            problems.append(f"no '## {heading}' section")
    if not re.search(r"```\{admonition\} Where this comes from", md):
        problems.append("no 'Where this comes from' admonition")
    solutions = len(re.findall(r"^[ ]*:class: dropdown\s*$", md, re.M))
    if solutions < MIN_EXERCISES:
        problems.append(f"{solutions} hidden solutions (':class: dropdown'),"
                        f" expected at least {MIN_EXERCISES}")
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


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
    for path in NOTEBOOKS:
        for keys in CITE.findall(markdown_text(load_notebook(path))):
            cited.update(k.strip() for k in keys.split(","))
    assert not [k for k in REQUIRED_CITATIONS if k not in cited]


def test_cite_pattern_reads_single_and_multiple_keys():
    md = "as {cite}`a2000` and {cite:p}`b2001, c2002` show"
    assert CITE.findall(md) == ["a2000", "b2001, c2002"]
