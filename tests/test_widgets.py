"""nnkit.widgets: the plain functions compute the right things, and the
three widgets build, draw and respond to their controls."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402

from nnkit import activations, losses, optimizers, widgets  # noqa: E402
from nnkit.gradcheck import numerical_gradient  # noqa: E402

PNG = b"\x89PNG"


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --------------------------------------------------------------------------
# Playground: data and features
# --------------------------------------------------------------------------

def test_featurize_columns_equal_the_playground_formulas():
    x = np.random.default_rng(0).uniform(-6, 6, (50, 2))
    x1, x2 = x[:, 0], x[:, 1]
    out = widgets.featurize(x, list(widgets.FEATURES))
    expected = np.column_stack([x1, x2, x1 ** 2, x2 ** 2, x1 * x2,
                                np.sin(x1), np.sin(x2)])
    assert out.shape == (50, 7)
    np.testing.assert_array_equal(out, expected)
    # The order given is the column order.
    np.testing.assert_array_equal(
        widgets.featurize(x, ["sin(x2)", "x1"]),
        np.column_stack([np.sin(x2), x1]))


def test_featurize_rejects_unknown_features_and_bad_shapes():
    with pytest.raises(ValueError, match="features.*x1\\^2.*'x3'"):
        widgets.featurize(np.zeros((3, 2)), ["x1", "x3"])
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        widgets.featurize(np.zeros((3, 3)))


def test_playground_data_is_split_by_the_train_ratio():
    data = widgets.make_playground_data("xor", noise=0, train_ratio=70,
                                        seed=1)
    assert len(data.x_train) == 350 and len(data.x_test) == 150
    assert set(np.unique(data.y_train)) == {0, 1}
    assert not data.regression
    reg = widgets.make_playground_data("plane", train_ratio=10)
    assert len(reg.x_train) == 120 and len(reg.x_test) == 1080
    assert reg.regression and reg.y_train.dtype.kind == "f"


@pytest.mark.parametrize("field, value, message", [
    ("dataset", "moons", "dataset must be one of circle"),
    ("noise", 60, r"noise must be in \[0, 50\], got 60"),
    ("train_ratio", 100, r"train_ratio must be a percentage"),
    ("batch_size", 0, "batch_size must be an integer >= 1, got 0"),
    ("hidden", (4, 0), "hidden must be a sequence of integers >= 1"),
    ("learning_rate", 0, "learning_rate must be > 0, got 0"),
    ("regularization", "l3",
     "regularization must be one of None, 'l1' or 'l2'"),
])
def test_config_rejects_bad_settings_naming_the_field(field, value,
                                                      message):
    with pytest.raises(ValueError, match="PlaygroundConfig: " + message):
        widgets.PlaygroundConfig(**{field: value})


def test_config_problem_follows_the_dataset():
    assert widgets.PlaygroundConfig().problem == "classification"
    assert widgets.PlaygroundConfig(dataset="multi_gauss").problem == \
        "regression"


# --------------------------------------------------------------------------
# Playground: the two training modes
# --------------------------------------------------------------------------

def test_playground_exact_model_has_the_documented_init_and_loss():
    model = widgets.build_playground_model(
        2, hidden=(8, 8), activation="relu", exact=True, seed=3)
    dense = model.layers
    assert [layer.units for layer in dense] == [8, 8, 1]
    kernels = np.concatenate([d.kernel.data.ravel() for d in dense])
    assert kernels.min() >= -0.5 and kernels.max() < 0.5
    assert kernels.min() < -0.4 and kernels.max() > 0.4   # really spread
    for d in dense:
        np.testing.assert_array_equal(d.bias.data, 0.1)
    assert [d.activation.name for d in dense] == ["relu", "relu", "tanh"]
    assert isinstance(model.loss, losses.HalfSquaredError)
    assert isinstance(model.optimizer, optimizers.SGD)
    assert model.optimizer.momentum == 0
    reg = widgets.build_playground_model(2, (), problem="regression",
                                         exact=True)
    assert reg.layers[-1].activation.name == "linear"


def test_nnkit_default_model_uses_glorot_sigmoid_and_cross_entropy():
    model = widgets.build_playground_model(3, hidden=(6,), seed=0)
    first, out = model.layers
    limit = np.sqrt(6 / (3 + 6))
    assert np.abs(first.kernel.data).max() <= limit
    np.testing.assert_array_equal(first.bias.data, 0.0)
    assert out.activation.name == "sigmoid"
    assert model.loss.name == "binary_crossentropy"
    reg = widgets.build_playground_model(2, (4,), problem="regression")
    assert reg.loss.name == "mean_squared_error"


def test_exact_targets_are_signed_and_default_targets_are_zero_one():
    exact = widgets.init_state(dataset="xor", exact=True)
    default = widgets.init_state(dataset="xor")
    assert set(np.unique(exact.targets_train)) == {-1.0, 1.0}
    assert set(np.unique(default.targets_train)) == {0.0, 1.0}
    np.testing.assert_array_equal(exact.targets_train[:, 0],
                                  2.0 * default.targets_train[:, 0] - 1)


def test_half_squared_error_is_half_the_squared_error():
    rng = np.random.default_rng(0)
    t, o = rng.normal(size=(7, 1)), rng.normal(size=(7, 1))
    loss = losses.get("half_squared_error")
    assert isinstance(loss, losses.HalfSquaredError)
    assert loss(t, o) == pytest.approx(0.5 * np.mean((o - t) ** 2))
    assert loss(t, o) == pytest.approx(losses.MeanSquaredError()(t, o) / 2)
    num = numerical_gradient(lambda: loss(t, o), o)
    np.testing.assert_allclose(loss.gradient(t, o), num, rtol=1e-7)
    assert not hasattr(widgets, "HalfSquaredError")    # one home


@pytest.mark.parametrize("kwargs, message", [
    (dict(regularization="l3"), "regularization must be one of None, 'l1'"),
    (dict(regularization="l2", regularization_rate=-1),
     "regularization_rate must be a finite number >= 0, got -1"),
    (dict(regularization_rate=float("nan")), "regularization_rate"),
])
def test_regularization_is_checked_by_one_validator(kwargs, message):
    with pytest.raises(ValueError, match="PlaygroundConfig: " + message):
        widgets.PlaygroundConfig(**kwargs)
    with pytest.raises(ValueError,
                       match="build_playground_model: " + message):
        widgets.build_playground_model(2, **kwargs)
    assert widgets.PlaygroundConfig(regularization="None").regularization \
        is None


@pytest.mark.parametrize("kind, penalty", [
    ("l1", lambda w, r: r * np.abs(w).sum()),
    ("l2", lambda w, r: r * (w ** 2).sum() / 2),   # the Playground's L2
])
def test_regularization_rate_means_what_it_means_in_the_playground(
        kind, penalty):
    rate = 0.03
    model = widgets.build_playground_model(
        2, (3,), regularization=kind, regularization_rate=rate, exact=True)
    expected = sum(penalty(d.kernel.data, rate) for d in model.layers)
    assert model._penalties() == pytest.approx(expected, rel=1e-12)
    assert all(d.bias_regularizer is None for d in model.layers)


@pytest.mark.parametrize("exact, deep_max, linear_min", [
    (False, 0.15, 0.6),     # cross-entropy: chance level is log 2
    (True, 0.05, 0.4),      # 0.5 (o - t)^2 on -1/+1: chance is about 0.5
])
def test_xor_needs_hidden_layers(exact, deep_max, linear_min):
    deep = widgets.run_experiment(dict(dataset="xor", hidden=(4, 4),
                                       exact=exact), epochs=150)
    linear = widgets.run_experiment(dict(dataset="xor", hidden=(),
                                         exact=exact), epochs=150)
    assert deep["test_loss"][-1] < deep_max
    assert deep["test_accuracy"] > 0.95
    assert linear["test_loss"][-1] > linear_min
    assert linear["test_accuracy"] < 0.8
    assert len(deep["train_loss"]) == len(deep["test_loss"]) == 151
    assert deep["test_loss"][-1] < deep["test_loss"][0] / 4


def test_run_experiment_is_reproducible_and_seed_dependent():
    cfg = widgets.PlaygroundConfig(dataset="circle", hidden=(3,))
    a = widgets.run_experiment(cfg, 5)
    b = widgets.run_experiment(cfg, 5)
    c = widgets.run_experiment(cfg, 5, seed=1)
    np.testing.assert_array_equal(a["train_loss"], b["train_loss"])
    assert not np.array_equal(a["train_loss"], c["train_loss"])
    assert c["config"].seed == 1 and c["config"].hidden == (3,)


def test_training_stops_and_reports_divergence():
    r = widgets.run_experiment(dict(dataset="plane", hidden=(),
                                    learning_rate=10.0), epochs=20)
    assert r["diverged"]
    assert r["epochs"] < 20
    assert not np.isfinite(r["train_loss"][-1])
    assert np.isnan(r["test_accuracy"])          # regression


def test_render_draws_map_points_and_curves():
    state = widgets.train_epochs(widgets.init_state(), 3)
    assert state.epoch == 3 and len(state.train_loss) == 4
    axes = widgets.render(state)
    heat, curves = axes
    assert len(heat.images) == 1
    assert heat.images[0].get_array().shape == (100, 100)
    assert len(heat.collections) == 2              # train and test points
    np.testing.assert_array_equal(curves.lines[0].get_ydata(),
                                  state.train_loss)
    np.testing.assert_array_equal(curves.lines[1].get_ydata(),
                                  state.test_loss)
    _, ax2 = plt.subplots(1, 2)
    widgets.render(state, ax2, show_test=False, discretize=True)
    assert len(ax2[0].collections) == 1
    assert set(np.unique(ax2[0].images[0].get_array())) <= {0.0, 1.0}


def test_plot_neurons_shows_one_map_per_neuron():
    state = widgets.init_state(hidden=(3, 2))
    fig = widgets.plot_neurons(state, resolution=10)
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert len(shown) == 3 + 2 + 1
    assert all(len(ax.images) == 1 for ax in shown)


# --------------------------------------------------------------------------
# Optimizer race
# --------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(widgets.surfaces()))
def test_surface_gradients_match_central_differences(name):
    surf = widgets.surfaces()[name]
    rng = np.random.default_rng(1)
    (x0, x1), (y0, y1) = surf.bounds
    for _ in range(3):
        p = np.array([rng.uniform(x0, x1), rng.uniform(y0, y1)])
        num = numerical_gradient(lambda p=p: float(surf.f(*p)), p)
        np.testing.assert_allclose(surf.grad(*p), num, rtol=1e-6,
                                   atol=1e-6)
    if surf.minimum is not None:
        np.testing.assert_allclose(surf.grad(*surf.minimum), 0, atol=1e-12)


def test_sgd_path_on_the_quadratic_is_gradient_descent_in_closed_form():
    lr, steps, start = 0.07, 40, (-4.0, 1.5)
    path = widgets.optimize_path("quadratic", optimizers.SGD(lr), start,
                                 steps)
    k = np.arange(steps + 1)
    # f = (x^2 + 10 y^2) / 2: each step multiplies x by 1 - lr and y by
    # 1 - 10 lr.
    expected = np.column_stack([start[0] * (1 - lr) ** k,
                                start[1] * (1 - 10 * lr) ** k])
    np.testing.assert_allclose(path, expected, rtol=1e-12, atol=1e-15)


def test_adam_path_equals_a_hand_rolled_adam():
    if not hasattr(optimizers, "Adam"):
        pytest.skip("nnkit.optimizers has no Adam yet")
    surf = widgets.surfaces()["rosenbrock"]
    lr, b1, b2, eps = 0.05, 0.9, 0.999, 1e-7
    w = np.array(surf.start, dtype=float)
    m, v = np.zeros(2), np.zeros(2)
    expected = [w.copy()]
    for t in range(1, 61):
        g = surf.grad(*w)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        w = w - alpha * m / (np.sqrt(v) + eps)
        expected.append(w.copy())
    path = widgets.optimize_path(surf, optimizers.Adam(lr), steps=60)
    np.testing.assert_allclose(path, np.array(expected), rtol=1e-10)


def test_optimize_path_leaves_the_given_optimizer_untouched():
    opt = optimizers.SGD(0.01, momentum=0.9)
    a = widgets.optimize_path("beale", opt, steps=20)
    b = widgets.optimize_path("beale", opt, steps=20)
    assert opt.iterations == 0
    np.testing.assert_array_equal(a, b)


def test_a_path_that_runs_away_ends_in_nan_rows():
    path = widgets.optimize_path("rosenbrock", optimizers.SGD(0.1),
                                 steps=50)
    assert path.shape == (51, 2)
    assert np.isnan(path[-1]).all()
    finite = np.isfinite(path).all(axis=1)
    assert finite[0] and not finite[-1]
    assert np.all(np.diff(finite.astype(int)) <= 0)   # NaN to the end


def test_race_offers_every_nnkit_optimizer():
    table = widgets.race_optimizers(0.02)
    assert list(table)[:3] == ["SGD", "Momentum", "Nesterov"]
    assert table["Momentum"].momentum == 0.9
    assert table["Nesterov"].nesterov
    exported = {name for name in optimizers.__all__
                if isinstance(getattr(optimizers, name), type)
                and issubclass(getattr(optimizers, name),
                               optimizers.Optimizer)
                and name not in ("Optimizer", "SGD")}
    assert exported <= set(table)
    assert all(opt.learning_rate == 0.02 for opt in table.values())


def test_race_uses_the_surfaces_suggested_rates_and_overrides():
    surf = widgets.surfaces()["quadratic"]
    paths = widgets.race("quadratic", ["SGD"], steps=5)
    direct = widgets.optimize_path(
        "quadratic", optimizers.SGD(surf.learning_rate), steps=5)
    np.testing.assert_array_equal(paths["SGD"], direct)
    rates = widgets.suggested_learning_rates("quadratic", ["SGD", "Adam"])
    assert rates == {"SGD": surf.learning_rate,
                     "Adam": surf.adaptive_learning_rate}
    custom = widgets.race("quadratic", ["SGD"], {"SGD": 0.01}, steps=5)
    assert custom["SGD"][1, 0] == pytest.approx(-4.0 * 0.99)
    with pytest.raises(ValueError, match="unknown optimizer 'Lion'"):
        widgets.race("quadratic", ["Lion"])


def test_plot_paths_draws_contours_and_truncates_at_step():
    paths = widgets.race("beale", ["SGD", "Momentum"], steps=30)
    ax = widgets.plot_paths("beale", paths, step=10)
    assert any(isinstance(c, ContourSet) for c in ax.get_children())
    sgd_line = ax.lines[0]
    assert sgd_line.get_label() == "SGD"
    assert len(sgd_line.get_xdata()) == 11
    np.testing.assert_array_equal(ax.lines[1].get_xdata(),
                                  paths["SGD"][10:11, 0])   # current point


def test_plot_paths_marks_paths_that_leave_the_plot():
    paths = {"SGD": widgets.optimize_path(
        "rosenbrock", optimizers.SGD(0.1), steps=30)}
    ax = widgets.plot_paths("rosenbrock", paths)
    assert ax.lines[0].get_label() == "SGD (left the plot)"


# --------------------------------------------------------------------------
# Activations
# --------------------------------------------------------------------------

def test_plot_activation_uses_alpha():
    axes = widgets.plot_activation("leaky_relu", alpha=0.25,
                                   x=np.array([-4.0, 2.0]))
    np.testing.assert_array_equal(axes[0].lines[0].get_ydata(),
                                  [-1.0, 2.0])
    np.testing.assert_array_equal(axes[1].lines[0].get_ydata(),
                                  [0.25, 1.0])
    with pytest.raises(ValueError, match="'relu' has no parameter alpha"):
        widgets.plot_activation("relu", alpha=0.5)


def test_plot_activation_overlays_other_activations():
    axes = widgets.plot_activation("elu", overlay=["relu", "tanh", "elu"])
    for ax in axes:
        assert [ln.get_label() for ln in ax.lines
                if not ln.get_label().startswith("_")] == ["elu", "relu",
                                                           "tanh"]
    x = axes[0].lines[2].get_xdata()
    np.testing.assert_allclose(axes[0].lines[2].get_ydata(), np.tanh(x))


# --------------------------------------------------------------------------
# Drawing without matplotlib: PNG heat maps, HTML and SVG
# --------------------------------------------------------------------------

def test_png_bytes_decode_to_the_same_pixels():
    from PIL import Image

    from nnkit.widgets._png import colorize, png_bytes
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (13, 7, 3), dtype=np.uint8)
    back = np.asarray(Image.open(__import__("io").BytesIO(png_bytes(rgb))))
    np.testing.assert_array_equal(back, rgb)
    z = np.array([[-1.0, 0.0], [1.0, np.nan]])
    img = colorize(z, -1, 1, flip=False)
    assert tuple(img[0, 0]) == (0xE6, 0x9F, 0x00)      # orange low
    assert tuple(img[1, 0]) == (0x00, 0x72, 0xB2)      # blue high
    np.testing.assert_array_equal(img[1, 1], img[0, 1])  # NaN: middle
    with pytest.raises(ValueError, match=r"png_bytes: rgb must have shape"):
        png_bytes(np.zeros((3, 3)))


def test_layer_maps_and_gradient_norms_match_the_model():
    state = widgets.train_epochs(widgets.init_state(hidden=(3, 2)), 2)
    maps = widgets.layer_maps(state, 9)
    assert [m.shape for m in maps] == [(2, 9, 9), (3, 9, 9), (2, 9, 9),
                                       (1, 9, 9)]
    _, z = widgets.predict_grid(state, 9)
    np.testing.assert_allclose(maps[-1][0], z, rtol=1e-12)
    ticks = np.linspace(-6, 6, 9)
    np.testing.assert_allclose(maps[0][0][4], ticks)     # x1 along a row
    norms = widgets.gradient_norms(state)
    state.model.forward_backward(state.inputs_train, state.targets_train)
    expected = [np.linalg.norm(d.kernel.grad) for d in state.model.layers]
    np.testing.assert_allclose(norms, expected, rtol=1e-12)
    assert norms.shape == (3,) and np.all(norms > 0)
    state.diverged = True
    assert np.isnan(widgets.gradient_norms(state)).all()


def test_diagram_html_draws_every_node_and_weight_by_sign_and_size():
    import re
    state = widgets.init_state(hidden=(3,), features=("x1", "x1*x2"))
    weights = state.model.get_weights()
    html = widgets.diagram_html(state.config, weights,
                                widgets.layer_maps(state, 79))
    assert html.count('class="nnk-node"') == 2 + 3 + 1     # in use
    assert html.count('class="nnk-node nnk-off"') == 5      # faded
    lines = re.findall(r'<line [^>]*stroke="(#[0-9A-F]+)" '
                       r'stroke-width="([\d.]+)"', html)
    w = np.concatenate([weights[0].ravel(), weights[2].ravel()])
    assert len(lines) == w.size == 2 * 3 + 3
    colours = sorted(c for c, _ in lines)
    assert colours == sorted("#0072B2" if v >= 0 else "#E69F00" for v in w)
    widths = sorted(float(x) for _, x in lines)
    np.testing.assert_allclose(widths, sorted(
        min(0.5 + 1.6 * abs(v), 7.0) for v in w), atol=0.006)
    assert "weight " in html and "hover or click to enlarge" in html
    assert ":hover" in widgets._playground_html.CSS


def test_loss_chart_has_sensible_axes_from_epoch_zero():
    from nnkit.widgets._playground_html import loss_svg, nice_ticks
    svg = loss_svg([("train", [0.69], "#000", "")])
    assert ">10</text>" in svg and ">-0" not in svg      # 0..10 epochs
    assert "<circle" in svg                       # the lone point shows
    assert nice_ticks(0, 10, 4, integer=True) == [0, 5, 10]
    assert nice_ticks(0, 0.7) == [0, 0.2, 0.4, 0.6, 0.8]


# --------------------------------------------------------------------------
# Show as code
# --------------------------------------------------------------------------

@pytest.mark.parametrize("cfg", [
    dict(),
    dict(dataset="xor", hidden=(3, 3, 2), activation="relu",
         features=("x1", "x2", "x1*x2"), regularization="l2",
         regularization_rate=0.01, exact=True, batch_size=7),
    dict(dataset="plane", hidden=(), regularization="l1",
         regularization_rate=0.003),
])
def test_nnkit_code_rebuilds_the_playgrounds_run_exactly(cfg):
    state = widgets.train_epochs(widgets.init_state(**cfg), 3)
    code = widgets.playground_code(state.config, "nnkit", epochs=3)
    scope: dict = {}
    exec(compile(code, "<playground-code>", "exec"), scope)
    model = scope["model"]
    assert model.count_params() == state.model.count_params()
    for mine, theirs in zip(model.get_weights(),
                            state.model.get_weights()):
        np.testing.assert_array_equal(mine, theirs)


def test_keras_code_builds_the_same_architecture():
    pytest.importorskip("keras")
    cfg = widgets.PlaygroundConfig(
        dataset="spiral", hidden=(5, 4), activation="sigmoid",
        features=("x1", "x2", "sin(x1)"), regularization="l2",
        regularization_rate=0.03, exact=True)
    state = widgets.init_state(cfg)
    code = widgets.playground_code(cfg, "keras", epochs=1)
    assert "half_squared_error" in code and "L2(0.015)" in code
    scope: dict = {}
    exec(compile(code, "<playground-code>", "exec"), scope)
    keras_model = scope["model"]
    assert keras_model.count_params() == state.model.count_params()
    shapes = [w.shape for w in keras_model.get_weights()]
    assert shapes == [w.shape for w in state.model.get_weights()]
    assert [layer.activation.__name__ for layer in keras_model.layers] == \
        ["sigmoid", "sigmoid", "tanh"]


def test_playground_code_rejects_bad_arguments():
    with pytest.raises(ValueError, match="playground_code: framework must "
                       "be 'nnkit' or 'keras', got 'torch'"):
        widgets.playground_code(None, "torch")
    with pytest.raises(ValueError, match="playground_code: epochs"):
        widgets.playground_code(None, epochs=0)


# --------------------------------------------------------------------------
# The Playground widget
# --------------------------------------------------------------------------

def _nodes(pg):
    return pg.diagram.value.count('class="nnk-node')


def test_playground_widget_draws_its_default_run():
    pg = widgets.playground(dataset="xor")
    assert bytes(pg.output_image.value).startswith(PNG)
    assert _nodes(pg) == 7 + 4 + 2 + 1
    assert pg.diagram.value.count("<line ") == 2 * 4 + 4 * 2 + 2
    assert pg.points.value.count("<circle") == 500      # train + test
    assert "Epoch" in pg.epoch_label.value and "00,000" in \
        pg.epoch_label.value
    assert "Test accuracy" in pg.stats.value
    assert pg.config_from_controls() == pg.state.config
    assert "nnk-ds" in pg.dataset._dom_classes
    assert pg.css.value.count("background-image") == 4   # thumbnails
    bundle = pg._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_playground_step_play_and_reset_move_the_epoch_counter():
    pg = widgets.Playground(epochs_per_frame=3)
    pg.step_button.click()
    assert pg.state.epoch == 1 and "00,001" in pg.epoch_label.value
    pg.play.value += 1                 # a tick while paused: nothing
    assert pg.state.epoch == 1
    pg.play_button.value = True        # the one play/pause toggle
    assert pg.play_button.description == "Pause"
    pg.play.value += 1
    assert pg.state.epoch == 4
    pg.play.value += 1
    assert pg.state.epoch == 7
    assert len(pg.frame_times) == 2
    pg.reset_button.click()
    assert pg.state.epoch == 0 and not pg.play_button.value
    assert pg.play_button.description == "Play"
    assert len(pg.state.train_loss) == 1


def test_playground_adapts_epochs_per_frame_to_the_budget():
    from nnkit.widgets._playground_widget import FRAME_BUDGET
    pg = widgets.Playground()
    assert pg.speed.value == 0 and pg.speed.label == "auto"
    pg.step(2)
    pg._epoch_cost, pg._draw_cost = 0.002, 0.010
    assert pg.epochs_this_frame() == int((FRAME_BUDGET - 0.010) / 0.002)
    pg._budget = 0.030          # frames came late: a smaller budget
    assert pg.epochs_this_frame() == int((0.030 - 0.010) / 0.002)
    pg._epoch_cost = 1.0                   # slow epochs: still one
    assert pg.epochs_this_frame() == 1
    # The budget follows the time between frames: late frames shrink
    # it, early ones grow it, within [MIN_BUDGET, FRAME_BUDGET].
    from nnkit.widgets._playground_widget import MIN_BUDGET
    pg._budget = FRAME_BUDGET
    assert pg.adapt_budget(0.2) == MIN_BUDGET           # 5 frames/s
    assert pg.adapt_budget(0.055) == pytest.approx(
        MIN_BUDGET + 0.5 * (1 / 15 - 0.055))             # ticks early
    for _ in range(20):
        pg.adapt_budget(0.055)
    assert pg._budget == FRAME_BUDGET
    pg.speed.value = 25
    assert pg.epochs_this_frame() == 25
    with pytest.raises(ValueError, match="Playground: epochs_per_frame"):
        widgets.Playground(epochs_per_frame=0)


def test_playground_plus_minus_change_the_network_and_the_diagram():
    pg = widgets.Playground()
    pg.step(2)
    pg.layer_plus.click()
    assert pg.state.epoch == 0
    assert [d.units for d in pg.state.model.layers] == [4, 2, 2, 1]
    assert _nodes(pg) == 7 + 4 + 2 + 2 + 1
    assert len(pg.neuron_plus) == 3
    pg.neuron_plus[2].click()
    assert pg.state.config.hidden == (4, 2, 3)
    assert "Hidden layer 3: 3 neurons" in pg.message.value
    for _ in range(10):
        pg.neuron_plus[0].click()
    assert pg.state.config.hidden[0] == 8 and pg.neuron_plus[0].disabled
    for _ in range(10):
        pg.neuron_minus[1].click()
    assert pg.state.config.hidden[1] == 1 and pg.neuron_minus[1].disabled
    for _ in range(8):
        pg.layer_plus.click()
    assert len(pg.state.config.hidden) == 6 and pg.layer_plus.disabled
    for _ in range(8):
        pg.layer_minus.click()
    assert pg.state.config.hidden == () and pg.layer_minus.disabled
    assert _nodes(pg) == 7 + 1
    assert pg.header.children and pg.neuron_plus == []


def test_playground_controls_rebuild_the_run_and_say_so():
    pg = widgets.Playground()
    pg.step(2)
    pg.features["x1*x2"].value = True
    assert pg.state.inputs_train.shape[1] == 3 and pg.state.epoch == 0
    assert "Feature x₁x₂ on" in pg.message.value
    pg.noise.value = 20
    assert pg.state.config.noise == 20
    assert "Noise: 20" in pg.message.value
    pg.exact.value = True
    assert isinstance(pg.state.model.loss, losses.HalfSquaredError)
    assert "Playground-exact" in pg.mode_note.value
    pg.regularization.value = "l2"
    assert pg.state.config.regularization == "l2"
    pg.regularization.value = "none"
    assert pg.state.config.regularization is None
    assert pg.regularization.label == "None"    # not an empty menu
    pg.problem.value = "regression"
    assert list(pg.dataset.options) == list(widgets.REGRESSION_DATASETS)
    assert pg.state.config.dataset == "plane" and pg.state.data.regression
    assert pg.css.value.count("background-image") == 2
    pg.show_test.value = False
    assert pg.points.value.count("<circle") == len(pg.state.data.x_train)
    assert "Show test data: off" in pg.message.value


def test_playground_discretized_points_stay_visible():
    pg = widgets.Playground()
    from PIL import Image
    pg.discretize.value = True
    img = np.asarray(Image.open(__import__("io").BytesIO(
        bytes(pg.output_image.value))))
    # a lightened map: no pixel as dark as the points' own colours
    assert img.min(axis=(0, 1)).max() > 100
    assert pg.points.value.count("<circle") == 500


def test_playground_without_features_says_so_and_waits():
    pg = widgets.Playground()
    pg.features["x1"].value = False            # a new run on x2 alone
    pg.step(3)
    pg.features["x2"].value = False
    assert "No input feature is selected" in pg.feature_note.value
    assert pg.step_button.disabled and pg.play_button.disabled
    assert pg.state.epoch == 3                 # nothing trained silently
    pg.features["x2"].value = True
    assert not pg.step_button.disabled and pg.feature_note.value == ""
    assert pg.state.config.features == ("x2",)


def test_playground_learning_rate_changes_without_a_reset():
    pg = widgets.Playground()
    pg.step(2)
    pg.learning_rate.value = 0.3
    assert pg.state.epoch == 2
    assert pg.state.model.optimizer.learning_rate == 0.3
    assert pg.state.config.learning_rate == 0.3
    assert "training goes on" in pg.message.value


def test_playground_compares_two_configurations_on_the_same_data():
    pg = widgets.Playground()
    pg.pin_button.click()
    pg.activation.value = "relu"
    a, b = pg.state, pg.compare_state
    assert b is not None and b.config.activation == "tanh"
    assert a.config.activation == "relu"
    np.testing.assert_array_equal(a.data.x_train, b.data.x_train)
    pg.noise.value = 10                     # B follows A's data
    np.testing.assert_array_equal(pg.state.data.x_train,
                                  pg.compare_state.data.x_train)
    pg.step(2)
    assert pg.compare_state.epoch == 2
    assert pg.loss_chart.value.count("<polyline") == 4
    assert "activation: tanh" in pg.compare_label.value
    assert bytes(pg.compare_image.value).startswith(PNG)
    pg.unpin_button.click()
    assert pg.compare_state is None
    assert pg.loss_chart.value.count("<polyline") == 2


def test_playground_shows_its_network_as_code():
    pg = widgets.Playground(hidden=(3,))
    assert pg.code_view.layout.display == "none"
    pg.code_button.value = True
    assert pg.code_view.layout.display is None
    assert 'data-framework="nnkit"' in pg.code_view.value
    assert 'data-framework="keras"' in pg.code_view.value
    assert "Dense(3, activation=&quot;tanh&quot;)" in pg.code_view.value
    pg.add_neuron(0)
    assert "Dense(4, activation=&quot;tanh&quot;)" in pg.code_view.value


def test_playground_divergence_pauses_and_says_so():
    pg = widgets.Playground(dataset="plane", hidden=(),
                            learning_rate=10.0, epochs_per_frame=5)
    pg.play_button.value = True
    pg.play.value += 1
    assert pg.state.diverged and not pg.play_button.value
    assert "diverged" in pg.stats.value
    assert "lower the learning rate" in pg.message.value


def test_playground_picture_shows_controls_diagram_and_output():
    pg = widgets.Playground()
    pg.step(3)
    fig = pg.picture()
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    for label in ("Controls (live in JupyterLab)", "Learning rate",
                  "0.03", "Tanh", "Classification", "▶ Play",
                  "4 neurons", "Ratio of training data (%)"):
        assert label in texts, label
    diagram = fig.axes[1]
    assert len(diagram.images) == 7 + 4 + 2 + 1
    assert len(diagram.lines) == 2 * 4 + 4 * 2 + 2
    assert len(fig.axes[2].images) == 1                  # the output map


# --------------------------------------------------------------------------
# The other widgets
# --------------------------------------------------------------------------

def test_optimizer_styles_are_fixed_per_optimizer():
    styles = {n: widgets.optimizer_style(n) for n in widgets.race_optimizers()}
    colours = [s["color"] for s in styles.values()]
    assert len(set(colours[:8])) == 8            # the first eight differ
    assert len({(s["color"], s["marker"]) for s in styles.values()}) == \
        len(styles)
    paths = widgets.race("quadratic", ["Adam", "SGD"], steps=10)
    ax = widgets.plot_paths("quadratic", paths)
    assert ax.lines[0].get_color() == styles["Adam"]["color"]
    assert ax.lines[2].get_color() == styles["SGD"]["color"]


def test_plot_losses_shows_the_loss_per_step():
    paths = widgets.race("quadratic", ["SGD", "Adam"], steps=20)
    ax = widgets.plot_losses("quadratic", paths, step=5)
    assert [ln.get_label() for ln in ax.lines] == ["SGD", "Adam"]
    surf = widgets.surfaces()["quadratic"]
    np.testing.assert_allclose(ax.lines[0].get_ydata(),
                               surf.f(*paths["SGD"][:6].T))
    assert ax.get_yscale() == "log"


def test_optimizer_race_widget_animates_precomputed_paths():
    race = widgets.optimizer_race("quadratic", steps=40)
    assert bytes(race.image.value).startswith(PNG)
    assert set(race.paths) == set(race.names.value)
    assert all(p.shape == (41, 2) for p in race.paths.values())
    first = bytes(race.image.value)
    race.step_slider.value = 5     # (Play drives it in the browser)
    assert race.play.max == race.step_slider.max == 40
    line = race._artists["SGD"][0]
    assert len(line.get_xdata()) == 6
    assert bytes(race.image.value) != first
    race.names.value = ("SGD",)
    assert list(race.paths) == ["SGD"]
    race.sgd_rate.value = 0.01
    np.testing.assert_allclose(race.paths["SGD"][1, 0], -4.0 * 0.99)
    fig = race.picture()
    assert any(t.get_text() == "Controls (live in JupyterLab)"
               for t in fig.axes[0].texts)


def test_optimizer_race_surface_change_resets_start_and_rates():
    race = widgets.OptimizerRace("quadratic", steps=20)
    race.surface.value = "beale"
    surf = widgets.surfaces()["beale"]
    assert (race.start_x.value, race.start_y.value) == surf.start
    assert race.sgd_rate.value == pytest.approx(surf.learning_rate)
    assert race.adaptive_rate.value == pytest.approx(
        surf.adaptive_learning_rate)
    np.testing.assert_array_equal(race.paths["SGD"][0], surf.start)


def test_activation_explorer_shows_alpha_only_where_it_applies():
    ex = widgets.activation_explorer("relu")
    assert bytes(ex.image.value).startswith(PNG)
    assert ex.alpha_row.layout.display == "none"
    names = ex.name.options
    assert "softmax" not in names and "relu" in names
    assert all(activations.get(n).elementwise for n in names)
    ex.name.value = "leaky_relu"
    assert ex.alpha_row.layout.display is None
    assert "negative_slope" in ex.alpha_row.children[0].value
    ex.alpha.value = 0.5
    f_line = ex.figure.axes[0].lines[0]
    x, y = f_line.get_xdata(), f_line.get_ydata()
    np.testing.assert_allclose(y[x < 0], 0.5 * x[x < 0])
    ex.overlay.value = ("tanh", "sigmoid")
    assert [ln.get_label() for ln in ex.figure.axes[0].lines
            if not ln.get_label().startswith("_")][1:] == ["tanh", "sigmoid"]


@pytest.mark.parametrize("text, message", [
    ("", "empty"), ("1 0; 1", "same number of entries, got rows of 2, 1"),
    ("1 a; 2 3", "'a' in the custom filter is not a number"),
    ("; ".join(["1 " * 10] * 10), "at most 9 x 9"),
])
def test_parse_kernel_says_what_is_wrong(text, message):
    with pytest.raises(ValueError, match="parse_kernel: .*" + message):
        widgets.parse_kernel(text)


def test_conv_feature_map_is_the_correlation():
    img = np.arange(25.0).reshape(5, 5)
    k = np.array([[1.0, 0.0], [0.0, -1.0]])
    fmap = widgets.conv_feature_map(img, k)
    expected = img[:-1, :-1] - img[1:, 1:]
    np.testing.assert_allclose(fmap, expected)
    assert widgets.conv_feature_map(img, k, 2, "same").shape == (3, 3)


def test_conv_explorer_applies_a_custom_filter_or_explains():
    ex = widgets.conv_explorer({"ramp": np.tile(np.arange(28.0), (28, 1))})
    assert ex.image_choice.value == "ramp"
    assert not ex.custom.continuous_update        # applied on Enter
    assert ex.feature_map.shape == (26, 26)
    ex.kernel.value = "custom"
    before = bytes(ex.image.value)
    ex.custom.value = "1 1; -1"
    assert "same number of entries" in ex.message.value
    assert bytes(ex.image.value) == before         # the last picture stays
    ex.custom.value = "1 -1"
    assert ex.error == "" and ex.message.value == ""
    np.testing.assert_allclose(ex.feature_map, -1.0)
    assert ex.image.layout.height == "264px"        # a constant height
    fig = ex.picture()
    assert len(fig.axes) == 1 + 3 + 1               # controls, 3, colorbar


def test_explorer_redraws_a_plain_function():
    calls = []

    def line(w=1.0, kind="solid", ax=None):
        calls.append((w, kind))
        ax.plot([0, 1], [0, w], linestyle="-" if kind == "solid" else ":")
        return w * 2

    ex = widgets.explorer(line, w=(-2.0, 2.0, 0.5), kind=["solid", "dot"])
    assert calls == [(1.0, "solid")] and ex.result == 2.0
    ex.controls["w"].value = 1.5
    assert calls[-1] == (1.5, "solid") and ex.result == 3.0
    assert isinstance(ex.controls["kind"], __import__(
        "ipywidgets").Dropdown)
    fig = ex.picture()
    assert any(t.get_text() == "w" for t in fig.axes[0].texts)

    def returns_figure(n=3):
        fig, ax = plt.subplots()
        ax.plot(range(n))
        return fig, n

    ex2 = widgets.explorer(returns_figure, n=(1, 9))
    assert ex2.result[1] == 3 and bytes(ex2.image.value).startswith(PNG)
    with pytest.raises(ValueError, match="explorer: n must be"):
        widgets.explorer(returns_figure, n="many")


def test_control_rows_reads_the_widgets_in_display_order():
    import ipywidgets as ipw
    box = ipw.VBox([ipw.HTML("<b>Data</b>"), ipw.HTML("Noise"),
                    ipw.IntSlider(3), ipw.Dropdown(options=["a", "b"],
                                                   description="pick"),
                    ipw.Image(), ipw.Checkbox(True, description="on")])
    kinds = [k for k, _ in widgets.control_rows(box)]
    assert kinds == ["heading", "labelled", "control", "control"]
    fig, ax = plt.subplots()
    widgets.draw_controls(ax, widgets.control_rows(box))
    texts = [t.get_text() for t in ax.texts]
    assert {"Data", "Noise", "3", "pick", "a", "on"} <= set(texts)
