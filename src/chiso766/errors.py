"""The library's exceptions: one small hierarchy rooted in :class:`Chiso766Error`.

Every error carries, as attributes a program can read, the record it is about, the field, the
offending value and the rule that was broken, and says all four in its message.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CalendarError",
    "Chiso766Error",
    "InputError",
    "MissingDataError",
    "PolicyError",
    "PortalError",
    "RecordError",
    "StrictLookup",
]

_UNSET: Any = object()


class Chiso766Error(ValueError):
    """Root of every error the library raises on purpose.

    It is a :class:`ValueError` so that callers who already catch bad values keep working.
    """

    def __init__(
        self,
        rule: str,
        *,
        record: str | None = None,
        field: str | None = None,
        value: Any = _UNSET,
    ) -> None:
        self.rule = rule
        self.record = record
        self.field = field
        self.value = None if value is _UNSET else value
        parts = []
        if record is not None:
            parts.append(record)
        if field is not None:
            parts.append(f"field {field!r}")
        if value is not _UNSET:
            parts.append(f"value {_short(value)}")
        prefix = ", ".join(parts)
        super().__init__(f"{prefix}: {rule}" if prefix else rule)


class RecordError(Chiso766Error):
    """A record (dossier, procedure, petition…) is inconsistent or has a value of the wrong kind."""


class InputError(Chiso766Error):
    """A row of an input file could not be turned into a record (strict mode), or a file is
    unusable as a whole."""

    def __init__(
        self,
        rule: str,
        *,
        file: str | None = None,
        line: int | None = None,
        record: str | None = None,
        field: str | None = None,
        value: Any = _UNSET,
    ) -> None:
        self.file = file
        self.line = line
        where = file if file is not None else None
        if where is not None and line is not None:
            where = f"{where}:{line}"
        label = " ".join(p for p in (where, record) if p) or None
        super().__init__(rule, record=label, field=field, value=value)


class CalendarError(Chiso766Error):
    """A date is outside the range the working calendar can answer for, or is not a date."""


class PolicyError(Chiso766Error):
    """A policy or argument has a value the library does not know."""


class MissingDataError(Chiso766Error):
    """A computation needs a value the records do not have (e.g. no due date and no time limit)."""


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class PortalError(InputError):
    """A saved portal response cannot be read: the message names the file and the key (its JSON
    path, e.g. ``data.evaluation[2].metrics[0].numerator``)."""


class StrictLookup:
    """Mixed into each of the library's enumerations (``class Channel(StrictLookup,
    enum.IntEnum)``): looking up a value that is not a member (``Channel(7)``,
    ``RatingValue("good")``) raises a :class:`RecordError` naming the enumeration, the value and
    the values it has, instead of Python's bare :class:`ValueError` (still a ``ValueError``)."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        members = ", ".join(repr(member.value) for member in cls)  # type: ignore[attr-defined]
        raise RecordError(f"not a value of {cls.__name__} (its values: {members})",
                          record=cls.__name__, value=value)
