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
    data = [
        {
            "type": "bar",
            "name": name,
            "x": [str(year) for year in years],
            "y": [float(value) for value in values],
            "marker": {"color": PALETTE[index]},
            "hovertemplate": "%{x}: %{y:,.1f} " + unit + "<extra>" + name + "</extra>",
        }
        for index, (name, values) in enumerate(series)
    ]
    layout = _layout(showlegend=True, barmode="group", height=260, legend={"orientation": "h"})
    layout["yaxis"] = {"automargin": True, "gridcolor": "#e5e7eb", "title": {"text": unit}}
    return {"data": data, "layout": layout}
