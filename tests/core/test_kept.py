"""Values kept while unchanged (core/kept.py): given back for the same state only."""

from __future__ import annotations

from medoffice.core.kept import KeptWhileUnchanged


def counting(value):
    calls = []

    def compute():
        calls.append(value)
        return value

    return compute, calls


def test_the_same_state_gives_back_the_kept_value_without_computing():
    kept = KeptWhileUnchanged(maximum=4)
    compute, calls = counting("calendar")
    assert kept.get("k", (1, 2), compute) == "calendar"
    assert kept.get("k", (1, 2), compute) == "calendar"
    assert calls == ["calendar"]


def test_another_state_computes_again_and_keeps_the_new_value():
    kept = KeptWhileUnchanged(maximum=4)
    kept.get("k", "before", lambda: "old")
    assert kept.get("k", "after", lambda: "new") == "new"
    compute, calls = counting("unused")
    assert kept.get("k", "after", compute) == "new"
    assert calls == []


def test_past_the_maximum_the_least_recently_used_key_is_forgotten():
    kept = KeptWhileUnchanged(maximum=2)
    kept.get("a", 0, lambda: "A")
    kept.get("b", 0, lambda: "B")
    kept.get("a", 0, lambda: "not computed")  # "a" used again: "b" is now the oldest
    kept.get("c", 0, lambda: "C")
    assert len(kept) == 2
    compute, calls = counting("B again")
    assert kept.get("b", 0, compute) == "B again"
    assert calls == ["B again"]
    assert kept.get("a", 0, lambda: "recomputed") == "recomputed"
