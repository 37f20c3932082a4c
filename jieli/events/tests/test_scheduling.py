"""The scheduler never double-books: every schedule it returns (solver and greedy) is checked
against every invariant on random problems (Hypothesis), and the solver is never worse than
greedy nor above its proven bound."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jieli.events.scheduling import (
    MeetingSpec,
    Problem,
    ProblemError,
    Schedule,
    Slot,
    greedy,
    solve,
    violations,
)


@st.composite
def problems(draw):  # type: ignore[no-untyped-def]
    sessions = draw(st.integers(1, 3))
    per_session = draw(st.integers(1, 4))
    slots = [Slot(i, i // per_session) for i in range(sessions * per_session)]
    people = draw(st.integers(2, 12))
    availability = {
        p: frozenset(draw(st.sets(st.sampled_from([s.index for s in slots]))))
        for p in range(people)
    }
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, people - 1), st.integers(0, people - 1)).filter(
                lambda ab: ab[0] != ab[1]
            ),
            max_size=30,
            unique_by=lambda ab: (min(ab), max(ab)),
        )
    )
    meetings = [MeetingSpec(i, a, b, draw(st.integers(1, 1000))) for i, (a, b) in enumerate(pairs)]
    tables = draw(st.integers(1, 4))
    problem = Problem(
        slots, tables, meetings, availability, per_session_cap=draw(st.integers(0, 3))
    )
    # Some meetings announced already: fix those of a greedy run (a valid fixed set).
    if meetings and draw(st.booleans()):
        first = greedy(problem)
        if not first.placements:
            return problem
        keep = draw(st.sets(st.sampled_from(sorted(first.placements)), max_size=3))
        problem.fixed = {mid: first.placements[mid] for mid in keep}
    return problem


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_schedule_keeps_every_invariant(problem: Problem) -> None:
    g = greedy(problem)
    s = solve(problem, time_limit=2, workers=1)
    assert violations(problem, g) == []
    assert violations(problem, s) == []
    assert s.objective >= g.objective
    assert s.objective <= s.bound


def test_optimum_is_found_and_proven_on_a_small_case() -> None:
    # Three people, two slots, one table: A–B (heavy), A–C, B–C. Greedy in first-come order
    # takes A–C then B–C; the optimum places A–B and one more.
    slots = [Slot(0, 0), Slot(1, 0)]
    meetings = [MeetingSpec(1, 0, 2, 10), MeetingSpec(2, 1, 2, 10), MeetingSpec(3, 0, 1, 100)]
    problem = Problem(slots, 1, meetings, {p: frozenset({0, 1}) for p in range(3)})
    g = greedy(problem)
    s = solve(problem, time_limit=5, workers=1)
    assert g.objective == 20
    assert s.objective == 110
    assert s.bound == 110
    assert s.gap == 0


def test_fixed_meetings_stay_put() -> None:
    slots = [Slot(0, 0), Slot(1, 0)]
    meetings = [MeetingSpec(1, 0, 1, 1), MeetingSpec(2, 0, 2, 100)]
    problem = Problem(
        slots, 1, meetings, {p: frozenset({0, 1}) for p in range(3)}, fixed={1: (0, 1)}
    )
    s = solve(problem, time_limit=5, workers=1)
    assert s.placements[1] == (0, 1)
    assert s.placements[2] == (1, 1)


@pytest.mark.parametrize(
    "problem",
    [
        Problem([Slot(0, 0)], 0, [MeetingSpec(1, 0, 1, 1)], {0: frozenset({0}), 1: frozenset({0})}),
        Problem(
            [Slot(0, 0)],
            1,
            [MeetingSpec(1, 0, 1, 1), MeetingSpec(2, 0, 2, 1)],
            {p: frozenset({0}) for p in range(3)},
            fixed={1: (0, 1), 2: (0, 1)},
        ),
    ],
    ids=["zero tables", "fixed clash"],
)
def test_impossible_problems_are_refused(problem: Problem) -> None:
    with pytest.raises(ProblemError):
        greedy(problem)


def test_checker_catches_a_double_booking() -> None:
    slots = [Slot(0, 0)]
    meetings = [MeetingSpec(1, 0, 1, 5), MeetingSpec(2, 0, 2, 5)]
    problem = Problem(slots, 2, meetings, {p: frozenset({0}) for p in range(3)})
    bad = Schedule("x", {1: (0, 1), 2: (0, 2)}, 10, 10, 0.0)
    assert any("double-booked" in v for v in violations(problem, bad))
    bad = Schedule("x", {1: (0, 1), 2: (0, 1)}, 10, 10, 0.0)
    assert any("table 1" in v for v in violations(problem, bad))


@st.composite
def session_problems(draw):  # type: ignore[no-untyped-def]
    """Availability per whole session, two sides (offers and needs): the case fairs have,
    where the exact colouring path is taken."""
    sessions = draw(st.integers(1, 3))
    per_session = draw(st.integers(1, 5))
    slots = [Slot(i, i // per_session) for i in range(sessions * per_session)]
    left, right = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    availability = {}
    for p in range(left + right):
        chosen = draw(st.sets(st.integers(0, sessions - 1), min_size=1))
        availability[p] = frozenset(s.index for s in slots if s.session in chosen)
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, left - 1), st.integers(left, left + right - 1)),
            max_size=40,
            unique=True,
        )
    )
    meetings = [MeetingSpec(i, a, b, draw(st.integers(1, 1000))) for i, (a, b) in enumerate(pairs)]
    return Problem(slots, draw(st.integers(1, 5)), meetings, availability)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(session_problems())
def test_session_fairs_keep_every_invariant_and_reach_the_bound(problem: Problem) -> None:
    g = greedy(problem)
    s = solve(problem, time_limit=3, workers=1)
    assert violations(problem, g) == []
    assert violations(problem, s) == []
    assert g.objective <= s.objective <= s.bound


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_bipartite_colouring_is_proper_and_balanced(data) -> None:  # type: ignore[no-untyped-def]
    from collections import Counter

    from jieli.events.colouring import bipartite_colouring

    k = data.draw(st.integers(1, 6))
    pairs = data.draw(
        st.lists(st.tuples(st.integers(0, 6), st.integers(10, 16)), max_size=40, unique=True)
    )
    degree = Counter(p for ab in pairs for p in ab)
    pairs = [ab for ab in pairs if degree[ab[0]] <= k and degree[ab[1]] <= k]
    capacity = data.draw(st.integers(1, 10))
    edges = [(i, a, b) for i, (a, b) in enumerate(pairs)]
    result = bipartite_colouring(edges, list(range(100, 100 + k)), capacity)
    if len(edges) > k * capacity:
        assert result is None
        return
    assert result is not None and set(result) == {e for e, _a, _b in edges}
    seen = set()
    for e, a, b in edges:
        for v in (a, b):
            assert (v, result[e]) not in seen
            seen.add((v, result[e]))
    assert max(Counter(result.values()).values(), default=0) <= capacity
