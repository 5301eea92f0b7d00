"""nnkit._validate: the one place for argument checks.

Each check returns the value in canonical form, or raises a TypeError
(wrong type) or ValueError (wrong value) whose message names the owner,
the argument, what was expected and what was received.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from nnkit import _validate as check


def raises(exc, *words):
    """pytest.raises that also asserts every word is in the message."""
    class _Ctx:
        def __enter__(self):
            self.ctx = pytest.raises(exc)
            self.info = self.ctx.__enter__()
            return self.info

        def __exit__(self, *args):
            out = self.ctx.__exit__(*args)
            msg = str(self.info.value)
            for w in words:
                assert w in msg, f"{w!r} not in {msg!r}"
            return out
    return _Ctx()


def test_argument_type_error_is_both_a_type_and_a_value_error():
    # Keras raises ValueError for Dense("3"); nnkit's TypeError is also
    # a ValueError so code written for either library catches it.
    assert issubclass(check.ArgumentTypeError, TypeError)
    assert issubclass(check.ArgumentTypeError, ValueError)


@pytest.mark.parametrize("value,out", [(3, 3), (np.int64(7), 7)])
def test_positive_int_accepts_python_and_numpy_ints(value, out):
    got = check.positive_int("Dense 'd'", "units", value)
    assert got == out and type(got) is int


@pytest.mark.parametrize("value,exc,shown", [
    (0, ValueError, "got 0"),
    (-3, ValueError, "got -3"),
    (2.5, TypeError, "got 2.5 (a float)"),
    (3.0, TypeError, "got 3.0 (a float)"),
    (True, TypeError, "got True (a bool)"),
    ("3", TypeError, "got '3' (a str)"),
    (None, TypeError, "got None"),
])
def test_positive_int_names_owner_argument_expectation_and_value(
        value, exc, shown):
    with raises(exc, "Dense 'd': units must be a positive integer",
                shown):
        check.positive_int("Dense 'd'", "units", value)


def test_integer_bounds_and_none():
    assert check.integer("f", "n", None, 2, allow_none=True) is None
    assert check.integer("f", "n", 5, 2, 9) == 5
    with raises(ValueError, "f: n must be an integer in [2, 9], got 10"):
        check.integer("f", "n", 10, 2, 9)
    with raises(ValueError, "an integer >= 0, got -1"):
        check.non_negative_int("f", "n", -1)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1e-9])
def test_non_negative_refuses_nan_inf_and_negatives(value):
    with raises(ValueError, "SGD: learning_rate must be a finite "
                "number >= 0"):
        check.non_negative("SGD", "learning_rate", value)


def test_number_intervals_are_written_as_in_maths():
    assert check.rate("Adam", "beta_1", 0.9) == 0.9
    with raises(ValueError, "Adam: beta_1 must be a number in [0, 1), "
                "got 1.0"):
        check.rate("Adam", "beta_1", 1.0)
    with raises(ValueError, "in (0, 1], got 0"):
        check.number("C", "gamma", 0, 0.0, 1.0, low_open=True)
    with raises(ValueError, "> 1, got 1"):
        check.number("f", "divergence", 1, 1.0, low_open=True)
    with raises(ValueError, "(the hint)"):
        check.number("f", "x", 5, 0.0, 1.0, hint=" (the hint)")
    assert check.number("f", "x", math.inf, allow_inf=True) == math.inf
    assert check.positive("f", "x", None, allow_none=True) is None


@pytest.mark.parametrize("value", ["0.1", None, [0.1], 1j, True])
def test_number_refuses_non_numbers_with_a_type_error(value):
    with raises(TypeError, "RMSprop: rho must be a number in [0, 1]"):
        check.number("RMSprop", "rho", value, 0.0, 1.0)


def test_boolean_refuses_the_string_false():
    assert check.boolean("f", "shuffle", np.bool_(False)) is False
    with raises(TypeError, "f: shuffle must be True or False, got "
                "'False' (a str)"):
        check.boolean("f", "shuffle", "False")
    with raises(TypeError, "True or False, got 1 (an int)"):
        check.boolean("f", "shuffle", 1)


def test_one_of_lists_the_choices_and_tells_type_from_value():
    assert check.one_of("Conv2D", "padding", "same", ("valid", "same")) \
        == "same"
    with raises(ValueError, "Conv2D: padding must be 'valid' or 'same', "
                "got 'full'"):
        check.one_of("Conv2D", "padding", "full", ("valid", "same"))
    with raises(TypeError, "got 3 (an int)"):
        check.one_of("Conv2D", "padding", 3, ("valid", "same"))
    with raises(ValueError, "one of 'a', 'b' or 'c', got 'd'"):
        check.one_of("f", "mode", "d", ("a", "b", "c"))
    with raises(TypeError, "got True"):
        check.one_of("f", "verbose", True, (0, 1, 2))


def test_string_and_path():
    assert check.string("f", "name", None, allow_none=True) is None
    with raises(ValueError, "non-empty string"):
        check.string("f", "name", "")
    assert check.path("f", "filepath", Path("a") / "b.npz") == \
        str(Path("a") / "b.npz")
    with raises(TypeError, "f: filepath must be a file path"):
        check.path("f", "filepath", 3)


@pytest.mark.parametrize("value,out", [(4, (4,)), ([28, 28, 1], (28, 28, 1)),
                                       (np.array([3, 2]), (3, 2))])
def test_shape_accepts_ints_and_sequences(value, out):
    assert check.shape("Input", "shape", value) == out


@pytest.mark.parametrize("value,exc,words", [
    ((0,), ValueError, ["every size must be at least 1"]),
    ((-1, 3), ValueError, ["every size must be at least 1"]),
    ((None, 3), TypeError, ["None", "nnkit needs every size"]),
    ((2.5,), TypeError, ["2.5 (a float)"]),
    ("28", TypeError, ["'28' (a str)"]),
    ((), ValueError, ["got ()"]),
])
def test_shape_refuses_non_positive_and_unknown_sizes(value, exc, words):
    with raises(exc, "Input: shape must be a positive integer or a tuple "
                "of positive integers", *words):
        check.shape("Input", "shape", value)


def test_int_pair():
    assert check.int_pair("Conv2D", "strides", 2) == (2, 2)
    assert check.int_pair("Conv2D", "strides", (1, 3)) == (1, 3)
    with raises(ValueError, "Conv2D: strides must be a positive integer "
                "or a pair of positive integers, got (1, 0)"):
        check.int_pair("Conv2D", "strides", (1, 0))
    with raises(TypeError, "got (1, 2, 3)"):
        check.int_pair("Conv2D", "strides", (1, 2, 3))


def test_function_instance_and_seeds():
    assert check.function("f", "fn", len) is len
    with raises(TypeError, "f: fn must be a function, got 3"):
        check.function("f", "fn", 3)
    with raises(TypeError, "f: layer must be a Layer, got 'x' (a str)"):
        check.instance("f", "layer", "x", int, "a Layer")
    rng = np.random.default_rng(0)
    assert check.generator_seed("f", "seed", rng) is rng
    with raises(ValueError, "seed must be an integer >= 0 or None, got -1"):
        check.seed("f", "seed", -1)


def test_float_dtype_names_float16_as_unsupported():
    assert check.float_dtype("f", "dtype", "float64") == np.float64
    with raises(ValueError, "'float32' or 'float64'", "float16 is not "
                "supported"):
        check.float_dtype("Sequential", "dtype", "float16")
    with raises(ValueError, "got 'int32'"):
        check.float_dtype("Sequential", "dtype", "int32")
    with raises(TypeError, "got 'floot32'"):
        check.float_dtype("Sequential", "dtype", "floot32")


def test_known_arguments_names_the_unknown_key():
    from nnkit.regularizers import L1L2
    with raises(ValueError, "L1L2 has no argument 'l3'; it takes l1, l2"):
        check.known_arguments("regularizer config", L1L2, {"l3": 1})


def test_lookup_puts_owner_and_argument_in_front():
    from nnkit import activations
    with raises(ValueError, "Dense 'd': activation: unknown activation "
                "'relux'"):
        check.lookup("Dense 'd'", "activation", "relux", activations.get)
    with raises(TypeError, "Dense 'd': activation: an activation must "
                "be a name"):
        check.lookup("Dense 'd'", "activation", 3, activations.get)


def test_array_checks_kind_rank_finiteness_and_raggedness():
    a = check.array("fit", "x", [[1, 2], [3, 4]], ndim=2, finite=True)
    assert a.shape == (2, 2)
    with raises(TypeError, "fit: x must hold booleans, integers or "
                "floats, got complex numbers", "x.real"):
        check.array("fit", "x", np.array([1 + 2j]))
    with raises(TypeError, "got dtype <U1"):
        check.array("fit", "x", ["a"])
    with raises(ValueError, "fit: x must have 2 dimension(s), got shape "
                "(3,)"):
        check.array("fit", "x", [1, 2, 3], ndim=2)
    with raises(ValueError, "fit: x contains NaN or inf (first at index "
                "(1, 0))"):
        check.array("fit", "x", [[1.0, 2.0], [np.inf, 0.0]], finite=True)
    with raises(ValueError, "fit: x must be a rectangular array"):
        check.array("fit", "x", [[1, 2], [3]])
    with raises(ValueError, "must not be empty"):
        check.array("fit", "x", [], nonempty=True)


def test_long_values_are_shortened_in_messages():
    with raises(TypeError, "...") as info:
        check.positive_int("f", "n", "x" * 500)
    assert len(str(info.value)) < 150


def test_by_name_reads_case_and_aliases_and_lists_the_choices():
    registry = {"relu": "R", "tanh": "T"}
    assert check.by_name("activation", "ReLU", registry) == "R"
    assert check.by_name("activation", "hyperbolic", registry,
                         {"hyperbolic": "tanh"}) == "T"
    with raises(ValueError, "unknown activation 'relux'; choose one of "
                "relu, tanh"):
        check.by_name("activation", "relux", registry)


def test_list_of_wraps_a_single_item_and_names_a_bad_one():
    assert check.list_of("f", "callbacks", [1, 2], int, "int",
                         "[x]") == [1, 2]
    assert check.list_of("f", "callbacks", None, int, "int", "[x]",
                         allow_none=True) is None
    with raises(TypeError, "f: callbacks must be a list of ints, got a "
                "single int; wrap it in a list: [x]"):
        check.list_of("f", "callbacks", 3, int, "int", "[x]")
    with raises(TypeError, "f: callbacks[1] must be an int, got 'a'"):
        check.list_of("f", "callbacks", [1, "a"], int, "int", "[x]")


def test_not_an_identifier_says_what_forms_are_accepted():
    err = check.not_an_identifier("a loss", "a name or a Loss", 3)
    assert isinstance(err, TypeError) and isinstance(err, ValueError)
    assert str(err) == "a loss must be a name or a Loss, got 3 (an int)"
