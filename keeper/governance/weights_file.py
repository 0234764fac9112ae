"""Reading a proposed weight set from a file: JSON or CSV, token -> weight.

Accepted shapes (weights as fractions summing to 1, percents summing to 100, or basis points summing to
10000; the file says which by its numbers, never by guess: see `to_bps`):

    {"WBTC": 0.2, "WETH": 0.15, ...}                      JSON object
    {"weights_bps": {"WBTC": 2000, ...}, ...}             a `keeper propose` proposal file
    token,weight\\nWBTC,20\\nWETH,15\\n...                   CSV with a header row
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from keeper.governance.errors import ProposalFileError

TOTAL_BPS = 10_000


def read_weights(path: Path) -> dict[str, Decimal]:
    """Raw weights by token symbol as written in the file (not yet scaled)."""
    if not path.exists():
        raise ProposalFileError(f"weights file {path} does not exist")
    text = path.read_text()
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text, parse_float=Decimal, parse_int=Decimal)
        except json.JSONDecodeError as exc:
            raise ProposalFileError(f"{path} is not valid JSON: {exc}") from None
        if isinstance(data, dict) and "weights_bps" in data:
            data = data["weights_bps"]
        if not isinstance(data, dict) or not data:
            raise ProposalFileError(f"{path}: expected an object of token -> weight")
        pairs = list(data.items())
    elif path.suffix.lower() == ".csv":
        rows = list(csv.reader(text.splitlines()))
        if not rows or [c.strip().lower() for c in rows[0][:2]] != ["token", "weight"]:
            raise ProposalFileError(f"{path}: the first row must be the header `token,weight`")
        pairs = []
        for number, row in enumerate(rows[1:], start=2):
            if not row or not "".join(row).strip():
                continue
            if len(row) < 2:
                raise ProposalFileError(f"{path} line {number}: expected `token,weight`, got {row}")
            pairs.append((row[0], row[1]))
    else:
        raise ProposalFileError(f"{path}: use a .json or .csv file")
    weights: dict[str, Decimal] = {}
    for token, raw in pairs:
        symbol = str(token).strip().upper()
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ProposalFileError(f"{path}: weight of {symbol} is not a number: {raw!r}") from None
        if value < 0:
            raise ProposalFileError(f"{path}: weight of {symbol} is negative ({value})")
        if symbol in weights:
            raise ProposalFileError(f"{path}: token {symbol} is listed twice")
        weights[symbol] = value
    return weights


def to_bps(weights: dict[str, Decimal]) -> dict[str, int]:
    """Scales weights to basis points. The sum decides the unit: 1 (fractions), 100 (percent) or 10000 (bps).

    Nothing is rounded silently: a weight that is not a whole number of basis points, or a sum that is
    none of the three, is an error naming the numbers.
    """
    total = sum(weights.values())
    scale = {Decimal(1): TOTAL_BPS, Decimal(100): 100, Decimal(TOTAL_BPS): 1}.get(total)
    if scale is None:
        raise ProposalFileError(
            f"weights add up to {total}: they must add up to exactly 100% "
            "(1 as fractions, 100 as percents or 10000 as basis points)")
    bps = {}
    for symbol, value in weights.items():
        scaled = value * scale
        if scaled != scaled.to_integral_value():
            raise ProposalFileError(f"weight of {symbol} ({value}) is not a whole number of basis points")
        bps[symbol] = int(scaled)
    return bps
