"""Let Sphinx read (and so execute) two chapters at once.

Sphinx reads documents in parallel (``-j N``) only when every extension
declares that it is safe; otherwise it falls back to a serial read and
warns (an error under ``-W``). Three extensions the book loads do not
say. Each is safe for reading in parallel, for the reason given below,
and this extension records that.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

UNDECLARED = {
    # replaces the numbering of sections, which Sphinx runs once, in the
    # main process, after every document has been read
    "sphinx_multitoc_numbering": "numbering after the read",
    # copies MathJax into the site when the build has finished
    "sphinx-mathjax-offline": "copies files at build-finished",
    # transforms for the LaTeX builder; keeps nothing per document
    "sphinx_jupyterbook_latex": "LaTeX-only transforms",
}


def setup(app: Sphinx) -> dict[str, Any]:
    for name in UNDECLARED:
        app.setup_extension(name)
        app.extensions[name].parallel_read_safe = True
    return {"parallel_read_safe": True, "parallel_write_safe": True}
