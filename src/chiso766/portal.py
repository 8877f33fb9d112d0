"""The national portal's own published numbers: read the six saved scoring responses, check their
arithmetic (docs/portal.md, docs/rules.md "Rounding, exactly as the portal publishes").

The national public service portal (Cổng Dịch vụ công quốc gia, dichvucong.gov.vn) publishes
each unit's Decision 766 scores through one JSON response per card ("thẻ"): ``transparency``,
``dvc-progress-tree``, ``provide-online-tree``, ``formality-online-payment-tree``,
``dossier-digitized`` and ``handling-satisfaction``. A province saves them from its browser or an
API client; the library never goes to the network.

* :func:`read_portal` reads one or more saved responses (a folder of them, or files), whatever card
  each is — recognised by its shape and fields, never by its file name — into a
  :class:`PortalSnapshot`: the units with their tree (``departmentCode`` H44 → H44.xx departments,
  H44.xxx communes) and, per unit and criterion, the published numerator, denominator, ratio,
  points and data-quality flag. Missing data stays ``None``, never 0.
* :meth:`PortalSnapshot.verify` recomputes every published point from the published counts with
  the library's arithmetic (one :func:`~chiso766.scoring.score_counts` per unit) and lists every
  difference.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

import attrs

from . import renderers
from .criteria.base import Note
from .errors import PolicyError, PortalError
from .records import UnitLevel
from .rounding import percent
from .rules import QD766, canonical_code
from .scoring import score_counts

__all__ = [
    "CARDS",
    "PortalCard",
    "PortalDifference",
    "PortalSnapshot",
    "PortalUnit",
    "PortalValue",
    "Verification",
    "read_portal",
]

#: The six cards and the library group or part each one is (docs/portal.md).
CARDS: dict[str, str] = {
    "transparency": "TRANSPARENCY",
    "dvc-progress-tree": "PROGRESS",
    "provide-online-tree": "ONLINE_SERVICES",
    "formality-online-payment-tree": "ONLINE_PAYMENT",
    "dossier-digitized": "DIGITIZATION",
    "handling-satisfaction": "SATISFACTION",
}

_GROUP_CARD = {
    "TRANSPARENCY": "transparency",
    "DIGITIZATION": "dossier-digitized",
    "SATISFACTION": "handling-satisfaction",
}

#: The tree cards publish raw parameters instead of metrics: criterion ← (numerator, denominator)
#: fields (the portal's formula reference, reproduced to the cent on a whole province; the online
#: payment denominators are ``totalFeeFormality``, see docs/portal.md).
_TREE_PAIRS: dict[str, tuple[tuple[str, tuple[str, ...], str], ...]] = {
    "dvc-progress-tree": (("DOSSIER_ON_TIME", ("totalOnTime",), "totalReceived"),),
    "provide-online-tree": (
        ("ONLINE_SERVICE_PROCEDURES", ("partialCount", "fullCount"), "authorityCount"),
        ("ONLINE_SERVICES_WITH_DOSSIERS", ("onlineDossierCount",), "onlineServiceTotal"),
        ("ONLINE_DOSSIERS", ("channelOnlineSum",), "channelTotalSum"),
    ),
    "formality-online-payment-tree": (
        ("ONLINE_PAYMENT_PROCEDURES", ("totalDossierOnlineFormalityPaymentSuccess",),
         "totalFeeFormality"),
        ("PAYMENT_INTEGRATED_PROCEDURES", ("totalFeeDossierFormality",), "totalFeeFormality"),
        ("ONLINE_PAID_DOSSIERS", ("totalDossierOnlinePaymentSuccess",),
         "totalDossierFinancialObligation"),
    ),
}

#: Fields that tell a tree card apart (on ``data.parent``).
_TREE_MARKS = (
    ("totalReceived", "dvc-progress-tree"),
    ("authorityCount", "provide-online-tree"),
    ("channelTotalSum", "provide-online-tree"),
    ("totalDossierFinancialObligation", "formality-online-payment-tree"),
)

_IDENTITY = frozenset({"departmentId", "departmentName", "departmentCode", "level", "stt",
                       "departmentType", "departmentLevel", "agencyLevel", "metrics",
                       "scoreDelta", "score", "maxScore", "totalScore", "totalMaxScore", "ratio"})

Number = int | Decimal


# ---------------------------------------------------------------------------------------------
# records


@attrs.define(frozen=True, slots=True)
class PortalUnit:
    """A unit as the portal lists it (đơn vị): ``departmentId``, ``departmentCode`` (when a card
    gives it: H44 the province, H44.xx a provincial department, H44.xxx a commune), name and
    level (``PROVINCE`` / ``COMMUNE`` as the portal says)."""

    department_id: str
    code: str | None
    name: str
    level: str | None = None  #: the portal's ``level`` / ``departmentLevel``
    kind: str | None = None  #: ``departmentType``: PROVINCE, PROVINCIAL_DEPARTMENT, …
    top: bool = False  #: the response's ``parent`` / ``overview`` (the root of the tree)

    @property
    def key(self) -> str:
        """The code when known, else the ``departmentId``."""
        return self.code if self.code is not None else self.department_id

    @property
    def parent_code(self) -> str | None:
        """``H44.07`` → ``H44``; the root has none."""
        if self.code is None or "." not in self.code:
            return None
        return self.code.rsplit(".", 1)[0]

    @property
    def unit_level(self) -> UnitLevel | None:
        """The library's level: the root is the province; a 2-digit suffix (H44.xx) a department,
        a 3-digit one (H44.xxx) a commune; without a code, the portal's own level."""
        if self.top:
            return UnitLevel.PROVINCE
        if self.code is not None and "." in self.code:
            suffix = self.code.rsplit(".", 1)[1]
            if len(suffix) == 2:
                return UnitLevel.DEPARTMENT
            if len(suffix) == 3:
                return UnitLevel.COMMUNE
        if self.kind == "PROVINCIAL_DEPARTMENT":
            return UnitLevel.DEPARTMENT
        if self.kind == "COMMUNE_PEOPLE_COMMITTEE" or self.level == "COMMUNE":
            return UnitLevel.COMMUNE
        return None


@attrs.define(frozen=True, slots=True)
class PortalValue:
    """One published criterion of one unit, as given (``None`` where the portal gives null or
    nothing; never 0 in its place)."""

    unit_id: str  #: the unit's ``departmentId``
    code: str  #: the library's criterion code
    portal_code: str | None  #: the portal's metric code (None on the tree cards)
    numerator: int | None
    denominator: int | None
    ratio: Decimal | None  #: the published percentage
    points: Decimal | None  #: the published points (None: null, or only a card total)
    max_points: Decimal | None
    quality: str | None = None  #: ``dataQualityStatus``
    quality_message: str | None = None  #: ``dataQualityMessage``
    card: str = ""
    file: str = ""
    key: str = ""  #: the JSON path of the entry


@attrs.define(frozen=True, slots=True)
class PortalCard:
    """One card's published total for one unit, with the raw parameters of the tree cards."""

    unit_id: str
    card: str
    group: str  #: the library group or part code (TRANSPARENCY, ONLINE_SERVICES, …)
    points: Decimal | None
    max_points: Decimal | None
    ratio: Decimal | None
    file: str
    key: str
    parameters: tuple[tuple[str, Number | None], ...] = ()
    counts_published: bool = True  #: False: the unit has only a total on this card


@attrs.define(frozen=True, slots=True)
class PortalDifference:
    """A published number the library's arithmetic does not reproduce."""

    unit_id: str
    unit_code: str | None
    name: str
    code: str  #: criterion code, or the group / part code for a card total
    what: str  #: "points", "ratio" or "total"
    published: Decimal | None
    recomputed: Decimal | None
    file: str
    key: str
    reason: Note | None = None

    def message(self, lang: str = "vi") -> str:
        unit = self.unit_code or self.unit_id
        if self.reason is not None:
            return f"{unit} {self.code}: {self.reason.text(lang)}"
        if lang == "en":
            return (f"{unit} {self.code} {self.what}: published {_show(self.published)}, "
                    f"recomputed {_show(self.recomputed)}")
        label = {"points": "điểm", "ratio": "tỷ lệ", "total": "tổng thẻ"}.get(self.what,
                                                                               self.what)
        return (f"{unit} {self.code} {label}: Cổng công bố {_show(self.published)}, "
                f"tính lại {_show(self.recomputed)}")


def _show(value: Decimal | None) -> str:
    return "null" if value is None else str(value)


@attrs.define(frozen=True, slots=True)
class Verification:
    """The result of :meth:`PortalSnapshot.verify`: every difference, how many published numbers
    were compared, and what could not be compared (said, not guessed)."""

    differences: tuple[PortalDifference, ...]
    checked: int
    notes: tuple[Note, ...]
    units: int

    @property
    def ok(self) -> bool:
        return not self.differences

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        return cast("dict[str, Any]", renderers.call("verification.to_dict", self, lang))


@attrs.define(frozen=True, slots=True)
class PortalSnapshot:
    """Everything read from the saved responses: units (by ``departmentId``, the root first, then
    by code), per unit the published criteria and card totals."""

    units: Mapping[str, PortalUnit]
    values: Mapping[str, Mapping[str, PortalValue]]  #: unit id → criterion code → value
    cards: Mapping[str, Mapping[str, PortalCard]]  #: unit id → card name → card
    files: Mapping[str, str]  #: card name → the file it was read from
    notes: tuple[Note, ...] = ()

    def unit(self, key: str) -> PortalUnit:
        """A unit by its ``departmentCode`` or ``departmentId``."""
        if isinstance(key, str):
            if key in self.units:
                return self.units[key]
            for u in self.units.values():
                if u.code == key:
                    return u
        raise PolicyError("no such unit in the portal responses (give a departmentCode or "
                          "departmentId)", record="PortalSnapshot", field="unit", value=key)

    @property
    def roots(self) -> tuple[PortalUnit, ...]:
        return tuple(u for u in self.units.values() if u.top)

    def value(self, unit: str, code: str) -> PortalValue | None:
        """The published value of criterion ``code`` (library or portal code) for ``unit``, or
        ``None`` when no response read publishes it."""
        if not isinstance(code, str):
            raise PolicyError("must be a criterion code (str)", record="PortalSnapshot",
                              field="code", value=code)
        u = self.unit(unit)
        return self.values.get(u.department_id, {}).get(canonical_code(code))

    def children(self, unit: str) -> tuple[PortalUnit, ...]:
        """The units directly below ``unit`` in the code tree (H44 → H44.xx, H44.xxx)."""
        u = self.unit(unit)
        if u.code is None:
            return ()
        return tuple(c for c in self.units.values() if c.parent_code == u.code)

    def verify(self) -> Verification:
        """Recompute every published point (and percentage) from the published counts with the
        library's arithmetic — docs/rules.md "Rounding, exactly as the portal publishes" — and
        list every difference. A unit that publishes only a card total (the online-services
        children) is said, not guessed."""
        return _verify(self)


# ---------------------------------------------------------------------------------------------
# reading


def read_portal(path_or_paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> \
        PortalSnapshot:
    """Read saved portal responses — a folder (every ``*.json`` in it) or one or more files —
    into a :class:`PortalSnapshot`. Each response is recognised by its shape and fields. A
    response that cannot be read raises :class:`~chiso766.errors.PortalError` naming the file
    and the key."""
    files = _files(path_or_paths)
    builder = _Builder()
    for f in files:
        builder.read(f)
    return builder.snapshot()


def _files(spec: Any) -> list[Path]:
    if isinstance(spec, (str, os.PathLike)):
        items = [spec]
    elif isinstance(spec, Iterable) and not isinstance(spec, (bytes, Mapping)):
        items = list(spec)
    else:
        raise PolicyError("must be a folder, a file, or a list of files", record="read_portal",
                          field="path_or_paths", value=spec)
    if not items:
        raise PolicyError("no files given", record="read_portal", field="path_or_paths",
                          value=spec)
    out: list[Path] = []
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            raise PolicyError("must be a path (str or os.PathLike)", record="read_portal",
                              field="path_or_paths", value=item)
        try:
            path = Path(item)
            is_dir = path.is_dir()
            exists = is_dir or path.is_file()
        except (OSError, ValueError):
            raise PortalError("not a readable path", file=str(item)) from None
        if is_dir:
            found = sorted(p for p in path.iterdir() if p.suffix.lower() == ".json"
                           and p.is_file())
            if not found:
                raise PortalError("the folder has no saved portal responses (*.json)",
                                  file=str(path))
            out.extend(found)
        elif exists:
            out.append(path)
        else:
            raise PortalError("no such file or folder", file=str(item))
    return out


class _Doc:
    """One response being read: where errors point."""

    def __init__(self, file: str) -> None:
        self.file = file

    def error(self, key: str, rule: str, value: Any = None, *, show: bool = True) -> \
            PortalError:
        if show:
            return PortalError(rule, file=self.file, field=key, value=value)
        return PortalError(rule, file=self.file, field=key)

    def obj(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(key, "must be a JSON object", _kind(value))
        return value

    def array(self, value: Any, key: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.error(key, "must be a JSON array", _kind(value))
        return value

    def text(self, obj: dict[str, Any], name: str, key: str, *, required: bool = True) -> \
            str | None:
        if name not in obj or obj[name] is None:
            if required:
                raise self.error(f"{key}.{name}", "missing (a text value is required)",
                                 show=False)
            return None
        value = obj[name]
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"{key}.{name}", "must be a non-empty text", value)
        return value.strip()

    def count(self, obj: dict[str, Any], name: str, key: str, *, required: bool = False) -> \
            int | None:
        """A published count: a whole number ≥ 0, or null (kept as None)."""
        if name not in obj:
            if required:
                raise self.error(f"{key}.{name}", "missing (a count is required)", show=False)
            return None
        value = obj[name]
        if value is None:
            return None
        if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.error(f"{key}.{name}", "must be a whole number ≥ 0 or null", value)
        return value

    def number(self, obj: dict[str, Any], name: str, key: str) -> Decimal | None:
        """A published number (points, ratio): kept with the digits given, or None."""
        value = obj.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)) or (
                isinstance(value, Decimal) and not value.is_finite()):
            raise self.error(f"{key}.{name}", "must be a number or null", value)
        return Decimal(value)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "an array", str: "a text", bool: "a boolean"}.get(
        type(value), "a number")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class _Builder:
    def __init__(self) -> None:
        self.units: dict[str, PortalUnit] = {}
        self.values: dict[str, dict[str, PortalValue]] = {}
        self.cards: dict[str, dict[str, PortalCard]] = {}
        self.files: dict[str, str] = {}
        self.notes: list[Note] = []

    # -- one file --------------------------------------------------------------------------

    def read(self, path: Path) -> None:
        file = str(path)
        doc = _Doc(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise doc.error("(document)", "not UTF-8 text", show=False) from None
        except OSError as exc:
            raise doc.error("(document)", f"cannot be read: {exc.strerror or exc}",
                            show=False) from None
        try:
            raw = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
        except RecursionError:
            raise doc.error("(document)", "nested too deeply to be a portal response",
                            show=False) from None
        except ValueError as exc:
            where = getattr(exc, "lineno", None)
            place = f" (line {where})" if where is not None else ""
            raise doc.error("(document)", f"not JSON{place}: {getattr(exc, 'msg', exc)}",
                            show=False) from None
        top = doc.obj(raw, "(document)")
        if "data" in top:
            if "code" in top and top["code"] != "OK":
                raise doc.error("code", "the portal did not answer OK (save a successful "
                                "response)", top["code"])
            data = doc.obj(top["data"], "data")
            base = "data"
        else:
            data, base = top, "(document)"
        if "parent" in data or "children" in data:
            self._tree(doc, data, base)
        elif "overview" in data or "evaluation" in data:
            self._metrics(doc, data, base)
        else:
            raise doc.error(base, "not a portal scoring response: neither parent + children[] "
                            "nor overview + evaluation[]", sorted(data)[:8])

    def _claim(self, doc: _Doc, card: str, key: str) -> None:
        if card in self.files:
            raise doc.error(key, f"a second {card!r} response (the first is "
                            f"{self.files[card]}): read one period's responses at a time",
                            card)
        self.files[card] = doc.file

    def _unit(self, doc: _Doc, entry: dict[str, Any], key: str, top: bool) -> PortalUnit:
        did = doc.text(entry, "departmentId", key)
        assert did is not None
        code = doc.text(entry, "departmentCode", key, required=False)
        name = doc.text(entry, "departmentName", key, required=False) or ""
        level = doc.text(entry, "level", key, required=False) or \
            doc.text(entry, "departmentLevel", key, required=False)
        kind = doc.text(entry, "departmentType", key, required=False)
        old = self.units.get(did)
        if old is not None:
            if code is not None and old.code is not None and code != old.code:
                raise doc.error(f"{key}.departmentCode", f"unit {did} has code {old.code} in "
                                "another response", code)
            unit = PortalUnit(did, old.code or code, old.name or name, old.level or level,
                              old.kind or kind, old.top or top)
        else:
            unit = PortalUnit(did, code, name, level, kind, top)
        self.units[did] = unit
        return unit

    def _entries(self, doc: _Doc, data: dict[str, Any], base: str, head: str, rest: str) -> \
            list[tuple[dict[str, Any], str, bool]]:
        out: list[tuple[dict[str, Any], str, bool]] = []
        if data.get(head) is not None:
            out.append((doc.obj(data[head], f"{base}.{head}"), f"{base}.{head}", True))
        if data.get(rest) is not None:
            for i, e in enumerate(doc.array(data[rest], f"{base}.{rest}")):
                out.append((doc.obj(e, f"{base}.{rest}[{i}]"), f"{base}.{rest}[{i}]", False))
        if not out:
            raise doc.error(base, f"no {head} and no {rest}[] entries", show=False)
        self._pagination(doc, data, base, sum(1 for *_, t in out if not t))
        return out

    def _pagination(self, doc: _Doc, data: dict[str, Any], base: str, listed: int) -> None:
        page = data.get("pagination")
        if not isinstance(page, dict):
            return
        total = page.get("total")
        if isinstance(total, int) and not isinstance(total, bool) and total > listed:
            self.notes.append(Note(
                f"{doc.file}: phản hồi liệt kê {listed}/{total} đơn vị (đã cắt bớt hoặc phân "
                "trang); các đơn vị khác không có trong ảnh chụp",
                f"{doc.file}: the response lists {listed} of {total} units (trimmed or paged); "
                "the others are not in the snapshot"))

    # -- shape 1: parent + children[] -------------------------------------------------------

    def _tree(self, doc: _Doc, data: dict[str, Any], base: str) -> None:
        parent = data.get("parent")
        probe = parent if isinstance(parent, dict) else {}
        if not probe and isinstance(data.get("children"), list) and data["children"] and \
                isinstance(data["children"][0], dict):
            probe = data["children"][0]
        card = next((c for mark, c in _TREE_MARKS if mark in probe), None)
        if card is None:
            raise doc.error(f"{base}.parent", "not a known tree card: no totalReceived, "
                            "authorityCount or totalDossierFinancialObligation",
                            sorted(probe)[:8])
        self._claim(doc, card, base)
        for entry, key, top in self._entries(doc, data, base, "parent", "children"):
            unit = self._unit(doc, entry, key, top)
            pts_name, max_name = ("totalScore", "totalMaxScore") if top or "score" not in entry \
                else ("score", "maxScore")
            points = doc.number(entry, pts_name, key)
            if pts_name not in entry:
                raise doc.error(f"{key}.{pts_name}", "missing (the card's points)", show=False)
            if max_name not in entry and "maxScore" in entry:
                max_name = "maxScore"
            params = self._params(entry)
            published = False
            for code, nums, den in _TREE_PAIRS[card]:
                if not all(n in entry for n in nums) and den not in entry:
                    continue
                published = True
                parts = [doc.count(entry, n, key, required=True) for n in nums]
                d = doc.count(entry, den, key, required=True)
                n = None if any(p is None for p in parts) else sum(p or 0 for p in parts)
                ratio = doc.number(entry, "ratio", key) if card == "dvc-progress-tree" else None
                crit = QD766.criterion(code)
                self._value(PortalValue(
                    unit.department_id, code, None, n, d, ratio,
                    points=doc.number(entry, pts_name, key) if card == "dvc-progress-tree"
                    else None,
                    max_points=Decimal(crit.max_points.numerator) / crit.max_points.denominator,
                    card=card, file=doc.file, key=key))
            self._card(PortalCard(unit.department_id, card, CARDS[card], points,
                                  doc.number(entry, max_name, key), doc.number(entry, "ratio", key),
                                  doc.file, key, params, published))

    @staticmethod
    def _params(entry: dict[str, Any]) -> tuple[tuple[str, Number | None], ...]:
        """The entry's raw parameters (numbers and nulls), as given; texts and lists are left
        out (they are identity or charts, not parameters)."""
        out: list[tuple[str, Number | None]] = []
        for name, value in entry.items():
            if name in _IDENTITY or isinstance(value, bool):
                continue
            if value is None or isinstance(value, (int, Decimal)):
                out.append((name, value))
        return tuple(out)

    # -- shape 2: overview + evaluation[].metrics[] -----------------------------------------

    def _metrics(self, doc: _Doc, data: dict[str, Any], base: str) -> None:
        entries = self._entries(doc, data, base, "overview", "evaluation")
        card: str | None = None
        parsed: list[tuple[PortalUnit, dict[str, Any], str, list[PortalValue]]] = []
        for entry, key, top in entries:
            unit = self._unit(doc, entry, key, top)
            values: list[PortalValue] = []
            metrics = doc.array(entry.get("metrics"), f"{key}.metrics")
            for i, m in enumerate(metrics):
                mkey = f"{key}.metrics[{i}]"
                m = doc.obj(m, mkey)
                portal_code = doc.text(m, "code", mkey)
                assert portal_code is not None
                code = canonical_code(portal_code)
                try:
                    crit = QD766.criterion(code)
                except PolicyError:
                    raise doc.error(f"{mkey}.code", "not a Decision 766 criterion code the "
                                    "library knows", portal_code) from None
                group_card = _GROUP_CARD.get(crit.group)
                if group_card is None or (card is not None and group_card != card):
                    raise doc.error(f"{mkey}.code", f"criterion {crit.number} does not belong "
                                    f"on the {card or 'same'} card as the others", portal_code)
                card = group_card
                n = doc.count(m, "numerator", mkey, required=True)
                d = doc.count(m, "denominator", mkey, required=True)
                values.append(PortalValue(
                    unit.department_id, code, portal_code, n, d,
                    doc.number(m, "ratio", mkey), doc.number(m, "score", mkey),
                    doc.number(m, "maxScore", mkey),
                    doc.text(m, "dataQualityStatus", mkey, required=False),
                    doc.text(m, "dataQualityMessage", mkey, required=False),
                    card=group_card, file=doc.file, key=mkey))
            parsed.append((unit, entry, key, values))
        if card is None:
            raise doc.error(f"{base}.overview.metrics", "no metrics in any entry: cannot tell "
                            "which card this is", show=False)
        self._claim(doc, card, base)
        for unit, entry, key, values in parsed:
            for v in values:
                self._value(attrs.evolve(v, card=card))
            params = self._params(entry)
            self._card(PortalCard(unit.department_id, card, CARDS[card],
                                  doc.number(entry, "totalScore", key),
                                  doc.number(entry, "totalMaxScore", key),
                                  doc.number(entry, "ratio", key), doc.file, key, params))
        if card == "dossier-digitized" and all(
                "CITIZEN_DATA_CONNECTED_FORMALITY" not in {v.code for v in vs}
                for *_, vs in parsed):
            self.notes.append(Note(
                f"{doc.file}: không có tiêu chí 4.5a (phản hồi lọc theo một TTHC): tối đa của "
                "thẻ là 20",
                f"{doc.file}: no criterion 4.5a (a response filtered by one procedure): the "
                "card's maximum is 20"))

    # -- assembly ---------------------------------------------------------------------------

    def _value(self, v: PortalValue) -> None:
        per = self.values.setdefault(v.unit_id, {})
        if v.code in per:
            raise PortalError(f"criterion {v.code} appears twice for unit {v.unit_id}",
                              file=v.file, field=v.key, value=v.code)
        per[v.code] = v

    def _card(self, c: PortalCard) -> None:
        per = self.cards.setdefault(c.unit_id, {})
        if c.card in per:
            raise PortalError(f"unit {c.unit_id} appears twice on this card", file=c.file,
                              field=c.key, value=c.unit_id)
        per[c.card] = c

    def snapshot(self) -> PortalSnapshot:
        def order(u: PortalUnit) -> tuple[int, int, str]:
            if u.code is None:
                return (0 if u.top else 1, 1, u.name + u.department_id)
            return (0 if u.top else 1, 0, u.code)

        units = {u.department_id: u for u in sorted(self.units.values(), key=order)}
        values = {uid: dict(sorted(self.values.get(uid, {}).items(),
                                   key=lambda kv: _CODE_ORDER[kv[0]])) for uid in units}
        cards = {uid: {c: self.cards[uid][c] for c in CARDS if c in self.cards.get(uid, {})}
                 for uid in units}
        return PortalSnapshot(units, values, cards, dict(self.files), tuple(self.notes))


_CODE_ORDER = {c.code: i for i, c in enumerate(QD766.criteria)}


# ---------------------------------------------------------------------------------------------
# verify


def _verify(snap: PortalSnapshot) -> Verification:
    diffs: list[PortalDifference] = []
    checked = 0
    total_only: dict[str, list[str]] = {}
    no_counts: dict[str, list[str]] = {}
    for uid, unit in snap.units.items():
        values = snap.values.get(uid, {})
        counts: dict[str, tuple[int, int]] = {}
        for code, v in values.items():
            if v.numerator is None or v.denominator is None:
                if v.points is not None:
                    no_counts.setdefault(code, []).append(unit.key)
                continue
            if v.numerator > v.denominator and code != "AVERAGE_PROCESSING_TIME":
                checked += 1
                diffs.append(PortalDifference(
                    uid, unit.code, unit.name, code, "points", v.points, None, v.file, v.key,
                    Note(f"tử số {v.numerator} lớn hơn mẫu số {v.denominator}: không tính lại "
                         "được", f"numerator {v.numerator} exceeds denominator "
                         f"{v.denominator}: cannot be recomputed")))
                continue
            counts[code] = (v.numerator, v.denominator)
        card = score_counts(counts, unit_id=unit.key, name=unit.name).units[unit.key]
        for code, v in values.items():
            r = card.criteria[code]
            # The tree cards of online services and payment publish counts, not per-criterion
            # points: only their card total is compared.
            per_criterion = v.portal_code is not None or v.card == "dvc-progress-tree"
            both_null = v.numerator is None and v.denominator is None
            if per_criterion and (code in counts or both_null):
                checked += 1
                if v.points != r.points:
                    diffs.append(PortalDifference(uid, unit.code, unit.name, code, "points",
                                                  v.points, r.points, v.file, v.key))
            if v.ratio is not None and code in counts and counts[code][1] > 0:
                checked += 1
                mine = percent(Fraction(*counts[code]))
                if mine != v.ratio:
                    diffs.append(PortalDifference(uid, unit.code, unit.name, code, "ratio",
                                                  v.ratio, mine, v.file, v.key))
        for name, c in snap.cards.get(uid, {}).items():
            if not c.counts_published:
                total_only.setdefault(name, []).append(unit.key)
                continue
            checked += 1
            mine_total = card.points(c.group)
            if c.points != mine_total:
                diffs.append(PortalDifference(uid, unit.code, unit.name, c.group, "total",
                                              c.points, mine_total, c.file, c.key))
    notes: list[Note] = []
    for name, keys in total_only.items():
        shown = ", ".join(keys[:6]) + (" …" if len(keys) > 6 else "")
        notes.append(Note(
            f"{name}: {len(keys)} đơn vị chỉ công bố tổng điểm của thẻ, không công bố tử số, "
            f"mẫu số ({shown}): không tính lại, không đoán",
            f"{name}: {len(keys)} units publish only the card's total, no numerators or "
            f"denominators ({shown}): not recomputed, not guessed"))
    for code, keys in no_counts.items():
        number = QD766.criterion(code).number
        notes.append(Note(
            f"{number} {code}: Cổng không công bố tử số, mẫu số ({len(keys)} đơn vị); điểm "
            "được so với quy tắc mẫu số 0 của thư viện"
            + (" (đạt tối đa, như Cổng hiển thị)" if code == "ELECTRONIC_CERTIFIED_COPY" else ""),
            f"{number} {code}: the portal publishes no numerator or denominator ({len(keys)} "
            "units); the points are compared with the library's d = 0 rule"
            + (" (full points, as the portal shows)" if code == "ELECTRONIC_CERTIFIED_COPY"
               else "")))
    return Verification(tuple(diffs), checked, tuple(notes), len(snap.units))
