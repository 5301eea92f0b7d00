"""How fast the Playground widget draws: frames per second and latency.

Two measurements, written to ``benchmarks/widgets.md`` (the performance
appendix includes it):

1. **In the kernel** (always): what one frame of Play costs (training
   the epochs of that frame plus drawing the diagram, the output map
   and the charts), for the default network and for the largest one
   (six hidden layers of eight neurons, all seven features); what a
   control change costs from the new value to the new picture; and,
   interleaved with it for comparison, what the same frame cost when
   it was drawn with matplotlib (``render`` into a figure, saved as
   PNG), as the widget did before.
2. **In the browser** (``--browser``, needs Chromium and chromedriver
   as for ``make test-browser``): JupyterLab started as ``make lab``
   does, the Playground displayed, and Chromium counting the pictures
   that arrive while Play runs (frames per second, seen by the
   reader) and timing a click on the diagram's "+" (a neuron more)
   until the diagram has redrawn (latency, kernel and browser both).

Run it on a quiet machine: ``python benchmarks/widgets.py --browser``.
The load average at the start and the end is written with the
numbers, so a busy machine shows.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import nnkit.widgets as W  # noqa: E402

FRAMES = 60
BIG = dict(hidden=(8,) * 6, features=tuple(W.FEATURES))


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f}"


def frame_costs(config: dict) -> dict:
    """Play the widget for FRAMES frames (auto epochs per frame)."""
    pg = W.Playground(**config)
    pg.play_button.value = True
    for _ in range(5):                           # warm up the estimates
        pg.play.value += 1
    pg.frame_times.clear()
    epochs = []
    for _ in range(FRAMES):
        before = pg.state.epoch
        pg.play.value += 1
        epochs.append(pg.state.epoch - before)
    frame = statistics.median(pg.frame_times)
    draws = []
    for _ in range(10):
        t0 = time.perf_counter()
        pg.redraw()
        draws.append(time.perf_counter() - t0)
    return {"frame": frame, "draw": statistics.median(draws),
            "epochs": statistics.median(epochs)}


def matplotlib_frame(config: dict) -> float:
    """The same picture drawn as before: render + savefig (median)."""
    state = W.init_state(**config)
    fig = plt.figure(figsize=(9, 4), dpi=90)
    times = []
    for _ in range(10):
        t0 = time.perf_counter()
        fig.clear()
        W.render(state, fig.subplots(1, 2))
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        times.append(time.perf_counter() - t0)
    plt.close(fig)
    return statistics.median(times[2:])


def race_frame() -> float:
    """One frame of the optimizer race's animation (median)."""
    race = W.optimizer_race("rosenbrock")
    times = []
    for k in range(0, 300, 10):
        t0 = time.perf_counter()
        race.step_slider.value = k
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def control_latencies() -> dict[str, float]:
    """From a control's new value to the new picture, in the kernel."""
    pg = W.Playground()
    pg.step(20)
    actions = {
        "noise (new data, new run)": lambda k: setattr(
            pg.noise, "value", 5 * (k % 2)),
        "activation (new run)": lambda k: setattr(
            pg.activation, "value", ("relu", "tanh")[k % 2]),
        "+/- neuron on the diagram": lambda k: (
            pg.add_neuron(0) if k % 2 == 0 else pg.remove_neuron(0)),
        "discretize output (redraw only)": lambda k: setattr(
            pg.discretize, "value", k % 2 == 0),
        "Step (one epoch and redraw)": lambda k: pg.step(1),
    }
    out = {}
    for name, act in actions.items():
        times = []
        for k in range(12):
            t0 = time.perf_counter()
            act(k)
            times.append(time.perf_counter() - t0)
        out[name] = statistics.median(times[2:])
    return out


# --- in the browser ------------------------------------------------------------

COUNT_FRAMES = """
const img = arguments[0]; let n = 0;
const obs = new MutationObserver(() => { n += 1; });
obs.observe(img, {attributes: true, attributeFilter: ['src']});
window.__nnkStop = () => { obs.disconnect(); return n; };
"""

CLICK_AND_TIME = """
const [button, diagram, done] = arguments;
const t0 = performance.now();
const obs = new MutationObserver(() => {
    obs.disconnect(); done(performance.now() - t0); });
obs.observe(diagram, {childList: true, subtree: true,
                      characterData: true});
button.click();
setTimeout(() => { obs.disconnect(); done(-1); }, 10000);
"""


def browser_numbers() -> dict:
    """Frames per second and click-to-picture latency in JupyterLab."""
    from selenium.webdriver.common.by import By

    from tests.browser import test_lab_widgets as lab_test

    tmp = Path(tempfile.mkdtemp(prefix="nnbook-bench-lab-"))
    server = drv = None
    try:
        server = lab_test.LabServer(tmp)
        lab_test._write_notebook(server.root / lab_test.NOTEBOOK,
                                 ["import nnkit.widgets as w\n"
                                  "pg = w.playground()\npg"])
        server.wait_until_up()
        drv = lab_test._chromium(str(tmp / "chromium"))
        session = lab_test.Lab(drv, server)
        drv.set_window_size(1400, 1000)
        drv.get(f"{server.url}lab/tree/{lab_test.NOTEBOOK}?token="
                f"{lab_test.TOKEN}")
        lab_test.wait_for("JupyterLab", lambda: session.js(
            "return !!(window.jupyterapp && window.jupyterapp.shell"
            " && window.jupyterapp.shell.currentWidget)"), timeout=60)
        lab_test.open_and_run(session, lab_test.NOTEBOOK)
        out = session.outputs(0)
        lab_test.wait_for("the diagram", lambda: out.find_elements(
            By.CSS_SELECTOR, ".nnk-node"))
        diagram = out.find_element(By.CSS_SELECTOR, ".nnk-diagram") \
            .find_element(By.XPATH, "..")
        latencies = []
        for k in range(12):
            title = ("Add a neuron to hidden layer 1" if k % 2 == 0
                     else "Remove a neuron from hidden layer 1")
            button = lab_test._button(out, title)
            ms = drv.execute_async_script(CLICK_AND_TIME, button, diagram)
            latencies.append(ms)
            time.sleep(0.3)
        toggle = lab_test._button(out, "Play / pause")
        image = out.find_element(By.CSS_SELECTOR, ".widget-image")
        epoch0 = lab_test._epoch(out)
        toggle.click()
        time.sleep(2.0)                              # settle
        session.js(COUNT_FRAMES, image)
        e1, t1 = lab_test._epoch(out), time.perf_counter()
        time.sleep(5.0)
        frames = session.js("return window.__nnkStop()")
        e2, t2 = lab_test._epoch(out), time.perf_counter()
        toggle.click()
        good = [x for x in latencies[2:] if x >= 0]
        return {"fps": frames / 5.0, "epochs_per_s": (e2 - e1) / (t2 - t1),
                "latency": statistics.median(good) / 1e3 if good else
                float("nan"), "latency_max": max(good) / 1e3,
                "started_at_epoch": epoch0}
    finally:
        if drv is not None:
            drv.quit()
        if server is not None:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browser", action="store_true",
                        help="also measure in JupyterLab with Chromium")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" /
                                             "widgets.md"))
    args = parser.parse_args()
    load0 = os.getloadavg()
    default = frame_costs({})
    big = frame_costs(BIG)
    old = matplotlib_frame({})
    latencies = control_latencies()
    race = race_frame()
    browser = browser_numbers() if args.browser else None
    load1 = os.getloadavg()
    lines = [
        "| Playground, in the kernel | default network (2 features, "
        "4-2) | largest (7 features, 6 x 8) |",
        "|---|---|---|",
        f"| one frame of Play (train + draw), ms | {_ms(default['frame'])} "
        f"| {_ms(big['frame'])} |",
        f"| of which drawing, ms | {_ms(default['draw'])} | "
        f"{_ms(big['draw'])} |",
        f"| epochs per frame (auto) | {default['epochs']:.0f} | "
        f"{big['epochs']:.0f} |",
        f"| frames/s the kernel can serve | "
        f"{1 / default['frame']:.0f} | {1 / big['frame']:.0f} |",
        "",
        f"The same output map and loss curves drawn with matplotlib "
        f"(`render` + `savefig`), as the widget did before: "
        f"{_ms(old)} ms a frame.",
        "",
        "| Control change, in the kernel | ms (median) |",
        "|---|---|",
    ]
    lines += [f"| {name} | {_ms(t)} |" for name, t in latencies.items()]
    lines += ["", f"The optimizer race draws a frame of its animation in "
              f"{_ms(race)} ms (five optimizers on Rosenbrock's function,"
              f" contours kept, paths redrawn)."]
    if browser is not None:
        lines += [
            "",
            "| Playground in JupyterLab (Chromium, 1400 px) | value |",
            "|---|---|",
            f"| frames/s while playing, seen by the browser | "
            f"{browser['fps']:.1f} |",
            f"| epochs/s while playing | {browser['epochs_per_s']:.0f} |",
            f"| click on the diagram's + to the redrawn diagram, ms "
            f"(median; max) | {_ms(browser['latency'])}; "
            f"{_ms(browser['latency_max'])} |",
        ]
    lines += [
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} on "
        f"{platform.machine()} with {os.cpu_count()} CPUs, one BLAS "
        f"thread; load average {load0[0]:.1f} at the start, "
        f"{load1[0]:.1f} at the end (`python benchmarks/widgets.py"
        f"{' --browser' if browser else ''}`).",
    ]
    text = "\n".join(lines) + "\n"
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
