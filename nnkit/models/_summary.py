"""The text of ``Sequential.summary``: Keras' table of layers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._sequential import Sequential

__all__ = ["summary"]


def summary(model: Sequential, print_fn: Any = print) -> str:
    """``Sequential.summary``: the table, printed and returned."""
    rows = [("Layer (type)", "Output Shape", "Param #")]
    shape = model.input_shape
    for layer in model.layers:
        if layer.built and shape is not None:
            shape = layer.compute_output_shape(shape)
            out = str((None,) + tuple(shape))
            count = f"{layer.count_params():,}"
        else:
            out, count = "? (unbuilt)", "0"
        rows.append((f"{layer.name} ({type(layer).__name__})", out,
                     count))
    widths = [max(len(r[i]) for r in rows) + 2 for i in range(3)]
    widths[0] = max(widths[0], 30)
    line = "-" * sum(widths)

    def fmt(r):
        return (r[0].ljust(widths[0]) + r[1].ljust(widths[1])
                + r[2].rjust(widths[2]))

    total = model.count_params()
    trainable = sum(p.data.size for p in model.trainable_parameters)
    text = "\n".join(
        [f'Model: "{model.name}"', line, fmt(rows[0]), "=" * len(line)]
        + [fmt(r) for r in rows[1:]]
        + [line, f"Total params: {total:,}",
           f"Trainable params: {trainable:,}",
           f"Non-trainable params: {total - trainable:,}", line])
    if print_fn is not None:
        print_fn(text)
    return text
