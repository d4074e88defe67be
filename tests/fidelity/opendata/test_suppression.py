"""Small counts in an open data pack are withheld so that none can be worked out from the rest.

The checks here solve the published equations themselves (exact Gaussian elimination over the
rationals, written apart from `suppression.py`), on random pilots: LAs in zones, teams serving
one LA or, in the second property, sometimes two.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from fidelity.opendata.suppression import (
    PRIMARY,
    SECONDARY,
    Count,
    Relation,
    exposed,
    relations_that_hold,
    suppress,
)

# --- A reference solver -------------------------------------------------------------------------


def rank(rows: list[list[Fraction]]) -> int:
    """The rank of a matrix, by plain Gaussian elimination over the rationals."""
    rows = [list(r) for r in rows if any(r)]
    rank_ = 0
    width = len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((i for i in range(rank_, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            continue
        rows[rank_], rows[pivot] = rows[pivot], rows[rank_]
        for i in range(len(rows)):
            if i != rank_ and rows[i][column] != 0:
                factor = rows[i][column] / rows[rank_][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank_], strict=True)]
        rank_ += 1
    return rank_


def determined_by_relations(relations, hidden, cell) -> bool:
    """Is `cell` fixed by the relations' equations (total - parts = 0), with the published cells
    known and the other withheld cells unknown? Yes when adding "what is `cell`?" as a row does
    not raise the rank of the unknowns' coefficient matrix."""
    unknowns = sorted(hidden, key=repr)
    where = {c: i for i, c in enumerate(unknowns)}
    rows = []
    for r in relations:
        row = [Fraction(0)] * len(unknowns)
        for c, sign in ((r.total, 1), *((p, -1) for p in r.parts)):
            if c in where:
                row[where[c]] += sign
        rows.append(row)
    target = [Fraction(0)] * len(unknowns)
    target[where[cell]] = Fraction(1)
    return rank([*rows, target]) == rank(rows)


def determined_by_contributors(counts, hidden, cell) -> bool:
    """The same question when cells overlap: is `cell`'s vector over the teams a combination of
    the published cells' vectors, with each team of a published zero known to be zero?"""
    teams = sorted({t for c in counts.values() for t in c.contributors}, key=repr)

    def vector(members) -> list[Fraction]:
        return [Fraction(1 if t in members else 0) for t in teams]

    published = [vector(c.contributors) for k, c in counts.items() if k not in hidden]
    for k, c in counts.items():
        if k not in hidden and c.value == 0:
            published += [vector({t}) for t in c.contributors]
    return rank([*published, vector(counts[cell].contributors)]) == rank(published)


# --- Random pilots ------------------------------------------------------------------------------

small_or_any = st.one_of(st.integers(0, 4), st.integers(0, 4), st.integers(0, 40))


@st.composite
def pilots(draw, overlapping: bool):
    """Zones of LAs, teams serving them with their counts, and the cells of one measure: each LA,
    each zone (its teams once) and the pilot. With `overlapping`, a team may serve a second LA,
    in its zone or another."""
    zones = {
        f"Z{z}": [f"Z{z}L{i}" for i in range(draw(st.integers(1, 4)))]
        for z in range(draw(st.integers(1, 4)))
    }
    las = [la for members in zones.values() for la in members]
    serves: dict[str, set[str]] = {}
    for la in las:
        for t in range(draw(st.integers(1, 3))):
            serves[f"{la}T{t}"] = {la}
    if overlapping:
        for team in draw(st.lists(st.sampled_from(sorted(serves)), max_size=4, unique=True)):
            serves[team].add(draw(st.sampled_from(las)))
    value = {team: draw(small_or_any) for team in serves}
    zone_of = {la: z for z, members in zones.items() for la in members}

    def cell(teams) -> Count:
        teams = frozenset(teams)
        return Count(value=sum(value[t] for t in teams), contributors=teams)

    counts = {("pilot",): cell(serves)}
    for z, members in zones.items():
        counts[(z,)] = cell(t for t, s in serves.items() if any(zone_of[la] == z for la in s))
        for la in members:
            counts[(la,)] = cell(t for t, s in serves.items() if la in s)
    relations = [Relation(total=(z,), parts=tuple((la,) for la in m)) for z, m in zones.items()]
    relations.append(Relation(total=("pilot",), parts=tuple((z,) for z in zones)))
    threshold = draw(st.integers(2, 10))
    return counts, relations, threshold


def check_published_counts(counts, hidden, threshold):
    for cell, count in counts.items():
        if cell not in hidden:
            assert count.value == 0 or count.value >= threshold, (cell, count.value)
        if 0 < count.value < threshold:
            assert hidden.get(cell) == PRIMARY


def check_nothing_more_than_needed(counts, hidden):
    """No small count, nothing withheld; and a cell is withheld for another only where the two
    are linked through teams they share (directly or through cells between)."""
    if not any(reason == PRIMARY for reason in hidden.values()):
        assert hidden == {}
    linked = {c for c, reason in hidden.items() if reason == PRIMARY}
    grown = True
    while grown:
        teams = frozenset().union(*(counts[c].contributors for c in linked))
        more = {c for c in counts if counts[c].contributors & teams} - linked
        grown = bool(more)
        linked |= more
    assert set(hidden) <= linked


@settings(max_examples=300, deadline=None)
@given(pilots(overlapping=False))
def test_no_withheld_count_can_be_worked_out_from_the_totals(table):
    counts, relations, threshold = table
    hidden = suppress(counts=counts, relations=relations, threshold=threshold)

    check_published_counts(counts, hidden, threshold)
    held = relations_that_hold(counts, relations)
    assert len(held) == len(
        relations
    )  # every LA serves one LA: LAs add up to zones, zones to the pilot
    for r in held:
        assert sum(1 for c in r.group if c in hidden) != 1, r
    for cell in hidden:
        assert not determined_by_relations(held, hidden, cell), cell
        assert not determined_by_contributors(counts, hidden, cell), cell
    check_nothing_more_than_needed(counts, hidden)


@settings(max_examples=200, deadline=None)
@given(pilots(overlapping=True))
def test_teams_serving_two_areas_cannot_reveal_a_withheld_count(table):
    counts, relations, threshold = table
    hidden = suppress(counts=counts, relations=relations, threshold=threshold)

    check_published_counts(counts, hidden, threshold)
    for r in relations_that_hold(counts, relations):
        assert sum(1 for c in r.group if c in hidden) != 1, r
    for cell in hidden:
        assert not determined_by_contributors(counts, hidden, cell), cell
    assert exposed(counts=counts, hidden=hidden) == set()
    check_nothing_more_than_needed(counts, hidden)


# --- Cases ---------------------------------------------------------------------------------------


def counts_of(**cells: tuple[int, set[str]]) -> dict:
    return {(k,): Count(value=v, contributors=frozenset(m)) for k, (v, m) in cells.items()}


def test_a_small_count_and_the_smallest_other_part_of_its_total_are_withheld():
    counts = counts_of(zone=(25, {"a", "b", "c"}), a=(3, {"a"}), b=(10, {"b"}), c=(12, {"c"}))
    relation = Relation(total=("zone",), parts=(("a",), ("b",), ("c",)))
    hidden = suppress(counts=counts, relations=[relation], threshold=5)
    assert hidden == {("a",): PRIMARY, ("b",): SECONDARY}


def test_a_zero_is_published_and_withheld_only_when_nothing_else_would_do():
    counts = counts_of(zone=(10, {"a", "b", "c"}), a=(3, {"a"}), b=(0, {"b"}), c=(7, {"c"}))
    relation = Relation(total=("zone",), parts=(("a",), ("b",), ("c",)))
    hidden = suppress(counts=counts, relations=[relation], threshold=5)
    assert hidden == {("a",): PRIMARY, ("c",): SECONDARY}


def test_no_small_count_means_nothing_withheld():
    counts = counts_of(zone=(25, {"a", "b"}), a=(0, {"a"}), b=(25, {"b"}))
    relation = Relation(total=("zone",), parts=(("a",), ("b",)))
    assert suppress(counts=counts, relations=[relation], threshold=5) == {}


def test_an_la_that_is_another_minus_a_third_is_protected():
    """Team T1 serves LAs A and B, team T2 serves B and C: B = A + C though no total says so."""
    counts = counts_of(zone=(10, {"t1", "t2"}), A=(3, {"t1"}), B=(10, {"t1", "t2"}), C=(7, {"t2"}))
    relation = Relation(total=("zone",), parts=(("A",), ("B",), ("C",)))
    assert relations_that_hold(counts, [relation]) == []
    assert exposed(counts=counts, hidden={("A",)}) == {("A",)}

    hidden = suppress(counts=counts, relations=[relation], threshold=5)

    assert hidden == {("A",): PRIMARY, ("C",): SECONDARY}
    assert exposed(counts=counts, hidden=hidden) == set()
