"""The text of ``Model.summary``: Keras' table of layers.

A functional model gets a fourth column, "Connected to", listing each
layer call's inputs as ``layer_name[node][tensor]``, as Keras prints it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["table"]


def _rows(model: Any) -> list[tuple[str, ...]]:
    """(name (type), output shape, params[, connected to]) per layer."""
    nodes = getattr(model, "nodes", None)
    rows = []
    if nodes is None:                        # Sequential: a chain
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
        return rows
    for layer in model.layers:
        calls = [n for n in nodes if n.layer is layer]
        shapes = {tuple(t.shape) for n in calls for t in n.outputs}
        out = str(shapes.pop()) if len(shapes) == 1 else "multiple"
        links = [f"{t.layer.name}[{t.node.index}][{t.index}]"
                 for n in calls for t in n.inputs]
        rows.append((f"{layer.name} ({type(layer).__name__})", out,
                     f"{layer.count_params():,}",
                     ", ".join(links) or "-"))
    return rows


def table(model: Any) -> str:
    """``Model.summary``'s table as one string."""
    functional = getattr(model, "nodes", None) is not None
    header = ("Layer (type)", "Output Shape", "Param #") \
        + (("Connected to",) if functional else ())
    rows = [header] + _rows(model)
    widths = [max(len(r[i]) for r in rows) + 2 for i in range(len(header))]
    widths[0] = max(widths[0], 30)
    line = "-" * sum(widths)

    def fmt(r):
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1]),
                 r[2].rjust(widths[2])]
        if functional:
            cells.append("  " + r[3])
        return "".join(cells).rstrip()

    total = model.count_params()
    trainable = sum(p.data.size for p in model.trainable_parameters)
    return "\n".join(
        [f'Model: "{model.name}"', line, fmt(rows[0]), "=" * len(line)]
        + [fmt(r) for r in rows[1:]]
        + [line, f"Total params: {total:,}",
           f"Trainable params: {trainable:,}",
           f"Non-trainable params: {total - trainable:,}", line])
