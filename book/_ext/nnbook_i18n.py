"""The book's Spanish edition: one set of notebooks, two languages.

The English notebooks and pages are the only source. Sphinx's gettext
builder extracts one catalog per page (``gettext_compact: false``);
translations live in ``locales/es/LC_MESSAGES/<page>.po``. The Spanish
edition is built from the same sources and the same execution cache as
the English one, with ``language = "es"``, into ``_build/html/es/``.

As a Sphinx extension (listed in ``_config.yml``) this module

- compiles the catalogs for a translated build into
  ``<doctrees>/../locales`` and rewrites each glue role of a notebook's
  translation to name its notebook (``{glue:text}`key``` becomes
  ``{glue:text}`page.ipynb::key```): a role parsed from a translated
  message no longer sees its notebook's glue data, so translators copy
  roles unchanged and this rewrite makes them resolve;
- applies the translated part captions of ``_toc.yml`` (extracted into
  the root page's catalog, but not applied by Sphinx, because
  sphinx-external-toc inserts the toctrees after Sphinx translates);
- groups the digits of glued numbers as the language does (Spanish:
  ``60 000`` with a narrow no-break space, where English has
  ``60,000``);
- adds a language switcher to every page (the same page in the other
  edition: element ids are identical, so ``#anchors`` carry over), and
  on the Spanish site a note on pages shown in English.

As a script it runs the two steps ``make`` needs::

    python book/_ext/nnbook_i18n.py extract   # .pot -> locales/*.po
    python book/_ext/nnbook_i18n.py build es  # _build/html/es

Which Spanish pages are complete, and which stay English on purpose, is
``locales/es/status.yml`` (tests/test_catalogs.py reads it too).
"""

from __future__ import annotations

import fnmatch
import io
import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
BUILD = ROOT / "_build"
# The Spanish site lives in this folder of the English one.
EDITIONS = {"en": "", "es": "es"}
LANGUAGE_NAMES = {"en": "English", "es": "Español"}

# A glue role: {glue}`key`, {glue:}`key`, {glue:text}`key:.2f`, ...
GLUE = re.compile(r"(\{glue(?::[a-z]*)?\}`)([^`]+)(`)")

# What the Spanish edition changes besides the text (html options).
SPANISH = {
    "html_title": "nnbook: redes neuronales desde cero, junto a Keras",
    "search_bar_text": "Buscar en el libro…",
    "togglebutton_hint": "Mostrar",
    "togglebutton_hint_hide": "Ocultar",
    "nb_code_prompt_show": "Mostrar el código de la celda {type}",
    "nb_code_prompt_hide": "Ocultar el código de la celda {type}",
}

# How a translated edition groups the digits of a number that a glue
# role formats with a thousands separator (``{glue:text}`n:,```): in
# Spanish (and ISO 80000) a narrow no-break space, since a comma or a
# point there would read as a decimal sign; not at all in a number of
# four digits (4000, the Spanish norm). Decimal points stay points: the
# book writes them in its maths and code, in both editions.
DIGIT_GROUPING = {"es": "\u202f"}
GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")

# Bump when a change to this module alters what a translated build makes
# of unchanged sources (Sphinx does not see an extension's code change):
# the next translated build then reads and writes every page afresh.
# 2: glued numbers' digit grouping; translated nodes detached from their
# message documents.
BUILD_REVISION = "2"
REVISION_STAMP = "nnbook_i18n.revision"

NOTE_ENGLISH_ONLY = (
    "Esta página se publica solo en inglés: la referencia de la API de "
    "nnkit y el apéndice de rendimiento se generan del código y no se "
    "traducen.")
NOTE_IN_PROGRESS = (
    "Traducción en curso: estos capítulos se muestran todavía en inglés,"
    " total o parcialmente:")
NOTE_PENDING = (
    "La traducción de esta página aún no está terminada: lo que no está "
    "traducido se muestra en inglés.")


def language_status(language: str = "es") -> dict[str, list[str]]:
    """``locales/<language>/status.yml``: ``complete`` (pages whose every
    message is translated) and ``english_only`` (glob patterns of pages
    that stay English)."""
    path = LOCALES / language / "status.yml"
    if not path.is_file():
        return {"complete": [], "english_only": []}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {"complete": list(data.get("complete") or []),
            "english_only": list(data.get("english_only") or [])}


def is_english_only(docname: str, status: dict[str, list[str]]) -> bool:
    return any(fnmatch.fnmatchcase(docname, p)
               for p in status["english_only"])


def with_notebook(text: str, notebook: str) -> str:
    """Make every glue role in ``text`` name ``notebook`` (a file name
    relative to the page), unless it already names one."""
    def fix(m: re.Match) -> str:
        role, content = m.group(1), m.group(2)
        if "::" in content:
            return m.group(0)
        if role == "{glue:text}`" and ":" not in content:
            # myst-nb splits the format off at the last colon, which
            # would cut "page.ipynb::key" at its "::": say the default
            content += ":s"
        return f"{role}{notebook}::{content}{m.group(3)}"
    return GLUE.sub(fix, text)


def regroup_digits(text: str, separator: str) -> str:
    """Rewrite the comma grouping of the numbers in ``text`` (as
    ``format(x, ",")`` writes them) with ``separator``; a number whose
    integer part has four digits is not grouped. ``"60,000.5"`` becomes
    ``"60 000.5"`` (``separator`` a space), ``"4,000"`` ``"4000"``."""
    def one(m: re.Match) -> str:
        number = m.group(0)
        if len(number) == 5:        # d,ddd
            return number.replace(",", "")
        return number.replace(",", separator)
    return GROUPED.sub(one, text)


def group_digits_as(format_plain_text, separator: str):
    """myst-nb's formatting of a glue role's text, with the digits of a
    format spec's ``,`` grouping regrouped by :func:`regroup_digits`."""
    def format_text(text: str, fmt_spec: str) -> str:
        formatted = format_plain_text(text, fmt_spec)
        if "," in fmt_spec:
            formatted = regroup_digits(formatted, separator)
        return formatted
    format_text.nnbook_original = format_plain_text
    return format_text


def localize_glue_numbers(language: str) -> None:
    """Make ``{glue:text}`` roles group digits as ``language`` does, both
    in a page's own glue roles and in those that name their notebook
    (every role of a translated message: see :func:`with_notebook`).
    myst-nb has no setting for it: this replaces the formatting function
    that its two glue modules call (a build is one language)."""
    from myst_nb.ext.glue import crossref, roles

    separator = DIGIT_GROUPING.get(language)
    for module in (crossref, roles):
        original = getattr(module.format_plain_text, "nnbook_original",
                           module.format_plain_text)
        module.format_plain_text = (
            original if separator is None
            else group_digits_as(original, separator))


# --- catalogs for a translated build ---

def compile_catalogs(source: Path, target: Path, srcdir: Path) -> int:
    """Compile every ``.po`` under ``source`` into a ``.mo`` at the same
    place under ``target`` (only when its bytes change, so Sphinx
    re-reads only the pages whose translation changed). Fuzzy entries
    are left out, as msgfmt does. Returns the number of catalogs."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    count = 0
    for po in sorted(source.rglob("*.po")):
        rel = po.relative_to(source)
        page = srcdir / rel.with_suffix("")
        notebook = (page.name + ".ipynb"
                    if page.with_suffix(".ipynb").is_file() else None)
        with po.open("rb") as f:
            catalog = read_po(f)
        if notebook:
            for message in catalog:
                if message.id and isinstance(message.string, str):
                    message.string = with_notebook(message.string, notebook)
        buf = io.BytesIO()
        write_mo(buf, catalog)
        mo = (target / rel).with_suffix(".mo")
        if not mo.is_file() or mo.read_bytes() != buf.getvalue():
            mo.parent.mkdir(parents=True, exist_ok=True)
            mo.write_bytes(buf.getvalue())
        # Sphinx finds a page's catalog by its .po (and then makes the
        # page depend on the .mo): keep a copy next to the .mo
        copy = target / rel
        if not copy.is_file() or copy.read_bytes() != po.read_bytes():
            shutil.copyfile(po, copy)
        count += 1
    return count


def fresh_if_revised(doctreedir: Path) -> bool:
    """Drop the saved environment of a translated build made by another
    :data:`BUILD_REVISION` (Sphinx then reads every page again), and
    stamp the build with this one. Returns whether it was dropped."""
    stamp = doctreedir / REVISION_STAMP
    if stamp.is_file() and stamp.read_text() == BUILD_REVISION:
        return False
    pickle = doctreedir / "environment.pickle"
    dropped = pickle.is_file()
    pickle.unlink(missing_ok=True)
    doctreedir.mkdir(parents=True, exist_ok=True)
    stamp.write_text(BUILD_REVISION)
    return dropped


def _config_inited(app, config) -> None:
    if config.nnbook_skip_english_only:
        # Extraction: pages that stay English have no catalog, so are
        # not read (the API pages' autodoc is a third of the work).
        config.exclude_patterns = [
            *config.exclude_patterns,
            *(f"{p}.*" for p in language_status("es")["english_only"])]
    language = config.language or "en"
    localize_glue_numbers(language)
    if language == "en":
        return
    fresh_if_revised(Path(app.doctreedir))
    target = Path(app.doctreedir).parent / "locales"
    compile_catalogs(LOCALES / language / "LC_MESSAGES",
                     target / language / "LC_MESSAGES", Path(app.srcdir))
    config.locale_dirs = [str(target)]
    config.gettext_auto_build = False
    if language == "es":
        config.html_theme_options = {
            **config.html_theme_options,
            "search_bar_text": SPANISH["search_bar_text"]}
        for key, value in SPANISH.items():
            if key in config and key != "search_bar_text":
                config[key] = value


def sort_key(text: str) -> str:
    """Dictionary order in Spanish: accents and case do not count."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in plain if not unicodedata.combining(c))


def sort_glossaries(doctree) -> None:
    """A ``:sorted:`` glossary is sorted when it is parsed, in English;
    after translation, sort its entries again by their (first) term.
    The terms keep their ids, so links to them still work."""
    from docutils import nodes
    from sphinx import addnodes

    for glossary in doctree.findall(addnodes.glossary):
        if not glossary.get("sorted"):
            continue
        for dlist in glossary.findall(nodes.definition_list):
            items = list(dlist.children)
            items.sort(key=lambda item: sort_key(
                next(iter(item.findall(nodes.term))).astext()))
            dlist.children = []
            dlist.extend(items)


def detach_from_messages(doctree) -> int:
    """Make the nodes that Sphinx's translation put into ``doctree``
    belong to it. Sphinx parses each translated message as a document
    of its own and moves its nodes over, but they keep pointing at that
    document (``node.document``), whose settings hold the whole build
    environment: pickled with the page, they made a Spanish doctree 4
    to 17 times the size of its English twin, and every ``{numref}``
    unpickles its target's doctree. Returns the nodes fixed."""
    fixed = 0
    for node in doctree.findall():
        owner = node.__dict__.get("_document")
        if owner is not None and owner is not doctree:
            node.document = doctree
            fixed += 1
    return fixed


def _doctree_read(app, doctree) -> None:
    """Detach translated nodes from their messages; sort translated
    glossaries; translate the part captions of the root page's
    toctrees."""
    from sphinx import addnodes
    from sphinx.locale import init as init_locale
    from sphinx.util.i18n import docname_to_domain

    language = app.config.language or "en"
    if language == "en" or app.builder.name == "gettext":
        return
    detach_from_messages(doctree)
    sort_glossaries(doctree)
    docname = app.env.docname
    if docname != app.config.root_doc:
        return
    domain = docname_to_domain(docname, app.config.gettext_compact)
    catalog, found = init_locale(
        [str(Path(app.srcdir, d)) for d in app.config.locale_dirs],
        language, domain)
    if not found:
        return
    for toctree in doctree.findall(addnodes.toctree):
        caption = toctree.get("caption")
        if caption:
            toctree["caption"] = catalog.gettext(caption)


# --- the language switcher ---

def _page_context(app, pagename, templatename, context, doctree) -> None:
    language = app.config.language or "en"
    if language not in EDITIONS:
        return
    other = "es" if language == "en" else "en"
    pathto = context["pathto"]
    if language == "en":
        target = f"{EDITIONS[other]}/{pagename}.html"
    else:
        target = f"../{pagename}.html"
    context["nnbook_other_language"] = other
    context["nnbook_other_name"] = LANGUAGE_NAMES[other]
    context["nnbook_other_url"] = pathto(target, 1)
    if language == "en" or doctree is None or "body" not in context:
        return
    status = language_status(language)
    if is_english_only(pagename, status):
        note = NOTE_ENGLISH_ONLY
    elif pagename not in status["complete"]:
        note = NOTE_PENDING
    elif pagename == app.config.root_doc:
        note = _pending_chapters(app, status, pathto)
        if not note:
            return
    else:
        return
    context["body"] = (f'<div class="admonition note nnbook-language-note">'
                       f'<p>{note}</p></div>\n' + context["body"])


def _pending_chapters(app, status, pathto) -> str:
    """On the landing page: the chapters not yet fully translated, as
    links (they show their English text under a note)."""
    from html import escape

    chapters: dict[str, str] = {}
    for doc in sorted(app.env.found_docs):
        parts = doc.split("/")
        if parts[0] != "chapters" or doc in status["complete"]:
            continue
        main = f"chapters/{parts[1]}/index" if len(parts) > 2 else doc
        if main in app.env.titles:
            chapters.setdefault(main, app.env.titles[main].astext())
    if not chapters:
        return ""
    links = ", ".join(f'<a href="{pathto(doc)}">{escape(title)}</a>'
                      for doc, title in chapters.items())
    return (f"{NOTE_IN_PROGRESS} {links}.")


def setup(app) -> dict[str, Any]:
    app.add_config_value("nnbook_skip_english_only", False, "env")
    app.connect("config-inited", _config_inited)
    app.connect("doctree-read", _doctree_read)
    app.connect("html-page-context", _page_context)
    here = Path(__file__).parent
    app.config.templates_path = [*app.config.templates_path,
                                 str(here / "templates")]
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# --- the command line: extraction and the Spanish build ---

def _sphinx(builder: str, outdir: Path, overrides: dict,
            strict: bool = True) -> int:
    """Sphinx through Jupyter Book's own configuration (_config.yml,
    _toc.yml), with ``overrides`` on top: what ``jupyter-book build``
    does, plus the settings it cannot pass."""
    from jupyter_book.sphinx import build_sphinx

    overrides = {"external_toc_path": "_toc.yml", "nitpicky": True,
                 "latex_individualpages": False,
                 # the English build's cache: nothing runs twice
                 "nb_execution_cache_path": str(BUILD / ".jupyter_cache"),
                 **overrides}
    result = build_sphinx(
        ROOT, outdir, noconfig=True, path_config=str(ROOT / "_config.yml"),
        confoverrides=overrides, builder=builder,
        doctreedir=outdir.parent / ".doctrees",
        warningiserror=strict, keep_going=strict, really_quiet=not strict,
        jobs=max(1, int(os.environ.get("NNBOOK_JOBS", "2") or 1)))
    return result if isinstance(result, int) else 1


POT = BUILD / "gettext" / "pot"


def extract_pot() -> Path:
    """Extract every page's messages into ``_build/gettext/pot/<page>.pot``
    (notebooks are not executed: code and outputs are not messages; the
    references to figures that only outputs define would warn, so
    warnings are not shown here: the HTML builds check them). Sphinx
    re-reads only the pages changed since the last extraction."""
    status = _sphinx("gettext", POT, {"nb_execution_mode": "off",
                                      "gettext_location": False,
                                      "gettext_uuid": False,
                                      "nnbook_skip_english_only": True},
                     strict=False)
    if status or not (POT / "book" / "intro.pot").is_file():
        raise RuntimeError(f"message extraction failed ({status})")
    return POT


def extract() -> int:
    """Extract the messages and merge them into
    ``locales/es/LC_MESSAGES/<page>.po`` with sphinx-intl (new messages
    untranslated, changed ones fuzzy, vanished ones dropped); pages
    that stay English (``english_only``) get no catalog."""
    pot = extract_pot()
    from click.testing import CliRunner
    from sphinx_intl.commands import main as sphinx_intl

    result = CliRunner().invoke(sphinx_intl, [
        "update", "-p", str(pot), "-d", str(LOCALES), "-l", "es",
        "-w", "79", "--no-obsolete"])
    print(result.output)
    # Pages published in English only keep no catalog: their text (the
    # API's docstrings, the benchmarks) changes with the code.
    # Nor do pages that are gone (sphinx-intl keeps their catalogs).
    status = language_status("es")
    for po in sorted((LOCALES / "es" / "LC_MESSAGES").rglob("*.po")):
        page = po.relative_to(LOCALES / "es" / "LC_MESSAGES")
        if is_english_only(page.with_suffix("").as_posix(), status) \
                or not (pot / page).with_suffix(".pot").is_file():
            po.unlink()
    return result.exit_code


def build(language: str) -> int:
    """Build one translated edition into ``_build/<lang>/html`` and copy
    it to ``_build/html/<lang>``, where the site's switcher finds it."""
    outdir = BUILD / language / "html"
    overrides = {"language": language}
    status = _sphinx("html", outdir, overrides)
    (outdir / "index.html").write_text(
        '<meta http-equiv="Refresh" content="0; url=book/intro.html" />\n',
        encoding="utf-8")
    # Into the site, even after a warning (as jupyter-book leaves its
    # pages), so the browser test sees what was built. Hard links: the
    # copy costs no time and no space.
    site = BUILD / "html" / EDITIONS[language]
    if site.exists():
        shutil.rmtree(site)
    try:
        shutil.copytree(outdir, site, copy_function=os.link)
    except OSError:
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(outdir, site)
    write_root(BUILD / "html")
    return status


ROOT_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nnbook</title>
<link rel="icon" href="favicon.ico">
<style>
body {{ font-family: system-ui, sans-serif; max-width: 36rem;
       margin: 4rem auto; padding: 0 1rem; line-height: 1.5; }}
a {{ display: block; font-size: 1.3rem; margin: 1rem 0; }}
</style>
</head>
<body>
<h1>nnbook</h1>
<p>Neural networks from scratch, side by side with Keras.<br>
<span lang="es">Redes neuronales desde cero, junto a Keras.</span></p>
<a href="book/intro.html" hreflang="en">English edition</a>
<a href="{es}/book/intro.html" hreflang="es" lang="es">Edición en
español</a>
</body>
</html>
"""


def write_root(site: Path) -> None:
    """The site's root page offers both editions."""
    (site / "index.html").write_text(ROOT_PAGE.format(es=EDITIONS["es"]),
                                     encoding="utf-8")


def main(argv: list[str]) -> int:
    if argv[:1] == ["extract"]:
        return extract()
    if len(argv) == 2 and argv[0] == "build" and argv[1] in EDITIONS:
        return build(argv[1])
    print(__doc__)
    print(json.dumps({"usage": "extract | build es"}))
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
