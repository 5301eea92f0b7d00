"""Masked sequence models, Sequential and functional, against Keras.

Padded integer sequences through Embedding(mask_zero=True), float
sequences through Masking, then recurrent and Bidirectional layers:
the same model in both libraries, the same weights (copied as lists),
the same batches. Losses, predictions and weights after SGD steps
agree to 1e-10 in float64 and 1e-5 in float32; gradients of whole
models pass central differences in float64.
"""

from __future__ import annotations

import numpy as np
import pytest

import nnkit
from nnkit import Dense, Input, Model, Sequential
from nnkit.gradcheck import check_model
from nnkit.interop import from_keras, to_keras
from nnkit.layers import (
    GRU,
    LSTM,
    Bidirectional,
    Embedding,
    GlobalAveragePooling1D,
    LayerNormalization,
    Masking,
    ReLU,
    SimpleRNN,
)

from .conftest import close, fit_alike, in_batches, train_alike

PASS = 1e-7
T, VOCAB = 7, 9



def padded_ids(rng, n, left=False):
    """Ids in [1, VOCAB), 0 after each sequence's length (or before)."""
    ids = rng.integers(1, VOCAB, (n, T))
    lengths = rng.integers(2, T + 1, n)
    pad = np.arange(T)[None, :] >= lengths[:, None]
    ids[pad[:, ::-1] if left else pad] = 0
    return ids


def normal():
    """Weights of a size that keeps gradients well above rounding."""
    return nnkit.initializers.RandomNormal(0.0, 0.5)


MODELS = {
    "embedding-lstm-dense": lambda: [
        Embedding(VOCAB, 4, mask_zero=True, input_shape=(T,),
                  embeddings_initializer=normal()),
        LSTM(5, bias_initializer=normal()), Dense(2)],
    "embedding-bidirectional_gru-dense": lambda: [
        Embedding(VOCAB, 4, mask_zero=True, input_shape=(T,),
                  embeddings_initializer=normal()),
        Bidirectional(GRU(3, bias_initializer=normal())), Dense(2)],
    # a masked output: the loss leaves the padded steps out
    "embedding-lstm_seq-dense": lambda: [
        Embedding(VOCAB, 4, mask_zero=True, input_shape=(T,),
                  embeddings_initializer=normal()),
        LSTM(5, return_sequences=True, bias_initializer=normal()),
        Dense(2)],
    "embedding-bidirectional_lstm_seq-simple_rnn_backwards-dense": lambda: [
        Embedding(VOCAB, 4, mask_zero=True, input_shape=(T,),
                  embeddings_initializer=normal()),
        Bidirectional(LSTM(3, return_sequences=True), merge_mode="mul"),
        SimpleRNN(4, go_backwards=True), Dense(2)],
    # the text classifier of chapter 13: masks pass through the
    # normalization and the activation to the masked average
    "embedding-bidirectional_lstm_seq-layer_norm-relu-global_average": (
        lambda: [Embedding(VOCAB, 4, mask_zero=True, input_shape=(T,),
                           embeddings_initializer=normal()),
                 Bidirectional(LSTM(3, return_sequences=True)),
                 LayerNormalization(), ReLU(), GlobalAveragePooling1D(),
                 Dense(2)]),
}


def targets(rng, model, n):
    return rng.standard_normal((n,) + model.output_shape[1:])


@pytest.mark.keras
@pytest.mark.parametrize("arch", list(MODELS))
def test_masked_models_train_like_keras(floatx, arch):
    rng = np.random.default_rng(1)
    model = Sequential(MODELS[arch](), seed=4, dtype=floatx)
    model.compile(nnkit.optimizers.SGD(0.25), "mse")
    kmodel = to_keras(model)
    x = padded_ids(rng, 10 * 8, left=arch.endswith("backwards-dense"))
    y = targets(rng, model, len(x)).astype(floatx)
    close(model.predict(x), kmodel.predict(x, verbose=0), floatx, "predict")
    train_alike(model, kmodel, in_batches(x, y, 8), floatx)
    close(model.evaluate(x, y, batch_size=16),
          kmodel.evaluate(x, y, batch_size=16, verbose=0), floatx,
          "evaluate")


@pytest.mark.keras
def test_masked_fit_history_matches_keras(floatx):
    """fit: epochs, shuffling off, a validation split, a metric."""
    rng = np.random.default_rng(2)
    model = Sequential([Embedding(VOCAB, 4, mask_zero=True,
                                  input_shape=(T,)),
                        LSTM(5), Dense(1, activation="sigmoid")],
                       seed=5, dtype=floatx)
    model.compile(nnkit.optimizers.SGD(0.5), "binary_crossentropy",
                  metrics=["accuracy"])
    kmodel = to_keras(model)
    x = padded_ids(rng, 60)
    y = (x[:, 0] > VOCAB // 2).astype(floatx)[:, None]
    fit_alike(model, kmodel, x, y, floatx, epochs=3, batch_size=12,
              validation_split=0.2)


@pytest.mark.keras
def test_masking_then_recurrent_layers_match_keras(floatx):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((24, T, 3)).astype(floatx)
    lengths = rng.integers(1, T + 1, 24)
    x[np.arange(T)[None, :] >= lengths[:, None]] = 0.0
    model = Sequential([Masking(0.0, input_shape=(T, 3)),
                        SimpleRNN(4, return_sequences=True),
                        GRU(3, go_backwards=True), Dense(1)],
                       seed=6, dtype=floatx)
    model.compile(nnkit.optimizers.SGD(0.125), "mse")
    kmodel = to_keras(model)
    y = rng.standard_normal((24, 1)).astype(floatx)
    train_alike(model, kmodel, in_batches(x, y, 8, steps=6), floatx)


@pytest.mark.parametrize("arch", list(MODELS))
def test_masked_models_pass_the_gradient_check(arch):
    rng = np.random.default_rng(4)
    model = Sequential(MODELS[arch](), seed=7, dtype="float64")
    model.compile("sgd", "mse")
    x = padded_ids(rng, 5)
    errors = check_model(model, x, targets(rng, model, 5))
    assert max(errors.values()) < PASS, errors


def test_padding_does_not_change_a_masked_models_predictions():
    """Whatever ids fill the padding (id 0 is masked everywhere)."""
    rng = np.random.default_rng(5)
    model = Sequential(MODELS["embedding-bidirectional_gru-dense"](),
                       seed=8)
    x = padded_ids(rng, 6)
    longer = np.concatenate([x, np.zeros((6, 3), int)], axis=1)
    model2 = Sequential([Embedding(VOCAB, 4, mask_zero=True,
                                   input_shape=(T + 3,)),
                         Bidirectional(GRU(3)), Dense(2)])
    model2.build((T + 3,))
    model2.set_weights(model.get_weights())
    assert np.allclose(model.predict(x), model2.predict(longer), rtol=0,
                       atol=1e-6)


# ----- functional models -----------------------------------------------------
def functional(lib, dtype):
    """Ids -> masked embedding -> a bidirectional LSTM over the steps,
    then an LSTM's last output and its two states, concatenated."""
    L = lib.layers
    ids = lib.Input((T,), name="ids", dtype="int64")
    e = L.Embedding(VOCAB, 4, mask_zero=True, name="embed",
                    dtype=dtype)(ids)
    seq = L.Bidirectional(L.GRU(3, return_sequences=True, dtype=dtype),
                          name="bi", dtype=dtype)(e)
    per_step = L.Dense(2, name="per_step", dtype=dtype)(seq)
    out, h, c = L.LSTM(3, return_state=True, name="lstm",
                       dtype=dtype)(seq)
    both = L.Concatenate(name="cat", dtype=dtype)([out, c])
    last = L.Dense(1, name="last", dtype=dtype)(both)
    return lib.Model(ids, [per_step, last], name="tagger")


class NnkitLib:
    layers = nnkit.layers
    Input = staticmethod(Input)
    Model = staticmethod(Model)


@pytest.mark.keras
def test_a_masked_functional_model_trains_like_keras(floatx, keras):
    rng = np.random.default_rng(6)
    ours = functional(NnkitLib, floatx)
    theirs = functional(keras, floatx)
    assert len(ours.get_weights()) == len(theirs.get_weights())
    theirs.set_weights(ours.get_weights())
    x = padded_ids(rng, 32)
    ys = [rng.standard_normal((32, T, 2)).astype(floatx),
          rng.standard_normal((32, 1)).astype(floatx)]
    for a, b in zip(ours.predict(x), theirs.predict(x, verbose=0)):
        close(a, b, floatx, "predict")
    ours.compile(nnkit.optimizers.SGD(0.125), ["mse", "mae"])
    theirs.compile(keras.optimizers.SGD(0.125), ["mse", "mae"])
    fit_alike(ours, theirs, x, ys, floatx, epochs=2, batch_size=8)


@pytest.mark.keras
def test_a_masked_functional_model_converts_both_ways(keras):
    rng = np.random.default_rng(7)
    model = functional(NnkitLib, "float32")
    x = padded_ids(rng, 8)
    kmodel = to_keras(model)
    back = from_keras(kmodel)
    assert [type(la).__name__ for la in back.layers] == \
        [type(la).__name__ for la in model.layers]
    assert back.get_layer("embed").mask_zero
    for a, b, c in zip(model.predict(x), kmodel.predict(x, verbose=0),
                       back.predict(x)):
        close(a, b, "float32")
        close(c, a, "float32")


def test_a_masked_functional_model_passes_the_gradient_check():
    rng = np.random.default_rng(8)
    model = functional(NnkitLib, "float64")
    model.compile("sgd", ["mse", "mse"])
    x = padded_ids(rng, 4)
    ys = [rng.standard_normal((4, T, 2)), rng.standard_normal((4, 1))]
    errors = check_model(model, x, ys)
    assert max(errors.values()) < PASS, errors


def test_a_masked_functional_model_survives_save_and_load(tmp_path):
    rng = np.random.default_rng(9)
    model = functional(NnkitLib, "float64")
    model.compile(nnkit.optimizers.SGD(0.1), ["mse", "mse"])
    x = padded_ids(rng, 16)
    ys = [rng.standard_normal((16, T, 2)), rng.standard_normal((16, 1))]
    model.fit(x, ys, epochs=1, batch_size=8, verbose=0)
    loaded = nnkit.load_model(model.save(tmp_path / "tagger"))
    for a, b in zip(loaded.predict(x), model.predict(x)):
        assert np.array_equal(a, b)
    assert loaded.get_config() == model.get_config()


def test_symbolic_calls_refuse_masks_and_initial_states():
    x = Input((T, 3))
    with pytest.raises(TypeError, match=r"LSTM 'lstm': on symbolic "
                       r"tensors give neither initial_state nor mask"):
        LSTM(2)(x, mask=np.ones((1, T), bool))
    with pytest.raises(TypeError, match=r"Bidirectional 'bidirectional': "
                       r"on symbolic tensors"):
        Bidirectional(LSTM(2))(x, initial_state=[x, x])


@pytest.mark.keras
def test_masking_and_embedding_convert_both_ways(keras):
    model = Sequential([Masking(-1.0, input_shape=(T, 2)), GRU(2)])
    kmodel = to_keras(model)
    assert kmodel.layers[0].mask_value == -1.0
    assert from_keras(kmodel).layers[0].get_config() == \
        model.layers[0].get_config()
    emb = Sequential([Input((T,), dtype="int64"),
                      Embedding(VOCAB, 3, mask_zero=True), LSTM(2)])
    kemb = to_keras(emb)
    assert kemb.layers[0].mask_zero
    assert from_keras(kemb).layers[0].mask_zero
