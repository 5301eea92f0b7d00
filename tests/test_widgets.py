"""nnkit.widgets: the plain functions compute the right things, and the
three widgets build, draw and respond to their controls."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402

from nnkit import activations, optimizers, widgets  # noqa: E402
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
    ("regularization", "l3", "regularization must be None, 'l1' or 'l2'"),
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
    assert isinstance(model.loss, widgets.HalfSquaredError)
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
    loss = widgets.HalfSquaredError()
    assert loss(t, o) == pytest.approx(0.5 * np.mean((o - t) ** 2))
    num = numerical_gradient(lambda: loss(t, o), o)
    np.testing.assert_allclose(loss.gradient(t, o), num, rtol=1e-6)


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


# --------------------------------------------------------------------------
# The widgets
# --------------------------------------------------------------------------

def test_playground_widget_draws_its_default_run():
    pg = widgets.playground(dataset="xor")
    assert bytes(pg.image.value).startswith(PNG)
    heat, curves = pg.figure.axes
    assert len(heat.images) == 1 and len(curves.lines) == 2
    assert "Epoch 0" in pg.status.value
    assert pg.config_from_controls() == pg.state.config
    bundle = pg._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_playground_step_play_and_reset_move_the_epoch_counter():
    pg = widgets.Playground(epochs_per_tick=3)
    pg.step_button.click()
    assert pg.state.epoch == 1
    assert "Epoch 1" in pg.status.value
    pg.play.value += 1                         # one tick of Play
    assert pg.state.epoch == 4
    pg.play.value += 1
    assert pg.state.epoch == 7
    pg.play.playing = True
    pg.reset_button.click()
    assert pg.state.epoch == 0
    assert pg.play.value == 0 and not pg.play.playing
    assert len(pg.state.train_loss) == 1


def test_playground_controls_rebuild_the_run():
    pg = widgets.Playground()
    pg.step(2)
    pg.n_layers.value = 3
    assert pg.state.epoch == 0
    assert [layer.units for layer in pg.state.model.layers] == [4, 2, 4, 1]
    assert pg.neurons[2].layout.display is None
    assert pg.neurons[3].layout.display == "none"
    pg.features["x1*x2"].value = True
    assert pg.state.inputs_train.shape[1] == 3
    pg.exact.value = True
    assert isinstance(pg.state.model.loss, widgets.HalfSquaredError)
    pg.problem.value = "regression"
    assert list(pg.dataset.options) == list(widgets.REGRESSION_DATASETS)
    assert pg.state.config.dataset == "plane"
    assert pg.state.data.regression


def test_playground_learning_rate_changes_without_a_reset():
    pg = widgets.Playground()
    pg.step(2)
    pg.learning_rate.value = 0.3
    assert pg.state.epoch == 2
    assert pg.state.model.optimizer.learning_rate == 0.3
    assert pg.state.config.learning_rate == 0.3


def test_playground_neuron_view_and_divergence_message():
    pg = widgets.Playground(dataset="plane", hidden=(), learning_rate=10.0)
    pg.show_neurons.value = True
    assert bytes(pg.neuron_image.value).startswith(PNG)
    assert pg.neuron_image.layout.display is None
    pg.play.playing = True
    pg.play.value += 1
    assert pg.state.diverged and not pg.play.playing
    assert "diverged" in pg.status.value


def test_optimizer_race_widget_animates_precomputed_paths():
    race = widgets.optimizer_race("quadratic", steps=40)
    assert bytes(race.image.value).startswith(PNG)
    assert set(race.paths) == set(race.names.value)
    assert all(p.shape == (41, 2) for p in race.paths.values())
    first = bytes(race.image.value)
    race.play.value = 5                       # Play drives the step slider
    assert race.step_slider.value == 5
    assert len(race.figure.axes[0].lines[0].get_xdata()) == 6
    assert bytes(race.image.value) != first
    race.names.value = ("SGD",)
    assert list(race.paths) == ["SGD"]
    race.sgd_rate.value = 0.01
    np.testing.assert_allclose(race.paths["SGD"][1, 0], -4.0 * 0.99)


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
    assert ex.alpha.layout.display == "none"
    names = ex.name.options
    assert "softmax" not in names and "relu" in names
    assert all(activations.get(n).elementwise for n in names)
    ex.name.value = "leaky_relu"
    assert ex.alpha.layout.display is None
    assert ex.alpha.description == "negative_slope"
    ex.alpha.value = 0.5
    f_line = ex.figure.axes[0].lines[0]
    x, y = f_line.get_xdata(), f_line.get_ydata()
    np.testing.assert_allclose(y[x < 0], 0.5 * x[x < 0])
