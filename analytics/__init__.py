"""analytics: read-only audit analytics of the DAO-governed index vaults.

This package holds the pure, chain-free part: plain Python / pandas data in, numbers,
tables and one self-contained HTML report out. Nothing here talks to a chain or the
network; the chain-reading code (Multicall3 reads at a pinned block, token risk scan,
Uniswap V2 reserves) feeds these functions.

Sub-packages and modules:

* ``analytics.metrics.concentration`` -- HHI, effective N, top shares, voting-power
  distribution (Nakamoto coefficient, delegated share).
* ``analytics.metrics.performance``   -- NAV-per-share return and risk metrics, drawdowns,
  VaR/CVaR, comparison with a benchmark.
* ``analytics.metrics.exposure``      -- exposures by sector / risk tier / chain and
  risk-policy compliance (every breach listed).
* ``analytics.metrics.drift``         -- drift from target weights and one-way turnover.
* ``analytics.metrics.liquidity``     -- exit price impact in constant-product pools.
* ``analytics.metrics.depin``         -- DePIN fundamentals (issuance coverage, dilution,
  revenue multiple) from a validated CSV file.
* ``analytics.metrics.governance``    -- proposal turnout and outcome.
* ``analytics.reconcile``             -- accounted vs actual balances.
* ``analytics.report``                -- the ``audit`` dict schema, SVG charts, the HTML
  report, the assembler and the file writer.

Errors raised on purpose derive from :class:`analytics.exceptions.AnalyticsError`.
"""
