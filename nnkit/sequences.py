"""Preparing sequences for recurrent models (numpy only).

* ``make_windows``: cut a time series into (past window, future) pairs
  for forecasting;
* ``pad_sequences``: make sequences of different lengths one array,
  with Keras' semantics (``keras.utils.pad_sequences``);
* ``CharVocab`` and ``one_hot``: characters <-> integer ids <-> one-hot
  vectors, for character-level text models;
* ``sample_with_temperature``: draw the next character from a model's
  predicted distribution, sharpened or flattened by a temperature.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from . import _validate as check

__all__ = ["make_windows", "pad_sequences", "CharVocab", "one_hot",
           "sample_with_temperature"]


def make_windows(series: Any, window: int, horizon: int = 1
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Sliding windows for forecasting: the past ``window`` values as
    input, the next ``horizon`` values as target.

    Example i is ``x[i] = series[i : i+window]`` and ``y[i] =
    series[i+window : i+window+horizon]``; consecutive windows overlap
    (stride 1), giving ``n = T - window - horizon + 1`` examples.

    Args:
        series: (T,) one variable or (T, D) several.
        window: input length (>= 1).
        horizon: how many future steps to predict (>= 1).

    Returns:
        (x, y): x has shape (n, window, 1) for a (T,) series and
        (n, window, D) for a (T, D) one, ready for a recurrent layer;
        y has shape (n, horizon), or (n, horizon, D).
    """
    s = check.array("make_windows", "series", series)
    window = check.positive_int("make_windows", "window", window)
    horizon = check.positive_int("make_windows", "horizon", horizon)
    if s.ndim not in (1, 2):
        raise ValueError(f"make_windows: series must have shape (T,) or "
                         f"(T, D), got {s.shape}")
    n = len(s) - window - horizon + 1
    if n < 1:
        raise ValueError(f"make_windows: a series of length {len(s)} is "
                         f"too short for window={window} and horizon="
                         f"{horizon} (needs at least {window + horizon})")
    flat = s.ndim == 1
    s2 = s[:, None] if flat else s
    # all windows of window+horizon steps: (n, D, window+horizon)
    views = np.lib.stride_tricks.sliding_window_view(
        s2, window + horizon, axis=0)
    views = views.transpose(0, 2, 1)               # (n, w+h, D)
    x = np.ascontiguousarray(views[:, :window])
    y = np.ascontiguousarray(views[:, window:])
    return x, (y[..., 0] if flat else y)


def pad_sequences(sequences: Sequence, maxlen: int | None = None,
                  dtype: Any = "int32", padding: str = "pre",
                  truncating: str = "pre", value: Any = 0.0
                  ) -> np.ndarray:
    """Sequences of different lengths -> one (N, maxlen, ...) array.

    Keras' semantics: sequences longer than ``maxlen`` lose their start
    (``truncating="pre"``) or end (``"post"``); shorter ones are filled
    with ``value`` before (``padding="pre"``) or after (``"post"``).
    Steps may be scalars or arrays of one shape (taken from the first
    non-empty sequence).

    Like Keras, the result has the ``dtype`` you ask for, whatever the
    input's: with the default ``"int32"``, real-valued steps are cast
    to integers (1.7 becomes 1, toward zero, as Keras does), so pass
    ``dtype="float32"`` for real-valued steps. Unlike Keras, a value
    that the dtype cannot hold is refused instead of silently changed:
    an id of 2**40 in ``int32`` (Keras wraps it around to 0), an id
    above 2**24 in ``float32`` (it would be rounded to a neighbour), a
    NaN in an integer dtype.

    Args:
        sequences: N sequences (lists or arrays).
        maxlen: output length; default, the longest sequence's.
        dtype: output dtype (Keras default ``"int32"``: pass
            ``"float32"`` for real-valued steps, ``"int64"`` for ids
            beyond 2**31).
        padding, truncating: ``"pre"`` or ``"post"``.
        value: the padding value (a number the dtype holds).

    Returns:
        (N, maxlen) + step shape array of ``dtype``.
    """
    fn = "pad_sequences"
    check.one_of(fn, "padding", padding, ("pre", "post"))
    check.one_of(fn, "truncating", truncating, ("pre", "post"))
    dtype = _numeric_dtype(fn, dtype)
    check.number(fn, "value", value, allow_inf=dtype.kind == "f")
    _refuse_unrepresentable(fn, "value", np.asarray(value), dtype)
    if isinstance(sequences, (str, bytes)) or not hasattr(sequences,
                                                          "__len__"):
        raise check.ArgumentTypeError(
            f"{fn}: sequences must be a list of sequences, got "
            f"{check.show(sequences)} ({check.type_name(sequences)})")
    arrays, step_shape = [], None
    for i, s in enumerate(sequences):
        if not hasattr(s, "__len__") or isinstance(s, (str, bytes)):
            raise check.ArgumentTypeError(
                f"{fn}: sequence {i} is not a sequence ({s!r}); pass a "
                f"list of lists")
        a = check.array(fn, f"sequence {i}", s)
        if step_shape is None and len(a):
            step_shape = a.shape[1:]
        arrays.append(a)
    step_shape = step_shape or ()
    if maxlen is None:
        maxlen = max((len(a) for a in arrays), default=0)
    else:
        maxlen = check.positive_int(fn, "maxlen", maxlen)
    out = np.full((len(arrays), maxlen) + step_shape, value, dtype=dtype)
    for i, a in enumerate(arrays):
        if not len(a):
            continue
        a = a[-maxlen:] if truncating == "pre" else a[:maxlen]
        if a.shape[1:] != step_shape:
            raise ValueError(f"{fn}: steps of sequence {i} have shape "
                             f"{a.shape[1:]}, but earlier ones have "
                             f"{step_shape}")
        _refuse_unrepresentable(fn, f"sequence {i}", a, dtype)
        if padding == "pre":
            out[i, maxlen - len(a):] = a
        else:
            out[i, :len(a)] = a
    return out


def _numeric_dtype(fn: str, dtype: Any) -> np.dtype:
    """``dtype`` as a numpy dtype of numbers (bool, int, float)."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise check.ArgumentTypeError(
            f"{fn}: dtype must be a numeric dtype such as 'int32' or "
            f"'float32', got {check.show(dtype)}") from None
    if dt.kind not in "biuf":
        raise ValueError(f"{fn}: dtype must be a numeric dtype such as "
                         f"'int32' or 'float32', got {dt}")
    return dt


def _refuse_unrepresentable(fn: str, what: str, a: np.ndarray,
                            dtype: np.dtype) -> None:
    """Refuse values that casting to ``dtype`` would change, other than
    dropping a fractional part (which Keras does, so nnkit does too)."""
    if a.size == 0 or a.dtype.kind == "b" or dtype.kind == "b":
        return
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        if a.dtype.kind == "f":
            bad = ~np.isfinite(a) | (a < info.min) | (a >= info.max + 1.0)
        else:
            bad = (a < info.min) | (a > info.max)
        hint = ("; pass dtype='int64'" if dtype.itemsize < 8 else "")
    elif a.dtype.kind in "iu":
        # an integer survives the round trip iff the float holds it
        bad = a.astype(dtype).astype(a.dtype) != a
        hint = (f" exactly (above 2**{np.finfo(dtype).nmant + 1} a "
                f"{dtype} skips integers); keep ids integer, e.g. "
                f"dtype='int64'")
    else:
        with np.errstate(over="ignore"):
            bad = np.isfinite(a) & ~np.isfinite(a.astype(dtype))
        hint = "; pass dtype='float64'"
    if bad.any():
        first = a[bad].flat[0].item()
        if not np.isfinite(first):
            hint = "; NaN and inf are not integers: use dtype='float32'"
        raise ValueError(f"{fn}: {what} holds {first!r}, which dtype "
                         f"{dtype} cannot hold{hint}")


def one_hot(ids: Any, num_classes: int, dtype: Any = "float32"
            ) -> np.ndarray:
    """Integer ids (any shape) -> one-hot vectors, shape + (C,)."""
    ids = np.asarray(ids)
    num_classes = check.positive_int("one_hot", "num_classes", num_classes)
    if ids.dtype.kind not in "iu":
        raise TypeError(f"one_hot: ids must be integers, got dtype "
                        f"{ids.dtype}")
    if ids.size and (ids.min() < 0 or ids.max() >= num_classes):
        raise ValueError(f"one_hot: ids must be in [0, {num_classes}), "
                         f"got values from {ids.min()} to {ids.max()}")
    return np.eye(num_classes, dtype=dtype)[ids]


class CharVocab:
    """A character vocabulary: characters <-> ids <-> one-hot vectors.

    Ids follow the sorted order of the distinct characters of ``text``,
    so the same text always gives the same vocabulary.

    >>> v = CharVocab("hello")
    >>> v.chars, v.encode("hell").tolist(), v.decode([3, 1])
    ('ehlo', [1, 0, 2, 2], 'oh')
    """

    def __init__(self, text: str | Iterable[str]):
        pieces = [text] if isinstance(text, str) else text
        if not isinstance(pieces, (list, tuple)) or not all(
                isinstance(p, str) for p in pieces):
            raise check.ArgumentTypeError(
                f"CharVocab: text must be a string or a list of strings, "
                f"got {check.show(text)} ({check.type_name(text)})")
        self.chars = "".join(sorted(set("".join(pieces))))
        if not self.chars:
            raise ValueError("CharVocab: the text is empty")
        self.index = {c: i for i, c in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    @property
    def size(self) -> int:
        """The number of distinct characters, V."""
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        """(len(text),) int64 ids; unknown characters raise ValueError."""
        check.string("CharVocab.encode", "text", text, nonempty=False)
        try:
            return np.array([self.index[c] for c in text], dtype=np.int64)
        except KeyError as e:
            raise ValueError(f"CharVocab: character {e.args[0]!r} is not "
                             f"in the vocabulary {self.chars!r}") from None

    def decode(self, ids: Iterable[int]) -> str:
        """Ids back to a string."""
        ids = check.array("CharVocab.decode", "ids", ids, kinds="iu").ravel()
        if ids.size and (ids.min() < 0 or ids.max() >= len(self.chars)):
            raise ValueError(f"CharVocab: ids must be in [0, {self.size}), "
                             f"got {ids.min()} to {ids.max()}")
        return "".join(self.chars[int(i)] for i in ids)

    def one_hot(self, text: str, dtype: Any = "float32") -> np.ndarray:
        """(len(text), V) one-hot rows."""
        return one_hot(self.encode(text), self.size, dtype)

    def __repr__(self) -> str:
        return f"CharVocab({self.size} characters: {self.chars!r})"


def sample_with_temperature(probs: Any, temperature: float,
                            rng: np.random.Generator) -> Any:
    """Draw an id from ``probs`` reshaped by a temperature tau.

    The distribution used is q_i ∝ p_i^(1/tau), i.e. softmax(log p /
    tau): tau = 1 samples from p itself, tau > 1 flattens it (more
    surprising text), tau < 1 sharpens it, and as tau -> 0 all the mass
    goes to the most probable id (tau = 0 is accepted and returns the
    argmax, the "greedy" choice). Computed in log space, so small tau
    does not overflow.

    Args:
        probs: (V,) probabilities, or (N, V) for N draws at once.
        temperature: tau >= 0.
        rng: the generator to draw from (randomness is explicit).

    Returns:
        an int for (V,) input, an (N,) int array for (N, V).
    """
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim not in (1, 2) or p.shape[-1] == 0:
        raise ValueError(f"sample_with_temperature: probs must have shape "
                         f"(V,) or (N, V), got {p.shape}")
    if not np.isfinite(p).all() or (p < 0).any() or \
            (p.sum(axis=-1) <= 0).any():
        raise ValueError("sample_with_temperature: probs must be finite, "
                         "non-negative and not all zero")
    if not isinstance(temperature, (int, float, np.floating)) or \
            not temperature >= 0:
        raise ValueError(f"sample_with_temperature: temperature must be "
                         f">= 0, got {temperature!r}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError("sample_with_temperature: rng must be a "
                        "np.random.Generator, e.g. "
                        "np.random.default_rng(0)")
    rows = np.atleast_2d(p)
    if temperature == 0:
        ids = rows.argmax(axis=-1)
    else:
        with np.errstate(divide="ignore"):
            logits = np.log(rows) / temperature
        logits -= logits.max(axis=-1, keepdims=True)
        q = np.exp(logits)
        q /= q.sum(axis=-1, keepdims=True)
        # inverse-CDF sampling: one uniform number per row
        u = rng.random((len(q), 1))
        ids = np.minimum((q.cumsum(axis=-1) <= u).sum(axis=-1),
                         q.shape[-1] - 1)
    return int(ids[0]) if p.ndim == 1 else ids
