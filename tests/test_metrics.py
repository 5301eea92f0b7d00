"""nnkit.metrics against scikit-learn (and Keras for training metrics)."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from nnkit import metrics

# sklearn warns when a generated sample happens to hold a single class.
pytestmark = pytest.mark.filterwarnings("ignore:A single label was found")

AVERAGES = ["macro", "micro", "weighted"]


def labels(n_classes, min_size=1, max_size=60):
    return st.lists(st.integers(0, n_classes - 1), min_size=min_size,
                    max_size=max_size)


@st.composite
def label_pairs(draw, n_classes=2):
    y_true = draw(labels(n_classes))
    y_pred = draw(st.lists(st.integers(0, n_classes - 1),
                           min_size=len(y_true), max_size=len(y_true)))
    return np.array(y_true), np.array(y_pred)


@st.composite
def scored_labels(draw):
    """Binary labels with both classes, and scores with frequent ties."""
    y = draw(st.lists(st.integers(0, 1), min_size=2, max_size=60)
             .filter(lambda v: 0 < sum(v) < len(v)))
    tied = draw(st.booleans())
    elem = (st.integers(0, 5).map(float) if tied
            else st.floats(-10, 10, allow_nan=False))
    s = draw(st.lists(elem, min_size=len(y), max_size=len(y)))
    return np.array(y), np.array(s)


def worked_example_arrays():
    """Labels with TN=8, FP=2, FN=4, TP=6 (Vigo slides, chapter 1)."""
    y_true = np.array([0] * 10 + [1] * 10)
    y_pred = np.array([0] * 8 + [1] * 2 + [0] * 4 + [1] * 6)
    return y_true, y_pred


# -- confusion matrix -----------------------------------------------------

@settings(max_examples=50, deadline=None)
@given(label_pairs(n_classes=4))
def test_confusion_matrix_matches_sklearn(pair):
    y_true, y_pred = pair
    np.testing.assert_array_equal(metrics.confusion_matrix(y_true, y_pred),
                                  skm.confusion_matrix(y_true, y_pred))


def test_confusion_matrix_respects_label_order_and_ignores_unlisted():
    y_true = ["cat", "dog", "dog", "bird", "cat"]
    y_pred = ["dog", "dog", "cat", "bird", "cat"]
    order = ["dog", "cat"]
    np.testing.assert_array_equal(
        metrics.confusion_matrix(y_true, y_pred, labels=order),
        skm.confusion_matrix(y_true, y_pred, labels=order))


def test_confusion_matrix_rejects_mismatched_lengths():
    with pytest.raises(ValueError, match="3 labels but y_pred has 2"):
        metrics.confusion_matrix([0, 1, 1], [0, 1])


# -- binary and averaged scores vs sklearn --------------------------------

@settings(max_examples=50, deadline=None)
@given(label_pairs(n_classes=2))
def test_binary_scores_match_sklearn(pair):
    y_true, y_pred = pair
    kw = dict(zero_division=0)
    assert metrics.precision(y_true, y_pred) == pytest.approx(
        skm.precision_score(y_true, y_pred, **kw))
    assert metrics.recall(y_true, y_pred) == pytest.approx(
        skm.recall_score(y_true, y_pred, **kw))
    assert metrics.f1_score(y_true, y_pred) == pytest.approx(
        skm.f1_score(y_true, y_pred, **kw))
    assert metrics.fbeta_score(y_true, y_pred, 2.0) == pytest.approx(
        skm.fbeta_score(y_true, y_pred, beta=2.0, **kw))
    assert metrics.accuracy_score(y_true, y_pred) == pytest.approx(
        skm.accuracy_score(y_true, y_pred))
    assert metrics.matthews_corrcoef(y_true, y_pred) == pytest.approx(
        skm.matthews_corrcoef(y_true, y_pred))
    # Specificity is the recall of the negative class.
    assert metrics.specificity(y_true, y_pred) == pytest.approx(
        skm.recall_score(y_true, y_pred, pos_label=0, labels=[0, 1], **kw))


@settings(max_examples=50, deadline=None)
@given(label_pairs(n_classes=4), st.sampled_from(AVERAGES + [None]),
       st.sampled_from([0.5, 1.0, 2.0]))
def test_multiclass_averages_match_sklearn(pair, average, beta):
    y_true, y_pred = pair
    kw = dict(average=average, zero_division=0)
    np.testing.assert_allclose(metrics.precision(y_true, y_pred, average),
                               skm.precision_score(y_true, y_pred, **kw))
    np.testing.assert_allclose(metrics.recall(y_true, y_pred, average),
                               skm.recall_score(y_true, y_pred, **kw))
    np.testing.assert_allclose(metrics.f1_score(y_true, y_pred, average),
                               skm.f1_score(y_true, y_pred, **kw))
    np.testing.assert_allclose(
        metrics.fbeta_score(y_true, y_pred, beta, average),
        skm.fbeta_score(y_true, y_pred, beta=beta, **kw))
    assert metrics.matthews_corrcoef(y_true, y_pred) == pytest.approx(
        skm.matthews_corrcoef(y_true, y_pred))


def test_multiclass_specificity_is_one_vs_rest_true_negative_rate():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 3, 200), rng.integers(0, 3, 200)
    mcm = skm.multilabel_confusion_matrix(y_true, y_pred)  # [[tn fp][fn tp]]
    expected = mcm[:, 0, 0] / (mcm[:, 0, 0] + mcm[:, 0, 1])
    np.testing.assert_allclose(
        metrics.specificity(y_true, y_pred, average=None), expected)
    assert metrics.specificity(y_true, y_pred, "macro") == pytest.approx(
        expected.mean())


def test_binary_average_rejects_three_classes():
    with pytest.raises(ValueError, match="average='binary' needs two"):
        metrics.precision([0, 1, 2], [0, 1, 2])


def test_unknown_average_is_rejected():
    with pytest.raises(ValueError, match="average must be one of"):
        metrics.recall([0, 1], [0, 1], average="samples")


# -- worked example of chapter 1 ------------------------------------------

def test_worked_example_matches_sklearn_from_label_arrays():
    y_true, y_pred = worked_example_arrays()
    tn, fp, fn, tp = metrics.confusion_matrix(y_true, y_pred).ravel()
    assert (tn, fp, fn, tp) == (8, 2, 4, 6)
    tn_s, fp_s, fn_s, tp_s = skm.confusion_matrix(y_true, y_pred).ravel()
    r = metrics.binary_report(tn, fp, fn, tp)
    assert r["accuracy"] == pytest.approx(skm.accuracy_score(y_true, y_pred))
    assert r["precision"] == pytest.approx(
        skm.precision_score(y_true, y_pred))
    assert r["recall"] == pytest.approx(skm.recall_score(y_true, y_pred))
    assert r["specificity"] == pytest.approx(tn_s / (tn_s + fp_s))
    assert r["f1"] == pytest.approx(skm.f1_score(y_true, y_pred))
    assert r["mcc"] == pytest.approx(skm.matthews_corrcoef(y_true, y_pred))
    assert r["balanced_accuracy"] == pytest.approx(
        skm.balanced_accuracy_score(y_true, y_pred))
    # The array-based functions agree with the count-based report.
    assert metrics.f1_score(y_true, y_pred) == pytest.approx(r["f1"])
    assert metrics.specificity(y_true, y_pred) == pytest.approx(
        r["specificity"])


def test_worked_example_reproduces_the_sources_figures():
    r = metrics.binary_report(tn=8, fp=2, fn=4, tp=6)
    assert r["accuracy"] == pytest.approx(0.7)
    assert r["recall"] == pytest.approx(0.6)
    assert r["precision"] == pytest.approx(0.75)
    assert r["specificity"] == pytest.approx(0.8)
    assert r["f1"] == pytest.approx(0.667, abs=5e-4)
    assert r["mcc"] == pytest.approx(0.408, abs=5e-4)


def test_binary_report_rejects_negative_or_fractional_counts():
    with pytest.raises(ValueError, match="fp must be a count"):
        metrics.binary_report(tn=1, fp=-1, fn=0, tp=1)
    with pytest.raises(ValueError, match="tp must be a count"):
        metrics.binary_report(tn=1, fp=1, fn=0, tp=0.5)


# -- zero divisions ------------------------------------------------------

def test_zero_divisions_return_zero_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Nothing predicted positive: precision 0/0.
        assert metrics.precision([0, 1, 1], [0, 0, 0]) == 0.0
        # No actual positives: recall 0/0.
        assert metrics.recall([0, 0, 0], [0, 1, 0]) == 0.0
        # No negatives at all: specificity 0/0.
        assert metrics.specificity([1, 1], [1, 0]) == 0.0
        assert metrics.f1_score([0, 0], [0, 0]) == 0.0
        # Constant prediction: MCC denominator 0.
        assert metrics.matthews_corrcoef([0, 1, 1], [1, 1, 1]) == 0.0
        r = metrics.binary_report(tn=5, fp=0, fn=0, tp=0)
        assert (r["precision"], r["recall"], r["f1"], r["mcc"]) == (
            0.0, 0.0, 0.0, 0.0)
        assert r["accuracy"] == 1.0
    assert metrics.precision([0, 1, 1], [0, 0, 0]) == skm.precision_score(
        [0, 1, 1], [0, 0, 0], zero_division=0)


# -- ROC and PR curves -----------------------------------------------------

@settings(max_examples=50, deadline=None)
@given(scored_labels())
def test_roc_curve_matches_sklearn(data):
    y, s = data
    for drop in (False, True):
        ours = metrics.roc_curve(y, s, drop_intermediate=drop)
        theirs = skm.roc_curve(y, s, drop_intermediate=drop)
        for a, b in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(a, b)
    assert metrics.roc_auc(y, s) == pytest.approx(skm.roc_auc_score(y, s))


@settings(max_examples=50, deadline=None)
@given(scored_labels())
def test_precision_recall_curve_and_ap_match_sklearn(data):
    y, s = data
    ours = metrics.precision_recall_curve(y, s)
    theirs = skm.precision_recall_curve(y, s)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b)
    assert metrics.average_precision(y, s) == pytest.approx(
        skm.average_precision_score(y, s))


def test_roc_auc_of_perfect_reversed_and_tied_rankings():
    y = np.array([0, 0, 1, 1])
    assert metrics.roc_auc(y, [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert metrics.roc_auc(y, [0.9, 0.8, 0.2, 0.1]) == 0.0
    assert metrics.roc_auc(y, [0.5, 0.5, 0.5, 0.5]) == 0.5


def test_roc_curve_uses_string_pos_label():
    y = np.array(["neg", "pos", "pos", "neg"])
    s = np.array([0.2, 0.7, 0.4, 0.5])
    fpr, tpr, _ = metrics.roc_curve(y, s, pos_label="pos")
    fpr_s, tpr_s, _ = skm.roc_curve(y, s, pos_label="pos")
    np.testing.assert_allclose(fpr, fpr_s)
    np.testing.assert_allclose(tpr, tpr_s)
    with pytest.raises(ValueError, match="pass pos_label"):
        metrics.roc_curve(y, s)


def test_curves_need_both_classes():
    with pytest.raises(ValueError, match="needs both classes"):
        metrics.roc_auc([1, 1, 1], [0.2, 0.3, 0.9])
    with pytest.raises(ValueError, match="needs both classes"):
        metrics.average_precision([0, 0], [0.2, 0.3])


# -- training-time metrics (Keras' definitions) -----------------------------

def test_binary_accuracy_thresholds_strictly_above():
    y_true = np.array([[1], [0], [1], [0]])
    y_pred = np.array([[0.5], [0.5], [0.51], [0.2]])
    # 0.5 is not > 0.5, so it counts as class 0: hits are 0, 1, 1, 1.
    assert metrics.binary_accuracy(y_true, y_pred) == 0.75
    assert metrics.binary_accuracy(y_true.ravel(), y_pred) == 0.75
    assert metrics.binary_accuracy(y_true, y_pred, threshold=0.6) == 0.5


def test_categorical_and_sparse_accuracy_agree_on_the_same_data():
    rng = np.random.default_rng(1)
    probs = rng.random((50, 4))
    labels_ = rng.integers(0, 4, 50)
    onehot = np.eye(4)[labels_]
    expected = np.mean(np.argmax(probs, 1) == labels_)
    assert metrics.categorical_accuracy(onehot, probs) == expected
    assert metrics.sparse_categorical_accuracy(labels_, probs) == expected
    assert metrics.sparse_categorical_accuracy(labels_[:, None],
                                               probs) == expected
    with pytest.raises(ValueError, match="sparse_categorical_accuracy"):
        metrics.categorical_accuracy(labels_, probs)


def test_regression_metrics_average_last_axis_then_batch():
    y_true = np.array([[0.0, 1.0], [2.0, 2.0]])
    y_pred = np.array([[1.0, 1.0], [2.0, 0.0]])
    assert metrics.mean_squared_error(y_true, y_pred) == pytest.approx(1.25)
    assert metrics.mean_absolute_error(y_true, y_pred) == pytest.approx(0.75)
    assert metrics.mean_squared_error([1.0, 2.0], [[1.0], [4.0]]) == 2.0


@pytest.mark.keras
def test_training_metrics_match_keras():
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(2)
    p1 = rng.random((64, 1)).astype("float32")
    t1 = rng.integers(0, 2, (64, 1)).astype("float32")
    pc = rng.random((64, 5)).astype("float32")
    tl = rng.integers(0, 5, 64)
    to = np.eye(5, dtype="float32")[tl]
    km = keras.metrics
    cases = [
        (metrics.binary_accuracy(t1, p1), km.BinaryAccuracy(), (t1, p1)),
        (metrics.categorical_accuracy(to, pc), km.CategoricalAccuracy(),
         (to, pc)),
        (metrics.sparse_categorical_accuracy(tl, pc),
         km.SparseCategoricalAccuracy(), (tl, pc)),
        (metrics.mean_squared_error(to, pc), km.MeanSquaredError(),
         (to, pc)),
        (metrics.mean_absolute_error(to, pc), km.MeanAbsoluteError(),
         (to, pc)),
    ]
    for ours, metric, args in cases:
        metric.update_state(*args)
        assert ours == pytest.approx(float(metric.result()), rel=1e-6)


# -- get() ------------------------------------------------------------------

@pytest.mark.parametrize("loss, units, expected", [
    ("binary_crossentropy", 1, metrics.binary_accuracy),
    ("bce", 3, metrics.binary_accuracy),
    ("categorical_crossentropy", 10, metrics.categorical_accuracy),
    ("sparse_categorical_crossentropy", 10,
     metrics.sparse_categorical_accuracy),
    ("mse", 1, metrics.binary_accuracy),
    ("mse", 3, metrics.categorical_accuracy),
    (None, None, metrics.categorical_accuracy),
])
def test_get_accuracy_follows_the_loss_then_the_output_width(loss, units,
                                                              expected):
    for ident in ("accuracy", "acc", "Accuracy"):
        name, fn = metrics.get(ident, loss_name=loss, output_units=units)
        assert name == ("acc" if ident == "acc" else "accuracy")
        assert fn is expected


def test_get_accepts_loss_objects_with_a_name():
    class FakeLoss:
        name = "sparse_categorical_crossentropy"

    assert metrics.get("acc", loss_name=FakeLoss())[1] is \
        metrics.sparse_categorical_accuracy


def test_get_resolves_regression_names_and_keeps_the_given_name():
    assert metrics.get("mse") == ("mse", metrics.mean_squared_error)
    assert metrics.get("mae") == ("mae", metrics.mean_absolute_error)
    assert metrics.get("mean_squared_error")[1] is metrics.mean_squared_error
    assert metrics.get("binary_accuracy")[1] is metrics.binary_accuracy


def test_get_passes_callables_through_with_their_name():
    def my_metric(y_true, y_pred):
        return 0.0

    assert metrics.get(my_metric) == ("my_metric", my_metric)


def test_get_unknown_name_lists_valid_ones():
    with pytest.raises(ValueError, match="unknown metric 'f1'.*accuracy"):
        metrics.get("f1")
