"""Readable per-chain summaries of a vault: holdings, value, weights, supply and NAV."""

from __future__ import annotations

from keeper.chain.vault import VaultState


def format_vault(state: VaultState) -> str:
    weights = state.weights()
    lines = [
        f"== {state.chain}: vault {state.vault}",
        f"   {'token':<6} {'holdings':>18} {'price':>12} {'value':>14} {'weight':>8} {'target':>8}",
    ]
    for h in state.holdings:
        lines.append(
            f"   {h.token.symbol:<6} {h.amount / h.token.unit:>18,.4f} {h.price_quote:>12,.4f} "
            f"{h.value_quote:>14,.2f} {weights[h.token.symbol]:>8.2%} {h.target_weight_bps / 100:>7.2f}%"
        )
    lines.append(
        f"   share supply {state.total_supply / 1e18:,.4f}   NAV {state.nav:,.2f} {state.quote_symbol}   "
        f"NAV/share {state.nav_per_share:,.4f} {state.quote_symbol}"
    )
    return "\n".join(lines)
