"""Exact edge colouring of a bipartite session graph into its slots, with at most "tables"
meetings per slot (no Django; used by ``scheduling``)."""

from __future__ import annotations

from collections import defaultdict


def bipartite_colouring(
    edges: list[tuple[int, int, int]], colours: list[int], capacity: int
) -> dict[int, int] | None:
    """Edge-colour a bipartite multigraph-free graph whose degrees are at most ``len(colours)``
    (König: that many colours suffice), then balance the colour classes so none exceeds
    ``capacity`` (de Werra: possible whenever the edges fit in colours × capacity). Returns
    edge id → colour, or None when the graph is not bipartite or does not fit."""
    k = len(colours)
    if len(edges) > k * capacity:
        return None
    side: dict[int, int] = {}
    adjacency: dict[int, list[int]] = defaultdict(list)
    for _e, a, b in edges:
        adjacency[a].append(b)
        adjacency[b].append(a)
    for start in adjacency:
        if start in side:
            continue
        side[start] = 0
        stack = [start]
        while stack:
            v = stack.pop()
            for w in adjacency[v]:
                if w not in side:
                    side[w] = 1 - side[v]
                    stack.append(w)
                elif side[w] == side[v]:
                    return None
    if any(len(n) > k for n in adjacency.values()):
        return None
    at: dict[int, list] = defaultdict(lambda: [None] * k)  # vertex → colour → (edge, other)
    colour_of: dict[int, int] = {}

    def flip(v: int, c: int, d: int) -> None:
        """Swap colours c and d along the c/d path starting at v with colour c."""
        path = []
        cur, col = v, c
        while at[cur][col] is not None:
            e, nxt = at[cur][col]
            path.append((e, cur, nxt, col))
            cur, col = nxt, (d if col == c else c)
        for _e, x, y, col in path:
            at[x][col] = at[y][col] = None
        for e, x, y, col in path:
            new = d if col == c else c
            at[x][new] = (e, y)
            at[y][new] = (e, x)
            colour_of[e] = new

    for e, a, b in edges:
        alpha = next(c for c in range(k) if at[a][c] is None)
        beta = next(c for c in range(k) if at[b][c] is None)
        if at[b][alpha] is not None:
            flip(b, alpha, beta)  # bipartite: the path never reaches a
        at[a][alpha] = (e, b)
        at[b][alpha] = (e, a)
        colour_of[e] = alpha
    counts = [0] * k
    for c in colour_of.values():
        counts[c] += 1
    for _attempt in range(len(edges) + k):
        over = max(range(k), key=lambda c: counts[c])
        if counts[over] <= capacity:
            break
        under = min(range(k), key=lambda c: counts[c])
        # A c/d path with c-edges at both ends: flipping it moves one edge from c to d.
        for v in list(at):
            if at[v][over] is None or at[v][under] is not None:
                continue
            cur, col, ends_with = v, over, over
            while at[cur][col] is not None:
                _e, cur = at[cur][col]
                ends_with = col
                col = under if col == over else over
            if ends_with == over and cur != v:
                flip(v, over, under)
                counts[over] -= 1
                counts[under] += 1
                break
        else:
            return None
    if max(counts) > capacity:
        return None
    return {e: colours[c] for e, c in colour_of.items()}
