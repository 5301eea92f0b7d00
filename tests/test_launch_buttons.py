"""Launch buttons follow the repository the book is built from
(``book/_ext/nnbook_launch.py``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXT = ROOT / "book" / "_ext"
sys.path.insert(0, str(EXT))
import nnbook_launch as launch  # noqa: E402


@pytest.mark.parametrize("remote, url", [
    ("git@github.com:ana/nnbook.git", "https://github.com/ana/nnbook"),
    ("https://github.com/ana/nnbook.git", "https://github.com/ana/nnbook"),
    ("https://github.com/ana/nnbook/", "https://github.com/ana/nnbook"),
    ("ssh://git@github.com/ana/nnbook", "https://github.com/ana/nnbook"),
    ("https://token@gitlab.com/ana/nnbook", "https://gitlab.com/ana/nnbook"),
    ("/srv/git/nnbook.git", None),               # a local path
    ("https://example.org/ana/nnbook", None),    # a host Binder can't use
    ("https://github.com/ana", None),            # not owner/name
    ("", None),
])
def test_web_url(remote, url):
    assert launch.web_url(remote) == url


def git_repo(tmp_path: Path, remote: str | None) -> Path:
    run = lambda *a: subprocess.run(["git", *a], cwd=tmp_path,  # noqa: E731
                                    check=True, capture_output=True)
    run("init", "-q", "-b", "course")
    if remote:
        run("remote", "add", "origin", remote)
    return tmp_path


def test_repository_comes_from_the_origin_remote(tmp_path):
    root = git_repo(tmp_path, "git@github.com:ana/nnbook.git")
    assert launch.repository(root, {}) == ("https://github.com/ana/nnbook",
                                           "course")


def test_environment_overrides_the_remote_and_the_branch(tmp_path):
    root = git_repo(tmp_path, "git@github.com:ana/nnbook.git")
    env = {"NNBOOK_REPOSITORY": "https://github.com/uni/nnbook",
           "NNBOOK_BRANCH": "v2"}
    assert launch.repository(root, env) == ("https://github.com/uni/nnbook",
                                            "v2")


def test_a_bad_repository_setting_is_an_error_that_names_it(tmp_path):
    with pytest.raises(ValueError, match="NNBOOK_REPOSITORY='nnbook'"):
        launch.repository(tmp_path, {"NNBOOK_REPOSITORY": "nnbook"})


def test_no_repository_means_no_buttons(tmp_path):
    url, _ = launch.repository(git_repo(tmp_path, None), {})
    assert url is None
    opts = launch.theme_options(url, "main", {})
    assert opts["launch_buttons"] == {} and opts["repository_url"] == ""
    assert not opts["use_repository_button"]


def test_github_gets_binder_colab_and_an_optional_hub():
    opts = launch.theme_options("https://github.com/ana/nnbook", "main",
                                {"NNBOOK_JUPYTERHUB": "https://hub.uni.es"})
    assert opts["launch_buttons"] == {
        "notebook_interface": "jupyterlab", "binderhub_url": launch.BINDER,
        "colab_url": launch.COLAB, "jupyterhub_url": "https://hub.uni.es"}
    gitlab = launch.theme_options("https://gitlab.com/ana/nnbook", "main", {})
    assert "colab_url" not in gitlab["launch_buttons"]   # Colab: GitHub only


# --- a one-page book built with the extension --------------------------------

CONF = """
import sys
sys.path.insert(0, {ext!r})
extensions = ["myst_nb", "sphinx_book_theme", "nnbook_launch"]
html_theme = "sphinx_book_theme"
nb_execution_mode = "off"
"""


def build_page(tmp_path: Path, env: dict[str, str]) -> str:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(textwrap.dedent(CONF.format(ext=str(EXT))))
    nb = {"cells": [{"cell_type": "markdown", "metadata": {},
                     "source": ["# A chapter\n"]},
                    {"cell_type": "code", "metadata": {}, "outputs": [],
                     "execution_count": None, "source": ["1 + 1"]}],
          "metadata": {"kernelspec": {"name": "python3",
                                      "display_name": "Python 3",
                                      "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    (src / "index.ipynb").write_text(json.dumps(nb))
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith("NNBOOK_")}
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src),
         str(tmp_path / "html")], cwd=src, env={**environ, **env},
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return (tmp_path / "html" / "index.html").read_text(encoding="utf-8")


def test_a_built_page_has_binder_and_colab_links(tmp_path):
    html = build_page(tmp_path, {"NNBOOK_REPOSITORY":
                                 "git@github.com:ana/nnbook.git",
                                 "NNBOOK_BRANCH": "main"})
    assert ("https://mybinder.org/v2/gh/ana/nnbook/main?"
            "urlpath=lab/tree/index.ipynb") in html
    assert ("https://colab.research.google.com/github/ana/nnbook/blob/"
            "main/index.ipynb") in html


def test_a_page_built_without_a_repository_has_no_launch_links(tmp_path):
    # tmp_path is no git clone, so there is no origin remote either.
    html = build_page(tmp_path, {})
    assert "mybinder.org" not in html and "colab.research" not in html
    assert "executablebooks" not in html
