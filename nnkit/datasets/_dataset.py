"""``Dataset``: features, targets and their names, unpacks as ``(x, y)``."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Dataset"]


Seed = int | np.random.Generator | None


@dataclass
class Dataset:
    """Features and targets with their names; behaves like ``(x, y)``.

    Attributes:
        x: features, shape (N, ...).
        y: targets, shape (N,).
        feature_names: one name per column of x (empty for images).
        target_names: the class names (empty for regression).
        description: what the data is and where it comes from.
    """

    x: np.ndarray
    y: np.ndarray
    feature_names: list[str] = field(default_factory=list)
    target_names: list[str] = field(default_factory=list)
    description: str = ""

    def __iter__(self):
        return iter((self.x, self.y))

    def __getitem__(self, index):
        """data[0] is x, data[1] is y, data[:2] is (x, y): like a tuple."""
        return (self.x, self.y)[index]

    def __len__(self) -> int:
        return len(self.x)

    def __repr__(self) -> str:
        return (f"Dataset(x: {self.x.shape} {self.x.dtype}, "
                f"y: {self.y.shape} {self.y.dtype}, {self.description!r})")
