"""Properties of the national nested-JSON reader (:mod:`chiso766.io.national`, SPEC §8 r2).

Invariants, in words:

- whatever JSON object a file holds, :func:`flatten` either returns a plain object or raises
  :class:`NestedError` (with the key and a reason) — never another exception;
- flattening is idempotent: a flattened object has no nested lists left, so flattening it again
  changes nothing;
- a derived flag is "yes" exactly when some item of its list says so (here for ``DuocSoHoa``).
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from chiso766.io.national import NESTED_KEYS, NestedError, flatten

_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=True),
                     st.text(max_size=8), st.sampled_from(["0", "1", "", "có", "50000", "7"]))
_json = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=12)
_keys = st.sampled_from(["TaiLieuNop", "DSKetNoiCSDL", "DanhSachPhiLePhi", "DanhSachLePhi",
                         "DanhSachGiayToKetQua", "HoSoCoThanhPhanSoHoa", "MaHoSo", "DuocSoHoa",
                         "TaiKhoanDuocXacThucVoiVNeID", "Gia", "MaCSDL"])
_items = st.dictionaries(_keys, _json, max_size=4)
_objects = st.dictionaries(_keys, st.one_of(_json, st.lists(_items, max_size=3)), max_size=6)


@given(_objects)
def test_flatten_returns_an_object_or_says_why(obj: dict[str, Any]) -> None:
    try:
        flat = flatten(obj)
    except NestedError as exc:
        assert exc.reason and exc.key
        assert exc.field
        return
    assert isinstance(flat, dict)
    assert not any(k.lower() in NESTED_KEYS for k in flat)
    assert flatten(flat) == flat


@given(st.lists(st.sampled_from(["0", "1", 0, 1, True, False, "", None]), max_size=5))
def test_reuse_is_any_component(flags: list[Any]) -> None:
    obj = {"MaHoSo": "X", "TaiLieuNop": [{"DuocSoHoa": f} for f in flags]}
    expected = any(f in ("1", 1, True) for f in flags)
    assert flatten(obj)["reuses_digitized_data"] is expected
