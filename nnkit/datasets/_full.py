"""The switch between the offline data and the full-size downloads."""

from __future__ import annotations

import os

__all__ = ["full_data"]


def full_data() -> bool:
    """Whether the full-size data sets were asked for.

    The book and its tests run offline on the small data sets that ship
    with the installed packages. Setting the environment variable
    ``NNKIT_FULL_DATA=1`` asks the loaders that support it (and the
    chapters) for the full-size data sets instead, downloaded once
    through Keras; that needs the network.

    Returns:
        True when ``NNKIT_FULL_DATA`` is ``"1"``.
    """
    return os.environ.get("NNKIT_FULL_DATA") == "1"
