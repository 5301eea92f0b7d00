"""What the three widgets share: argument errors and the figure plumbing.

Each widget draws with matplotlib into a ``Figure`` that is not tied to
any backend and shows it as a PNG in an ``ipywidgets.Image``
(``_FigureWidget``), so it needs no JupyterLab extension.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets
from matplotlib.figure import Figure


def _bad(owner: str, arg: str, valid: str, got: Any) -> ValueError:
    return ValueError(f"{owner}: {arg} must be {valid}, got {got!r}")


class _QuietControls:
    """Several controls set at once, with one redraw.

    While ``with self._quietly():`` runs, ``self._quiet`` is True: the
    controls' change handlers then do nothing, and the caller redraws
    (or resets) once, not once per control.
    """

    _quiet = False

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False


class _FigureWidget(_QuietControls):
    """A matplotlib Figure shown as a PNG in an ``ipywidgets.Image``."""

    widget: widgets.Widget

    def __init__(self, figsize: tuple[float, float], dpi: int = 90):
        # Fixed margins (set by each widget): a constrained layout would
        # double the cost of every frame.
        self.figure = Figure(figsize=figsize, dpi=dpi)
        self.image = widgets.Image(format="png")

    def _clear(self) -> None:
        """Remove every axes from the figure before a redraw."""
        for ax in self.figure.axes:
            ax.remove()

    def _show(self) -> None:
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png")
        self.image.value = buf.getvalue()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def _no_null_tooltips(root: widgets.Widget) -> None:
    """Give every widget under ``root`` without a tooltip an empty one.

    ipywidgets writes a missing tooltip into the page as the text
    "null" (a ``title="null"`` that the browser shows on hover).
    """
    stack = [root]
    while stack:
        w = stack.pop()
        stack.extend(getattr(w, "children", ()))
        if hasattr(w, "tooltip") and w.tooltip is None and not \
                isinstance(w, widgets.Box):
            w.tooltip = ""


def _with_label(control: widgets.Widget, text: str,
                width: str = "92px",
                control_width: str | None = None) -> widgets.HBox:
    """``control`` with ``text`` as a label on its left, both showing the
    control's tooltip on hover.

    ipywidgets 8 shows a tooltip on a dropdown, text field or list only
    when it has no description, and on a slider only on its visible
    description: so the control loses its description and the label,
    an HTML element with the tooltip as its title, takes its place.
    """
    import html
    tip = html.escape(control.tooltip or "", quote=True)
    control.description = ""
    control.style.description_width = "0px"
    if control_width is not None:
        control.layout.width = control_width
    label = widgets.HTML(
        f'<div class="nnk-lbl" title="{tip}" style="white-space:nowrap">'
        f"{html.escape(text)}</div>",
        layout=widgets.Layout(min_width=width, margin="0 4px 0 0"))
    return widgets.HBox([label, control],
                        layout=widgets.Layout(align_items="center",
                                              overflow="visible"))
