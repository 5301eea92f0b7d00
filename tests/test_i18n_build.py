"""The Spanish edition's build (book/_ext/nnbook_i18n.py).

Glued numbers group their digits the Spanish way: ``{glue:text}`n:,```
shows ``60,000`` in English and ``60 000`` (a narrow no-break space) in
Spanish, where a comma or a point would read as a decimal sign; a
number of four digits is not grouped (``4000``), and decimal points
stay points. And translated nodes belong to their page, not to the
message document Sphinx parsed them from (which drags the whole build
environment into every pickled doctree).
"""

from __future__ import annotations

import re
import sys
from ast import literal_eval
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

import nnbook_i18n  # noqa: E402
from myst_nb.core.variables import format_plain_text  # noqa: E402
from myst_nb.ext.glue import crossref, roles  # noqa: E402

NNBSP = "\u202f"


@pytest.mark.parametrize(("text", "grouped"), [
    ("60,000", f"60{NNBSP}000"),
    ("4,000", "4000"),
    ("999", "999"),
    ("1,234,567", f"1{NNBSP}234{NNBSP}567"),
    ("12,345.678", f"12{NNBSP}345.678"),
    ("1,234.5", "1234.5"),
    ("-60,000", f"-60{NNBSP}000"),
    ("97.3%", "97.3%"),
    ("0.001", "0.001"),
    ("3.14159", "3.14159"),
    ("4,000 and 60,000", f"4000 and 60{NNBSP}000"),
])
def test_regroup_digits(text, grouped):
    assert nnbook_i18n.regroup_digits(text, NNBSP) == grouped


@pytest.mark.parametrize(("value", "spec", "spanish"), [
    ("60000", ",", f"60{NNBSP}000"),
    ("4000", ",", "4000"),
    ("4000", "d", "4000"),
    ("60000", "d", "60000"),          # no "," asked: no grouping
    ("1234567.891", ",.2f", f"1{NNBSP}234{NNBSP}567.89"),
    ("0.9734", ".1%", "97.3%"),
    ("123456.7", ">12,.1f", f"   123{NNBSP}456.7"),
    ("'a,b'", "s", "a,b"),            # text is text
])
def test_spanish_format_of_glue_text(value, spec, spanish):
    fmt = nnbook_i18n.group_digits_as(format_plain_text, NNBSP)
    assert fmt(value, spec) == spanish
    # the English edition keeps Python's own formatting
    assert format_plain_text(value, spec) == format(literal_eval(value),
                                                    spec)


def test_localize_switches_both_glue_modules_and_back():
    before = (crossref.format_plain_text, roles.format_plain_text)
    try:
        nnbook_i18n.localize_glue_numbers("es")
        for module in (crossref, roles):
            assert module.format_plain_text("60000", ",") == \
                f"60{NNBSP}000"
        nnbook_i18n.localize_glue_numbers("es")   # idempotent
        assert roles.format_plain_text("60000", ",") == f"60{NNBSP}000"
        nnbook_i18n.localize_glue_numbers("en")
        for module in (crossref, roles):
            assert module.format_plain_text("60000", ",") == "60,000"
    finally:
        crossref.format_plain_text, roles.format_plain_text = before


SPANISH_SITE = ROOT / "_build" / "html" / "es"
SPANISH_PAGE = (SPANISH_SITE / "chapters" / "11_case_studies_images_text"
                / "01_image_classifiers.html")
PASTED = re.compile(r'<span class="pasted-text">([^<]*)</span>')


def built_by_this_revision() -> bool:
    """Whether ``_build`` holds a Spanish build made by this module's
    :data:`nnbook_i18n.BUILD_REVISION` (one made by an older revision
    is rebuilt in full by the next ``make book``)."""
    stamp = ROOT / "_build" / "es" / ".doctrees" / nnbook_i18n.REVISION_STAMP
    return (SPANISH_PAGE.is_file() and stamp.is_file()
            and stamp.read_text() == nnbook_i18n.BUILD_REVISION)


BUILT = pytest.mark.skipif(
    not built_by_this_revision(),
    reason="no Spanish build by this revision of nnbook_i18n: run "
           "`make book` first")


def test_a_new_revision_rebuilds_from_scratch(tmp_path):
    doctrees = tmp_path / ".doctrees"
    assert not nnbook_i18n.fresh_if_revised(doctrees)     # first build
    (doctrees / "environment.pickle").write_bytes(b"env")
    assert not nnbook_i18n.fresh_if_revised(doctrees)     # same revision
    assert (doctrees / "environment.pickle").is_file()
    (doctrees / nnbook_i18n.REVISION_STAMP).write_text("1")
    assert nnbook_i18n.fresh_if_revised(doctrees)         # older one
    assert not (doctrees / "environment.pickle").exists()
    assert (doctrees / nnbook_i18n.REVISION_STAMP).read_text() == \
        nnbook_i18n.BUILD_REVISION


@BUILT
def test_built_spanish_pages_group_glued_numbers():
    """No glued number of the Spanish site has a comma between thousands;
    some are grouped by a narrow no-break space. Chapter 11 glues its
    training-set size with ``:,``: 4000 in Spanish, 4,000 in English."""
    pasted = [t for page in SPANISH_SITE.rglob("*.html")
              for t in PASTED.findall(page.read_text(encoding="utf-8"))]
    assert len(pasted) > 500, f"only {len(pasted)} glued values"
    assert not [t for t in pasted if re.search(r"\d,\d{3}\b", t)]
    assert any(re.fullmatch(rf"\d{{1,3}}(?:{NNBSP}\d{{3}})+", t)
               for t in pasted)
    spanish = PASTED.findall(SPANISH_PAGE.read_text(encoding="utf-8"))
    english = PASTED.findall((ROOT / "_build" / "html" / SPANISH_PAGE
                              .relative_to(SPANISH_SITE)).read_text(
                                  encoding="utf-8"))
    assert "4000" in spanish and "4,000" in english
    assert len(spanish) == len(english)


def test_translated_nodes_belong_to_their_page():
    """A translated paragraph comes from a document of its own (Sphinx
    parses each message separately) whose settings can be heavy (the
    whole build environment): after the fix the page pickles without
    it."""
    import pickle

    from docutils import nodes
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser
    from docutils.utils import new_document

    settings = get_default_settings(Parser)
    page = new_document("page.md", settings)
    message_settings = get_default_settings(Parser)
    message_settings.env = list(range(100_000))      # a heavy payload
    message = new_document("<translated>", message_settings)
    paragraph = nodes.paragraph("", "")
    message += paragraph
    paragraph += nodes.Text("texto traducido")
    paragraph.document = message
    # as sphinx.transforms.i18n moves a message's nodes into the page
    page.children.append(paragraph)
    paragraph.parent = page
    assert paragraph.document is message
    heavy = len(pickle.dumps(page))
    assert nnbook_i18n.detach_from_messages(page) == 2   # and its text
    assert paragraph.document is page
    assert len(pickle.dumps(page)) < heavy / 10
    assert nnbook_i18n.detach_from_messages(page) == 0


DOCTREES = {"en": ROOT / "_build" / ".doctrees",
            "es": ROOT / "_build" / "es" / ".doctrees"}


@BUILT
@pytest.mark.skipif(not (DOCTREES["en"] / "book" / "intro.doctree").is_file(),
                    reason="no English build: run `make book`")
def test_spanish_doctrees_are_the_size_of_the_english_ones():
    """Translated text is about as long as the English: a Spanish
    doctree many times its English twin still carries the message
    documents (and the environment) along."""
    sizes = {lang: {p.relative_to(d): p.stat().st_size
                    for p in d.rglob("*.doctree")}
             for lang, d in DOCTREES.items()}
    both = sizes["en"].keys() & sizes["es"].keys()
    assert len(both) > 50
    bloated = [f"{p}: {sizes['es'][p]} bytes, English {sizes['en'][p]}"
               for p in sorted(both)
               if sizes["es"][p] > 1.5 * sizes["en"][p] + 20_000]
    assert not bloated, "\n".join(bloated)
