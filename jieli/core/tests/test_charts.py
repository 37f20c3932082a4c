"""``core.charts``: the label cutting and the bar geometry that the events report and the
evaluation charts share (one definition for both sibling apps)."""

from __future__ import annotations

from jieli.core import charts


def test_labels_fit_the_room_they_have():
    fit = charts.fit
    assert fit("折现率", 220, 15) == "折现率"
    long = fit("Licensee's incremental revenue, year 1", 220, 15)
    assert long.endswith("…") and len(long) < 30
    # The events report: 296 units at 14 a wide character, so a phone shows the whole label.
    assert fit("制造业 通用设备制造业", 296, 14) == "制造业 通用设备制造业"
    english = "Shandong Qingdao City Laoshan District"
    cut = fit(english, 296, 14)
    assert cut.startswith("Shandong Qingdao City Laoshan") and cut.endswith("…")
    long_cjk = fit("山东省" * 10, 296, 14)
    assert len(long_cjk) <= 21 and long_cjk.endswith("…")


def test_bar_chart_geometry():
    chart = charts.bar_chart([("a", 4), ("b", 2)])
    assert [b["width"] for b in chart["bars"]] == [230, 115.0]
    assert [b["y"] for b in chart["bars"]] == [0, charts.ROW]
    assert chart["height"] == 2 * charts.ROW and chart["fill"] == charts.BAR
    assert charts.bar_chart([]) == {"bars": [], "height": 0, "fill": charts.BAR}
    assert charts.bar_chart([("none", 0)])["bars"][0]["width"] == 0


def test_events_and_evaluations_use_the_core_charts():
    from jieli.evaluations import charts as evaluation_charts
    from jieli.events import selectors, views

    assert evaluation_charts.fit is charts.fit
    assert views.bar_chart is charts.bar_chart
    assert not hasattr(selectors, "fit") and not hasattr(selectors, "bar_chart")
