"""The colours every plot shares and the new-axes helper."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap

# Okabe & Ito (2008), "Color Universal Design", in a plotting order.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7",
             "#56B4E9", "#F0E442", "#000000")
_ORANGE, _BLUE = "#E69F00", "#0072B2"
ORANGE_BLUE = LinearSegmentedColormap.from_list(
    "nnkit_orange_blue", [_ORANGE, "#FFFFFF", _BLUE])
_LINESTYLES = ("-", "--", "-.", ":")


def _new_axes(ax: Axes | None, figsize=(5, 4)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax
