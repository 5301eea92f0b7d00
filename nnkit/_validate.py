"""Argument checks shared by every public entry point of nnkit.

One place for "a positive integer", "a rate in [0, 1)", "one of these
names", "a finite number", "True or False", "a shape"... Each check
takes the *owner* (the layer, class or function that received the
argument, e.g. ``"Dense 'hidden'"`` or ``"fit"``), the argument's
*name* and its *value*, returns the value in canonical form (an
``int``, a ``float``, a ``tuple``) and otherwise raises an error that
says all four things a student needs::

    Dense 'hidden': units must be a positive integer, got 2.5 (a float)
    SGD: momentum must be a number in [0, 1), got 1.0

A value of the wrong *type* raises ``ArgumentTypeError``, a
``TypeError``; a value of the right type but out of range raises
``ValueError``. ``ArgumentTypeError`` is also a ``ValueError``, because
Keras raises ValueError for many of the same mistakes
(``Dense("3")``): code written for either library catches it.

Any module of nnkit may import these; none of them imports anything
from nnkit, so there is no cycle.
"""

from __future__ import annotations

import inspect
import math
import os
from collections.abc import Callable, Iterable
from numbers import Integral, Real
from typing import Any

import numpy as np

__all__ = ["ArgumentTypeError", "show", "type_name", "integer",
           "positive_int", "non_negative_int", "number", "positive",
           "non_negative", "rate", "boolean", "one_of", "string", "path",
           "shape", "int_pair", "function", "instance", "model", "seed",
           "generator_seed", "float_dtype", "list_of", "by_name",
           "not_an_identifier",
           "known_arguments", "lookup", "array"]


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type (a TypeError, also a ValueError)."""


# ----- how a received value is shown -----------------------------------

def type_name(value: Any) -> str:
    """``'a float'``, ``'an int'``, ``'a Dense'``: for messages."""
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def show(value: Any, limit: int = 60) -> str:
    """``repr(value)``, shortened to ``limit`` characters."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _type_error(owner: str, name: str, expected: str,
                value: Any) -> ArgumentTypeError:
    kind = ("" if value is None or isinstance(value, np.ndarray)
            else f" ({type_name(value)})")
    return ArgumentTypeError(f"{owner}: {name} must be {expected}, got "
                             f"{show(value)}{kind}")


def _value_error(owner: str, name: str, expected: str, value: Any,
                 hint: str = "") -> ValueError:
    return ValueError(f"{owner}: {name} must be {expected}, got "
                      f"{show(value)}{hint}")


def _is_int(value: Any) -> bool:
    return isinstance(value, Integral) and not isinstance(
        value, (bool, np.bool_))


def _is_real(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(
        value, (bool, np.bool_))


# ----- integers ----------------------------------------------------------

def integer(owner: str, name: str, value: Any, low: int | None = None,
            high: int | None = None, *, allow_none: bool = False,
            expected: str | None = None) -> int | None:
    """An int (numpy ints too; not bool, not 3.0) in [low, high]."""
    if value is None and allow_none:
        return None
    if expected is None:
        if low is not None and high is not None:
            expected = f"an integer in [{low}, {high}]"
        elif low is not None:
            expected = f"an integer >= {low}"
        elif high is not None:
            expected = f"an integer <= {high}"
        else:
            expected = "an integer"
        if allow_none:
            expected += " or None"
    if not _is_int(value):
        raise _type_error(owner, name, expected, value)
    if (low is not None and value < low) or (high is not None
                                              and value > high):
        raise _value_error(owner, name, expected, value)
    return int(value)


def positive_int(owner: str, name: str, value: Any, *,
                 allow_none: bool = False) -> int | None:
    """An integer >= 1 (or None if ``allow_none``)."""
    expected = "a positive integer (>= 1)" + (" or None" if allow_none
                                               else "")
    return integer(owner, name, value, 1, allow_none=allow_none,
                   expected=expected)


def non_negative_int(owner: str, name: str, value: Any) -> int:
    """An integer >= 0."""
    return integer(owner, name, value, 0,
                   expected="an integer >= 0")  # type: ignore[return-value]


# ----- real numbers --------------------------------------------------------

def _interval(low, high, low_open, high_open) -> str:
    if low is not None and high is not None:
        return (f"in {'(' if low_open else '['}{low:g}, "
                f"{high:g}{')' if high_open else ']'}")
    if low is not None:
        return f"{'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f"{'<' if high_open else '<='} {high:g}"
    return ""


def number(owner: str, name: str, value: Any, low: float | None = None,
           high: float | None = None, *, low_open: bool = False,
           high_open: bool = False, allow_none: bool = False,
           allow_inf: bool = False, hint: str = "") -> float | None:
    """A finite real number (int or float, not bool) in the interval.

    ``low``/``high`` bound it (closed unless ``low_open``/``high_open``);
    ``allow_inf`` also accepts +-inf within the bounds; ``hint`` is
    appended to the message of a value out of range.
    """
    if value is None and allow_none:
        return None
    where = _interval(low, high, low_open, high_open)
    # "in [0, 1]" already says finite; ">= 0" alone does not
    finite = "" if allow_inf or (low is not None and high is not None) \
        else "finite "
    expected = f"a {finite}number" + (f" {where}" if where else "")
    if allow_none:
        expected += " or None"
    if not _is_real(value):
        raise _type_error(owner, name, expected, value)
    v = float(value)
    bad = math.isnan(v) or (not allow_inf and math.isinf(v))
    if low is not None:
        bad = bad or v < low or (low_open and v == low)
    if high is not None:
        bad = bad or v > high or (high_open and v == high)
    if bad:
        raise _value_error(owner, name, expected, value, hint)
    return v


def positive(owner: str, name: str, value: Any, *,
             allow_none: bool = False) -> float | None:
    """A finite number > 0."""
    return number(owner, name, value, 0.0, low_open=True,
                  allow_none=allow_none)


def non_negative(owner: str, name: str, value: Any, *,
                 allow_none: bool = False) -> float | None:
    """A finite number >= 0."""
    return number(owner, name, value, 0.0, allow_none=allow_none)


def rate(owner: str, name: str, value: Any, low: float = 0.0,
         high: float = 1.0, *, low_open: bool = False,
         high_open: bool = True) -> float:
    """A number in [low, high), by default a rate in [0, 1)."""
    return number(owner, name, value, low, high,  # type: ignore
                  low_open=low_open, high_open=high_open)


# ----- flags, names and choices -------------------------------------------

def boolean(owner: str, name: str, value: Any) -> bool:
    """True or False (numpy booleans too): ``"False"`` is not False."""
    if not isinstance(value, (bool, np.bool_)):
        raise _type_error(owner, name, "True or False", value)
    return bool(value)


def _kind(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool
    if _is_real(value):
        return Real
    if isinstance(value, str):
        return str
    return type(value)


def one_of(owner: str, name: str, value: Any, choices: Iterable[Any]
           ) -> Any:
    """The choice equal to ``value``; else a ValueError listing the
    choices (a TypeError if ``value`` is not even of a choice's type)."""
    choices = tuple(choices)
    shown = [repr(c) for c in choices]
    expected = (" or ".join(shown) if len(shown) <= 2 else
                f"one of {', '.join(shown[:-1])} or {shown[-1]}")
    kind = _kind(value)
    if kind not in {_kind(c) for c in choices}:
        raise _type_error(owner, name, expected, value)
    for c in choices:
        if _kind(c) == kind and c == value:
            return c
    raise _value_error(owner, name, expected, value)


def string(owner: str, name: str, value: Any, *,
           allow_none: bool = False, nonempty: bool = True
           ) -> str | None:
    """A str (non-empty unless ``nonempty=False``)."""
    if value is None and allow_none:
        return None
    expected = ("a non-empty string" if nonempty else "a string") + (
        " or None" if allow_none else "")
    if not isinstance(value, str):
        raise _type_error(owner, name, expected, value)
    if nonempty and not value:
        raise _value_error(owner, name, expected, value)
    return value


def path(owner: str, name: str, value: Any) -> str:
    """A file path: a non-empty str or ``os.PathLike`` (as a str)."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str):
        raise _type_error(owner, name, "a file path (str or Path)", value)
    if not value:
        raise _value_error(owner, name, "a non-empty file path", value)
    return value


# ----- shapes ---------------------------------------------------------------

def shape(owner: str, name: str, value: Any, *, allow_empty: bool = False
          ) -> tuple[int, ...]:
    """A per-example shape: an int or a sequence of positive ints.

    ``None`` entries (Keras' "any size") are refused: nnkit's layers
    need every size to create their weights.
    """
    expected = ("a positive integer or a tuple of positive integers, "
                "e.g. (28, 28, 1)")
    if _is_int(value):
        dims: tuple = (value,)
    elif isinstance(value, (tuple, list)):
        dims = tuple(value)
    elif isinstance(value, np.ndarray) and value.ndim == 1 and \
            value.dtype.kind in "iu":
        dims = tuple(value.tolist())
    else:
        raise _type_error(owner, name, expected, value)
    if not all(_is_int(d) for d in dims):
        bad = next(d for d in dims if not _is_int(d))
        what = ("None (Keras' 'any size'; nnkit needs every size to "
                "create the weights)" if bad is None else
                f"{show(bad)} ({type_name(bad)})")
        raise ArgumentTypeError(f"{owner}: {name} must be {expected}, got "
                                f"{show(value)}: the entry {what} is not "
                                f"a positive integer")
    if not dims and not allow_empty:
        raise _value_error(owner, name, expected, value)
    if any(d < 1 for d in dims):
        raise _value_error(owner, name, expected, value,
                           " (every size must be at least 1)")
    return tuple(int(d) for d in dims)


def int_pair(owner: str, name: str, value: Any) -> tuple[int, int]:
    """A positive int, or a pair of them, as a pair (kernel sizes...)."""
    expected = "a positive integer or a pair of positive integers"
    pair = tuple(value) if isinstance(value, (tuple, list)) else (
        value, value)
    if len(pair) != 2 or not all(_is_int(v) for v in pair):
        raise _type_error(owner, name, expected, value)
    if not all(v > 0 for v in pair):
        raise _value_error(owner, name, expected, value)
    return int(pair[0]), int(pair[1])


# ----- objects -----------------------------------------------------------

def function(owner: str, name: str, value: Any,
             expected: str = "a function", *,
             allow_none: bool = False) -> Callable | None:
    """A callable."""
    if value is None and allow_none:
        return None
    if not callable(value):
        raise _type_error(owner, name, expected, value)
    return value


def instance(owner: str, name: str, value: Any, cls: type | tuple,
             expected: str, *, allow_none: bool = False) -> Any:
    """An instance of ``cls``; ``expected`` describes it in words."""
    if value is None and allow_none:
        return None
    if not isinstance(value, cls):
        raise _type_error(owner, name, expected, value)
    return value


def model(owner: str, name: str, value: Any) -> Any:
    """An nnkit model (anything with layers and a forward pass)."""
    if not (hasattr(value, "layers") and hasattr(value, "forward")
            and hasattr(value, "_as_inputs")):
        raise _type_error(owner, name, "an nnkit model (e.g. a "
                          "Sequential)", value)
    return value


def seed(owner: str, name: str, value: Any) -> int | None:
    """A seed: None or an integer >= 0."""
    return integer(owner, name, value, 0, allow_none=True,
                   expected="an integer >= 0 or None")


def generator_seed(owner: str, name: str, value: Any) -> Any:
    """A seed (None or an integer >= 0) or a ``np.random.Generator``."""
    if isinstance(value, np.random.Generator):
        return value
    return integer(owner, name, value, 0, allow_none=True,
                   expected="an integer >= 0, a np.random.Generator or "
                   "None")


def float_dtype(owner: str, name: str, value: Any,
                allow_none: bool = False) -> np.dtype | None:
    """``"float32"`` or ``"float64"`` (names or numpy dtypes)."""
    if value is None and allow_none:
        return None
    expected = "'float32' or 'float64'" + (" or None" if allow_none
                                           else "")
    try:
        dt = np.dtype(value)
    except TypeError:
        raise _type_error(owner, name, expected, value) from None
    if dt not in (np.float32, np.float64):
        hint = (" (float16 is not supported: its 3 significant digits "
                "are too few to train reliably)"
                if dt == np.float16 else "")
        raise _value_error(owner, name, expected, value, hint)
    return dt


def list_of(owner: str, name: str, value: Any, cls: type | tuple,
            what: str, example: str, *, allow_none: bool = False
            ) -> list | None:
    """A list (or tuple) whose items are all ``cls``; ``what`` names an
    item ("nnkit layer"). A single item gets the hint to wrap it in a
    list, as in ``example`` ("Sequential([layer])")."""
    if value is None and allow_none:
        return None
    if isinstance(value, cls):
        raise ArgumentTypeError(
            f"{owner}: {name} must be a list of {what}s, got a single "
            f"{type(value).__name__}; wrap it in a list: {example}")
    if not isinstance(value, (list, tuple)):
        raise _type_error(owner, name, f"a list of {what}s", value)
    for i, item in enumerate(value):
        if not isinstance(item, cls):
            raise ArgumentTypeError(
                f"{owner}: {name}[{i}] must be an {what}, got "
                f"{show(item)} ({type_name(item)})")
    return list(value)


def by_name(what: str, name: str, registry: dict[str, Any],
            aliases: dict[str, str] | None = None,
            shown: Iterable[str] | None = None) -> Any:
    """The entry of ``registry`` for ``name`` (case-insensitive, after
    ``aliases``), else a ValueError listing the names (``shown``)."""
    key = name.lower()
    key = (aliases or {}).get(key, key)
    if key in registry:
        return registry[key]
    raise ValueError(f"unknown {what} {name!r}; choose one of "
                     f"{', '.join(sorted(shown or registry))}")


def not_an_identifier(what: str, forms: str, value: Any,
                      hint: str = "") -> ArgumentTypeError:
    """The error of a getter (``activations.get``...) given a value of
    the wrong type: ``what`` ("an activation") must be ``forms``."""
    return ArgumentTypeError(f"{what} must be {forms}, got {show(value)} "
                             f"({type_name(value)}){hint}")


def known_arguments(owner: str, cls: type, config: dict[str, Any]
                    ) -> dict[str, Any]:
    """``config`` if ``cls(**config)`` takes all its keys, else a
    ValueError naming the unknown key and the ones ``cls`` takes."""
    params = [p.name for k in cls.__mro__ if "__init__" in vars(k)
              for p in inspect.signature(k.__init__).parameters.values()
              if p.name != "self" and p.kind in (p.POSITIONAL_OR_KEYWORD,
                                                  p.KEYWORD_ONLY)]
    unknown = [k for k in config if k not in params]
    if unknown:
        takes = ", ".join(dict.fromkeys(params)) or "no arguments"
        raise ValueError(f"{owner}: {cls.__name__} has no argument "
                         f"{unknown[0]!r}; it takes {takes}")
    return config


def from_config(what: str, config: dict[str, Any],
                registry: dict[str, type]) -> Any:
    """``cls(**rest)`` for a config ``{"name": key, **rest}`` whose key
    names ``cls`` in ``registry``; else a ValueError naming the unknown
    config or argument (``what``: "activation", "loss"...)."""
    cfg = dict(config)
    cls = registry.get(cfg.pop("name", None))
    if cls is None:
        raise ValueError(f"unknown {what} config {config!r}")
    return cls(**known_arguments(f"{what} config", cls, cfg))


def lookup(owner: str, name: str, value: Any,
           getter: Callable[[Any], Any]) -> Any:
    """``getter(value)`` (e.g. ``activations.get``), with the owner and
    argument named in any error it raises."""
    try:
        return getter(value)
    except ArgumentTypeError as e:
        raise ArgumentTypeError(f"{owner}: {name}: {e}") from None
    except TypeError as e:
        raise ArgumentTypeError(f"{owner}: {name}: {e}") from None
    except ValueError as e:
        raise ValueError(f"{owner}: {name}: {e}") from None


# ----- arrays ------------------------------------------------------------

_KINDS = {"b": "booleans", "i": "integers", "u": "integers",
          "f": "floats", "c": "complex numbers", "U": "strings",
          "S": "bytes", "O": "objects", "M": "dates", "m": "durations"}


def array(owner: str, name: str, value: Any, *, kinds: str = "biuf",
          ndim: int | tuple[int, ...] | None = None,
          finite: bool = False, nonempty: bool = False) -> np.ndarray:
    """``np.asarray(value)``, checked.

    Args:
        kinds: allowed dtype kinds ("b" bool, "i"/"u" int, "f" float).
        ndim: required number of dimensions (or a tuple of allowed ones).
        finite: refuse NaN and inf.
        nonempty: refuse an array with no elements.
    """
    try:
        arr = np.asarray(value)
    except ValueError:
        raise ValueError(f"{owner}: {name} must be a rectangular array; "
                         f"its rows have different lengths (pad or "
                         f"trim them to one length first)") from None
    names = list(dict.fromkeys(_KINDS[k] for k in kinds))
    allowed = (" or ".join(names) if len(names) <= 2 else
               f"{', '.join(names[:-1])} or {names[-1]}")
    if arr.dtype.kind not in kinds:
        what = (f"complex numbers (dtype {arr.dtype}); pass the real "
                f"part (x.real) or the magnitude (abs(x)) explicitly"
                if arr.dtype.kind == "c" else f"dtype {arr.dtype}")
        raise ArgumentTypeError(f"{owner}: {name} must hold {allowed}, "
                                f"got {what}")
    if ndim is not None:
        allowed_nd = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed_nd:
            want = " or ".join(str(d) for d in allowed_nd)
            raise ValueError(f"{owner}: {name} must have {want} "
                             f"dimension(s), got shape {arr.shape}")
    if nonempty and arr.size == 0:
        raise ValueError(f"{owner}: {name} must not be empty, got shape "
                         f"{arr.shape}")
    if finite and arr.dtype.kind == "f" and not np.isfinite(arr).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        where = (f" (first at index {bad if len(bad) > 1 else bad[0]})"
                 if bad else "")
        raise ValueError(f"{owner}: {name} contains NaN or inf{where}; "
                         f"clean or impute it first")
    return arr
