"""The audit report: the ``audit`` dict schema, SVG charts, HTML rendering, assembly and file output.

* :mod:`~analytics.report.schema`   -- the ``audit`` dict contract (TypedDicts) and its validation.
* :mod:`~analytics.report.assemble` -- :func:`build_audit`, from chain reads to an audit dict.
* :mod:`~analytics.report.svg`      -- tiny inline-SVG chart helpers.
* :mod:`~analytics.report.html`     -- :func:`render_report`, one self-contained HTML page.
* :mod:`~analytics.report.sections` -- one renderer per report section.
* :mod:`~analytics.report.outputs`  -- :func:`write_outputs`: audit.json, CSV tables, report.html.
* :mod:`~analytics.report.format`   -- formatting, escaping and JSON conversion helpers.
"""

from analytics.report.assemble import GovernanceInput, build_audit
from analytics.report.html import render_report
from analytics.report.outputs import write_outputs
from analytics.report.schema import SCHEMA_VERSION, SECTION_HEADINGS, validate_audit

__all__ = ["GovernanceInput", "SCHEMA_VERSION", "SECTION_HEADINGS", "build_audit", "render_report",
           "validate_audit", "write_outputs"]
