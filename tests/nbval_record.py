"""A pytest plugin: nbval's runs of the chapters become the book's outputs.

`make test` executes every chapter twice otherwise: once under nbval
(does every cell run?) and once when `make book` fills its execution
cache. Each run pays TensorFlow's import and the chapter's training, so
the second one costs as much as the first (about half of a fresh
`make test`).

With this plugin (`pytest -p tests.nbval_record --nbval-lax ...`), every
iopub message nbval reads for a cell is also handed to an idle
`nbclient.NotebookClient`, the class the book's executor (jupyter-cache)
runs, through its own `process_message`. The outputs it records are
therefore the ones `make book` would record: the same handling of
streams, display ids, `clear_output` and ipywidgets state (including
Output widgets, answered on nbval's own kernel client, as nbclient
does). When every cell of a notebook has passed, the executed notebook
is added to the book's execution cache (`_build/.jupyter_cache`), so
the book build finds it there and does not run it again. A notebook
with a failed or skipped cell is not cached: the book runs it itself.

Under pytest-xdist each worker writes its notebooks to a staging folder
and the controller adds them to the cache at the end, so only one
process writes the cache's database.

tests/test_nbval_record.py checks that the recorded notebook equals the
one jupyter-cache's own executor produces, output for output.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import time
from pathlib import Path

import nbformat
import pytest

STAGE = "nbval-executed"     # below the cache folder; removed when added


def _cache_dir(config) -> Path:
    """The book's execution cache: `_build/.jupyter_cache` by default,
    NNBOOK_EXECUTION_CACHE when set (tests use a temporary one)."""
    path = os.environ.get("NNBOOK_EXECUTION_CACHE")
    if path:
        return Path(path)
    return Path(str(config.rootpath)) / "_build" / ".jupyter_cache"


class _Recorder:
    """Rebuilds one notebook's outputs from the messages nbval reads."""

    def __init__(self, file_item):
        from nbclient import NotebookClient

        self.nb = copy.deepcopy(file_item.nb)
        # As jupyter-cache runs it: no timing metadata in the cells.
        self.client = NotebookClient(self.nb, record_timing=False)
        self.client.reset_execution_trackers()
        # nbclient answers Output widgets on this client
        self.client.kc = file_item.kernel.kc
        self.code_index = [i for i, c in enumerate(self.nb.cells)
                           if c.cell_type == "code"]
        self.cell = None                # (index in nb.cells, cell) running
        self.parent_id = None           # msg_id of its execute_request
        self.passed = 0                 # cells that ran and passed
        self.started = None             # when the first cell was sent

    def start_cell(self, cell_num, source):
        if self.started is None:
            self.started = time.perf_counter()
        index = self.code_index[cell_num]
        cell = self.nb.cells[index]
        # What nbclient does before each cell (async_execute_cell).
        cell.outputs = []
        self.client.clear_before_next_output = False
        # nbclient skips an empty cell; nbval sends it anyway.
        self.cell = (index, cell) if source.strip() else None
        self.parent_id = None

    def complete(self):
        """Every code cell ran and passed (none failed or was skipped)."""
        return self.passed == len(self.code_index)

    def message(self, msg):
        """Feed one iopub message, as nbclient's poll loop would."""
        if self.cell is None or self.parent_id is None:
            return
        if msg["parent_header"].get("msg_id") != self.parent_id:
            return
        from nbclient.exceptions import CellExecutionComplete

        index, cell = self.cell
        try:
            self.client.process_message(msg, cell, index)
        except CellExecutionComplete:
            pass

    def notebook(self, language_info):
        """The executed notebook, as nbclient leaves it, and the seconds
        its cells took (kept in the cache as myst-nb keeps them)."""
        seconds = time.perf_counter() - self.started
        if language_info:
            self.nb.metadata["language_info"] = language_info
        self.client.set_widgets_metadata()
        return self.nb, seconds


def _language_info(kernel):
    """The kernel's language_info (nbclient stores it in the notebook)."""
    reply = kernel.kc.kernel_info(reply=True, timeout=30)
    return reply["content"]["language_info"]


def _patch_nbval():
    from nbval import kernel as nbval_kernel
    from nbval import plugin as nbval_plugin

    file_cls, cell_cls = nbval_plugin.IPyNbFile, nbval_plugin.IPyNbCell
    if getattr(file_cls, "_nnbook_recording", False):
        return
    file_cls._nnbook_recording = True

    get_message = file_cls.get_kernel_message

    def get_kernel_message(self, timeout=None, stream="iopub"):
        msg = get_message(self, timeout=timeout, stream=stream)
        recorder = getattr(self, "_nnbook_recorder", None)
        if recorder is not None and stream == "iopub":
            recorder.message(msg)
        return msg

    file_cls.get_kernel_message = get_kernel_message

    def execute_cell_input(self, cell_input, allow_stdin=None):
        # nbval sends store_history=False; nbclient (the book) True, which
        # numbers the cells and keeps `_` and `Out` as a notebook does.
        msg_id = self.kc.execute(cell_input, store_history=True,
                                 allow_stdin=allow_stdin,
                                 stop_on_error=False)
        recorder = getattr(self, "_nnbook_recorder", None)
        if recorder is not None:
            recorder.parent_id = msg_id
        return msg_id

    nbval_kernel.RunningKernel.execute_cell_input = execute_cell_input

    runtest = cell_cls.runtest

    def cell_runtest(self):
        recorder = getattr(self.parent, "_nnbook_recorder", None)
        if recorder is None:
            recorder = self.parent._nnbook_recorder = _Recorder(self.parent)
        recorder.start_cell(self.cell_num, self.cell.source)
        self.parent.kernel._nnbook_recorder = recorder
        try:
            runtest(self)
        finally:
            self.parent.kernel._nnbook_recorder = None

    cell_cls.runtest = cell_runtest

    teardown = file_cls.teardown

    def file_teardown(self):
        recorder = getattr(self, "_nnbook_recorder", None)
        try:
            if (recorder is not None and recorder.complete()
                    and self.kernel is not None and self.kernel.is_alive()):
                nb, seconds = recorder.notebook(_language_info(self.kernel))
                _stage(self.config, Path(str(self.fspath)), nb, seconds)
        finally:
            self._nnbook_recorder = None
            teardown(self)

    file_cls.teardown = file_teardown


def _stage(config, path: Path, nb, seconds):
    stage = _cache_dir(config) / STAGE
    stage.mkdir(parents=True, exist_ok=True)
    name = str(path.resolve()).strip("/").replace("/", "__")
    tmp = stage / (name + ".part")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"uri": str(path.resolve()), "nb": nb,
                   "seconds": seconds}, f)
    tmp.replace(stage / (name + ".json"))


def add_staged_to_cache(cache_dir: Path) -> int:
    """Add every staged notebook to the jupyter-cache in `cache_dir`."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    stage = cache_dir / STAGE
    if not stage.is_dir():
        return 0
    cache = get_cache(str(cache_dir))
    added = 0
    for item in sorted(stage.glob("*.json")):
        entry = json.loads(item.read_text(encoding="utf-8"))
        nb = nbformat.from_dict(entry["nb"])
        cache.cache_notebook_bundle(
            CacheBundleIn(nb, entry["uri"],
                          data={"execution_seconds": entry["seconds"],
                                "executed_by": "nbval"}),
            check_validity=False, overwrite=True)
        added += 1
    shutil.rmtree(stage)
    return added


# --- pytest hooks -------------------------------------------------------------

def pytest_configure(config):
    _patch_nbval()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Count the cells of each notebook that ran and passed."""
    from nbval.plugin import IPyNbCell

    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not isinstance(item, IPyNbCell):
        return
    recorder = getattr(item.parent, "_nnbook_recorder", None)
    if report.passed and recorder is not None:
        recorder.passed += 1


def pytest_sessionfinish(session, exitstatus):
    if hasattr(session.config, "workerinput"):
        return                  # an xdist worker: the controller adds
    added = add_staged_to_cache(_cache_dir(session.config))
    if added:
        reporter = session.config.pluginmanager.get_plugin(
            "terminalreporter")
        if reporter is not None:
            reporter.write_line(
                f"nbval_record: {added} executed notebooks added to the "
                f"book's execution cache ({_cache_dir(session.config)})")
