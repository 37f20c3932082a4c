"""Placing one-to-one meetings into (slot, table): an exact CP-SAT model and a greedy baseline.

No Django here: the services build a ``Problem`` from the database, the benchmark from demo data.

The model (kept small so that CP-SAT proves a tight bound):

* one boolean ``x[m, s]`` only for the slots ``s`` in which both sides of meeting ``m`` are
  available (and not already busy with a fixed meeting);
* a meeting is placed at most once: ``Σ_s x[m, s] ≤ 1``;
* a participant meets at most one person per slot: ``Σ_{m ∋ p} x[m, s] ≤ 1``;
* a participant has at most ``per_session_cap`` meetings in one session (0: no cap);
* the tables are a per-slot capacity: ``Σ_m x[m, s] ≤ tables − fixed meetings in s``;
* maximise ``Σ weight_m · x[m, s]``.

Tables are numbered per slot afterwards (fixed meetings keep theirs), so no table variables are
needed. Meetings the organiser announced stay where they are unless freed (``Problem.fixed``).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from jieli.events.colouring import bipartite_colouring

WEIGHT_SCALE = 1000  # weights are integers for CP-SAT: 0.734 → 734


@dataclass(frozen=True)
class Slot:
    index: int
    session: int  # the session's id (or index): caps per session count per this value
    start: Any = None  # datetime in the app; anything in tests
    end: Any = None


@dataclass(frozen=True)
class MeetingSpec:
    id: int
    a: int  # participant ids
    b: int
    weight: int  # ≥ 1, already scaled (match score × mutual priority × WEIGHT_SCALE)


@dataclass
class Problem:
    slots: list[Slot]
    tables: int
    meetings: list[MeetingSpec]  # in first-come order (the greedy places them in this order)
    availability: dict[int, frozenset[int]]  # participant → slot indexes they can meet in
    fixed: dict[int, tuple[int, int]] = field(default_factory=dict)  # meeting → (slot, table)
    per_session_cap: int = 0

    def participants(self) -> set[int]:
        return {p for m in self.meetings for p in (m.a, m.b)}


@dataclass
class Schedule:
    method: str  # "solver" | "greedy"
    placements: dict[int, tuple[int, int]]  # meeting id → (slot index, table 1..tables)
    objective: int
    bound: int  # proven upper bound on the objective
    seconds: float
    status: str = ""  # OPTIMAL / FEASIBLE / GREEDY

    @property
    def gap(self) -> float:
        """Relative distance to the proven bound (0 = proven optimal)."""
        if self.bound <= 0:
            return 0.0
        return max(0.0, (self.bound - self.objective) / self.bound)

    @property
    def placed(self) -> int:
        return len(self.placements)


class ProblemError(ValueError):
    """The problem cannot be scheduled as given (a fixed meeting clashes, zero tables …)."""


def _fixed_usage(problem: Problem) -> tuple[dict[int, int], set[tuple[int, int]], dict]:
    by_id = {m.id: m for m in problem.meetings}
    per_slot: dict[int, int] = defaultdict(int)
    busy: set[tuple[int, int]] = set()  # (participant, slot)
    per_session: dict[tuple[int, int], int] = defaultdict(int)
    session_of = {s.index: s.session for s in problem.slots}
    tables_used: set[tuple[int, int]] = set()
    for mid, (slot, table) in problem.fixed.items():
        m = by_id.get(mid)
        if m is None or slot not in session_of:
            raise ProblemError(f"fixed meeting {mid} is unknown or in an unknown slot")
        if (slot, table) in tables_used or not 1 <= table <= problem.tables:
            raise ProblemError(f"fixed meeting {mid}: table {table} in slot {slot} is not free")
        tables_used.add((slot, table))
        for p in (m.a, m.b):
            if (p, slot) in busy:
                raise ProblemError(f"fixed meeting {mid}: participant {p} is busy in {slot}")
            busy.add((p, slot))
            per_session[(p, session_of[slot])] += 1
        per_slot[slot] += 1
    return per_slot, busy, per_session


def candidate_slots(problem: Problem) -> dict[int, list[int]]:
    """For each free meeting, the slots in which both sides are available and not busy."""
    if problem.tables < 1:
        raise ProblemError("at least one table is needed")
    per_slot, busy, _ = _fixed_usage(problem)
    full = {s for s, n in per_slot.items() if n >= problem.tables}
    out: dict[int, list[int]] = {}
    for m in problem.meetings:
        if m.id in problem.fixed:
            continue
        both = problem.availability.get(m.a, frozenset()) & problem.availability.get(
            m.b, frozenset()
        )
        out[m.id] = sorted(
            s for s in both if s not in full and (m.a, s) not in busy and (m.b, s) not in busy
        )
    return out


def _tables(problem: Problem, chosen: dict[int, int]) -> dict[int, tuple[int, int]]:
    """Number the tables per slot: fixed meetings keep theirs, the others take the free ones."""
    placements = dict(problem.fixed)
    taken: dict[int, set[int]] = defaultdict(set)
    for slot, table in problem.fixed.values():
        taken[slot].add(table)
    for mid in sorted(chosen, key=lambda i: (chosen[i], i)):
        slot = chosen[mid]
        table = next(t for t in range(1, problem.tables + 1) if t not in taken[slot])
        taken[slot].add(table)
        placements[mid] = (slot, table)
    return placements


def _objective(problem: Problem, placements: dict[int, tuple[int, int]]) -> int:
    weight = {m.id: m.weight for m in problem.meetings}
    return sum(weight[mid] for mid in placements)


def greedy(problem: Problem) -> Schedule:
    """First come, first placed: each meeting in turn takes the earliest slot both sides have
    free (what fair tools do when a request is accepted)."""
    started = time.perf_counter()
    candidates = candidate_slots(problem)
    per_slot, busy, per_session = _fixed_usage(problem)
    session_of = {s.index: s.session for s in problem.slots}
    cap = problem.per_session_cap
    chosen: dict[int, int] = {}
    for m in problem.meetings:
        for s in candidates.get(m.id, ()):
            if per_slot[s] >= problem.tables or (m.a, s) in busy or (m.b, s) in busy:
                continue
            sess = session_of[s]
            if cap and (per_session[(m.a, sess)] >= cap or per_session[(m.b, sess)] >= cap):
                continue
            chosen[m.id] = s
            per_slot[s] += 1
            busy.update({(m.a, s), (m.b, s)})
            per_session[(m.a, sess)] += 1
            per_session[(m.b, sess)] += 1
            break
    placements = _tables(problem, chosen)
    return Schedule(
        method="greedy",
        placements=placements,
        objective=_objective(problem, placements),
        bound=sum(m.weight for m in problem.meetings),
        seconds=time.perf_counter() - started,
        status="GREEDY",
    )


def _session_rows(problem: Problem) -> tuple[dict[int, list[int]], dict[int, int]]:
    slots_of: dict[int, list[int]] = defaultdict(list)
    for s in problem.slots:
        slots_of[s.session].append(s.index)
    per_slot_fixed, _busy, _ = _fixed_usage(problem)
    room = {
        sess: sum(max(0, problem.tables - per_slot_fixed.get(s, 0)) for s in idx)
        for sess, idx in slots_of.items()
    }
    return slots_of, room


def _new_solver(seconds: float, workers: int, gap: float, seed: int) -> Any:
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.2, seconds)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.relative_gap_limit = gap
    solver.parameters.random_seed = seed
    return solver


@dataclass
class _Stage1:
    """The session-level relaxation's rows: columns (meeting, session) and their limits."""

    columns: list[tuple[int, int, int]]  # (meeting id, session, weight)
    rows: dict[tuple, list[int]]  # key → column indexes
    limits: dict[tuple, int]


def _stage1_rows(problem: Problem, candidates: dict[int, list[int]]) -> _Stage1:
    session_of = {s.index: s.session for s in problem.slots}
    _per_slot, busy, per_session_fixed = _fixed_usage(problem)
    _slots_of, room = _session_rows(problem)
    free: dict[tuple[int, int], int] = defaultdict(int)  # (participant, session) → free slots
    for p in problem.participants():
        for s in problem.availability.get(p, frozenset()):
            if s in session_of and (p, s) not in busy:
                free[(p, session_of[s])] += 1
    by_id = {m.id: m for m in problem.meetings}
    columns: list[tuple[int, int, int]] = []
    rows: dict[tuple, list[int]] = defaultdict(list)
    limits: dict[tuple, int] = {}
    cap = problem.per_session_cap
    for mid, slots in candidates.items():
        m = by_id[mid]
        for sess in sorted({session_of[s] for s in slots}):
            j = len(columns)
            columns.append((mid, sess, m.weight))
            rows[("m", mid)].append(j)
            limits[("m", mid)] = 1
            rows[("s", sess)].append(j)
            limits[("s", sess)] = room[sess]
            for p in (m.a, m.b):
                limit = free[(p, sess)]
                if cap:
                    limit = min(limit, max(0, cap - per_session_fixed.get((p, sess), 0)))
                rows[("p", p, sess)].append(j)
                limits[("p", p, sess)] = limit
    return _Stage1(columns, dict(rows), limits)


def _lp_bound(stage: _Stage1) -> tuple[float, list[float]]:
    """The linear relaxation (GLOP): a proven upper bound and the fractional values."""
    from ortools.linear_solver import pywraplp

    lp = pywraplp.Solver.CreateSolver("GLOP")
    cols = [lp.NumVar(0.0, 1.0, "") for _ in stage.columns]
    for key, idx in stage.rows.items():
        if len(idx) > stage.limits[key]:
            ct = lp.Constraint(-lp.infinity(), float(stage.limits[key]))
            for j in idx:
                ct.SetCoefficient(cols[j], 1.0)
    objective = lp.Objective()
    for j, (_mid, _sess, weight) in enumerate(stage.columns):
        objective.SetCoefficient(cols[j], float(weight))
    objective.SetMaximization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return float("inf"), [0.0] * len(cols)
    # The dual bound of a solved LP: its optimum (plus a hair for floating point).
    return objective.Value() * (1 + 1e-9) + 1e-6, [c.solution_value() for c in cols]


def _round(stage: _Stage1, values: list[float]) -> list[int]:
    """Columns taken most-fractional-last: an integral solution of the relaxation."""
    used: dict[tuple, int] = defaultdict(int)
    keys_of: dict[int, list[tuple]] = defaultdict(list)
    for key, idx in stage.rows.items():
        for j in idx:
            keys_of[j].append(key)
    order = sorted(range(len(values)), key=lambda j: (-round(values[j], 6), -stage.columns[j][2]))
    taken: list[int] = []
    for j in order:
        if values[j] <= 1e-6 and taken and stage.columns[j][2] <= 0:
            break
        if all(used[k] < stage.limits[k] for k in keys_of[j]):
            for k in keys_of[j]:
                used[k] += 1
            taken.append(j)
    return taken


def _choose_sessions(
    problem: Problem,
    candidates: dict[int, list[int]],
    *,
    seconds: float,
    workers: int,
    gap: float,
    seed: int,
    progress: Callable[[int, int, float], None] | None,
) -> tuple[dict[int, int], int, str]:
    """Stage 1, a relaxation: which meetings go into which session, keeping per participant
    and session no more meetings than free slots (and the cap), per session no more than its
    free tables × slots. Every real schedule is a solution of it, so a bound on it bounds the
    real optimum. Its linear relaxation (GLOP) gives the first bound and, rounded, the hint;
    CP-SAT then improves both. Returns (meeting → session, bound, status)."""
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    stage = _stage1_rows(problem, candidates)
    fixed_objective = _objective(problem, problem.fixed)
    lp_bound, values = _lp_bound(stage)
    rounded = set(_round(stage, values))
    rounded_value = sum(stage.columns[j][2] for j in rounded)
    if rounded_value >= lp_bound * (1 - gap) - 1e-6:  # the LP was (nearly) integral: done
        chosen = {stage.columns[j][0]: stage.columns[j][1] for j in rounded}
        proven = "OPTIMAL" if rounded_value >= int(lp_bound) else "FEASIBLE"
        if progress is not None:
            progress(
                rounded_value + fixed_objective,
                int(lp_bound) + fixed_objective,
                time.perf_counter() - started,
            )
        return chosen, int(lp_bound) + fixed_objective, proven
    model = cp_model.CpModel()
    y = [model.new_bool_var("") for _ in stage.columns]
    for j, var in enumerate(y):
        model.add_hint(var, j in rounded)
    for key, idx in stage.rows.items():
        if len(idx) <= stage.limits[key]:
            continue
        if stage.limits[key] == 1:
            model.add_at_most_one(y[j] for j in idx)
        else:
            model.add(sum(y[j] for j in idx) <= stage.limits[key])
    model.maximize(sum(w * y[j] for j, (_m, _s, w) in enumerate(stage.columns)))
    solver = _new_solver(seconds - (time.perf_counter() - started), workers, gap, seed)
    callback = None
    if progress is not None:
        report = progress

        class _Progress(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                report(
                    int(self.objective_value) + fixed_objective,
                    int(min(self.best_objective_bound, lp_bound)) + fixed_objective,
                    time.perf_counter() - started,
                )

        callback = _Progress()
    status = solver.solve(model, callback) if callback else solver.solve(model)
    name = solver.status_name(status)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        taken = [j for j, var in enumerate(y) if solver.boolean_value(var)]
        bound = min(solver.best_objective_bound, lp_bound)
    else:  # nothing better than the rounding in the time given
        taken, bound, name = sorted(rounded), lp_bound, "FEASIBLE"
    chosen = {stage.columns[j][0]: stage.columns[j][1] for j in taken}
    return chosen, int(bound) + fixed_objective, name


def _place_in_slots(
    problem: Problem,
    candidates: dict[int, list[int]],
    sessions: dict[int, int],
    *,
    seconds: float,
    workers: int,
    seed: int,
) -> dict[int, int]:
    """Stage 2: the meetings chosen for each session into its slots (per participant one per
    slot, per slot the free tables), as many and as heavy as possible; meetings it cannot
    place are tried again in any free slot at the end."""
    from ortools.sat.python import cp_model

    session_of = {s.index: s.session for s in problem.slots}
    per_slot_fixed, busy, per_session_fixed = _fixed_usage(problem)
    by_id = {m.id: m for m in problem.meetings}
    chosen: dict[int, int] = {}
    groups: dict[int, list[int]] = defaultdict(list)
    for mid, sess in sessions.items():
        groups[sess].append(mid)
    deadline = time.perf_counter() + seconds
    total = max(1, len(sessions))
    slots_of, _room = _session_rows(problem)
    for sess, mids in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        session_slots = slots_of[sess]
        coloured = None
        if not any(per_slot_fixed.get(s) for s in session_slots) and all(
            len([s for s in candidates[mid] if session_of[s] == sess]) == len(session_slots)
            for mid in mids
        ):
            coloured = bipartite_colouring(
                [(mid, by_id[mid].a, by_id[mid].b) for mid in mids],
                session_slots,
                problem.tables,
            )
        if coloured is not None:
            chosen.update(coloured)
            total -= len(mids)
            continue
        model = cp_model.CpModel()
        x: dict[tuple[int, int], Any] = {}
        by_slot: dict[int, list] = defaultdict(list)
        by_person_slot: dict[tuple[int, int], list] = defaultdict(list)
        terms = []
        for mid in mids:
            m = by_id[mid]
            row = []
            for s in candidates[mid]:
                if session_of[s] != sess:
                    continue
                var = model.new_bool_var("")
                x[(mid, s)] = var
                row.append(var)
                by_slot[s].append(var)
                by_person_slot[(m.a, s)].append(var)
                by_person_slot[(m.b, s)].append(var)
                terms.append(m.weight * var)
            if len(row) > 1:
                model.add_at_most_one(row)
        for vars_ in by_person_slot.values():
            if len(vars_) > 1:
                model.add_at_most_one(vars_)
        for s, vars_ in by_slot.items():
            room = problem.tables - per_slot_fixed.get(s, 0)
            if len(vars_) > room:
                model.add(sum(vars_) <= room)
        model.maximize(sum(terms))
        share = (deadline - time.perf_counter()) * len(mids) / total
        total -= len(mids)
        solver = _new_solver(share, workers, 0.0, seed)
        status = solver.solve(model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            chosen.update({mid: s for (mid, s), var in x.items() if solver.boolean_value(var)})
    # Fill: any meeting still out goes into the earliest slot that keeps every rule.
    used = defaultdict(int, per_slot_fixed)
    taken = set(busy)
    count = defaultdict(int, per_session_fixed)
    for mid, s in chosen.items():
        m = by_id[mid]
        used[s] += 1
        taken.update({(m.a, s), (m.b, s)})
        count[(m.a, session_of[s])] += 1
        count[(m.b, session_of[s])] += 1
    cap = problem.per_session_cap
    for m in sorted(problem.meetings, key=lambda m: -m.weight):
        if m.id in chosen or m.id in problem.fixed:
            continue
        for s in candidates.get(m.id, ()):
            sess = session_of[s]
            if used[s] >= problem.tables or (m.a, s) in taken or (m.b, s) in taken:
                continue
            if cap and (count[(m.a, sess)] >= cap or count[(m.b, sess)] >= cap):
                continue
            chosen[m.id] = s
            used[s] += 1
            taken.update({(m.a, s), (m.b, s)})
            count[(m.a, sess)] += 1
            count[(m.b, sess)] += 1
            break
    return chosen


def _polish(
    problem: Problem,
    candidates: dict[int, list[int]],
    chosen: dict[int, int],
    bound: int,
    *,
    seconds: float,
    workers: int,
    seed: int,
) -> dict[int, int]:
    """Stage 3: the whole slot-level model started from the stage-2 schedule, so CP-SAT's
    neighbourhood search can move meetings across sessions and let in those left out."""
    from ortools.sat.python import cp_model

    weight = {m.id: m.weight for m in problem.meetings}
    fixed_objective = _objective(problem, problem.fixed)
    if seconds < 1.0 or sum(weight[m] for m in chosen) + fixed_objective >= bound:
        return chosen
    per_slot_fixed, _busy, per_session_fixed = _fixed_usage(problem)
    session_of = {s.index: s.session for s in problem.slots}
    by_id = {m.id: m for m in problem.meetings}
    model = cp_model.CpModel()
    x: dict[tuple[int, int], Any] = {}
    by_slot: dict[int, list] = defaultdict(list)
    by_person_slot: dict[tuple[int, int], list] = defaultdict(list)
    by_person_session: dict[tuple[int, int], list] = defaultdict(list)
    terms = []
    for mid, slots in candidates.items():
        m = by_id[mid]
        row = []
        for s in slots:
            var = model.new_bool_var("")
            x[(mid, s)] = var
            row.append(var)
            by_slot[s].append(var)
            for p in (m.a, m.b):
                by_person_slot[(p, s)].append(var)
                by_person_session[(p, session_of[s])].append(var)
            terms.append(m.weight * var)
            model.add_hint(var, chosen.get(mid) == s)
        if len(row) > 1:
            model.add_at_most_one(row)
    for vars_ in by_person_slot.values():
        if len(vars_) > 1:
            model.add_at_most_one(vars_)
    for s, vars_ in by_slot.items():
        room = problem.tables - per_slot_fixed.get(s, 0)
        if len(vars_) > room:
            model.add(sum(vars_) <= room)
    if problem.per_session_cap:
        for key, vars_ in by_person_session.items():
            room = max(0, problem.per_session_cap - per_session_fixed.get(key, 0))
            if len(vars_) > room:
                model.add(sum(vars_) <= room)
    objective = sum(terms)
    model.maximize(objective)
    model.add(objective <= bound - _objective(problem, problem.fixed))
    solver = _new_solver(seconds, workers, 0.0, seed)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return chosen
    better = {mid: s for (mid, s), var in x.items() if solver.boolean_value(var)}
    if sum(weight[m] for m in better) > sum(weight[m] for m in chosen):
        return better
    return chosen


def solve(
    problem: Problem,
    *,
    time_limit: float = 60.0,
    workers: int = 2,
    relative_gap: float = 0.002,
    seed: int = 1,
    progress: Callable[[int, int, float], None] | None = None,
) -> Schedule:
    """The CP-SAT schedule with its proven bound (stage 1 chooses sessions and proves the
    bound, stage 2 places the chosen meetings into slots); the greedy schedule is the starting
    hint and is returned instead if the solver does no better within the limit."""
    started = time.perf_counter()
    baseline = greedy(problem)
    candidates = candidate_slots(problem)
    sessions, bound, status = _choose_sessions(
        problem,
        candidates,
        seconds=time_limit * 0.6,
        workers=workers,
        gap=relative_gap,
        seed=seed,
        progress=progress,
    )
    remaining = time_limit - (time.perf_counter() - started)
    chosen = _place_in_slots(
        problem, candidates, sessions, seconds=remaining * 0.4, workers=workers, seed=seed
    )
    remaining = time_limit - (time.perf_counter() - started)
    chosen = _polish(
        problem, candidates, chosen, bound, seconds=remaining * 0.8, workers=workers, seed=seed
    )
    placements = _tables(problem, chosen)
    objective = _objective(problem, placements)
    if objective < baseline.objective:
        placements, objective = baseline.placements, baseline.objective
    if status == "OPTIMAL" and objective >= bound:
        status = "OPTIMAL"
    elif status == "OPTIMAL":
        status = "FEASIBLE"
    return Schedule(
        method="solver",
        placements=placements,
        objective=objective,
        bound=max(bound, objective),
        seconds=time.perf_counter() - started,
        status=status,
    )


def violations(problem: Problem, schedule: Schedule) -> list[str]:
    """Every invariant a schedule must keep; an empty list means it is valid."""
    out: list[str] = []
    by_id = {m.id: m for m in problem.meetings}
    slot_ids = {s.index for s in problem.slots}
    session_of = {s.index: s.session for s in problem.slots}
    seen_table: set[tuple[int, int]] = set()
    seen_person: set[tuple[int, int]] = set()
    per_session: dict[tuple[int, int], int] = defaultdict(int)
    for mid, (slot, table) in schedule.placements.items():
        m = by_id.get(mid)
        if m is None:
            out.append(f"unknown meeting {mid}")
            continue
        if slot not in slot_ids:
            out.append(f"meeting {mid} in unknown slot {slot}")
            continue
        if not 1 <= table <= problem.tables:
            out.append(f"meeting {mid} at table {table} outside 1..{problem.tables}")
        if (slot, table) in seen_table:
            out.append(f"table {table} double-booked in slot {slot}")
        seen_table.add((slot, table))
        for p in (m.a, m.b):
            if (p, slot) in seen_person:
                out.append(f"participant {p} double-booked in slot {slot}")
            seen_person.add((p, slot))
            per_session[(p, session_of[slot])] += 1
            if mid not in problem.fixed and slot not in problem.availability.get(p, frozenset()):
                out.append(f"participant {p} not available in slot {slot} (meeting {mid})")
        if m.a == m.b:
            out.append(f"meeting {mid} with oneself")
    for mid, spot in problem.fixed.items():
        if schedule.placements.get(mid) != spot:
            out.append(f"fixed meeting {mid} moved")
    if problem.per_session_cap:
        fixed_count: dict[tuple[int, int], int] = defaultdict(int)
        for mid, (slot, _t) in problem.fixed.items():
            for p in (by_id[mid].a, by_id[mid].b):
                fixed_count[(p, session_of[slot])] += 1
        for key, n in per_session.items():
            if n > max(problem.per_session_cap, fixed_count[key]):
                out.append(f"participant {key[0]} over the cap in session {key[1]}")
    if schedule.objective != _objective(problem, schedule.placements):
        out.append("objective does not match the placements")
    if schedule.bound < schedule.objective:
        out.append("bound below the objective")
    return out


def slot_grid(
    sessions: Iterable[tuple[int, object, object]], *, meeting_minutes: int, gap_minutes: int
) -> list[Slot]:
    """Slots of ``meeting_minutes`` with ``gap_minutes`` between them in each session window
    ``(session id, start, end)``; a meeting never runs past its session's end."""
    from datetime import timedelta

    slots: list[Slot] = []
    step = timedelta(minutes=meeting_minutes + gap_minutes)
    length = timedelta(minutes=meeting_minutes)
    for session_id, start, end in sorted(sessions, key=lambda s: s[1]):  # type: ignore[arg-type, return-value]
        at = start
        while at + length <= end:  # type: ignore[operator]
            slots.append(Slot(len(slots), session_id, at, at + length))  # type: ignore[operator]
            at = at + step  # type: ignore[operator]
    return slots
