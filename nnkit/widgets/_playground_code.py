"""A Playground configuration as code: nnkit's and Keras'.

``playground_code`` prints the network the Playground trains (data,
features, layers, initialisers, regularization, loss, optimizer,
batch size) as a script a student can paste into a notebook and run,
written once with nnkit and once with Keras: the same architecture, so
the same number of weights.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._base import _bad
from ._playground import PlaygroundConfig
from ._playground_training import _as_config

FRAMEWORKS = ("nnkit", "keras")


def _layer_args(cfg: PlaygroundConfig, mod: str) -> list[str]:
    """The Dense arguments every layer shares (initialisers, penalty)."""
    args = []
    if cfg.exact:
        args += [f"kernel_initializer={mod}.initializers.RandomUniform("
                 "-0.5, 0.5)",
                 f"bias_initializer={mod}.initializers.Constant(0.1)"]
    if cfg.regularization == "l1":
        args.append(f"kernel_regularizer={mod}.regularizers.L1("
                    f"{cfg.regularization_rate:g})")
    elif cfg.regularization == "l2":       # the Playground's L2: rate / 2
        args.append(f"kernel_regularizer={mod}.regularizers.L2("
                    f"{cfg.regularization_rate / 2:g})")
    return args


def playground_code(config: PlaygroundConfig | Mapping | None = None,
                    framework: str = "nnkit", epochs: int = 100,
                    **overrides: Any) -> str:
    """The Playground's current network as a script to paste and run.

    The script makes the same data (``make_playground_data`` with the
    same data set, noise, ratio and seed) and features (``featurize``),
    builds the network layer by layer with the same activations,
    initialisers and regularizers, compiles it with the same loss and
    SGD learning rate, and trains it for ``epochs`` epochs with the
    same batch size. The nnkit version reproduces the Playground's run
    exactly (same seed, same float64 arithmetic); the Keras version has
    the same architecture and weight count, with Keras' own random
    initial weights.

    Args:
        config: a ``PlaygroundConfig``, a dict of its fields, or None.
        framework: ``"nnkit"`` or ``"keras"``.
        epochs: the ``epochs`` argument of ``fit`` in the script.
        **overrides: fields of the config to change.

    Returns:
        Python source code (str); it defines ``model`` and ``history``.
    """
    if framework not in FRAMEWORKS:
        raise _bad("playground_code", "framework", "'nnkit' or 'keras'",
                   framework)
    if int(epochs) != epochs or epochs < 1:
        raise _bad("playground_code", "epochs", "an integer >= 1", epochs)
    cfg = _as_config(config, overrides)
    classify = cfg.problem == "classification"
    keras = framework == "keras"
    mod = "keras" if keras else "nnkit"
    dense = "keras.layers.Dense" if keras else "Dense"
    out_act = (("tanh" if classify else "linear") if cfg.exact
               else ("sigmoid" if classify else "linear"))
    if cfg.exact:
        loss = ("half_squared_error" if keras
                else "nnkit.losses.HalfSquaredError()")
    else:
        loss = '"binary_crossentropy"' if classify else '"mse"'
    name = "Keras" if framework == "keras" else "nnkit"
    lines = [f"# The Playground's network, written with {name}."]
    lines.append("import keras" if keras else "import nnkit")
    if not keras:
        lines.append("from nnkit.layers import Dense")
    lines += [
        "from nnkit.widgets import featurize, make_playground_data",
        "",
        f"data = make_playground_data({cfg.dataset!r}, noise={cfg.noise:g},",
        f"                            train_ratio={cfg.train_ratio:g}, "
        f"seed={cfg.seed})",
        f"features = {list(cfg.features)!r}",
        "x_train = featurize(data.x_train, features)",
        "x_test = featurize(data.x_test, features)",
        "y_train = data.y_train.reshape(-1, 1).astype(float)",
        "y_test = data.y_test.reshape(-1, 1).astype(float)",
    ]
    if cfg.exact and classify:
        lines += ["# Playground-exact: labels -1/+1 for a tanh output",
                  "y_train, y_test = 2 * y_train - 1, 2 * y_test - 1"]
    if keras and cfg.exact:
        lines += [
            "",
            "",
            "def half_squared_error(y_true, y_pred):",
            "    # The Playground's loss 0.5 (o - t)^2 "
            "(nnkit.losses.HalfSquaredError)",
            "    return 0.5 * keras.ops.mean("
            "keras.ops.square(y_pred - y_true), axis=-1)",
        ]
    shared = _layer_args(cfg, mod)
    if shared:
        lines += ["", "",
                  "def layer_args():",
                  "    # The Playground's initial weights and penalty, "
                  "new for each layer",
                  "    return dict("]
        lines += [f"        {a}," for a in shared]
        lines[-1] = lines[-1][:-1] + ")"
        lines.append("")
    lines.append("")
    if keras:
        lines.append(f"keras.utils.set_random_seed({cfg.seed})")
        lines.append("model = keras.Sequential([")
        lines.append(f"    keras.Input(({len(cfg.features)},)),")
    else:
        lines.append("model = nnkit.Sequential([")
        lines.append(f"    nnkit.Input(({len(cfg.features)},)),")
    extra = ", **layer_args()" if shared else ""
    for units, act in [(u, cfg.activation) for u in cfg.hidden] + [
            (1, out_act)]:
        lines.append(f'    {dense}({units}, activation="{act}"{extra}),')
    lines.append("])" if keras else
                 f'], seed={cfg.seed}, dtype="float64")')
    lines += [
        f"model.compile(optimizer={mod}.optimizers.SGD("
        f"learning_rate={cfg.learning_rate:g}),",
        f"              loss={loss})",
        f"history = model.fit(x_train, y_train, epochs={int(epochs)}, "
        f"batch_size={cfg.batch_size},",
        f"                    shuffle={not cfg.exact}, "
        "validation_data=(x_test, y_test),",
        "                    verbose=0)",
        'print(model.count_params(), "weights, test loss",',
        '      history.history["val_loss"][-1])',
    ]
    return "\n".join(lines) + "\n"
