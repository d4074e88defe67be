"""The crosswalk between two versions of a framework: what each new indicator continues.

Pure: codes in, problems out. One home for the rules, read by the XLSX reader, the import
service and the admin's crosswalk inline alike:

- **same** and **reworded** continue exactly one old indicator;
- **split** continues exactly one old indicator that at least one other new indicator is also
  split from (one old indicator, several new);
- **merged** continues at least two old indicators (several old, one new);
- **new** continues none.

An old indicator is continued by one new indicator, or split into several. Old indicators that
no new indicator continues are **retired**: derived, never recorded, so the list can never
disagree with the links (see `retired`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

SAME, REWORDED, SPLIT, MERGED, NEW = "same", "reworded", "split", "merged", "new"
CHANGES = (
    (SAME, "Same"),
    (REWORDED, "Reworded"),
    (SPLIT, "Split from"),
    (MERGED, "Merged from"),
    (NEW, "New"),
)
# Indicator-level lines (if a figure follows one) run through these; the others start afresh.
CONTINUING = (SAME, REWORDED)
_LABELS = dict(CHANGES)


@dataclass(frozen=True)
class Link:
    """A new indicator's code, its kind of change and the old codes it continues."""

    code: str
    change: str
    continues: tuple[str, ...] = ()


def link_problems(
    links: Sequence[Link], *, old_codes: Collection[str] | None, previous: str = ""
) -> list[tuple[int, str]]:
    """(position in `links`, message) for each link that breaks a rule. `old_codes`: the
    indicator codes of the version continued (`previous` names it in messages), or None when
    there is none."""
    problems: list[tuple[int, str]] = []
    users: dict[str, list[int]] = defaultdict(list)
    for n, link in enumerate(links):
        label = _LABELS.get(link.change)
        count = len(link.continues)
        if label is None:
            problems.append(
                (n, f"the change “{link.change}” is not one of {', '.join(_LABELS.values())}.")
            )
            continue
        if count and old_codes is None:
            problems.append((n, "it continues old indicators, but there is no previous version."))
            continue
        unknown = [c for c in link.continues if c not in (old_codes or ())]
        for code in unknown:
            problems.append(
                (n, f"there is no indicator {code} in {previous or 'the old version'}.")
            )
        if len(set(link.continues)) < count:
            problems.append((n, "it names the same old indicator twice."))
        if link.change in (SAME, REWORDED, SPLIT) and count != 1:
            problems.append(
                (n, f"“{label}” continues exactly one old indicator; it names {count}.")
            )
        elif link.change == MERGED and count < 2:
            problems.append((n, f"“{label}” needs at least two old indicators; it names {count}."))
        elif link.change == NEW and count:
            problems.append((n, f"“{label}” continues no old indicator; it names {count}."))
        for code in set(link.continues) - set(unknown):
            users[code].append(n)
    for code, positions in users.items():
        kinds = {links[n].change for n in positions}
        if kinds == {SPLIT} and len(positions) < 2:
            problems.append(
                (
                    positions[0],
                    f"only this indicator is split from {code}; a split makes two or more.",
                )
            )
        elif len(positions) > 1 and kinds != {SPLIT}:
            others = ", ".join(links[n].code for n in positions[1:])
            problems.append(
                (
                    positions[0],
                    f"{code} is continued by {links[positions[0]].code} and {others}: one old "
                    "indicator continues into one new indicator, or is split (every one "
                    "“Split from”).",
                )
            )
    return sorted(problems)


def section_problems(sections: Sequence[tuple[str, str | None]]) -> list[tuple[int, str]]:
    """(position, message) for each section, of (code, old code it continues or None), that
    continues an old section another already continues: a section runs on into one section,
    and a split or merged section starts afresh."""
    problems, taken = [], {}
    for n, (code, old) in enumerate(sections):
        if not old:
            continue
        if old in taken:
            problems.append(
                (
                    n,
                    f"{taken[old]} already continues {old}; an old section continues into one "
                    "section (a split or merged one starts afresh).",
                )
            )
        else:
            taken[old] = code
    return problems


def retired(old_codes: Sequence[str], links: Sequence[Link]) -> list[str]:
    """The old indicators no new indicator continues, in their order."""
    continued = {code for link in links for code in link.continues}
    return [code for code in old_codes if code not in continued]


def default_change(*, old_text: str, text: str) -> str:
    """What an indicator continuing one old indicator is: the same wording, or reworded."""
    return SAME if old_text == text else REWORDED
