"""English prose for character-level models: CPython's help topics."""

from __future__ import annotations

__all__ = ["load_text"]


def load_text() -> str:
    """About 465,000 characters of English prose about Python.

    Source: the help topics that ship with CPython
    (``pydoc_data.topics``, the text behind ``help("if")``), joined in
    sorted topic order with a blank line between topics.
    """
    from pydoc_data.topics import topics

    return "\n\n".join(topics[k].strip() for k in sorted(topics))
