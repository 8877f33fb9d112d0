"""Decision 766 counting policies: where the portal's technical description and its published
numbers disagree, or the texts are silent, the default reproduces the published numbers and the
other reading is a named alternative (docs/rules.md, "Policies").

Pass one as ``score_766(..., counting=CountingPolicy(...))``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from .errors import PolicyError

__all__ = ["DEFAULT_COUNTING", "CountingPolicy"]

_CHOICES: dict[str, tuple[str, ...]] = {
    "certified_copy": ("portal", "computed"),
    "petition_on_time": ("ending_step", "all_steps"),
    "petition_population": ("received_or_handled", "first_received"),
    "multiple_supplements_late": ("unfinished_only", "always"),
}


def _one_of(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    choices = _CHOICES[attribute.name]
    if value not in choices:
        raise PolicyError(f"must be one of {', '.join(repr(c) for c in choices)}",
                          record="CountingPolicy", field=attribute.name, value=value)


def _bool(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not True and value is not False:
        raise PolicyError("must be True or False", record="CountingPolicy",
                          field=attribute.name, value=value)


@attrs.define(frozen=True, slots=True)
class CountingPolicy:
    """How Decision 766 criteria count where the sources leave a choice (docs/rules.md,
    "Decision 766 counting").

    - ``paper_result_filter`` (4.1): ``False`` (default) — every dossier of the period's
      population, as the portal publishes; ``True`` — both sides limited to procedures that
      require a paper result, the technical description's reading.
    - ``certified_copy`` (4.6): ``"portal"`` (default) — full points on every unit with no counts,
      as the portal shows; ``"computed"`` — communes offering electronic certified copies /
      communes under the unit.
    - ``petition_on_time`` (5.2): ``"ending_step"`` (default) — a petition is on time when the
      step that ended it met its limit; ``"all_steps"`` — every step it went through must have.
    - ``petition_population`` (5.2): ``"received_or_handled"`` (default, the description) —
      petitions received or handled in the period; ``"first_received"`` — first received in the
      period (5.3's population).
    - ``multiple_supplements_late`` (2.1, and so 5.4): ``"unfinished_only"`` (default, the
      portal's description) — a dossier with no finished or returned moment by the evaluation
      moment and more than one supplement request is late whatever its dates, a finished or
      returned one is judged on its dates minus the applicant's time however many requests it
      had; ``"always"`` — more than one request is always late (revision 1's reading of
      NĐ 61/2018's "một lần đầy đủ").
    """

    paper_result_filter: bool = attrs.field(default=False, validator=_bool)
    certified_copy: str = attrs.field(default="portal", validator=_one_of)
    petition_on_time: str = attrs.field(default="ending_step", validator=_one_of)
    petition_population: str = attrs.field(default="received_or_handled", validator=_one_of)
    multiple_supplements_late: str = attrs.field(default="unfinished_only", validator=_one_of)

    @classmethod
    def from_pairs(cls, pairs: Iterable[str]) -> CountingPolicy:
        """A policy from ``name=value`` texts (the command line's ``--policy``): booleans as
        ``true``/``false``/``1``/``0``; an unknown name or value is a :class:`PolicyError`."""
        if isinstance(pairs, str | bytes) or not isinstance(pairs, Iterable):
            raise PolicyError("must be a list of name=value texts", record="CountingPolicy",
                              field="pairs", value=pairs)
        fields = {a.name: a for a in attrs.fields(cls)}
        values: dict[str, Any] = {}
        for pair in pairs:
            name, sep, value = str(pair).partition("=")
            name, value = name.strip(), value.strip()
            if not sep or name not in fields:
                raise PolicyError(f"must be name=value with name one of {', '.join(fields)}",
                                  record="CountingPolicy", field=name or "policy", value=pair)
            if fields[name].type in (bool, "bool"):
                low = value.lower()
                if low not in ("true", "false", "1", "0", "yes", "no"):
                    raise PolicyError("must be true or false", record="CountingPolicy",
                                      field=name, value=value)
                values[name] = low in ("true", "1", "yes")
            else:
                values[name] = value
        return cls(**values)


DEFAULT_COUNTING = CountingPolicy()
