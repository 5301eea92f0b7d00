"""A residual (skip) connection: out = f(F(x) + shortcut(x)).

F is a small stack of layers (say Conv2D -> Conv2D), the shortcut is
the identity or, when F changes the shape, a projection (typically a
1x1 Conv2D with the same strides). This is the block of a ResNet, made
usable inside ``Sequential``:

    Residual([Conv2D(16, 3, padding="same", activation="relu"),
              Conv2D(16, 3, padding="same")], activation="relu")

Backward: the sum sends dz = dout * f'(z) unchanged down *both* paths,
and the input's gradient is their sum,

    dx = dF/dx^T dz + dshortcut/dx^T dz      (= ... + dz for identity)

which is why gradients reach early layers of very deep ResNets: the
identity path carries dz back without shrinking it.

Keras has no Sequential twin (a Keras residual block needs the
functional API and ``keras.layers.Add``), so ``to_keras`` refuses a
model containing one; the tests build the functional equivalent.
Weights: the layers' weights in order, then the projection's. Their
names are "<inner layer name>/<weight name>", unique within the block.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .. import activations
from .base import Layer

__all__ = ["Residual"]


class Residual(Layer):
    """out = activation(F(x) + shortcut(x)), F a list of layers.

    Args:
        layers: the layers of the residual branch F, applied in order.
        projection: optional layer applied to x on the shortcut, needed
            when F(x) and x differ in shape; None is the identity.
        activation: applied after the addition (ResNet uses ReLU);
            None is linear.
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).

    Input shape:
        (N, ...) as the first layer of F expects.
    Output shape:
        F's output shape.
    """

    def __init__(self, layers: list[Layer], projection: Layer | None = None,
                 activation: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        owner = self.describe()
        self.layers = check.list_of(owner, "layers", layers, Layer,
                                    "nnkit layer", "Residual([layer])")
        if not self.layers:
            raise ValueError(f"{owner}: layers must be a non-empty list "
                             f"of nnkit layers, got {check.show(layers)}")
        self.projection = check.instance(owner, "projection", projection,
                                         Layer, "an nnkit layer or None",
                                         allow_none=True)
        self.activation = check.lookup(owner, "activation", activation,
                                       activations.get)
        names: set[str] = set()
        for lay in self.sublayers():
            base, k = lay.name, 1
            while lay.name in names:
                lay.name, k = f"{base}_{k}", k + 1
            names.add(lay.name)

    def sublayers(self) -> list[Layer]:
        """F's layers, then the projection if any."""
        return self.layers + ([self.projection] if self.projection else [])

    def build(self, input_shape, rng=None):
        for lay in self.sublayers():
            self._share_dtype(lay)
        shape = tuple(input_shape)
        for lay in self.layers:
            lay.ensure_built(shape, rng)
            shape = lay.compute_output_shape(shape)
        short = tuple(input_shape)
        if self.projection is not None:
            self.projection.ensure_built(short, rng)
            short = self.projection.compute_output_shape(short)
        if shape != short:
            raise ValueError(
                f"{self.describe()}: the residual branch gives shape "
                f"{shape} but the shortcut gives {short}; add a "
                f"projection (e.g. a 1x1 Conv2D with the branch's filters "
                f"and strides) so the two can be added")
        self._adopt_parameters(self.sublayers())
        super().build(input_shape, rng)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        for lay in self.layers:
            shape = lay.compute_output_shape(shape)
        return shape

    def forward(self, x, training=False):
        x = np.asarray(x).astype(self.dtype, copy=False)
        h = x
        for lay in self.layers:
            h = lay.forward(h, training=training)
        s = x if self.projection is None else self.projection.forward(
            x, training=training)
        self.z = h + s
        self.out = self.activation.forward(self.z)
        return self.out

    def backward(self, dout):
        dz = self.activation.backward(self.z, self.out, dout)
        dh = dz
        for lay in reversed(self.layers):
            act_reg = getattr(lay, "activity_regularizer", None)
            if act_reg is not None:
                dh = dh + act_reg.gradient(lay.out)
            dh = lay.backward(dh)
        ds = dz if self.projection is None else self.projection.backward(dz)
        return dh + ds

    def regularization_loss(self) -> float:
        """Weight penalties plus the inner layers' activity penalties."""
        total = super().regularization_loss()
        for lay in self.layers:
            act_reg = getattr(lay, "activity_regularizer", None)
            if act_reg is not None:
                total += float(act_reg(lay.out))
        return total

    def get_state(self) -> dict[str, Any]:
        states = {str(i): lay.get_state()
                  for i, lay in enumerate(self.sublayers())}
        return {k: v for k, v in states.items() if v}

    def set_state(self, state: dict[str, Any]) -> None:
        subs = self.sublayers()
        for i, sub_state in state.items():
            subs[int(i)].set_state(sub_state)

    def get_config(self):
        def spec(lay: Layer) -> dict[str, Any]:
            return {"class_name": type(lay).__name__,
                    "config": lay.get_config()}

        return {**super().get_config(),
                "layers": [spec(lay) for lay in self.layers],
                "projection": (None if self.projection is None
                               else spec(self.projection)),
                "activation": activations.serialize(self.activation)}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Residual:
        from . import get  # the registry imports this module

        def make(spec: dict[str, Any]) -> Layer:
            return get(spec["class_name"]).from_config(dict(spec["config"]))

        config = dict(config)
        config["layers"] = [make(s) for s in config["layers"]]
        if config.get("projection") is not None:
            config["projection"] = make(config["projection"])
        return cls(**config)
