"""The machine-readable header of a weight proposal's description.

A description starts with a fenced block that anyone can parse to recompute a keeper-made proposal:

    ---
    index-proposal: 1
    chain: home
    nonce: 2
    deadline: 1795000000
    methodology: risk_parity@1.0.0
    inputs-hash: 0x9f...
    ---
    Free text for voters.

`methodology` and `inputs-hash` are `manual` and empty for hand-made proposals.
"""

from __future__ import annotations

from dataclasses import dataclass

from keeper.governance.errors import ProposalFileError

FENCE = "---"
FORMAT_VERSION = "1"


@dataclass(frozen=True)
class ProposalHeader:
    chain: str
    nonce: int
    deadline: int
    methodology: str = "manual"
    inputs_hash: str = ""

    def render(self, text: str) -> str:
        lines = [FENCE, f"index-proposal: {FORMAT_VERSION}", f"chain: {self.chain}", f"nonce: {self.nonce}",
                 f"deadline: {self.deadline}", f"methodology: {self.methodology}", f"inputs-hash: {self.inputs_hash}",
                 FENCE]
        return "\n".join(lines) + "\n" + text.strip() + "\n"


def parse_description(description: str) -> tuple[ProposalHeader | None, str]:
    """(header, free text); the header is None for a description without one."""
    lines = description.splitlines()
    if not lines or lines[0].strip() != FENCE:
        return None, description
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FENCE)
    except StopIteration:
        raise ProposalFileError("proposal header opened with --- but never closed") from None
    fields = {}
    for line in lines[1:end]:
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    if fields.get("index-proposal") != FORMAT_VERSION:
        raise ProposalFileError(f"unknown proposal header version {fields.get('index-proposal')!r}")
    try:
        header = ProposalHeader(chain=fields["chain"], nonce=int(fields["nonce"]), deadline=int(fields["deadline"]),
                                methodology=fields.get("methodology", "manual"),
                                inputs_hash=fields.get("inputs-hash", ""))
    except (KeyError, ValueError) as exc:
        raise ProposalFileError(f"proposal header is missing or has a bad field: {exc}") from None
    return header, "\n".join(lines[end + 1:]).strip()
