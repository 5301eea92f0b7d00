"""tests/nbval_record.py: nbval's run of a notebook, cached for the book.

The book build (myst-nb through jupyter-cache) reuses a notebook's
outputs when its execution cache holds a record for it. The plugin
writes that record from nbval's run; here we check it holds exactly
what jupyter-cache's own executor writes for the same notebook (the
executor `make book` runs otherwise), and that a notebook with a
failing cell is not cached at all.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("nbval")
jupyter_cache = pytest.importorskip("jupyter_cache")

ROOT = Path(__file__).resolve().parents[1]

# Every kind of output the chapters produce, and the ones where a
# recorder is easy to get wrong: streams split over calls, display
# metadata (glue), clear_output(wait=True), display-id updates, widgets
# (their state goes into the notebook's metadata) and an Output widget
# captured while the cell runs, a matplotlib figure, an execute_result.
CELLS = [
    "import sys\nprint('a')\nprint('b')\nsys.stderr.write('to stderr\\n')",
    "",
    "from IPython.display import HTML, clear_output, display\n"
    "display(HTML('<b>gone</b>'), metadata={'k': 1})\n"
    "clear_output(wait=True)\n"
    "display(HTML('<i>kept</i>'), metadata={'k': 2})",
    "h = display('first', display_id=True)\nh.update('second')",
    "from myst_nb import glue\nglue('answer', 42.5, display=False)",
    "import ipywidgets as w\nslider = w.IntSlider(value=3, description='n')\n"
    "slider",
    "out = w.Output()\ndisplay(out)\nwith out:\n    print('inside')\n"
    "    display(HTML('<u>in widget</u>'))",
    "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()",
    "1 + 1",
]


def _notebook(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3",
                                 "language": "python", "name": "python3"}
    nb.cells = [nbformat.v4.new_markdown_cell("# A test page")]
    nb.cells += [nbformat.v4.new_code_cell(src) for src in cells]
    nbformat.write(nb, str(path))
    return nb


def _env(cache):
    env = dict(os.environ)
    env.update(NNBOOK_EXECUTION_CACHE=str(cache),
               MPLBACKEND="module://matplotlib_inline.backend_inline",
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""))
    return env


def _run_nbval(paths, cache):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.nbval_record",
         "--nbval-lax", "--nbval-current-env", "-p", "no:randomly",
         "-p", "no:cacheprovider", "-q", "--rootdir",
         str(paths[0].parent), *map(str, paths)],
        cwd=ROOT, env=_env(cache), capture_output=True, text=True,
        timeout=300)


def _normalise(nb):
    """Widget model ids are random: replace each by the same token."""
    text = re.sub(r"[0-9a-f]{32}", "MODEL", nbformat.writes(nb))
    return nbformat.reads(text, as_version=4)


def _widget_states(nb):
    """Each widget model's state, ids replaced, in a stable order."""
    state = nb.metadata["widgets"][
        "application/vnd.jupyter.widget-state+json"]["state"]
    return sorted(re.sub(r"[0-9a-f]{32}", "MODEL",
                         json.dumps(s, sort_keys=True))
                  for s in state.values())


def test_recorded_outputs_equal_jupyter_cache_execution(tmp_path,
                                                        monkeypatch):
    from jupyter_cache.executors.utils import single_nb_execution

    path = tmp_path / "page.ipynb"
    source = _notebook(path, CELLS)
    # A notebook with a failing cell, in the same run, is not cached:
    # the book must run it (and fail on it) itself.
    broken = _notebook(tmp_path / "broken.ipynb", ["x = 1", "1 / 0", "y = 2"])
    cache_dir = tmp_path / "cache"
    run = _run_nbval([path, tmp_path / "broken.ipynb"], cache_dir)
    assert run.returncode != 0, run.stdout + run.stderr
    assert "ZeroDivisionError" in run.stdout
    assert "1 executed notebooks added" in run.stdout, run.stdout
    assert "1 failed" in run.stdout and "page.ipynb::" not in (
        run.stdout.split("short test summary")[-1]), run.stdout

    cache = jupyter_cache.get_cache(str(cache_dir))
    with pytest.raises(KeyError):
        cache.match_cache_notebook(broken)
    _, recorded = cache.merge_match_into_notebook(source)

    # What `make book` would have run: jupyter-cache's executor.
    expected = nbformat.reads(nbformat.writes(source), as_version=4)
    for key, value in _env(cache_dir).items():
        monkeypatch.setenv(key, value)
    result = single_nb_execution(expected, cwd=str(tmp_path), timeout=120,
                                 allow_errors=False)
    assert result.err is None, result.exc_string

    assert _widget_states(recorded) == _widget_states(expected)
    assert len(_widget_states(recorded)) >= 5   # slider, output, layouts
    assert "inside" in json.dumps(recorded.metadata["widgets"])
    recorded, expected = _normalise(recorded), _normalise(expected)
    for got, want in zip(recorded.cells, expected.cells, strict=True):
        assert got.get("outputs") == want.get("outputs"), got.source
        assert got.get("execution_count") == want.get("execution_count")
    assert (recorded.metadata["language_info"]
            == expected.metadata["language_info"])
    # The outputs really are there (not two empty notebooks).
    kinds = {o.output_type for c in recorded.cells if c.cell_type == "code"
             for o in c.outputs}
    assert kinds == {"stream", "display_data", "execute_result"}
    texts = json.dumps([c.outputs for c in recorded.cells
                        if c.cell_type == "code"])
    assert "kept" in texts and "gone" not in texts
    assert "second" in texts and "first" not in texts

