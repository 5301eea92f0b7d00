"""Writes sequential_v1.npz and sequential_v1_expected.npz.

Run once with the code of commit 99b222a (the file format version 1,
"nnkit.Sequential"), before the Model base class existed; the files are
kept so that tests/test_functional_saving.py can check that files
written by that code still load and resume training identically.
Re-running it with newer code would write the newer format instead.
"""

import numpy as np

import nnkit
from nnkit.layers import BatchNormalization, Dense, Dropout


def data():
    rng = np.random.default_rng(2024)
    x = rng.standard_normal((40, 3))
    y = (x[:, 0] + x[:, 1] * x[:, 2] > 0).astype(int) + (x[:, 2] > 1)
    return x, y


if __name__ == "__main__":
    x, y = data()
    model = nnkit.Sequential([
        nnkit.Input((3,)),
        Dense(6, activation="relu",
              kernel_regularizer=nnkit.regularizers.L2(1e-3)),
        BatchNormalization(), Dropout(0.25),
        Dense(3, activation="softmax")], seed=11, name="old_net")
    model.compile(nnkit.optimizers.Adam(0.01),
                  "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    model.save("sequential_v1.npz")
    pred = model.predict(x)
    hist = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    np.savez("sequential_v1_expected.npz", predict=pred,
             loss=np.array(hist.history["loss"]),
             accuracy=np.array(hist.history["accuracy"]),
             **{f"weight_{i}": w for i, w in
                enumerate(model.get_weights())})
