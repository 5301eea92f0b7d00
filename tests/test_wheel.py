"""The nnkit wheel the book's site carries installs and works on its own.

``make book`` writes ``nnkit-VERSION-py3-none-any.whl`` into the site
(book/_ext/nnkit_wheel.py) so that a chapter's downloaded notebook runs
outside the repository: its install note says
``pip install "nnkit-VERSION-py3-none-any.whl[book]"``. Here the wheel
is built, installed with pip into a fresh virtual environment, offline
(``--no-index --no-deps``), and imported there; NumPy, its one required
dependency, is lent from this environment through a ``.pth`` file that
points at NumPy alone, so nothing else of the repository leaks in.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.test_chapter_structure import wheel_name

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import nnkit_wheel  # noqa: E402


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return nnkit_wheel.build(tmp_path_factory.mktemp("wheel"))


def test_wheel_is_named_as_the_install_notes_say(wheel):
    assert wheel.name == wheel_name() == nnkit_wheel.wheel_name()


def test_wheel_holds_every_module_and_the_book_extra(wheel):
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        dist = next(n.split("/")[0] for n in names if "dist-info" in n)
        meta = whl.read(f"{dist}/METADATA").decode()
        record = whl.read(f"{dist}/RECORD").decode()
    sources = {p.relative_to(ROOT).as_posix()
               for p in (ROOT / "nnkit").rglob("*.py")
               if "__pycache__" not in p.parts}
    assert sources <= names
    assert all(n.startswith(("nnkit/", dist)) for n in names)
    assert "Requires-Dist: numpy" in meta
    assert "Provides-Extra: book" in meta
    for package in ("matplotlib", "tensorflow-cpu", "scikit-learn",
                    "pandas"):
        assert any(line.startswith(f"Requires-Dist: {package}")
                   and 'extra == "book"' in line
                   for line in meta.splitlines()), package
    assert len(record.splitlines()) == len(names)


def test_wheel_builds_reproducibly(wheel, tmp_path):
    again = nnkit_wheel.build(tmp_path)
    assert again.read_bytes() == wheel.read_bytes()


PROBE = """
import json, sys
import numpy as np
import nnkit
from nnkit.layers import Dense
x = np.random.default_rng(0).normal(size=(32, 3))
y = (x.sum(axis=1, keepdims=True) > 0).astype(float)
model = nnkit.Sequential([Dense(4, activation="tanh", input_shape=(3,)),
                          Dense(1, activation="sigmoid")], seed=0)
model.compile(optimizer=nnkit.optimizers.SGD(0.5),
              loss="binary_crossentropy")
loss = model.fit(x, y, epochs=30, batch_size=32, verbose=0).history["loss"]
print(json.dumps({"file": nnkit.__file__, "version": nnkit.__version__,
                  "first": loss[0], "last": loss[-1],
                  "heavy": sorted(m for m in ("tensorflow", "matplotlib")
                                  if m in sys.modules)}))
"""


def test_wheel_installs_in_a_fresh_environment_and_trains(wheel, tmp_path):
    env = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env)
    python = env / "bin" / "python"
    # Lend NumPy alone: a folder holding links to it, named in a .pth.
    spec = importlib.util.find_spec("numpy")
    site_packages = Path(spec.origin).parents[1]
    lent = tmp_path / "lent"
    lent.mkdir()
    for entry in site_packages.iterdir():
        if entry.name == "numpy" or entry.name.startswith(
                ("numpy.libs", "numpy-")):
            (lent / entry.name).symlink_to(entry)
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()"
                       "['purelib'])"],
        capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "lent-numpy.pth").write_text(f"{lent}\n")
    install = subprocess.run(
        [python, "-m", "pip", "install", "--no-index", "--no-deps",
         "--disable-pip-version-check", "--quiet", str(wheel)],
        capture_output=True, text=True, timeout=300,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert install.returncode == 0, install.stderr
    # Not this checkout's nnkit: no PYTHONPATH, and not run from ROOT.
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = subprocess.run([python, "-c", PROBE], capture_output=True,
                         text=True, timeout=300, cwd=tmp_path, env=clean)
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout.strip().splitlines()[-1])
    assert Path(found["file"]).is_relative_to(env), found["file"]
    assert found["version"] == wheel.name.split("-")[1]
    assert found["last"] < found["first"]
    assert found["heavy"] == []


def _requirement_name(req: str) -> str:
    import re
    return re.split(r"[<>=!~;\[ ]", req, maxsplit=1)[0].lower().replace(
        "_", "-")


def test_book_extra_covers_the_other_extras_and_every_chapter_import():
    """pyproject's ``book`` extra is what a downloaded chapter needs: every
    package of the other extras, and the distribution of every
    third-party module a chapter notebook imports."""
    import ast
    import importlib.metadata

    import tomllib
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())[
        "project"]["optional-dependencies"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    book = {_requirement_name(r) for r in extras["book"]
            + project["dependencies"]}
    for name, reqs in extras.items():
        missing = {_requirement_name(r) for r in reqs} - book
        assert not missing, f"extra {name!r}: {missing} not in 'book'"
    dists = importlib.metadata.packages_distributions()
    local = {"nnkit", "tests"}
    needed: dict[str, str] = {}
    for nb in sorted((ROOT / "chapters").rglob("*.ipynb")):
        cells = json.loads(nb.read_text())["cells"]
        for cell in cells:
            if cell["cell_type"] != "code":
                continue
            lines = [ln for ln in "".join(cell["source"]).splitlines()
                     if not ln.lstrip().startswith(("%", "!"))]
            try:
                tree = ast.parse("\n".join(lines))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    mods = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    mods = [node.module]
                else:
                    continue
                for mod in mods:
                    top = mod.split(".")[0]
                    if top in local or top in sys.stdlib_module_names:
                        continue
                    for dist in dists.get(top, [top]):
                        needed.setdefault(_requirement_name(dist), nb.name)
    # tensorflow's modules come from the tensorflow-cpu distribution
    aliases = {"tensorflow": "tensorflow-cpu", "ipython": "ipykernel",
               "myst-nb": "ipykernel"}
    missing = {aliases.get(d, d): where for d, where in needed.items()
               if aliases.get(d, d) not in book}
    assert not missing, f"chapter imports outside the 'book' extra: {missing}"
