"""nnkit.plot: each function draws what it promises and returns its Axes."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402

from nnkit import activations, plot  # noqa: E402
from nnkit.perceptron import Perceptron  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def radial_model(grid):
    """P(class 1) high inside radius 2.5: a stand-in for a trained net."""
    r2 = (grid ** 2).sum(axis=1)
    return (1 / (1 + np.exp(r2 - 6.25)))[:, None]


class PredictOnly:
    """An object with .predict(x, verbose=...) like a Keras model."""

    def __init__(self):
        self.verbose_seen = None

    def predict(self, x, verbose="auto"):
        self.verbose_seen = verbose
        return radial_model(x)


def test_decision_boundary_image_covers_the_padded_data_box():
    x = np.array([[-3.0, -1.0], [2.0, 4.0], [0.0, 0.0]])
    y = np.array([0, 1, 1])
    ax = plot.decision_boundary(radial_model, x, y, padding=0.5,
                                resolution=50)
    assert len(ax.images) == 1
    image = ax.images[0]
    np.testing.assert_allclose(image.get_extent(), [-3.5, 2.5, -1.5, 4.5])
    data = image.get_array()
    assert data.shape == (50, 50)
    # The lower-left pixel is the model's output at the box corner.
    assert data[0, 0] == pytest.approx(radial_model(
        np.array([[-3.5, -1.5]]))[0, 0])
    assert len(ax.collections) >= 3      # contour + one scatter per class
    assert ax.get_xlim() == pytest.approx((-3.5, 2.5))


def test_decision_boundary_calls_predict_quietly_and_draws_the_contour():
    model = PredictOnly()
    x = np.random.default_rng(0).uniform(-5, 5, (40, 2))
    ax = plot.decision_boundary(model, x, (np.hypot(*x.T) < 2.5),
                                resolution=30, title="circle")
    assert model.verbose_seen == 0
    assert ax.get_title() == "circle"
    contours = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert len(contours) == 1
    np.testing.assert_allclose(contours[0].levels, [0.5])


def test_decision_boundary_with_hard_labels_shows_only_two_values():
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    p = Perceptron().fit(x, [0, 0, 0, 1])
    ax = plot.decision_boundary(p, x, [0, 0, 0, 1], proba=False,
                                resolution=40)
    values = np.unique(ax.images[0].get_array())
    np.testing.assert_array_equal(values, [0.0, 1.0])


def test_decision_boundary_multiclass_draws_rgb_image():
    centres = np.array([[-2.0, 0.0], [2.0, 0.0], [0.0, 3.0]])

    def softmax_model(grid):
        logits = -((grid[:, None, :] - centres) ** 2).sum(-1)
        return activations.softmax(logits)

    x = centres + 0.1
    ax = plot.decision_boundary(softmax_model, x, np.eye(3), resolution=20)
    rgb = ax.images[0].get_array()
    assert rgb.shape == (20, 20, 3)
    assert len(ax.get_legend().get_texts()) == 3


def test_decision_boundary_rejects_non_2d_points():
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        plot.decision_boundary(radial_model, np.zeros((5, 3)))


def test_learning_curves_draw_train_and_dashed_validation():
    history = {"loss": [1.0, 0.5, 0.25], "val_loss": [1.2, 0.7, 0.6],
               "accuracy": [0.5, 0.8, 0.9]}
    axes = plot.learning_curves(history, metrics=("loss", "accuracy"))
    assert len(axes) == 2
    loss_lines = axes[0].get_lines()
    assert len(loss_lines) == 2
    np.testing.assert_array_equal(loss_lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(loss_lines[1].get_ydata(), [1.2, 0.7, 0.6])
    assert loss_lines[1].get_linestyle() == "--"
    assert len(axes[1].get_lines()) == 1      # no val_accuracy recorded


def test_learning_curves_accept_objects_with_a_history_dict():
    class History:
        history = {"loss": [3.0, 2.0]}

    ax = plot.learning_curves(History())
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), [3.0, 2.0])
    with pytest.raises(ValueError, match="no 'accuracy' in the history"):
        plot.learning_curves(History(), metrics=("accuracy",))


def test_compare_curves_overlays_each_named_curve():
    ax = plot.compare_curves({"nnkit": [1, 0.5], "Keras": [1, 0.51]},
                             logy=True)
    lines = ax.get_lines()
    assert [ln.get_label() for ln in lines] == ["nnkit", "Keras"]
    assert lines[0].get_linestyle() != lines[1].get_linestyle()
    assert ax.get_yscale() == "log"


@pytest.mark.parametrize("sizes", [[2, 4, 1], [3, 5, 5, 2], [1, 1]])
def test_network_diagram_draws_one_circle_per_neuron(sizes):
    ax = plot.network_diagram(sizes)
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    assert len(circles) == sum(sizes)
    lines = [c for c in ax.collections if isinstance(c, LineCollection)]
    n_edges = sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    assert len(lines[0].get_segments()) == n_edges


def test_network_diagram_caps_wide_layers_with_an_ellipsis():
    ax = plot.network_diagram([784, 16, 10], max_neurons=8)
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    assert len(circles) == 8 + 8 + 8
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("\u22ee") == 3
    assert any("784" in t for t in texts)


def test_confusion_matrix_plot_writes_every_count():
    cm = np.array([[8, 2], [4, 6]])
    ax = plot.confusion_matrix_plot(cm, labels=["neg", "pos"])
    assert sorted(t.get_text() for t in ax.texts) == ["2", "4", "6", "8"]
    np.testing.assert_array_equal(ax.images[0].get_array(), cm)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["neg", "pos"]
    ax = plot.confusion_matrix_plot(cm, normalize=True)
    assert "0.80" in [t.get_text() for t in ax.texts]


def test_activation_plot_draws_f_and_its_derivative():
    x = np.linspace(-3, 3, 61)
    ax_f, ax_df = plot.activation_plot(["sigmoid", "relu"], x=x)
    sig = activations.get("sigmoid")
    np.testing.assert_allclose(ax_f.get_lines()[0].get_ydata(),
                               sig.forward(x))
    np.testing.assert_allclose(ax_df.get_lines()[0].get_ydata(),
                               sig.derivative(x))
    labels = [ln.get_label() for ln in ax_f.get_lines()]
    assert [lb for lb in labels if not lb.startswith("_")] == ["sigmoid",
                                                               "relu"]
    with pytest.raises(ValueError, match="not elementwise"):
        plot.activation_plot("softmax")


def test_plots_reuse_given_axes_instead_of_new_figures():
    fig, ax = plt.subplots()
    assert plot.compare_curves({"a": [1, 2]}, ax=ax) is ax
    assert plot.network_diagram([2, 1], ax=ax) is ax
    assert len(plt.get_fignums()) == 1


# --- model_graph ------------------------------------------------------------

def two_input_model():
    """Two inputs through one shared Dense, merged, then two heads: the
    merge's output and the joint layer's output each feed two calls."""
    import nnkit
    from nnkit.layers import Concatenate, Dense

    a, b = nnkit.Input((6,), name="a"), nnkit.Input((6,), name="b")
    enc = Dense(4, name="enc")
    joint = Dense(3, name="joint")(Concatenate(name="cat")([enc(a),
                                                            enc(b)]))
    return nnkit.Model([a, b], [Dense(2, name="y1")(joint),
                                Dense(1, name="y2")(joint)], seed=0)


def residual_model():
    import nnkit
    from nnkit.layers import Add, Dense

    x = nnkit.Input((5,), name="x")
    h = Dense(5, name="stem")(x)
    f = Dense(5, name="f2")(Dense(5, name="f1")(h))
    return nnkit.Model(x, Add(name="add")([f, h]), seed=0)


def boxes(ax):
    return {p.get_gid(): p for p in ax.patches
            if (p.get_gid() or "").startswith("node:")}


def test_model_graph_draws_a_box_per_layer_call():
    ax = plot.model_graph(two_input_model())
    assert set(boxes(ax)) == {"node:a", "node:b", "node:enc:1",
                              "node:enc:2", "node:cat", "node:joint",
                              "node:y1", "node:y2"}
    texts = [t.get_text() for t in ax.texts]
    assert "(None, 8)" in texts and "Concatenate" in texts


@pytest.mark.parametrize("direction", ["TB", "LR"])
def test_model_graph_puts_every_call_after_its_inputs(direction):
    ax = plot.model_graph(two_input_model(), direction=direction)
    b = boxes(ax)

    def level(name):       # TB: lower on the page; LR: further right
        x, y = b[name].get_x(), b[name].get_y()
        return -y if direction == "TB" else x

    for parent, child in [("node:a", "node:enc:1"), ("node:b", "node:enc:2"),
                          ("node:enc:1", "node:cat"), ("node:cat",
                                                       "node:joint"),
                          ("node:joint", "node:y1"), ("node:joint",
                                                      "node:y2")]:
        assert level(child) > level(parent)


def test_model_graph_marks_each_fan_out_when_drawing_gradients():
    model = two_input_model()
    plain = plot.model_graph(model)
    assert not [p for p in plain.patches if isinstance(p, Circle)]
    ax = plot.model_graph(model, gradients=True)
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    assert len(circles) == 1                # joint feeds y1 and y2
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    edges = sum(1 for n in model.nodes for t in n.inputs
                if not t.node.is_input)     # the data get no gradient
    assert len(dashed) == edges == 5        # a backward arrow per tensor


def test_model_graph_routes_a_skip_connection_around_the_boxes():
    ax = plot.model_graph(residual_model(), gradients=True)
    b = boxes(ax)
    right = max(b[k].get_x() + b[k].get_width() for k in ("node:f1",
                                                          "node:f2"))
    long_paths = [ln for ln in ax.get_lines() if len(ln.get_xdata()) == 4]
    assert len(long_paths) == 2             # forward and backward
    for ln in long_paths:
        assert max(ln.get_xdata()) > right


def test_model_graph_draws_a_sequential_model_as_a_chain():
    import nnkit
    from nnkit.layers import Dense

    seq = nnkit.Sequential([nnkit.Input((4,)), Dense(3), Dense(1)])
    ax = plot.model_graph(seq)
    assert len(boxes(ax)) == 3
    with pytest.raises(ValueError, match="direction"):
        plot.model_graph(seq, direction="BT")
    with pytest.raises(TypeError, match="nnkit model"):
        plot.model_graph(object())
