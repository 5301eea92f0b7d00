"""Plots the chapters reuse: decision boundaries, curves, diagrams.

Every function draws on the Axes it is given (or on a new figure when
``ax`` is None) and returns the Axes; none calls ``plt.show()`` and
none changes matplotlib's global style. Colours come from the Okabe-Ito
palette, which stays distinguishable with the common colour-vision
deficiencies; two-class pictures use the Playground's orange (class 0)
and blue (class 1), with a white midpoint.
"""


# One private module per concept; this package is the public home of
# every name (the API reference documents them here, as nnkit.plot.X):
#   _style.py        the Okabe-Ito palette, ORANGE_BLUE, new-axes helper
#   _boundary.py     decision_boundary
#   _curves.py       learning_curves, compare_curves
#   _network.py      network_diagram
#   _graph.py        model_graph (a model's graph of layer calls)
#   _confusion.py    confusion_matrix_plot
#   _activations.py  activation_plot
#   _diagram.py      concept diagrams: boxes, arrows, grids of numbers

from .._public import set_public_module
from ._activations import activation_plot
from ._boundary import decision_boundary
from ._confusion import confusion_matrix_plot
from ._curves import compare_curves, learning_curves
from ._diagram import (
    diagram_arrow,
    diagram_axes,
    diagram_box,
    diagram_op,
    diagram_path,
    number_grid,
)
from ._graph import model_graph
from ._network import network_diagram
from ._style import OKABE_ITO, ORANGE_BLUE

__all__ = [
    "OKABE_ITO", "ORANGE_BLUE", "decision_boundary", "learning_curves",
    "compare_curves", "network_diagram", "model_graph",
    "confusion_matrix_plot", "activation_plot", "diagram_axes",
    "diagram_box", "diagram_arrow", "diagram_path", "diagram_op",
    "number_grid",
]

set_public_module(__name__, __all__)
