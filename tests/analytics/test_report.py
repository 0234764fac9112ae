"""The HTML report and the output files, for a full audit and for one with every optional section missing."""

import csv
import json

import pytest

from analytics.exceptions import ReportError
from analytics.report import SECTION_HEADINGS, build_audit, render_report, validate_audit, write_outputs
from analytics.report.format import esc
from tests.analytics.conftest import OPTIONAL_SECTIONS, make_raw_inputs


def section_html(page, key):
    start = page.index(f"<section id='{key}'>")
    return page[start: page.index("</section>", start)]


def assert_self_contained(page):
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page.lower()
    for external in ("src=", "href='http", 'href="http', "@import", "url("):
        assert external not in page


def test_report__full_audit_renders_every_section_with_data(full_audit):
    validate_audit(full_audit)
    page = render_report(full_audit)
    assert_self_contained(page)
    for key, heading in SECTION_HEADINGS.items():
        assert f"<h2>{esc(heading)}</h2>" in page
        body = section_html(page, key)
        assert "no data:" not in body and "could not be rendered" not in body, key
    assert page.count("<svg") >= 9
    assert "1,234" in section_html(page, "summary") and "1.250000" in section_html(page, "summary")
    assert "pinned blocks home #1234, spoke #567" in page
    summary = section_html(page, "summary")
    for label, count in (("reconciliation exceptions", 3), ("policy breaches", 2), ("critical risk flags", 1)):
        assert f"<td>{label}</td><td class='num'>{count}</td>" in summary


def test_report__exceptions_and_breaches_are_highlighted(full_audit):
    page = render_report(full_audit)
    rec = section_html(page, "holdings")
    assert "3 exception(s), 1 critical" in rec
    assert "<tr class='critical'><td>shortfall</td>" in rec
    assert "<tr class='warning'><td>unaccounted_donation</td>" in rec
    assert "<tr class='warning'><td>unknown_token</td>" in rec
    assert "<td>-0.8</td>" in rec  # the shortfall in whole tokens, from raw units and decimals
    comp = section_html(page, "concentration")
    assert "2 breach(es)" in comp and comp.count("<tr class='critical'>") == 2
    assert "<tr class='critical'><td>critical</td>" in section_html(page, "risk_scan")
    assert "<tr class='warning'><td>XYZ</td>" in section_html(page, "depin")


def test_report__every_optional_section_missing_still_renders_all_headings(empty_audit):
    validate_audit(empty_audit)
    page = render_report(empty_audit)
    assert_self_contained(page)
    for key, heading in SECTION_HEADINGS.items():
        assert f"<h2>{esc(heading)}</h2>" in page
        body = section_html(page, key)
        assert "no data:" in body and "could not be rendered" not in body, key
    assert "no data: no fundamentals file given (--depin-file)" in section_html(page, "depin")
    assert "no data: RPC timeout on home" in section_html(page, "governance")
    assert "no data: not provided in the audit" in section_html(page, "drift")


def test_report__even_an_empty_dict_renders():
    page = render_report({})
    assert all(f"<h2>{esc(h)}</h2>" in page for h in SECTION_HEADINGS.values())


def test_report__empty_lists_mean_looked_and_found_nothing(full_audit):
    full_audit["compliance"]["breaches"] = []
    full_audit["risk_scan"]["flags"] = []
    full_audit["reconciliation"] = [r for r in full_audit["reconciliation"] if r["status"] == "ok"]
    page = render_report(full_audit)
    assert "no breach" in section_html(page, "concentration")
    assert "nothing flagged" in section_html(page, "risk_scan")
    assert "all balances reconcile" in section_html(page, "holdings")


def test_report__a_malformed_section_shows_an_error_and_the_rest_renders(full_audit):
    full_audit["drift"] = {"vaults": [{"chain": "home"}], "tokens": "oops"}
    page = render_report(full_audit)
    assert "could not be rendered" in section_html(page, "drift")
    assert "could not be rendered" not in section_html(page, "liquidity")


def test_report__user_text_is_escaped(full_audit):
    full_audit["title"] = "<script>alert(1)</script>"
    full_audit["holdings"][0]["token"] = "<img src=x onerror=alert(1)>"
    full_audit["risk_scan"]["flags"][0]["detail"] = "</td><script>x</script>"
    page = render_report(full_audit)
    assert "<script" not in page and "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.parametrize("mutate, message", [
    (lambda a: a.pop("generated_at"), "generated_at is required"),
    (lambda a: a.update(holding=[]), "unknown key 'holding'"),
    (lambda a: a.update(drift=[]), "drift must be a dict"),
    (lambda a: a.update(schema_version=2), "schema_version 2"),
])
def test_validate_audit__names_every_problem(full_audit, mutate, message):
    mutate(full_audit)
    with pytest.raises(ReportError, match=message):
        validate_audit(full_audit)


def test_write_outputs__json_csvs_and_html(full_audit, tmp_path):
    paths = write_outputs(full_audit, tmp_path / "out")
    expected = {"audit.json", "report.html", "holdings.csv", "reconciliation.csv", "exposure_sector.csv",
                "exposure_tier.csv", "exposure_chain.csv", "concentration.csv", "compliance.csv", "drift.csv",
                "drift_vaults.csv", "liquidity.csv", "liquidity_curves.csv", "risk_scan.csv", "performance.csv",
                "nav.csv", "governance.csv", "proposals.csv", "depin.csv"}
    assert set(paths) == expected and all(p.exists() for p in paths.values())
    assert json.loads(paths["audit.json"].read_text()) == full_audit
    with paths["reconciliation.csv"].open() as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["accounted"] == "40800000000000000000"  # raw units written exactly
    with paths["performance.csv"].open() as fh:
        metrics = {r["metric"]: r for r in csv.DictReader(fh)}
    assert metrics["sharpe"]["portfolio"] == "5.515" and metrics["beta"]["portfolio"] == "1.8"
    assert metrics["recovery"]["portfolio"] == "" and metrics["recovery"]["benchmark"] == "2024-01-04"
    assert "<h2>Performance &amp; risk</h2>" in paths["report.html"].read_text()


def test_write_outputs__missing_sections_write_no_csv_and_stale_ones_go(full_audit, empty_audit, tmp_path):
    write_outputs(full_audit, tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    paths = write_outputs(empty_audit, tmp_path)
    assert set(paths) == {"audit.json", "report.html"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.json", "notes.txt", "report.html"]


def test_write_outputs__refuses_a_file_as_directory(full_audit, tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(ReportError, match="not a directory"):
        write_outputs(full_audit, target)


def test_build_audit__from_raw_reads_to_a_report(tmp_path):
    audit = build_audit(**make_raw_inputs())
    validate_audit(audit)
    json.dumps(audit, allow_nan=False)
    assert not set(OPTIONAL_SECTIONS) - set(audit), "every section is filled from the raw inputs"
    assert audit["missing"] == {}
    statuses = {r["token"]: r["status"] for r in audit["reconciliation"]}
    assert statuses == {"FIL": "shortfall", "RNDR": "unaccounted_donation", "SCAM": "unknown_token", "USDC": "ok"}
    home = next(c for c in audit["concentration"] if c["chain"] == "home")
    assert home["hhi"] == pytest.approx(0.38)
    assert {(b["chain"], b["kind"], b["subject"]) for b in audit["compliance"]["breaches"]} >= {
        ("home", "token_weight_above_cap", "RNDR"), ("home", "tier_weight_below_floor", "conservative")}
    assert audit["drift"]["vaults"][0]["turnover"] == pytest.approx(0.2)
    assert audit["governance"]["voting"]["nakamoto"] == 1
    assert audit["governance"]["proposals"][0]["turnout"] == pytest.approx(520 / 800)
    assert {r["token"] for r in audit["depin"]["rows"]} == {"RNDR", "FIL", "HNT"}
    nav = audit["performance"][0]["nav"]
    assert nav[0]["benchmark"] == pytest.approx(nav[0]["nav"])  # benchmark rebased to the first NAV
    page = render_report(audit)
    assert "could not be rendered" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert set(write_outputs(audit, tmp_path)) >= {"report.html", "depin.csv", "governance.csv"}


def test_build_audit__absent_inputs_become_reasons():
    audit = build_audit(generated_at="2024-06-30T12:00:00Z", missing={"liquidity": "reserves unreadable on spoke"})
    validate_audit(audit)
    assert audit["missing"]["liquidity"] == "reserves unreadable on spoke"
    assert audit["missing"]["holdings"] == "no holdings given"
    page = render_report(audit)
    assert "no data: reserves unreadable on spoke" in section_html(page, "liquidity")


def test_build_audit__holdings_without_targets_or_policy(raw_inputs):
    h = raw_inputs["holdings"]
    audit = build_audit(generated_at="2024-06-30T12:00:00Z", holdings=h)
    assert "drift" not in audit and audit["missing"]["drift"] == "no target weights given"
    assert audit["missing"]["compliance"] == "no risk policy given"
    # targets carried by the holdings rows: home targets RNDR 0.4 / FIL 0.3 / WETH 0.3 against 0.5 / 0.2 / 0.3
    with_targets = build_audit(generated_at="x", holdings=h.assign(target_weight=[0.4, 0.3, 0.3, 0.8, 0.2]))
    turnover = {v["chain"]: v["turnover"] for v in with_targets["drift"]["vaults"]}
    assert turnover == {"home": pytest.approx(0.1), "spoke": pytest.approx(0.0)}


def test_report__rounding_dust_is_not_counted_as_an_exception():
    from analytics.reconcile import BalanceRecord

    raw = make_raw_inputs()
    raw["balances"] = [BalanceRecord("home", "0xv", "RNDR", 10**20, 10**20 + 3)]
    html = render_report(build_audit(**raw))
    assert "all balances reconcile" in html and "with rounding dust" in html
    assert "exception(s)" not in html
