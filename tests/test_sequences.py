"""nnkit.sequences: windows, padding (vs Keras), vocabularies, sampling."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnkit.sequences import (
    CharVocab,
    make_windows,
    one_hot,
    pad_sequences,
    sample_with_temperature,
)


# ----- make_windows ----------------------------------------------------------
@given(t=st.integers(2, 30), window=st.integers(1, 10),
       horizon=st.integers(1, 5), d=st.sampled_from([None, 1, 3]))
@settings(max_examples=40, deadline=None)
def test_windows_are_the_past_and_targets_the_future(t, window, horizon, d):
    series = np.arange(t * (d or 1), dtype=float).reshape(
        (t,) if d is None else (t, d))
    if t < window + horizon:
        with pytest.raises(ValueError, match="too short"):
            make_windows(series, window, horizon)
        return
    x, y = make_windows(series, window, horizon)
    n = t - window - horizon + 1
    assert x.shape == (n, window, d or 1)
    assert y.shape == ((n, horizon) if d is None else (n, horizon, d))
    for i in range(n):
        past = series[i:i + window]
        assert np.array_equal(x[i], past[:, None] if d is None else past)
        assert np.array_equal(y[i], series[i + window:i + window + horizon])
    assert x.flags.c_contiguous and y.flags.c_contiguous


def test_windows_of_a_short_series_give_a_clear_error():
    with pytest.raises(ValueError, match=r"length 4 is too short for "
                       r"window=3 and horizon=2 \(needs at least 5\)"):
        make_windows(np.arange(4), 3, 2)
    with pytest.raises(ValueError, match=r"window must be a positive "
                       r"integer \(>= 1\), got 0"):
        make_windows(np.arange(4), 0)


# ----- pad_sequences ---------------------------------------------------------
CASES = [
    dict(),
    dict(padding="post"),
    dict(truncating="post", maxlen=3),
    dict(maxlen=3),
    dict(padding="post", truncating="post", maxlen=4, value=-1),
    dict(maxlen=8, value=9),
    dict(dtype="float32", value=0.5, padding="post"),
]


@pytest.mark.keras
@pytest.mark.parametrize("kw", CASES, ids=str)
def test_pad_sequences_matches_keras(keras, kw):
    seqs = [[1, 2, 3, 4, 5], [6, 7], [], [8, 9, 10], [11]]
    ours = pad_sequences(seqs, **kw)
    theirs = keras.utils.pad_sequences(seqs, **kw)
    assert ours.dtype == theirs.dtype
    assert np.array_equal(ours, theirs)


@pytest.mark.keras
@pytest.mark.parametrize("padding", ["pre", "post"])
def test_pad_sequences_of_vectors_matches_keras(keras, padding):
    rng = np.random.default_rng(0)
    seqs = [rng.standard_normal((n, 3)) for n in (4, 1, 6)]
    ours = pad_sequences(seqs, maxlen=5, dtype="float64", padding=padding)
    theirs = keras.utils.pad_sequences(seqs, maxlen=5, dtype="float64",
                                       padding=padding)
    assert ours.shape == (3, 5, 3)
    assert np.array_equal(ours, theirs)


def test_pad_sequences_rejects_bad_options_by_name():
    with pytest.raises(ValueError, match="padding must be 'pre' or 'post', "
                       "got 'middle'"):
        pad_sequences([[1]], padding="middle")
    with pytest.raises(ValueError, match="sequence 1 is not a sequence"):
        pad_sequences([[1], 2])
    with pytest.raises(ValueError, match=r"steps of sequence 1 have shape "
                       r"\(2,\), but earlier ones have \(3,\)"):
        pad_sequences([np.zeros((2, 3)), np.zeros((2, 2))])


# ----- characters -------------------------------------------------------------
def test_char_vocab_round_trips_text_and_one_hot():
    text = "to be or not to be"
    vocab = CharVocab(text)
    assert vocab.chars == " benort" and len(vocab) == vocab.size == 7
    ids = vocab.encode(text)
    assert vocab.decode(ids) == text
    oh = vocab.one_hot("bet")
    assert oh.shape == (3, 7) and oh.dtype == np.float32
    assert np.array_equal(oh.argmax(axis=1), vocab.encode("bet"))
    assert np.array_equal(oh.sum(axis=1), np.ones(3))


def test_unknown_characters_and_ids_are_reported():
    vocab = CharVocab("abc")
    with pytest.raises(ValueError, match="character 'z' is not in the "
                       "vocabulary 'abc'"):
        vocab.encode("abz")
    with pytest.raises(ValueError, match=r"ids must be in \[0, 3\)"):
        vocab.decode([0, 3])
    with pytest.raises(ValueError, match=r"one_hot: ids must be in "
                       r"\[0, 4\), got values from 0 to 4"):
        one_hot([0, 4], 4)


# ----- sampling with temperature ---------------------------------------------
P = np.array([0.1, 0.2, 0.6, 0.1])


def frequencies(temperature, draws=20_000, seed=0):
    rng = np.random.default_rng(seed)
    ids = sample_with_temperature(np.tile(P, (draws, 1)), temperature, rng)
    return np.bincount(ids, minlength=len(P)) / draws


def test_temperature_one_samples_the_given_distribution():
    # 20,000 draws: the standard error of each frequency is < 0.0035
    assert np.allclose(frequencies(1.0), P, atol=0.015)


def test_temperature_reshapes_the_distribution_as_p_to_the_one_over_tau():
    q = P ** 2 / np.sum(P ** 2)                   # tau = 1/2
    assert np.allclose(frequencies(0.5), q, atol=0.015)
    assert np.allclose(frequencies(100.0), 0.25, atol=0.02)  # ~uniform


def test_small_temperature_approaches_argmax_and_zero_is_greedy():
    assert frequencies(0.05)[2] == 1.0
    rng = np.random.default_rng(1)
    assert sample_with_temperature(P, 0, rng) == 2
    assert isinstance(sample_with_temperature(P, 0.7, rng), int)


def test_zero_probabilities_are_never_sampled():
    p = np.array([0.0, 0.5, 0.0, 0.5])
    assert frequencies_of(p)[[0, 2]].sum() == 0


def frequencies_of(p, temperature=2.0, draws=5000):
    ids = sample_with_temperature(np.tile(p, (draws, 1)), temperature,
                                  np.random.default_rng(3))
    return np.bincount(ids, minlength=len(p)) / draws


def test_same_seed_same_samples():
    a = sample_with_temperature(np.tile(P, (50, 1)), 0.8,
                                np.random.default_rng(5))
    b = sample_with_temperature(np.tile(P, (50, 1)), 0.8,
                                np.random.default_rng(5))
    assert np.array_equal(a, b)


def test_bad_sampling_arguments_are_rejected():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="temperature must be >= 0, got "
                       "-1"):
        sample_with_temperature(P, -1, rng)
    with pytest.raises(ValueError, match="non-negative and not all zero"):
        sample_with_temperature(np.zeros(4), 1.0, rng)
    with pytest.raises(TypeError, match="np.random.Generator"):
        sample_with_temperature(P, 1.0, 0)
