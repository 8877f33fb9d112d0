"""The national sync JSON's nested lists, read into the dossier's flat fields (docs/inputs.md r2;
docs/inputs.md "Nested national records").

A dossier exported as the national portal's sync JSON carries lists instead of flat flags:

- ``TaiLieuNop[]`` — the components submitted, each with ``DuongDanTaiTepTin`` (the attached
  file), ``DuocSoHoa`` (digitized data re-used), ``DuocLayTuKhoDMQG`` (taken from the applicant's
  data store on the national portal) and, optionally, ``MaCSDL`` (the database it came from);
- ``DSKetNoiCSDL[]`` — the databases the dossier was connected to, each a ``MaCSDL``;
- ``DanhSachPhiLePhi[]`` (also spelled ``DanhSachLePhi``) — the fees, each with its ``Gia``;
- ``DanhSachGiayToKetQua[]`` — the result files, each with ``MaGiayToKetQua`` and
  ``DuongDanTepTinKetQua``.

:func:`flatten` turns one such object into the flat fields the readers know:

==========================  ===============================================================
``components_digitized``    some component has a file attached
``reuses_digitized_data``   ``HoSoCoThanhPhanSoHoa`` = 1, or some ``DuocSoHoa`` = 1
``uses_personal_data_store``  some ``DuocLayTuKhoDMQG`` = 1 (or the flat column)
``uses_population_data``    ``TaiKhoanDuocXacThucVoiVNeID`` = 1, or a ``MaCSDL`` naming the
                            population database (criterion 4.5b also counts a
                            ``DuocLayTuKhoDMQG`` component, whichever form the file has)
``has_fee_data``            some ``Gia`` > 0
``has_electronic_result``   some result file with both its code and its path
==========================  ===============================================================

A flat column given next to a list is combined with it by "or" (either says yes → yes). The codes
of ``MaCSDL`` that mean "the national population database" (Cơ sở dữ liệu quốc gia về dân cư)
are a reader option, default :data:`POPULATION_DATABASES`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from . import values as v
from .columns import FIELDS, fold_name

__all__ = ["NESTED_KEYS", "POPULATION_DATABASES", "NestedError", "flatten", "has_nested"]

#: Default ``MaCSDL`` codes read as the national population database: ``"7"``, the code the
#: provinces' one-stop systems send in ``DSKetNoiCSDL`` for a dossier whose applicant data came
#: from it. No published code list confirms it: pass your system's codes to the readers
#: (``population_databases=``) when they differ (docs/inputs.md).
POPULATION_DATABASES: Final[frozenset[str]] = frozenset({"7"})


class NestedError(ValueError):
    """A nested list cannot be read; names the key (``TaiLieuNop[2].DuocSoHoa``) and why."""

    def __init__(self, key: str, value: Any, reason: str) -> None:
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.value = value
        self.reason = reason

    @property
    def field(self) -> str:
        """The dossier field the unreadable value feeds."""
        last = fold_name(self.key.rsplit(".", 1)[-1].split("[", 1)[0])
        return _FEEDS.get(last, "components_digitized")


_COMPONENTS = "tailieunop"
_DATABASES = "dsketnoicsdl"
_FEES = ("danhsachphilephi", "danhsachlephi")
_RESULTS = "danhsachgiaytoketqua"
#: Folded keys of the nested lists :func:`flatten` reads.
NESTED_KEYS: Final[frozenset[str]] = frozenset({_COMPONENTS, _DATABASES, *_FEES, _RESULTS})


def _aliases(field: str) -> frozenset[str]:
    return frozenset(fold_name(name) for name in FIELDS["dossiers"][field])


_FEEDS = {
    "duongdantaiteptin": "components_digitized", "tailieunop": "components_digitized",
    "duocsohoa": "reuses_digitized_data", "duoclaytukhodmqg": "uses_personal_data_store",
    "macsdl": "uses_population_data", "dsketnoicsdl": "uses_population_data",
    "gia": "has_fee_data", "danhsachphilephi": "has_fee_data", "danhsachlephi": "has_fee_data",
    "magiaytoketqua": "has_electronic_result", "duongdanteptinketqua": "has_electronic_result",
    "danhsachgiaytoketqua": "has_electronic_result",
}
_FLAT = {field: _aliases(field) for field in (
    "components_digitized", "reuses_digitized_data", "uses_personal_data_store",
    "uses_population_data", "has_fee_data", "has_electronic_result")}


def has_nested(keys: Iterable[str]) -> bool:
    """Whether an object with these keys holds one of the nested lists :func:`flatten` reads."""
    return any(fold_name(k) in NESTED_KEYS for k in keys)


def flatten(obj: Mapping[str, Any],
            population_databases: Collection[str] = POPULATION_DATABASES) -> dict[str, Any]:
    """The flat form of one national dossier object: its nested lists replaced by the fields
    they mean (see the module docstring). An object without nested lists is returned as is.
    Raises :class:`NestedError` for a list that is not a list of objects, or a value in it
    that cannot be read."""
    nested_keys = [k for k in obj if fold_name(k) in NESTED_KEYS]
    if not nested_keys:
        return dict(obj)
    nested = {fold_name(k): k for k in nested_keys}
    out = {k: val for k, val in obj.items() if k not in nested_keys}
    derived: dict[str, bool] = {}
    codes: list[str] = []
    if _COMPONENTS in nested:
        items = _items(obj, nested[_COMPONENTS])
        key = nested[_COMPONENTS]
        derived["components_digitized"] = any(
            _text(item, "DuongDanTaiTepTin", f"{key}[{i}]") for i, item in items)
        derived["reuses_digitized_data"] = any(
            _yes(item, "DuocSoHoa", f"{key}[{i}]") for i, item in items)
        derived["uses_personal_data_store"] = any(
            _yes(item, "DuocLayTuKhoDMQG", f"{key}[{i}]") for i, item in items)
        codes += [c for i, item in items if (c := _text(item, "MaCSDL", f"{key}[{i}]"))]
    if _DATABASES in nested:
        key = nested[_DATABASES]
        codes += [c for i, item in _items(obj, key) if (c := _text(item, "MaCSDL", f"{key}[{i}]"))]
    if codes:
        wanted = {str(c).strip() for c in population_databases}
        found = any(c in wanted for c in codes)
        derived["uses_population_data"] = found
    fees = [nested[k] for k in _FEES if k in nested]
    if fees:
        derived["has_fee_data"] = any(_price(item, f"{key}[{i}]") > 0
                                      for key in fees for i, item in _items(obj, key))
    if _RESULTS in nested:
        key = nested[_RESULTS]
        derived["has_electronic_result"] = any(
            _text(item, "MaGiayToKetQua", f"{key}[{i}]")
            and _text(item, "DuongDanTepTinKetQua", f"{key}[{i}]")
            for i, item in _items(obj, key))
    for field, value in derived.items():
        _combine(out, field, value)
    return out


def _combine(out: dict[str, Any], field: str, value: bool) -> None:
    """Put ``field`` = ``value`` in ``out``, or'ed with a flat column already there. A flat
    value that cannot be read is left alone for the reader to reject with its reason."""
    flat = [k for k in out if fold_name(k) in _FLAT[field]]
    combined = value
    for k in flat:
        raw = out[k]
        if raw is None or raw == "":
            continue
        try:
            parsed = v.flag(raw.strip() if isinstance(raw, str) else raw)
        except v.CellError:
            return
        combined = combined or parsed is True
    if field == "has_electronic_result":
        # MaKetQua + DuongDanTepTinKetQua given flat say the same as a result file in the list.
        parts = [str(val).strip() for k, val in out.items() if val is not None
                 and fold_name(k) in ("maketqua", "duongdanteptinketqua")]
        combined = combined or (len(parts) == 2 and all(parts))
    for k in flat:
        del out[k]
    out[field] = combined


def _items(obj: Mapping[str, Any], key: str) -> list[tuple[int, Mapping[str, Any]]]:
    value = obj[key]
    if value is None:
        return []
    if not isinstance(value, list):
        raise NestedError(key, value, "expected a list of objects")
    out: list[tuple[int, Mapping[str, Any]]] = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise NestedError(f"{key}[{i}]", item, "expected an object")
        out.append((i, item))
    return out


def _get(item: Mapping[str, Any], name: str) -> tuple[str | None, Any]:
    folded = fold_name(name)
    for k, val in item.items():
        if fold_name(k) == folded:
            return k, val
    return None, None


def _yes(item: Mapping[str, Any], name: str, where: str) -> bool:
    key, raw = _get(item, name)
    if key is None or raw is None or raw == "":
        return False
    try:
        value = v.flag(raw.strip() if isinstance(raw, str) else raw)
    except v.CellError as exc:
        raise NestedError(f"{where}.{key}", raw, exc.reason) from None
    return value is True


def _text(item: Mapping[str, Any], name: str, where: str) -> str:
    key, raw = _get(item, name)
    if key is None or raw is None:
        return ""
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise NestedError(f"{where}.{key}", raw, "expected text")
    return str(raw).strip()


def _price(item: Mapping[str, Any], where: str) -> Decimal:
    key, raw = _get(item, "Gia")
    if key is None or raw is None or raw == "":
        return Decimal(0)
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise NestedError(f"{where}.{key}", raw, "expected an amount (e.g. 50000)")
    text = str(raw).strip().replace(" ", "")
    if isinstance(raw, str) and "," in text and "." not in text:
        text = text.replace(",", "")  # 50,000 written with a thousands separator
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise NestedError(f"{where}.{key}", raw, "expected an amount (e.g. 50000)") from None
    if not amount.is_finite() or amount < 0:
        raise NestedError(f"{where}.{key}", raw, "expected an amount ≥ 0")
    return amount

