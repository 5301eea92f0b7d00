"""Let Sphinx read (and so execute) two chapters at once.

Sphinx reads documents in parallel (``-j N``) only when every extension
declares that it is safe. ``sphinx_multitoc_numbering`` does not say,
so Sphinx falls back to a serial read and warns (an error under ``-W``).
It is safe: it only replaces the numbering of sections, which Sphinx
runs once, in the main process, after every document has been read; it
keeps nothing per document. This extension records that.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

NUMBERING = "sphinx_multitoc_numbering"


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension(NUMBERING)
    app.extensions[NUMBERING].parallel_read_safe = True
    return {"parallel_read_safe": True, "parallel_write_safe": True}
