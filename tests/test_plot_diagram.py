"""nnkit.plot's diagram primitives draw what they promise, where asked."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Circle, FancyBboxPatch, Rectangle  # noqa: E402

from nnkit import plot  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def texts(ax):
    return {t.get_text(): t.get_position() for t in ax.texts}


def test_diagram_axes_sets_equal_limits_and_hides_the_frame():
    ax = plot.diagram_axes(xlim=(-1, 4), ylim=(0, 2))
    assert ax.get_xlim() == (-1, 4) and ax.get_ylim() == (0, 2)
    assert ax.get_aspect() == 1.0 and not ax.axison


def test_diagram_box_is_centred_on_its_point_with_its_label():
    ax = plot.diagram_axes()
    box = plot.diagram_box(ax, (3, 2), "$h_t$", "red", width=1.0,
                           height=0.5)
    assert isinstance(box, FancyBboxPatch)
    assert (box.get_x(), box.get_y()) == (2.5, 1.75)
    assert (box.get_width(), box.get_height()) == (1.0, 0.5)
    assert texts(ax)["$h_t$"] == (3, 2)


def test_diagram_arrow_and_path_point_where_asked():
    ax = plot.diagram_axes()
    plot.diagram_arrow(ax, (0, 0), (1, 1))
    assert ax.texts[-1].xy == (1, 1)          # the arrow's head
    plot.diagram_path(ax, [(0, 0), (2, 0), (2, 3)])
    line, = ax.lines                          # the body, without its head
    assert np.array_equal(line.get_xydata(), [[0, 0], [2, 0]])
    assert ax.texts[-1].xy == (2.0, 3.0)
    plot.diagram_path(ax, [(5, 5), (6, 5)], arrow=False)
    assert len(ax.lines) == 2 and len(ax.texts) == 2
    with pytest.raises(ValueError, match="diagram_path: points"):
        plot.diagram_path(ax, [(0, 0)])


def test_diagram_op_draws_a_circle_with_its_symbol():
    ax = plot.diagram_axes()
    circle = plot.diagram_op(ax, (1, 2), "+", radius=0.3)
    assert isinstance(circle, Circle) and circle.center == (1, 2)
    assert circle.radius == 0.3 and texts(ax)["+"] == (1, 2)


def test_number_grid_puts_row_zero_at_the_top():
    ax = plot.diagram_axes()
    values = np.array([[1, 2, 3], [4, 5, 6]])
    plot.number_grid(ax, values, (10, 5), cell=2.0,
                     fill={(1, 2): "yellow"},
                     outline=[(0, 1, 2, 2, "blue")])
    where = texts(ax)
    assert where["1"] == (11.0, 4.0)          # row 0, column 0
    assert where["6"] == (15.0, 2.0)          # row 1, column 2
    cells = [p for p in ax.patches if p.get_fill()]
    assert len(cells) == 6
    yellow = [p for p in cells if p.get_facecolor()[:3] == (1.0, 1.0, 0.0)]
    assert len(yellow) == 1 and yellow[0].get_xy() == (14.0, 1.0)
    box, = [p for p in ax.patches if not p.get_fill()]
    assert isinstance(box, Rectangle)
    assert (box.get_xy(), box.get_width(), box.get_height()) == \
        ((12.0, 1.0), 4.0, 4.0)


def test_number_grid_leaves_missing_values_blank_and_checks_its_input():
    ax = plot.diagram_axes()
    plot.number_grid(ax, [[1.5, np.nan], [None, -2]], fmt="{:.1f}")
    assert sorted(texts(ax)) == ["1.5", "\u22122.0"]
    with pytest.raises(ValueError, match="number_grid: values must be"):
        plot.number_grid(ax, [1, 2, 3])
