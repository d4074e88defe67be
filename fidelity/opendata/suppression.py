"""Small-count suppression for open data: plain values in, the cells to withhold out.

A published count is a sum over *contributors* (here: a team's counted return, for one measure).
A local authority's count sums the teams serving it, a zone's the teams serving any of its LAs
(each once), the pilot's every team. Knowing which contributors make each cell, anyone can add
and subtract published cells, so suppression must hold against every linear combination of them,
not only against the totals a table prints.

1. **Primary**: a count from 1 to `threshold - 1` is withheld. Zero is published: it identifies
   no one.
2. **Secondary, by the rule**: for every additive relation that actually holds (a total whose
   contributors are exactly the disjoint union of its parts'; `relations_that_hold`), no group
   (total and parts) may have exactly one withheld cell, or that cell is the total minus the
   rest. The smallest published cell of such a group is withheld next (a non-zero one before a
   zero), until no group has exactly one.
3. **Secondary, by the exact check**: `exposed` solves, over the rationals, the linear system of
   every published cell in terms of the contributors, with published zeros (and so each of their
   contributors) known to be zero. A withheld cell whose contributors' combination is determined
   by that system can be worked out; while one can, the smallest published cell whose
   withholding hides it is withheld too. With the relations of a plain hierarchy (LAs in zones in
   a pilot, each team serving one LA) step 2 already leaves nothing exposed; the check covers a
   team serving two LAs, whose LAs add up to no published total but may still be subtracted.

Nothing is withheld but the primary cells and what steps 2 and 3 need, so a table with no small
count is published whole. Which withheld cells are primary is never published.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

PRIMARY = "primary"
SECONDARY = "secondary"

Cell = Hashable


@dataclass(frozen=True)
class Count:
    """A count to publish and the contributors it is the sum of."""

    value: int
    contributors: frozenset[Hashable]


@dataclass(frozen=True)
class Relation:
    """total = sum of parts, as proposed; `relations_that_hold` keeps those that are exact."""

    total: Cell
    parts: tuple[Cell, ...]

    @property
    def group(self) -> tuple[Cell, ...]:
        return (self.total, *self.parts)


def relations_that_hold(
    counts: Mapping[Cell, Count], candidates: Iterable[Relation]
) -> list[Relation]:
    """The candidates whose parts' contributors are disjoint and make up the total's exactly, so
    the total is the sum of the parts whatever the contributors' values."""
    held = []
    for relation in candidates:
        cells = relation.group
        if not relation.parts or any(c not in counts for c in cells):
            continue
        parts = [counts[c].contributors for c in relation.parts]
        union = frozenset().union(*parts)
        if (
            len(union) == sum(len(p) for p in parts)
            and union == counts[relation.total].contributors
        ):
            held.append(relation)
    return held


def primary_cells(counts: Mapping[Cell, Count], threshold: int) -> set[Cell]:
    return {cell for cell, count in counts.items() if 0 < count.value < threshold}


def _order(counts: Mapping[Cell, Count]):
    """Smallest first, a zero last (withholding a zero protects little), then by cell."""
    return lambda cell: (counts[cell].value == 0, counts[cell].value, repr(cell))


def suppress(
    *, counts: Mapping[Cell, Count], relations: Sequence[Relation], threshold: int
) -> dict[Cell, str]:
    """Each cell to withhold -> PRIMARY or SECONDARY. `relations` are the additive relations
    proposed for the table; only those that hold are used.

    Cells that share no contributor, directly or through others, cannot be combined, so each
    such part of the table (in a pack: each measure) is worked out on its own."""
    held = relations_that_hold(counts, relations)
    hidden: dict[Cell, str] = {}
    for part in _connected(counts):
        cells = {c: counts[c] for c in part}
        inside = [r for r in held if all(c in cells for c in r.group)]
        hidden.update(_suppress_part(cells, inside, threshold))
    return hidden


def _connected(counts: Mapping[Cell, Count]) -> list[set[Cell]]:
    """The cells in groups linked by shared contributors."""
    owner: dict[Hashable, int] = {}  # contributor -> its group's number
    groups: dict[int, set[Cell]] = {}
    for number, (cell, count) in enumerate(counts.items()):
        linked = {owner[c] for c in count.contributors if c in owner}
        group = {cell}.union(*(groups.pop(g) for g in linked))
        groups[number] = group
        for member in group:
            for c in counts[member].contributors:
                owner[c] = number
    return list(groups.values())


def _suppress_part(
    counts: Mapping[Cell, Count], held: Sequence[Relation], threshold: int
) -> dict[Cell, str]:
    order = _order(counts)
    hidden = dict.fromkeys(sorted(primary_cells(counts, threshold), key=order), PRIMARY)
    while True:
        if _apply_rule(held, hidden, order):
            continue
        found = sorted(exposed(counts=counts, hidden=hidden), key=order)
        candidate = next(
            (c for cell in found if (c := _protector(counts, hidden, cell, order)) is not None),
            None,
        )
        if candidate is None:
            return hidden
        hidden[candidate] = SECONDARY


def _apply_rule(held: Sequence[Relation], hidden: dict[Cell, str], order) -> bool:
    """Withholds the smallest published cell of each group with exactly one withheld cell;
    True if anything was withheld."""
    changed = False
    for relation in held:
        group = relation.group
        withheld = [c for c in group if c in hidden]
        published = [c for c in group if c not in hidden]
        if len(withheld) == 1 and published:
            hidden[min(published, key=order)] = SECONDARY
            changed = True
    return changed


def _protector(
    counts: Mapping[Cell, Count], hidden: Mapping[Cell, str], cell: Cell, order
) -> Cell | None:
    """The published cell to withhold for an exposed one: the smallest whose withholding alone
    hides it, else the smallest sharing a contributor with it (the next round goes on)."""
    published = sorted((c for c in counts if c not in hidden), key=order)
    for candidate in published:
        if cell not in exposed(counts=counts, hidden={*hidden, candidate}):
            return candidate
    mine = counts[cell].contributors
    return next((c for c in published if counts[c].contributors & mine), None)


def exposed(*, counts: Mapping[Cell, Count], hidden: Iterable[Cell]) -> set[Cell]:
    """The withheld cells whose value the published cells determine: those whose contributor
    vector, after dropping contributors a published zero shows to be zero, lies in the span of
    the published cells' vectors (exact arithmetic over the rationals)."""
    hidden = set(hidden)
    published = [c for c in counts if c not in hidden]
    zero = frozenset().union(*(counts[c].contributors for c in published if counts[c].value == 0))
    basis = _Basis()
    for cell in published:
        basis.add(counts[cell].contributors - zero)
    return {cell for cell in hidden if basis.spans(counts[cell].contributors - zero)}


class _Basis:
    """Row-reduced vectors over contributors, each kept as {contributor: Fraction} with a pivot."""

    def __init__(self) -> None:
        self.rows: list[tuple[Hashable, dict[Hashable, Fraction]]] = []

    def _reduce(self, vector: dict[Hashable, Fraction]) -> dict[Hashable, Fraction]:
        for pivot, row in self.rows:
            factor = vector.get(pivot)
            if factor:
                for key, value in row.items():
                    vector[key] = vector.get(key, Fraction(0)) - factor * value
                vector = {k: v for k, v in vector.items() if v}
        return vector

    def add(self, contributors: frozenset[Hashable]) -> None:
        vector = self._reduce({c: Fraction(1) for c in contributors})
        if not vector:
            return
        pivot = min(vector, key=repr)
        scale = vector[pivot]
        vector = {k: v / scale for k, v in vector.items()}
        # Keep the rows fully reduced: clear the new pivot from every earlier row.
        rows = []
        for p, row in self.rows:
            factor = row.get(pivot)
            if factor:
                row = {
                    k: row.get(k, Fraction(0)) - factor * vector.get(k, Fraction(0))
                    for k in {*row, *vector}
                }
                row = {k: v for k, v in row.items() if v}
            rows.append((p, row))
        self.rows = [*rows, (pivot, vector)]

    def spans(self, contributors: frozenset[Hashable]) -> bool:
        """An empty vector (every contributor known to be zero) is spanned too."""
        return not self._reduce({c: Fraction(1) for c in contributors})
