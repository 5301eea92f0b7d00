"""The conversion registries of nnkit.interop, keyed by nnkit class."""

from __future__ import annotations

import numpy as np
import pytest

import nnkit
from nnkit import interop
from nnkit.interop import LAYERS, SCHEDULES, Registry
from nnkit.layers import Dense
from nnkit.schedules import ExponentialDecay, OneCycle, StepDecay


def test_a_subclass_uses_its_parents_converter_unless_it_has_its_own():
    class Base:
        pass

    class Child(Base):
        pass

    class Own(Base):
        pass

    reg = Registry("thing")
    reg.register_to_keras(Base)(lambda obj, keras: ("base", type(obj)))
    reg.register_to_keras(Own)(lambda obj, keras: ("own", type(obj)))
    assert reg.converter_to(Child())(Child(), None) == ("base", Child)
    assert reg.converter_to(Own())(Own(), None) == ("own", Own)
    assert reg.converter_to(object()) is None


def test_registering_by_name_instead_of_class_is_refused():
    with pytest.raises(TypeError, match=r"pass the nnkit layer class "
                       r"itself .*got 'Conv1D'"):
        LAYERS.register_to_keras("Conv1D")


def test_unknown_objects_are_named_in_the_error():
    class Mystery(nnkit.layers.Layer):
        pass

    with pytest.raises(ValueError, match=r"to_keras: no Keras conversion "
                       r"for layer Mystery 'mystery'"):
        LAYERS.to_keras(Mystery())

    class FakeKerasLayer:
        name = "odd"

    with pytest.raises(ValueError, match=r"from_keras: no nnkit conversion "
                       r"for Keras layer 'odd' \(FakeKerasLayer\)"):
        LAYERS.from_keras(FakeKerasLayer())
    with pytest.raises(ValueError, match="OneCycle.*has no Keras twin"):
        SCHEDULES.to_keras(OneCycle(0.1, 100))


def test_every_shipped_layer_with_a_keras_twin_is_registered():
    no_twin = {"Layer", "Recurrent", "Residual", "Merge"}
    for name in nnkit.layers.__all__:
        cls = getattr(nnkit.layers, name)
        if isinstance(cls, type) and issubclass(cls, nnkit.layers.Layer) \
                and name not in no_twin:
            assert cls in LAYERS._to, name
            assert name in LAYERS._from, name


@pytest.mark.keras
def test_a_registered_converter_is_what_to_keras_uses(keras):
    model = nnkit.Sequential([Dense(2, input_shape=(3,))], seed=0)
    model.build((3,))
    kmodel = interop.to_keras(model, compile=False)
    assert [type(k).__name__ for k in kmodel.layers] == ["Dense"]
    for ours, theirs in zip(model.get_weights(), kmodel.get_weights()):
        np.testing.assert_array_equal(ours, theirs)
    back = interop.from_keras(kmodel)
    assert type(back.layers[0]) is Dense
    # StepDecay has no converter of its own: ExponentialDecay's serves.
    twin = interop.schedule_to_keras(StepDecay(0.1, 0.5, 3))
    assert type(twin).__name__ == "ExponentialDecay"
    assert twin.get_config()["staircase"] is True
    assert SCHEDULES.converter_to(StepDecay(0.1)) is \
        SCHEDULES.converter_to(ExponentialDecay(0.1, 3, 0.5))
