"""Build nnkit's wheel for the book's web site (``make book``).

A reader who downloads a chapter's notebook installs nnkit from this
wheel, which the site carries next to its pages::

    pip install "nnkit-0.1.0-py3-none-any.whl[book]"

A wheel is a zip file of the package plus a ``.dist-info`` folder
(METADATA, WHEEL, RECORD). nnkit is pure Python, so this script writes
it directly: offline, without a build backend (``pip wheel`` would need
the network for the setuptools that ``pyproject.toml`` asks for), and
reproducibly (fixed timestamps, sorted entries).

The metadata comes from ``pyproject.toml``, including the ``book``
extra, which brings everything a chapter imports (tests/test_wheel.py
checks that it holds the other extras).

Usage: ``python book/_ext/nnkit_wheel.py OUT_DIR`` (prints the path).
"""

from __future__ import annotations

import base64
import hashlib
import sys
import zipfile
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[2]
EPOCH = (1980, 1, 1, 0, 0, 0)        # zip's earliest timestamp


def wheel_name(root: Path = ROOT) -> str:
    """The wheel's file name, e.g. ``nnkit-0.1.0-py3-none-any.whl``."""
    meta = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    return f"{meta['name']}-{meta['version']}-py3-none-any.whl"


def metadata(project: dict) -> str:
    """Core metadata (METADATA) for ``project`` (pyproject's table)."""
    lines = ["Metadata-Version: 2.1", f"Name: {project['name']}",
             f"Version: {project['version']}"]
    if "description" in project:
        lines.append(f"Summary: {project['description']}")
    if "requires-python" in project:
        lines.append(f"Requires-Python: {project['requires-python']}")
    if isinstance(project.get("license"), str):
        lines.append(f"License: {project['license']}")
    lines += [f"Requires-Dist: {r}" for r in project.get("dependencies",
                                                         [])]
    extras = project.get("optional-dependencies", {})
    for extra, reqs in extras.items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {r}; extra == "{extra}"' for r in reqs]
    return "\n".join(lines) + "\n"


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest())
    return f"{name},sha256={digest.rstrip(b'=').decode()},{len(data)}"


def build(out_dir: Path, root: Path = ROOT) -> Path:
    """Write the wheel of the nnkit package under ``root`` to ``out_dir``."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    dist_info = f"{project['name']}-{project['version']}.dist-info"
    files = {p.relative_to(root).as_posix(): p.read_bytes()
             for p in sorted((root / "nnkit").rglob("*.py"))
             if "__pycache__" not in p.parts}
    files[f"{dist_info}/METADATA"] = metadata(project).encode()
    files[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: nnbook (book/_ext/nnkit_wheel.py)\n"
        b"Root-Is-Purelib: true\nTag: py3-none-any\n")
    record = [_record_line(n, d) for n, d in files.items()]
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / wheel_name(root)
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as whl:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            whl.writestr(info, data)
    tmp.replace(path)
    return path


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python book/_ext/nnkit_wheel.py OUT_DIR")
    print(build(Path(sys.argv[1])))
