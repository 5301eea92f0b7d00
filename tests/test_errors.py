"""Bad input gets a clear error naming the layer, argument and values."""

from __future__ import annotations

import numpy as np
import pytest

import nnkit
from nnkit import Dense, Input, Sequential


def compiled(loss="mse", units=1, out="linear"):
    model = Sequential([Dense(4, activation="tanh", name="hidden1",
                              input_shape=(3,)),
                        Dense(units, activation=out)], seed=0)
    model.compile("sgd", loss)
    return model


def test_wrong_input_width_names_layer_and_both_shapes():
    model = Sequential([Dense(8, name="hidden1", input_shape=(64,))])
    with pytest.raises(ValueError) as err:
        model.predict(np.zeros((32, 65)))
    assert str(err.value) == ("Dense 'hidden1' expects inputs of shape "
                              "(batch, 64), got (32, 65)")


def test_wrong_input_width_in_fit():
    with pytest.raises(ValueError, match=r"'hidden1' expects inputs of "
                       r"shape \(batch, 3\), got \(10, 2\)"):
        compiled().fit(np.zeros((10, 2)), np.zeros(10), verbose=0)


@pytest.mark.parametrize("kind,name", [
    (nnkit.activations.get, "relux"),
    (nnkit.losses.get, "mean_squared_eror"),
    (nnkit.optimizers.get, "adamm"),
    (nnkit.initializers.get, "glorot"),
    (nnkit.regularizers.get, "l3"),
])
def test_unknown_names_list_the_valid_choices(kind, name):
    with pytest.raises(ValueError, match=f"unknown .*'{name}'.*choose one"):
        kind(name)


def test_unknown_activation_in_a_layer():
    with pytest.raises(ValueError, match="unknown activation 'sigmod'"):
        Dense(3, activation="sigmod")


def test_fit_before_compile_says_what_to_do():
    model = Sequential([Dense(1, input_shape=(2,))])
    with pytest.raises(RuntimeError, match=r"call compile\(optimizer"):
        model.fit(np.zeros((4, 2)), np.zeros(4), verbose=0)
    with pytest.raises(RuntimeError, match="before evaluate"):
        model.evaluate(np.zeros((4, 2)), np.zeros(4))


def test_sparse_label_equal_to_class_count_is_rejected_before_training():
    model = compiled("sparse_categorical_crossentropy", 3, "softmax")
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\] for "
                       r"3 output units, got labels in \[0, 3\]"):
        model.fit(np.zeros((5, 3)), np.array([0, 1, 2, 3, 1]), verbose=0)
    assert model.optimizer.iterations == 0


def test_one_hot_labels_with_sparse_loss_get_a_hint():
    model = compiled("sparse_categorical_crossentropy", 3, "softmax")
    with pytest.raises(ValueError, match="looks one-hot"):
        model.fit(np.zeros((4, 3)), np.eye(3)[[0, 1, 2, 0]], verbose=0)


def test_integer_labels_with_categorical_loss_get_a_hint():
    model = compiled("categorical_crossentropy", 3, "softmax")
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        model.fit(np.zeros((4, 3)), np.array([0, 1, 2, 0]), verbose=0)


def test_fractional_sparse_labels_are_rejected():
    model = compiled("sparse_categorical_crossentropy", 3, "softmax")
    with pytest.raises(ValueError, match="whole numbers"):
        model.fit(np.zeros((2, 3)), np.array([0.5, 1.0]), verbose=0)


def test_binary_labels_outside_unit_interval_are_rejected():
    model = compiled("binary_crossentropy", 1, "sigmoid")
    with pytest.raises(ValueError, match=r"must lie in \[0, 1\], got values "
                       r"in \[-1, 1\]"):
        model.fit(np.zeros((2, 3)), np.array([-1.0, 1.0]), verbose=0)


def test_nan_in_inputs_is_reported_with_its_position():
    x = np.zeros((6, 3))
    x[4, 1] = np.nan
    with pytest.raises(ValueError, match=r"x contains NaN or inf in 1 "
                       r"example\(s\), the first at index 4"):
        compiled().fit(x, np.zeros(6), verbose=0)


def test_inf_in_targets_is_reported():
    y = np.zeros(6)
    y[2] = np.inf
    with pytest.raises(ValueError, match="y contains NaN or inf"):
        compiled().fit(np.zeros((6, 3)), y, verbose=0)


def test_divergence_stops_fit_naming_epoch_batch_and_layer():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)) * 10
    y = rng.standard_normal(64) * 10
    model = Sequential([Dense(16, activation="relu", name="wide",
                              input_shape=(3,)),
                        Dense(1, name="out")], seed=0)
    model.compile(nnkit.optimizers.SGD(5.0), "mse")
    with pytest.raises(nnkit.TrainingDivergedError) as err:
        model.fit(x, y, epochs=50, batch_size=16, verbose=0)
    e = err.value
    msg = str(e)
    assert f"epoch {e.epoch}/50, batch {e.batch}/4" in msg
    assert e.layer in ("wide", "out") and f"'{e.layer}'" in msg
    assert "learning rate" in msg


def test_mismatched_lengths():
    with pytest.raises(ValueError, match="x has 5 examples but y has 4"):
        compiled().fit(np.zeros((5, 3)), np.zeros(4), verbose=0)


@pytest.mark.parametrize("kwargs,match", [
    (dict(epochs=0), "epochs must be a positive integer"),
    (dict(batch_size=-2), "batch_size must be a positive integer"),
    (dict(validation_split=1.0), r"validation_split must be a number in "
     r"\[0, 1\)"),
])
def test_bad_fit_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        compiled().fit(np.zeros((4, 3)), np.zeros(4), verbose=0, **kwargs)


@pytest.mark.parametrize("kwargs,match", [
    (dict(learning_rate=-0.1), "learning_rate must be a finite number "
     ">= 0"),
    (dict(momentum=1.0), r"momentum must be a number in \[0, 1\)"),
    (dict(momentum=-0.5), "momentum must be a number in"),
    (dict(clipnorm=0), "clipnorm must be a finite number > 0"),
    (dict(clipnorm=1.0, global_clipnorm=1.0), "only one of clipnorm, "
     "clipvalue and global_clipnorm"),
])
def test_bad_optimizer_hyperparameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        nnkit.optimizers.SGD(**kwargs)


@pytest.mark.parametrize("units", [0, -3, 2.5, True])
def test_dense_units_must_be_a_positive_integer(units):
    with pytest.raises(ValueError, match="units must be a positive integer"):
        Dense(units)


def test_set_weights_with_wrong_shape_names_the_weight():
    model = Sequential([Dense(2, name="h", input_shape=(3,))])
    with pytest.raises(ValueError, match=r"Dense 'h': weight 'kernel' has "
                       r"shape \(3, 2\), got \(2, 3\)"):
        model.set_weights([np.zeros((2, 3)), np.zeros(2)])


def test_input_must_come_first():
    model = Sequential([Dense(2, input_shape=(3,))])
    with pytest.raises(ValueError, match="Input must come first"):
        model.add(Input((3,)))


def test_non_numeric_input():
    with pytest.raises(TypeError, match="x must be numeric"):
        compiled().predict(np.array([["a", "b", "c"]]))


def test_loading_a_foreign_npz_fails_clearly(tmp_path):
    path = tmp_path / "w.npz"
    np.savez(path, a=np.zeros(3))
    with pytest.raises(ValueError, match="not an nnkit model file"):
        nnkit.load_model(path)


def test_ragged_sequences_in_fit_suggest_pad_sequences():
    model = Sequential([nnkit.layers.SimpleRNN(3, input_shape=(4, 2)),
                        Dense(1)])
    model.compile("sgd", "mse")
    ragged = [np.zeros((4, 2)), np.zeros((6, 2))]
    with pytest.raises(ValueError, match=r"fit received 2 sequences of "
                       r"different lengths \(4 to 6 steps\).*pad_sequences"):
        model.fit(ragged, np.zeros(2), verbose=0)
