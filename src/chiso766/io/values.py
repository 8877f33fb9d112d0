"""Cell parsers: one small function per kind of value a file cell can hold (docs/inputs.md).

Every parser takes what a reader found in one cell, already stripped and never empty (the
readers decide what an empty cell means), or a JSON value (``bool``, ``int``, ``float``), and
returns the Python value for the record, the :data:`ABSENT` marker ("null", "n/a": treat as if
the column were missing for this row), or raises :class:`CellError` with a reason a person can
act on.

Words are matched after :func:`fold_value` (lower case, no accents, ``đ`` → ``d``, punctuation
and separators → one space), so ``"Trực tuyến"``, ``"TRUC_TUYEN"`` and ``"truc-tuyen"`` are the
same word.

:func:`parse_moment` is the hot path of every reader: it dispatches on length and separator
positions and lets the C ``fromisoformat`` parsers do the digit work, instead of trying
``strptime`` patterns one after another.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from fractions import Fraction
from typing import Any, Final

from ..records import (
    AnnouncementKind,
    Channel,
    OnlineLevel,
    OnlinePayment,
    PetitionClass,
    RatingValue,
    UnitLevel,
)

__all__ = [
    "ABSENT",
    "MAX_ID_LENGTH",
    "CellError",
    "Converter",
    "amount",
    "announcement_kind",
    "channel",
    "count",
    "flag",
    "fold_value",
    "ident",
    "moment",
    "online_level",
    "paid_online",
    "parse_moment",
    "petition_class",
    "rating_value",
    "spellings",
    "text",
    "unit_level",
]


class CellError(ValueError):
    """A cell's value cannot be read; ``reason`` says why and what was expected."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Absent(enum.Enum):
    ABSENT = "ABSENT"

    def __repr__(self) -> str:
        return "ABSENT"


#: Returned for an explicit "no value" word: the field is treated as if its column were missing
#: in this row (a flag is then ``None``, "not reported", rather than ``False``).
ABSENT: Final = _Absent.ABSENT

#: A cell parser: stripped non-empty text or a JSON scalar in, record value (or ABSENT) out.
Converter = Callable[[Any], Any]

# Database exports write NULL for a missing value; "none" is deliberately not here because it is
# a member name (OnlinePayment.NONE, OnlineLevel.NONE) that the writers emit.
_ABSENT_WORDS = frozenset({"null", "n a"})

_SEPARATORS = re.compile(r"[\W_]+")


def fold_value(value: str) -> str:
    """``"Sở/Ngành"`` → ``"so nganh"``; ``"DVC_TOÀN-TRÌNH"`` → ``"dvc toan trinh"``."""
    folded = value.lower().replace("đ", "d")
    if not folded.isascii():
        folded = "".join(c for c in unicodedata.normalize("NFD", folded)
                         if unicodedata.category(c) != "Mn")
    return _SEPARATORS.sub(" ", folded).strip()


def _is_absent_word(value: str) -> bool:
    return fold_value(value) in _ABSENT_WORDS


def _show(value: Any) -> str:
    return repr(value) if not isinstance(value, str) else f"'{value}'"


# ---------------------------------------------------------------------------------------------
# text and numbers


def text(value: Any) -> Any:
    """A code, id or name. JSON integers are accepted (``MaDonVi: 1234``); JSON decimals are not,
    because ``1.000100`` would come back as ``1.0001`` and no longer match the procedure code."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise CellError(f"expected text, got {_show(value)} (write codes and ids as strings)")


#: The longest id or code read, in characters (a dossier's ``MaHoSo``, a unit's ``MaDonVi``, a
#: procedure's ``MaTTHC`` and the columns naming them): the national codes are a few dozen
#: characters, and a longer cell is a broken export. Bounding ids bounds what the readers keep
#: per row (docs/inputs.md, Values).
MAX_ID_LENGTH = 1000


def ident(value: Any) -> Any:
    """An id or code (a record's id, or a column naming one): text of at most
    :data:`MAX_ID_LENGTH` characters."""
    out = text(value)
    if len(out) > MAX_ID_LENGTH:
        raise CellError(f"an id or code of {len(out)} characters: longer than the "
                        f"{MAX_ID_LENGTH} characters an id may have")
    return out


def count(value: Any) -> Any:
    """A whole number ≥ 0 (likes, dislikes)."""
    if isinstance(value, str):
        if value.isascii() and value.isdigit():
            return int(value)
        if _is_absent_word(value):
            return ABSENT
    elif isinstance(value, int) and not isinstance(value, bool):
        if value >= 0:
            return value
    elif isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    raise CellError(f"expected a whole number ≥ 0, got {_show(value)}")


def amount(value: Any) -> Any:
    """A number ≥ 0, whole or decimal (``1.5``, ``"1,5"``), as an exact Fraction (the dossier's
    own processing time ``ThoiGianGiaiQuyet``)."""
    if isinstance(value, bool):
        raise CellError(f"expected a number ≥ 0, got {_show(value)}")
    if isinstance(value, int):
        number = Fraction(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(f"expected a number ≥ 0, got {_show(value)}")
        number = Fraction(str(value))
    elif isinstance(value, str):
        if _is_absent_word(value):
            return ABSENT
        try:
            number = Fraction(value.replace(",", "."))
        except (ValueError, ZeroDivisionError):
            raise CellError(f"expected a number ≥ 0, got {_show(value)}") from None
    else:
        raise CellError(f"expected a number ≥ 0, got {_show(value)}")
    if number < 0 or number > 10**9:
        raise CellError(f"expected a number between 0 and 10⁹, got {_show(value)}")
    return number


# ---------------------------------------------------------------------------------------------
# dates and times

_fromiso_datetime = datetime.fromisoformat
_fromiso_date = date.fromisoformat
_MIN_YEAR, _MAX_YEAR = 1900, 2199
# Exports repeat moments within a row (NgayNopHoSo = NgayTiepNhan, NgayKetThucXuLy = NgayTra)
# and dates across rows (due dates, decision dates): a bounded memo of recent strings pays for
# itself. It is emptied when full rather than kept in LRU order, which would cost more per hit.
_CACHE: dict[str, date] = {}
_CACHE_SIZE = 8192


def parse_moment(s: str) -> date | datetime:
    """Parse one of the date/time shapes of docs/inputs.md by position; raise ``ValueError``
    otherwise.

    ``2025-04-03``, ``2025-04-03T08:15:00`` or ``2025-04-03 08:15`` (optionally with
    ``.ffffff``, ``Z`` or ``+07:00``); ``03/04/2025`` (day first), ``03/04/2025 08:15``,
    ``03/04/2025 08:15:30``; ``20250403081500``; ``20250403``. A value without a time is
    returned as a ``date`` so the record can apply its own rule (00:00 for a receipt, 17:00 for a
    completion); a value with an offset is returned aware and the record converts it to Vietnam
    time. Years outside 1900–2199 are refused, as the records refuse them.
    """
    value = _CACHE.get(s)
    if value is None:
        value = _parse_new(s)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[s] = value
    return value


def _parse_new(s: str) -> date | datetime:
    n = len(s)
    value: date
    if n == 10:
        if s[4] == "-":
            value = _fromiso_date(s)
        elif s[2] == "/" and s[5] == "/":
            value = _fromiso_date(f"{s[6:10]}-{s[3:5]}-{s[0:2]}")
        else:
            raise ValueError(s)
    elif n > 10:
        if s[4] == "-":
            if s[10] != "T" and s[10] != " ":
                raise ValueError(s)
            value = _fromiso_datetime(s)
        elif s[2] == "/":
            # The length first: a truncated "02/06/2025 08" must not index past its end.
            if (n != 16 and n != 19) or s[5] != "/" or s[10] != " " or s[13] != ":" or (
                    n == 19 and s[16] != ":"):
                raise ValueError(s)
            value = _fromiso_datetime(f"{s[6:10]}-{s[3:5]}-{s[0:2]}T{s[11:]}")
        elif n == 14 and s.isascii() and s.isdigit():
            value = _fromiso_datetime(f"{s[:8]}T{s[8:]}")
        else:
            raise ValueError(s)
    elif n == 8 and s.isascii() and s.isdigit():
        value = _fromiso_date(s)
    else:
        raise ValueError(s)
    if not _MIN_YEAR <= value.year <= _MAX_YEAR:
        raise ValueError(s)
    return value


_MOMENT_SHAPES = ("ISO 8601 (2025-04-03, 2025-04-03T08:15:00, 2025-04-03 08:15+07:00), "
                  "dd/MM/yyyy [HH:mm[:ss]], yyyyMMddHHmmss or yyyyMMdd")


def moment(value: Any) -> Any:
    """A date or a date and time (docs/inputs.md); see :func:`parse_moment` for the shapes."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # 20250403 written as a JSON number
    if not isinstance(value, str):
        raise CellError(f"expected a date or time as text, got {_show(value)}")
    try:
        return parse_moment(value)
    except ValueError:
        pass
    if _is_absent_word(value):
        return ABSENT
    year = value[:4] if value[4:5] == "-" else value[6:10] if value[2:3] == "/" else value[:4]
    if year.isascii() and year.isdigit() and not _MIN_YEAR <= int(year) <= _MAX_YEAR:
        raise CellError(f"year must be between {_MIN_YEAR} and {_MAX_YEAR}")
    raise CellError(f"not a date or time the library reads (expected {_MOMENT_SHAPES})")


# ---------------------------------------------------------------------------------------------
# words: booleans and enums

class _Words:
    """A table of accepted spellings → value, looked up as written and then folded."""

    def __init__(self, what: str, hint: str, words: Mapping[str, Any]) -> None:
        self.what = what
        self.hint = hint
        self.table: dict[str, Any] = {}
        for word, member in words.items():
            self.table[word] = member
            self.table[fold_value(word)] = member

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            found = self.table.get(value)
            if found is None:
                found = self.table.get(fold_value(value))
            if found is not None:
                return found
            if _is_absent_word(value):
                return ABSENT
        elif isinstance(value, int) and not isinstance(value, bool):
            found = self.table.get(str(value))
            if found is not None:
                return found
        raise CellError(f"unknown {self.what} {_show(value)} (expected {self.hint})")

    def spellings(self) -> Iterable[str]:
        """The spellings this table knows, with the case variants files use, for fast lookups."""
        for word in list(self.table):
            yield word
            yield word.upper()
            yield word.capitalize()
            yield word.title()


class _Flag(_Words):
    def __call__(self, value: Any) -> Any:
        if value is True or value is False:
            return value
        if isinstance(value, int | float) and not isinstance(value, str):
            # JSON 1/0 (and 1.0/0.0, which JSON writers emit and which equal True/False).
            if value == 1 or value == 0:
                return value == 1
            raise CellError(f"expected a yes/no value, got {value!r} (expected {self.hint})")
        return super().__call__(value)


def _members(cls: type[enum.Enum]) -> dict[str, Any]:
    return {name: member for name, member in cls.__members__.items()}


#: A boolean (docs/inputs.md): 1/0, true/false, có/không, x/empty, yes/no. An empty cell in a column
#: that exists means False and is the reader's business; "null" or "n/a" means not reported.
flag: Converter = _Flag(
    "yes/no value",
    "1/0, true/false, có/không, x or an empty cell, yes/no",
    {"1": True, "0": False, "true": True, "false": False, "có": True, "không": False,
     "x": True, "yes": True, "no": False},
)
channel: Converter = _Words(
    "channel",
    "1/2/3, DIRECT/ONLINE/POSTAL, trực tiếp/trực tuyến/bưu chính",
    {**_members(Channel), "1": Channel.DIRECT, "2": Channel.ONLINE, "3": Channel.POSTAL,
     "trực tiếp": Channel.DIRECT, "trực tuyến": Channel.ONLINE, "bưu chính": Channel.POSTAL,
     "bưu chính công ích": Channel.POSTAL, "qua bưu chính": Channel.POSTAL},
)

#: OnlineLevel also reads the legacy four-level scale of Decree 43/2011 still found in exports:
#: "mức độ 3" (online submission) is a partial online service and "mức độ 4" (end to end) a full
#: one; "mức độ 1"/"mức độ 2" (information, forms) are not online services. A bare "1"/"2" is
#: the current scale (OnlineLevel values), a bare "3"/"4" can only be the legacy one.
online_level: Converter = _Words(
    "online level",
    "0/1/2, NONE/PARTIAL/FULL, một phần/toàn trình, mức độ 3/mức độ 4",
    {**_members(OnlineLevel), "0": OnlineLevel.NONE, "1": OnlineLevel.PARTIAL,
     "2": OnlineLevel.FULL, "3": OnlineLevel.PARTIAL, "4": OnlineLevel.FULL,
     "không": OnlineLevel.NONE, "một phần": OnlineLevel.PARTIAL, "toàn trình": OnlineLevel.FULL,
     "dvctt một phần": OnlineLevel.PARTIAL, "dvctt toàn trình": OnlineLevel.FULL,
     "dvc trực tuyến một phần": OnlineLevel.PARTIAL,
     "dvc trực tuyến toàn trình": OnlineLevel.FULL,
     "dịch vụ công trực tuyến một phần": OnlineLevel.PARTIAL,
     "dịch vụ công trực tuyến toàn trình": OnlineLevel.FULL,
     "mức độ 1": OnlineLevel.NONE, "mức độ 2": OnlineLevel.NONE,
     "mức độ 3": OnlineLevel.PARTIAL, "mức độ 4": OnlineLevel.FULL,
     "mức 3": OnlineLevel.PARTIAL, "mức 4": OnlineLevel.FULL,
     "level 3": OnlineLevel.PARTIAL, "level 4": OnlineLevel.FULL},
)

paid_online: Converter = _Words(
    "online payment",
    "0/1/2 or NONE/NATIONAL_PORTAL/OWN_GATEWAY",
    {**_members(OnlinePayment), "0": OnlinePayment.NONE, "1": OnlinePayment.NATIONAL_PORTAL,
     "2": OnlinePayment.OWN_GATEWAY},
)

unit_level: Converter = _Words(
    "unit level",
    "MINISTRY/PROVINCE/DEPARTMENT/DISTRICT/COMMUNE or bộ/tỉnh/sở/huyện/xã",
    {**_members(UnitLevel), "bộ": UnitLevel.MINISTRY, "cấp bộ": UnitLevel.MINISTRY,
     "bộ ngành": UnitLevel.MINISTRY, "tỉnh": UnitLevel.PROVINCE, "cấp tỉnh": UnitLevel.PROVINCE,
     "sở": UnitLevel.DEPARTMENT, "ngành": UnitLevel.DEPARTMENT, "sở ngành": UnitLevel.DEPARTMENT,
     "sở/ngành": UnitLevel.DEPARTMENT, "cấp sở": UnitLevel.DEPARTMENT,
     "huyện": UnitLevel.DISTRICT, "cấp huyện": UnitLevel.DISTRICT, "quận": UnitLevel.DISTRICT,
     "xã": UnitLevel.COMMUNE, "cấp xã": UnitLevel.COMMUNE, "phường": UnitLevel.COMMUNE,
     "thị trấn": UnitLevel.COMMUNE},
)

petition_class: Converter = _Words(
    "petition class",
    "PROCEDURE_REGULATION/STAFF_BEHAVIOUR/OTHER or quy định/hành vi/khác",
    {**_members(PetitionClass), "staff behavior": PetitionClass.STAFF_BEHAVIOUR,
     "quy định": PetitionClass.PROCEDURE_REGULATION,
     "về quy định": PetitionClass.PROCEDURE_REGULATION,
     "quy định hành chính": PetitionClass.PROCEDURE_REGULATION,
     "quy định tthc": PetitionClass.PROCEDURE_REGULATION,
     "thủ tục hành chính": PetitionClass.PROCEDURE_REGULATION,
     "hành vi": PetitionClass.STAFF_BEHAVIOUR, "về hành vi": PetitionClass.STAFF_BEHAVIOUR,
     "hành vi hành chính": PetitionClass.STAFF_BEHAVIOUR,
     "hành vi, thái độ": PetitionClass.STAFF_BEHAVIOUR,
     "thái độ": PetitionClass.STAFF_BEHAVIOUR, "khác": PetitionClass.OTHER},
)

announcement_kind: Converter = _Words(
    "announcement kind",
    "NEW/AMENDED/ABOLISHED or mới/sửa đổi/bãi bỏ",
    {**_members(AnnouncementKind), "mới": AnnouncementKind.NEW,
     "ban hành mới": AnnouncementKind.NEW, "sửa đổi": AnnouncementKind.AMENDED,
     "sửa đổi, bổ sung": AnnouncementKind.AMENDED, "bổ sung": AnnouncementKind.AMENDED,
     "bãi bỏ": AnnouncementKind.ABOLISHED},
)

#: Exactly the words of docs/inputs.md, plus the member names the writers emit.
rating_value: Converter = _Words(
    "rating",
    "tốt/good/hài lòng, bình thường/normal, không tốt/không hài lòng/bad/dislike",
    {**_members(RatingValue), "tốt": RatingValue.GOOD, "hài lòng": RatingValue.GOOD,
     "bình thường": RatingValue.NORMAL, "không tốt": RatingValue.BAD,
     "không hài lòng": RatingValue.BAD, "dislike": RatingValue.BAD},
)


def spellings(converter: Converter) -> Iterable[str]:
    """The exact spellings a word converter knows (used to build the readers' fast tables)."""
    if isinstance(converter, _Words):
        return converter.spellings()
    return ()
