"""SVG chart helpers: well-formed, fixed size, escaped labels, placeholders for empty data."""

import xml.etree.ElementTree as ET

import pytest

from analytics.report import svg

NS = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert('x')</script>"

CHARTS = {
    "hbar": lambda: svg.bar_chart([EVIL, "B"], [0.2, -0.1], title=EVIL),
    "vbar": lambda: svg.bar_chart([EVIL, "B"], [0.2, 0.1], title=EVIL, horizontal=False),
    "donut": lambda: svg.donut_chart([EVIL, "B"], [3, 1], title=EVIL),
    "stacked": lambda: svg.stacked_bar([EVIL, "B"], [3, 1], title=EVIL),
    "line": lambda: svg.line_chart([(EVIL, ["2024-01-01", "2024-01-02"], [1.0, 1.1]),
                                    ("B", ["2024-01-01", "2024-01-03"], [1.0, 0.9])], title=EVIL),
    "multi": lambda: svg.multi_line_chart([(EVIL, [0, 0.5, 1], [0.003, 0.1, 0.2]), ("B", [0, 1], [0.003, 0.05])],
                                          title=EVIL),
}


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_svg__escapes_labels_and_titles(name):
    out = CHARTS[name]()
    assert "<script" not in out
    assert "&lt;script&gt;" in out
    root = ET.fromstring(out)  # well-formed XML, and the escaped text reads back as the original
    assert root.find(f"{NS}title").text == EVIL
    assert any(t.text and EVIL[:8] in t.text for t in root.iter(f"{NS}text"))


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_svg__fixed_size_with_matching_viewbox(name):
    root = ET.fromstring(CHARTS[name]())
    w, h = root.get("width"), root.get("height")
    assert root.get("viewBox") == f"0 0 {w} {h}" and int(w) > 0 and int(h) > 0


@pytest.mark.parametrize("chart", [
    lambda: svg.bar_chart([], [], title="t"), lambda: svg.donut_chart(["a"], [0], title="t"),
    lambda: svg.line_chart([("a", ["not a date"], [None])], title="t"), lambda: svg.stacked_bar([], [], title="t")])
def test_svg__empty_data_gives_a_no_data_placeholder(chart):
    out = chart()
    assert "no data" in out and ET.fromstring(out).tag == f"{NS}svg"


def test_donut__a_single_slice_is_a_full_ring():
    root = ET.fromstring(svg.donut_chart(["only"], [5], title="t"))
    assert root.find(f"{NS}circle") is not None and root.find(f"{NS}path") is None


def test_bar_chart__negative_bars_extend_left_of_the_baseline():
    root = ET.fromstring(svg.bar_chart(["up", "down"], [0.2, -0.1], title="t"))
    base = float(root.find(f"{NS}line").get("x1"))
    up, down = root.findall(f"{NS}rect")
    assert float(up.get("x")) == pytest.approx(base)
    assert float(down.get("x")) + float(down.get("width")) == pytest.approx(base, abs=0.1)
    assert float(up.get("width")) == pytest.approx(2 * float(down.get("width")), rel=0.01)


def test_line_chart__skips_unreadable_points():
    root = ET.fromstring(svg.line_chart([("nav", ["2024-01-01", "bad", "2024-01-03"], [1.0, 2.0, None])], title="t"))
    (line,) = root.findall(f"{NS}polyline")
    assert len(line.get("points").split()) == 1


def test_multi_line_chart__names_even_a_single_curve():
    root = ET.fromstring(svg.multi_line_chart([("RNDR", [0, 0.5, 1], [0.003, 0.02, 0.05])], title="t"))
    assert "RNDR" in [t.text for t in root.iter(f"{NS}text")]
