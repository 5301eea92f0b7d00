"""Learning-rate schedules and the LR range test.

Every schedule is checked at each of 200 steps: against its Keras twin
(``nnkit.interop.schedule_to_keras``) where Keras has one, else against its closed form
written out here from the papers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import nnkit
from nnkit import Dense, Sequential
from nnkit.callbacks import Callback
from nnkit.interop import optimizer_to_keras, schedule_to_keras, to_keras
from nnkit.lr_finder import lr_range_test
from nnkit.optimizers import SGD, Adagrad, Adam
from nnkit.schedules import (
    CosineDecay,
    CyclicalLearningRate,
    ExponentialDecay,
    InverseTimeDecay,
    NaturalExpDecay,
    OneCycle,
    PerEpoch,
    PiecewiseConstantDecay,
    StepDecay,
    TimeBasedDecay,
    get,
    serialize,
)

from .conftest import TOL

STEPS = range(200)

# Hyperparameters float32 holds exactly, so that Keras in float64 (whose
# backend rounds Python floats passed to ops.cast) computes the same.
TWINS = [
    ExponentialDecay(0.1, 7, 0.5),
    ExponentialDecay(0.1, 20, 0.25, staircase=True),
    StepDecay(0.1, 0.5, 30),
    NaturalExpDecay(0.1, -math.log(0.96875)),
    InverseTimeDecay(0.1, 5, 0.5),
    InverseTimeDecay(0.1, 10, 2.0, staircase=True),
    TimeBasedDecay(0.1, 0.125),
    PiecewiseConstantDecay([50, 120], [0.1, 0.05, 0.01]),
    CosineDecay(0.1, 150),
    CosineDecay(0.1, 100, alpha=0.25),
    CosineDecay(0.0, 100, alpha=0.125, warmup_target=0.5, warmup_steps=40),
    CosineDecay(0.01, 120, warmup_target=0.25, warmup_steps=30),
    PerEpoch(StepDecay(0.1, 0.5, 3), 8),
    PerEpoch(TimeBasedDecay(0.1, 0.5), 16),
    PerEpoch(PiecewiseConstantDecay([5, 12], [0.1, 0.05, 0.01]), 10),
]
NO_TWIN = [
    OneCycle(0.5, total_steps=150),
    OneCycle(1.0, 101, initial_learning_rate=0.2, final_learning_rate=0.0,
             annihilation=0.0),
    CyclicalLearningRate(0.01, 0.1, 25),
    CyclicalLearningRate(0.01, 0.1, 20, mode="triangular2"),
    CyclicalLearningRate(0.01, 0.1, 15, mode="exp_range", gamma=0.99),
    PerEpoch(CyclicalLearningRate(0.01, 0.1, 2), 10),
]


def ids(schedules):
    return [repr(s)[:60] for s in schedules]


@pytest.mark.keras
@pytest.mark.parametrize("sched", TWINS, ids=ids(TWINS))
def test_each_step_equals_the_keras_twin(keras, sched):
    """Keras computes schedules in float32: agreement to float32."""
    twin = schedule_to_keras(sched)
    theirs = np.array([float(twin(s)) for s in STEPS])
    ours = np.array([sched(s) for s in STEPS])
    np.testing.assert_allclose(ours, theirs, rtol=2e-6, atol=1e-8)


def float64_twin(twin):
    """The same Keras schedule, computing in float64 (its dtype follows
    ``initial_learning_rate`` / ``values``)."""
    cfg = twin.get_config()
    if "values" in cfg:
        cfg["values"] = [np.float64(v) for v in cfg["values"]]
    else:
        cfg["initial_learning_rate"] = np.float64(
            cfg["initial_learning_rate"])
    return type(twin).from_config(cfg)


@pytest.mark.keras
@pytest.mark.parametrize("sched", TWINS, ids=ids(TWINS))
def test_each_step_equals_the_keras_twin_in_float64(keras, sched):
    twin = float64_twin(schedule_to_keras(sched))
    theirs = np.array([float(twin(s)) for s in STEPS])
    ours = sched(np.arange(200))
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


def one_cycle_closed_form(t, s):
    c = (1 - s.annihilation) * s.total_steps
    lo, hi = s.initial_learning_rate, s.max_learning_rate
    m_hi, m_lo = s.max_momentum, s.min_momentum
    if t <= c / 2:
        f = t / (c / 2)
        return lo + f * (hi - lo), m_hi - f * (m_hi - m_lo)
    if t <= c:
        f = (t - c / 2) / (c / 2)
        return hi - f * (hi - lo), m_lo + f * (m_hi - m_lo)
    if t <= s.total_steps:
        f = (t - c) / (s.total_steps - c)
        return lo - f * (lo - s.final_learning_rate), m_hi
    return s.final_learning_rate, m_hi


def triangle_closed_form(t, s):
    """Smith 2017 as a wave: up for step_size steps, down for as many."""
    k = t // (2 * s.step_size)            # completed cycles
    pos = t - k * 2 * s.step_size
    rise = pos / s.step_size if pos < s.step_size \
        else 2 - pos / s.step_size
    scale = {"triangular": 1.0, "triangular2": 0.5 ** k,
             "exp_range": s.gamma ** t}[s.mode]
    amp = s.max_learning_rate - s.base_learning_rate
    return s.base_learning_rate + amp * rise * scale


def closed_form(sched, t):
    if isinstance(sched, OneCycle):
        return one_cycle_closed_form(t, sched)[0]
    if isinstance(sched, PerEpoch):
        return closed_form(sched.schedule, t // sched.steps_per_epoch)
    return triangle_closed_form(t, sched)


@pytest.mark.parametrize("sched", NO_TWIN, ids=ids(NO_TWIN))
def test_each_step_equals_the_closed_form(sched):
    ours = sched(np.arange(200))
    want = [closed_form(sched, t) for t in STEPS]
    np.testing.assert_allclose(ours, want, rtol=1e-12, atol=1e-15)
    assert [sched(t) for t in STEPS] == list(ours)     # scalar == array


def test_named_decays_are_their_textbook_formulas():
    t = np.arange(200)
    np.testing.assert_allclose(TimeBasedDecay(0.1, 0.125)(t),
                               0.1 / (1 + 0.125 * t), rtol=1e-15)
    np.testing.assert_allclose(StepDecay(0.1, 0.5, 30)(t),
                               0.1 * 0.5 ** (t // 30), rtol=1e-15)
    np.testing.assert_allclose(NaturalExpDecay(0.1, 0.02)(t),
                               0.1 * np.exp(-0.02 * t), rtol=1e-15)
    np.testing.assert_allclose(ExponentialDecay(0.1, 7, 0.5)(t),
                               0.1 * 0.5 ** (t / 7), rtol=1e-15)


def test_one_cycle_momentum_mirrors_the_learning_rate():
    s = OneCycle(0.5, total_steps=150)
    for t in STEPS:
        lr, mom = one_cycle_closed_form(t, s)
        assert s(t) == pytest.approx(lr, rel=1e-12, abs=1e-15)
        assert s.momentum(t) == pytest.approx(mom, rel=1e-12)
    assert s(67.5) == pytest.approx(0.5)          # peak at half the cycle
    assert s.momentum(67.5) == pytest.approx(0.85)
    assert s(150) == pytest.approx(0.05 / 1000)   # annihilated


class Recorder(Callback):
    def __init__(self, attr):
        super().__init__()
        self.attr, self.seen = attr, []

    def on_train_batch_end(self, batch, logs=None):
        opt = self.model.optimizer
        self.seen.append((opt.iterations - 1, getattr(opt, self.attr)))


def regression(n=256, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3))
    return x, x @ np.array([[1.0], [-2.0], [0.5]]) + 0.1


@pytest.mark.parametrize("opt,attr", [
    (lambda s: SGD(s, momentum=0.9), "momentum"),
    (lambda s: SGD(s, momentum=0.9, nesterov=True), "momentum"),
    (lambda s: Adam(s), "beta_1"),
    (lambda s: nnkit.optimizers.RMSprop(s, momentum=0.5), "momentum"),
])
def test_one_cycle_drives_the_optimizers_momentum_during_fit(opt, attr):
    x, y = regression()
    sched = OneCycle(0.05, total_steps=40)
    model = Sequential([Dense(1, input_shape=(3,))], seed=0,
                       dtype="float64")
    model.compile(opt(sched), "mse")
    rec = Recorder(attr)
    model.fit(x, y, epochs=5, batch_size=32, verbose=0, callbacks=[rec])
    assert len(rec.seen) == 40
    for step, value in rec.seen:
        assert value == sched.momentum(step)


def test_one_cycle_with_momentum_equals_setting_it_by_hand():
    x, y = regression(64)
    sched = OneCycle(0.05, total_steps=8)
    auto = Sequential([Dense(1, input_shape=(3,))], seed=0, dtype="float64")
    hand = Sequential([Dense(1, input_shape=(3,))], seed=0, dtype="float64")
    auto.compile(SGD(sched, momentum=0.9), "mse")
    hand.compile(SGD(0.1, momentum=0.9), "mse")
    for step in range(8):
        hand.optimizer.learning_rate = sched(step)
        hand.optimizer.momentum = sched.momentum(step)
        sl = slice(step * 8, step * 8 + 8)
        assert auto.train_on_batch(x[sl], y[sl]) == \
            hand.train_on_batch(x[sl], y[sl])
    np.testing.assert_array_equal(auto.get_weights()[0],
                                  hand.get_weights()[0])


def test_one_cycle_refuses_an_optimizer_without_momentum():
    p = nnkit.layers.base.Parameter(np.zeros(2), "w")
    for opt in (Adagrad(OneCycle(0.1, 10)), SGD(OneCycle(0.1, 10))):
        with pytest.raises(ValueError, match="cannot cycle the momentum "
                           f"of {type(opt).__name__}"):
            opt.apply([p])
    opt = SGD(OneCycle(0.1, 10, cycle_momentum=False))
    opt.apply([p])
    assert opt.momentum == 0.0 and opt.iterations == 1


@pytest.mark.parametrize("sched", TWINS + NO_TWIN, ids=ids(TWINS + NO_TWIN))
def test_config_round_trip_gives_the_same_schedule(sched):
    again = get(serialize(sched))
    assert type(again) is type(sched)
    assert again.get_config() == sched.get_config()
    np.testing.assert_array_equal(again(np.arange(200)),
                                  sched(np.arange(200)))
    opt = Adam.from_config(Adam(sched).get_config())
    assert opt.learning_rate == sched(0)


@pytest.mark.keras
@pytest.mark.parametrize("opt", [
    lambda: SGD(ExponentialDecay(0.1, 10, 0.5), momentum=0.5),
    lambda: Adam(CosineDecay(0.001, 60, warmup_target=0.02,
                             warmup_steps=20)),
], ids=["SGD-ExponentialDecay", "Adam-CosineDecay-warmup"])
def test_optimizers_with_schedules_train_like_keras(keras, opt):
    dtype = "float32"
    rng = np.random.default_rng(1)
    x = rng.standard_normal((800, 4)).astype(dtype)
    y = rng.standard_normal((800, 2)).astype(dtype)
    model = Sequential([Dense(5, activation="tanh", input_shape=(4,)),
                        Dense(2)], seed=2, dtype=dtype)
    model.compile(opt(), "mse")
    kmodel = to_keras(model, compile=False)
    kmodel.compile(optimizer_to_keras(model.optimizer), "mse",
                   jit_compile=False)
    for step in range(100):
        sl = slice(step * 8, step * 8 + 8)
        ours = model.train_on_batch(x[sl], y[sl])
        theirs = kmodel.train_on_batch(x[sl], y[sl])
        assert abs(ours - theirs) <= TOL[dtype] * max(1.0, abs(theirs))
    for w, kw in zip(model.get_weights(), kmodel.get_weights()):
        err = np.max(np.abs(w - kw)) / max(1.0, np.max(np.abs(kw)))
        assert err <= TOL[dtype]


@pytest.mark.parametrize("sched", NO_TWIN[:3] + [PerEpoch(
    ExponentialDecay(0.1, 3, 0.5), 4)], ids=ids(NO_TWIN[:3]) + ["PerEp"])
def test_schedules_without_a_twin_say_so(sched):
    with pytest.raises(ValueError, match="has no Keras twin"):
        schedule_to_keras(sched)


@pytest.mark.parametrize("make,match", [
    (lambda: ExponentialDecay(0.1, 0, 0.5), r"ExponentialDecay: "
     r"decay_steps must be a finite number > 0, got 0"),
    (lambda: ExponentialDecay(-0.1, 10, 0.5), r"ExponentialDecay: "
     r"initial_learning_rate must be a finite number >= 0, "
     r"got -0.1"),
    (lambda: InverseTimeDecay(0.1, 10, -1), r"InverseTimeDecay: "
     r"decay_rate must be a finite number >= 0, got -1"),
    (lambda: PiecewiseConstantDecay([10], [0.1]), r"one more entry"),
    (lambda: PiecewiseConstantDecay([10, 5], [0.1, 0.2, 0.3]),
     r"boundaries must be increasing, got \[10, 5\]"),
    (lambda: CosineDecay(0.1, 100, alpha=1.5), r"CosineDecay: alpha must "
     r"be a number in \[0, 1\], got 1.5"),
    (lambda: OneCycle(0.1, 1), r"OneCycle: total_steps must be an integer "
     r">= 2, got 1"),
    (lambda: OneCycle(0.1, 100, annihilation=1.0), r"annihilation must "
     r"be a number in \[0, 1\)"),
    (lambda: OneCycle(0.1, 100, initial_learning_rate=0.2),
     r"OneCycle: initial_learning_rate must be a number in "
     r"\[0, 0.1\], got 0.2"),
    (lambda: OneCycle(0.1, 100, min_momentum=0.99), r"min_momentum must "
     r"be a number in \[0, 0.95\], got 0.99"),
    (lambda: CyclicalLearningRate(0.1, 0.01, 10), r"max_learning_rate "
     r"must be >= base_learning_rate"),
    (lambda: CyclicalLearningRate(0.01, 0.1, 10, mode="sine"),
     r"mode must be one of"),
    (lambda: CyclicalLearningRate(0.01, 0.1, 10, mode="exp_range",
                                  gamma=0.0), r"gamma must be a number in \(0, 1\]"),
    (lambda: PerEpoch(StepDecay(0.1), 0), r"steps_per_epoch must be a "
     r"positive integer \(>= 1\), got 0"),
    (lambda: get({"schedule": "Sine", "config": {}}), r"unknown schedule "
     r"'Sine'; choose one of"),
])
def test_invalid_schedule_arguments_raise_clear_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


# ----- the LR range test ------------------------------------------------
def fresh_regression_model(opt="sgd"):
    model = Sequential([Dense(1, input_shape=(3,))], seed=0,
                       dtype="float64")
    model.compile(opt, "mse")
    return model


def test_lr_range_test_suggests_a_rate_that_trains_without_diverging():
    # For MSE on unit-variance inputs, SGD diverges above lr ~ 1/lambda_max
    # of E[x x^T] (~1 here): a good suggestion sits a decade or two below.
    x, y = regression(512)
    model = fresh_regression_model()
    lrs, losses, lr = lr_range_test(model, x, y, start=1e-6, end=100.0,
                                    steps=100)
    lam = np.linalg.eigvalsh(x.T @ x / len(x)).max()
    assert 1e-3 / lam < lr < 1 / lam
    assert len(lrs) < 100                 # stopped on divergence
    assert losses[-1] > 4 * losses.min()
    np.testing.assert_allclose(lrs[1:] / lrs[:-1],
                               (1e8) ** (1 / 99), rtol=1e-12)
    assert lr == pytest.approx(lrs[np.argmin(losses)] / 10)
    before = model.evaluate(x, y, verbose=0)
    model.optimizer.learning_rate = lr
    model.fit(x, y, epochs=3, batch_size=32, verbose=0)
    assert model.evaluate(x, y, verbose=0) < 0.05 * before


def test_lr_range_test_leaves_the_model_exactly_as_it_was():
    x, y = regression(200)
    model = fresh_regression_model(Adam(0.01))
    model.fit(x[:64], y[:64], epochs=1, batch_size=16, verbose=0)
    weights = [w.copy() for w in model.get_weights()]
    opt = model.optimizer
    state = {k: v.copy() for k, v in opt.get_state(
        model.parameters()).items()}
    rng_state = model.rng.bit_generator.state
    result = lr_range_test(model, x, y, steps=30, batch_size=16)
    assert len(result.lrs) == len(result.losses) > 1
    assert model.optimizer is opt and opt.learning_rate == 0.01
    for w, w0 in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(w, w0)
    after = opt.get_state(model.parameters())
    assert after.keys() == state.keys()
    for k in state:
        np.testing.assert_array_equal(after[k], state[k])
    assert model.rng.bit_generator.state == rng_state


@pytest.mark.parametrize("kwargs,match", [
    (dict(start=1.0, end=0.1), r"need 0 < start < end"),
    (dict(steps=1), r"steps must be an integer >= 2"),
    (dict(batch_size=0), r"batch_size must be a positive integer"),
    (dict(smooth=1.0), r"smooth must be a number in \[0, 1\)"),
    (dict(divergence=1.0), r"divergence must be a finite number > 1"),
])
def test_lr_range_test_rejects_bad_arguments(kwargs, match):
    x, y = regression(16)
    with pytest.raises(ValueError, match=match):
        lr_range_test(fresh_regression_model(), x, y, **kwargs)
