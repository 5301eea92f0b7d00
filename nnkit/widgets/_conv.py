"""The convolution explorer: an image, a filter, stride and padding.

``conv_feature_map`` computes a feature map with nnkit's ``Conv2D``,
``plot_conv`` draws image, filter and map side by side, and the
``ConvExplorer`` widget puts them under controls. A custom filter is
typed as rows separated by ``;`` (``parse_kernel``) and applied when
Enter is pressed (or the field loses focus), never half typed; a
malformed one leaves the picture as it was and says what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from .. import _validate as check
from ..layers import Conv2D
from ._base import _bad, _FigureWidget, _no_null_tooltips, _with_label


def _patterns() -> dict[str, np.ndarray]:
    yy, xx = np.mgrid[0:28, 0:28]
    return {
        "square": ((abs(yy - 13.5) < 8) & (abs(xx - 13.5) < 8))
        .astype(float),
        "circle": (np.hypot(yy - 13.5, xx - 13.5) < 9).astype(float),
        "checkerboard": ((yy // 4 + xx // 4) % 2).astype(float),
        "diagonal stripes": (((yy + xx) // 4) % 2).astype(float),
    }


_VERTICAL = np.array([[1, 0, -1]] * 3, dtype=float)
KERNELS: dict[str, np.ndarray] = {
    "vertical edge": _VERTICAL,
    "horizontal edge": _VERTICAL.T.copy(),
    "Sobel x": np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], float),
    "blur (3 x 3 box)": np.full((3, 3), 1 / 9),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], float),
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], float),
}
CUSTOM = "custom"


def parse_kernel(text: str) -> np.ndarray:
    """A filter typed as text: rows split by ``;``, numbers by spaces
    or commas, e.g. ``"1 0 -1; 2 0 -2; 1 0 -1"``.

    Raises:
        ValueError: naming what is wrong (no numbers, a word that is
            not a number, rows of different lengths, more than 9 x 9).
    """
    check.string("parse_kernel", "text", text, nonempty=False)
    rows = [r.replace(",", " ").split() for r in text.split(";")
            if r.strip()]
    if not rows:
        raise ValueError("parse_kernel: the custom filter is empty; type "
                         "rows of numbers separated by ';', e.g. "
                         "'1 0 -1; 2 0 -2; 1 0 -1'")
    lengths = [len(r) for r in rows]
    if len(set(lengths)) != 1:
        raise ValueError(f"parse_kernel: every row of the custom filter "
                         f"needs the same number of entries, got rows of "
                         f"{', '.join(map(str, lengths))}")
    try:
        kernel = np.array(rows, dtype=float)
    except ValueError:
        bad = next(v for r in rows for v in r if not _is_number(v))
        raise ValueError(f"parse_kernel: {bad!r} in the custom filter is "
                         "not a number") from None
    if max(kernel.shape) > 9:
        raise ValueError(f"parse_kernel: the custom filter may be at most "
                         f"9 x 9, got {kernel.shape[0]} x "
                         f"{kernel.shape[1]}")
    if not np.all(np.isfinite(kernel)):
        raise ValueError("parse_kernel: the custom filter holds a "
                         "non-finite number")
    return kernel


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def conv_feature_map(image: np.ndarray, kernel: np.ndarray,
                     stride: int = 1, padding: str = "valid") -> np.ndarray:
    """One filter over one grey image, computed by nnkit's ``Conv2D``.

    Args:
        image: (H, W).
        kernel: (kh, kw).
        stride: the step in both directions.
        padding: ``"valid"`` or ``"same"``.

    Returns:
        The feature map (H', W') (no bias, no activation).
    """
    image = check.array("conv_feature_map", "image", image,
                        finite=True).astype(np.float64)
    kernel = check.array("conv_feature_map", "kernel", kernel,
                         finite=True).astype(np.float64)
    if image.ndim != 2 or kernel.ndim != 2:
        raise _bad("conv_feature_map", "image and kernel",
                   "2-D arrays", (image.shape, kernel.shape))
    layer = Conv2D(1, kernel.shape, strides=int(stride), padding=padding,
                   use_bias=False, dtype="float64")
    layer.ensure_built((*image.shape, 1), np.random.default_rng(0))
    layer.set_weights([kernel[:, :, None, None]])
    return layer(image[None, :, :, None])[0, :, :, 0]


def plot_conv(image: np.ndarray, kernel: np.ndarray, stride: int = 1,
              padding: str = "valid", axes: Sequence[Axes] | None = None,
              image_name: str = "image") -> np.ndarray:
    """Draw image, filter and feature map side by side.

    Args:
        image: (H, W) grey image.
        kernel: (kh, kw) filter.
        stride, padding: as ``conv_feature_map``.
        axes: three Axes; a new figure when None.
        image_name: the image's title.

    Returns:
        The feature map; the filter's entries are written on it when it
        has at most 49.
    """
    kernel = np.asarray(kernel, dtype=float)
    fmap = conv_feature_map(image, kernel, stride, padding)
    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(9.5, 3.3),
                               layout="constrained",
                               width_ratios=[1, 0.8, 1])
    axes = list(np.asarray(axes).ravel())
    if len(axes) != 3:
        raise ValueError(f"plot_conv needs 3 axes, got {len(axes)}")
    h, w = np.shape(image)
    axes[0].imshow(image, cmap="gray_r")
    axes[0].set_title(f"{image_name}: {h} x {w}", fontsize=10)
    klim = max(float(np.abs(kernel).max()), 1e-12)
    axes[1].imshow(kernel, cmap="RdBu_r", vmin=-klim, vmax=klim)
    if kernel.size <= 49:
        for (r, c), v in np.ndenumerate(kernel):
            axes[1].text(c, r, f"{v:.2g}", ha="center", va="center",
                         fontsize="small",
                         color="white" if abs(v) > 0.6 * klim else "black")
    axes[1].set_title(f"filter {kernel.shape[0]} x {kernel.shape[1]}",
                      fontsize=10)
    flim = max(float(np.abs(fmap).max()), 1e-12)
    im = axes[2].imshow(fmap, cmap="RdBu_r", vmin=-flim, vmax=flim)
    axes[2].set_title(f"feature map {fmap.shape[0]} x {fmap.shape[1]} "
                      f"(stride {stride}, {padding})", fontsize=10)
    axes[2].figure.colorbar(im, ax=axes[2], shrink=0.8)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    return fmap


class ConvExplorer(_FigureWidget):
    """Pick an image, a filter (or type one), a stride and a padding;
    see the feature map.

    The picture keeps its size whatever the choice (the page never
    jumps); a custom filter is applied on Enter, and a malformed one
    is reported under the field while the last good picture stays.

    Args:
        images: name -> (H, W) grey image, shown first; the synthetic
            patterns (square, circle, checkerboard, stripes) follow.
        image: the image shown first (default: the first).
        kernel: a name from ``KERNELS`` or ``"custom"``.
        custom: the custom filter's text.

    Attributes:
        feature_map: the feature map drawn last.
        error: the message shown for a bad custom filter ("" if none).
        widget: the ipywidgets box (the object itself displays as it).
    """

    def __init__(self, images: Mapping[str, np.ndarray] | None = None,
                 image: str | None = None, kernel: str = "vertical edge",
                 custom: str = "1 0 -1; 2 0 -2; 1 0 -1"):
        super().__init__((9.5, 3.3), dpi=80)
        self.figure.subplots_adjust(left=0.01, right=0.97, bottom=0.03,
                                    top=0.88, wspace=0.12)
        w, lay = widgets, widgets.Layout
        self.images = {**dict(images or {}), **_patterns()}
        names = list(self.images)
        if kernel not in (*KERNELS, CUSTOM):
            raise _bad("ConvExplorer", "kernel",
                       f"one of {', '.join(KERNELS)} or 'custom'", kernel)
        style = {"description_width": "52px"}
        self.image_choice = w.Dropdown(
            options=names, value=image or names[0], description="image",
            tooltip="The picture to filter", style=style,
            layout=lay(width="230px"))
        self.kernel = w.Dropdown(
            options=[*KERNELS, CUSTOM], value=kernel, description="filter",
            tooltip="The filter (kernel) slid over the image; 'custom' "
                    "uses the one you type", style=style,
            layout=lay(width="230px"))
        self.stride = w.IntSlider(
            1, 1, 4, description="stride", style=style,
            tooltip="Step between two positions of the filter",
            layout=lay(width="230px"))
        self.padding = w.ToggleButtons(
            options=["valid", "same"], value="valid",
            tooltips=["valid: only positions where the filter fits",
                      "same: pad with zeros so that stride 1 keeps the size"],
            style={"button_width": "60px"})
        self.custom = w.Text(
            value=custom, description="custom", continuous_update=False,
            tooltip="Rows separated by ';', e.g. 1 0 -1; 2 0 -2; 1 0 -1 "
                    "(press Enter to apply)", style=style,
            layout=lay(width="330px"))
        self.message = w.HTML(layout=lay(min_height="20px"))
        self.image.layout = lay(width="760px", height="264px",
                                object_fit="contain")
        for control in (self.image_choice, self.kernel, self.stride,
                        self.padding, self.custom):
            control.observe(lambda _: self.redraw(), names="value")
        self.widget = w.VBox([
            w.HBox([_with_label(self.image_choice, "image", "52px",
                                "170px"),
                    _with_label(self.kernel, "filter", "52px", "170px"),
                    _with_label(self.stride, "stride", "52px", "170px")],
                   layout=lay(flex_flow="row wrap")),
            w.HBox([_with_label(self.padding, "padding", "52px"),
                    _with_label(self.custom, "custom", "52px", "250px")],
                   layout=lay(flex_flow="row wrap", align_items="center")),
            self.message, self.image])
        _no_null_tooltips(self.widget)
        self.error = ""
        self.feature_map = np.zeros((0, 0))
        self.redraw()

    def current_kernel(self) -> np.ndarray:
        """The filter the controls choose (raises ValueError for a
        malformed custom filter)."""
        if self.kernel.value == CUSTOM:
            return parse_kernel(self.custom.value)
        return KERNELS[self.kernel.value]

    def redraw(self) -> None:
        """Draw the feature map for the current controls, or keep the
        last picture and show the error of a malformed custom filter."""
        try:
            kernel = self.current_kernel()
        except ValueError as err:
            self.error = str(err).replace("parse_kernel: ", "")
            self.message.value = (f'<span style="color:#b04000">'
                                  f"{self.error}</span>")
            return
        self.error = ""
        self.message.value = ""
        self._clear()
        axes = [self.figure.add_subplot(1, 3, k + 1) for k in range(3)]
        name = self.image_choice.value
        self.feature_map = plot_conv(self.images[name], kernel,
                                     self.stride.value, self.padding.value,
                                     axes, image_name=name)
        self._show()

    def picture(self) -> Any:
        """The widget as a static figure: its controls above its plot."""
        from ._picture import control_rows, picture_figure
        fig, (left, bottom, right, top) = picture_figure(
            control_rows(self.widget), 4, (7.3, 3.0), side="top")
        grid = fig.add_gridspec(1, 3, width_ratios=[1, 0.8, 1], left=0.01,
                                bottom=0.02, right=right, top=top,
                                wspace=0.12)
        axes = [fig.add_subplot(grid[k]) for k in range(3)]
        name = self.image_choice.value
        plot_conv(self.images[name], self.current_kernel(),
                  self.stride.value, self.padding.value, axes,
                  image_name=name)
        return fig


def conv_explorer(images: Mapping[str, np.ndarray] | None = None,
                  **kwargs: Any) -> ConvExplorer:
    """A ``ConvExplorer`` widget (arguments as its constructor)."""
    return ConvExplorer(images, **kwargs)
