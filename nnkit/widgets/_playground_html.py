"""The live Playground's pictures as HTML and SVG strings.

The browser draws them: the kernel only computes the heat maps
(``layer_maps``), turns each into a small PNG (``_png``) and writes a
few kilobytes of markup, a few milliseconds per frame where a
matplotlib figure costs a hundred. Everything is a plain function of a
``PlaygroundState``, so it can be called, and tested, without a
browser:

* ``diagram_html``: the network as the TensorFlow Playground draws it:
  a column of input features, a column of heat maps per hidden layer,
  the output, and a line per weight, blue for positive and orange for
  negative, wider for larger magnitudes; every node and line has a
  tooltip, and a node grows when hovered or clicked (CSS only). All
  the neurons' maps of a frame travel as one PNG (a sprite sheet that
  each node shows a square of), one encoding per frame.
* ``points_svg``: the data points, with axes, over the output map.
* ``loss_svg``: training and test loss per epoch.
* ``norms_svg``: each layer's gradient norm, on a log scale.
* ``scale_svg``: the colour scale of the maps.

``CSS`` styles all of them (class names start with ``nnk-``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..plot import OKABE_ITO
from ._playground import _DOMAIN, FEATURES, PlaygroundConfig
from ._png import _table, data_uri, heat_png, png_bytes

ORANGE, BLUE = "#E69F00", "#0072B2"
# How the features are written in the diagram and in tooltips.
FEATURE_LABELS = {"x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²",
                  "x1*x2": "x₁x₂", "sin(x1)": "sin(x₁)",
                  "sin(x2)": "sin(x₂)"}
NODE = 34           # px: a node's heat map in the diagram
PITCH = 44          # px: from one node to the next in a column
TOP = 5             # px: above the first row
LEFT = 54           # px: room for the feature names
MAP_RESOLUTION = 79      # grid points per axis of the output map
NODE_STEP = 3            # every 3rd grid point for a node: 27 x 27

CSS = """
<style>
.nnk-pg, .nnk-pg .widget-box { overflow: visible; }
.nnk-pg .widget-label, .nnk-pg .widget-html { white-space: nowrap; }
.nnk-pg .nnk-h { font-weight: 600; font-size: 11px; letter-spacing: .04em;
  text-transform: uppercase; color: #555; margin: 6px 0 0 0; }
.nnk-pg .nnk-lbl { font-size: 12px; color: #333; line-height: 16px; }
.nnk-pg .nnk-small { font-size: 11px; color: #555; line-height: 14px;
  white-space: normal; }
.nnk-pg .nnk-note { font-size: 12px; color: #8a4b00; background: #fff4e0;
  border-left: 3px solid #E69F00; padding: 2px 6px; white-space: normal; }
.nnk-pg .nnk-msg { font-size: 12px; color: #24527a; white-space: normal;
  min-height: 16px; }
.nnk-diagram { position: relative; }
.nnk-diagram svg { position: absolute; left: 0; top: 0; overflow: visible; }
.nnk-diagram line { stroke-opacity: .75; }
.nnk-node { position: absolute; box-sizing: border-box;
  background-repeat: no-repeat;
  border: 1px solid #999; border-radius: 3px; cursor: zoom-in;
  transition: transform .12s ease-out; background: #fff;
  outline: none; }
.nnk-node:hover, .nnk-node:focus { transform: scale(3.2); z-index: 20;
  border-color: #333; box-shadow: 0 2px 10px rgba(0,0,0,.35); }
.nnk-node.nnk-off { opacity: .28; }
.nnk-fname { position: absolute; font-size: 12px; text-align: right;
  width: 48px; line-height: 14px; color: #333; }
.nnk-bias { position: absolute; width: 7px; height: 7px;
  border: 1px solid #fff; }
.nnk-pg .nnk-code { font-family: var(--jp-code-font-family, monospace);
  font-size: 12px; white-space: pre-wrap; overflow-wrap: anywhere;
  margin: 0;
  background: #f7f7f7; padding: 6px; border: 1px solid #ddd; }
.nnk-pg .nnk-ds button { height: 46px; width: 46px; padding: 0;
  background-size: 38px 38px; background-repeat: no-repeat;
  background-position: center 2px; font-size: 9px;
  line-height: 9px; padding-top: 33px; color: #333; }
.nnk-pg .nnk-ds button.mod-active { outline: 2px solid #333; }
.nnk-pg .nnk-pm button, .nnk-pg button.nnk-pm { padding: 0;
  font-weight: 700; }
</style>
"""


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def output_range(config: PlaygroundConfig) -> tuple[float, float]:
    """The output unit's range: (0, 1) for a sigmoid, else (-1, 1)."""
    if config.problem == "classification" and not config.exact:
        return 0.0, 1.0
    return -1.0, 1.0


# ----- the network diagram ------------------------------------------------

@dataclass(frozen=True)
class DiagramGeometry:
    """Where the diagram puts each node (pixels, y down).

    Column 0 holds all seven features (the unselected ones faded),
    columns 1..L the hidden layers, column L + 1 the output node.

    Attributes:
        columns: nodes per column.
        spacing: px between the left edges of two columns.
        width, height: the diagram's size in px.
    """

    columns: tuple[int, ...]
    spacing: float
    width: int
    height: int
    left: int = LEFT

    def x(self, column: int) -> float:
        """Left edge of the nodes of ``column``."""
        return self.left + column * self.spacing

    def y(self, row: int) -> float:
        """Top edge of the node in ``row``."""
        return TOP + row * PITCH


def diagram_geometry(hidden: Sequence[int], left: int = LEFT
                     ) -> DiagramGeometry:
    """The diagram's geometry for hidden layer sizes ``hidden``.

    Columns sit 56-72 px apart, closer when there are more layers, so
    that six hidden layers still fit in about 460 px; ``left`` px are
    kept free for the feature names.
    """
    columns = (len(FEATURES), *[int(h) for h in hidden], 1)
    spacing = float(min(72, max(56, 400 / (len(hidden) + 1))))
    width = int(left + (len(columns) - 1) * spacing + NODE + 8)
    height = int(TOP + max(columns) * PITCH)
    return DiagramGeometry(columns, spacing, width, height, left)


def _sprite(zs: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> str:
    """Node maps side by side in one PNG (a sprite sheet), as a data URI.

    One colour look-up and one PNG per frame instead of one per node:
    node j is the j-th square, each scaled to its own ``lo[j]..hi[j]``.
    """
    n, r, _ = zs.shape
    span = np.where(hi > lo, hi - lo, 1.0)
    t = (zs - lo[:, None, None]) / span[:, None, None]
    with np.errstate(invalid="ignore"):
        idx = np.clip(t * 255, 0, 255)
    idx = np.where(np.isfinite(idx), idx, 127.5).astype(np.uint8)
    sheet = idx.transpose(1, 0, 2).reshape(r, n * r)   # node j: columns j
    return data_uri(png_bytes(_table("orange_blue")[sheet][::-1]))


@lru_cache(maxsize=4)
def feature_sprite(resolution: int = MAP_RESOLUTION) -> str:
    """The seven features' heat maps as one sprite (they never change).
    """
    ticks = np.linspace(-_DOMAIN, _DOMAIN, resolution)[::NODE_STEP]
    g1, g2 = np.meshgrid(ticks, ticks)
    zs = np.stack([f(g1, g2) for f in FEATURES.values()])
    m = np.abs(zs).max(axis=(1, 2))
    return _sprite(zs, -m, m)


def _origin(geom: DiagramGeometry, column: int, row: int) -> str:
    """Grow a hovered node into the diagram, not out of it."""
    last = len(geom.columns) - 1
    h = "left" if column == 0 else "right" if column == last else "center"
    v = "top" if row <= 1 else "bottom" if row >= max(geom.columns) - 2 \
        else "center"
    return f"{h} {v}"


def _node(geom: DiagramGeometry, column: int, row: int, sprite: str,
          index: int, count: int, title: str, extra: str = "") -> str:
    """A node: square ``index`` of the sprite in CSS variable
    ``sprite`` (of ``count`` squares), with a tooltip."""
    return (f'<div class="nnk-node{extra}" tabindex="0" role="img" '
            f'title="{_esc(title)}" style="left:{geom.x(column):.0f}px;'
            f'top:{geom.y(row):.0f}px;width:{NODE}px;height:{NODE}px;'
            f'background-image:var({sprite});'
            f'background-size:{count * 100}% 100%;'
            f'background-position:{_pos(index, count)} 0;'
            f'transform-origin:{_origin(geom, column, row)}"></div>')


def _pos(index: int, count: int) -> str:
    """CSS background-position of square ``index`` of ``count``."""
    return "0%" if count == 1 else f"{100 * index / (count - 1):.4f}%"


def weight_width(w: float) -> float:
    """A weight line's width in px: 0.5 for a zero weight, growing by
    1.6 px per unit of magnitude, at most 7."""
    return float(min(0.5 + 1.6 * abs(w), 7.0))


@lru_cache(maxsize=16)
def _line_templates(features: tuple[str, ...], hidden: tuple[int, ...],
                    left: int, names: tuple[str, ...]
                    ) -> tuple[tuple[str, str], ...]:
    """Each weight line's fixed markup: its ends, and its tooltip's
    tail; in the order of the kernels' ``ravel()``."""
    geom = diagram_geometry(hidden, left)
    n_layers = len(hidden) + 1
    half = NODE / 2
    rows_of = [[list(FEATURES).index(f) for f in features]]
    rows_of += [list(range(n)) for n in geom.columns[1:]]
    out = []
    for k in range(n_layers):
        x0, x1 = geom.x(k) + NODE, geom.x(k + 1)
        src = "input " if k == 0 else f"{names[k - 1]}, neuron "
        for i, row_in in enumerate(rows_of[k]):
            label = FEATURE_LABELS[features[i]] if k == 0 else str(i + 1)
            for j, row_out in enumerate(rows_of[k + 1]):
                to = names[k] + ("" if k == n_layers - 1
                                 else f", neuron {j + 1}")
                out.append((
                    f'<line x1="{x0:.0f}" y1="{geom.y(row_in) + half:.0f}" '
                    f'x2="{x1:.0f}" y2="{geom.y(row_out) + half:.0f}" ',
                    f": {_esc(src + label)} to {_esc(to)}</title></line>"))
    return tuple(out)


def diagram_html(config: PlaygroundConfig, weights: Sequence[np.ndarray],
                 maps: Sequence[np.ndarray] | None,
                 names: Sequence[str] = (),
                 feature_names: bool = True) -> str:
    """The network diagram as HTML (heat maps) over SVG (weights).

    Args:
        config: the run's settings (features, layers, output range).
        weights: ``[kernel, bias, kernel, bias, ...]`` of the Dense
            layers (``model.get_weights()``).
        maps: ``layer_maps(state, MAP_RESOLUTION)``, or None for a
            diagram without heat maps (grey nodes).
        names: a label per Dense layer for tooltips (default "hidden
            1", ..., "output").
        feature_names: write each feature's name left of its map (the
            widget's check boxes name them instead).

    Returns:
        A ``<div class="nnk-diagram">`` of ``diagram_geometry``'s size.
    """
    hidden = config.hidden
    geom = diagram_geometry(hidden, LEFT if feature_names else 4)
    n_layers = len(hidden) + 1
    names = list(names) or [f"hidden {k + 1}"
                            for k in range(len(hidden))] + ["output"]
    rows_of = [[list(FEATURES).index(f) for f in config.features]]
    rows_of += [list(range(n)) for n in geom.columns[1:]]
    parts = [f'<div class="nnk-diagram" style="width:{geom.width}px;'
             f'height:{geom.height}px">',
             f'<svg width="{geom.width}" height="{geom.height}">']
    half = NODE / 2
    w = np.concatenate([np.asarray(weights[2 * k]).ravel()
                        for k in range(n_layers)])
    widths = np.minimum(0.5 + 1.6 * np.abs(w), 7.0)    # weight_width
    for (start, end), wk, width in zip(
            _line_templates(config.features, hidden, geom.left,
                            tuple(names)), w.tolist(), widths.tolist()):
        # one f-string per weight: the rest of the line is precomputed
        colour = BLUE if wk >= 0 else ORANGE
        parts.append(f'{start}stroke="{colour}" stroke-width="{width:.2f}"'
                     f'><title>weight {wk:+.3f}{end}')
    parts.append("</svg>")
    for row, name in enumerate(FEATURES):
        on = name in config.features
        if feature_names:
            parts.append(
                f'<div class="nnk-fname" style="left:0px;'
                f'top:{geom.y(row) + half - 7:.0f}px">'
                f'{_esc(FEATURE_LABELS[name])}</div>')
        parts.append(_node(
            geom, 0, row, "--nnk-fs", row, len(FEATURES),
            f"input {FEATURE_LABELS[name]}"
            + ("" if on else " (not selected: tick it to use it)"),
            "" if on else " nnk-off"))
    lo, hi = output_range(config)
    count = sum(geom.columns[1:])
    if maps is None:
        zs = np.zeros((count, 2, 2))
    else:
        zs = np.concatenate([m[:, ::NODE_STEP, ::NODE_STEP]
                             for m in maps[1:]])
    with np.errstate(all="ignore"):
        finite = np.where(np.isfinite(zs), zs, np.nan)
        z_min = np.nanmin(np.where(np.isnan(finite), np.inf, finite),
                          axis=(1, 2))
        z_max = np.nanmax(np.where(np.isnan(finite), -np.inf, finite),
                          axis=(1, 2))
    mags = np.maximum(np.abs(z_min), np.abs(z_max))
    mags = np.where(np.isfinite(mags) & (mags > 0), mags, 1.0)
    a, b = -mags, mags.copy()
    a[-1], b[-1] = lo, hi                 # the output: its own range
    parts[0] = parts[0].replace(
        'px">', f'px;--nnk-sp:url({_sprite(zs, a, b)});'
        f'--nnk-fs:url({feature_sprite()})">', 1)
    index = 0
    for k in range(n_layers):
        bias = np.asarray(weights[2 * k + 1])
        last = k == n_layers - 1
        for j in range(geom.columns[k + 1]):
            span = "" if maps is None else (
                f"; values {z_min[index]:+.2f} to {z_max[index]:+.2f}, "
                f"colours scaled to {a[index]:+.2f}..{b[index]:+.2f}")
            who = names[k] if last else f"{names[k]}, neuron {j + 1}"
            parts.append(_node(geom, k + 1, j, "--nnk-sp", index, count,
                               f"{who}{span} (hover or click to enlarge)"))
            index += 1
            b_val = float(bias[j])
            parts.append(
                f'<div class="nnk-bias" title="bias {b_val:+.3f}" '
                f'style="left:{geom.x(k + 1) - 4:.0f}px;'
                f'top:{geom.y(j) + NODE - 5:.0f}px;'
                f'background:{BLUE if b_val >= 0 else ORANGE}"></div>')
    parts.append("</div>")
    return "".join(parts)


# ----- the output map's overlay -----------------------------------------

def points_svg(x: np.ndarray, y: np.ndarray, config: PlaygroundConfig,
               size: int, test: tuple[np.ndarray, np.ndarray] | None = None,
               pad: tuple[int, int] = (26, 4)) -> str:
    """The data points and the axes, drawn over the output map.

    The map itself is an image of ``size`` px placed ``pad`` = (left,
    top) px into the SVG; training points have a white edge, test
    points a black one (as in ``render``).
    """
    left, top = pad
    lo, hi = output_range(config)
    table = _table("orange_blue")
    scale = size / (2 * _DOMAIN)

    def colour(v: float) -> str:
        idx = int(np.clip((v - lo) / (hi - lo) * 255, 0, 255))
        r, g, b = table[idx]
        return f"#{r:02x}{g:02x}{b:02x}"

    def dots(pts, labels, edge):
        out = []
        for (p1, p2), t in zip(pts, labels):
            v = (hi if t == 1 else lo) if config.problem == \
                "classification" else float(t)
            out.append(f'<circle cx="{left + (p1 + _DOMAIN) * scale:.1f}" '
                       f'cy="{top + (_DOMAIN - p2) * scale:.1f}" r="2.6" '
                       f'fill="{colour(v)}" stroke="{edge}" '
                       'stroke-width="0.8"/>')
        return out

    w, h = left + size + 4, top + size + 16
    parts = [f'<svg width="{w}" height="{h}" style="display:block">',
             f'<rect x="{left}" y="{top}" width="{size}" height="{size}" '
             'fill="none" stroke="#999"/>']
    parts += dots(x, y, "white")
    if test is not None:
        parts += dots(test[0], test[1], "black")
    for t in (-6, -3, 0, 3, 6):
        px = left + (t + _DOMAIN) * scale
        py = top + (_DOMAIN - t) * scale
        parts.append(f'<text x="{px:.0f}" y="{top + size + 12}" '
                     f'font-size="10" text-anchor="middle">{t}</text>')
        parts.append(f'<text x="{left - 4}" y="{py + 3:.0f}" '
                     f'font-size="10" text-anchor="end">{t}</text>')
    parts.append("</svg>")
    return "".join(parts)


def output_png(maps: Sequence[np.ndarray], config: PlaygroundConfig,
               discretize: bool = False) -> bytes:
    """The output map as PNG bytes: the network's output over the
    square, or with ``discretize`` the predicted class, drawn lighter so
    that the points stay visible on it."""
    z = maps[-1][0]
    lo, hi = output_range(config)
    if discretize:
        z = np.where(z > (lo + hi) / 2, hi, lo)
        return heat_png(z, lo, hi, lighten=0.55)
    return heat_png(z, lo, hi, lighten=0.1)


def scale_svg(config: PlaygroundConfig, width: int = 240) -> str:
    """The colour scale: a bar from the low to the high output, what
    each end means, and its numbers."""
    lo, hi = output_range(config)
    table = _table("orange_blue")
    stops = "".join(
        f'<stop offset="{k / 8:.3f}" stop-color="#{r:02x}{g:02x}{b:02x}"/>'
        for k, (r, g, b) in enumerate(table[::32].tolist() + [table[-1]]))
    if config.problem == "classification":
        left_txt, right_txt = "orange class", "blue class"
    else:
        left_txt, right_txt = "low", "high"
    mid = (lo + hi) / 2
    return (f'<svg width="{width}" height="30" style="display:block">'
            '<defs><linearGradient id="nnk-grad">' + stops +
            '</linearGradient></defs>'
            f'<rect x="26" y="2" width="{width - 30}" height="9" '
            'fill="url(#nnk-grad)" stroke="#999"/>'
            f'<text x="26" y="23" font-size="10">{lo:g} {left_txt}</text>'
            f'<text x="{26 + (width - 30) / 2:.0f}" y="23" font-size="10" '
            f'text-anchor="middle">{mid:g}</text>'
            f'<text x="{width - 4}" y="23" font-size="10" '
            f'text-anchor="end">{right_txt} {hi:g}</text></svg>')


# ----- small charts ------------------------------------------------------

def nice_ticks(lo: float, hi: float, n: int = 4,
               integer: bool = False) -> list[float]:
    """About ``n`` round numbers from ``lo`` to at least ``hi`` (whole
    numbers only with ``integer``)."""
    span = hi - lo
    if not span > 0:
        return [lo]
    raw = span / n
    mag = 10 ** math.floor(math.log10(raw))
    steps = (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    step = next(m * mag for m in steps if m * mag >= raw)
    if integer:
        step = max(step, 1)
    first = math.floor(lo / step) * step
    ticks, t = [], first
    while t < hi + step * 0.999:
        ticks.append(round(t, 10))
        t += step
    return ticks


def loss_svg(curves: Sequence[tuple[str, Sequence[float], str, str]],
             width: int = 260, height: int = 120,
             min_epochs: int = 10) -> str:
    """Loss per epoch as a small SVG chart.

    Args:
        curves: ``(label, values, colour, dash)`` per line; ``values[k]``
            is the loss after k epochs; dash an SVG ``stroke-dasharray``
            ("" for solid).
        width, height: px.
        min_epochs: the x axis spans at least this many epochs, so that
            a fresh run (epoch 0) has sensible axes.

    Returns:
        An ``<svg>`` string: the axes from 0 to round numbers, the
        lines, and a legend with each curve's last value.
    """
    left, right, top, bottom = 38, 8, 6, 30
    pw, ph = width - left - right, height - top - bottom
    n = max(max((len(v) for _, v, _, _ in curves), default=1) - 1,
            min_epochs)
    finite = [x for _, v, _, _ in curves for x in v if np.isfinite(x)]
    ymax = max(finite) if finite else 1.0
    yt = nice_ticks(0.0, max(ymax, 1e-3))
    ytop = yt[-1]
    xt = [int(t) for t in nice_ticks(0, n, 4, integer=True)]
    xmax = xt[-1]

    def px(e):
        return left + pw * e / xmax

    def py(v):
        return top + ph * (1 - min(v, ytop) / ytop)

    parts = [f'<svg width="{width}" height="{height}" '
             'style="display:block">']
    for t in yt:
        parts.append(f'<line x1="{left}" x2="{left + pw}" y1="{py(t):.1f}" '
                     f'y2="{py(t):.1f}" stroke="#e4e4e4"/>'
                     f'<text x="{left - 3}" y="{py(t) + 3:.1f}" '
                     f'font-size="10" text-anchor="end">{t:g}</text>')
    for t in xt:
        parts.append(f'<text x="{px(t):.1f}" y="{top + ph + 12}" '
                     f'font-size="10" text-anchor="middle">{t:,}</text>')
    parts.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" '
                 'fill="none" stroke="#999"/>')
    legend = []
    for label, values, colour, dash in curves:
        v = np.asarray(values, dtype=float)
        keep = np.arange(len(v))
        if len(v) > 400:                        # at most ~400 points
            keep = np.unique(np.linspace(0, len(v) - 1, 400).astype(int))
        pts = " ".join(f"{px(e):.1f},{py(v[e]):.1f}" for e in keep
                       if np.isfinite(v[e]))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        if len(keep) == 1 and pts:
            x, y = pts.split(",")
            parts.append(f'<circle cx="{x}" cy="{y}" r="2.5" '
                         f'fill="{colour}"/>')
        parts.append(f'<polyline points="{pts}" fill="none" '
                     f'stroke="{colour}" stroke-width="1.6"{dash_attr}/>')
        last = v[-1] if len(v) else float("nan")
        legend.append((label, colour, dash, last))
    x, y = 4, height - 5           # the legend: as many rows as it needs
    for label, colour, dash, last in legend:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        text = f"{label} {last:.3f}" if np.isfinite(last) else \
            f"{label} diverged"
        step = 17 + 6 * len(text) + 8         # ~6 px per character
        if x > 4 and x + step > width:
            x, y = 4, y + 13
        parts.append(f'<line x1="{x}" x2="{x + 14}" y1="{y}" y2="{y}" '
                     f'stroke="{colour}" stroke-width="1.6"{dash_attr}/>'
                     f'<text x="{x + 17}" y="{y + 3}" '
                     f'font-size="10">{_esc(text)}</text>')
        x += step
    parts.append("</svg>")
    rows_height = y + 8
    if rows_height > height:                    # taller for more rows
        parts[0] = parts[0].replace(f'height="{height}"',
                                    f'height="{rows_height}"', 1)
    return "".join(parts)


def norms_svg(norms: np.ndarray, names: Sequence[str], width: int = 260
              ) -> str:
    """Each layer's gradient norm as a bar on a log scale (10^-8..10^2).

    Bars below 1e-5 are orange (vanishing), above 10 orange too
    (exploding), blue otherwise; the value is written next to each.
    """
    row, left = 15, 64
    height = row * len(norms) + 16
    pw = width - left - 52
    lo, hi = -8.0, 2.0
    parts = [f'<svg width="{width}" height="{height}" '
             'style="display:block">']
    for k, (name, v) in enumerate(zip(names, norms)):
        y = 2 + k * row
        ok = np.isfinite(v) and v > 0
        frac = (np.clip(math.log10(v), lo, hi) - lo) / (hi - lo) if ok \
            else 0.0
        colour = BLUE if ok and 1e-5 <= v <= 10 else ORANGE
        text = f"{v:.1e}" if np.isfinite(v) else "nan"
        parts.append(f'<text x="{left - 4}" y="{y + 10}" font-size="10" '
                     f'text-anchor="end">{_esc(name)}</text>'
                     f'<rect x="{left}" y="{y + 2}" '
                     f'width="{max(frac * pw, 1):.1f}" height="9" '
                     f'fill="{colour}"><title>{_esc(name)}: '
                     f'||dL/dW|| = {text}</title></rect>'
                     f'<text x="{left + max(frac * pw, 1) + 3:.1f}" '
                     f'y="{y + 10}" font-size="10">{text}</text>')
    axis_y = 2 + len(norms) * row + 10
    for e in (-8, -6, -4, -2, 0, 2):
        x = left + (e - lo) / (hi - lo) * pw
        parts.append(f'<text x="{x:.0f}" y="{axis_y}" font-size="9" '
                     f'text-anchor="middle" fill="#777">1e{e}</text>')
    parts.append("</svg>")
    return "".join(parts)


# Colours of run A and run B in the loss chart.
RUN_COLOURS = {"A": (OKABE_ITO[0], OKABE_ITO[5]),
               "B": (OKABE_ITO[3], OKABE_ITO[1])}
