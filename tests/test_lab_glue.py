"""Glue roles in JupyterLab (`make lab`): nnkit.book.lab_open/lab_save
and the kernel side, nnkit.book.glued.

The browser test (tests/browser/test_lab_widgets.py) runs a chapter in
JupyterLab and reads the numbers; these check the pieces without a
browser: the transform is undone exactly on every chapter, the kernel
formats as the book does (myst-nb's own formatter is the reference),
and saved outputs fill the numbers in before anything runs.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import numpy as np
import pytest

from nnkit import book

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").rglob("*.ipynb"))
ROLE = re.compile(r"\{glue:text\}`([^`]+)`")
MIME = "application/papermill.record/text/plain"


def _record(name: str, text: str) -> dict:
    """A code cell output as myst_nb.glue(name, value, display=False)
    writes it."""
    return {"output_type": "display_data",
            "data": {MIME: text},
            "metadata": {"scrapbook": {"name": name, "mime_prefix":
                                       "application/papermill.record/"}}}


def _notebook(markdown: str, outputs=()) -> dict:
    return {"cells": [
        {"cell_type": "code", "metadata": {}, "source": "glue(...)",
         "outputs": list(outputs), "execution_count": 1},
        {"cell_type": "markdown", "metadata": {}, "source": markdown},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture
def clean_glue(monkeypatch):
    monkeypatch.setitem(book._STATE, "glued", {})


@pytest.mark.parametrize("path", CHAPTERS,
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_lab_save_undoes_lab_open_on_every_chapter(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        cell["source"] = "".join(cell["source"])   # as nbformat reads it
    original = copy.deepcopy(nb)
    roles = sum(len(ROLE.findall(c["source"])) for c in nb["cells"]
                if c["cell_type"] == "markdown")
    book.lab_open(nb, path.parent)
    text = json.dumps(nb)
    assert "{glue:" not in text
    assert text.count("{eval}`") == roles
    for cell in nb["cells"]:
        if "{eval}" in cell["source"]:
            shown = [e["result"]["data"]["text/plain"]
                     for e in cell["metadata"]["user_expressions"]]
            # committed without outputs: nothing to show yet
            assert shown and set(shown) == {book.GLUE_PENDING}
    book.lab_save(nb)
    assert nb == original


def test_expressions_run_in_a_bare_namespace_and_show_without_quotes(
        clean_glue):
    book.glue("acc", np.float64(0.98765))
    nb = book.lab_open(_notebook("Accuracy {glue:text}`acc:.1%`."))
    expr = nb["cells"][1]["metadata"]["user_expressions"][0]["expression"]
    assert nb["cells"][1]["source"] == f"Accuracy {{eval}}`{expr}`."
    value = eval(expr, {})       # IPython evaluates in the user namespace
    from IPython.lib.pretty import pretty

    assert value == "98.8%" and pretty(value) == "98.8%"


# every format spec the chapters use (",", ".3f", "d", ".1%", ...)
SPECS = sorted({m.rsplit(":", 1)[1] for path in CHAPTERS
                for m in ROLE.findall(path.read_text(encoding="utf-8"))
                if ":" in m})


@pytest.mark.parametrize("value", [0.123456789, -2.5e-11, 3, 12345,
                                   0.957, 1.0, 0, 7.0e5])
def test_glued_formats_as_the_book_does(clean_glue, value):
    format_plain_text = pytest.importorskip(
        "myst_nb.core.variables").format_plain_text
    book.glue("v", value)
    assert len(SPECS) >= 10, SPECS
    for spec in SPECS + ["s", ""]:
        try:
            want = format_plain_text(repr(value), spec)
        except (TypeError, ValueError):
            continue            # the book build would fail on it
        assert book.glued(f"v:{spec}") == want, spec
    assert book.glued("v") == str(value)


def test_glued_before_the_value_exists_says_so(clean_glue):
    assert "later cell" in book.glued("nowhere:.2f")


def test_saved_outputs_fill_the_numbers_in_before_anything_runs(
        tmp_path, clean_glue, monkeypatch):
    other = _notebook("", [_record("epochs", "12")])
    (tmp_path / "other.ipynb").write_text(json.dumps(other))
    nb = _notebook("Margin {glue:text}`m:.2f`, {glue:text}`other.ipynb::"
                   "epochs:d` epochs, {glue:text}`gone.ipynb::x:.1f`.",
                   [_record("m", "0.31512")])
    book.lab_open(nb, tmp_path)
    shown = [e["result"]["data"]["text/plain"]
             for e in nb["cells"][1]["metadata"]["user_expressions"]]
    assert shown == ["0.32", "12", book.GLUE_PENDING]
    # the kernel, whose working directory is the notebook's folder,
    # reads the other notebook's saved outputs too
    monkeypatch.chdir(tmp_path)
    assert book.glued("other.ipynb::epochs:d") == "12"
    assert book.glued("gone.ipynb::x:.1f") == "(computed in gone)"


def test_lab_save_keeps_what_the_reader_wrote():
    own = {"expression": "1 + 1", "result": {"status": "ok", "data": {
        "text/plain": "2"}, "metadata": {}}}
    nb = _notebook("Two is {eval}`1 + 1`, {glue:text}`k:.1f`.")
    nb["cells"][1]["metadata"]["user_expressions"] = [own]
    book.lab_open(nb)
    assert len(nb["cells"][1]["metadata"]["user_expressions"]) == 2
    book.lab_save(nb)
    assert nb["cells"][1]["source"] == \
        "Two is {eval}`1 + 1`, {glue:text}`k:.1f`."
    assert nb["cells"][1]["metadata"]["user_expressions"] == [own]
