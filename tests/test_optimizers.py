"""Adaptive optimizers: Keras parity, golden first steps, errors, state.

Parity runs 100 train_on_batch steps of nnkit and of Keras (via
nnkit.interop.to_keras) on the same small Dense model and data, and
compares every loss and the final weights: 1e-10 in float64, 1e-5 in
float32, as max |nnkit - keras| / max(1, max |keras|). Keras' backend
rounds some Python-float hyperparameters to float32 (see the
optimizers module docstring), so the settings use values float32 holds
exactly; the *_rounds_* tests show where Keras rounds and that doing
the same in nnkit reproduces Keras' defaults.
"""

from __future__ import annotations

import numpy as np
import pytest

import nnkit
from nnkit import Dense, Sequential
from nnkit.interop import keras_rounded, optimizer_to_keras, to_keras
from nnkit.layers.base import Parameter
from nnkit.optimizers import (
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    AdamW,
    Nadam,
    RMSprop,
)

from .conftest import TOL

STEPS, BATCH = 100, 8


def scaled_error(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b)) / max(1.0, np.max(np.abs(b))))


def make_model(opt, dtype):
    model = Sequential([Dense(6, activation="tanh", input_shape=(4,)),
                        Dense(3)], seed=3, dtype=dtype)
    model.compile(opt, "mse")
    return model


def data(dtype, steps=STEPS, seed=7):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((steps * BATCH, 4)).astype(dtype)
    y = rng.standard_normal((steps * BATCH, 3)).astype(dtype)
    return x, y


def batch(x, y, step):
    sl = slice(step * BATCH, (step + 1) * BATCH)
    return x[sl], y[sl]


def parity_errors(opts, dtype, kopt=None, steps=STEPS):
    """For each nnkit optimizer, the largest scaled difference from one
    Keras run (kopt, or the first optimizer converted) over all losses
    and the final weights."""
    kmodel = to_keras(make_model(opts[0], dtype), compile=False)
    # XLA only slows the first step down; the arithmetic is the same.
    kmodel.compile(optimizer=kopt or optimizer_to_keras(opts[0]),
                   loss="mse", jit_compile=False)
    models = [make_model(opt, dtype) for opt in opts]
    x, y = data(dtype, steps)
    errs = [0.0] * len(models)
    for step in range(steps):
        theirs = kmodel.train_on_batch(*batch(x, y, step))
        for i, model in enumerate(models):
            ours = model.train_on_batch(*batch(x, y, step))
            errs[i] = max(errs[i], scaled_error(ours, theirs))
    for i, model in enumerate(models):
        assert model.optimizer.iterations == steps
        for w, kw in zip(model.get_weights(), kmodel.get_weights()):
            errs[i] = max(errs[i], scaled_error(w, kw))
    return errs


# float32-exact hyperparameters; each optimizer with and without clipping
B1, B2 = 0.875, 0.9921875
SETTINGS = [
    (Adagrad, dict(learning_rate=0.125, initial_accumulator_value=0.25,
                   epsilon=2.0 ** -20)),
    (Adagrad, dict(learning_rate=0.0625, initial_accumulator_value=0.5,
                   clipnorm=0.25)),
    (Adadelta, dict(learning_rate=1.0, rho=0.875, epsilon=2.0 ** -20)),
    (Adadelta, dict(learning_rate=0.5, rho=0.9375, clipvalue=0.0625)),
    (RMSprop, dict(learning_rate=0.01, rho=0.875)),
    (RMSprop, dict(learning_rate=0.01, rho=0.75, momentum=0.5,
                   centered=True, global_clipnorm=0.125)),
    (RMSprop, dict(learning_rate=0.005, momentum=0.75, clipnorm=0.0625)),
    (Adam, dict(learning_rate=0.01, beta_1=B1, beta_2=B2)),
    (Adam, dict(learning_rate=0.02, beta_1=0.5, beta_2=0.75,
                epsilon=2.0 ** -10, amsgrad=True, clipvalue=0.0625)),
    (AdamW, dict(learning_rate=0.01, weight_decay=0.0625, beta_1=B1,
                 beta_2=B2)),
    (AdamW, dict(learning_rate=0.02, weight_decay=0.25, amsgrad=True,
                 beta_1=0.75, beta_2=B2, clipnorm=0.125)),
    (Nadam, dict(learning_rate=0.01, beta_1=B1, beta_2=B2)),
    (Nadam, dict(learning_rate=0.02, beta_1=0.75, beta_2=0.96875,
                 global_clipnorm=0.25)),
]


class KerasFloat64Nadam(Nadam):
    """Nadam with Keras' float64 rounding of the constant 0.96.

    Keras computes u_t and u_{t+1} with ``ops.cast(0.96, float64)``,
    which TensorFlow rounds through float32, but advances U_t with
    ``ops.power(0.96, t)``, which it does not. nnkit uses 0.96
    throughout; this subclass copies the rounding to prove it is the
    whole difference.
    """

    def _u(self, t):
        return self.beta_1 * (1.0 - 0.5 * keras_rounded(0.96) ** t)

    def apply(self, params):
        t = self.iterations + 1
        exact = self.beta_1 * (1.0 - 0.5 * 0.96 ** t)
        self.u_product *= exact / self._u(t)   # base multiplies by _u(t)
        super().apply(params)


def settings_id(case):
    cls, kw = case
    return cls.__name__ + "-" + "-".join(f"{k}={v}" for k, v in kw.items()
                                         if k != "learning_rate")


@pytest.mark.keras
@pytest.mark.parametrize("case", SETTINGS, ids=settings_id)
def test_hundred_steps_leave_the_same_weights_as_keras(floatx, case):
    cls, kw = case
    if cls is Nadam and floatx == "float64":
        exact, rounded = parity_errors(
            [Nadam(**kw), KerasFloat64Nadam(**kw)], floatx)
        assert 1e-10 < exact < 1e-7     # the documented difference...
        err = rounded                   # ...and all of it
    else:
        (err,) = parity_errors([cls(**kw)], floatx)
    assert err <= TOL[floatx], f"max scaled difference {err:.3g}"


@pytest.mark.keras
def test_keras_rounds_adams_betas_to_float32_only_in_bias_correction(
        keras64):
    class RoundedBiasCorrection(Adam):
        def step_size(self, lr, dtype):
            exact = (self.beta_1, self.beta_2)
            self.beta_1 = keras_rounded(exact[0])
            self.beta_2 = keras_rounded(exact[1])
            try:
                return super().step_size(lr, dtype)
            finally:
                self.beta_1, self.beta_2 = exact

    plain, rounded = parity_errors(
        [Adam(0.01), RoundedBiasCorrection(0.01)], "float64")
    assert plain > 1e-8            # default betas: a real difference...
    assert rounded <= TOL["float64"]     # ...and this is all of it


@pytest.mark.keras
def test_keras_rounds_adagrads_initial_accumulator_to_float32(keras64):
    plain, rounded = parity_errors(
        [Adagrad(0.1),
         Adagrad(0.1, initial_accumulator_value=keras_rounded(0.1))],
        "float64")
    assert plain > 1e-11
    assert rounded <= TOL["float64"]


# ----- golden first steps, from the papers' formulas ---------------------
W0 = np.array([0.5, -1.0, 2.0, 0.0])
G1 = np.array([0.3, -2.0, 1e-3, 0.7])
G2 = np.array([-0.1, 0.5, 2.0, 0.01])


def steps_of(opt, grads):
    p = Parameter(W0.copy(), "w")
    out = []
    for g in grads:
        p.grad[...] = g
        opt.apply([p])
        out.append(p.data.copy())
    return out


def test_adagrad_first_step_is_duchis_rule_with_a0_and_eps_inside():
    lr, a0, eps = 0.1, 0.1, 1e-7
    (w1,) = steps_of(Adagrad(lr), [G1])
    np.testing.assert_allclose(w1, W0 - lr * G1 / np.sqrt(a0 + G1**2 + eps),
                               rtol=1e-14)


def test_adadelta_first_step_is_zeilers_rule_times_lr():
    lr, rho, eps = 1.0, 0.95, 1e-7
    (w1,) = steps_of(Adadelta(lr), [G1])
    e_g2 = (1 - rho) * G1**2            # E[g^2]_1, E[dx^2]_0 = 0
    dx = -np.sqrt(0 + eps) / np.sqrt(e_g2 + eps) * G1
    np.testing.assert_allclose(w1, W0 + lr * dx, rtol=1e-14)


@pytest.mark.parametrize("centered", [False, True])
def test_rmsprop_two_steps_follow_hinton_graves_with_momentum(centered):
    lr, rho, mu, eps = 0.01, 0.9, 0.5, 1e-7
    w1, w2 = steps_of(RMSprop(lr, momentum=mu, centered=centered),
                      [G1, G2])
    v1 = (1 - rho) * G1**2
    v2 = rho * v1 + (1 - rho) * G2**2
    if centered:    # subtract the squared running mean of g
        mg1 = (1 - rho) * G1
        mg2 = rho * mg1 + (1 - rho) * G2
        v1, v2 = v1 - mg1**2, v2 - mg2**2
    d1 = lr * G1 / np.sqrt(v1 + eps)
    d2 = lr * G2 / np.sqrt(v2 + eps)
    np.testing.assert_allclose(w1, W0 - d1, rtol=1e-14)
    np.testing.assert_allclose(w2, W0 - d1 - (mu * d1 + d2), rtol=1e-14)


def adam_textbook(grads, lr, b1, b2, eps_hat, amsgrad=False, wd=0.0):
    """Kingma & Ba's Algorithm 1, with their section-2 'epsilon hat'."""
    w, m, v, vmax, out = W0.copy(), 0.0, 0.0, 0.0, []
    for t, g in enumerate(grads, start=1):
        w = w - lr * wd * w                 # AdamW: decoupled decay
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        vmax = np.maximum(vmax, v)
        m_hat = m / (1 - b1**t)
        v_hat = (vmax if amsgrad else v) / (1 - b2**t)
        # eps_hat added to sqrt(v) equals eps_hat/sqrt(1-b2^t) on sqrt(v_hat)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps_hat / np.sqrt(1 - b2**t))
        out.append(w)
    return out


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_two_steps_are_kingma_ba_with_epsilon_hat(amsgrad):
    got = steps_of(Adam(0.01, amsgrad=amsgrad), [G1, G2])
    want = adam_textbook([G1, G2], 0.01, 0.9, 0.999, 1e-7, amsgrad)
    np.testing.assert_allclose(got, want, rtol=1e-13)
    # step 1 in closed form: m_hat = g, v_hat = g^2
    np.testing.assert_allclose(
        got[0], W0 - 0.01 * G1 / (np.abs(G1) + 1e-7 / np.sqrt(0.001)),
        rtol=1e-13)


def test_adamw_first_step_decays_then_takes_adams_step():
    lr, wd = 0.01, 0.004
    got = steps_of(AdamW(lr), [G1, G2])
    want = adam_textbook([G1, G2], lr, 0.9, 0.999, 1e-7, wd=wd)
    np.testing.assert_allclose(got, want, rtol=1e-13)
    np.testing.assert_allclose(
        got[0], W0 * (1 - lr * wd)
        - lr * G1 / (np.abs(G1) + 1e-7 / np.sqrt(0.001)), rtol=1e-13)


def test_nadam_first_step_is_dozats_rule_with_the_momentum_schedule():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7
    (w1,) = steps_of(Nadam(lr), [G1])
    mu1 = b1 * (1 - 0.5 * 0.96 ** 1)
    mu2 = b1 * (1 - 0.5 * 0.96 ** 2)
    m1 = (1 - b1) * G1
    m_hat = mu2 * m1 / (1 - mu1 * mu2) + (1 - mu1) * G1 / (1 - mu1)
    v_hat = (1 - b2) * G1**2 / (1 - b2)
    np.testing.assert_allclose(w1, W0 - lr * m_hat / (np.sqrt(v_hat) + eps),
                               rtol=1e-13)


# ----- registry, defaults, configs --------------------------------------
KERAS_DEFAULTS = {
    "adagrad": dict(learning_rate=0.001, initial_accumulator_value=0.1,
                    epsilon=1e-7),
    "adadelta": dict(learning_rate=0.001, rho=0.95, epsilon=1e-7),
    "rmsprop": dict(learning_rate=0.001, rho=0.9, momentum=0.0,
                    epsilon=1e-7, centered=False),
    "adam": dict(learning_rate=0.001, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False),
    "adamw": dict(learning_rate=0.001, weight_decay=0.004, beta_1=0.9,
                  beta_2=0.999, epsilon=1e-7, amsgrad=False),
    "nadam": dict(learning_rate=0.001, beta_1=0.9, beta_2=0.999,
                  epsilon=1e-7),
}


@pytest.mark.parametrize("name", sorted(KERAS_DEFAULTS))
def test_names_give_optimizers_with_keras_defaults(name):
    opt = nnkit.optimizers.get(name)
    assert type(opt).__name__.lower() == name
    cfg = opt.get_config()
    for k, v in KERAS_DEFAULTS[name].items():
        assert cfg[k] == v, k
    again = nnkit.optimizers.get(nnkit.optimizers.serialize(opt))
    assert type(again) is type(opt) and again.get_config() == cfg


@pytest.mark.keras
@pytest.mark.parametrize("name", sorted(KERAS_DEFAULTS))
def test_keras_defaults_are_the_same(keras, name):
    kcfg = getattr(keras.optimizers, type(nnkit.optimizers.get(name))
                   .__name__)().get_config()
    for k, v in KERAS_DEFAULTS[name].items():
        assert kcfg[k] == pytest.approx(v, rel=1e-7), k


def test_compile_defaults_to_rmsprop_like_keras():
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(loss="mse")
    assert type(model.optimizer) is RMSprop
    assert model.optimizer.learning_rate == 0.001


# ----- bad hyperparameters ------------------------------------------------
BAD = [
    (Adagrad, dict(learning_rate=-0.1), r"Adagrad: learning_rate must be "
     r"a finite number >= 0, got -0.1"),
    (Adagrad, dict(epsilon=0.0), r"Adagrad: epsilon must be a finite number > 0, got 0.0"),
    (Adagrad, dict(initial_accumulator_value=-1),
     r"Adagrad: initial_accumulator_value must be a finite number >= 0, "
     r"got -1"),
    (Adadelta, dict(rho=1.5), r"Adadelta: rho must be a number in \[0, 1\], "
     r"got 1.5"),
    (Adadelta, dict(epsilon=-1e-7), r"Adadelta: epsilon must be a finite number > 0"),
    (RMSprop, dict(rho=-0.1), r"RMSprop: rho must be a number in \[0, 1\], "
     r"got -0.1"),
    (RMSprop, dict(momentum=1.0), r"RMSprop: momentum must be a "
     r"number in \[0, 1\), got 1.0"),
    (RMSprop, dict(epsilon=float("nan")), r"RMSprop: epsilon must be a finite number > 0"),
    (Adam, dict(beta_1=1.0), r"Adam: beta_1 must be a number in \[0, 1\), "
     r"got 1.0"),
    (Adam, dict(beta_2=-0.5), r"Adam: beta_2 must be a number in \[0, 1\), "
     r"got -0.5"),
    (Adam, dict(epsilon=0), r"Adam: epsilon must be a finite number > 0, "
     r"got 0"),
    (AdamW, dict(weight_decay=-0.1), r"AdamW: weight_decay must be a "
     r"finite number >= 0, got -0.1"),
    (AdamW, dict(weight_decay=None), r"AdamW: weight_decay must be a "
     r"finite number >= 0, got None"),
    (AdamW, dict(beta_1=2.0), r"AdamW: beta_1 must be a number in \[0, 1\)"),
    (Nadam, dict(beta_2=1.0), r"Nadam: beta_2 must be a number in \[0, 1\), "
     r"got 1.0"),
    (Nadam, dict(learning_rate=float("inf")), r"Nadam: learning_rate"),
]


@pytest.mark.parametrize("cls,kwargs,match", BAD,
                         ids=[f"{c.__name__}-{next(iter(k))}"
                              for c, k, _ in BAD])
def test_invalid_hyperparameters_raise_naming_class_argument_and_value(
        cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)


# ----- state: slots, iterations, u_product survive save/load -----------
@pytest.mark.parametrize("opt", [
    lambda: Adam(0.01, amsgrad=True, clipnorm=1.0),
    lambda: Nadam(0.01),
    lambda: RMSprop(0.01, momentum=0.5, centered=True),
    lambda: Adagrad(0.05),
    lambda: AdamW(nnkit.schedules.CosineDecay(0.01, 20, warmup_target=0.02,
                                              warmup_steps=5)),
], ids=["Adam", "Nadam", "RMSprop", "Adagrad", "AdamW-schedule"])
def test_save_load_mid_training_then_continuing_equals_continuing(
        tmp_path, opt):
    x, y = data("float64", steps=10)
    model = make_model(opt(), "float64")
    for step in range(5):
        model.train_on_batch(*batch(x, y, step))
    loaded = nnkit.load_model(model.save(tmp_path / "mid"))
    assert loaded.optimizer.iterations == 5
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    for step in range(5, 10):
        a = model.train_on_batch(*batch(x, y, step))
        b = loaded.train_on_batch(*batch(x, y, step))
        assert a == b
    for w, lw in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(w, lw)


def test_nadam_u_product_is_saved_and_matches_the_running_product():
    x, y = data("float64", steps=3)
    model = make_model(Nadam(0.01), "float64")
    for step in range(3):
        model.train_on_batch(*batch(x, y, step))
    state = model.optimizer.get_state(model.parameters())
    u = [0.9 * (1 - 0.5 * 0.96 ** t) for t in (1, 2, 3)]
    assert float(state["u_product"]) == pytest.approx(np.prod(u), rel=1e-15)
    fresh = Nadam(0.01)
    del state["u_product"]          # an older file: derived from t
    fresh.set_state(model.parameters(), state)
    assert fresh.u_product == pytest.approx(np.prod(u), rel=1e-15)


def test_reset_state_forgets_slots_and_steps():
    opt = Nadam(0.01)
    steps_of(opt, [G1, G2])
    assert opt.iterations == 2 and opt._slots and opt.u_product < 1
    opt.reset_state()
    assert opt.iterations == 0 and not opt._slots and opt.u_product == 1


def test_sgd_still_works_with_the_schedule_hook():
    # A schedule without update_optimizer leaves the optimizer alone.
    opt = SGD(nnkit.schedules.ExponentialDecay(0.1, 1, 0.5), momentum=0.5)
    (w1, w2) = steps_of(opt, [G1, G2])
    np.testing.assert_allclose(w1, W0 - 0.1 * G1, rtol=1e-15)
    np.testing.assert_allclose(
        w2, w1 + 0.5 * (-0.1 * G1) - 0.05 * G2, rtol=1e-15)
    assert opt.momentum == 0.5


# ----- the update rules as formulas = the former scratch-buffer code -------
class ScratchAdam(Adam):
    """Adam's update as nnkit computed it before it was written as the
    paper's lines: every intermediate result in a preallocated buffer
    (``out=``), in Keras' order of operations. The reference for the
    bit-identity test below."""

    def update_step(self, p, g, slots, lr):
        dt = p.data.dtype.type
        alpha = self.step_size(lr, p.data.dtype)
        m, v = slots["momentum"], slots["velocity"]
        tmp, step = np.empty_like(p.data), np.empty_like(p.data)
        np.subtract(g, m, out=tmp)
        tmp *= dt(1 - self.beta_1)
        m += tmp
        np.multiply(g, g, out=tmp)
        tmp -= v
        tmp *= dt(1 - self.beta_2)
        v += tmp
        if self.amsgrad:
            v_hat = slots["velocity_hat"]
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        np.sqrt(v, out=tmp)
        tmp += dt(self.epsilon)
        np.multiply(m, alpha, out=step)
        step /= tmp
        p.data -= step


class ScratchRMSprop(RMSprop):
    """RMSprop's former buffer-by-buffer update (see ScratchAdam)."""

    def update_step(self, p, g, slots, lr):
        dt = p.data.dtype.type
        rho, eps = dt(self.rho), dt(self.epsilon)
        v = slots["velocity"]
        tmp, d = np.empty_like(p.data), np.empty_like(p.data)
        np.multiply(g, 1 - rho, out=tmp)
        tmp *= g
        v *= rho
        v += tmp
        if self.centered:
            mg = slots["average_gradient"]
            mg[...] = rho * mg + (1 - rho) * g
            np.subtract(v, np.multiply(mg, mg, out=tmp), out=tmp)
            tmp += eps
        else:
            np.add(v, eps, out=tmp)
        np.sqrt(tmp, out=tmp)
        np.multiply(g, lr, out=d)
        d /= tmp
        if self.momentum > 0:
            m = slots["momentum"]
            m[...] = dt(self.momentum) * m + d
            p.data -= m
        else:
            p.data -= d


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("pair", [
    (Adam, ScratchAdam, {}),
    (Adam, ScratchAdam, dict(amsgrad=True, beta_1=0.8, epsilon=1e-3)),
    (AdamW, ScratchAdam, dict(weight_decay=0.1)),
    (RMSprop, ScratchRMSprop, {}),
    (RMSprop, ScratchRMSprop, dict(centered=True, momentum=0.9)),
    (RMSprop, ScratchRMSprop, dict(momentum=0.5, rho=0.7)),
], ids=["Adam", "Adam-amsgrad", "AdamW", "RMSprop", "RMSprop-centered-mom",
        "RMSprop-momentum"])
def test_update_formulas_are_bit_identical_to_the_buffered_form(pair,
                                                                 dtype):
    ours_cls, ref_cls, kw = pair
    ours, ref = ours_cls(0.01, **kw), ref_cls(0.01, **kw)
    rng = np.random.default_rng(4)
    w0 = rng.standard_normal((7, 5)).astype(dtype)
    p_ours, p_ref = Parameter(w0.copy(), "w"), Parameter(w0.copy(), "w")
    for _ in range(50):
        g = (rng.standard_normal(w0.shape) * 10.0 ** rng.integers(-4, 2)
             ).astype(dtype)
        p_ours.grad[...] = g
        p_ref.grad[...] = g
        ours.apply([p_ours])
        ref.apply([p_ref])
        np.testing.assert_array_equal(p_ours.data, p_ref.data)
    assert not np.array_equal(p_ours.data, w0)
    for k in ours.slot_names:
        np.testing.assert_array_equal(ours.slots(p_ours)[k],
                                      ref.slots(p_ref)[k])
