"""nnkit.book: the chapters' set-up, glue, self-checks and shared cache."""

from __future__ import annotations

import os

import numpy as np
import pytest

from nnkit import book


@pytest.fixture(autouse=True)
def fresh_checks():
    book.checks().clear()
    yield
    book.checks().clear()


def test_check_passes_returns_the_value_and_records_the_worst_case():
    for err in (1e-9, 3e-8, 2e-9):
        assert book.check("gradient rel. error", np.float64(err),
                          below=1e-7) == err
    row = book.checks()["gradient rel. error"]
    assert (row.count, row.worst_high, row.failed) == (3, 3e-8, False)
    assert row.bound_text == "< 1.0e-7"
    assert row.measured_text == "3.0e-8"


def test_check_fails_with_a_message_naming_what_value_and_bound():
    with pytest.raises(AssertionError, match=r"accuracy.*0\.8.*≥ 0\.9"):
        book.check("accuracy", 0.8, at_least=0.9)
    assert book.checks()["accuracy"].failed


def test_check_bounds_are_strict_or_inclusive_as_named():
    book.check("floor inclusive", 0.9, at_least=0.9)
    with pytest.raises(AssertionError):
        book.check("floor strict", 0.9, above=0.9)
    book.check("ceiling inclusive", 1.0, at_most=1.0)
    with pytest.raises(AssertionError):
        book.check("ceiling strict", 1.0, below=1.0)
    book.check("range", 0.5, above=0.0, below=1.0)
    book.check("range", 0.7, above=0.0, below=1.0)
    assert book.checks()["range"].measured_text == "0.5 to 0.7"
    assert book.checks()["range"].bound_text == "> 0 and < 1"


@pytest.mark.parametrize("kwargs", [{}, {"below": 1, "at_most": 1},
                                    {"above": 0, "at_least": 0}])
def test_check_needs_exactly_one_bound_per_side(kwargs):
    with pytest.raises(ValueError, match="check 'x'"):
        book.check("x", 0.5, **kwargs)


def test_check_rejects_arrays_nan_and_a_changed_bound():
    with pytest.raises(TypeError, match="single number"):
        book.check("x", np.ones(3), below=2)
    with pytest.raises(AssertionError, match="nan"):
        book.check("y", float("nan"), below=2)
    book.check("z", 1.0, below=2)
    with pytest.raises(ValueError, match="one bound"):
        book.check("z", 1.0, below=3)


def test_check_close_takes_arrays_or_lists_of_arrays():
    a = [np.ones((2, 3)), np.zeros(4)]
    b = [np.ones((2, 3)) + 1e-12, np.zeros(4)]
    assert book.check_close("weights", a, b, below=1e-10) == \
        pytest.approx(1e-12, rel=1e-3)
    with pytest.raises(AssertionError):
        book.check_close("loss", 1.0, 1.1, below=1e-3)
    with pytest.raises(ValueError, match="shapes differ"):
        book.check_close("bad", np.ones(2), np.ones(3), below=1)


def test_check_close_treats_equal_infinities_as_equal_and_nan_as_far():
    a = np.array([np.inf, 1.0, 0.5])
    assert book.check_close("thresholds", a, a.copy(), below=1e-12) == 0
    with pytest.raises(AssertionError, match="inf"):
        book.check_close("one nan", [np.nan, 1.0], [0.0, 1.0], below=1)
    with pytest.raises(AssertionError, match="inf"):
        book.check_close("inf vs number", [np.inf], [1.0], below=1)


def test_a_measured_value_is_a_float_that_a_cell_does_not_display():
    value = book.check("quiet", 0.25, below=1)
    assert isinstance(value, float) and value == 0.25
    assert value._ipython_display_() is None
    assert type(book._plain(value)) is float


def test_check_that_records_a_claim():
    assert book.check_that("XOR is not separable", True) is None
    with pytest.raises(AssertionError, match="never true"):
        book.check_that("never true", 0)
    assert book.checks()["XOR is not separable"].measured_text == "held"


def test_checks_report_is_a_collapsed_table_of_every_check():
    book.check("gradient <rel. error>", 2e-9, below=1e-7)
    book.check("accuracy", 0.97, at_least=0.9)
    markup, plain = book.checks_report()
    assert markup.startswith('<details class="nnbook-checks">')
    assert "<summary>How this page checks itself</summary>" in markup
    assert markup.count("<tr>") == 3            # header + two checks
    assert "gradient &lt;rel. error&gt;" in markup   # escaped
    assert "2.0e-9" in markup and "≥ 0.9" in markup
    assert "accuracy: 0.97" in plain


def test_checks_report_refuses_an_empty_page_or_a_failed_check():
    with pytest.raises(AssertionError, match="no check"):
        book.checks_report()
    book.checks()["late"] = book.Check("late", "lower", 9.0, None,
                                       worst_low=8.0, count=1, failed=True)
    with pytest.raises(AssertionError, match="late"):
        book.checks_report()


def test_glue_hands_over_plain_python_numbers_and_returns_none():
    assert book._plain(np.float32(0.5)) == 0.5
    assert type(book._plain(np.float32(0.5))) is float
    assert type(book._plain(np.int64(3))) is int
    assert type(book._plain(np.array(2.5))) is float
    assert book._plain([1, 2]) == [1, 2]
    assert book.glue("nnbook_test_value", np.float64(1.5)) is None


def test_number_format():
    assert [book._number(x) for x in (0, 3.2e-11, 0.98234, 12, 1234.0,
                                      2.5e6, -1e-4)] == \
        ["0", "3.2e-11", "0.9823", "12", "1,234", "2.5e6", "-1.0e-4"]


def test_setup_quietens_tensorflow_limits_blas_and_clears_checks(
        monkeypatch):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    book.check("left over", 1.0, below=2)
    try:
        book.setup()
        assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3"
        assert os.environ["TF_ENABLE_ONEDNN_OPTS"] == "0"
        assert book.checks() == {}
        blas = [i for i in threadpoolctl.threadpool_info()
                if i["user_api"] == "blas"]
        assert blas and all(i["num_threads"] == 1 for i in blas)
    finally:
        book._STATE.pop("blas").restore_original_limits()


def test_smallest_text_px_scales_wide_figures_to_the_column():
    plt = pytest.importorskip("matplotlib.pyplot")
    narrow, ax = plt.subplots(figsize=(5, 3), dpi=100)
    ax.plot([0, 1], [0, 1])
    ax.set_title("narrow", fontsize=10)
    wide, axes = plt.subplots(1, 3, figsize=(15, 3), dpi=100)
    for a in axes:
        a.plot([0, 1], [0, 1])
    off, ax_off = plt.subplots(figsize=(4, 3), dpi=100)
    ax_off.axis("off")
    ax_off.text(0.5, 0.5, "big", fontsize=20)
    try:
        # 10 pt at 100 dpi is 13.9 px, shown at full size.
        assert book.smallest_text_px(narrow) == pytest.approx(10 / 0.72)
        # About 1,500 px wide, shown at ~756 px: ticks at ~7 px.
        assert book.smallest_text_px(wide) < book.MIN_TEXT_PX
        # Hidden axes' tick labels do not count.
        assert book.smallest_text_px(off) == pytest.approx(20 / 0.72)
    finally:
        plt.close("all")


def test_cached_computes_once_per_key(tmp_path, monkeypatch):
    monkeypatch.setenv("NNBOOK_CACHE", str(tmp_path))
    calls = []

    def compute(n):
        calls.append(n)
        return {"x": np.arange(n, dtype=float), "n": n}

    first = book.cached("demo", compute, n=3)
    again = book.cached("demo", compute, n=3)
    other = book.cached("demo", compute, n=4)
    assert calls == [3, 4]
    np.testing.assert_array_equal(first["x"], again["x"])
    assert again["n"].item() == 3 and other["x"].size == 4
    assert len(list(tmp_path.glob("demo-*.npz"))) == 2
    with pytest.raises(TypeError, match="dict of arrays"):
        book.cached("bad", lambda: [1, 2])
