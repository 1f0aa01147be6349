"""RDFC-1.0 canonicalisation (pyld's URDNA2015) within a budget.

Canonicalising a graph of blank nodes that hash alike (cycles, cliques: the "poison graph"
class RDFC-1.0 §7 warns of) takes time exponential in their number: the Hash N-Degree Quads
step tries every permutation of each group of alike blank nodes, recursively. A proof's
document is untrusted input, so the work is counted: blank nodes of the dataset, and the steps
of that search (each permutation tried and each recursive hash), within a wall-time deadline.
Past any of them :class:`CanonicalisationBudgetError` ends it — the proof is then
``unsupported`` (never a hang). Nothing is patched in pyld: the budget lives in a subclass
and in the identifier issuer the search copies for each permutation.
"""

from __future__ import annotations

import copy
import time
from functools import cache
from typing import Any

from credbridge.errors import LimitExceededError

MAX_BLANK_NODES = 10_000
"""Blank nodes of one dataset (the corpus' signed credentials have a few dozen)."""
MAX_STEPS = 5_000
"""Permutations tried and N-degree hashes computed (the corpus' credentials need none: their
blank nodes hash apart in the first degree)."""
MAX_SECONDS = 2.0
"""Wall time of one canonicalisation."""


class CanonicalisationBudgetError(LimitExceededError):
    """The canonicalisation went past its budget (blank nodes, steps or time)."""


class _Budget:
    def __init__(self, steps: int, seconds: float) -> None:
        self.left = steps
        self.steps = steps
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise CanonicalisationBudgetError(
                f"RDFC-1.0 canonicalisation needs more than {self.steps:,} blank-node "
                "permutation steps (a graph of alike blank nodes, the poison-graph class): "
                "not canonicalised")
        if self.left % 64 == 0 and time.monotonic() > self.end:
            raise CanonicalisationBudgetError(
                f"RDFC-1.0 canonicalisation took longer than {self.seconds:g} s: not "
                "canonicalised")


@cache
def _canon_classes() -> tuple[type[Any], type[Any]]:
    from pyld.canon import URDNA2015
    from pyld.identifier_issuer import IdentifierIssuer

    class CountingIssuer(IdentifierIssuer):  # type: ignore[misc]
        """An issuer whose copies (one per permutation tried) are counted."""

        budget: _Budget

        def __deepcopy__(self, memo: dict[int, Any]) -> CountingIssuer:
            self.budget.spend()
            new = CountingIssuer.__new__(CountingIssuer)
            new.__dict__.update({k: copy.deepcopy(v, memo) if k != "budget" else v
                                 for k, v in self.__dict__.items()})
            return new

    class Budgeted(URDNA2015):  # type: ignore[misc]
        """URDNA2015 whose N-degree search is counted."""

        def __init__(self, budget: _Budget) -> None:
            super().__init__()
            self.budget = budget

        def hash_n_degree_quads(self, id_: str, issuer: Any) -> Any:
            self.budget.spend()
            if not isinstance(issuer, CountingIssuer):
                counted = CountingIssuer.__new__(CountingIssuer)
                counted.__dict__.update(issuer.__dict__)
                counted.budget = self.budget
                issuer = counted
            return super().hash_n_degree_quads(id_, issuer)

    return Budgeted, CountingIssuer


def canonical_nquads(doc: Any, loader: Any, *, steps: int = MAX_STEPS,
                     seconds: float = MAX_SECONDS,
                     blank_nodes: int = MAX_BLANK_NODES) -> str:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document (what
    ``jsonld.normalize(doc, {"algorithm": "URDNA2015", "format": "application/n-quads"})``
    gives), or :class:`CanonicalisationBudgetError`."""
    from pyld import jsonld

    dataset = jsonld.to_rdf(doc, {"documentLoader": loader, "base": "",
                                  "extractAllScripts": True, "processingMode": "json-ld-1.1",
                                  "produceGeneralizedRdf": False})
    nodes = {term["value"] for triples in dataset.values() for quad in triples
             for key, term in quad.items()
             if key != "predicate" and isinstance(term, dict) and term.get("type") == "blank node"}
    nodes.update(name for name in dataset if name.startswith("_:"))
    if len(nodes) > blank_nodes:
        raise CanonicalisationBudgetError(
            f"RDFC-1.0 canonicalisation of {len(nodes):,} blank nodes (more than "
            f"{blank_nodes:,}): not canonicalised")
    budgeted, _issuer = _canon_classes()
    return str(budgeted(_Budget(steps, seconds)).main(dataset,
                                                     {"format": "application/n-quads"}))
