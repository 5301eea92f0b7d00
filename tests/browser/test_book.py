"""The built book, as a reader's browser sees it.

Headless Chromium opens every page of ``_build/html`` from a local HTTP
server on 127.0.0.1 and checks that the page

- logs no console errors;
- makes no request that fails and none to any host but 127.0.0.1 (the
  book must display offline: no CDN, no fonts or scripts from the web);
- renders its math: MathJax started, every ``.math`` element was
  typeset, no TeX errors, and no TeX command or ``$`` left in the
  text outside MathJax's output and code;
- does not scroll sideways on a phone (390 px wide, the same page with
  its window narrowed);
- loads every image, with a non-zero natural size;
- links only to local pages and anchors that exist;
- on chapter pages: shows its plots as numbered, captioned figures
  (Fig. 5.1, 5.2, ... in chapter 5, across its section pages) and
  numbers its equations the same way; a notebook page offers the
  notebook (.ipynb) for download, says where the widgets are live and,
  once its chapter is converted (tests/test_chapter_structure.py),
  ends with its checks table and is at most 25 screens long
  (1400 x 1000).

It also searches the book for a common word and writes screenshots of
the landing page and the first chapter to ``_build/screenshots/``.

All of this runs over both editions: the English site and the Spanish
one in its ``es/`` folder (book/_ext/nnbook_i18n.py). Every page of
each edition links to the same page of the other (the language
switcher), with the same element ids, so that a deep link carries over;
the site's root page offers both editions.

Run it with ``make test-browser``. It is skipped, with the reason, when
the book is not built or Chromium and its driver are missing (Debian:
``apt-get install chromium chromium-driver``). Environment overrides:
``NNBOOK_HTML`` (the built site), ``NNBOOK_CHROMIUM``,
``NNBOOK_CHROMEDRIVER``.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from ..test_chapter_structure import UNCONVERTED
from ..test_hygiene import toc_entries
from .chromium import HOST, launch, skip_without_chromium

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("NNBOOK_HTML", ROOT / "_build" / "html")).resolve()
SCREENSHOTS = SITE.parent / "screenshots"
SEARCH_WORD = "perceptron"
# The Spanish edition, in this folder of the site; its search word.
ES = "es/"
SEARCH_WORDS = {"": "perceptron", ES: "perceptrón"}
FIG = r"(?:Fig\.|Figura)"  # a figure's number: "Fig. 5.1", "Figura 5.1"
if not (SITE / "index.html").is_file():
    pytest.skip(f"no built book at {SITE}: run `make book` first",
                allow_module_level=True)
skip_without_chromium()


def without_edition(page: str) -> str:
    """``es/chapters/x.html`` -> ``chapters/x.html``."""
    return page.removeprefix(ES)


def edition_of(page: str) -> str:
    return ES if page.startswith(ES) else ""


EXTRA_PAGES = ("index.html", "search.html", "genindex.html",
               "py-modindex.html")


def built_pages(edition: str = "") -> list[str]:
    """Every page a reader can reach in one edition ("" for English,
    ``ES`` for Spanish): the documents of _toc.yml and the pages Sphinx
    adds (search, index), as built (a stale page left in _build/html by
    a removed document is not one)."""
    pages = [edition + f + ".html" for f in toc_files()]
    pages += [edition + p for p in EXTRA_PAGES]
    return sorted(dict.fromkeys(p for p in pages if (SITE / p).is_file()))


def toc_files() -> list[str]:
    """The documents ``_toc.yml`` names, root first, in reading order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [Path(f).with_suffix("").as_posix() for f in toc_entries(toc)]


PAGES = built_pages() + built_pages(ES)


def _status() -> dict:
    path = ROOT / "locales" / "es" / "status.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


# In Chromium: every English page, and a sample of the Spanish ones: the
# landing page, the glossary, the first notebook page of each translated
# chapter (locales/es/status.yml), the search, index and root pages, one
# page still in English and one English-only page. The other Spanish
# pages are built by the same code from the same notebooks; their maths
# and markup are those of the English messages (tests/test_catalogs.py),
# and their links and switcher are checked from the HTML
# (test_links_resolve, test_language_switcher_links_the_same_page).
# That keeps the browser step from doubling in time.
def _es_sample() -> set[str]:
    complete = set(_status().get("complete") or [])
    toc = toc_files()
    sample = {toc[0] + ".html", "book/glossary.html", *EXTRA_PAGES}
    for chapter in sorted({f.split("/")[1] for f in complete
                           if f.startswith("chapters/")}):
        sample |= {next(f + ".html" for f in toc
                        if f.startswith(f"chapters/{chapter}/")
                        and (ROOT / f).with_suffix(".ipynb").is_file())}
    for prefix in ("chapters/", "book/api/"):
        sample |= {next((f + ".html" for f in toc if f.startswith(prefix)
                         and f not in complete), "")}
    return sample


_ES_SAMPLE = _es_sample()
VISITED = [p for p in PAGES
           if not p.startswith(ES) or without_edition(p) in _ES_SAMPLE]
LANDING = toc_files()[0] + ".html"
CHAPTER_PAGES = [p for p in PAGES
                 if without_edition(p).startswith("chapters/")]
DESKTOP, PHONE = (1400, 1000), (390, 844)
MAX_SCREENS = 25           # a chapter page's height, in desktop screens


def chapter_number(page: str) -> int:
    """``chapters/05_x.html`` and ``chapters/05_x/02_y.html`` -> 5."""
    return int(Path(without_edition(page)).relative_to("chapters")
               .parts[0].split("_")[0])


def is_notebook_page(page: str) -> bool:
    """A page built from a notebook (not a split chapter's index.md)."""
    return (ROOT / without_edition(page)).with_suffix(".ipynb").is_file()


# --- a local server and a headless Chromium ----------------------------------

class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (stdlib name)
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a browser that cancels a request is not an error here


@pytest.fixture(scope="module")
def base_url():
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = _QuietServer((HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{HOST}:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def driver():
    profile = tempfile.mkdtemp(prefix="nnbook-chromium-")
    drv = launch(profile)
    yield drv
    drv.quit()
    shutil.rmtree(profile, ignore_errors=True)


# --- what one visit observes -------------------------------------------------

@dataclass
class Visit:
    page: str
    url: str = ""
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    mathjax: str = ""
    math_elements: int = 0
    untypeset_math: int = 0
    mjx_containers: int = 0
    tex_errors: list[str] = field(default_factory=list)
    raw_math: list[str] = field(default_factory=list)
    images: list[list] = field(default_factory=list)
    content_images: int = 0
    links: list[list[str]] = field(default_factory=list)
    text: str = ""
    uncaptioned: list[str] = field(default_factory=list)
    figure_numbers: list[str] = field(default_factory=list)
    equation_numbers: list[str] = field(default_factory=list)
    screens: float = 0.0
    checks_tables: int = 0
    glued_oddly: list[str] = field(default_factory=list)


WAIT_MATHJAX = """
const done = arguments[arguments.length - 1];
const t0 = Date.now();
(function poll() {
  const M = window.MathJax;
  if (M && M.startup && M.startup.promise) {
    M.startup.promise.then(() => done('ready'),
                           (e) => done('failed: ' + e));
  } else if (!document.querySelector('script[src*="mathjax" i]')) {
    done('absent');
  } else if (Date.now() - t0 > 30000) {
    done('timeout: MathJax never started');
  } else {
    setTimeout(poll, 50);
  }
})();
"""

WAIT_IMAGES = """
const done = arguments[arguments.length - 1];
const imgs = Array.from(document.images);
for (const i of imgs) { if (i.loading === 'lazy') i.loading = 'eager'; }
Promise.all(imgs.map((i) => i.complete ? null : new Promise((ok) => {
  i.addEventListener('load', ok); i.addEventListener('error', ok);
  setTimeout(ok, 15000);
}))).then(() => done(imgs.map((i) => [
  i.getAttribute('src'), i.complete, i.naturalWidth, i.naturalHeight])));
"""

INSPECT = r"""
// Search results quote the pages' source text, TeX included, and
// Sphinx never typesets them: not a rendering failure.
const skip = 'pre, code, kbd, samp, script, style, textarea, '
           + 'mjx-container, .highlight, #search-results';
const raw = [];
const walker = document.createTreeWalker(document.body,
                                         NodeFilter.SHOW_TEXT);
// TeX that MathJax never saw: a command (\\tanh, \\mathbf, \\( ...) or a
// dollar sign in the text, outside MathJax's output and code.
const tex = /\\[A-Za-z]+|\\[\(\)\[\]]|\$/;
while (walker.nextNode()) {
  const node = walker.currentNode, el = node.parentElement;
  if (!el || el.closest(skip)) continue;
  const t = node.nodeValue;
  if (tex.test(t)) raw.push(t.trim().slice(0, 80));
}
const maths = Array.from(document.querySelectorAll('.math'));
const main = document.querySelector('main, article, [role=main]')
           || document.body;
return {
  raw: raw,
  math: maths.length,
  untypeset: maths.filter((e) => !e.querySelector('mjx-container')).length,
  containers: document.querySelectorAll('mjx-container').length,
  // TeX errors render as merror; undefined macros as red text.
  texErrors: Array.from(document.querySelectorAll('mjx-merror'))
    .map((e) => e.getAttribute('data-mjx-error') || e.textContent)
    .concat(Array.from(document.querySelectorAll(
      'mjx-assistive-mml mtext[mathcolor="red"]'))
      .map((e) => 'undefined macro ' + e.textContent)),
  contentImages: main.querySelectorAll('img').length,
  // A notebook's plots become numbered figures through the cell's
  // mystnb.figure metadata; an image outside one has no caption.
  uncaptioned: Array.from(main.querySelectorAll('.cell_output img'))
    .filter((i) => !(i.closest('figure')
                     && i.closest('figure').querySelector(
                          'figcaption .caption-number')))
    .map((i) => (i.getAttribute('alt') || i.getAttribute('src')).slice(-40)),
  figureNumbers: Array.from(main.querySelectorAll(
    'figure figcaption .caption-number')).map((e) => e.textContent.trim()),
  equationNumbers: Array.from(main.querySelectorAll('.math .eqno'))
    .map((e) => e.firstChild ? e.firstChild.textContent.trim() : ''),
  links: Array.from(document.querySelectorAll('a[href]'))
    .map((a) => [a.getAttribute('href'), a.href]),
  text: document.body.innerText,
  screens: document.documentElement.scrollHeight / window.innerHeight,
  // A glued number reads as part of its sentence (book/_static/nnbook.css).
  gluedOddly: Array.from(main.querySelectorAll('span.pasted-text'))
    .filter((e) => {
      const s = getComputedStyle(e), p = getComputedStyle(e.parentElement);
      return s.fontWeight !== p.fontWeight || s.whiteSpace !== 'nowrap';
    }).map((e) => e.textContent.slice(0, 30)),
  checksTables: main.querySelectorAll('details.nnbook-checks').length,
};
"""


def _drain(drv) -> None:
    drv.get_log("browser")
    drv.get_log("performance")


def _network(drv, base: str, visit: Visit) -> None:
    """Read the performance log until the network has been quiet for a
    moment, and record failed and external requests."""
    urls: dict[str, str] = {}
    quiet_since, deadline = time.monotonic(), time.monotonic() + 10
    while time.monotonic() - quiet_since < 0.4 and time.monotonic() < deadline:
        entries = drv.get_log("performance")
        if any('"Network.' in e["message"] for e in entries):
            quiet_since = time.monotonic()
        for entry in entries:
            msg = json.loads(entry["message"])["message"]
            method, params = msg["method"], msg.get("params", {})
            if method == "Network.requestWillBeSent":
                url = params["request"]["url"]
                urls[params["requestId"]] = url
                parts = urlsplit(url)
                if parts.scheme in ("http", "https", "ws", "wss") \
                        and parts.hostname != HOST:
                    visit.external_requests.append(url)
            elif method == "Network.responseReceived":
                status = params["response"]["status"]
                if status >= 400:
                    visit.failed_requests.append(
                        f"HTTP {status} {params['response']['url']}")
            elif method == "Network.loadingFailed":
                why = " ".join(filter(None, (params.get("errorText"),
                                             params.get("blockedReason"))))
                visit.failed_requests.append(
                    f"{why} {urls.get(params['requestId'], '?')}")
        time.sleep(0.1)
    visit.failed_requests = [r.replace(base, "/") for r in
                             dict.fromkeys(visit.failed_requests)]
    visit.external_requests = list(dict.fromkeys(visit.external_requests))


def visit_page(drv, base: str, page: str, query: str = "") -> Visit:
    visit = Visit(page)
    drv.get("about:blank")
    _drain(drv)
    drv.get(base + page + query)
    if 'http-equiv="refresh"' in (SITE / page).read_text(encoding="utf-8"):
        deadline = time.monotonic() + 10  # a redirect page: follow it
        while drv.current_url.endswith(page) and time.monotonic() < deadline:
            time.sleep(0.05)
        drv.execute_async_script(
            "const d = arguments[0]; (function w() {"
            " document.readyState === 'complete' ? d() : setTimeout(w, 50);"
            "})();")
    visit.url = drv.current_url
    visit.mathjax = drv.execute_async_script(WAIT_MATHJAX)
    visit.images = drv.execute_async_script(WAIT_IMAGES)
    if without_edition(page) == "search.html" and query:
        _wait_for_search_results(drv)
    found = drv.execute_script(INSPECT)
    visit.raw_math, visit.math_elements = found["raw"], found["math"]
    visit.untypeset_math = found["untypeset"]
    visit.mjx_containers = found["containers"]
    visit.tex_errors = found["texErrors"]
    visit.content_images = found["contentImages"]
    visit.links, visit.text = found["links"], found["text"]
    visit.uncaptioned = found["uncaptioned"]
    visit.figure_numbers = found["figureNumbers"]
    visit.equation_numbers = found["equationNumbers"]
    visit.screens = found["screens"]
    visit.glued_oddly = found["gluedOddly"]
    visit.checks_tables = found["checksTables"]
    _network(drv, base, visit)
    visit.console_errors = [
        e["message"].replace(base, "/") for e in drv.get_log("browser")
        if e["level"] == "SEVERE"]
    return visit


# --- links -------------------------------------------------------------------

class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("id", "name") and value:
                self.ids.add(value)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href:
            self.hrefs.append(href)


def static_broken_links(page: str) -> list[str]:
    """The links of a built page, read from its HTML (no browser), whose
    file or anchor does not exist in the site."""
    parser = _Links()
    parser.feed((SITE / page).read_text(encoding="utf-8"))
    broken = []
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith(
                ("javascript:", "mailto:", "tel:")):
            continue
        rel = unquote(parts.path)
        target = (SITE / page).parent / rel if rel else SITE / page
        target = Path(os.path.normpath(target))
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{href}: no file")
        elif parts.fragment and target.suffix == ".html" \
                and unquote(parts.fragment) not in ids_in(target):
            broken.append(f"{href}: no id {parts.fragment!r}")
    return list(dict.fromkeys(broken))


@functools.cache
def ids_in(path: Path) -> frozenset[str]:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return frozenset(parser.ids)


def broken_links(visit: Visit, base: str) -> list[str]:
    """Links to this site whose file or anchor does not exist."""
    broken = []
    for raw, absolute in visit.links:
        if raw.startswith(("javascript:", "mailto:", "tel:")):
            continue
        if not absolute.startswith(base):
            continue  # another site: a citation's DOI, numpy.org, ...
        parts = urlsplit(absolute)
        rel = unquote(parts.path)[1:]
        target = SITE / rel
        if rel == "" or rel.endswith("/") or target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{raw}: no file {target.relative_to(SITE)}")
            continue
        anchor = unquote(parts.fragment)
        if anchor and target.suffix == ".html" \
                and anchor not in ids_in(target):
            broken.append(f"{raw}: no id {anchor!r} in "
                          f"{target.relative_to(SITE)}")
    return list(dict.fromkeys(broken))


# --- the checks ----------------------------------------------------------------

def problems(visit: Visit, base: str) -> list[str]:
    """Everything wrong with one page, as readable lines."""
    out = []

    def report(label: str, items: list) -> None:
        if items:
            out.append(f"{label} ({len(items)}):")
            out.extend(f"    {item}" for item in items[:12])

    report("console errors", visit.console_errors)
    report("failed requests", visit.failed_requests)
    report("requests to other hosts (the page needs the network)",
           visit.external_requests)
    if visit.math_elements:
        if visit.mathjax != "ready":
            out.append(f"MathJax did not render the math: {visit.mathjax}")
        if visit.untypeset_math or not visit.mjx_containers:
            out.append(f"{visit.untypeset_math} of {visit.math_elements} "
                       "math elements were not typeset")
    report("TeX errors in the math", visit.tex_errors)
    report("TeX left in the text (a command or a $ outside the maths)",
           visit.raw_math)
    report("glued numbers not in the text's weight or free to wrap",
           visit.glued_oddly)
    report("images not loaded or of zero size",
           [f"{src} (complete={ok}, {w}x{h})"
            for src, ok, w, h in visit.images if not (ok and w and h)])
    report("broken internal links", broken_links(visit, base))
    # Without a repository (book/_ext/nnbook_launch.py), Jupyter Book
    # would point repository and launch buttons at its own.
    report("links to Jupyter Book's own repository",
           [raw for raw, _ in visit.links if "executablebooks" in raw])
    return out


def chapter_problems(visit: Visit, base: str) -> list[str]:
    """What a chapter page must offer besides loading cleanly."""
    out = []
    if visit.uncaptioned:
        out.append(f"{len(visit.uncaptioned)} plots are not numbered, "
                   f"captioned figures (set the cell's mystnb.figure "
                   f"metadata): {visit.uncaptioned[:5]}")
    # Every page of chapter 5 numbers its figures and equations 5.k.
    number = chapter_number(visit.page)
    wrong = [n for n in visit.figure_numbers
             if not re.fullmatch(rf"{FIG} {number}\.\d+", n)]
    wrong += [n for n in visit.equation_numbers
              if not re.fullmatch(rf"\({number}\.\d+\)", n)]
    if wrong:
        out.append(f"figures {visit.figure_numbers} and equations "
                   f"{visit.equation_numbers} are not all numbered "
                   f"{number}.k (numbered chapters in _toc.yml)")
    converted = number not in UNCONVERTED
    if converted and visit.screens > MAX_SCREENS:
        out.append(f"{visit.screens:.0f} screens long at 1400 x 1000: "
                   f"split it (at most {MAX_SCREENS})")
    if not is_notebook_page(visit.page):
        return out
    if converted and visit.checks_tables != 1:
        out.append(f"{visit.checks_tables} 'How this page checks itself' "
                   f"blocks, expected one at the end")
    sources = base + edition_of(visit.page) + "_sources/"
    notebooks = [a for _, a in visit.links if a.startswith(sources)
                 and urlsplit(a).path.endswith(".ipynb")]
    if not notebooks:
        out.append("no 'download .ipynb' link to the chapter's notebook")
    for url in dict.fromkeys(notebooks):
        path = SITE / unquote(urlsplit(url).path)[1:]
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
            assert nb["cells"]
        except Exception as exc:  # noqa: BLE001 (any failure is the news)
            out.append(f"the .ipynb download {path.name} is not a "
                       f"notebook: {exc!r}")
    html = (SITE / visit.page).read_text(encoding="utf-8")
    if "application/vnd.jupyter.widget-state+json" in html \
            and "JupyterLab" not in visit.text:
        out.append("the page has ipywidgets but does not say that they are "
                   "live only in JupyterLab")
    return out


def _wait_for_search_results(drv, timeout: float = 30) -> int:
    """Wait until Sphinx's search has listed its results (or timed out)
    and return how many pages it found."""
    deadline, last, stable_since = time.monotonic() + timeout, -1, 0.0
    while time.monotonic() < deadline:
        n = drv.execute_script(
            "return document.querySelectorAll("
            "'#search-results ul.search li').length;")
        summary = drv.execute_script(
            "const s = document.querySelector('#search-results "
            ".search-summary'); return s ? s.textContent : '';")
        if n != last:
            last, stable_since = n, time.monotonic()
        elif (n > 0 and time.monotonic() - stable_since > 0.5) or \
                ("did not match" in summary):
            return n
        time.sleep(0.1)
    return max(last, 0)


@pytest.mark.parametrize("edition", ["", ES])
def test_every_toc_document_is_built(edition):
    missing = [edition + f + ".html" for f in toc_files()
               if not (SITE / edition / (f + ".html")).is_file()]
    assert not missing, f"pages of _toc.yml missing from {SITE}: {missing}"
    for page in ("search.html", "index.html"):
        assert edition + page in PAGES


@pytest.mark.parametrize("page", VISITED)
def test_page_displays_offline_and_complete(driver, base_url, page):
    driver.set_window_size(*DESKTOP)
    visit = visit_page(driver, base_url, page)
    found = problems(visit, base_url)
    if without_edition(page) != "search.html":
        found += phone_problems(driver, page)
    if page in CHAPTER_PAGES:
        found += chapter_problems(visit, base_url)
    assert not found, f"{page} ({visit.url}):\n" + "\n".join(found)


@pytest.mark.parametrize("edition", ["", ES])
def test_search_finds_a_common_word(driver, base_url, edition):
    word = SEARCH_WORDS[edition]
    visit = visit_page(driver, base_url, edition + "search.html",
                       f"?q={word}")
    results = driver.execute_script(
        "return Array.from(document.querySelectorAll("
        "'#search-results ul.search li a')).map((a) => a.href);")
    assert results, (f"searching the book for {word!r} found "
                     f"nothing within 30 s ({visit.url})")
    assert any(SEARCH_WORD in urlsplit(r).path.lower()
               and urlsplit(r).path.startswith("/" + edition)
               for r in results), (
        f"no result for {word!r} is a page about it in this edition: "
        f"{results}")
    found = problems(visit, base_url)
    assert not found, "search page:\n" + "\n".join(found)


@pytest.mark.parametrize("page", [
    LANDING, ES + LANDING,
    CHAPTER_PAGES[0] if CHAPTER_PAGES else "no-chapter"])
def test_screenshot(driver, base_url, page):
    if page == "no-chapter":
        pytest.skip("the book has no chapter page yet")
    visit_page(driver, base_url, page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    out = SCREENSHOTS / (page.replace("/", "_").removesuffix(".html")
                         + ".png")
    assert driver.save_screenshot(str(out)), f"could not write {out}"
    assert out.stat().st_size > 10_000, f"{out} looks blank"


# --- every chapter, across its pages (the static HTML suffices) -----------

def _numbers(pattern: str, html: str) -> list[str]:
    return [m.strip() for m in re.findall(pattern, html)]


@pytest.mark.parametrize("edition, number", sorted(
    {(edition_of(p), chapter_number(p)) for p in CHAPTER_PAGES}))
def test_chapter_numbers_its_figures_and_equations(edition, number):
    """A chapter, on one page or several, has figures and equations
    numbered N.1, N.2, ... in reading order, each number once."""
    pages = [p for p in CHAPTER_PAGES if chapter_number(p) == number
             and edition_of(p) == edition]
    figs, eqs = [], []
    for page in sorted(pages, key=lambda p: (not p.endswith("index.html"),
                                             p)):
        html = (SITE / page).read_text(encoding="utf-8")
        figs += _numbers(rf'<span class="caption-number">{FIG} '
                         r'([\d.]+)\s*</span>', html)
        eqs += _numbers(r'<span class="eqno">\(([\d.]+)\)', html)
    for kind, found in (("figures", figs), ("equations", eqs)):
        expected = [f"{number}.{k}" for k in range(1, len(found) + 1)]
        assert found, f"chapter {number} has no numbered {kind}"
        assert found == expected, (f"chapter {number}: {kind} numbered "
                                   f"{found}, expected {expected}")


PHONE_OVERFLOW = """
const w = document.documentElement.clientWidth;
const out = [];
for (const el of document.querySelectorAll('body *')) {
  const r = el.getBoundingClientRect();
  if (r.width && r.right > w + 1 && !el.closest(
      '.bd-sidebar-primary, .bd-sidebar-secondary')) {
    let p = el.parentElement, clipped = false;
    for (; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') {
        clipped = true; break; }
    }
    if (!clipped) out.push(el.tagName.toLowerCase() + '.' + el.className
                           + ': ' + (el.textContent || '').trim().slice(0, 40));
  }
}
return [document.documentElement.scrollWidth, w, out];
"""


def phone_problems(drv, page: str) -> list[str]:
    """Narrow the window of a loaded page to a phone's width: nothing may
    make the page scroll sideways (a code block or a table may scroll
    inside its own box)."""
    drv.set_window_size(*PHONE)
    try:
        time.sleep(0.3)                          # let the layout settle
        scroll, width, culprits = drv.execute_script(PHONE_OVERFLOW)
    finally:
        drv.set_window_size(*DESKTOP)
    if scroll <= width + 1:
        return []
    return [f"scrolls sideways on a {PHONE[0]} px screen ({scroll} > "
            f"{width}); too wide: {culprits[:5]}"]


# --- the two editions --------------------------------------------------------

SWITCH = re.compile(r'<a class="[^"]*nnbook-language[^"]*" href="([^"]+)"')


def other_edition(page: str) -> str:
    return without_edition(page) if page.startswith(ES) else ES + page


# The root page offers both editions; es/index.html only redirects.
SWITCHED = [p for p in PAGES if p not in ("index.html", ES + "index.html")]


@pytest.mark.parametrize("page", SWITCHED)
def test_language_switcher_links_the_same_page(page):
    """Each page's switcher links to the same page of the other edition,
    which carries the same element ids (so a #anchor carries over)."""
    html = (SITE / page).read_text(encoding="utf-8")
    links = SWITCH.findall(html)
    assert len(links) == 1, f"{page}: {len(links)} language switchers"
    target = (Path(page).parent / unquote(links[0])).as_posix()
    target = os.path.normpath(target)
    assert target == other_edition(page), (
        f"{page}: the switcher links {links[0]!r} = {target}, expected "
        f"{other_edition(page)}")
    if without_edition(page) == "genindex.html":
        # the index's letter sections follow each language's words (the
        # English "query" files under Q, the Spanish "consulta" under C)
        return
    mine, theirs = ids_in(SITE / page), ids_in(SITE / target)
    assert mine == theirs, (
        f"{page} and {target} differ in element ids: only here "
        f"{sorted(mine - theirs)[:10]}, only there "
        f"{sorted(theirs - mine)[:10]}")


def test_root_offers_both_editions():
    html = (SITE / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh"' not in html.lower()
    for edition in ("", ES):
        assert f'href="{edition}{LANDING}"' in html, (
            f"the site's root page does not link {edition}{LANDING}")


def test_switcher_carries_a_deep_link(driver, base_url):
    """From a glossary term in English to the same term in Spanish and
    back: the switcher keeps the #anchor, and the anchor exists."""
    page, anchor = "book/glossary.html", "term-learning-rate"
    from selenium.webdriver.common.by import By

    for start, end in ((page, ES + page), (ES + page, page)):
        driver.get(base_url + start + "#" + anchor)
        driver.find_element(By.CSS_SELECTOR, "a.nnbook-language").click()
        deadline = time.monotonic() + 10
        while (urlsplit(driver.current_url).path != "/" + end
               and time.monotonic() < deadline):
            time.sleep(0.05)
        parts = urlsplit(driver.current_url)
        assert (parts.path, parts.fragment) == ("/" + end, anchor), (
            f"the switcher on {start}#{anchor} went to "
            f"{driver.current_url}")
        assert driver.find_elements(By.ID, anchor), (
            f"{end} has no element #{anchor}")


@pytest.mark.parametrize("page", [p for p in PAGES if p not in VISITED])
def test_links_resolve(page):
    """The Spanish pages not opened in Chromium: every internal link
    leads to an existing page and anchor."""
    broken = static_broken_links(page)
    assert not broken, f"{page}: broken internal links:\n" + "\n".join(
        broken[:12])
