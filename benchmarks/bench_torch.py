"""PyTorch twins of the epoch workloads (an optional third column).

Used by run.py only when ``import torch`` works; PyTorch is not one of
the project's requirements. Each twin gets nnkit's weights, converted
to PyTorch's layouts (Linear (out, in); Conv2d (F, C, kh, kw) on
channels-first images; LSTM gates in the same order i, f, g, o with one
bias, the recurrent bias zero), the same data and batches in order, and
the same optimizer and loss. Its epoch is the usual loop: zero the
gradients, forward, loss, backward, step.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np


def _linear(torch, kernel: np.ndarray, bias: np.ndarray):
    layer = torch.nn.Linear(*kernel.shape)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(kernel.T.copy()))
        layer.bias.copy_(torch.from_numpy(bias))
    return layer


class _LastStep:
    """LSTM output at the last step (Keras' return_sequences=False)."""

    def __init__(self, lstm):
        self.lstm = lstm

    def __call__(self, x):
        return self.lstm(x)[0][:, -1]


def twin(name: str, model, x: np.ndarray, y: np.ndarray,
         batch: int) -> Callable[[], float]:
    """A function running one PyTorch epoch, returning its seconds."""
    import torch

    weights = model.get_weights()
    if name == "MLP":
        k1, b1, k2, b2, k3, b3 = weights
        net = torch.nn.Sequential(_linear(torch, k1, b1), torch.nn.ReLU(),
                                  _linear(torch, k2, b2), torch.nn.ReLU(),
                                  _linear(torch, k3, b3))
        opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
        loss_fn = torch.nn.CrossEntropyLoss()
        xs, ys = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))
    elif name == "CNN":
        kernel, bias, dense_k, dense_b = weights
        conv = torch.nn.Conv2d(kernel.shape[2], kernel.shape[3],
                               kernel.shape[:2])
        with torch.no_grad():
            conv.weight.copy_(torch.from_numpy(
                kernel.transpose(3, 2, 0, 1).copy()))
            conv.bias.copy_(torch.from_numpy(bias))
        # Keras flattens (H, W, C), PyTorch (C, H, W): reorder the rows
        f = kernel.shape[3]
        side = int(round((dense_k.shape[0] // f) ** 0.5))
        dense_k = (dense_k.reshape(side, side, f, -1).transpose(2, 0, 1, 3)
                   .reshape(dense_k.shape))
        net = torch.nn.Sequential(conv, torch.nn.ReLU(),
                                  torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                                  _linear(torch, dense_k, dense_b))
        opt = torch.optim.SGD(net.parameters(), lr=0.01)
        loss_fn = torch.nn.CrossEntropyLoss()
        xs = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
        ys = torch.from_numpy(y.astype(np.int64))
    elif name == "LSTM":
        kernel, recurrent, bias, dense_k, dense_b = weights
        lstm = torch.nn.LSTM(kernel.shape[0], recurrent.shape[0],
                             batch_first=True)
        with torch.no_grad():
            lstm.weight_ih_l0.copy_(torch.from_numpy(kernel.T.copy()))
            lstm.weight_hh_l0.copy_(torch.from_numpy(recurrent.T.copy()))
            lstm.bias_ih_l0.copy_(torch.from_numpy(bias))
            lstm.bias_hh_l0.zero_()
        head = _linear(torch, dense_k, dense_b)
        last = _LastStep(lstm)

        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm, self.head = lstm, head

            def forward(self, xb):
                return self.head(last(xb))

        net = Net()
        opt = torch.optim.SGD(net.parameters(), lr=0.01)
        loss_fn = torch.nn.MSELoss()
        xs, ys = torch.from_numpy(x), torch.from_numpy(y)
    else:
        raise ValueError(f"bench_torch.twin: no twin for {name!r}")

    def epoch() -> float:
        t0 = time.perf_counter()
        for start in range(0, len(xs), batch):
            xb, yb = xs[start:start + batch], ys[start:start + batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(xb), yb)
            loss.backward()
            opt.step()
        return time.perf_counter() - t0

    return epoch
