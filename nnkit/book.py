"""The book's plumbing for chapter notebooks: set-up, glue and self-checks.

Every page of nnbook is a notebook that verifies what it says. The
verification runs on every build but stays out of the reader's way: it
lives in cells tagged ``remove-cell`` and reports at the end of the page
in one collapsed table. This module is all a page needs for that::

    # first code cell, tagged remove-cell
    from nnkit.book import check, check_close, check_that, glue, setup
    setup()

    # anywhere, in remove-cell cells
    check("gradient vs central differences (rel. error)", err, below=1e-7)
    check_close("nnkit equals Keras, final weights", w, kw, below=1e-10)
    glue("grad_err", err)           # {glue:text}`grad_err:.1e` in the prose
    glue("acc", check("test accuracy", acc, at_least=0.9))   # both at once

    # last code cell of the page, tagged remove-input
    checks_table()

In JupyterLab (``make lab``) the prose shows the glued numbers too,
once the page's cells have run: :func:`lab_open` serves each glue role
as an inline expression that jupyterlab-myst evaluates with
:func:`glued`, and :func:`lab_save` turns it back before the file is
written.

``check`` asserts at once (a failing claim stops nbval and the book
build with a readable message) and records what it checked, the bound
and the measured worst case; ``checks_table`` shows those records as the
page's "How this page checks itself" block. ``setup`` also measures
every figure the page draws and records the smallest text as it will
appear in the book's column, so a figure too wide for its fonts fails
the page (see :data:`MIN_TEXT_PX`).

Nothing here imports more than NumPy at import time; matplotlib,
IPython, threadpoolctl and myst-nb are used when present and skipped
when not, so a chapter notebook downloaded from the book runs outside
the repository without them.
"""

from __future__ import annotations

import ast
import hashlib
import html
import inspect
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "setup", "glue", "glued", "GluedText", "GLUE_PENDING", "lab_open",
    "lab_save", "check", "check_close", "check_that", "checks",
    "Measured", "Check",
    "checks_table", "checks_report", "cached", "COLUMN_PX", "MIN_TEXT_PX",
]

#: Width in CSS pixels of the book's text column on a desktop screen
#: (sphinx-book-theme at 1400 px); a wider figure is scaled down to it.
COLUMN_PX = 756
#: The smallest text a figure may show, in CSS pixels, once scaled to
#: the column: tick labels, legends and titles included.
MIN_TEXT_PX = 9.0
FIGURE_CHECK = "figures: smallest text at the book's column width (px)"

# What setup() keeps alive: the BLAS thread limit lasts as long as the
# object returned by threadpoolctl does.
_STATE: dict[str, Any] = {}


# --- set-up ------------------------------------------------------------------

def setup(*, keras: bool = False, floatx: str | None = None,
          seed: int | None = 0, blas_threads: int | None = 1,
          tf_threads: int | None = None) -> None:
    """Prepare a chapter's kernel: quiet, single-threaded, checked.

    Call it once, in the first code cell of a page (tagged
    ``remove-cell``), before anything imports TensorFlow.

    Args:
        keras: import Keras now, with its start-up notices silenced, so
            that a later visible ``import keras`` prints nothing.
        floatx: Keras' default float type (``"float64"`` for exact
            parity with nnkit); implies ``keras=True``.
        seed: passed to ``keras.utils.set_random_seed`` when Keras is
            imported here (None: leave Keras' seed alone).
        blas_threads: limit NumPy's BLAS to this many threads (small
            matrices run faster on one); None leaves it alone.
        tf_threads: limit TensorFlow's intra- and inter-op thread pools
            (implies ``keras=True``); None leaves them alone.
    """
    # Both must be set before TensorFlow is imported: the first silences
    # its C++ log, the second the notice about oneDNN's reordered sums.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    checks().clear()
    if blas_threads is not None:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            pass
        else:
            _STATE["blas"] = threadpool_limits(blas_threads,
                                               user_api="blas")
    if keras or floatx is not None or tf_threads is not None:
        from .interop import import_keras

        k = import_keras()
        if tf_threads is not None:
            import tensorflow as tf

            tf.config.threading.set_intra_op_parallelism_threads(tf_threads)
            tf.config.threading.set_inter_op_parallelism_threads(tf_threads)
        if floatx is not None:
            k.config.set_floatx(floatx)
        if seed is not None:
            k.utils.set_random_seed(seed)
    _watch_figures()


# --- glue --------------------------------------------------------------------

def glue(name: str, value: Any) -> None:
    """Hand ``value`` to the prose as ``{glue:text}`name```.

    NumPy scalars become plain Python numbers (so that format specs
    such as ``:.3f`` work), and nothing is displayed; it returns None,
    so a cell that ends with it shows nothing either. Without myst-nb
    installed (a notebook run outside the book) only :func:`glued`
    sees the value.
    """
    value = _plain(value)
    _STATE.setdefault("glued", {})[name] = value
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        return
    myst_glue(name, value, display=False)


#: What a glue role reads in JupyterLab before the cells have run.
GLUE_PENDING = "(computed when the cells run)"


class GluedText(str):
    """Text for a notebook front end, shown without quotes."""

    def __repr__(self) -> str:
        return str(self)


def glued(content: str) -> GluedText:
    """What ``{glue:text}`content``` shows, from this kernel's values.

    ``content`` is the role's text, ``key`` or ``key:format_spec``
    (``"acc:.1%"``), formatted as the book formats it. JupyterLab
    (``make lab``) shows a chapter's glue roles through this function:
    its server hands each role to the kernel as an inline expression
    (jupyterlab-myst's ``{eval}``), evaluated when the markdown cell
    runs. A key glued by another notebook (``other.ipynb::key``) comes
    from that notebook's saved outputs; a key not glued yet reads as
    a short note.
    """
    doc, key, spec = _glue_parts(content)
    if doc is None:
        values = _STATE.get("glued", {})
        if key not in values:
            return GluedText("(computed by a later cell: run it, then "
                             "this one)")
        return GluedText(_format_glued(repr(values[key]), spec))
    text = _saved_glue(Path(doc)).get(key)
    if text is None:
        return GluedText(f"(computed in {Path(doc).stem})")
    return GluedText(_format_glued(text, spec))


def _glue_parts(content: str) -> tuple[str | None, str, str]:
    """``[doc::]key[:spec]`` as (doc or None, key, spec), split as
    myst-nb splits a ``{glue:text}`` role's text."""
    parts = content.rsplit(":", 1)
    key, spec = (parts[0], parts[1]) if len(parts) == 2 else (parts[0], "s")
    doc, sep, name = key.partition("::")
    return (doc, name, spec) if sep else (None, key, spec)


def _format_glued(text: str, spec: str) -> str:
    """A glued value's text/plain formatted with ``spec`` as the book
    formats it (myst-nb's rules: the text is read back as a Python
    literal, then converted for the spec's type letter)."""
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, ValueError):
        value = text
    if spec == "":
        return str(value)
    kind = spec[-1]
    try:
        if kind == "s":
            value = str(value)
        elif kind in "bcdoxX":
            value = int(value)
        elif kind in "eEfFgGn%":
            value = float(value)
        return format(value, spec)
    except (TypeError, ValueError):
        return str(value)


_GLUE_MIME = "application/papermill.record/text/plain"


def _glue_records(nb: dict) -> dict[str, str]:
    """The text/plain of every value a notebook's saved outputs glued
    (myst-nb's records), by key."""
    found = {}
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) if cell.get(
                "cell_type") == "code" else []:
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            text = out.get("data", {}).get(_GLUE_MIME)
            if name and text is not None:
                found[name] = "".join(text) if isinstance(text, list) \
                    else text
    return found


def _saved_glue(path: Path) -> dict[str, str]:
    """:func:`_glue_records` of the notebook at ``path`` ({} if none)."""
    import json

    try:
        stamp = path.stat().st_mtime_ns
        cache = _STATE.setdefault("saved_glue", {})
        if cache.get(path, (None,))[0] != stamp:
            with path.open(encoding="utf-8") as f:
                cache[path] = (stamp, _glue_records(json.load(f)))
        return cache[path][1]
    except (OSError, ValueError):
        return {}


# --- glue in JupyterLab (`make lab`) -----------------------------------------
# jupyterlab-myst renders MyST in JupyterLab but knows no glue roles. It
# does evaluate inline expressions, {eval}`python expression`, in the
# kernel when a markdown cell runs, and shows each result from the
# cell's "user_expressions" metadata. `make lab`'s Jupyter server
# (lab/jupyter_server_config.py) therefore serves every notebook
# through lab_open(): each {glue:text}`content` becomes
# {eval}`<_GLUE_CALL>("content")`, with a first result taken from the
# notebook's saved outputs, or GLUE_PENDING. lab_save() turns them back
# before the notebook is written, so the file keeps its glue roles.

_GLUE_CALL = '__import__("nnkit.book").book.glued'
_GLUE_ROLE = re.compile(r"\{glue:text\}`([^`\"\\\n]+)`")
_GLUE_EVAL = re.compile(r"\{eval\}`" + re.escape(_GLUE_CALL)
                        + r'\("([^`"\\\n]+)"\)`')


def _glue_expression(content: str) -> str:
    return f'{_GLUE_CALL}("{content}")'


def _markdown_cells(nb: dict):
    """Each markdown cell of ``nb`` with its source as one string."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            yield cell, ("".join(source) if isinstance(source, list)
                         else source)


def lab_open(nb: dict, folder: Path | None = None) -> dict:
    """The notebook as `make lab` serves it: glue roles as inline
    expressions, each with a first result (in place; returns ``nb``).

    Args:
        nb: the notebook (nbformat 4, as a dict).
        folder: where the notebook lives, to read notebooks that
            ``other.ipynb::key`` roles name; None skips them.
    """
    saved = _glue_records(nb)
    for cell, source in _markdown_cells(nb):
        contents = _GLUE_ROLE.findall(source)
        if not contents:
            continue
        cell["source"] = _GLUE_ROLE.sub(
            lambda m: "{eval}`" + _glue_expression(m.group(1)) + "`",
            source)
        results = []
        for content in dict.fromkeys(contents):
            doc, key, spec = _glue_parts(content)
            if doc is None:
                text = saved.get(key)
            elif folder is not None:
                text = _saved_glue(folder / doc).get(key)
            else:
                text = None
            shown = (GLUE_PENDING if text is None
                     else _format_glued(text, spec))
            results.append({
                "expression": _glue_expression(content),
                "result": {"status": "ok", "metadata": {},
                           "data": {"text/plain": shown}}})
        meta = cell.setdefault("metadata", {})
        meta["user_expressions"] = [
            e for e in meta.get("user_expressions", [])
            if not _GLUE_EVAL.fullmatch(
                "{eval}`" + e.get("expression", "") + "`")] + results
    return nb


def lab_save(nb: dict) -> dict:
    """Undo :func:`lab_open` before the notebook is written: glue roles
    back, their results dropped (in place; returns ``nb``)."""
    for cell, source in _markdown_cells(nb):
        if "{eval}" in source:
            cell["source"] = _GLUE_EVAL.sub(
                lambda m: "{glue:text}`" + m.group(1) + "`", source)
        meta = cell.get("metadata", {})
        if "user_expressions" in meta:
            kept = [e for e in meta["user_expressions"]
                    if not _GLUE_EVAL.fullmatch(
                        "{eval}`" + e.get("expression", "") + "`")]
            if kept:
                meta["user_expressions"] = kept
            else:
                del meta["user_expressions"]
    return nb


def _plain(value: Any) -> Any:
    """A NumPy scalar or 0-d array as the Python number it holds."""
    if isinstance(value, Measured):
        return float(value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.item()
    return value


# --- checks ------------------------------------------------------------------

@dataclass
class Check:
    """One row of the checks table: every call with the same ``what``."""

    what: str
    kind: str                     # "upper", "lower", "range", "holds"
    low: float | None = None
    high: float | None = None
    strict_low: bool = True
    strict_high: bool = True
    worst_low: float = np.inf     # the smallest value measured
    worst_high: float = -np.inf   # the largest value measured
    count: int = 0
    failed: bool = False

    @property
    def bound_text(self) -> str:
        if self.kind == "holds":
            return "must hold"
        parts = []
        if self.low is not None:
            parts.append(("> " if self.strict_low else "≥ ")
                         + _number(self.low))
        if self.high is not None:
            parts.append(("< " if self.strict_high else "≤ ")
                         + _number(self.high))
        return " and ".join(parts)

    @property
    def measured_text(self) -> str:
        if self.kind == "holds":
            return "held" if not self.failed else "FAILED"
        if self.kind == "upper":
            return _number(self.worst_high)
        if self.kind == "lower":
            return _number(self.worst_low)
        if self.worst_low == self.worst_high:
            return _number(self.worst_low)
        return f"{_number(self.worst_low)} to {_number(self.worst_high)}"


def checks() -> dict[str, Check]:
    """The checks recorded in this kernel since :func:`setup`, by name."""
    return _STATE.setdefault("checks", {})


def _record(what: str, kind: str, value: float, low, high,
            strict_low: bool, strict_high: bool, ok: bool) -> Check:
    if not isinstance(what, str) or not what.strip():
        raise TypeError(f"check: 'what' must be a non-empty description, "
                        f"got {what!r}")
    row = checks().get(what)
    if row is None:
        row = checks()[what] = Check(what, kind, low, high, strict_low,
                                     strict_high)
    elif (row.kind, row.low, row.high) != (kind, low, high):
        raise ValueError(
            f"check {what!r}: recorded before with bound "
            f"{row.bound_text!r}; one description, one bound")
    row.count += 1
    row.worst_low = min(row.worst_low, value)
    row.worst_high = max(row.worst_high, value)
    row.failed = row.failed or not ok
    return row


class Measured(float):
    """A measured value as :func:`check` returns it: a float that a
    notebook does not display when a (hidden) cell ends with it."""

    def _ipython_display_(self) -> None:
        pass


def check(what: str, value: Any, *, below: float | None = None,
          above: float | None = None, at_most: float | None = None,
          at_least: float | None = None) -> float:
    """Assert that a measured number respects a bound, and record it.

    Give an upper bound (``below``: strictly less, ``at_most``: less or
    equal), a floor (``above`` or ``at_least``), or one of each.
    Calls with the same ``what`` (in a loop, say) share one row of the
    checks table, which reports the worst value measured.

    Args:
        what: what is checked, as it should read in the table.
        value: the measured number (a Python or NumPy scalar).
        below, at_most: the tolerance or ceiling.
        above, at_least: the floor.

    Returns:
        ``value`` as a float (a :class:`Measured`, which a cell ending
        with the call does not display), to glue or print.

    Raises:
        AssertionError: the value breaks its bound (the message names
            the check, the value and the bound).
        TypeError, ValueError: no bound, two of the same side, or a
            value that is not a finite number.
    """
    if below is not None and at_most is not None:
        raise ValueError(f"check {what!r}: give below or at_most, not both")
    if above is not None and at_least is not None:
        raise ValueError(f"check {what!r}: give above or at_least, "
                         "not both")
    high = below if below is not None else at_most
    low = above if above is not None else at_least
    if high is None and low is None:
        raise ValueError(f"check {what!r}: give a bound (below, at_most, "
                         "above or at_least)")
    x = _scalar(what, value)
    ok = True
    if high is not None:
        ok &= x < high if below is not None else x <= high
    if low is not None:
        ok &= x > low if above is not None else x >= low
    kind = ("range" if high is not None and low is not None
            else "upper" if high is not None else "lower")
    row = _record(what, kind, x, low, high, above is not None,
                  below is not None, bool(ok))
    if not ok:
        raise AssertionError(f"check failed: {what}: measured "
                             f"{_number(x)}, required {row.bound_text}")
    return Measured(x)


def check_close(what: str, actual: Any, desired: Any, *,
                below: float) -> float:
    """Assert ``max |actual - desired| < below``, and record it.

    ``actual`` and ``desired`` are arrays, numbers, or equally long
    lists of arrays (a model's weights, say); the measured value is the
    largest absolute difference over all of them.

    Returns:
        The largest absolute difference, as a float.
    """
    pairs = (list(zip(actual, desired, strict=True))
             if isinstance(actual, (list, tuple)) else [(actual, desired)])
    worst = 0.0
    for a, d in pairs:
        a, d = np.asarray(a, dtype=float), np.asarray(d, dtype=float)
        if a.shape != d.shape:
            raise ValueError(f"check_close {what!r}: shapes differ, "
                             f"{a.shape} vs {d.shape}")
        # Equal entries differ by 0, infinities included (a ROC curve's
        # first threshold is inf); a NaN on one side only is inf apart.
        same = (a == d) | (np.isnan(a) & np.isnan(d))
        with np.errstate(invalid="ignore"):
            diff = np.where(same, 0.0, np.abs(a - d))
        diff[np.isnan(diff)] = np.inf
        if diff.size:
            worst = max(worst, float(np.max(diff)))
    return check(what, worst, below=below)


def check_that(what: str, condition: Any) -> None:
    """Assert a yes/no claim (``condition`` is true), and record it."""
    ok = bool(condition)
    _record(what, "holds", float(ok), None, None, True, True, ok)
    if not ok:
        raise AssertionError(f"check failed: {what}")


def checks_table(title: str = "How this page checks itself") -> None:
    """Show the page's checks as a collapsed table, and assert them all.

    Put it in the last code cell of a page, tagged ``remove-input``.
    It raises if any recorded check failed (the figure check included,
    which cannot raise while a figure is drawn) or if none was recorded.
    """
    markup, plain = checks_report(title)
    try:
        from IPython.display import display
    except ImportError:
        print(plain)
        return
    display({"text/html": markup, "text/plain": plain}, raw=True)


def checks_report(title: str = "How this page checks itself"
                  ) -> tuple[str, str]:
    """The checks table as (HTML, plain text); raises like checks_table."""
    rows = list(checks().values())
    if not rows:
        raise AssertionError("checks_table: no check was recorded on this "
                             "page (call setup() first, then check())")
    failed = [r.what for r in rows if r.failed]
    if failed:
        raise AssertionError(f"checks failed on this page: {failed}")
    head = ("Every number on this page was computed when the book was "
            "built. These checks ran alongside; a failure would have "
            "stopped the build.")
    cells = "".join(
        f"<tr><td>{html.escape(r.what)}</td>"
        f"<td>{html.escape(r.bound_text)}</td>"
        f"<td>{html.escape(r.measured_text)}</td>"
        f"<td>{r.count}</td></tr>" for r in rows)
    markup = (
        f'<details class="nnbook-checks"><summary>{html.escape(title)}'
        f"</summary><p>{head}</p><div><table><thead><tr>"
        "<th>What is checked</th><th>Required</th>"
        "<th>Measured (worst case)</th><th>Times</th></tr></thead>"
        f"<tbody>{cells}</tbody></table></div></details>")
    plain = "\n".join([title] + [
        f"  {r.what}: {r.measured_text} ({r.bound_text}, {r.count}x)"
        for r in rows])
    return markup, plain


# --- figures ------------------------------------------------------------

def smallest_text_px(fig: Any, column_px: float = COLUMN_PX) -> float:
    """The smallest visible text of ``fig`` in CSS pixels once the book
    shows it (scaled down to ``column_px`` if wider); inf if no text.

    The book shows a figure at its saved size (``bbox_inches="tight"``,
    ``fig.dpi`` pixels per inch) or, if that is wider than the column,
    scaled down to the column's width; a text of ``s`` points is then
    ``s * dpi / 72 * scale`` pixels high.
    """
    from matplotlib.text import Text

    fig.canvas.draw()          # constrained layout places things on draw
    dpi = fig.dpi
    box = fig.get_tightbbox(fig.canvas.get_renderer())
    width_px = (box.width + 0.2) * dpi        # + the 0.1 in padding
    scale = min(1.0, column_px / width_px)
    hidden = set()             # tick and axis labels of axes turned off
    for ax in fig.axes:
        if not ax.axison:
            for axis in (ax.xaxis, ax.yaxis):
                hidden.update(map(id, axis.findobj(Text)))
    sizes = [t.get_fontsize() for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip()
             and id(t) not in hidden]
    if not sizes:
        return float("inf")
    return min(sizes) * dpi / 72 * scale


def _watch_figures() -> None:
    """Measure every figure the kernel displays (see smallest_text_px)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    ip = get_ipython()
    if ip is None or "figure_hook" in _STATE:
        return

    def wrap_formatters(*_: Any) -> None:
        try:
            from matplotlib.figure import Figure
        except ImportError:
            return
        for fmt in ("image/png", "image/svg+xml", "image/jpeg"):
            formatter = ip.display_formatter.formatters.get(fmt)
            if formatter is None:
                continue
            try:
                render = formatter.lookup_by_type(Figure)
            except KeyError:
                continue
            if getattr(render, "_nnbook_measured", False):
                continue

            def measured(fig, _render=render):
                px = smallest_text_px(fig)
                if np.isfinite(px):
                    _record(FIGURE_CHECK, "lower", px, MIN_TEXT_PX, None,
                            False, True, px >= MIN_TEXT_PX)
                return _render(fig)

            measured._nnbook_measured = True
            formatter.for_type(Figure, measured)

    # Jupyter's inline backend registers its figure formatters when it
    # is loaded, which matplotlib does at the first figure: load it now.
    # It registers them again whenever it is reconfigured, so re-wrap
    # before every cell too.
    try:
        import matplotlib

        if "inline" in matplotlib.get_backend():
            import matplotlib_inline.backend_inline  # noqa: F401
    except ImportError:
        pass
    ip.events.register("pre_run_cell", wrap_formatters)
    _STATE["figure_hook"] = wrap_formatters
    wrap_formatters()


# --- a disk cache for results shared between section pages ------------------

def cached(name: str, compute: Callable[[], dict[str, np.ndarray]],
           **params: Any) -> dict[str, np.ndarray]:
    """``compute(**params)``, stored on disk and reused by other pages.

    For a result that several section notebooks need and that is too
    slow to recompute on each (a trained model's weights, say). The
    key covers ``name``, ``params``, the source of ``compute`` and
    nnkit's own source code, so a change to any of them recomputes.
    Results are NumPy arrays in a ``.npz`` file (no pickles).

    The cache lives in ``$NNBOOK_CACHE`` if set, else in
    ``_build/nnbook-cache`` of the repository the notebook runs in, else
    in ``~/.cache/nnbook``.

    Args:
        name: a name for the result (part of the file name).
        compute: returns a dict of NumPy arrays (scalars allowed).
        **params: keyword arguments for ``compute``; part of the key.

    Returns:
        The dict of arrays, from the cache or freshly computed.
    """
    try:
        code = inspect.getsource(compute)
    except (OSError, TypeError):
        code = compute.__code__.co_code.hex()
    key = hashlib.sha256(repr((name, sorted(params.items()), code,
                               _nnkit_source_hash())).encode()).hexdigest()
    path = _cache_dir() / f"{name}-{key[:16]}.npz"
    if path.is_file():
        with np.load(path, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    result = compute(**params)
    if not isinstance(result, dict):
        raise TypeError(f"cached {name!r}: compute must return a dict of "
                        f"arrays, got {type(result).__name__}")
    arrays = {k: np.asarray(v) for k, v in result.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz")
    with os.fdopen(fd, "wb") as f:
        np.savez(f, **arrays)
    os.replace(tmp, path)          # atomic: a parallel reader never sees
    return arrays                  # half a file


def _cache_dir() -> Path:
    if os.environ.get("NNBOOK_CACHE"):
        return Path(os.environ["NNBOOK_CACHE"])
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "_toc.yml").is_file() and (folder / "nnkit").is_dir():
            return folder / "_build" / "nnbook-cache"
    return Path.home() / ".cache" / "nnbook"


def _nnkit_source_hash() -> str:
    if "source_hash" not in _STATE:
        digest = hashlib.sha256()
        root = Path(__file__).resolve().parent
        for path in sorted(root.rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
        _STATE["source_hash"] = digest.hexdigest()
    return _STATE["source_hash"]


# --- helpers ------------------------------------------------------------

def _scalar(what: str, value: Any) -> float:
    try:
        x = float(np.asarray(value).item())
    except (TypeError, ValueError) as exc:
        raise TypeError(f"check {what!r}: value must be a single number, "
                        f"got {type(value).__name__}") from exc
    if not np.isfinite(x):
        raise AssertionError(f"check failed: {what}: measured {x}")
    return x


def _number(x: float) -> str:
    """A number as the checks table shows it: 3.2e-11, 0.982, 1,000."""
    if x == 0:
        return "0"
    if abs(x) < 1e-3 or abs(x) >= 1e5:
        mantissa, exponent = f"{x:.1e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:.4g}"
