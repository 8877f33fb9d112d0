"""The ``chiso766`` command: argument parsing and output only; everything else is library calls.

Exit status (docs/api.md, "Command line"): 0 on success, 1 when input rows were rejected (the
report is still written), 2 on unusable arguments or unreadable input — with a one-line message,
no traceback.
"""

from __future__ import annotations

import argparse
import functools
import io
import itertools
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple, NoReturn

from . import __version__
from .calendar import WorkingCalendar
from .errors import Chiso766Error
from .periods import Period
from .reports.table import rejections_text
from .reports.text import CsvWriter, terminal_text

__all__ = ["main"]

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2

#: What ``--output FILE``'s extension says when ``--format`` is not given.
FORMAT_OF_EXTENSION = {".txt": "table", ".json": "json", ".csv": "csv", ".html": "html",
                       ".htm": "html", ".xlsx": "xlsx"}

# The command line's own messages, in the report's language (--lang; Vietnamese by default).
# Library errors (Chiso766Error) and argparse's usage errors keep their own wording.
_MSG: dict[str, dict[str, str]] = {
    "vi": {
        "as_of": "--as-of: không phải ngày hoặc thời điểm ISO 8601: {text!r}",
        "write": "không ghi được {output}: {why}",
        "xlsx_out": "--format xlsx cần --output TỆP.xlsx",
        "no_dossiers": "không có hồ sơ nào được nhận: hãy cho --period hoặc kiểm tra dữ liệu",
        "no_unit": "--unit: không có đơn vị: {units}",
        "empty": "{file}: tệp rỗng — không có dòng hồ sơ nào để chấm",
        "format": "--output {output}: lệnh {command} không xuất được định dạng {fmt} "
                  "(chọn: {choices})",
        "warn_received": "cảnh báo: không có hồ sơ nào được tiếp nhận trong kỳ {period}{span}; "
                         "điểm chỉ gồm hồ sơ tồn và các tiêu chí không theo hồ sơ "
                         "(ghi chú có trong báo cáo)",
        "warn_resolved": "cảnh báo: không có hồ sơ nào được giải quyết trong kỳ {period}{span} "
                         "(ghi chú có trong báo cáo)",
        "span": " (dữ liệu tiếp nhận từ {first} đến {last})",
        "rejected": "{rejected} dòng bị loại (đọc {read}, nhận {accepted}); danh sách trong "
                    "{output}",
        "interrupted": "đã dừng",
        "internal": "lỗi nội bộ ({error}); chạy lại với CHISO766_DEBUG=1 để xem traceback và "
                    "xin báo lỗi",
    },
    "en": {
        "as_of": "--as-of: not an ISO 8601 date or moment: {text!r}",
        "write": "cannot write {output}: {why}",
        "xlsx_out": "--format xlsx needs --output FILE.xlsx",
        "no_dossiers": "no dossiers were accepted: give --period or check the input",
        "no_unit": "--unit: no such unit: {units}",
        "empty": "{file} is empty: no dossier rows to score",
        "format": "--output {output}: {command} cannot write {fmt} (choose: {choices})",
        "warn_received": "warning: no dossier was received in period {period}{span}; the score "
                         "comes only from dossiers carried over and the criteria not counted "
                         "on dossiers (the report says so in its notes)",
        "warn_resolved": "warning: no dossier was resolved in period {period}{span} (the report "
                         "says so in its notes)",
        "span": " (the data's receipts run from {first} to {last})",
        "rejected": "{rejected} rows rejected (read {read}, accepted {accepted}); listed in "
                    "{output}",
        "interrupted": "interrupted",
        "internal": "internal error ({error}); rerun with CHISO766_DEBUG=1 for the traceback "
                    "and please report it",
    },
}


def _msg(lang: str, key: str, **values: object) -> str:
    return _MSG["en" if lang == "en" else "vi"][key].format(**values)


def _lang_of(argv: Sequence[str]) -> str:
    """``--lang`` as given, read before parsing (for the messages of a failed parse)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return "vi"


class _UsageError(Exception):
    pass


# argparse's own errors, in Vietnamese (its wording otherwise; the names and values are kept).
_ARGPARSE_VI = (
    (re.compile(r"^the following arguments are required: (.*)$"), "thiếu tham số: {0}"),
    (re.compile(r"^argument (\S+): invalid choice: (.*) \(choose from (.*)\)$"),
     "tham số {0}: giá trị không hợp lệ {1} (chọn: {2})"),
    (re.compile(r"^argument (\S+): invalid int value: (.*)$"),
     "tham số {0}: không phải số nguyên: {1}"),
    (re.compile(r"^argument (\S+): expected one argument$"), "tham số {0}: cần một giá trị"),
    (re.compile(r"^unrecognized arguments: (.*)$"), "tham số không nhận ra: {0}"),
)


def _argparse_message(message: str, lang: str) -> str:
    if lang == "en":
        return message
    for pattern, text in _ARGPARSE_VI:
        m = pattern.match(message)
        if m:
            return text.format(*m.groups())
    return message


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, lang: str = "vi", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lang = lang  # --lang as read before parsing, for argparse's own errors

    def error(self, message: str) -> NoReturn:
        raise _UsageError(_argparse_message(message, self.lang))


_EXIT_HELP = """exit status:
  0  success
  1  input rows were rejected: the report is still written and lists them
     (with --output, a one-line summary goes to stderr)
  2  unusable arguments or input (no folder, an empty dossiers file, a file that
     cannot be read, --strict and a bad row): one line on stderr, no report"""

_POLICY_HELP = ("a Decision 766 counting policy, NAME=VALUE (repeatable): "
                "paper_result_filter=true|false, certified_copy=portal|computed, "
                "petition_on_time=ending_step|all_steps, "
                "petition_population=received_or_handled|first_received, "
                "multiple_supplements_late=unfinished_only|always (docs/rules.md, Policies)")

_EXAMPLES = {
    "score": "chiso766 score examples/province --period 2025-Q2 --unit 000.00.01.H99 --lang en"
             "\n  chiso766 score examples/province --period 2025-Q2 -o q2.html",
    "hcm104": "chiso766 hcm104 examples/province --period 2025-Q2 --staff"
              "\n  chiso766 hcm104 examples/province --period 2025-Q2 -o q2_hcm.html",
    "audit": "chiso766 audit examples/province --lang en -o audit.csv",
    "calendar": "chiso766 calendar 2026",
    "portal": "chiso766 portal examples/portal",
    "reconcile": "chiso766 reconcile examples/portal-office --portal examples/portal "
                 "--period 2026-08 --ids",
}


def _epilog(command: str, formats: Sequence[str] | None) -> str:
    parts = []
    if formats is not None:
        parts.append(f"formats: {', '.join(formats)} (default: from --output's extension "
                     f"{', '.join(k for k, v in FORMAT_OF_EXTENSION.items() if v in formats)}"
                     ", else table)")
    if command != "calendar":
        parts.append("languages: vi (default), en — labels, numbers and messages")
    parts.append(_EXIT_HELP if command != "calendar" else "exit status: 0 success, 2 "
                 "unusable arguments")
    parts.append(f"example:\n  {_EXAMPLES[command]}")
    return "\n\n".join(parts)


def _parser_class(lang: str) -> type[_Parser]:
    """The subcommands' parser class, speaking ``lang``."""

    class _LangParser(_Parser):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, lang=lang, **kwargs)

    return _LangParser


def _parser(lang: str = "vi") -> argparse.ArgumentParser:
    p = _Parser(lang=lang, prog="chiso766", description="Chấm điểm Chỉ số 766 / HCMC 104 — "
                "Vietnamese public service delivery scores.",
                epilog="commands: score, hcm104, audit, calendar, portal, reconcile; "
                "`chiso766 COMMAND --help` lists each one's formats, languages and an "
                "example\n\n" + _EXIT_HELP
                + "\n\nexample:\n  " + _EXAMPLES["score"].split("\n")[0],
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"chiso766 {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_parser_class(lang))

    def command(name: str, formats: Sequence[str] | None, **kw: Any) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, epilog=_epilog(name, formats),
                            formatter_class=argparse.RawDescriptionHelpFormatter, **kw)
        sp.set_defaults(formats=tuple(formats or ()))
        return sp

    def common(sp: argparse.ArgumentParser, formats: Sequence[str]) -> None:
        sp.add_argument("folder", help="folder of exports (dossiers.csv, procedures.csv, …)")
        sp.add_argument("--format", choices=formats, default=None,
                        help="default: from --output's extension, else table")
        sp.add_argument("--output", "-o", help="write the report to this file")
        sp.add_argument("--lang", choices=("vi", "en"), default="vi",
                        help="language of the report and of the messages (default vi)")
        sp.add_argument("--strict", action="store_true",
                        help="stop at the first bad row instead of listing it as rejected")
        sp.add_argument("--progress", action="store_true", default=None,
                        help="show a progress line on stderr (default: when stderr is a "
                        "terminal)")

    score = command("score", _FORMATS, help="Decision 766 scorecards of every unit")
    common(score, _FORMATS)
    score.add_argument("--period", help="2025, 2025-Q2, 2025-06 or 2025-04-01..2025-05-15 "
                       "(default: the year of the latest receipt, which needs the whole "
                       "folder in memory; with --period the dossiers are streamed, and an "
                       "HTML or xlsx report reads the records only for its due-date audit)")
    score.add_argument("--as-of", dest="as_of", help="evaluation moment, ISO 8601 "
                       "(default: end of the period)")
    score.add_argument("--unit", action="append", help="only this unit (repeatable)")
    score.add_argument("--ids", action="store_true",
                       help="keep the record ids counted in each numerator and denominator")
    score.add_argument("--policy", action="append", metavar="NAME=VALUE", help=_POLICY_HELP)

    hcm = command("hcm104", _FORMATS,
                  help="HCMC Decision 104/2024 satisfaction index K = A+B+C+D+E")
    common(hcm, _FORMATS)
    hcm.add_argument("--period", help="2025, 2025-Q2, 2025-06 or 2025-04-01..2025-05-15 "
                     "(default: the year of the latest receipt)")
    hcm.add_argument("--as-of", dest="as_of", help="evaluation moment, ISO 8601")
    hcm.add_argument("--unit", action="append", help="only this unit (repeatable)")
    hcm.add_argument("--staff", action="store_true",
                     help="also score each staff member (internal evaluation)")
    hcm.add_argument("--late-within-5", dest="late_within_5", choices=("0", "1", "1/2"),
                     default="0", help="points for a dossier 1–5 working days late (the text "
                     "is silent; default 0)")
    hcm.add_argument("--k-equal-20", dest="k_equal_20", choices=("NOT_SATISFIED", "SATISFIED"),
                     default="NOT_SATISFIED", help="verdict when K is exactly 20")
    hcm.add_argument("--missing-part", dest="missing_part", choices=("none", "zero"),
                     default="none", help="a part without data: K not computed (none) or the "
                     "part counted as 0 (zero)")
    hcm.add_argument("--b-population", dest="b_population", choices=("resolved", "supplemented"),
                     default="resolved", help="dossiers B is computed over")
    hcm.add_argument("--policy", action="append", metavar="NAME=VALUE", help=_POLICY_HELP)

    aud = command("audit", _AUDIT_FORMATS, help="dossiers whose recorded due date is later "
                  "than the statutory one, or missing")
    common(aud, _AUDIT_FORMATS)
    aud.add_argument("--all", action="store_true", help="list every dossier, not only flagged")

    portal = command("portal", _PORTAL_FORMATS, help="read saved national portal responses "
                     "and check their published points against their published counts")
    portal.add_argument("paths", nargs="+", help="a folder of saved responses (*.json), or files")
    portal.add_argument("--format", choices=_PORTAL_FORMATS, default=None,
                        help="default: from --output's extension, else table")
    portal.add_argument("--output", "-o", help="write the report to this file")
    portal.add_argument("--lang", choices=("vi", "en"), default="vi",
                        help="language of the report and of the messages (default vi)")

    rec = command("reconcile", _FORMATS, help="the portal's published numbers beside the ones "
                  "from your records, each difference explained")
    common(rec, _FORMATS)
    rec.add_argument("--portal", required=True, action="append",
                     help="folder (or file) of saved portal responses (repeatable)")
    rec.add_argument("--period", required=True,
                     help="the period the portal responses are for: 2026-08, 2026-Q3, 2026")
    rec.add_argument("--as-of", dest="as_of", help="evaluation moment, ISO 8601 "
                     "(default: end of the period)")
    rec.add_argument("--policy", action="append", metavar="NAME=VALUE", help=_POLICY_HELP)
    rec.add_argument("--ids", action="store_true",
                     help="name the records of yours behind each difference")
    rec.add_argument("--match", action="append", metavar="UNIT=CODE",
                     help="match your unit id UNIT to the portal's departmentCode or "
                     "departmentId CODE (repeatable; default: equal ids)")
    rec.add_argument("--differences", action="store_true",
                     help="table: list only the rows that differ")

    cal = command("calendar", _CALENDAR_FORMATS,
                  help="a year's days off and working weekend days")
    cal.add_argument("year", type=int)
    cal.add_argument("--format", choices=_CALENDAR_FORMATS, default=None,
                     help="default: from --output's extension, else table")
    cal.add_argument("--output", "-o", help="write the calendar to this file")
    return p


_FORMATS = ("table", "json", "csv", "html", "xlsx")
_AUDIT_FORMATS = ("table", "json", "csv")
_CALENDAR_FORMATS = ("table", "json")
_PORTAL_FORMATS = ("table", "json")


def _infer_format(args: argparse.Namespace) -> None:
    """``--format`` not given: the one ``--output``'s extension names (``q2.html`` → html),
    else the text table. An extension the command cannot write is a usage error rather than
    a text table in a file named ``.html``."""
    if args.format is not None:
        return
    lang = getattr(args, "lang", "vi")
    ext = os.path.splitext(args.output)[1].lower() if args.output else ""
    fmt = FORMAT_OF_EXTENSION.get(ext, "table")
    if fmt not in args.formats:
        raise _UsageError(_msg(lang, "format", output=args.output, command=args.command,
                               fmt=fmt, choices=", ".join(args.formats)))
    args.format = fmt


def _parse_moment(text: str | None, lang: str = "vi") -> datetime | date | None:
    """``--as-of``: a bare date is handed to the library as a date, which reads it as office
    close that day (docs/rules.md "Due dates"), exactly as ``score_766(as_of=date(...))`` does."""
    if text is None:
        return None
    text = text.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        raise _UsageError(_msg(lang, "as_of", text=text)) from None


def _write(text: str | Iterable[str], output: str | None, lang: str = "vi") -> None:
    """Write a report (its text, or its pieces in order) to ``output`` (stdout: ``None``)."""
    chunks = (text,) if isinstance(text, str) else text
    if output is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()  # a closed pipe (| head) shows here, inside main's handler
        return
    try:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            for chunk in chunks:
                fh.write(chunk)
    except OSError as exc:
        raise _UsageError(_msg(lang, "write", output=output, why=exc.strerror)) from None


def _write_bytes(data: bytes, output: str | None, lang: str = "vi") -> None:
    if output is None:
        raise _UsageError(_msg(lang, "xlsx_out"))
    try:
        with open(output, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise _UsageError(_msg(lang, "write", output=output, why=exc.strerror)) from None


def _progress(folder: str, progress: bool | None, lang: str) -> Any:
    """The progress line on stderr (only: the report on stdout, JSON included, is never
    touched), or None when not shown: by default only when stderr is a terminal."""
    show = sys.stderr.isatty() if progress is None else progress
    if not show:
        return None
    from .cli_progress import ProgressLine

    return ProgressLine(folder, lang)


def _read(folder: str, strict: bool, progress: bool | None = None, lang: str = "vi") -> Any:
    from .io import read_folder

    line = _progress(folder, progress, lang)
    if line is None:
        return read_folder(folder, strict=strict)
    try:
        dataset = read_folder(folder, strict=strict, progress=line)
    except BaseException:
        sys.stderr.write("\n")
        raise
    line.done(next_phase=True, rows=dataset.report.read)
    return dataset


def _dataset(args: argparse.Namespace, period: Period | None) -> tuple[Any, Period]:
    """The folder read into records, its input checked, and the period: the one given, else
    the year of the latest receipt (:func:`_default_period`)."""
    dataset = _read(args.folder, args.strict, args.progress, args.lang)
    _check_input(dataset.report, args.lang)
    return dataset, period if period is not None else _default_period(dataset, args.lang)


def _counting(args: argparse.Namespace) -> Any:
    """The ``--policy NAME=VALUE`` options as a :class:`CountingPolicy` (``None``: none given)."""
    from .policy import CountingPolicy

    pairs = getattr(args, "policy", None)
    return CountingPolicy.from_pairs(pairs) if pairs else None


def _stream(folder: str, period: Period | None, as_of: datetime | date | None, strict: bool,
            progress: bool | None, lang: str = "vi", counting: Any = None) -> Any:
    """The scorecard counted from the files without holding the records; with no period, the
    year of the latest receipt (as :func:`_default_period` chooses it from the records)."""
    from .streaming import stream_score

    line = _progress(folder, progress, lang)
    try:
        card, latest = stream_score(folder, period=period, as_of=as_of, strict=strict,
                                    progress=line, counting=counting)
    except BaseException:
        if line is not None:
            sys.stderr.write("\n")
        raise
    if line is not None:
        line.done(next_phase=False, rows=getattr(card.input, "read", None))
    _check_input(card.input, lang)
    if latest is None and period is None:
        raise _UsageError(_msg(lang, "no_dossiers"))
    return card


def _engine_counts(folder: str) -> bool:
    """Whether the 766 scorecard of ``folder`` is counted by the columnar engine from the
    files: polars is installed (the ``fast`` extra) and ``folder`` is a folder."""
    import importlib.util

    return os.path.isdir(folder) and importlib.util.find_spec("polars") is not None


def _one_pass(folder: str) -> bool:
    """Whether ``chiso766 hcm104`` counts ``folder`` in one streaming pass
    (``hcm104.score_folder_with_766``): whenever it is a folder."""
    return os.path.isdir(folder)


def _report_pass(args: argparse.Namespace, period: Period | None,
                 as_of: datetime | date | None, counting: Any) -> Any:
    """The Decision 766 scorecard of an HTML or xlsx report and the flagged dossiers it lists
    (the due-date audit of the period's dossiers), from **one pass** over the files
    (:func:`~chiso766.streaming.observed_score` with
    :class:`~chiso766.reports.flagged.FlaggedDossiers`: the engine picks the few flagged in
    its batches and shows them as records, when polars is installed; else the row path shows
    every record) — what ``score_766`` and ``flagged_dossiers`` give on ``read_folder``'s
    records; and the period: the one given, else the year of the latest receipt. ``None``,
    having read nothing, when the records must be read whole: ``--ids`` (the stream keeps no
    ids), a file rather than a folder, supplements or ratings not in CSV."""
    if getattr(args, "ids", False) or not _one_pass(args.folder):
        return None
    from .reports.flagged import FlaggedDossiers
    from .streaming import observed_score

    units = set(args.unit) if args.unit else None
    line = _progress(args.folder, args.progress, args.lang)
    try:
        done = observed_score(
            args.folder, period=period, as_of=as_of, strict=args.strict, progress=line,
            counting=counting,
            observe=lambda ctx, _undated: FlaggedDossiers(ctx.procedures, ctx.period,
                                                          ctx.as_of, units))
    except BaseException:
        if line is not None:
            sys.stderr.write("\n")
        raise
    if done is None:
        return None
    card, latest, observer, rest = done
    if line is not None:
        line.done(next_phase=False, rows=getattr(rest.report, "read", None))
    _check_input(rest.report, args.lang)
    if latest is None and period is None:
        raise _UsageError(_msg(args.lang, "no_dossiers"))
    assert isinstance(observer, FlaggedDossiers)
    return card, observer.rows(), rest.report, (observer.first_receipt, observer.latest_receipt)


def _default_period(dataset: Any, lang: str = "vi") -> Period:
    latest: datetime | None = None
    for d in dataset.dossiers:
        if latest is None or d.receipt > latest:
            latest = d.receipt
    if latest is None:
        raise _UsageError(_msg(lang, "no_dossiers"))
    return Period.year(latest.year)


def _check_input(report: Any, lang: str) -> None:
    """An empty dossiers file (no rows at all, or only a header) is unusable input: exit 2
    naming it, never a quiet score of nothing."""
    if report is None:
        return
    for name, counts in report.files.items():
        if name.split(".", 1)[0] == "dossiers" and counts.read == 0:
            raise _UsageError(_msg(lang, "empty", file=name))


def _receipt_span(dataset: Any, lang: str) -> str:
    return _span_text(dataset.span if isinstance(dataset, _StreamedSource)
                      else _span(getattr(dataset, "dossiers", ())), lang)


def _span_text(span: _Span, lang: str) -> str:
    first, last = span
    if first is None or last is None:
        return ""
    return _msg(lang, "span", first=f"{first:%d/%m/%Y}", last=f"{last:%d/%m/%Y}")


_Span = tuple[datetime | None, datetime | None]


def _span(dossiers: Any) -> _Span:
    """The first and the last receipt among these dossiers."""
    span: _Span = (None, None)
    for d in dossiers:
        span = _widen(span, d.receipt)
    return span


def _widen(span: _Span, moment: datetime) -> _Span:
    first, last = span
    return (moment if first is None or moment < first else first,
            moment if last is None or moment > last else last)


class _StreamedSource:
    """A folder's records for ``hcm104.score`` or for the flagged dossiers of a report, read
    as a stream (``streaming.stream_dossiers``, with the progress line), noting the span of
    the receipts on the way (for the warning of an empty period); :meth:`done` ends the
    progress line and checks the input as :func:`_read` and :func:`_check_input` do for a
    dataset."""

    read_once = True

    def __init__(self, args: argparse.Namespace) -> None:
        from .streaming import stream_dossiers

        self.line = _progress(args.folder, args.progress, args.lang)
        try:
            self.stream = stream_dossiers(args.folder, strict=args.strict, progress=self.line)
        except BaseException:
            self._break_line()
            raise
        stream = self.stream
        self.procedures, self.units, self.petitions = (stream.procedures, stream.units,
                                                       stream.petitions)
        self.notes, self.ratings, self.postings = stream.notes, stream.ratings, stream.postings
        self.undated_rated = stream.undated_rated
        self.span: _Span = (None, None)

    @property
    def dossiers(self) -> Iterator[Any]:
        # Read 20,000 at a time, then handed out: reading and working on one dossier after
        # the other measured ~8 % slower (the audit, 200,000 rows); 20,000 records are a few MB.
        dossiers = iter(self.stream)
        try:
            while batch := list(itertools.islice(dossiers, 20_000)):
                for d in batch:
                    self.span = _widen(self.span, d.receipt)
                    yield d
        except BaseException:
            self._break_line()
            raise

    @property
    def report(self) -> Any:
        return self.stream.report

    def observe(self, observer: Any) -> None:
        """The dossiers shown to ``observer`` (``DossierStream.observe``), noting the span of
        the receipts (``observer.first_receipt`` / ``latest_receipt``)."""
        try:
            self.stream.observe(observer)
        except BaseException:
            self._break_line()
            raise
        self.span = (observer.first_receipt, observer.latest_receipt)

    def done(self, lang: str) -> None:
        if self.line is not None:
            self.line.done(next_phase=True, rows=self.report.read)
        _check_input(self.report, lang)

    def _break_line(self) -> None:
        if self.line is not None:
            sys.stderr.write("\n")


def _warn_empty_period(result: Any, lang: str, dataset: Any = None,
                       span: _Span | None = None) -> None:
    """A period with no dossier received (766) or resolved (HCMC) in it: one warning line on
    stderr, naming the span of the receipts (``span``, else the dataset's); the report itself
    carries the note (scoring.no_receipts_note, hcm104.score)."""
    from .hcm104 import Hcm104Report

    if result.period is None or not result.roots:
        return
    if isinstance(result, Hcm104Report):
        resolved = sum(result.units[r].parts["A"].details.get("resolved", 0)
                       for r in result.roots)
        key = None if resolved else "warn_resolved"
    else:
        key = None if result.received else "warn_received"
    if key is not None:
        shown = (_span_text(span, lang) if span is not None
                 else _receipt_span(dataset, lang) if dataset is not None else "")
        print(f"chiso766: {_msg(lang, key, period=result.period.label, span=shown)}",
              file=sys.stderr)


def _done(report: Any, args: argparse.Namespace) -> int:
    """The exit status; when rows were rejected and the report went to a file, a one-line
    summary on stderr (the list itself is in the report)."""
    if report is None or not report.rejected:
        return EXIT_OK
    if args.output:
        print("chiso766: " + _msg(args.lang, "rejected", rejected=report.rejected,
                                  read=report.read, accepted=report.accepted,
                                  output=args.output), file=sys.stderr)
    return EXIT_REJECTED


def _status(dataset: Any, args: argparse.Namespace) -> int:
    return _done(dataset.report, args)


def _streams(args: argparse.Namespace, period: Period | None) -> bool:
    """Whether ``score`` counts the files without holding the records (flat memory): whenever
    nothing needs the records themselves — no ids are kept, and no report lists the due-date
    audit of single dossiers. Without a period the folder must be a folder: the streaming count
    reports (and checks) the year of the latest receipt, the default period."""
    return not args.ids and args.format in ("table", "json", "csv") and (
        period is not None or os.path.isdir(args.folder))


def _cmd_score(args: argparse.Namespace) -> int:
    from .reports.json_report import dumps, scorecard_to_dict
    from .reports.table import render_scorecard
    from .scoring import score_766

    period = Period.parse(args.period) if args.period else None
    as_of = _parse_moment(args.as_of, args.lang)
    counting = _counting(args)
    dataset: Any = None
    flagged: list[tuple[Any, Any]] | None = None
    span: _Span | None = None
    if _streams(args, period):
        card = _stream(args.folder, period, as_of, args.strict, args.progress, args.lang,
                       counting)
        report = card.input
    elif (one_pass := _report_pass(args, period, as_of, counting)) is not None:
        # An HTML or xlsx report: the scorecard and its flagged dossiers in one pass.
        card, flagged, report, span = one_pass
    else:
        dataset, period = _dataset(args, period)
        card = score_766(dataset, period=period, as_of=as_of, keep_ids=args.ids,
                         counting=counting)
        report = dataset.report
    _warn_empty_period(card, args.lang, dataset, span)
    units = list(card.units)
    if args.unit:
        missing = [u for u in args.unit if u not in card.units]
        if missing:
            raise _UsageError(_msg(args.lang, "no_unit", units=", ".join(missing)))
        units = [u for u in units if u in args.unit]
    if args.format == "json":
        text = dumps(scorecard_to_dict(card, lang=args.lang, include_ids=args.ids, units=units))
    elif args.format == "csv":
        from .reports.csv_report import scorecard_csv

        text = scorecard_csv(card, lang=args.lang, units=units)
    elif args.format == "html":
        from .reports.html import render_html

        if flagged is None:
            flagged = _flagged(dataset, set(units) if args.unit else None, card)
        text = render_html(card, lang=args.lang, units=units, audits=flagged)
    elif args.format == "xlsx":
        from .reports.xlsx import render_xlsx

        if flagged is None:
            flagged = _flagged(dataset, set(units) if args.unit else None, card)
        _write_bytes(render_xlsx(card, lang=args.lang, units=units, audits=flagged),
                     args.output, args.lang)
        return _done(report, args)
    else:
        text = render_scorecard(card, lang=args.lang, units=units)
        if report.rejected:
            text += rejections_text(report, args.lang)
    _write(text, args.output, args.lang)
    return _done(report, args)


def _cmd_hcm104(args: argparse.Namespace) -> int:
    from .hcm104 import Hcm104Policy, score
    from .reports.hcm104_report import render_csv, render_json, render_table
    from .scoring import score_766

    period = Period.parse(args.period) if args.period else None
    as_of = _parse_moment(args.as_of, args.lang)
    policy = Hcm104Policy(
        late_within_5_working_days=args.late_within_5, k_equal_20=args.k_equal_20,
        missing_part=args.missing_part, b_population=args.b_population,
    )
    counting = _counting(args)
    # Part D (the 766 SATISFACTION group) and the HTML/xlsx pages need the 766 scorecard.
    with_766 = args.format in ("html", "xlsx")
    span: _Span | None = None
    dataset: Any = None
    card: Any
    if _one_pass(args.folder):
        # Both indices from one pass over the files: the engine counts and marks each batch
        # when polars is installed, else the row path a record at a time (flat memory).
        from .hcm104 import score_folder_with_766

        line = _progress(args.folder, args.progress, args.lang)
        try:
            scores = score_folder_with_766(args.folder, period=period, as_of=as_of,
                                           policy=policy, by_staff=args.staff,
                                           counting=counting, strict=args.strict,
                                           progress=line)
        except BaseException:
            if line is not None:
                sys.stderr.write("\n")
            raise
        report, card = scores.report, scores.scorecard
        if line is not None:
            line.done(next_phase=False, rows=getattr(report.input, "read", None))
        _check_input(report.input, args.lang)
        if scores.latest_receipt is None and period is None:
            raise _UsageError(_msg(args.lang, "no_dossiers"))
        span = (scores.first_receipt, scores.latest_receipt)
    else:
        dataset, period = _dataset(args, period)
        card = score_766(dataset, period=period, as_of=as_of,
                         counting=counting) if with_766 else None
        report = score(dataset, period=period, as_of=as_of, policy=policy, by_staff=args.staff,
                       scorecard=card, counting=counting)
    if not with_766:
        card = None
    _warn_empty_period(report, args.lang, dataset, span)
    chosen: list[str] | None = None
    if args.unit:
        missing = [u for u in args.unit if u not in report.units]
        if missing:
            raise _UsageError(_msg(args.lang, "no_unit", units=", ".join(missing)))
        chosen = [u for u in report.units if u in args.unit]
    if card is not None and args.format == "xlsx":
        from .reports.xlsx import render_xlsx

        _write_bytes(render_xlsx(card, lang=args.lang, units=chosen, hcm=report), args.output,
                     args.lang)
        return _done(report.input, args)
    if card is not None:
        from .reports.hcm104_html import render_hcm104_html

        # The HCM page: the K table first, then the 766 scorecards part D comes from.
        text = render_hcm104_html(report, card, lang=args.lang, units=chosen)
    elif args.format == "json":
        text = render_json(report, lang=args.lang, units=chosen)
    elif args.format == "csv":
        text = render_csv(report, lang=args.lang, units=chosen)
    else:
        text = render_table(report, lang=args.lang, units=chosen)
    _write(text, args.output, args.lang)
    return _done(report.input, args)


def _flagged(dataset: Any, units: set[str] | None, card: Any) -> list[tuple[Any, Any]]:
    """The period's dossiers (criterion 2.1's population) whose recorded due date is later
    than the statutory one, or missing (reports.flagged)."""
    from .reports.flagged import flagged_dossiers

    return flagged_dossiers(dataset, card.period, card.as_of, units)


def _cmd_audit(args: argparse.Namespace) -> int:
    """The due-date audit of every dossier, read as a stream: only the flagged ones (with
    ``--all`` every one) are kept for the report."""
    from .reports.flagged import FlaggedDossiers
    from .spill import SortedSpill

    source = _StreamedSource(args)
    procedures = source.procedures
    # Each dossier's part of the report is written when it is audited and kept as UTF-8 (cheap
    # to write to a temporary file and read back; half the memory of a str with Vietnamese
    # letters), sorted by unit and id; beyond a run of them, in temporary files (memory stays
    # flat).
    rows: SortedSpill[tuple[str, str, bytes]] = SortedSpill(key=lambda row: row[:2])
    flagged = 0
    render: Callable[[_Audited], str] = (
        _audit_json_item if args.format == "json"
        else _AuditCsvLine(args.lang) if args.format == "csv"
        else functools.partial(_audit_table_row, lang=args.lang))

    def add(d: Any, result: Any) -> None:
        nonlocal flagged
        flagged += result.flagged
        rows.add((d.unit_id, d.id, render(_Audited.of(d, result)).encode()))

    # With polars the engine reads the dossiers in columns: the flagged ones (with --all, every
    # one) are listed from their columns with the audit's findings where the columnar form
    # settles the statutory due date, else become records audited by the scalar audit
    # (FlaggedDossiers).
    source.observe(FlaggedDossiers(procedures, None, None, add=add, every=args.all))
    checked = _accepted_dossiers(source.report)
    source.done(args.lang)
    report = source.report
    text: str | Iterator[str]
    parts = (part.decode() for _, _, part in rows)
    if args.format == "json":
        text = _audit_json(parts, flagged, checked, report)
    elif args.format == "csv":
        text = _audit_csv(parts)
    else:
        text = _audit_table(parts, flagged, checked, args.lang)
        if report.rejected:
            text = itertools.chain(text, (rejections_text(report, args.lang),))
    _write(text, args.output, args.lang)
    return _done(report, args)


def _accepted_dossiers(report: Any) -> int:
    """The dossiers accepted, as the input report counts them (the dossiers file's)."""
    return sum(counts.accepted for name, counts in report.files.items()
               if name.split(".", 1)[0] == "dossiers")


class _Audited(NamedTuple):
    """An audited dossier as the audit's report shows it: the dossier's own columns and its
    audit result (each is written out as text as soon as it is audited)."""

    dossier_id: str
    unit_id: str
    procedure_code: str
    received_at: datetime | None
    result: Any  #: the dossier's AuditResult

    @classmethod
    def of(cls, d: Any, r: Any) -> _Audited:
        return cls(d.id, d.unit_id, d.procedure_code, d.receipt, r)


def _audit_json(items: Iterable[str], flagged: int, checked: int,
                report: Any) -> Iterator[str]:
    """The audit as JSON, a dossier at a time (``items``: each dossier's object,
    :func:`_audit_json_item`, in order): the text of ``json.dumps(payload,
    ensure_ascii=False, indent=2)`` (payload: ``dossiers``, ``flagged``, ``checked``,
    ``input``, ``rejected``) without building it whole — at 10M rows half a million flagged
    dossiers, whose dicts and text would cost more than the records."""
    payload = {
        "dossiers": [],
        "flagged": flagged,
        "checked": checked,
        "input": {"read": report.read, "accepted": report.accepted,
                  "rejected": report.rejected},
        "rejected": [r.to_dict() for r in report.rejections],
    }
    whole = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    empty = '{\n  "dossiers": [],'
    assert whole.startswith(empty)
    n = 0
    for n, item in enumerate(items, 1):
        yield ('{\n  "dossiers": [' if n == 1 else ",") + "\n    " + item
    yield ("\n  ]," + whole[len(empty):]) if n else whole


def _audit_json_item(row: _Audited) -> str:
    """One dossier of the audit's JSON, as ``json.dumps(…, indent=2)`` writes it inside the
    ``dossiers`` list."""
    from .reports.json_report import flat_object

    return flat_object(_audit_dict(row, row.result), "    ")


_AUDIT_CSV_HEAD = ["dossier_id", "unit_id", "procedure_code", "received_at", "recorded_due_at",
                   "statutory_due_at", "extra_working_days", "ended_at", "flags", "message"]


class _AuditCsvLine:
    """One dossier of the audit's CSV, as the report's CSV writer writes its row."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.buf = io.StringIO()
        self.writer = CsvWriter(self.buf)

    def __call__(self, row: _Audited) -> str:
        r = row.result
        a = _audit_dict(row, r)
        self.writer.writerow([a["dossier_id"], a["unit_id"], a["procedure_code"],
                              a["received_at"], a["recorded_due_at"], a["statutory_due_at"],
                              a["extra_working_days"], a["ended_at"], " ".join(a["flags"]),
                              "; ".join(r.texts(self.lang))])
        line = self.buf.getvalue()
        self.buf.seek(0)
        self.buf.truncate()
        return line


def _audit_csv(lines: Iterable[str]) -> Iterator[str]:
    """The audit as CSV (``lines``: each dossier's row, :class:`_AuditCsvLine`, in order),
    10,000 rows of text at a time."""
    buf = io.StringIO()
    CsvWriter(buf).writerow(_AUDIT_CSV_HEAD)
    chunk = [buf.getvalue()]
    for n, line in enumerate(lines, 1):
        chunk.append(line)
        if n % 10_000 == 0:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="minutes")


def _audit_dict(row: _Audited, r: Any) -> dict[str, Any]:
    return {
        "dossier_id": row.dossier_id, "unit_id": row.unit_id,
        "procedure_code": row.procedure_code,
        "received_at": _iso(row.received_at), "recorded_due_at": _iso(r.recorded_due_at),
        "statutory_due_at": _iso(r.statutory_due_at),
        "extra_working_days": r.extra_working_days, "ended_at": _iso(r.end_at),
        "flags": list(r.flags), "messages": list(r.messages),
    }


_AUDIT_TABLE_ROW = "{:<28} {:<16} {:<10} {:<10} {:<13} {:<13} {:>4} {:<10}"


def _audit_table(rows: Iterable[str], flagged: int, checked: int,
                 lang: str) -> Iterator[str]:
    """The audit as a text table, a dossier at a time (``rows``: each dossier's lines,
    :func:`_audit_table_row`, in order)."""
    vi = lang == "vi"
    title = (f"Kiểm tra ngày hẹn trả: {flagged}/{checked} hồ sơ có bất thường" if vi
             else f"Due-date audit: {flagged} of {checked} dossiers flagged")
    head = ("Mã hồ sơ", "Đơn vị", "TTHC", "Tiếp nhận", "Hẹn trả (ghi)", "Hạn luật định",
            "+NLV", "Kết thúc") if vi else ("Dossier", "Unit", "Procedure", "Received",
                                             "Recorded due", "Statutory due", "+WD", "Ended")
    yield f"{title}\n\n{_AUDIT_TABLE_ROW.format(*head)}\n"
    yield from rows


def _audit_table_row(row: _Audited, lang: str) -> str:
    """One dossier of the audit's text table: its row, then each message."""

    def day(m: datetime | None) -> str:
        return "—" if m is None else f"{m:%d/%m/%Y}"

    r = row.result
    lines = [_AUDIT_TABLE_ROW.format(
        terminal_text(row.dossier_id)[:28], terminal_text(row.unit_id)[:16],
        terminal_text(row.procedure_code)[:10], day(row.received_at), day(r.recorded_due_at),
        day(r.statutory_due_at), r.extra_working_days, day(r.end_at))]
    lines += [f"    ↳ {terminal_text(m)}" for m in r.texts(lang)]
    return "\n".join(lines) + "\n"


def _cmd_calendar(args: argparse.Namespace) -> int:
    cal = WorkingCalendar.vietnam()
    year = args.year
    off = cal.days_off(year)
    work = cal.working_weekend_days(year)
    verified = cal.is_verified(year)
    if args.format == "json":
        payload = {
            "year": year, "verified": verified,
            "days_off": [{"date": i.date.isoformat(), "reason": i.label, "source": i.source}
                         for i in off],
            "working_weekend_days": [{"date": i.date.isoformat(), "reason": i.label,
                                      "source": i.source} for i in work],
            "working_days": cal.working_days_between(date(year - 1, 12, 31), date(year, 12, 31)),
        }
        text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    else:
        state = "đã kiểm chứng" if verified else "CHƯA kiểm chứng (chỉ theo gói holidays)"
        total = cal.working_days_between(date(year - 1, 12, 31), date(year, 12, 31))
        lines = [f"Lịch làm việc cơ quan nhà nước năm {year} — {state}; {total} ngày làm việc",
                 "", "Ngày nghỉ (thứ Hai – thứ Sáu):"]
        lines += [f"  {i.date:%d/%m/%Y} {_WD[i.date.weekday()]:<9} {i.label}" for i in off]
        lines += ["", "Ngày làm việc vào cuối tuần (làm bù):"]
        lines += [f"  {i.date:%d/%m/%Y} {_WD[i.date.weekday()]:<9} {i.label}" for i in work] \
            or ["  (không có)"]
        sources = sorted({i.source for i in off + work})
        if sources:
            lines += ["", "Nguồn: " + "; ".join(sources)]
        text = "\n".join(lines) + "\n"
    _write(text, args.output)
    return EXIT_OK


def _cmd_portal(args: argparse.Namespace) -> int:
    """Exit 0 when every published number checks, 1 when some differ (the report is still
    written), 2 when a response cannot be read."""
    from .portal import read_portal
    from .reports.json_report import dumps
    from .reports.reconcile_report import verification_table, verification_to_dict

    snapshot = read_portal(args.paths)
    check = snapshot.verify()
    if args.format == "json":
        text = dumps(verification_to_dict(check, args.lang, snapshot))
    else:
        text = verification_table(check, snapshot, args.lang)
    _write(text, args.output)
    return EXIT_OK if check.ok else EXIT_REJECTED


def _cmd_reconcile(args: argparse.Namespace) -> int:
    from .portal import read_portal
    from .reconcile import reconcile
    from .reports import reconcile_report as rr
    from .reports.json_report import dumps
    from .scoring import score_766

    period = Period.parse(args.period)
    as_of = _parse_moment(args.as_of)
    match: dict[str, str] = {}
    for item in args.match or ():
        unit, sep, code = item.partition("=")
        if not sep or not unit.strip() or not code.strip():
            raise _UsageError(f"--match: expected UNIT=CODE, got {item!r}")
        match[unit.strip()] = code.strip()
    counting = _counting(args)
    snapshot = read_portal(args.portal)
    # Only the scorecard is compared: streamed by the engine unless --ids keeps the records'
    # ids (the same scorecard either way).
    if not args.ids and _engine_counts(args.folder):
        card = _stream(args.folder, period, as_of, args.strict, args.progress, args.lang,
                       counting)
        report = card.input
    else:
        dataset = _read(args.folder, args.strict, args.progress, args.lang)
        card = score_766(dataset, period=period, as_of=as_of, keep_ids=args.ids,
                         counting=counting)
        report = dataset.report
    missing = sorted(u for u in match if u not in card.units)
    if missing:
        raise _UsageError(f"--match: no such unit in your records: {', '.join(missing)}")
    result = reconcile(card, snapshot, units=match or None)
    if args.format == "xlsx":
        _write_bytes(rr.reconciliation_xlsx(result, args.lang, args.ids), args.output)
        return _done(report, args)
    if args.format == "json":
        out = rr.reconciliation_to_dict(result, args.lang, args.ids)
        out["input"] = {"read": report.read, "accepted": report.accepted,
                        "rejected": report.rejected}
        text = dumps(out)
    elif args.format == "csv":
        text = rr.reconciliation_csv(result, args.lang, args.ids)
    elif args.format == "html":
        text = rr.reconciliation_html(result, args.lang, args.ids)
    else:
        text = rr.reconciliation_table(result, args.lang, args.ids,
                                       all_rows=not args.differences)
        if report.rejected:
            text += rejections_text(report, args.lang)
    _write(text, args.output)
    return _done(report, args)


_WD = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``chiso766`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _lang_of(argv)
    try:
        args = _parser(lang).parse_args(argv)
        lang = getattr(args, "lang", lang)
        _infer_format(args)
        if args.command == "score":
            return _cmd_score(args)
        if args.command == "audit":
            return _cmd_audit(args)
        if args.command == "calendar":
            return _cmd_calendar(args)
        if args.command == "hcm104":
            return _cmd_hcm104(args)
        if args.command == "portal":
            return _cmd_portal(args)
        if args.command == "reconcile":
            return _cmd_reconcile(args)
        raise _UsageError(f"unknown command {args.command!r}")  # pragma: no cover
    except _UsageError as exc:
        print(f"chiso766: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Chiso766Error as exc:
        print(f"chiso766: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # `chiso766 … | head`: the reader has gone; stop quietly, as other tools do.
        _quiet_stdout()
        return EXIT_OK
    except OSError as exc:
        print(f"chiso766: {exc.strerror or exc}: {getattr(exc, 'filename', '')}".rstrip(": "),
              file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # pragma: no cover
        print(f"chiso766: {_msg(lang, 'interrupted')}", file=sys.stderr)
        return 130
    except Exception as exc:  # pragma: no cover - a bug; the contract is one line, no traceback
        if os.environ.get("CHISO766_DEBUG"):
            raise
        print(f"chiso766: {_msg(lang, 'internal', error=f'{type(exc).__name__}: {exc}')}",
              file=sys.stderr)
        return EXIT_USAGE


def _quiet_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so that Python's flush at exit does not
    print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # pragma: no cover - no real stdout
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
