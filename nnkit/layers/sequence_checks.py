"""Input checks shared by the recurrent layers.

Errors a student meets first with sequence models: a 2-D array where
(batch, timesteps, features) is expected, a feature size the layer was
not built for, a Python list of sequences of different lengths,
initial states and masks of the wrong shape. Each message says what to
do.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# re-exported for the recurrent layers; defined with the other checks
from .._validate import array, positive_int
from .symbolic import is_symbolic

__all__ = ["positive_int", "check_sequence_rank", "check_sequences",
           "check_initial_states", "check_mask", "SequenceCall"]


def check_sequence_rank(owner: str, shape: tuple[int, ...]) -> None:
    """Per-example ``shape`` must be (timesteps, features)."""
    if len(shape) != 2:
        full = ", ".join(["batch"] + [str(s) for s in shape])
        hint = (f"; with one feature per step add a feature axis, "
                f"x[..., None], shape (batch, {shape[0]}, 1)"
                if len(shape) == 1 else "")
        raise ValueError(f"{owner} expects sequences of shape (batch, "
                         f"timesteps, features), got an array of shape "
                         f"({full}){hint}")


def check_not_ragged(owner: str, x: Any) -> None:
    """Refuse sequences of different lengths; point to pad_sequences."""
    if not isinstance(x, (list, tuple)) or len(x) < 2:
        return
    if not all(hasattr(s, "__len__") for s in x):
        return
    lengths = {len(s) for s in x}
    if len(lengths) > 1:
        raise ValueError(
            f"{owner} received {len(x)} sequences of different lengths "
            f"({min(lengths)} to {max(lengths)} steps); pad them to one "
            f"length first, e.g. nnkit.sequences.pad_sequences(seqs, "
            f"padding='post', dtype='float32')")


def check_sequences(owner: str, x: Any, features: int | None,
                    dtype: np.dtype) -> np.ndarray:
    """A (N, T, D) array of ``dtype``, or a clear error.

    Args:
        owner: the layer's description for messages.
        x: an array or a list of equal-length sequences.
        features: the D the layer was built for (None before build).
        dtype: the layer's float dtype.
    """
    check_not_ragged(owner, x)
    x = np.asarray(x)
    if x.dtype.kind not in "fiub":
        raise TypeError(f"{owner} expects numbers, got dtype {x.dtype}")
    if x.ndim == 0:
        raise ValueError(f"{owner} expects a batch of sequences, got a "
                         f"scalar")
    check_sequence_rank(owner, x.shape[1:])
    if features is not None and x.shape[2] != features:
        raise ValueError(f"{owner} was built for {features} features per "
                         f"step, got {x.shape[2]} (input shape {x.shape})")
    if x.shape[1] == 0:
        raise ValueError(f"{owner} needs at least one time step, got "
                         f"input shape {x.shape}")
    return x.astype(dtype, copy=False)


def check_initial_states(owner: str, initial_state: Any,
                         names: tuple[str, ...], shape: tuple[int, int],
                         dtype: np.dtype) -> list[np.ndarray]:
    """Initial states as a list of (N, H) arrays (zeros if None)."""
    if initial_state is None:
        return [np.zeros(shape, dtype) for _ in names]
    if isinstance(initial_state, np.ndarray):
        initial_state = [initial_state]
    if len(initial_state) != len(names):
        raise ValueError(f"{owner} needs {len(names)} initial state "
                         f"array(s) ({', '.join(names)}), got "
                         f"{len(initial_state)}")
    states = [np.asarray(s, dtype) for s in initial_state]
    for name, s in zip(names, states):
        if s.shape != shape:
            raise ValueError(f"{owner}: initial state {name} must have "
                             f"shape {shape}, got {s.shape}")
    return states


def check_mask(owner: str, mask: Any, n: int, t: int) -> np.ndarray:
    """A boolean (N, T) mask: True marks a real time step.

    Numbers are accepted as in Keras (non-zero is True).
    """
    mask = array(owner, "mask", mask, kinds="biuf", ndim=2)
    if mask.shape != (n, t):
        raise ValueError(f"{owner}: mask must have shape (batch, "
                         f"timesteps) = ({n}, {t}), one flag per time "
                         f"step of each sequence, got {mask.shape}")
    return mask.astype(bool, copy=False)


class SequenceCall:
    """``__call__`` of the layers that read whole sequences (the
    recurrent layers and ``Bidirectional``), placed before ``Layer`` in
    their bases.

    An eager call checks the sequences (``check_input``), builds the
    layer and runs ``forward`` with the optional ``initial_state`` and
    ``mask``. A call on symbolic tensors (the functional API) takes
    neither: the mask travels with the graph from the layer that makes
    it, e.g. ``Embedding(mask_zero=True)``.
    """

    def __call__(self, x, training=None, initial_state=None, mask=None):
        if is_symbolic(x):
            if initial_state is not None or mask is not None:
                raise TypeError(
                    f"{self.describe()}: on symbolic tensors give neither "
                    f"initial_state nor mask (the mask comes from the "
                    f"layers before it, e.g. Embedding(mask_zero=True)); "
                    f"initial states from other tensors are not "
                    f"supported in nnkit's functional models")
            return super().__call__(x, training)
        x = self.check_input(x)
        self.ensure_built(x.shape[1:])
        return self.forward(x, bool(training), mask=mask,
                            initial_state=initial_state)
