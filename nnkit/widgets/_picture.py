"""A widget's static picture: its controls drawn next to its plot.

The HTML book has no kernel, so a live widget cannot show there. Its
static picture, a matplotlib figure, shows what the live version
offers: ``draw_controls`` draws every control the widget displays
(dropdowns with their choice, sliders with their value, check boxes,
buttons), read from the ipywidgets themselves, so the picture always
matches the controls; each widget's ``picture()`` puts them beside
its plot, drawn from the same state.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch, Rectangle

from .. import _validate as check

_SKIP = (widgets.Image, widgets.Play, widgets.Output)
_INK, _FRAME, _FILL = "#222222", "#9a9a9a", "#f3f3f3"
_ACCENT = "#2a6fb0"


def _shown(w: widgets.Widget) -> bool:
    layout = getattr(w, "layout", None)
    return not (layout is not None and layout.display == "none")


def _text(value: str) -> str:
    """An HTML widget's visible text, or "" for pictures and styles."""
    if re.search(r"<(svg|style|img|pre|div class=\"nnk-diagram)", value):
        return ""
    text = re.sub(r"<br\s*/?>|</div>", " ", value)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return " ".join(text.split())


def control_rows(root: widgets.Widget,
                 skip: Iterable[widgets.Widget] = ()
                 ) -> Iterator[tuple[str, widgets.Widget | str]]:
    """The controls under ``root`` in display order, as rows to draw.

    Yields ``("text", str)`` for short HTML labels (bold when the HTML
    is a heading) and ``("control", widget)`` for every other visible
    leaf widget; pictures (Image, Play, Output, HTML holding SVG or
    images) and the widgets in ``skip`` are left out.
    """
    skip_ids = {id(w) for w in skip}

    def walk(w):
        if id(w) in skip_ids or not _shown(w) or isinstance(w, _SKIP):
            return
        if isinstance(w, widgets.Box):
            for child in w.children:
                yield from walk(child)
        elif isinstance(w, (widgets.HTML, widgets.Label)):
            text = _text(w.value)
            if text and len(text) <= 80:
                kind = "heading" if "nnk-h" in w.value or \
                    w.value.startswith("<b>") else "text"
                yield kind, text
        else:
            yield "control", w

    rows = list(walk(root))
    # A label followed by its (undescribed) control is one row; a
    # heading with nothing under it is left out.
    k = 0
    while k < len(rows):
        kind, item = rows[k]
        nxt = rows[k + 1] if k + 1 < len(rows) else None
        if kind == "heading" and (nxt is None or nxt[0] == "heading"):
            k += 1
            continue
        if (kind == "text" and nxt is not None and nxt[0] == "control"
                and not _label(nxt[1])):
            yield "labelled", (item, nxt[1])
            k += 2
            continue
        yield kind, item
        k += 1


def _box(ax: Axes, x: float, y: float, w: float, h: float,
         face: str = "white", edge: str = _FRAME) -> None:
    ax.add_patch(FancyBboxPatch((x, y), w, h,
                                boxstyle="round,pad=0,rounding_size=0.12",
                                facecolor=face, edgecolor=edge,
                                linewidth=0.8))


def _label(w: widgets.Widget) -> str:
    return str(getattr(w, "description", "") or "")


def _value_text(w: widgets.Widget) -> str:
    if isinstance(w, widgets.FloatLogSlider):
        return f"{w.value:.4g}"
    fmt = getattr(w, "readout_format", None)
    if isinstance(w, (widgets.FloatSlider,)) and fmt:
        try:
            return format(w.value, fmt)
        except (TypeError, ValueError):
            pass
    return f"{w.value:g}" if isinstance(w.value, float) else str(w.value)


def _draw_row(ax: Axes, kind: str, item: Any, x: float, y: float,
              width: float) -> None:
    """One row of height 1 with its top at ``y`` (y grows downwards)."""
    mid = y + 0.5
    if kind in ("heading", "text"):
        ax.text(x, mid + 0.1, item, fontsize=7.5 if kind == "text" else 7,
                fontweight="bold" if kind == "heading" else "normal",
                color="#555" if kind == "heading" else _INK,
                va="center", ha="left")
        return
    if kind == "labelled":              # the label above its control
        label, w = item
        ax.text(x, y + 0.3, label, fontsize=7, va="center", color=_INK)
        y, mid, label = y + 0.55, mid + 0.55, ""
    else:
        w, label = item, _label(item)
    lx = x
    if label and not isinstance(w, (widgets.Button, widgets.ToggleButton,
                                    widgets.Checkbox)):
        ax.text(x, mid, label, fontsize=7, va="center", color=_INK)
        lx = x + min(0.5 * width, 0.075 * len(label) + 0.15)
    rest = x + width - lx
    if isinstance(w, (widgets.Dropdown, widgets.Select)):
        _box(ax, lx, y + 0.15, rest, 0.7)
        text = str(w.label if w.label is not None else "")
        ax.text(lx + 0.1, mid, text, fontsize=7.5, va="center",
                color=_INK)
        ax.text(lx + rest - 0.12, mid, "▾", fontsize=8, va="center",
                ha="right", color="#555")
    elif isinstance(w, widgets.SelectMultiple):
        lines = _chosen_lines(w)
        _box(ax, lx, y + 0.15, rest, 0.7 + 0.45 * (len(lines) - 1))
        for k, line in enumerate(lines):
            ax.text(lx + 0.1, mid + 0.45 * k, line, fontsize=6.5,
                    va="center", color=_INK)
    elif isinstance(w, (widgets.IntSlider, widgets.FloatSlider,
                        widgets.FloatLogSlider)):
        track = rest - 0.75
        if isinstance(w, widgets.FloatLogSlider):
            import math
            frac = (math.log(w.value, w.base) - w.min) / (w.max - w.min)
        else:
            frac = (w.value - w.min) / ((w.max - w.min) or 1)
        frac = min(max(frac, 0.0), 1.0)
        ax.add_patch(Rectangle((lx, mid - 0.06), track, 0.12,
                               facecolor="#d9d9d9", edgecolor="none"))
        ax.add_patch(Rectangle((lx, mid - 0.06), track * frac, 0.12,
                               facecolor=_ACCENT, edgecolor="none"))
        ax.plot([lx + track * frac], [mid], "o", markersize=7,
                markerfacecolor="white", markeredgecolor=_ACCENT,
                markeredgewidth=1.0, zorder=3)
        ax.text(lx + track + 0.1, mid, _value_text(w), fontsize=7.5,
                va="center", color=_INK)
    elif isinstance(w, widgets.Checkbox):
        ax.add_patch(Rectangle((lx, mid - 0.2), 0.36, 0.4,
                               facecolor=_ACCENT if w.value else "white",
                               edgecolor=_FRAME, linewidth=0.8))
        if w.value:
            ax.text(lx + 0.18, mid, "✓", fontsize=7, color="white",
                    ha="center", va="center", fontweight="bold")
        ax.text(lx + 0.5, mid, label, fontsize=7.5, va="center",
                color=_INK)
    elif isinstance(w, widgets.ToggleButtons):
        n = max(len(w.options), 1)
        bw = rest / n
        for k, opt in enumerate(w._options_labels):
            on = k == w.index
            _box(ax, lx + k * bw + 0.03, y + 0.12, bw - 0.06, 0.76,
                 face=_ACCENT if on else _FILL)
            ax.text(lx + (k + 0.5) * bw, mid, str(opt), fontsize=6.5,
                    ha="center", va="center",
                    color="white" if on else _INK)
    elif isinstance(w, (widgets.Button, widgets.ToggleButton)):
        on = isinstance(w, widgets.ToggleButton) and w.value
        icon = {"play": "▶ ", "pause": "❚❚ ", "step-forward": "▶| ",
                "undo": "↺ ", "code": "</> "}.get(w.icon or "", "")
        text = (icon + label).strip() or "·"
        bw = min(rest, 0.12 * len(text) + 0.5)
        _box(ax, lx, y + 0.12, bw, 0.76, face=_ACCENT if on else _FILL)
        ax.text(lx + bw / 2, mid, text, fontsize=7.5, ha="center",
                va="center", color="white" if on else _INK)
    else:                                   # text fields and the rest
        _box(ax, lx, y + 0.15, rest, 0.7)
        ax.text(lx + 0.1, mid, _value_text(w), fontsize=7.5,
                va="center", color=_INK)


# The panel's units in inches: a column is 3 units wide, a row 1 unit
# high, so that its 7-point text fits whatever the figure.
COLUMN_INCHES, ROW_INCHES = 1.5, 0.25


def _places(rows: Sequence[tuple[str, Any]], columns: int
            ) -> tuple[list[tuple[int, float]], float]:
    """Each row's (column, top) and the panel's depth, in row units:
    columns filled top to bottom, a row never split between two."""
    heights = [_row_height(kind, item) for kind, item in rows]
    per_col = max(sum(heights) / columns, 1.0)
    places, col, y = [], 0, 0.0
    for k, (h, (kind, _)) in enumerate(zip(heights, rows)):
        # a heading stays with the row under it
        need = h + (heights[k + 1] if kind == "heading"
                    and k + 1 < len(rows) else 0.0)
        if y + need > per_col + 0.5 and col < columns - 1 and y > 0:
            col, y = col + 1, 0.0
        places.append((col, y))
        y += h
    depth = max((p[1] + h for p, h in zip(places, heights)), default=1.0)
    return places, depth


def panel_size(rows: Sequence[tuple[str, Any]], columns: int = 1
               ) -> tuple[float, float]:
    """The (width, height) in inches a panel of these rows needs."""
    _, depth = _places(list(rows), columns)
    return (columns * COLUMN_INCHES + 0.1,
            (depth + 1.1) * ROW_INCHES)


def draw_controls(ax: Axes, rows: Sequence[tuple[str, Any]],
                  columns: int = 1, title: str = "Controls") -> Axes:
    """Draw control rows (``control_rows``) as a panel on ``ax``.

    The rows fill ``columns`` columns top to bottom; the panel is
    framed and titled, so that a reader sees it is the widget's
    control panel, not a plot. Its text is 7-point: give ``ax`` the
    size ``panel_size`` asks for (``picture_figure`` does).

    Returns:
        ``ax``, its axis turned off; one text or patch group per row.
    """
    rows = list(rows)
    places, depth = _places(rows, columns)
    col_w = 3.0
    ax.set_xlim(-0.15, columns * col_w + 0.05)
    ax.set_ylim(depth + 0.95, -0.15)
    ax.set_axis_off()
    _box(ax, -0.1, -0.1, columns * col_w + 0.1, depth + 1.0,
         face="#fbfbfb", edge="#c8c8c8")
    ax.text(0.05, 0.35, title, fontsize=8, fontweight="bold", va="center",
            color="#444")
    for (kind, item), (col, y) in zip(rows, places):
        _draw_row(ax, kind, item, 0.05 + col * col_w, 0.8 + y,
                  col_w - 0.2)
    return ax


def picture_figure(rows: Sequence[tuple[str, Any]], columns: int,
                   plot_size: tuple[float, float], side: str = "left",
                   title: str = "Controls (live in JupyterLab)"
                   ) -> tuple[Any, tuple[float, float, float, float]]:
    """A figure with the control panel drawn at its natural size and room
    for the plots beside it (``side="left"``) or under it (``"top"``).

    Args:
        rows: from ``control_rows``.
        columns: the panel's columns.
        plot_size: (width, height) in inches for the plots.
        side: where the panel goes.
        title: the panel's title.

    Returns:
        ``(figure, (left, bottom, right, top))``: the figure fractions
        the plots may use (for ``add_gridspec``).
    """
    rows = list(rows)
    check.positive_int("picture_figure", "columns", columns)
    check.one_of("picture_figure", "side", side, ("left", "top"))
    pw, ph = panel_size(rows, columns)
    w, h = plot_size
    if side == "left":
        fw, fh = pw + w, max(ph, h)
        fig = plt.figure(figsize=(fw, fh))
        ax = fig.add_axes((0.02 / fw, 1 - (ph + 0.02) / fh,
                           pw / fw, ph / fh))
        area = ((pw + 0.75) / fw, 0.5 / fh, 1 - 0.3 / fw, 1 - 0.35 / fh)
    else:
        fw, fh = max(pw, w), ph + h
        fig = plt.figure(figsize=(fw, fh))
        ax = fig.add_axes((0.02 / fw, 1 - (ph + 0.02) / fh, pw / fw,
                           ph / fh))
        area = (0.45 / fw, 0.35 / fh, 1 - 0.3 / fw, (h - 0.35) / fh)
    draw_controls(ax, rows, columns, title)
    return fig, area


_HEIGHT = {"heading": 0.85, "text": 0.85, "control": 1.0, "labelled": 1.5}
_WRAP = 30          # characters of a multiple choice's line


def _chosen_lines(w: widgets.Widget) -> list[str]:
    """A multiple selection's choices, wrapped into short lines."""
    import textwrap
    text = ", ".join(map(str, w.value)) or "(none)"
    return textwrap.wrap(text, _WRAP) or [""]


def _row_height(kind: str, item: Any) -> float:
    w = item[1] if kind == "labelled" else item
    extra = 0.0
    if isinstance(w, widgets.SelectMultiple):
        extra = 0.45 * (len(_chosen_lines(w)) - 1)
    return _HEIGHT[kind] + extra
