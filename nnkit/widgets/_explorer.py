"""A plain plotting function under controls: ``explorer``.

A chapter defines an ordinary function that draws one picture from a
few arguments (the static book calls it once with its defaults);
``explorer(function, **controls)`` gives it sliders and menus in
JupyterLab, redraws into a picture of constant size, and draws itself
as a static figure (controls beside the plot) with ``picture()``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ._base import _bad, _FigureWidget, _no_null_tooltips, _with_label


def make_control(name: str, spec: Any) -> widgets.Widget:
    """An ipywidgets control from a short description, as ``interact``:

    * a widget: used as it is;
    * ``(min, max, step)`` or ``(min, max)``: a slider (int if all are
      ints, else float);
    * a list or a dict: a dropdown of its items (dict: label -> value);
    * a bool: a check box.

    The control's description is ``name``; its tooltip says what it
    sets.
    """
    tip = f"Sets the argument {name}"
    if isinstance(spec, widgets.Widget):
        if not getattr(spec, "tooltip", None):
            spec.tooltip = tip
        return spec
    if isinstance(spec, bool):
        return widgets.Checkbox(spec, description=name, indent=False,
                                tooltip=tip)
    if isinstance(spec, tuple) and len(spec) in (2, 3) and all(
            isinstance(v, (int, float)) for v in spec):
        lo, hi = spec[0], spec[1]
        if all(isinstance(v, int) for v in spec):
            step = spec[2] if len(spec) == 3 else 1
            return widgets.IntSlider(value=lo, min=lo, max=hi, step=step,
                                     description=name, tooltip=tip)
        step = spec[2] if len(spec) == 3 else (hi - lo) / 100
        return widgets.FloatSlider(value=lo, min=lo, max=hi, step=step,
                                   description=name, tooltip=tip)
    if isinstance(spec, (list, dict)):
        options = list(spec.items()) if isinstance(spec, dict) else spec
        return widgets.Dropdown(options=options, description=name,
                                tooltip=tip)
    raise _bad("explorer", name, "a widget, (min, max[, step]), a list, "
               "a dict or a bool", spec)


class FunctionExplorer(_FigureWidget):
    """A plotting function under controls (see ``explorer``).

    Args:
        function: draws one picture. If it takes an ``ax`` argument it
            gets a fresh Axes of a figure of ``figsize``; otherwise it
            must return a Figure (alone or first in a tuple), which is
            shown and then closed.
        figsize: the picture's size in inches; the widget keeps it.
        defaults: starting values (the function's own defaults are
            used for the others).
        **controls: argument name -> control (``make_control``).

    Attributes:
        controls: name -> ipywidgets control.
        result: what the function returned last.
        widget: the ipywidgets box (the object itself displays as it).
    """

    def __init__(self, function: Callable[..., Any],
                 figsize: tuple[float, float] = (4.6, 4.2),
                 defaults: dict[str, Any] | None = None, **controls: Any):
        if not callable(function):
            raise _bad("explorer", "function", "a callable", function)
        super().__init__(figsize, dpi=90)
        self.function = function
        params = inspect.signature(function).parameters
        self._takes_ax = "ax" in params
        self.controls = {n: make_control(n, spec)
                         for n, spec in controls.items()}
        start = {n: p.default for n, p in params.items()
                 if p.default is not inspect.Parameter.empty}
        start.update(defaults or {})
        with self._quietly():
            for name, control in self.controls.items():
                if name in start and start[name] is not None:
                    control.value = start[name]
        rows = []
        for name, control in self.controls.items():
            control.observe(lambda _: self.redraw(), names="value")
            if isinstance(control, widgets.Checkbox):
                rows.append(control)
            else:
                rows.append(_with_label(control, name, "64px", "180px"))
        w, h = figsize
        self.image.layout = widgets.Layout(width=f"{w * 90:.0f}px",
                                           height=f"{h * 90:.0f}px")
        self.result: Any = None
        self.widget = widgets.HBox(
            [widgets.VBox(rows), self.image],
            layout=widgets.Layout(flex_flow="row wrap"))
        _no_null_tooltips(self.widget)
        self.redraw()

    def values(self) -> dict[str, Any]:
        """The controls' current values by argument name."""
        return {n: c.value for n, c in self.controls.items()}

    def _draw(self, fig: Figure | None = None) -> Figure:
        """Call the function; return the figure it drew on."""
        if self._takes_ax:
            fig = fig or Figure(figsize=self.figure.get_size_inches())
            ax = fig.add_subplot()
            self.result = self.function(**self.values(), ax=ax)
            return fig
        self.result = self.function(**self.values())
        found = self.result if isinstance(self.result, Figure) else next(
            (r for r in (self.result if isinstance(self.result, tuple)
                         else ()) if isinstance(r, Figure)), None)
        if found is None:
            raise TypeError("explorer: a function without an 'ax' "
                            "argument must return a matplotlib Figure, "
                            f"got {type(self.result).__name__}")
        return found

    def redraw(self) -> None:
        """Call the function with the controls' values; show the picture.
        """
        if self._quiet:
            return
        if self._takes_ax:
            self._clear()
            self._draw(self.figure)
            self.figure.set_layout_engine("constrained")
            self._show()
            return
        fig = self._draw()
        fig.set_size_inches(*self.figure.get_size_inches())
        import io
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=90)
        plt.close(fig)
        self.image.value = buf.getvalue()

    def picture(self) -> Figure:
        """The widget as a static figure: its controls beside its plot.
        """
        from ._picture import control_rows, picture_figure
        w, h = self.figure.get_size_inches()
        fig, (left, bottom, right, top) = picture_figure(
            control_rows(self.widget), 1, (w, h))
        if self._takes_ax:
            ax = fig.add_axes((left, bottom, right - left, top - bottom))
            self.function(**self.values(), ax=ax)
            return fig
        drawn = self._draw()
        import io
        buf = io.BytesIO()
        drawn.set_size_inches(w, h)
        drawn.savefig(buf, format="png", dpi=110)
        plt.close(drawn)
        buf.seek(0)
        ax = fig.add_axes((left - 0.4 / fig.get_figwidth(), 0,
                           1 - left + 0.4 / fig.get_figwidth(), 1))
        ax.imshow(plt.imread(buf))
        ax.set_axis_off()
        return fig


def explorer(function: Callable[..., Any],
             figsize: tuple[float, float] = (4.6, 4.2),
             defaults: dict[str, Any] | None = None,
             **controls: Any) -> FunctionExplorer:
    """Put a plotting function under controls, live in JupyterLab.

    >>> explorer(explore, w1=(-3.0, 3.0, 0.1), dataset=["AND", "OR"])
    ... # doctest: +SKIP

    Args:
        function: a plain function that draws (see
            ``FunctionExplorer``); the notebook also calls it itself,
            once, for the static page.
        figsize: the picture's size in inches.
        defaults: starting values for the controls.
        **controls: argument name -> control description
            (``make_control``).

    Returns:
        A ``FunctionExplorer``; display it as a cell's last value.
    """
    return FunctionExplorer(function, figsize, defaults, **controls)
