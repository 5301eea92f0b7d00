"""Concept diagrams: boxes, arrows and grids of numbers.

The book draws its concept figures (a kernel sliding over an image, an
LSTM cell, a residual block) from a handful of primitives, in data
coordinates on an Axes without ticks, so that every diagram is code,
rebuilt with the book and checked like any other figure. Coordinates
are in "diagram units": x to the right, y up, one unit being about a
box's width.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Circle, FancyBboxPatch, Rectangle

from ._style import _new_axes


def diagram_axes(ax: Axes | None = None, xlim: tuple[float, float] = (0, 10),
                 ylim: tuple[float, float] = (0, 5),
                 figsize: tuple[float, float] = (7, 3.5)) -> Axes:
    """Prepare an Axes for a diagram: equal scales, no frame or ticks.

    Args:
        ax: the Axes to draw on; None makes a new figure of ``figsize``.
        xlim, ylim: the visible range, in diagram units.
        figsize: the size in inches of a new figure.

    Returns:
        The Axes.
    """
    ax = _new_axes(ax, figsize)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def diagram_box(ax: Axes, xy: tuple[float, float], text: str, color: Any,
                *, width: float = 0.7, height: float = 0.45,
                fontsize: float = 10, text_color: Any = "white",
                rounding: float = 0.08) -> FancyBboxPatch:
    """A rounded box centred at ``xy`` with ``text`` in it.

    Args:
        ax: the Axes.
        xy: the centre (x, y).
        text: the label (matplotlib mathtext allowed, e.g. ``"$h_t$"``).
        color: the fill colour.
        width, height: the box's size in diagram units.
        fontsize: the label's size in points.
        text_color: the label's colour.
        rounding: the corner radius.

    Returns:
        The box (a FancyBboxPatch).
    """
    x, y = xy
    patch = FancyBboxPatch(
        (x - width / 2, y - height / 2), width, height, fc=color, ec="none",
        zorder=2, boxstyle=f"round,pad=0,rounding_size={rounding}")
    ax.add_patch(patch)
    ax.text(x, y, text, ha="center", va="center", color=text_color,
            fontsize=fontsize, zorder=3)
    return patch


def diagram_arrow(ax: Axes, start: tuple[float, float],
                  end: tuple[float, float], *, color: Any = "0.35",
                  lw: float = 1.3, rad: float = 0.0,
                  style: str = "-|>") -> None:
    """An arrow from ``start`` to ``end``.

    Args:
        ax: the Axes.
        start, end: the tail and the head, (x, y).
        color: the arrow's colour.
        lw: its line width in points.
        rad: the curvature (0 straight; positive bends to the left).
        style: a matplotlib arrow style (``"-|>"``: a filled head,
            ``"-"``: none).
    """
    ax.annotate("", xy=end, xytext=start, zorder=1, arrowprops=dict(
        arrowstyle=style, color=color, lw=lw, shrinkA=0, shrinkB=0,
        connectionstyle=f"arc3,rad={rad}"))


def diagram_path(ax: Axes, points: Sequence[tuple[float, float]], *,
                 color: Any = "0.35", lw: float = 1.3,
                 arrow: bool = True) -> None:
    """A polyline through ``points``, with an arrowhead on the last
    segment unless ``arrow`` is False.

    Args:
        ax: the Axes.
        points: two or more (x, y) points.
        color: the line's colour.
        lw: its width in points.
        arrow: end in an arrowhead.

    Raises:
        ValueError: fewer than two points.
    """
    pts = np.asarray(points, dtype=float)
    if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) < 2:
        raise ValueError(f"diagram_path: points must be two or more (x, y) "
                         f"pairs, got an array of shape {pts.shape}")
    body = pts[:-1] if arrow else pts
    if len(body) > 1:
        ax.plot(body[:, 0], body[:, 1], color=color, lw=lw, zorder=1,
                solid_capstyle="butt")
    if arrow:
        diagram_arrow(ax, tuple(pts[-2]), tuple(pts[-1]), color=color, lw=lw)


def diagram_op(ax: Axes, xy: tuple[float, float], symbol: str, *,
               radius: float = 0.16, fontsize: float = 11) -> Circle:
    """A small circle with an operator in it (×, +), for elementwise
    operations in a data-flow diagram.

    Args:
        ax: the Axes.
        xy: the centre.
        symbol: the operator's text.
        radius: the circle's radius in diagram units.
        fontsize: the symbol's size in points.

    Returns:
        The circle.
    """
    circle = Circle(xy, radius, fc="white", ec="0.2", lw=1.2, zorder=2)
    ax.add_patch(circle)
    ax.text(xy[0], xy[1], symbol, ha="center", va="center",
            fontsize=fontsize, zorder=3)
    return circle


def number_grid(ax: Axes, values: Any, xy: tuple[float, float] = (0, 0), *,
                cell: float = 1.0, fmt: str = "{:g}", fontsize: float = 10,
                fill: Mapping[tuple[int, int], Any] | None = None,
                outline: Sequence[tuple[int, int, int, int, Any]] = (),
                text_color: Any = "black", grid_color: Any = "0.55",
                outline_width: float = 3.0) -> None:
    """A matrix drawn as a table of square cells with its numbers.

    Row 0 is at the top, as when the matrix is printed: the grid's
    top-left corner is at ``xy`` and row ``r``, column ``c`` occupies
    ``[x + c*cell, x + (c+1)*cell] x [y - (r+1)*cell, y - r*cell]``.

    Args:
        ax: the Axes (a :func:`diagram_axes` one).
        values: a 2-D array; ``None`` or NaN entries leave a cell blank.
        xy: the top-left corner.
        cell: the side of a cell in diagram units.
        fmt: the format of each number (a minus sign is drawn as
            the typographic one, U+2212).
        fontsize: the numbers' size in points.
        fill: colours of single cells, ``{(row, col): colour}``.
        outline: rectangles to outline, ``(row, col, n_rows, n_cols,
            colour)``: a window of the matrix.
        text_color: the numbers' colour.
        grid_color: the cell borders' colour.
        outline_width: the outlines' width in points.

    Raises:
        ValueError: ``values`` is not two-dimensional.
    """
    arr = np.asarray(values, dtype=object)
    if arr.ndim != 2:
        raise ValueError(f"number_grid: values must be a 2-D array, got "
                         f"{arr.ndim} dimensions")
    x0, y0 = xy
    fill = fill or {}
    for (r, c), v in np.ndenumerate(arr):
        left, bottom = x0 + c * cell, y0 - (r + 1) * cell
        ax.add_patch(Rectangle((left, bottom), cell, cell,
                               fc=fill.get((r, c), "white"), ec=grid_color,
                               lw=0.8, zorder=1))
        blank = v is None or (isinstance(v, float) and np.isnan(v))
        if not blank:
            # A typographic minus sign, as in the text's maths.
            label = fmt.format(v).replace("-", "\u2212")
            ax.text(left + cell / 2, bottom + cell / 2, label,
                    ha="center", va="center", fontsize=fontsize,
                    color=text_color, zorder=3)
    for r, c, n_rows, n_cols, color in outline:
        ax.add_patch(Rectangle((x0 + c * cell, y0 - (r + n_rows) * cell),
                               n_cols * cell, n_rows * cell, fill=False,
                               ec=color, lw=outline_width, zorder=4))
