"""Heat maps straight from arrays to PNG, without matplotlib.

A widget frame must cost a few milliseconds, and matplotlib's
``savefig`` costs a hundred. A heat map is an array of numbers: look
each one up in a 256-colour table (``colorize``) and write the PNG
bytes with ``zlib`` (``png_bytes``); ``data_uri`` wraps them for an
``<img src=...>``.
"""

from __future__ import annotations

import base64
import struct
import zlib
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=8)
def _table(cmap_name: str) -> np.ndarray:
    """256 RGB colours (uint8, shape (256, 3)) of a colormap."""
    from matplotlib import colormaps

    from ..plot import ORANGE_BLUE

    cmap = ORANGE_BLUE if cmap_name == "orange_blue" else \
        colormaps[cmap_name]
    rgba = cmap(np.linspace(0.0, 1.0, 256))
    return np.round(rgba[:, :3] * 255).astype(np.uint8)


def colorize(z: np.ndarray, lo: float, hi: float,
             cmap: str = "orange_blue", lighten: float = 0.0,
             flip: bool = True) -> np.ndarray:
    """Map values to colours; NaN maps to the middle colour.

    Args:
        z: values, shape (H, W).
        lo, hi: the values at the two ends of the colour scale (values
            outside are clipped).
        cmap: ``"orange_blue"`` (the book's, orange low, white middle,
            blue high) or any matplotlib colormap name.
        lighten: 0 keeps the colours; 1 turns them white (0.5: half
            way, a background that points stand out on).
        flip: turn ``z[0]`` into the bottom row of the picture (the
            row of the smallest y), as ``imshow(origin="lower")``.

    Returns:
        uint8 array (H, W, 3).
    """
    z = np.asarray(z, dtype=np.float64)
    scale = 255.0 / (hi - lo) if hi > lo else 0.0
    with np.errstate(invalid="ignore"):
        idx = np.clip((z - lo) * scale, 0, 255)
    idx = np.where(np.isfinite(idx), idx, 127.5).astype(np.uint8)
    table = _table(cmap)
    if lighten:
        table = np.round(table + (255 - table.astype(float))
                         * lighten).astype(np.uint8)
    rgb = table[idx]
    return rgb[::-1] if flip else rgb


def png_bytes(rgb: np.ndarray, level: int = 1) -> bytes:
    """Encode an RGB image (uint8, (H, W, 3)) as PNG bytes.

    ``level`` is zlib's compression level (1: fast, the images are
    small).
    """
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"png_bytes: rgb must have shape (H, W, 3), got "
                         f"{rgb.shape}")
    h, w, _ = rgb.shape
    # PNG's "Sub" filter (type 1): each byte minus the same colour's
    # byte one pixel to the left, so smooth maps compress to little.
    row = rgb.reshape(h, 3 * w).astype(np.int16)
    sub = row.copy()
    sub[:, 3:] -= row[:, :-3]
    raw = np.empty((h, 1 + 3 * w), dtype=np.uint8)
    raw[:, 0] = 1
    raw[:, 1:] = sub & 0xFF

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return (struct.pack(">I", len(data)) + body
                + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw.tobytes(), level))
            + chunk(b"IEND", b""))


def data_uri(png: bytes) -> str:
    """``data:image/png;base64,...`` for an ``<img>``'s ``src``."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def heat_png(z: np.ndarray, lo: float, hi: float, **kwargs) -> bytes:
    """``png_bytes(colorize(z, lo, hi, **kwargs))``."""
    return png_bytes(colorize(z, lo, hi, **kwargs))
