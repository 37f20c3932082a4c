"""The process index's id maps and LSH answer exactly what dicts and sets answered."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from jieli.duplicates import lsh
from jieli.duplicates.idmap import IdMap

# Dense small ids, negative ones and far ones (which must not grow the array).
_ids = st.one_of(st.integers(0, 300), st.integers(-5, -1), st.integers(10**9, 10**9 + 3))
_ops = st.lists(
    st.tuples(st.sampled_from(["set", "pop"]), _ids, st.integers(0, 1000)), max_size=200
)


@settings(max_examples=200, deadline=None)
@given(_ops)
def test_idmap_behaves_as_a_dict(ops):
    mapped, reference = IdMap(np.int32), {}
    for op, record_id, value in ops:
        if op == "set":
            mapped.set(record_id, value)
            reference[record_id] = value
        else:
            assert mapped.pop(record_id) == reference.pop(record_id, -1)
        assert len(mapped) == len(reference)
    probe = sorted({i for _op, i, _v in ops} | {7, -3, 10**9 + 9})
    for record_id in probe:
        assert mapped.get(record_id) == reference.get(record_id, -1)
        assert (record_id in mapped) == (record_id in reference)
        assert (np.int64(record_id) in mapped) == (record_id in reference)
    looked = mapped.lookup(np.array(probe, dtype=np.int64))
    assert looked.tolist() == [reference.get(i, -1) for i in probe]
    assert mapped.nbytes() < 8 * 4096  # the far ids stayed out of the array


_keys = st.lists(st.integers(0, 40), max_size=6)
_lsh_ops = st.lists(
    st.tuples(
        st.sampled_from(["insert", "insert", "remove", "compact"]), st.integers(0, 30), _keys
    ),
    max_size=120,
)


@settings(max_examples=200, deadline=None)
@given(_lsh_ops, st.integers(1, 12))
def test_lsh_answers_what_a_plain_map_answers(ops, pending_max):
    """Whatever the merge schedule (a tiny ``PENDING_MAX`` merges often), ``query`` and
    ``query_array`` return exactly the records sharing a key with the query."""
    previous = lsh.PENDING_MAX
    lsh.PENDING_MAX = pending_max
    try:
        index = lsh.CompactLSH(lsh.BandHasher(2, 2))
        reference: dict[int, set[int]] = {}
        for op, record_id, keys in ops:
            if op == "insert":
                index.insert(record_id, np.array(keys, dtype=np.uint64))
                reference.pop(record_id, None)
                if keys:
                    reference[record_id] = set(keys)
            elif op == "remove":
                index.remove(record_id)
                reference.pop(record_id, None)
            else:
                index._compact()
            assert len(index) == len(reference)
        for probe in [[k] for k in range(41)] + [[1, 2, 3], list(range(41))]:
            expected = {rid for rid, keys in reference.items() if keys & set(probe)}
            query = np.array(probe, dtype=np.uint64)
            assert index.query(query) == expected
            assert index.query_array(query).tolist() == sorted(expected)
        for record_id in range(31):
            assert (record_id in index) == (record_id in reference)
    finally:
        lsh.PENDING_MAX = previous
