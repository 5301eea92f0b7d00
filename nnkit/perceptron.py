"""Rosenblatt's perceptron (1958): a threshold unit and its learning rule.

For an input x of D features the unit outputs

    y_hat = step(w . x + b),   step(z) = 1 if z >= 0 else 0,

and learns one example at a time with

    w <- w + eta (y - y_hat) x,    b <- b + eta (y - y_hat).

The update is zero when the prediction is right, so only mistakes move
the weights. If the two classes can be separated by a straight line
(a hyperplane), the rule finds one after a finite number of mistakes
(Novikoff's theorem); if they cannot, as with XOR, it never stops
making them, and ``fit`` gives up after ``max_epochs``.

The step function has zero derivative wherever it is defined, so no
gradient flows through it; the multilayer networks of later chapters
replace it with smooth activations trained by backpropagation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _validate as check
from .activations import Step

__all__ = ["Perceptron"]


class Perceptron:
    """A single threshold unit trained with the perceptron rule.

    Args:
        learning_rate: eta > 0. With zero initial weights it only scales
            w and b, so in exact arithmetic the predictions do not
            depend on it. In floating point they can: with eta = 0.1 a
            net input that should be exactly 0 (where step gives 1)
            may come out as -1e-17. Powers of two are exact.
        max_epochs: passes over the data before giving up.
        seed: int or np.random.Generator, used by ``shuffle`` and
            ``w_init="random"``.
        shuffle: visit the examples in a new random order each epoch.
        w_init: ``"zeros"`` (w = 0, b = 0) or ``"random"`` (w and b
            drawn from N(0, 0.01^2)).

    Attributes:
        weights_: w, shape (D,), set by ``fit``.
        bias_: b, a float.
        errors_per_epoch_: list with the number of mistakes (updates)
            in each epoch.
        converged_: True if the last epoch made no mistakes.
        n_epochs_: epochs run, including the final error-free one.
        weights_history_: list of (w, b) pairs: the initial weights,
            then the weights after every update, for animations.
    """

    def __init__(self, learning_rate: float = 1.0, max_epochs: int = 100,
                 seed: int | np.random.Generator | None = None,
                 shuffle: bool = False, w_init: str = "zeros"):
        owner = "Perceptron"
        self.learning_rate = check.positive(owner, "learning_rate",
                                            learning_rate)
        self.max_epochs = check.positive_int(owner, "max_epochs",
                                             max_epochs)
        self.seed = check.generator_seed(owner, "seed", seed)
        self.shuffle = check.boolean(owner, "shuffle", shuffle)
        self.w_init = check.one_of(owner, "w_init", w_init,
                                   ("zeros", "random"))
        self.step = Step()

    # -- checks ------------------------------------------------------------

    @staticmethod
    def _check_x(x: Any, d: int | None = None) -> np.ndarray:
        x = check.array("Perceptron", "x", x, finite=True).astype(
            np.float64)
        if x.ndim != 2:
            raise ValueError(f"Perceptron: x must have shape (N, D), got "
                             f"{x.shape}")
        if d is not None and x.shape[1] != d:
            raise ValueError(f"Perceptron: fitted on {d} features, got "
                             f"x with {x.shape[1]}")
        return x

    @staticmethod
    def _check_y(y: Any, n: int) -> np.ndarray:
        y = check.array("Perceptron", "y", y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.shape != (n,):
            raise ValueError(f"Perceptron: y must have shape ({n},), got "
                             f"{y.shape}")
        bad = np.setdiff1d(np.unique(y), [0, 1])
        if bad.size:
            raise ValueError(
                f"Perceptron: labels must be 0 or 1, got "
                f"{bad[0].item()!r}; for -1/+1 labels pass "
                "(y > 0).astype(int)")
        return y.astype(np.float64)

    def _fitted(self) -> None:
        if not hasattr(self, "weights_"):
            raise RuntimeError("Perceptron: call fit(x, y) first")

    # -- training ----------------------------------------------------------

    def fit(self, x: Any, y: Any) -> Perceptron:
        """Apply the perceptron rule until an epoch has no mistakes.

        Args:
            x: inputs, shape (N, D).
            y: labels in {0, 1}, shape (N,).

        Returns:
            self.
        """
        x = self._check_x(x)
        y = self._check_y(y, x.shape[0])
        rng = np.random.default_rng(self.seed)
        n, d = x.shape
        if self.w_init == "zeros":
            w, b = np.zeros(d), 0.0
        else:
            w, b = rng.normal(0.0, 0.01, d), float(rng.normal(0.0, 0.01))
        eta = self.learning_rate
        self.weights_history_ = [(w.copy(), b)]
        self.errors_per_epoch_ = []
        self.converged_ = False
        for _ in range(self.max_epochs):
            errors = 0
            order = rng.permutation(n) if self.shuffle else range(n)
            for i in order:
                y_hat = float(self.step(np.array(x[i] @ w + b)))
                delta = y[i] - y_hat             # -1, 0 or +1
                if delta != 0:
                    w += eta * delta * x[i]
                    b += eta * delta
                    errors += 1
                    self.weights_history_.append((w.copy(), b))
            self.errors_per_epoch_.append(errors)
            if errors == 0:
                self.converged_ = True
                break
        self.weights_, self.bias_ = w, b
        self.n_epochs_ = len(self.errors_per_epoch_)
        return self

    # -- inference ---------------------------------------------------------

    def decision_function(self, x: Any) -> np.ndarray:
        """The unit's net input w . x + b, shape (N,)."""
        self._fitted()
        x = self._check_x(x, self.weights_.size)
        return x @ self.weights_ + self.bias_

    def predict(self, x: Any) -> np.ndarray:
        """step(w . x + b): labels in {0, 1}, int array of shape (N,)."""
        return self.step(self.decision_function(x)).astype(np.int64)

    def score(self, x: Any, y: Any) -> float:
        """Accuracy of predict(x) against labels y."""
        x = self._check_x(x)
        y = self._check_y(y, x.shape[0])
        return float(np.mean(self.predict(x) == y))

    def decision_line(self, w: Any = None,
                      b: float | None = None) -> tuple[float, float]:
        """Slope and intercept of the boundary w1 x1 + w2 x2 + b = 0.

        Solving for x2: x2 = -(w1 / w2) x1 - b / w2.

        Args:
            w, b: weights to use instead of the fitted ones, e.g. an
                entry of ``weights_history_``.

        Returns:
            (slope, intercept) = (-w1 / w2, -b / w2).
        """
        if w is None:
            self._fitted()
            w, b = self.weights_, self.bias_
        w = np.asarray(w, dtype=np.float64)
        if w.shape != (2,):
            raise ValueError(f"decision_line needs 2 input features, the "
                             f"weights have shape {w.shape}")
        if b is None:
            raise ValueError("decision_line: pass b together with w")
        if w[1] == 0:
            raise ValueError(
                f"decision_line: w2 = 0 (w = {w.tolist()}), so the "
                "boundary is vertical (x1 = -b / w1) or, with w = 0, "
                "undefined; it has no slope-intercept form")
        return float(-w[0] / w[1]), float(-b / w[1])

    def __repr__(self) -> str:
        return (f"Perceptron(learning_rate={self.learning_rate}, "
                f"max_epochs={self.max_epochs}, shuffle={self.shuffle}, "
                f"w_init={self.w_init!r})")
