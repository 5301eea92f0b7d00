"""The Spanish edition's catalogs (``locales/es/LC_MESSAGES/<page>.po``).

A translation goes stale when the English text changes; these tests say
so before a reader meets it:

- no entry is fuzzy (msgmerge's guess at a changed message: review it,
  then remove the flag);
- every message of the current extraction (``_build/gettext/pot``, made
  here by Sphinx's gettext builder, as ``make i18n-update`` does) is in
  its page's catalog, and no catalog belongs to a page that is gone
  (pages published in English only, the API reference and the
  performance appendix, have no catalog);
- a translation keeps its message's markup: the same roles with the same
  targets (a ``{term}``, ``{doc}`` or ``{ref}`` may translate its
  displayed text: ``{term}`tasa de aprendizaje <learning rate>```), the
  same maths and the same inline code;
- the pages declared complete in ``locales/es/status.yml`` have every
  message translated;
- the Spanish glossary names each entry by the Spanish term that the
  English glossary gives for it (its definition's first, italic word),
  and a translation's links to the glossary show that Spanish name, not
  the English term (``{term}`época <epoch>```, not ``{term}`epoch```).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import polib
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ROOT / "locales" / "es" / "LC_MESSAGES"
STATUS = yaml.safe_load(
    (ROOT / "locales" / "es" / "status.yml").read_text(encoding="utf-8"))
COMPLETE = list(STATUS.get("complete") or [])

# One pass, left to right: a role, inline code or maths.
TOKEN = re.compile(
    r"(?<!`)\{(?P<role>[a-z][\w:-]*)\}`(?P<content>[^`]*)`"
    r"|``(?P<code2>.+?)``|`(?P<code>[^`\n]+)`"
    r"|(?P<math>\$\$.+?\$\$|\$[^$\n]+\$)", re.S)
# Roles whose displayed text may be translated: only the target counts.
TITLED = {"term", "doc", "ref", "numref", "eq", "download", "py:class",
          "py:func", "py:meth", "py:mod", "py:attr", "py:obj"}


def catalogs() -> dict[str, polib.POFile]:
    return {po.relative_to(CATALOGS).with_suffix("").as_posix():
            polib.pofile(str(po)) for po in sorted(CATALOGS.rglob("*.po"))}


CATALOGS_BY_PAGE = catalogs()


def entries(po: polib.POFile):
    return [e for e in po if e.msgid and not e.obsolete]


def markup(text: str) -> Counter:
    """The parts of a message a translation must carry over unchanged."""
    found: Counter = Counter()
    for m in TOKEN.finditer(text):
        if m["role"]:
            role, target = m["role"], m["content"]
            if role in TITLED:
                titled = re.fullmatch(r"(?s).*?<([^<>]+)>\s*", target)
                target = titled.group(1) if titled else target
                if role == "term":
                    target = " ".join(target.lower().split())
            found[f"{{{role}}}`{target}`"] += 1
        elif m["math"]:
            found[f"math {' '.join(m['math'].split())}"] += 1
        else:
            found[f"code `{m['code2'] or m['code']}`"] += 1
    return found


def test_status_names_existing_catalogs():
    missing = [p for p in COMPLETE if p not in CATALOGS_BY_PAGE]
    assert not missing, f"status.yml declares pages with no catalog: " \
                        f"{missing}"


def test_no_fuzzy_entries():
    fuzzy = [f"{page}: {e.msgid[:70]!r}"
             for page, po in CATALOGS_BY_PAGE.items()
             for e in entries(po) if "fuzzy" in e.flags]
    assert not fuzzy, (f"{len(fuzzy)} fuzzy translations (the English "
                       f"changed: review, then remove the flag):\n"
                       + "\n".join(fuzzy[:30]))


def test_translations_keep_roles_maths_and_code():
    bad = []
    for page, po in CATALOGS_BY_PAGE.items():
        for e in entries(po):
            if not e.msgstr:
                continue
            want, got = markup(e.msgid), markup(e.msgstr)
            if want != got:
                bad.append(f"{page}: {e.msgid[:60]!r}\n"
                           f"      missing {dict(want - got)}, "
                           f"extra {dict(got - want)}")
    assert not bad, (f"{len(bad)} translations change a role, maths or "
                     f"inline code:\n" + "\n".join(bad[:30]))


@pytest.mark.parametrize("page", COMPLETE)
def test_complete_pages_are_translated(page):
    po = CATALOGS_BY_PAGE[page]
    missing = [e.msgid[:70] for e in entries(po) if not e.msgstr]
    assert not missing, (f"{page} is declared complete in "
                         f"locales/es/status.yml but {len(missing)} "
                         f"messages are untranslated: {missing[:10]}")


def test_glossary_terms_agree_with_its_spanish_column():
    """An English definition starts with its Spanish term, in italics
    (``*tasa de aprendizaje*. The step size...``): the entry's first
    term is translated as exactly that."""
    items = entries(CATALOGS_BY_PAGE["book/glossary"])[2:]  # title, intro
    terms, disagree, checked = [], [], 0
    for e in items:
        spanish = re.match(r"\*([^*]+)\*", e.msgid)
        if not spanish:
            terms.append(e)
            continue
        # (a term listed twice is one message, so a definition may
        # follow no new term)
        names = [n.strip() for n in spanish[1].split(",")]
        pairs = (zip(terms, names) if len(names) == len(terms) > 1
                 else zip(terms[:1], [spanish[1]]))
        for term, name in pairs:
            if term.msgstr and term.msgstr.lower() != name.lower():
                disagree.append(f"{term.msgid!r} is translated "
                                f"{term.msgstr!r}, the glossary says "
                                f"{name!r}")
            checked += bool(term.msgstr)
        terms = []
    assert checked > 100, f"only {checked} glossary terms were checked"
    assert not disagree, "\n".join(disagree)


def glossary_spanish() -> dict[str, str]:
    """Each English glossary term (lower case) and its Spanish name, as
    the glossary's catalog translates it."""
    items = entries(CATALOGS_BY_PAGE["book/glossary"])[2:]
    return {" ".join(e.msgid.lower().split()): e.msgstr for e in items
            if not re.match(r"\*([^*]+)\*", e.msgid)}


def test_spanish_links_to_the_glossary_read_in_spanish():
    """A bare ``{term}`learning rate``` in a translation would show the
    English term inside a Spanish sentence: give it the Spanish name as
    its title, ``{term}`tasa de aprendizaje <learning rate>```. Bare is
    right only for a term the Spanish glossary also names in English
    (``softmax``, ``token``)."""
    spanish = glossary_spanish()
    assert len(spanish) > 100, f"only {len(spanish)} glossary terms"
    bare = []
    for page, po in CATALOGS_BY_PAGE.items():
        for e in entries(po):
            for m in TOKEN.finditer(e.msgstr):
                if m["role"] != "term" or "<" in m["content"]:
                    continue
                term = " ".join(m["content"].lower().split())
                name = spanish.get(term)
                if name is None or name.lower() != term:
                    bare.append(f"{page}: {{term}}`{m['content']}` "
                                f"(Spanish: {name!r})")
    assert not bare, (f"{len(bare)} glossary links show the English term "
                      f"in Spanish text: write {{term}}`SPANISH <english>`"
                      f"\n" + "\n".join(bare[:30]))


def prose(text: str) -> str:
    """``text`` without its roles, inline code and maths."""
    return TOKEN.sub(" ", text)


def test_spanish_numbers_keep_the_decimal_point():
    """The Spanish edition writes numbers as its maths and code do (and
    as the glued ones appear): a decimal point, and thousands grouped by
    a narrow no-break space (book/notation.md's Spanish catalog says
    so). A number the English writes ``0.5`` or ``60,000`` is not
    ``0,5`` or ``60.000`` (nor ``60,000``) in its translation."""
    bad = []
    for page, po in CATALOGS_BY_PAGE.items():
        for e in entries(po):
            english, spanish = prose(e.msgid), prose(e.msgstr)
            for m in re.finditer(r"(?<![\d.,])(\d+)([.,])(\d+)(?![\d])",
                                 english):
                whole, frac = m[1], m[3]
                if m[2] == ".":
                    wrong = [f"{whole},{frac}"]
                elif len(frac) == 3:
                    wrong = [f"{whole}.{frac}", f"{whole},{frac}"]
                else:
                    continue
                bad += [f"{page}: {w!r} (English {m[0]!r})" for w in wrong
                        if re.search(rf"(?<![\d.,]){re.escape(w)}(?!\d)",
                                     spanish)]
    assert not bad, (f"{len(bad)} numbers in Spanish translations use a "
                     f"decimal comma or a point or comma between "
                     f"thousands (write 0.5 and 60\u202f000):\n"
                     + "\n".join(bad[:30]))


def test_catalogs_hold_the_current_extraction():
    """Extract the messages now (Sphinx re-reads only the pages changed
    since the last extraction) and find each in its page's catalog."""
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    import nnbook_i18n

    pot_dir = nnbook_i18n.extract_pot()
    status = nnbook_i18n.language_status("es")
    pots = {page: p for p in pot_dir.rglob("*.pot")
            if not nnbook_i18n.is_english_only(
                page := p.relative_to(pot_dir).with_suffix("").as_posix(),
                status)}
    problems = [f"{page}: no catalog" for page in pots
                if page not in CATALOGS_BY_PAGE]
    problems += [f"{page}: catalog of a page that is gone"
                 for page in CATALOGS_BY_PAGE if page not in pots]
    for page, pot in sorted(pots.items()):
        if page not in CATALOGS_BY_PAGE:
            continue
        have = {e.msgid for e in entries(CATALOGS_BY_PAGE[page])}
        problems += [f"{page}: {e.msgid[:70]!r}"
                     for e in entries(polib.pofile(str(pot)))
                     if e.msgid not in have]
    assert not problems, (
        f"{len(problems)} messages of the English text are not in the "
        f"Spanish catalogs: run `make i18n-update` and translate them\n"
        + "\n".join(problems[:30]))
