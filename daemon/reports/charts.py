"""Charts for the recaps: matplotlib to inline SVG, made for a black-and-white A4 printout.

Greys, hatches, line styles and value labels carry the meaning, never colour alone: the head
of the Puskesmas prints on an office laser printer. Text stays text (`svg.fonttype: none`),
set in DejaVu Sans at print sizes, so the PDF keeps it sharp and searchable.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from io import StringIO
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_IN = 6.6  # fits the A4 text width (180 mm) with room to spare
_STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.titlesize": 9,
    "axes.labelsize": 8.5,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "axes.edgecolor": "#333333",
    "axes.linewidth": 0.6,
    "svg.fonttype": "none",
    "hatch.linewidth": 0.6,
}
# Two series side by side: this period solid dark grey, the previous one white, hatched.
_NOW: dict[str, Any] = {"color": "#4d4d4d", "edgecolor": "black", "linewidth": 0.5}
_BEFORE: dict[str, Any] = {
    "color": "white",
    "edgecolor": "black",
    "linewidth": 0.5,
    "hatch": "////",
}
_LINES = (
    ("black", "-", "o"),
    ("#555555", "--", "s"),
    ("black", ":", "^"),
    ("#777777", "-.", "D"),
    ("#333333", (0, (5, 1, 1, 1, 1, 1)), "v"),
    ("#999999", "-", "x"),
)


@dataclass(frozen=True)
class Series:
    name: str  # shown in the legend
    values: Sequence[int]


def bars(
    name: str,
    labels: Sequence[str],
    now: Series,
    before: Series | None = None,
    *,
    horizontal: bool = False,
    axis_label: str = "",
) -> str:
    """A bar chart of `now` (and `before` beside it) as an `<svg>` element."""
    from matplotlib.figure import Figure

    # Long labels on two lines: "datang langsung" under its bar, not over its neighbour's.
    width = 24 if horizontal else max(6, int(70 / max(1, len(labels))))
    labels = [textwrap.fill(label, width) for label in labels]
    height = max(2.0, 0.24 * len(labels) + 0.9) if horizontal else 2.4
    with _style(name):
        fig = Figure(figsize=(WIDTH_IN, height))
        ax = fig.add_subplot()
        series = [now] if before is None else [now, before]
        thickness = 0.8 / len(series)
        top = max([1, *now.values, *(before.values if before else ())])
        for i, (one, style) in enumerate(zip(series, (_NOW, _BEFORE), strict=False)):
            offset = (i - (len(series) - 1) / 2) * thickness
            positions = [p + offset for p in range(len(labels))]
            if horizontal:
                drawn = ax.barh(positions, one.values, thickness, label=one.name, **style)
            else:
                drawn = ax.bar(positions, one.values, thickness, label=one.name, **style)
            # A zero says nothing a missing bar does not, and crowds the axis.
            marks = [str(v) if v else "" for v in one.values]
            ax.bar_label(drawn, labels=marks, padding=2, fontsize=7.5)
        _axes(ax, labels, top, horizontal, axis_label)
        if before is not None:
            ax.legend(
                frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8
            )
        return _svg(fig, name)


def lines(name: str, labels: Sequence[str], series: Sequence[Series], axis_label: str = "") -> str:
    """One line per series over `labels` (e.g. months), told apart by style and marker."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with _style(name):
        fig = Figure(figsize=(WIDTH_IN, 3.0))
        ax = fig.add_subplot()
        top = max([1, *(v for s in series for v in s.values)])
        positions = range(len(labels))
        for one, (colour, dash, marker) in zip(series, _LINES, strict=False):
            ax.plot(
                positions,
                one.values,
                color=colour,
                linestyle=dash,
                marker=marker,
                markersize=4.5,
                linewidth=1.3,
                label=one.name,
            )
        ax.set_xticks(list(positions), labels)
        ax.set_ylim(0, top * 1.15 + 0.5)
        ax.set_xlim(-0.3, len(labels) - 0.7)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", color="#bbbbbb", linewidth=0.4)
        ax.set_axisbelow(True)
        ax.set_ylabel(axis_label)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return _svg(fig, name)


def _axes(ax: Axes, labels: Sequence[str], top: int, horizontal: bool, axis_label: str) -> None:
    from matplotlib.ticker import MaxNLocator

    positions = list(range(len(labels)))
    value_axis = ax.xaxis if horizontal else ax.yaxis
    value_axis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="x" if horizontal else "y", color="#bbbbbb", linewidth=0.4)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if horizontal:
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()  # the first label on top, as in the table beside it
        ax.set_xlim(0, top * 1.15 + 0.3)
        ax.set_xlabel(axis_label)
    else:
        ax.set_xticks(positions, labels)
        ax.set_ylim(0, top * 1.2 + 0.3)
        ax.set_ylabel(axis_label)


def _style(name: str) -> AbstractContextManager[None]:
    """matplotlib's settings for one chart. A fixed salt (else random) keeps its clip-path
    and hatch ids, and so the file, the same from run to run."""
    import matplotlib

    settings: Any = {**_STYLE, "svg.hashsalt": name}  # matplotlib types keys as literals
    return matplotlib.rc_context(settings)


def _svg(fig: Figure, name: str) -> str:
    out = StringIO()
    fig.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = out.getvalue()
    # Inline in HTML: no XML prolog or DOCTYPE, just the element. Every chart names its
    # parts "figure_1", "patch_2"…: prefixed, several charts share a page without sharing ids.
    text = text[text.index("<svg") :]
    for before in ('id="', 'href="#', "url(#"):
        text = text.replace(before, f"{before}{name}-")
    return text
