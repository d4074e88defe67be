"""Which challenges say the same thing in different words? Pure functions, no database.

Facilitators write challenges quickly and each in their own words, so the same problem raised in
Bolton and in Wigan rarely reads the same. We normalise the text (lower case, common words
dropped, a crude stem so "landlords" meets "landlord"), score pairs with rapidfuzz, and join
every pair at or above the threshold into one group. A group is only a suggestion: the
facilitator confirms it before it counts as one shared challenge.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence

from rapidfuzz import fuzz

THRESHOLD = 72.0

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "from",
        "by",
        "at",
        "is",
        "are",
        "be",
        "been",
        "was",
        "were",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "as",
        "not",
        "no",
        "our",
        "their",
        "they",
        "we",
        "who",
        "can",
        "cant",
        "do",
        "does",
        "don",
        "t",
        "s",
        "get",
        "gets",
        "has",
        "have",
        "had",
        "into",
        "than",
        "then",
        "there",
        "about",
        "very",
        "too",
        "more",
        "less",
        "when",
        "will",
        "would",
        "after",
        "before",
        "some",
        "any",
        "so",
        "people",
        "person",
        "someone",
        "them",
        "us",
    ]
)
SUFFIXES = ("ness", "ing", "ies", "ed", "es", "s")


def _stem(word: str) -> str:
    for suffix in SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] in "eyi":
        word = word[:-1]
    return word


def normalise(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return " ".join(_stem(w) for w in words if w not in STOP_WORDS)


def similarity(a: str, b: str) -> float:
    """0 to 100: how alike two challenge texts read once normalised."""
    return _score(normalise(a), normalise(b))


def are_similar(a: str, b: str, threshold: float = THRESHOLD) -> bool:
    return similarity(a, b) >= threshold


def group_similar(
    items: Iterable[tuple[Hashable, str]], threshold: float = THRESHOLD
) -> list[list[Hashable]]:
    """Groups of two or more keys whose texts are alike (joined transitively), in input order.

    `items` are (key, text) pairs; keys not alike to any other are left out.
    """
    items = list(items)
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    normalised = [normalise(text) for _, text in items]
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if root(i) != root(j) and _score(normalised[i], normalised[j]) >= threshold:
                parent[root(j)] = root(i)
    groups: dict[int, list[Hashable]] = {}
    for i, (key, _) in enumerate(items):
        groups.setdefault(root(i), []).append(key)
    return [keys for keys in groups.values() if len(keys) > 1]


def _score(left: str, right: str) -> float:
    if not left or not right:
        return 0.0
    # token_set_ratio forgives extra words on one side; discounted so that a short text is not
    # "the same" as every longer one that happens to contain its words.
    return max(fuzz.token_sort_ratio(left, right), 0.95 * fuzz.token_set_ratio(left, right))


def suggested_title(texts: Sequence[str]) -> str:
    """The shortest text of a group: usually the plainest wording to offer as its title."""
    return min(texts, key=len).strip()
