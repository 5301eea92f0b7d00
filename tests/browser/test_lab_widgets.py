"""nnkit's widgets, live in JupyterLab, as ``make lab`` starts it.

A JupyterLab server from the venv (on 127.0.0.1, a free port, a fixed
token, the inline matplotlib backend, and Jupyter/IPython directories
of its own so nothing in ~/.jupyter interferes) serves a notebook the
test writes::

    import nnkit.widgets as w
    w.activation_explorer()

    w.playground()

Headless Chromium opens it, waits for the kernel, runs all cells
(JupyterLab's Run All Cells, ``notebook:run-all-cells``, through
``window.jupyterapp``, which ``--LabApp.expose_app_in_browser`` exposes
and which the test also asks whether the kernel is idle) and checks
that

- both widgets render: ipywidgets views (dropdowns, sliders, buttons
  and a PNG image) appear in the outputs, with no "Error displaying
  widget" and no "Loading widget..." left, and no error output;
- they respond: choosing another activation in the explorer's dropdown
  and moving its slider with the keyboard redraw the plot (the image's
  bytes change), and the Playground's Step button trains an epoch (its
  counter goes from "Epoch 0" to "Epoch 1" and the plot changes);
- the browser logs no console errors and requests nothing from any
  host but 127.0.0.1 (JupyterLab and the widgets work offline), and
  the page never asks the server to fetch news or updates.

Run it with ``make test-browser`` (about 20 s). It is skipped, with the
reason, unless ``NNBOOK_BROWSER=1`` (conftest.py) and when Chromium or
its driver are missing. Environment overrides: ``NNBOOK_CHROMIUM``,
``NNBOOK_CHROMEDRIVER``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .chromium import HOST, launch, skip_without_chromium

TOKEN = "nnbook-lab-widgets-test"
NOTEBOOK = "widgets.ipynb"
CELLS = ["import nnkit.widgets as w\nw.activation_explorer()",
         "w.playground()"]
# The Makefile's MPL_INLINE: what `make lab` gives the kernel.
MPL_INLINE = "module://matplotlib_inline.backend_inline"
# JupyterLab endpoints through which the *server* would reach the
# internet (the Atom news feed, PyPI for updates and extensions).
SERVER_FETCHES = ("/lab/api/news", "/lab/api/update",
                  "/lab/api/extensions?")
TIMEOUT = 30          # seconds for any one thing to happen

skip_without_chromium()
from selenium.common.exceptions import (  # noqa: E402
    StaleElementReferenceException,
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402


def wait_for(what: str, check, timeout: float = TIMEOUT, every=0.1,
             explain=None):
    """Poll ``check()`` until it returns something truthy; return it.
    Fail with ``what`` and ``explain()`` (default: the last value seen)
    after ``timeout``."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            last = check()
        except StaleElementReferenceException:
            last = None
        if last:
            return last
        time.sleep(every)
    detail = explain() if explain else f"last seen: {last!r}"
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}: "
                f"{detail}")


# --- the JupyterLab server ----------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _write_notebook(path: Path) -> None:
    nb = {
        "cells": [{"cell_type": "code", "execution_count": None,
                   "id": f"cell-{k}", "metadata": {}, "outputs": [],
                   "source": src} for k, src in enumerate(CELLS)],
        "metadata": {"kernelspec": {"name": "python3",
                                    "display_name": "Python 3 (ipykernel)",
                                    "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


class LabServer:
    """``jupyter lab`` from the venv in a process group of its own."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.root = tmp / "notebooks"
        self.root.mkdir()
        _write_notebook(self.root / NOTEBOOK)
        self.port = _free_port()
        self.url = f"http://{HOST}:{self.port}/"
        self.log_path = tmp / "jupyter-lab.log"
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("JUPYTER", "IPYTHON"))}
        env.update(
            JUPYTER_CONFIG_DIR=str(tmp / "config"),
            JUPYTER_DATA_DIR=str(tmp / "data"),
            JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
            IPYTHONDIR=str(tmp / "ipython"),
            MPLBACKEND=MPL_INLINE,      # pytest's conftest set Agg
            PATH=os.pathsep.join([str(Path(sys.executable).parent),
                                  env.get("PATH", "")]),
        )
        env["NO_PROXY"] = env["no_proxy"] = f"{HOST},localhost"
        jupyter = shutil.which("jupyter", path=str(Path(sys.executable)
                                                   .parent))
        assert jupyter, f"no jupyter next to {sys.executable}"
        self.cmd = [
            jupyter, "lab", "--no-browser",
            f"--ServerApp.ip={HOST}", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={self.root}",
            f"--IdentityProvider.token={TOKEN}",
            # window.jupyterapp, to run its commands and ask its state
            "--LabApp.expose_app_in_browser=True",
        ]
        if os.geteuid() == 0:       # a container's root: jupyter refuses
            self.cmd.append("--allow-root")
        self.log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            self.cmd, cwd=self.root, env=env, stdin=subprocess.DEVNULL,
            stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def log_tail(self, n: int = 40) -> str:
        self.log.flush()
        lines = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(lines[-n:])

    def wait_until_up(self) -> None:
        opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}))
        status = f"{self.url}api/status?token={TOKEN}"
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"jupyter lab exited ({self.proc.returncode}):"
                            f"\n{self.log_tail()}")
            try:
                with opener.open(status, timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail(f"jupyter lab did not answer on {self.url} within "
                    f"{TIMEOUT} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM (the server shuts its kernels down), then SIGKILL
        whatever of the process group is left."""
        try:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGTERM)
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    pass
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(5)
        finally:
            self.log.close()


# --- headless Chromium, and what it logs -------------------------------------

def _chromium(profile: str):
    return launch(profile)


class Lab:
    """The browser on the notebook, and everything it logged so far."""

    def __init__(self, drv, server: LabServer):
        self.drv, self.server = drv, server
        self.console: list[dict] = []
        self.requests: list[str] = []
        self.failed: list[str] = []
        self._urls: dict[str, str] = {}
        # cell -> why its widget did not render (test_widget_renders),
        # so that the tests using it fail at once instead of waiting too
        self.not_rendered: dict[int, str] = {}

    def collect_logs(self) -> None:
        self.console += self.drv.get_log("browser")
        for entry in self.drv.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            method, params = msg["method"], msg.get("params", {})
            if method == "Network.requestWillBeSent":
                url = params["request"]["url"]
                self._urls[params["requestId"]] = url
                self.requests.append(url)
            elif method == "Network.webSocketCreated":
                self.requests.append(params["url"])
            elif method == "Network.responseReceived" \
                    and params["response"]["status"] >= 400:
                self.failed.append(f"HTTP {params['response']['status']} "
                                   f"{params['response']['url']}")
            elif method == "Network.loadingFailed" \
                    and not params.get("canceled"):
                url = self._urls.get(params["requestId"],
                                     f"request {params['requestId']}")
                self.failed.append(f"{params.get('errorText')} {url}")

    def js(self, script: str, *args):
        return self.drv.execute_script(script, *args)

    def outputs(self, cell: int):
        """The output area of code cell ``cell`` (0-based)."""
        cells = self.drv.find_elements(By.CSS_SELECTOR,
                                       ".jp-Notebook .jp-CodeCell")
        return cells[cell].find_element(By.CSS_SELECTOR,
                                        ".jp-Cell-outputArea")

    def error_output(self, cell: int) -> str:
        """The text of the error (traceback) cell ``cell`` printed."""
        errors = self.outputs(cell).find_elements(
            By.CSS_SELECTOR,
            '[data-mime-type="application/vnd.jupyter.stderr"]')
        return "\n".join(e.text for e in errors)

    def image_digest(self, cell: int) -> str:
        """SHA-256 of the PNG the first widget image of ``cell`` shows
        (empty while there is none or it has not loaded). Fails at once
        if the cell printed an error."""
        error = self.error_output(cell)
        if error:
            pytest.fail(f"cell {cell} ({CELLS[cell]!r}) printed an error:"
                        f"\n{error[-1500:]}")
        imgs = self.outputs(cell).find_elements(
            By.CSS_SELECTOR, ".widget-image")
        if not imgs:
            return ""
        img = imgs[0]
        return self.drv.execute_async_script("""
            const [img, done] = arguments;
            if (!img.complete || !img.naturalWidth) { done(''); return; }
            fetch(img.src).then((r) => r.arrayBuffer())
              .then((b) => crypto.subtle.digest('SHA-256', b))
              .then((h) => done(img.naturalWidth + 'x' + img.naturalHeight
                  + ':' + Array.from(new Uint8Array(h))
                    .map((x) => x.toString(16).padStart(2, '0')).join('')))
              .catch((e) => done('error ' + e));
        """, img)

    def new_image(self, cell: int, before: str, what: str) -> str:
        if cell in self.not_rendered:
            pytest.fail(f"the widget did not render: "
                        f"{self.not_rendered[cell]}")
        return wait_for(what, lambda: (lambda d: d if d and d != before
                                       and not d.startswith("error")
                                       else None)(self.image_digest(cell)))


KERNEL_STATE = """
const app = window.jupyterapp;
if (!app) return 'no window.jupyterapp yet';
const nb = app.shell.currentWidget;
if (!nb || !nb.sessionContext || !nb.content) return 'no notebook yet';
if (nb.context.path !== arguments[0]) return 'current: ' + nb.context.path;
const kernel = nb.sessionContext.session && nb.sessionContext.session.kernel;
return {
  status: kernel ? kernel.status : 'no kernel',
  ready: nb.sessionContext.isReady,
  counts: nb.content.widgets.map((c) => c.model.type === 'code'
      ? c.model.executionCount : 0),
};
"""


@pytest.fixture(scope="module")
def lab():
    tmp = Path(tempfile.mkdtemp(prefix="nnbook-lab-"))
    server = drv = None
    try:
        server = LabServer(tmp)
        server.wait_until_up()
        drv = _chromium(str(tmp / "chromium"))
        session = Lab(drv, server)
        # Chromium's own start page (its new-tab page) logs requests of
        # its own: leave it and forget them before JupyterLab loads.
        drv.get("about:blank")
        drv.get_log("browser")
        drv.get_log("performance")
        drv.get(f"{server.url}lab/tree/{NOTEBOOK}?token={TOKEN}")

        def kernel_idle():
            state = session.js(KERNEL_STATE, NOTEBOOK)
            return (isinstance(state, dict) and state["ready"]
                    and state["status"] == "idle") and state

        def why():
            return (f"JupyterLab says {session.js(KERNEL_STATE, NOTEBOOK)}"
                    f"; the server's log ends:\n{server.log_tail(15)}")

        wait_for("the notebook's kernel to be idle", kernel_idle,
                 explain=why)
        # Run -> Run All Cells; the command's promise settles when the
        # last cell has run (or one raised: the tests show its error).
        ran = drv.execute_async_script("""
            const done = arguments[arguments.length - 1];
            window.jupyterapp.commands.execute('notebook:run-all-cells')
              .then((ok) => done(String(ok)), (e) => done('error ' + e));
        """)
        assert not ran.startswith("error"), f"Run All Cells failed: {ran}"
        wait_for("the kernel to be idle after running all cells",
                 kernel_idle, explain=why)
        session.collect_logs()
        yield session
    finally:
        if drv is not None:
            drv.quit()
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


# --- the checks ----------------------------------------------------------------

WIDGET_PARTS = {
    0: [".jupyter-widgets", ".widget-dropdown select", ".widget-slider",
        ".widget-image"],
    1: [".jupyter-widgets", ".widget-dropdown select", ".widget-slider",
        ".widget-button", ".widget-checkbox", ".widget-image"],
}
STUCK = ("Error displaying widget", "Loading widget")


@pytest.mark.parametrize("cell", sorted(WIDGET_PARTS))
def test_widget_renders(lab, cell):
    def missing():
        out = lab.outputs(cell)
        return [s for s in WIDGET_PARTS[cell]
                if not out.find_elements(By.CSS_SELECTOR, s)]

    try:
        wait_for(f"cell {cell}'s widget ({CELLS[cell]!r}) to render",
                 lambda: lab.image_digest(cell) and not missing(),
                 explain=lambda: f"no {', '.join(missing()) or 'image'} in "
                 f"its output, which reads {lab.outputs(cell).text!r}")
        text = lab.outputs(cell).text
        assert not any(s in text for s in STUCK), (
            f"cell {cell} shows: {text[:500]}")
    except (pytest.fail.Exception, AssertionError) as exc:
        lab.not_rendered[cell] = str(exc).splitlines()[0][:300]
        raise


def test_activation_explorer_redraws(lab):
    first = lab.new_image(0, "", "the activation explorer's plot")
    select = Select(lab.outputs(0).find_element(
        By.CSS_SELECTOR, ".widget-dropdown select"))
    assert select.first_selected_option.text == "relu"
    select.select_by_visible_text("leaky_relu")
    second = lab.new_image(0, first, "the plot to change after choosing "
                           "leaky_relu in the dropdown")

    slider = lab.outputs(0).find_element(By.CSS_SELECTOR, ".widget-slider")
    readout = slider.find_element(By.CSS_SELECTOR, ".widget-readout")
    wait_for("the slider (leaky_relu's negative_slope) to show",
             slider.is_displayed)
    assert "negative_slope" in slider.text
    value = readout.text
    # The keyboard, as a reader without a mouse: focus the handle (no
    # click, which could move it) and press the right arrow once.
    handle = slider.find_element(By.CSS_SELECTOR, ".noUi-handle")
    handle.send_keys(Keys.ARROW_RIGHT)
    wait_for("the slider's readout to change with the arrow key",
             lambda: readout.text != value)
    assert float(readout.text) == pytest.approx(float(value) + 0.05), (
        f"one arrow key moved the slider from {value} to {readout.text}, "
        "not by one step (0.05)")
    lab.new_image(0, second, f"the plot to change after moving the slider "
                  f"from {value} to {readout.text}")
    lab.collect_logs()


def test_playground_step_trains_an_epoch(lab):
    before = lab.new_image(1, "", "the Playground's plot")
    out = lab.outputs(1)
    status = wait_for("the Playground's epoch counter", lambda: [
        e for e in out.find_elements(By.CSS_SELECTOR, ".widget-html")
        if "Epoch" in e.text])[0]
    assert re.match(r"Epoch 0\b", status.text), status.text
    step = [b for b in out.find_elements(By.CSS_SELECTOR, ".widget-button")
            if b.text == "Step"]
    assert step, "no Step button in the Playground"
    step[0].click()
    wait_for("the epoch counter to say Epoch 1 after one Step",
             lambda: re.match(r"Epoch 1\b", status.text),
             explain=lambda: f"it says {status.text!r}")
    lab.new_image(1, before, "the Playground's plot to change after a step")
    lab.collect_logs()


def test_browser_console_clean_and_offline(lab):
    """Everything the browser did up to here (opening JupyterLab,
    running the cells and, when the tests above ran first, using the
    widgets): no console errors, no request to another host, no failed
    request, and no request that makes the server go online."""
    lab.collect_logs()
    problems = []
    for label, items in [
        ("console errors", [e["message"] for e in lab.console
                            if e["level"] == "SEVERE"]),
        ("requests to other hosts (JupyterLab needs the network)",
         [u for u in lab.requests if urlsplit(u).scheme in
          ("http", "https", "ws", "wss") and urlsplit(u).hostname != HOST]),
        ("failed requests", lab.failed),
        ("requests that make the server fetch from the internet",
         [u for u in lab.requests if any(f in u for f in SERVER_FETCHES)]),
    ]:
        items = list(dict.fromkeys(items))
        if items:
            problems.append(f"{label} ({len(items)}):")
            problems += [f"    {i}" for i in items[:12]]
    assert lab.requests, "the performance log recorded no requests"
    assert not problems, "\n".join(problems)
