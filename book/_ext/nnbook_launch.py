"""Launch buttons (Binder, Colab, JupyterHub) from the book's repository.

The launch buttons of sphinx-book-theme open a chapter's notebook in
JupyterLab on Binder, in Colab, or on a JupyterHub. They need the
public repository the book is built from. Instead of a URL typed into
``_config.yml`` (which goes stale, or points at a fork's upstream),
this extension asks, in order:

1. ``NNBOOK_REPOSITORY``: the repository's web URL, e.g.
   ``https://github.com/OWNER/nnbook`` (set it in CI when building the
   published book);
2. ``git remote get-url origin``: a clone of the published repository
   knows where it came from (``git@github.com:OWNER/nnbook.git`` is
   turned into ``https://github.com/OWNER/nnbook``).

The branch is ``NNBOOK_BRANCH``, else the checked-out branch, else
``main``. ``NNBOOK_JUPYTERHUB`` (e.g. a university's hub) adds a
JupyterHub button. When no repository is known (a local copy, a
tarball), the book has no launch buttons, and no other button points
anywhere: Jupyter Book's own default repository URL is never used.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

BINDER = "https://mybinder.org"
COLAB = "https://colab.research.google.com"
# Hosts sphinx-book-theme can build launch and source links for.
PROVIDERS = ("github.com", "gitlab.com", "bitbucket.org")


def _git(args: list[str], cwd: Path) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True,
                             text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


def web_url(remote: str) -> str | None:
    """A git remote as the repository's https URL, or None.

    ``git@github.com:o/r.git``, ``ssh://git@github.com/o/r`` and
    ``https://github.com/o/r.git`` all give ``https://github.com/o/r``.
    Remotes on other hosts, and local paths, give None: launch services
    cannot reach them.
    """
    remote = remote.strip()
    m = (re.fullmatch(r"[\w.-]+@([\w.-]+):(.+)", remote)
         or re.fullmatch(r"(?:ssh|git|https?)://(?:[^@/]+@)?([\w.-]+)"
                         r"(?::\d+)?/(.+)", remote))
    if not m:
        return None
    host, path = m.group(1).lower(), m.group(2).strip("/")
    path = re.sub(r"\.git$", "", path)
    if host not in PROVIDERS or path.count("/") != 1:
        return None
    return f"https://{host}/{path}"


def repository(root: Path, environ: Mapping[str, str] = os.environ
               ) -> tuple[str | None, str]:
    """(repository URL or None, branch) for the book at ``root``."""
    given = environ.get("NNBOOK_REPOSITORY", "").strip()
    if given:
        url = web_url(given)
        if url is None:
            raise ValueError(
                f"NNBOOK_REPOSITORY={given!r} is not a repository URL on "
                f"{', '.join(PROVIDERS)} (expected e.g. "
                f"https://github.com/OWNER/nnbook)")
    else:
        url = web_url(_git(["remote", "get-url", "origin"], root))
    branch = (environ.get("NNBOOK_BRANCH", "").strip()
              # (empty on a detached checkout, as in CI)
              or _git(["symbolic-ref", "--short", "HEAD"], root)
              or "main")
    return url, branch


def theme_options(url: str | None, branch: str,
                  environ: Mapping[str, str] = os.environ
                  ) -> dict[str, Any]:
    """The sphinx-book-theme options for this repository."""
    if url is None:
        return {"repository_url": "", "launch_buttons": {},
                "use_repository_button": False,
                "use_issues_button": False, "use_edit_page_button": False}
    launch = {"notebook_interface": "jupyterlab",   # widgets are live there
              "binderhub_url": BINDER}
    if url.startswith("https://github.com/"):       # Colab reads GitHub only
        launch["colab_url"] = COLAB
    hub = environ.get("NNBOOK_JUPYTERHUB", "").strip()
    if hub:
        launch["jupyterhub_url"] = hub
    return {"repository_url": url, "repository_branch": branch,
            "path_to_docs": "", "launch_buttons": launch,
            "use_repository_button": True, "use_issues_button": True,
            "use_edit_page_button": False}


def _configure(app, config) -> None:
    url, branch = repository(Path(app.srcdir))
    config.html_theme_options = {**config.html_theme_options,
                                 **theme_options(url, branch)}


def setup(app):
    app.connect("config-inited", _configure)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
