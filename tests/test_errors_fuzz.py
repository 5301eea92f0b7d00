"""Every public constructor refuses wrong arguments with a clear error.

The classes are discovered from the ``__all__`` of nnkit's public
packages, so a layer, optimizer or callback added later is fuzzed
without touching this file. For each (class, argument) pair Hypothesis
draws values that are wrong whatever the argument means (an arbitrary
object, a complex number, a set, NaN) plus values of a wrong *type*
for what the annotation declares (text for a number, a fraction for an
integer, a number for a flag or a name). Construction must then fail
with a TypeError or ValueError that names the class and the argument,
never with one of Python's or NumPy's raw messages listed in
``RAW_MESSAGES``.

Required arguments take their values from ``EXAMPLES`` (by argument
name), ``CLASS_EXAMPLES`` or, for an int, float, bool or layer
annotation, a guess; a class whose required arguments still have no
valid value fails ``test_every_constructor_has_valid_example_arguments``:
add one to ``EXAMPLES``.
"""

from __future__ import annotations

import importlib
import inspect
import math
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nnkit

# Packages whose ``__all__`` lists public classes. (nnkit.plot and
# nnkit.widgets hold figures and ipywidgets front ends; their public
# functions are checked in tests/test_errors.py.)
PACKAGES = ["nnkit", "nnkit.layers", "nnkit.models", "nnkit.optimizers",
            "nnkit.schedules", "nnkit.callbacks", "nnkit.losses",
            "nnkit.initializers", "nnkit.regularizers",
            "nnkit.activations", "nnkit.preprocessing", "nnkit.sequences",
            "nnkit.perceptron", "nnkit.instrument", "nnkit.lr_finder",
            "nnkit.metrics", "nnkit.datasets"]

# Classes users do not construct: results, and the records of the
# functional graph (made by calling layers on Input tensors).
NOT_CONSTRUCTED = {"LRRangeTest", "Dataset", "TrainingDivergedError",
                   "Node", "SymbolicTensor"}
# The public face of a class under another name: its messages name that.
ALIASES = {"InputLayer": "Input", "Functional": "Model"}

# Raw Python/NumPy messages that must never reach a user from a
# constructor: each means an argument went unchecked.
RAW_MESSAGES = [
    r"unsupported operand type", r"not supported between instances of",
    r"object is not iterable", r"object is not subscriptable",
    r"object is not callable", r"could not convert string to float",
    r"invalid literal for int", r"can't multiply sequence",
    r"must be real number, not", r"argument must be a string or a",
    r"cannot be interpreted as an integer", r"unhashable type",
    r"truth value of an array", r"setting an array element with a seq",
    r"only length-1 arrays", r"only 0-dimensional arrays",
    r"got an unexpected keyword argument", r"required positional arg",
    r"has no attribute", r"index out of range", r"out of bounds",
    r"division by zero", r"math domain error",
    r"cannot convert float NaN to integer", r"inhomogeneous",
    r"float\(\) argument must be", r"int\(\) argument must be",
    r"Cannot cast ufunc", r"not understood",
    r"expected str, bytes or os.PathLike", r"sequence item \d+",
    r"^'\w+'$",                       # a bare KeyError
]
_RAW = re.compile("|".join(RAW_MESSAGES))


def discover() -> list[type]:
    """Public classes of nnkit with a constructor of their own."""
    found: dict[str, type] = {}
    for name in PACKAGES:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", []):
            obj = getattr(module, attr, None)
            if (inspect.isclass(obj) and obj.__module__.startswith("nnkit")
                    and attr not in NOT_CONSTRUCTED
                    and not issubclass(obj, BaseException)
                    and obj.__init__ is not object.__init__):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[k] for k in sorted(found)]


def parameters(cls: type) -> dict[str, inspect.Parameter]:
    """The keyword arguments of ``cls``, its bases' ones included when
    it passes ``**kwargs`` up (layers: name, dtype, input_shape...)."""
    out: dict[str, inspect.Parameter] = {}
    own = True
    for klass in cls.__mro__:
        init = vars(klass).get("__init__")
        if init is None or init is object.__init__:
            continue
        params = inspect.signature(init).parameters.values()
        for p in params:
            # a base's argument without a default that the class does
            # not declare is one the class fills in itself (ELU gives
            # Activation its activation)
            filled = not own and p.default is inspect.Parameter.empty
            if p.name != "self" and not filled and p.kind in (
                    p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
                out.setdefault(p.name, p)
        own = False
        if not any(p.kind == p.VAR_KEYWORD for p in params):
            break
    return out


def _examples() -> dict[str, Any]:
    from nnkit.layers import LSTM, Dense
    from nnkit.schedules import ExponentialDecay
    x = nnkit.Input((3,))
    y = Dense(2)(x)
    return {
        "inputs": x, "outputs": y,
        "units": 3, "filters": 2, "kernel_size": 3, "rate": 0.5,
        "input_dim": 10, "output_dim": 4, "target_shape": (3,),
        "layers": [Dense(2)], "layer": Dense(2), "activation": "relu",
        "initial_learning_rate": 0.1, "decay_steps": 10,
        "decay_rate": 0.5, "boundaries": [10], "values": [0.1, 0.01],
        "max_learning_rate": 0.1, "total_steps": 100,
        "base_learning_rate": 0.01, "step_size": 10, "decay": 0.1,
        "steps_per_epoch": 5, "text": "hello", "shape": (3,),
        "data": np.zeros(3), "name": "w", "filepath": "ckpt.npz",
        "filename": "log.csv", "callbacks": [],
        "model": nnkit.Sequential(), "params": {},
        "schedule": lambda epoch, lr: lr, "fn": lambda y, p: 0.0,
        "_schedule": ExponentialDecay(0.1, 10, 0.5),
        "_recurrent": LSTM(2),
    }


EXAMPLES = _examples()
# (class name, argument) -> a valid value, where the name alone is not
# enough (PerEpoch's schedule is a schedule, not a function;
# Bidirectional wraps a recurrent layer, not any layer).
CLASS_EXAMPLES = {("PerEpoch", "schedule"): EXAMPLES["_schedule"],
                  ("Bidirectional", "layer"): EXAMPLES["_recurrent"]}
# Arguments a class needs although they default to None (or hide in
# **kwargs): the functional model's inputs and outputs.
NEEDED = {"inputs", "outputs"}
HIDDEN = {"Model": {"inputs": None, "outputs": None}}


def _guess(annotation: str) -> Any:
    """A plausible valid value from an annotation alone (for required
    arguments of classes added after this file was written)."""
    ann = annotation.replace(" ", "")
    if re.fullmatch(r"int(\|None)?", ann):
        return 2
    if re.fullmatch(r"float(\|int)?(\|None)?", ann):
        return 0.5
    if ann == "bool":
        return True
    if "Layer" in ann:
        return EXAMPLES["layers"] if ann.startswith("list") else \
            EXAMPLES["layer"]
    return None


def required(cls: type) -> dict[str, Any]:
    """Valid values for the arguments of ``cls`` without a default."""
    kwargs = dict(HIDDEN.get(cls.__name__, {}))
    for name, p in list(parameters(cls).items()) + [
            (k, None) for k in kwargs]:
        if p is None or p.default is inspect.Parameter.empty \
                or name in NEEDED:
            value = CLASS_EXAMPLES.get((cls.__name__, name),
                                       EXAMPLES.get(name))
            kwargs[name] = (_guess(str(getattr(p, "annotation", "")))
                            if value is None else value)
    return kwargs


CLASSES = discover()
PAIRS = [(cls, name) for cls in CLASSES for name in parameters(cls)]


def _id(cls: type) -> str:
    """``layers.ELU``, ``activations.ELU``: the public package and name."""
    return f"{cls.__module__.split('.')[1]}.{cls.__name__}" \
        if cls.__module__ != "nnkit" else cls.__name__


class Junk:
    """An object no argument of nnkit accepts."""

    def __repr__(self) -> str:
        return "<Junk>"


def wrong_values(annotation: str) -> st.SearchStrategy:
    """Values wrong for any argument, plus wrong types for this one."""
    always = st.one_of(
        st.builds(Junk), st.complex_numbers(allow_nan=False,
                                            allow_infinity=False),
        st.frozensets(st.integers(), min_size=1).map(set),
        st.just(math.nan))
    ann = annotation.replace(" ", "")
    kinds = set(re.findall(r"\b(int|float|bool|str|Any)\b", ann))
    extra = []
    if "Any" in kinds or "Callable" in ann or not kinds:
        return always
    if "str" not in kinds:
        extra.append(st.text(max_size=8).filter(
            lambda s: s.strip() not in ("", "auto")))
    if kinds == {"int"} or kinds == {"int", "bool"}:
        extra.append(st.floats(-1e6, 1e6).filter(
            lambda v: not float(v).is_integer()))
    if kinds <= {"bool"}:
        extra.append(st.integers(2, 10**6))
    if kinds <= {"str"}:
        extra.append(st.integers() | st.floats(allow_nan=False))
    if "None" not in ann and kinds & {"int", "float", "bool"}:
        extra.append(st.none())
    return st.one_of(always, *extra)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: _id(c))
def test_every_constructor_has_valid_example_arguments(cls, tmp_path,
                                                       monkeypatch):
    monkeypatch.chdir(tmp_path)
    kwargs = required(cls)
    missing = [k for k, v in kwargs.items() if v is None]
    assert not missing, (f"add valid examples of {missing} for "
                         f"{cls.__name__} to EXAMPLES in {__file__}")
    _construct_or_skip_abstract(cls, kwargs)


def _construct_or_skip_abstract(cls: type, kwargs: dict) -> None:
    """Build ``cls``; an abstract base (its constructor reaches a
    NotImplementedError) is skipped: only its subclasses are used."""
    try:
        cls(**kwargs)
    except NotImplementedError:
        pytest.skip(f"{cls.__name__} is abstract")


def test_discovery_finds_the_families():
    names = {c.__name__ for c in CLASSES}
    assert {"Dense", "Conv2D", "LSTM", "SGD", "Adam", "ExponentialDecay",
            "EarlyStopping", "ModelCheckpoint", "MinMaxScaler",
            "BinaryCrossentropy", "GlorotUniform", "L2", "LeakyReLU",
            "Sequential", "InputLayer", "CharVocab", "Perceptron",
            "TrainingMonitor"} <= names
    assert len(PAIRS) > 250


@pytest.mark.parametrize("cls,arg", PAIRS,
                         ids=[f"{_id(c)}-{a}" for c, a in PAIRS])
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_a_wrong_argument_gets_a_clear_error_naming_class_and_argument(
        cls, arg, data):
    # (constructors write no files: ModelCheckpoint and CSVLogger open
    # theirs during fit)
    _construct_or_skip_abstract(cls, required(cls))
    annotation = str(parameters(cls)[arg].annotation)
    value = data.draw(wrong_values(annotation), label=arg)
    kwargs = required(cls) | {arg: value}
    with pytest.raises((TypeError, ValueError)) as err:
        cls(**kwargs)
    msg = str(err.value)
    names = (cls.__name__, ALIASES.get(cls.__name__, cls.__name__))
    assert any(n in msg for n in names), f"the message does not name " \
        f"the class: {msg!r}"
    assert arg in msg, f"the message does not name {arg!r}: {msg!r}"
    assert not _RAW.search(msg), f"a raw message reached the user: {msg!r}"
