"""Precision, Recall and AUC: streaming over batches as in Keras.

Unit parity updates nnkit's and Keras' metric objects with the same
batches and compares ``result()`` after each; model parity compares the
values ``fit`` (training and validation) and ``evaluate`` report.
Tolerances: 1e-10 in float64, 1e-5 in float32 (the counts are exact;
Keras keeps them in the metric's dtype).
"""

from __future__ import annotations

import numpy as np
import pytest

import nnkit
from nnkit import Dense, Sequential
from nnkit.metrics import AUC, MeanMetricWrapper, Precision, Recall

from .conftest import close, fit_alike


def batches(rng, n_batches=4, n=16, width=1, on_grid=False):
    for _ in range(n_batches):
        y = (rng.random((n, width)) < 0.4).astype(float)
        p = rng.random((n, width))
        if on_grid:                    # predictions exactly on thresholds
            p = np.round(p * 4) / 4
        yield y, p


CASES = [
    ("Precision", {}), ("Precision", dict(thresholds=[0.3, 0.5, 0.7])),
    ("Precision", dict(thresholds=[0.0, 0.25, 0.5, 0.75, 1.0])),
    ("Recall", {}), ("Recall", dict(thresholds=0.2)),
    ("Recall", dict(thresholds=[0.0, 0.5, 1.0])),
    ("AUC", {}), ("AUC", dict(curve="PR")),
    ("AUC", dict(num_thresholds=5, summation_method="minoring")),
    ("AUC", dict(num_thresholds=9, summation_method="majoring",
                 curve="PR")),
    ("AUC", dict(thresholds=[0.1, 0.35, 0.6])),
    ("AUC", dict(num_thresholds=5)),
]


@pytest.mark.keras
@pytest.mark.parametrize("cls,kwargs", CASES, ids=str)
@pytest.mark.parametrize("on_grid", [False, True])
def test_metric_results_match_keras_after_every_batch(keras64, cls, kwargs,
                                                      on_grid):
    rng = np.random.default_rng(len(str(kwargs)))
    ours = getattr(nnkit.metrics, cls)(**kwargs)
    theirs = getattr(keras64.metrics, cls)(**kwargs, dtype="float64")
    for y, p in batches(rng, on_grid=on_grid):
        ours.update_state(y, p)
        theirs.update_state(y, p)
        close(ours.result(), keras64.ops.convert_to_numpy(theirs.result()))
    ours.reset_state()
    theirs.reset_state()
    y, p = next(batches(rng))
    close(ours(y, p), keras64.ops.convert_to_numpy(theirs(y, p)))


@pytest.mark.keras
@pytest.mark.parametrize("cls,kwargs", [
    ("Precision", dict(top_k=2)), ("Recall", dict(top_k=1)),
    ("Precision", dict(class_id=1)), ("Recall", dict(class_id=2)),
    ("Precision", dict(top_k=2, class_id=0, thresholds=0.3)),
    ("AUC", dict(multi_label=True)),
    ("AUC", dict(multi_label=True, label_weights=[1.0, 2.0, 0.5])),
    ("AUC", dict(from_logits=True)), ("AUC", {})], ids=str)
def test_multiclass_options_and_sample_weights_match_keras(keras64, cls,
                                                           kwargs):
    rng = np.random.default_rng(3)
    ours = getattr(nnkit.metrics, cls)(**kwargs)
    theirs = getattr(keras64.metrics, cls)(**kwargs, dtype="float64")
    for step in range(3):
        y = np.eye(3)[rng.integers(0, 3, 12)]
        p = rng.random((12, 3))
        if kwargs.get("from_logits"):
            p = 4 * rng.standard_normal((12, 3))
        w = rng.random(12) if step else None
        ours.update_state(y, p, sample_weight=w)
        theirs.update_state(y, p, sample_weight=w)
        close(ours.result(), keras64.ops.convert_to_numpy(theirs.result()))


def test_precision_and_recall_by_hand():
    y = np.array([1, 0, 1, 1, 0, 0])
    p = np.array([0.9, 0.8, 0.3, 0.6, 0.1, 0.55])
    prec, rec = Precision(), Recall()
    prec.update_state(y[:3], p[:3])
    rec.update_state(y[:3], p[:3])
    assert prec.result() == 0.5 and rec.result() == 0.5     # TP1 FP1 FN1
    prec.update_state(y[3:], p[3:])
    rec.update_state(y[3:], p[3:])
    assert prec.result() == 0.5                      # TP 2, FP 2
    assert rec.result() == 2 / 3                      # TP 2, FN 1
    assert Precision().result() == 0.0                # 0/0 gives 0


def test_auc_of_a_perfect_ranking_is_one_and_of_a_reversed_one_zero():
    y = np.array([0, 0, 1, 1])
    assert AUC()(y, np.array([0.1, 0.2, 0.8, 0.9])) == pytest.approx(1.0)
    assert AUC()(y, np.array([0.9, 0.8, 0.2, 0.1])) == pytest.approx(0.0)
    exact = nnkit.metrics.roc_auc(np.r_[y, y], np.r_[0.1, 0.6, 0.4, 0.9,
                                                     0.3, 0.2, 0.7, 0.8])
    approx = AUC(num_thresholds=1000)(np.r_[y, y], np.r_[
        0.1, 0.6, 0.4, 0.9, 0.3, 0.2, 0.7, 0.8])
    assert approx == pytest.approx(exact, abs=1e-3)


# ----- in fit and evaluate --------------------------------------------------
def classifier(dtype, metrics):
    model = Sequential([Dense(5, activation="tanh", input_shape=(4,)),
                        Dense(1, activation="sigmoid")], seed=2,
                       dtype=dtype)
    model.compile(nnkit.optimizers.SGD(0.25, momentum=0.5),
                  "binary_crossentropy", metrics=metrics)
    return model


def data(dtype, n=90):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((n, 4)).astype(dtype)
    y = ((x[:, 0] + 0.5 * x[:, 1] + 0.3 * rng.standard_normal(n)) > 0.3
         ).astype(dtype)
    return x, y


@pytest.mark.keras
def test_fit_and_evaluate_report_keras_values(floatx):
    from nnkit.interop import to_keras
    metrics = ["precision", "recall", "auc", "accuracy",
               AUC(curve="PR", name="pr_auc"),
               Precision(thresholds=0.7, name="precision_at_07")]
    model = classifier(floatx, metrics)
    kmodel = to_keras(model)
    x, y = data(floatx)
    fit_alike(model, kmodel, x, y, floatx, epochs=3, batch_size=16,
              validation_split=0.25)
    close(list(model.evaluate(x, y, batch_size=7, return_dict=True)
               .values()),
          [kmodel.evaluate(x, y, batch_size=7, verbose=0,
                           return_dict=True)[k]
           for k in model.evaluate(x, y, return_dict=True)], floatx)


def test_streaming_values_do_not_depend_on_the_batch_size():
    """Counts add up over batches; a mean of batch precisions would not."""
    model = classifier("float64", ["precision", "recall", "auc"])
    x, y = data("float64")
    full = model.evaluate(x, y, batch_size=len(x), return_dict=True)
    for bs in (5, 13):
        small = model.evaluate(x, y, batch_size=bs, return_dict=True)
        for k in ("precision", "recall", "auc"):
            assert small[k] == pytest.approx(full[k], abs=1e-12)
    pred = (model.predict(x)[:, 0] > 0.5).astype(int)
    assert full["precision"] == pytest.approx(
        nnkit.metrics.precision(y.astype(int), pred))
    # the batch-size weighted mean of per-batch precisions differs
    per_batch = [Precision()(y[s:s + 5], model.predict(x[s:s + 5]))
                 for s in range(0, len(x), 5)]
    assert abs(np.mean(per_batch) - full["precision"]) > 1e-3


def test_duplicate_names_get_suffixes_and_models_save_their_metrics(
        tmp_path):
    model = classifier("float64", ["auc", AUC(curve="PR"),
                                   Recall(thresholds=[0.3, 0.6])])
    x, y = data("float64")
    hist = model.fit(x, y, epochs=2, batch_size=30, verbose=0).history
    assert set(hist) == {"loss", "auc", "auc_1", "recall"}
    assert np.shape(hist["recall"][0]) == (2,)
    loaded = nnkit.load_model(model.save(tmp_path / "m"))
    assert [type(m).__name__ if not isinstance(m, str) else m
            for m in loaded._metric_ids] == ["auc", "AUC", "Recall"]
    assert loaded._metric_ids[1].curve == "PR"
    ours = model.evaluate(x, y, return_dict=True)
    again = loaded.evaluate(x, y, return_dict=True)
    assert list(again) == list(ours)
    for k in ours:
        assert np.array_equal(again[k], ours[k])


def test_mean_metric_wrapper_is_the_batch_size_weighted_mean():
    m = MeanMetricWrapper(nnkit.metrics.binary_accuracy)
    assert m.name == "binary_accuracy"
    m.update_state(np.array([1, 0]), np.array([0.9, 0.2]))          # 1.0
    m.update_state(np.array([1, 0, 1, 1]), np.array([0.1, 0.2, 0.3,
                                                     0.8]))         # 0.5
    assert m.result() == pytest.approx((2 * 1.0 + 4 * 0.5) / 6)
    with pytest.raises(TypeError, match="cannot be serialised"):
        m.get_config()


def test_metrics_reject_bad_arguments():
    with pytest.raises(ValueError, match=r"Precision: thresholds must be "
                       r"a number in \[0, 1\], got 1.5"):
        Precision(thresholds=1.5)
    with pytest.raises(ValueError, match=r"Recall: top_k must be a positive "
                       r"integer \(>= 1\) or None, got 0"):
        Recall(top_k=0)
    with pytest.raises(ValueError, match=r"AUC: num_thresholds must be an "
                       r"integer >= 2, got 1"):
        AUC(num_thresholds=1)
    with pytest.raises(ValueError, match=r"AUC: curve must be 'ROC' or "
                       r"'PR', got 'PRGAIN'"):
        AUC(curve="PRGAIN")
    with pytest.raises(ValueError, match=r"Precision 'precision': y_true "
                       r"has shape \(3,\) but y_pred has shape \(4, 1\)"):
        Precision().update_state(np.zeros(3), np.zeros((4, 1)))
    with pytest.raises(ValueError, match=r"class_id=3 needs y_pred"):
        Recall(class_id=3).update_state(np.zeros((2, 3)), np.zeros((2, 3)))


@pytest.mark.keras
def test_per_output_metrics_of_a_graph_match_keras(floatx):
    """Two outputs, a streaming metric on each, named per output."""
    import keras

    from .test_functional_keras import Lib

    def build(lib):
        L = lib.L
        x = lib.Input((4,), name="x", dtype=floatx)
        h = L.Dense(5, activation="tanh", name="h")(x)
        a = L.Dense(1, activation="sigmoid", name="a")(h)
        b = L.Dense(1, activation="sigmoid", name="b")(h)
        return lib.Model(x, [a, b], name="two")

    ours, theirs = build(Lib()), build(Lib(keras))
    theirs.set_weights(ours.get_weights())
    x, y = data(floatx)
    y2 = (x[:, 2] > 0).astype(floatx)
    ours.compile(nnkit.optimizers.SGD(0.25), "binary_crossentropy",
                 metrics={"a": ["auc"], "b": [Recall(name="recall")]})
    theirs.compile(keras.optimizers.SGD(0.25), "binary_crossentropy",
                   metrics={"a": ["auc"],
                            "b": [keras.metrics.Recall(name="recall")]})
    # batch size 18 divides the 90 examples: with a shorter last batch
    # Keras' per-output losses (a_loss, b_loss) differ from nnkit's (the
    # total loss and the metrics still agree)
    h1 = ours.fit(x, [y, y2], epochs=2, batch_size=18, shuffle=False,
                  verbose=0).history
    h2 = theirs.fit(x, [y, y2], epochs=2, batch_size=18, shuffle=False,
                    verbose=0).history
    assert {"a_auc", "b_recall"} <= set(h1)
    for key in h1:
        close(h1[key], h2[key], floatx)
