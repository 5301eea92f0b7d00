"""``jupyter-book build`` with Sphinx reading N pages at once.

Reading a notebook page executes it (when its cache entry is stale), so
on a machine with two cores two chapters run side by side and a fresh
build takes about half the time. Jupyter Book 1's command line has no
option for Sphinx's ``-j``; this sets it (``NNBOOK_JOBS``, default 2;
0 or 1 reads one page at a time) and otherwise runs the command
unchanged: ``python book/_ext/jb_build.py build . -W -n --keep-going``.
book/_ext/nnbook_parallel.py declares the extensions that do not say
that they are safe for it.
"""

from __future__ import annotations

import os
import sys


def jobs() -> int:
    """Pages read at once, from ``NNBOOK_JOBS`` (at least 1)."""
    return max(1, int(os.environ.get("NNBOOK_JOBS", "2") or 1))


def main() -> int:
    from jupyter_book import sphinx as jb_sphinx
    from jupyter_book.cli.main import main as jupyter_book_command

    build_sphinx = jb_sphinx.build_sphinx

    def parallel(*args, **kwargs):
        kwargs["jobs"] = jobs()
        return build_sphinx(*args, **kwargs)

    # the command imports build_sphinx from this module when it runs
    jb_sphinx.build_sphinx = parallel
    return jupyter_book_command()


if __name__ == "__main__":
    sys.exit(main())
