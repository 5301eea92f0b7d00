"""Speed plumbing for small matrix products (the LSTM's time steps).

Nothing here changes a result beyond rounding; it only decides how a
product is handed to the BLAS, so the layers that use it can keep to
their equations.

OpenBLAS (numpy's BLAS in its x86-64 wheels) multiplies a product of at
most 10^6 multiply-adds with kernels that skip packing the matrices
first. On one thread that is about a fifth faster for an LSTM step's
products than one product of 4.5 million multiply-adds, so such a
product goes in row blocks, each a small product, all in one numpy
call (``np.matmul`` over a stack of blocks: the rows of a C-ordered
matrix, and of its product, split into blocks without a copy). With
several threads one large product is shared between them instead, so
there are no blocks.

Whether OpenBLAS runs on one thread is asked through threadpoolctl (a
small pure-Python package the book installs); without it, or with
another BLAS, products are never split. Measured in the performance
appendix (book/performance.md, the LSTM's fifth and sixth rounds).
"""

from __future__ import annotations

import numpy as np

__all__ = ["one_openblas_thread", "row_blocks", "small_blocks"]

SMALL_MATMUL = 10 ** 6        # OpenBLAS' bound for its unpacked kernels
_openblas: list | None = None          # threadpoolctl's OpenBLAS handles


def small_blocks(m: int, k: int, n: int) -> int:
    """Into how many row blocks to split an (m, k) x (k, n) product:
    the fewest (dividing m, >= 4 rows each) that make every block's
    product small, when OpenBLAS runs on one thread; else 1."""
    if not one_openblas_thread():
        return 1
    for p in range(1, m // 4 + 1):
        if m % p == 0 and (m // p) * k * n <= SMALL_MATMUL:
            return p
    return 1


def one_openblas_thread() -> bool:
    """True if numpy's BLAS is OpenBLAS limited to one thread (as the
    book and ``make`` run it), asked through threadpoolctl if present."""
    global _openblas
    if _openblas is None:
        try:
            from threadpoolctl import ThreadpoolController
            _openblas = ThreadpoolController().select(
                internal_api="openblas").lib_controllers
        except Exception:         # optional: without it, no blocks
            _openblas = []
    return bool(_openblas) and all(lib.get_num_threads() == 1
                                   for lib in _openblas)


def row_blocks(x: np.ndarray, p: int) -> np.ndarray:
    """(..., m, n) as p row blocks, (..., p, m / p, n): a view of a
    C-ordered x."""
    *lead, m, n = x.shape
    return x.reshape(*lead, p, m // p, n)
