"""model_graph: a model's layer calls as boxes, its tensors as arrows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyBboxPatch

from ._style import OKABE_ITO, _new_axes

__all__ = ["model_graph"]

_FILL = {"input": "#EDEDED", "merge": "#FBE3BD", "shared": "#CFE6F4",
         "layer": "#FFFFFF"}
_FORWARD, _BACKWARD = OKABE_ITO[0], OKABE_ITO[3]
_W = 2.6          # box width (data units; a unit is about 0.5 inch)
_LINE = 0.36      # height of a line of text in a box
_INCH = 0.5       # inches per data unit


@dataclass
class _Box:
    title: str
    lines: list[str]
    kind: str
    parents: list[int] = field(default_factory=list)
    level: int = 0      # longest path from an input
    pos: float = 0.0    # place within the level
    x: float = 0.0
    y: float = 0.0

    @property
    def height(self) -> float:
        return _LINE * (1 + len(self.lines)) + 0.2


def model_graph(model: Any, ax: Axes | None = None,
                show_shapes: bool = True, gradients: bool = False,
                direction: str = "TB", fontsize: float = 10) -> Axes:
    """Draw a model as a graph of layer calls.

    Each box is one call of a layer: its name, its class and (with
    ``show_shapes``) the shape of what it returns. A layer called
    twice, a *shared* layer, gets a box per call ("call 1", "call 2")
    filled in the same colour, since both calls use one set of
    weights; merge layers (``Add``, ``Concatenate``...) are shaded too.
    Each arrow is a tensor, from the call that computes it to a call
    that reads it. A box sits one level after its furthest input, so
    every arrow runs in the direction of the forward pass: downwards
    (``direction="TB"``, Keras' ``plot_model`` default) or to the right
    (``"LR"``). An arrow that skips levels lanes around the boxes in
    between.

    With ``gradients=True`` the backward pass is drawn as well: beside
    every arrow a dashed one going back, carrying dL/d(tensor), and a
    circled "+" where a tensor feeds several calls: the gradients
    coming back from those calls add up there (the chain rule for a
    variable used more than once). No dashed arrow enters an input:
    models do not compute the gradient of the data.

    Args:
        model: a functional model (``nnkit.Model(inputs, outputs)``) or
            a built ``Sequential`` (drawn as a chain).
        ax: Axes to draw on; default a new figure sized to the graph
            (about half an inch per unit of the layout).
        show_shapes: print each call's output shape in its box.
        gradients: draw the backward pass too (dashed arrows and "+"
            at fan-outs).
        direction: ``"TB"`` (top to bottom) or ``"LR"`` (left to
            right).
        fontsize: size of the text in the boxes.

    Returns:
        The Axes. Every box is a ``FancyBboxPatch`` whose ``gid`` is
        ``"node:<layer name>"`` (``"node:<layer name>:<call>"`` for
        the calls of a shared layer).
    """
    if direction not in ("TB", "LR"):
        raise ValueError(f"model_graph: direction must be 'TB' or 'LR', "
                         f"got {direction!r}")
    boxes = _boxes(model, show_shapes)
    tallest = max(b.height for b in boxes.values())
    tb = direction == "TB"
    # Distance between levels, and between boxes of one level.
    step = tallest + (1.2 if gradients else 0.8) if tb else _W + 1.1
    spacing = _W + 0.5 if tb else tallest + 0.35
    _place(boxes, spacing)
    for b in boxes.values():
        b.x, b.y = ((b.pos, -b.level * step) if tb
                    else (b.level * step, -b.pos))
    xs = [b.x for b in boxes.values()]
    ys = [b.y for b in boxes.values()]
    x_lo, x_hi = min(xs) - _W / 2 - 0.3, max(xs) + _W / 2 + 0.3
    y_lo = min(ys) - tallest / 2 - 0.2
    y_hi = max(ys) + tallest / 2 + 0.2
    readers: dict[int, int] = {}
    for b in boxes.values():
        for p in b.parents:
            if boxes[p].kind != "input":   # the data get no gradient
                readers[p] = readers.get(p, 0) + 1
    lanes = _lanes(boxes, tb)
    if lanes and tb:
        x_hi = max(x_hi, max(lanes.values()) + 0.4)
    elif lanes:
        y_lo = min(y_lo, -max(lanes.values()) - 0.4)
    y_lo -= 0.7 if gradients else 0.0              # room for the legend
    narrowest = 3.6 if gradients else 2.0          # inches: the legend
    grow = max(0.0, narrowest / _INCH - (x_hi - x_lo)) / 2
    x_lo, x_hi = x_lo - grow, x_hi + grow
    wide = _INCH * (x_hi - x_lo) > 5.5     # the legend fits on one row
    if gradients and not wide:
        y_lo -= 0.6
    ax = _new_axes(ax, figsize=(_INCH * (x_hi - x_lo),
                                _INCH * (y_hi - y_lo)))
    for key, b in boxes.items():
        for p in b.parents:
            _edge(ax, boxes[p], b, tb,
                  gradients and boxes[p].kind != "input",
                  lanes.get((p, key)),
                  fanout=gradients and readers.get(p, 0) > 1)
    for key, b in boxes.items():
        _box(ax, b, fontsize)
        if gradients and readers.get(key, 0) > 1:
            cx, cy = _exit(b, tb, 0.28)
            ax.add_patch(Circle((cx, cy), 0.17, facecolor="white",
                                edgecolor=_BACKWARD, lw=1.4, zorder=4))
            ax.text(cx, cy, "+", ha="center", va="center", zorder=5,
                    color=_BACKWARD, fontsize=fontsize + 1,
                    fontweight="bold")
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.axis("off")
    if gradients:
        handles = [Line2D([], [], color=_FORWARD, lw=1.6,
                          label="forward: values"),
                   Line2D([], [], color=_BACKWARD, lw=1.6, ls="--",
                          label="backward: dL/d(tensor)")]
        ax.legend(handles=handles, loc="lower center", ncol=2 if wide else 1,
                  frameon=False, fontsize=fontsize, handlelength=1.6,
                  columnspacing=1.0, borderaxespad=0.0)
    return ax


# ----- what to draw ----------------------------------------------------------
def _boxes(model: Any, show_shapes: bool) -> dict[int, _Box]:
    """One box per layer call, keyed by the call's node id, in
    topological order (parents first)."""
    nodes = getattr(model, "nodes", None)
    if nodes is None:
        return _chain(model, show_shapes)
    calls: dict[int, int] = {}
    for node in nodes:
        if not node.is_input:
            calls[id(node.layer)] = calls.get(id(node.layer), 0) + 1
    seen: dict[int, int] = {}
    boxes: dict[int, _Box] = {}
    for node in nodes:
        layer = node.layer
        title = layer.name
        if node.is_input:
            kind = "input"
        elif calls[id(layer)] > 1:
            seen[id(layer)] = seen.get(id(layer), 0) + 1
            title = f"{layer.name}, call {seen[id(layer)]}"
            kind = "shared"
        else:
            kind = "merge" if layer.multi_input else "layer"
        lines = [type(layer).__name__]
        if show_shapes:
            lines.append(", ".join(_shape(t.shape) for t in node.outputs))
        boxes[id(node)] = _Box(title, lines, kind,
                               [id(t.node) for t in node.inputs])
    return boxes


def _chain(model: Any, show_shapes: bool) -> dict[int, _Box]:
    """A Sequential model: an input box, then its layers in a row."""
    layers = getattr(model, "layers", None)
    if layers is None:
        raise TypeError(f"model_graph: expected an nnkit model, got "
                        f"{type(model).__name__}")
    if show_shapes and not getattr(model, "built", True):
        raise ValueError("model_graph: the Sequential model is not built "
                         "yet; give it an Input or call it on data first")
    shape = getattr(model, "input_shape", None)      # (None, ...)
    first = ["Input"]
    if show_shapes and shape is not None:
        first.append(_shape(shape))
    boxes = {0: _Box("input", first, "input")}
    for i, layer in enumerate(layers, start=1):
        lines = [type(layer).__name__]
        if show_shapes:
            lines.append(_shape((None,) + tuple(layer.output_shape)))
        boxes[i] = _Box(layer.name, lines,
                        "merge" if layer.multi_input else "layer", [i - 1])
    return boxes


def _shape(shape: tuple) -> str:
    return "(" + ", ".join("None" if s is None else str(s)
                           for s in shape) + ")"


# ----- where to draw it ------------------------------------------------------
def _place(boxes: dict[int, _Box], spacing: float) -> None:
    """Levels by longest path from an input; places near the parents.

    Boxes come in topological order, so parents are placed first. In
    each level a box asks for the mean place of its parents (inputs
    keep their order); boxes closer than ``spacing`` are pushed apart
    around their common centre.
    """
    for b in boxes.values():
        b.level = 1 + max((boxes[p].level for p in b.parents),
                          default=-1)
    for level in range(max(b.level for b in boxes.values()) + 1):
        row = [b for b in boxes.values() if b.level == level]
        if level == 0:
            wanted = [i * spacing for i in range(len(row))]
            wanted = [w - float(np.mean(wanted)) for w in wanted]
        else:
            wanted = [float(np.mean([boxes[p].pos for p in b.parents]))
                      for b in row]
        order = sorted(range(len(row)), key=lambda i: wanted[i])
        pos = [wanted[i] for i in order]
        for _ in range(len(pos)):           # push overlapping boxes apart
            for j in range(1, len(pos)):
                if pos[j] - pos[j - 1] < spacing - 1e-9:
                    mid = (pos[j] + pos[j - 1]) / 2
                    pos[j - 1], pos[j] = mid - spacing / 2, mid + spacing / 2
        for i, p in zip(order, pos):
            row[i].pos = p


def _lanes(boxes: dict[int, _Box], tb: bool) -> dict[tuple, float]:
    """Detours for arrows that skip levels and would cross a box:
    {(parent, child): the place (within a level) of the detour's lane},
    just past the boxes in the way."""
    out: dict[tuple, float] = {}
    for key, b in boxes.items():
        for p in b.parents:
            src = boxes[p]
            if b.level - src.level < 2:
                continue
            lo, hi = sorted((src.pos, b.pos))
            blocked = [o for o in boxes.values()
                       if src.level < o.level < b.level
                       and o.pos - _half(o, tb) < hi + 0.2
                       and o.pos + _half(o, tb) > lo - 0.2]
            if blocked:
                out[(p, key)] = max(o.pos + _half(o, tb)
                                    for o in blocked) + 0.45
    return out


def _half(b: _Box, tb: bool) -> float:
    """Half the box's extent along a level."""
    return _W / 2 if tb else b.height / 2


def _exit(b: _Box, tb: bool, extra: float = 0.0) -> tuple[float, float]:
    """Where arrows leave a box (its bottom, or its right side)."""
    if tb:
        return b.x, b.y - b.height / 2 - extra
    return b.x + _W / 2 + extra, b.y


def _entry(b: _Box, tb: bool) -> tuple[float, float]:
    if tb:
        return b.x, b.y + b.height / 2
    return b.x - _W / 2, b.y


# ----- drawing ---------------------------------------------------------------
def _box(ax: Axes, b: _Box, fontsize: float) -> None:
    h = b.height
    patch = FancyBboxPatch((b.x - _W / 2, b.y - h / 2), _W, h,
                           boxstyle="round,pad=0.02,rounding_size=0.1",
                           facecolor=_FILL[b.kind], edgecolor="0.3",
                           lw=1.0, zorder=3)
    patch.set_gid("node:" + b.title.replace(", call ", ":"))
    ax.add_patch(patch)
    top = b.y + h / 2 - 0.1 - _LINE / 2
    ax.text(b.x, top, b.title, ha="center", va="center", zorder=4,
            fontsize=fontsize, fontweight="bold")
    for k, line in enumerate(b.lines, start=1):
        ax.text(b.x, top - _LINE * k, line, ha="center", va="center",
                zorder=4, fontsize=fontsize)


def _edge(ax: Axes, src: _Box, dst: _Box, tb: bool, gradients: bool,
          lane: float | None, fanout: bool) -> None:
    """One tensor: a forward arrow (and a dashed backward one beside it).

    A straight arrow joins the producer's exit (its bottom, or right
    side; the "+" of a fan-out) to the reader's entry. A detour (an
    arrow that skips levels past other boxes) leaves sideways, runs
    along ``lane`` and enters the reader from the side.
    """
    start = _exit(src, tb, 0.5 if fanout else 0.0)
    if fanout:       # the stub from the box to the "+" circle
        ax.plot(*zip(_exit(src, tb), start), color="0.3", lw=1.2,
                zorder=1)
    lanes = [(0.0, _FORWARD, "-", False)] if not gradients else [
        (-0.1, _FORWARD, "-", False), (0.1, _BACKWARD, "--", True)]
    for off, color, ls, back in lanes:
        if lane is None:
            a, z = start, _entry(dst, tb)
            pts = [(a[0] + off, a[1]), (z[0] + off, z[1])] if tb else \
                [(a[0], a[1] - off), (z[0], z[1] - off)]
        else:
            pts = _detour(src, dst, start, lane, off, fanout, tb)
        if back:
            pts = pts[::-1]
        xs, ys = zip(*pts)
        ax.plot(xs, ys, color=color, lw=1.5, ls=ls, zorder=2)
        ax.annotate("", pts[-1], pts[-2], zorder=2, arrowprops=dict(
            arrowstyle="-|>", color=color, lw=0, shrinkA=0, shrinkB=0,
            mutation_scale=14))


def _detour(src: _Box, dst: _Box, start: tuple, lane: float, off: float,
            fanout: bool, tb: bool) -> list[tuple]:
    """The corners of a detour; the two lanes (off < 0 forward, > 0
    backward) nest without crossing."""
    r = 0.17 if fanout else 0.0           # leave from the circle's side
    if tb:
        x0 = start[0] + r if fanout else src.x + _W / 2
        y0 = start[1] if fanout else src.y
        x1 = dst.x + _W / 2
        return [(x0, y0 + off), (lane + off, y0 + off),
                (lane + off, dst.y - off), (x1, dst.y - off)]
    x0 = start[0] if fanout else src.x
    y0 = start[1] - r if fanout else src.y - src.height / 2
    y1 = dst.y - dst.height / 2
    return [(x0 + off, y0), (x0 + off, -lane - off),
            (dst.x - off, -lane - off), (dst.x - off, y1)]
