"""Reports: the forms a scorecard is read in — JSON, CSV, a text table, a self-contained HTML
page and an Excel workbook — and two functions to write the last two from Python:

* :func:`write_html` — the page ``chiso766 score --format html`` writes for a
  :class:`~chiso766.scoring.Scorecard`, or ``chiso766 hcm104 --format html`` for an
  :class:`~chiso766.hcm104.Hcm104Report`;
* :func:`write_xlsx` — the workbook of ``--format xlsx`` (needs the ``excel`` extra);
* :func:`flagged_dossiers` — the flagged dossiers a period's report lists (its ``audits``).

Text from the input goes through :mod:`chiso766.reports.text` (no formula in a spreadsheet, no
control character on a terminal or a page); numbers shown in words through
:mod:`chiso766.reports.fmt` (docs/reports.md).

Each renderer module is imported only when used.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError, PolicyError
from .flagged import flagged_dossiers

__all__ = ["flagged_dossiers", "render_report_html", "write_html", "write_xlsx"]


def _target(path: Any, record: str) -> Path:
    """The file a report is written to: a path, as text (not empty) or a ``PathLike``."""
    if not isinstance(path, str | os.PathLike) or (isinstance(path, str) and not path.strip()):
        raise PolicyError("must be a file path (text or a Path; an empty text is not one)",
                          record=record, field="path", value=path)
    return Path(path)


def _kind(result: Any) -> str:
    from ..hcm104 import Hcm104Report
    from ..scoring import Scorecard

    if isinstance(result, Scorecard):
        return "766"
    if isinstance(result, Hcm104Report):
        return "hcm104"
    raise PolicyError("must be a Scorecard (score_766) or an Hcm104Report (hcm104.score)",
                      record="write report", field="result", value=type(result).__name__)


def _check(lang: str, units: Sequence[str] | None, known: Any) -> list[str] | None:
    if lang not in ("vi", "en"):
        raise PolicyError("must be 'vi' or 'en'", record="write report", field="lang",
                          value=lang)
    if units is None:
        return None
    if isinstance(units, str):
        units = [units]
    missing = [u for u in units if u not in known]
    if missing:
        raise PolicyError("no such unit in the result", record="write report", field="units",
                          value=", ".join(missing))
    return [u for u in known if u in set(units)]  # tree order, as the command line does


def render_report_html(
    result: Any,
    *,
    lang: str = "vi",
    units: Sequence[str] | None = None,
    audits: Sequence[tuple[Any, Any]] | None = None,
    scorecard: Any = None,
) -> str:
    """The HTML page of ``result`` as a ``str`` (see :func:`write_html`)."""
    kind = _kind(result)
    chosen = _check(lang, units, result.units)
    if kind == "hcm104":
        from .hcm104_html import render_hcm104_html

        return render_hcm104_html(result, scorecard, lang=lang, units=chosen)
    from .html import render_html

    return render_html(result, lang=lang, units=chosen, audits=audits)


def write_html(
    result: Any,
    path: str | os.PathLike[str],
    *,
    lang: str = "vi",
    units: Sequence[str] | None = None,
    audits: Sequence[tuple[Any, Any]] | None = None,
    scorecard: Any = None,
) -> Path:
    """Write the HTML report of ``result`` to ``path`` (UTF-8) and return the path.

    ``result`` is a :class:`~chiso766.scoring.Scorecard` (the Decision 766 page: group bars,
    criteria, notes; ``audits`` — ``(dossier, audit result)`` pairs from
    :func:`chiso766.audit` — adds the flagged dossiers) or an
    :class:`~chiso766.hcm104.Hcm104Report` (the HCMC index page: the K table first, then the
    766 cards of ``scorecard`` when given — the one D was taken from). ``units`` keeps only
    those units, in the unit tree's order. Same page as the command line's ``--format html``.
    """
    target = _target(path, "write_html")
    text = render_report_html(result, lang=lang, units=units, audits=audits,
                              scorecard=scorecard)
    try:
        target.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc.strerror}", file=str(target)) from None
    return target


def write_xlsx(
    result: Any,
    path: str | os.PathLike[str],
    *,
    lang: str = "vi",
    units: Sequence[str] | None = None,
    audits: Sequence[tuple[Any, Any]] | None = None,
    hcm: Any = None,
) -> Path:
    """Write the Excel workbook of a :class:`~chiso766.scoring.Scorecard` to ``path`` and
    return the path: overview, units, criteria, flagged dossiers (``audits``) and the HCMC
    index (``hcm``, an :class:`~chiso766.hcm104.Hcm104Report`) when given. Needs the
    ``excel`` extra (openpyxl). Same workbook as the command line's ``--format xlsx``."""
    if _kind(result) != "766":
        raise PolicyError("write_xlsx takes the Scorecard; pass the HCMC report as hcm=",
                          record="write_xlsx", field="result", value=type(result).__name__)
    chosen = _check(lang, units, result.units)
    target = _target(path, "write_xlsx")
    from .xlsx import render_xlsx

    data = render_xlsx(result, lang=lang, units=chosen, audits=audits, hcm=hcm)
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc.strerror}", file=str(target)) from None
    return target
