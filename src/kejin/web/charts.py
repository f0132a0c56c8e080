"""Plotly figure specifications as plain dicts, drawn in the browser by the wheel's plotly.js.

Building dicts (not `plotly.graph_objects`) keeps the server's start-up and memory small;
`static/charts.js` hands each spec to `Plotly.newPlot`. Values are floats: charts are display.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

STAGE_RAMP = ("#bfdbfe", "#7fb1fb", "#3b82f6", "#1d4ed8", "#1e3a8a")
PALETTE = ("#1d4ed8", "#0891b2", "#059669", "#ca8a04", "#dc2626", "#7c3aed", "#db2777", "#475569")
FONT = "Inter, 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', sans-serif"

Number = int | float | Decimal


def _layout(**extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": FONT, "size": 13, "color": "#1f2937"},
        "showlegend": False,
        "height": 300,
        "xaxis": {"automargin": True, "gridcolor": "#e5e7eb"},
        "yaxis": {"automargin": True, "gridcolor": "#e5e7eb"},
    }
    layout.update(extra)
    return layout


def bar(
    labels: Sequence[str],
    values: Sequence[Number],
    *,
    horizontal: bool = False,
    percent: bool = False,
    colors: Sequence[str] = PALETTE[:1],
) -> dict[str, Any]:
    """A bar chart with value labels; `percent` shows values (0..1) as percentages.

    Colours cycle through `colors`: one colour for a plain series, a ramp for ordered bands.
    """
    numbers = [float(value) for value in values]
    value_axis, label_axis = ("x", "y") if horizontal else ("y", "x")
    value_format = ".1%" if percent else ","
    trace: dict[str, Any] = {
        "type": "bar",
        value_axis: numbers,
        label_axis: list(labels),
        "orientation": "h" if horizontal else "v",
        "marker": {"color": [colors[i % len(colors)] for i in range(len(numbers))]},
        "texttemplate": "%{" + value_axis + ":" + value_format + "}",
        "textposition": "auto",
        "hovertemplate": "%{" + label_axis + "}: %{" + value_axis + ":" + value_format + "}"
        "<extra></extra>",
    }
    layout = _layout()
    layout[value_axis + "axis"] = {
        "automargin": True,
        "gridcolor": "#e5e7eb",
        **({"tickformat": ".0%"} if percent else {}),
    }
    if horizontal:
        layout["yaxis"] = {"automargin": True, "autorange": "reversed"}
    return {"data": [trace], "layout": layout}


def yearly(
    years: Sequence[int], series: Sequence[tuple[str, Sequence[Number]]], unit: str
) -> dict[str, Any]:
    """Grouped bars of several amounts per year (revenue and R&D expense over years)."""
    return grouped([str(year) for year in years], series, unit)


def grouped(
    labels: Sequence[str], series: Sequence[tuple[str, Sequence[Number]]], unit: str
) -> dict[str, Any]:
    """Grouped bars: per label one bar of each `(name, values)` series, in `unit`."""
    data = [
        {
            "type": "bar",
            "name": name,
            "x": list(labels),
            "y": [float(value) for value in values],
            "marker": {"color": PALETTE[index]},
            "hovertemplate": "%{x}: %{y:,.1f} " + unit + "<extra>" + name + "</extra>",
        }
        for index, (name, values) in enumerate(series)
    ]
    layout = _layout(showlegend=True, barmode="group", height=260, legend={"orientation": "h"})
    layout["yaxis"] = {"automargin": True, "gridcolor": "#e5e7eb", "title": {"text": unit}}
    return {"data": data, "layout": layout}


def stacked(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number], str]],
    *,
    totals: Sequence[Number] | None = None,
) -> dict[str, Any]:
    """Stacked bars: one bar per label, one coloured segment per `(name, values, colour)`;
    with `totals`, hovering shows each segment's share of its bar."""
    data = []
    for name, values, color in series:
        trace: dict[str, Any] = {
            "type": "bar",
            "name": name,
            "x": list(labels),
            "y": [float(value) for value in values],
            "marker": {"color": color},
            "hovertemplate": "%{x}: %{y:,}<extra>" + name + "</extra>",
        }
        if totals is not None:
            trace["customdata"] = [
                float(value) / float(total) if total else 0.0
                for value, total in zip(values, totals, strict=True)
            ]
            trace["hovertemplate"] = "%{x}: %{y:,} (%{customdata:.1%})<extra>" + name + "</extra>"
        data.append(trace)
    legend = {"orientation": "h", "y": -0.15, "traceorder": "normal"}
    layout = _layout(showlegend=True, barmode="stack", legend=legend)
    return {"data": data, "layout": layout}


def distribution(
    values: Sequence[Number],
    counts: Sequence[int],
    marker: Number,
    *,
    marker_label: str,
    bin_width: int,
    x_title: str,
    y_title: str,
) -> dict[str, Any]:
    """Counts binned by value (bins of `bin_width` from 0), with the bin holding `marker`
    highlighted and a labelled line at `marker`: one firm among its peers."""
    bins: dict[int, int] = {}
    for value, count in zip(values, counts, strict=True):
        start = int(value) // bin_width * bin_width
        bins[start] = bins.get(start, 0) + count
    own = int(marker) // bin_width * bin_width
    starts = sorted(bins)
    trace = {
        "type": "bar",
        "x": [start + bin_width / 2 for start in starts],
        "y": [bins[start] for start in starts],
        "width": [bin_width * 0.92] * len(starts),
        "marker": {"color": [PALETTE[4] if start == own else "#93c5fd" for start in starts]},
        "customdata": [f"{start}–{start + bin_width - 1}" for start in starts],
        "hovertemplate": "%{customdata}: %{y:,}<extra></extra>",
    }
    layout = _layout(height=260)
    layout["xaxis"] = {"automargin": True, "title": {"text": x_title}, "gridcolor": "#e5e7eb"}
    layout["yaxis"] = {"automargin": True, "title": {"text": y_title}, "gridcolor": "#e5e7eb"}
    layout["shapes"] = [
        {
            "type": "line",
            "x0": float(marker),
            "x1": float(marker),
            "yref": "paper",
            "y0": 0,
            "y1": 1,
            "line": {"color": PALETTE[4], "width": 2, "dash": "dot"},
        }
    ]
    layout["annotations"] = [
        {
            "x": float(marker),
            "yref": "paper",
            "y": 1,
            "text": marker_label,
            "showarrow": False,
            "xanchor": "left",
            "yanchor": "top",
            "font": {"color": PALETTE[4]},
            "bgcolor": "rgba(255,255,255,0.85)",
        }
    ]
    return {"data": [trace], "layout": layout}


def heatmap(
    columns: Sequence[str],
    rows: Sequence[str],
    values: Sequence[Sequence[Number | None]],
    *,
    percent: bool = False,
) -> dict[str, Any]:
    """A grid of cells coloured by value (one list of values per row; None leaves a cell
    blank), each cell labelled with its value; `percent` shows values (0..1) as percentages."""
    value_format = ".0%" if percent else ","
    trace: dict[str, Any] = {
        "type": "heatmap",
        "x": list(columns),
        "y": list(rows),
        "z": [[None if v is None else float(v) for v in row] for row in values],
        "colorscale": [[0.0, "#fef2f2"], [0.5, "#fde68a"], [1.0, "#059669"]],
        "texttemplate": "%{z:" + value_format + "}",
        "hovertemplate": "%{y} · %{x}: %{z:" + value_format + "}<extra></extra>",
        "xgap": 2,
        "ygap": 2,
        "showscale": False,
        **({"zmin": 0, "zmax": 1} if percent else {}),
    }
    layout = _layout(height=60 + 44 * len(rows))
    layout["xaxis"] = {"automargin": True, "side": "top"}
    layout["yaxis"] = {"automargin": True, "autorange": "reversed"}
    return {"data": [trace], "layout": layout}


def line(labels: Sequence[str], values: Sequence[Number], *, y_title: str = "") -> dict[str, Any]:
    """One series as a line with markers (a figure over time: `labels` are ISO dates or
    periods)."""
    trace = {
        "type": "scatter",
        "mode": "lines+markers",
        "x": list(labels),
        "y": [float(value) for value in values],
        "line": {"color": PALETTE[0], "width": 2},
        "hovertemplate": "%{x}: %{y:,.4f}<extra></extra>",
    }
    layout = _layout(height=260)
    layout["yaxis"] = {"automargin": True, "gridcolor": "#e5e7eb", "title": {"text": y_title}}
    return {"data": [trace], "layout": layout}


def with_thresholds(
    figure: dict[str, Any], thresholds: Sequence[Number], *, axis: str = "y"
) -> dict[str, Any]:
    """`figure` with a dotted reference line, labelled with its value, at each of
    `thresholds` across the value `axis` ("y": horizontal lines, "x": vertical ones). The
    first label sits before its line, the others after it, so that close lines stay legible."""
    across = "x" if axis == "y" else "y"
    layout = dict(figure["layout"])
    layout["shapes"], layout["annotations"] = [], []
    for index, value in enumerate(thresholds):
        layout["shapes"].append(
            {
                "type": "line",
                f"{axis}0": float(value),
                f"{axis}1": float(value),
                f"{across}ref": "paper",
                f"{across}0": 0,
                f"{across}1": 1,
                "line": {"color": "#6b7280", "width": 1, "dash": "dot"},
            }
        )
        if axis == "x":  # above the plot, left or right of the line
            place = {"y": 1, "yanchor": "bottom", "xanchor": "right" if index == 0 else "left"}
        else:  # at the left edge, under or over the line
            place = {"x": 0, "xanchor": "left", "yanchor": "top" if index == 0 else "bottom"}
        layout["annotations"].append(
            {
                axis: float(value),
                f"{across}ref": "paper",
                **place,
                "text": f"{float(value):g}",
                "showarrow": False,
                "font": {"color": "#6b7280", "size": 11},
            }
        )
    if axis == "x":
        layout["margin"] = {**layout["margin"], "t": 24}
    return {**figure, "layout": layout}
