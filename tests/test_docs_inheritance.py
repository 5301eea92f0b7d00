"""nnkit._docs: a docstring inherits the Args and sections it leaves out.
"""

from __future__ import annotations

import inspect

from nnkit._docs import inherit_sections
from nnkit.layers import Layer


class _Base:
    """A base.

    Args:
        a: the base's a.
        b: the base's b, over
            two lines.
        gone: an argument the subclass drops.
        **kwargs: passed on.

    Input shape:
        (N, D)
    Output shape:
        (N, H)
    """

    def __init__(self, a=1, b=2, gone=3, **kwargs):
        pass


def test_missing_entries_come_from_the_base_in_signature_order():
    class Child(_Base):
        """A child.

        Args:
            b: the child's own b.
            c: new.
        """

        def __init__(self, a=1, c=0, b=2, **kwargs):
            pass

    inherit_sections(Child)
    doc = inspect.getdoc(Child)
    args = doc.split("Args:")[1].split("Input shape:")[0].split()
    names = [w for w in args if w.endswith(":")]
    assert names == ["a:", "c:", "b:", "**kwargs:"]
    assert "the child's own b" in doc and "the base's b" not in doc
    assert "gone" not in doc              # not in Child's signature
    assert "Input shape:\n    (N, D)" in doc
    assert "Output shape:\n    (N, H)" in doc
    assert doc.startswith("A child.")


def test_own_sections_win_and_text_stays_in_place():
    class Child(_Base):
        """A child.

        Args:
            a: own.

        Some text between the sections.

        Output shape:
            (N, 1)
        """

    inherit_sections(Child)
    doc = inspect.getdoc(Child)
    assert doc.index("Args:") < doc.index("Some text") \
        < doc.index("Input shape:") < doc.index("Output shape:")
    assert "(N, 1)" in doc and "(N, H)" not in doc
    assert "b: the base's b, over\n        two lines." in doc


def test_a_class_without_a_docstring_is_left_alone():
    class Child(_Base):
        pass

    inherit_sections(Child)
    assert Child.__doc__ is None
    assert inspect.getdoc(Child) == inspect.getdoc(_Base)


def test_layers_do_not_inherit_layer_s_own_arguments():
    """Layer's name/dtype/... are documented once, as ``**kwargs``."""
    class Custom(Layer):
        """A custom layer.

        Args:
            **kwargs: ``name``, ``dtype`` (see ``Layer``).
        """

    doc = inspect.getdoc(Custom)
    assert "trainable:" not in doc and "dtype:" not in doc
