"""Interactive widgets: the Playground, an optimizer race, explorers.

ipywidgets user interfaces for JupyterLab, each a thin layer over
plain functions that a notebook can call without any widget (so the
static book page and the tests exercise the same code), and each with
a ``picture()``: the widget as a static matplotlib figure, its
controls (``draw_controls``) beside its plot, for the HTML book.

* ``Playground`` (``playground()``) re-creates the TensorFlow
  Playground (playground.tensorflow.org) on top of nnkit, with its
  network diagram, and adds loss curves, per-layer gradient norms, a
  second configuration to compare and "show as code". Plain
  functions: ``make_playground_data``, ``featurize``,
  ``build_playground_model``, ``init_state``, ``train_epochs``,
  ``layer_maps``, ``gradient_norms``, ``render``, ``plot_neurons``,
  ``draw_diagram``, ``diagram_html``, ``playground_code`` and
  ``run_experiment``.
* ``OptimizerRace`` (``optimizer_race()``) runs nnkit's optimizers on
  2-D test surfaces and animates their paths. Plain functions:
  ``surfaces``, ``race_optimizers``, ``optimize_path``, ``race``,
  ``plot_paths``, ``plot_losses``.
* ``ActivationExplorer`` (``activation_explorer()``) plots activations
  and their derivatives. Plain function: ``plot_activation``.
* ``ConvExplorer`` (``conv_explorer()``) slides a filter over an
  image. Plain functions: ``parse_kernel``, ``conv_feature_map``,
  ``plot_conv``.
* ``explorer(function, **controls)`` puts any plotting function of a
  chapter under sliders and menus (``FunctionExplorer``).

How they draw. The Playground's frames are HTML and SVG that the
browser draws, with heat maps turned from arrays into PNG bytes
directly (no matplotlib in the loop): a frame costs the kernel a few
milliseconds, so Play keeps about 15 frames per second, training as
many epochs per frame as fit. The race draws its contours once and
moves only the paths (matplotlib blitting). The explorers redraw a
matplotlib figure into a PNG of constant size. None needs a JupyterLab
extension beyond ipywidgets. Animations tick with ``ipywidgets.Play``
(the browser sends ticks, the kernel answers each): no threads,
nothing that outlives the kernel.

**Playground: nnkit default vs Playground-exact.** ``exact=False``
(the default, "nnkit default") trains the way this book recommends:
classification ends in a sigmoid with binary cross-entropy on 0/1
labels, regression in a linear unit with mean squared error; kernels
start Glorot-uniform, biases at 0; the training set is reshuffled
every epoch. ``exact=True`` ("Playground-exact") follows the original:
loss ``0.5 (o - t)**2`` averaged over the batch, labels -1/+1 with a
tanh output unit for classification (linear for regression), weights
uniform in (-0.5, 0.5), biases 0.1, and the training examples visited
in the same order every epoch. Both use plain SGD. The remaining
differences from the original: a last, smaller batch of an epoch is
applied at the end of that epoch (the Playground carries it over into
the next); L1 does not "kill" a weight that crosses zero (the
Playground sets it to exactly 0 for good); the data come from
``nnkit.datasets.playground`` (same recipes, NumPy random numbers); and
everything is seeded, so Reset gives the same start again (change the
seed for a new one).

The regularization rate means what it means in the Playground in both
modes: L1 adds ``rate * sum |w|`` and L2 adds ``rate * sum w**2 / 2``
over the kernels (not the biases), i.e. Keras' ``L1(rate)`` and
``L2(rate / 2)``. The losses shown leave the penalty out, as the
Playground does.
"""

# One private module per concept; this package is the public home of
# every name (the API reference documents them here, as nnkit.widgets.X):
#   _base.py                 argument errors, the PNG-figure widget base
#   _png.py                  arrays to PNG bytes, without matplotlib
#   _picture.py              a widget's controls drawn for its picture
#   _playground.py           Playground settings, data, features, network
#   _playground_training.py  a run's state, training, maps, gradient norms
#   _playground_code.py      a configuration as nnkit and Keras code
#   _playground_html.py      the live pictures as HTML and SVG
#   _playground_view.py      render, plot_neurons, draw_diagram, picture
#   _playground_widget.py    the Playground widget
#   _surfaces.py             the race's test functions
#   _race.py                 optimizer paths, race, plots, OptimizerRace
#   _activations.py          plot_activation, the ActivationExplorer
#   _conv.py                 the convolution explorer
#   _explorer.py             any plotting function under controls

from .._public import set_public_module
from ._activations import (
    ActivationExplorer,
    activation_explorer,
    plot_activation,
)
from ._conv import (
    KERNELS,
    ConvExplorer,
    conv_explorer,
    conv_feature_map,
    parse_kernel,
    plot_conv,
)
from ._explorer import FunctionExplorer, explorer, make_control
from ._picture import control_rows, draw_controls, picture_figure
from ._playground import (
    CLASSIFICATION_DATASETS,
    FEATURES,
    LEARNING_RATES,
    PLAYGROUND_ACTIVATIONS,
    REGRESSION_DATASETS,
    REGULARIZATION_RATES,
    PlaygroundConfig,
    PlaygroundData,
    build_playground_model,
    featurize,
    make_playground_data,
)
from ._playground_code import playground_code
from ._playground_html import diagram_html
from ._playground_training import (
    PlaygroundState,
    accuracy,
    gradient_norms,
    init_state,
    layer_maps,
    predict_grid,
    run_experiment,
    train_epochs,
)
from ._playground_view import draw_diagram, plot_neurons, render
from ._playground_widget import Playground, playground
from ._race import (
    SGD_FAMILY,
    OptimizerRace,
    optimize_path,
    optimizer_race,
    optimizer_style,
    path_losses,
    plot_losses,
    plot_paths,
    race,
    race_optimizers,
    suggested_learning_rates,
)
from ._surfaces import Surface, surfaces

__all__ = [
    # Playground
    "FEATURES", "CLASSIFICATION_DATASETS", "REGRESSION_DATASETS",
    "LEARNING_RATES", "REGULARIZATION_RATES", "PLAYGROUND_ACTIVATIONS",
    "PlaygroundConfig", "PlaygroundData",
    "PlaygroundState", "make_playground_data", "featurize",
    "build_playground_model", "init_state", "train_epochs",
    "accuracy", "predict_grid", "layer_maps", "gradient_norms",
    "render", "plot_neurons", "draw_diagram", "diagram_html",
    "playground_code", "run_experiment", "Playground", "playground",
    # Optimizer race
    "Surface", "surfaces", "SGD_FAMILY", "suggested_learning_rates",
    "race_optimizers", "optimize_path", "race", "optimizer_style",
    "plot_paths", "path_losses", "plot_losses", "OptimizerRace",
    "optimizer_race",
    # Activations
    "plot_activation", "ActivationExplorer", "activation_explorer",
    # Convolution
    "KERNELS", "parse_kernel", "conv_feature_map", "plot_conv",
    "ConvExplorer", "conv_explorer",
    # Any plotting function
    "make_control", "FunctionExplorer", "explorer",
    # Static pictures
    "control_rows", "draw_controls", "picture_figure",
]

set_public_module(__name__, __all__)
