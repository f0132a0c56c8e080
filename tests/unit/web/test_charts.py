"""Chart specifications: a line over dates, and reference lines labelled with their values."""

from __future__ import annotations

from kejin.web import charts


def test_a_line_keeps_its_labels_and_values_as_floats() -> None:
    figure = charts.line(["2025-09-30", "2025-12-31"], [1, 0.25], y_title="PSI")
    (trace,) = figure["data"]
    assert trace["x"] == ["2025-09-30", "2025-12-31"]
    assert trace["y"] == [1.0, 0.25]
    assert figure["layout"]["yaxis"]["title"]["text"] == "PSI"


def test_thresholds_draw_one_labelled_line_each_across_the_plot() -> None:
    bars = charts.bar(["a", "b"], [0.3, 0.05], horizontal=True)
    figure = charts.with_thresholds(bars, (0.1, 0.25), axis="x")
    shapes, notes = figure["layout"]["shapes"], figure["layout"]["annotations"]
    assert [(s["x0"], s["x1"], s["yref"], s["y0"], s["y1"]) for s in shapes] == [
        (0.1, 0.1, "paper", 0, 1),
        (0.25, 0.25, "paper", 0, 1),
    ]
    assert [(n["x"], n["text"], n["xanchor"]) for n in notes] == [
        (0.1, "0.1", "right"),
        (0.25, "0.25", "left"),
    ]
    assert "shapes" not in bars["layout"]  # the figure given is left as it was
    flat = charts.with_thresholds(charts.line(["q"], [0.2]), (0.1,))
    assert flat["layout"]["shapes"][0]["y0"] == 0.1
    assert flat["layout"]["shapes"][0]["xref"] == "paper"
