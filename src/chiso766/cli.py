"""The ``chiso766`` command: argument parsing and output only; everything else is library calls.

Exit status (SPEC §9): 0 on success, 1 when input rows were rejected (the report is still
written), 2 on unusable arguments or unreadable input — with a one-line message, no traceback.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NoReturn

from . import __version__
from .calendar import WorkingCalendar
from .errors import Chiso766Error
from .periods import Period
from .reports.table import rejections_text

__all__ = ["main"]

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="chiso766", description="Chấm điểm Chỉ số 766 / HCMC 104 — Vietnamese "
                "public service delivery scores.")
    p.add_argument("--version", action="version", version=f"chiso766 {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(sp: argparse.ArgumentParser, formats: Sequence[str]) -> None:
        sp.add_argument("folder", help="folder of exports (dossiers.csv, procedures.csv, …)")
        sp.add_argument("--format", choices=formats, default="table")
        sp.add_argument("--output", "-o", help="write the report to this file")
        sp.add_argument("--lang", choices=("vi", "en"), default="vi")
        sp.add_argument("--strict", action="store_true",
                        help="stop at the first bad row instead of listing it as rejected")
        sp.add_argument("--progress", action="store_true", default=None,
                        help="show a progress line on stderr (default: when stderr is a "
                        "terminal)")

    score = sub.add_parser("score", help="Decision 766 scorecards of every unit")
    common(score, ("table", "json", "csv", "html", "xlsx"))
    score.add_argument("--period", help="2025, 2025-Q2, 2025-06 or 2025-04-01..2025-05-15 "
                       "(default: the year of the latest receipt, which needs the whole "
                       "folder in memory; with --period the dossiers are streamed)")
    score.add_argument("--as-of", dest="as_of", help="evaluation moment, ISO 8601 "
                       "(default: end of the period)")
    score.add_argument("--unit", action="append", help="only this unit (repeatable)")
    score.add_argument("--ids", action="store_true",
                       help="keep the record ids counted in each numerator and denominator")

    hcm = sub.add_parser("hcm104", help="HCMC Decision 104/2024 satisfaction index K = A+B+C+D+E")
    common(hcm, ("table", "json", "csv", "html", "xlsx"))
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

    aud = sub.add_parser("audit", help="dossiers whose recorded due date is later than the "
                         "statutory one, or missing")
    common(aud, ("table", "json", "csv"))
    aud.add_argument("--all", action="store_true", help="list every dossier, not only flagged")

    cal = sub.add_parser("calendar", help="a year's days off and working weekend days")
    cal.add_argument("year", type=int)
    cal.add_argument("--format", choices=("table", "json"), default="table")
    cal.add_argument("--output", "-o")
    return p


def _parse_moment(text: str | None) -> datetime | date | None:
    """``--as-of``: a bare date is handed to the library as a date, which reads it as office
    close that day (SPEC §3), exactly as ``score_766(as_of=date(...))`` does."""
    if text is None:
        return None
    text = text.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        raise _UsageError(f"--as-of: not an ISO 8601 date or moment: {text!r}") from None


def _write(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except OSError as exc:
        raise _UsageError(f"cannot write {output}: {exc.strerror}") from None


def _write_bytes(data: bytes, output: str | None) -> None:
    if output is None:
        raise _UsageError("--format xlsx needs --output FILE.xlsx")
    try:
        with open(output, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise _UsageError(f"cannot write {output}: {exc.strerror}") from None


def _progress_line(kind: str, rows: int) -> None:
    # stderr only: the report on stdout (JSON included) is never touched.
    sys.stderr.write(f"\rchiso766: đọc {kind}: {rows:,} dòng".ljust(60))
    sys.stderr.flush()


def _read(folder: str, strict: bool, progress: bool | None = None) -> Any:
    from .io import read_folder

    show = sys.stderr.isatty() if progress is None else progress
    if not show:
        return read_folder(folder, strict=strict)
    try:
        return read_folder(folder, strict=strict, progress=_progress_line)
    finally:
        sys.stderr.write("\n")


def _stream(folder: str, period: Period, as_of: datetime | date | None, strict: bool,
            progress: bool | None) -> Any:
    from .streaming import score_folder

    show = sys.stderr.isatty() if progress is None else progress
    if not show:
        return score_folder(folder, period=period, as_of=as_of, strict=strict)
    try:
        return score_folder(folder, period=period, as_of=as_of, strict=strict,
                            progress=_progress_line)
    finally:
        sys.stderr.write("\n")


def _default_period(dataset: Any) -> Period:
    latest: datetime | None = None
    for d in dataset.dossiers:
        if latest is None or d.receipt > latest:
            latest = d.receipt
    if latest is None:
        raise _UsageError("no dossiers were accepted: give --period or check the input")
    return Period.year(latest.year)


def _status(dataset: Any) -> int:
    return EXIT_REJECTED if dataset.report.rejected else EXIT_OK


def _cmd_score(args: argparse.Namespace) -> int:
    from .reports.json_report import dumps, scorecard_to_dict
    from .reports.table import render_scorecard
    from .scoring import score_766

    period = Period.parse(args.period) if args.period else None
    as_of = _parse_moment(args.as_of)
    # Streaming (flat memory) whenever nothing needs the records themselves: the period is
    # known, no ids are kept, and no report lists the due-date audit of single dossiers.
    if period is not None and not args.ids and args.format in ("table", "json", "csv"):
        card = _stream(args.folder, period, as_of, args.strict, args.progress)
        report = card.input
    else:
        dataset = _read(args.folder, args.strict, args.progress)
        if period is None:
            period = _default_period(dataset)
        card = score_766(dataset, period=period, as_of=as_of, keep_ids=args.ids)
        report = dataset.report
    units = list(card.units)
    if args.unit:
        missing = [u for u in args.unit if u not in card.units]
        if missing:
            raise _UsageError(f"--unit: no such unit: {', '.join(missing)}")
        units = [u for u in units if u in args.unit]
    if args.format == "json":
        text = dumps(scorecard_to_dict(card, lang=args.lang, include_ids=args.ids, units=units))
    elif args.format == "csv":
        from .reports.csv_report import scorecard_csv

        text = scorecard_csv(card, lang=args.lang, units=units)
    elif args.format == "html":
        from .reports.html import render_html

        text = render_html(card, lang=args.lang, units=units,
                           audits=_flagged(dataset, set(units) if args.unit else None))
    elif args.format == "xlsx":
        from .reports.xlsx import render_xlsx

        _write_bytes(render_xlsx(card, lang=args.lang, units=units,
                                 audits=_flagged(dataset, set(units) if args.unit else None)),
                     args.output)
        return EXIT_REJECTED if report.rejected else EXIT_OK
    else:
        text = render_scorecard(card, lang=args.lang, units=units)
        if report.rejected:
            text += rejections_text(report, args.lang)
    _write(text, args.output)
    return EXIT_REJECTED if report.rejected else EXIT_OK


def _cmd_hcm104(args: argparse.Namespace) -> int:
    from .hcm104 import Hcm104Policy, score
    from .reports.hcm104_report import render_csv, render_json, render_table
    from .scoring import score_766

    period = Period.parse(args.period) if args.period else None
    as_of = _parse_moment(args.as_of)
    policy = Hcm104Policy(
        late_within_5_working_days=args.late_within_5, k_equal_20=args.k_equal_20,
        missing_part=args.missing_part, b_population=args.b_population,
    )
    dataset = _read(args.folder, args.strict, args.progress)
    if period is None:
        period = _default_period(dataset)
    with_766 = args.format in ("html", "xlsx")
    card = score_766(dataset, period=period, as_of=as_of) if with_766 else None
    report = score(dataset, period=period, as_of=as_of, policy=policy, by_staff=args.staff,
                   scorecard=card)
    chosen: list[str] | None = None
    if args.unit:
        missing = [u for u in args.unit if u not in report.units]
        if missing:
            raise _UsageError(f"--unit: no such unit: {', '.join(missing)}")
        chosen = [u for u in report.units if u in args.unit]
    if card is not None and args.format == "xlsx":
        from .reports.xlsx import render_xlsx

        _write_bytes(render_xlsx(card, lang=args.lang, units=chosen, hcm=report), args.output)
        return _status(dataset)
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
    _write(text, args.output)
    return _status(dataset)


def _flagged(dataset: Any, units: set[str] | None) -> list[tuple[Any, Any]]:
    """Dossiers whose recorded due date is later than the statutory one, or missing."""
    from .deadlines import audit

    rows = []
    for d in dataset.dossiers:
        if units is not None and d.unit_id not in units:
            continue
        result = audit(d, dataset.procedures.get(d.procedure_code))
        if result.flagged:
            rows.append((d, result))
    rows.sort(key=lambda pair: (pair[0].unit_id, pair[0].id))
    return rows


def _cmd_audit(args: argparse.Namespace) -> int:
    from .deadlines import audit

    dataset = _read(args.folder, args.strict, args.progress)
    rows = []
    for d in dataset.dossiers:
        result = audit(d, dataset.procedures.get(d.procedure_code))
        if result.flagged or args.all:
            rows.append((d, result))
    rows.sort(key=lambda pair: (pair[0].unit_id, pair[0].id))
    if args.format == "json":
        payload = {
            "dossiers": [_audit_dict(d, r) for d, r in rows],
            "flagged": sum(1 for _, r in rows if r.flagged),
            "checked": len(dataset.dossiers),
            "input": {"read": dataset.report.read, "accepted": dataset.report.accepted,
                      "rejected": dataset.report.rejected},
            "rejected": [r.to_dict() for r in dataset.report.rejections],
        }
        text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    elif args.format == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["dossier_id", "unit_id", "procedure_code", "received_at", "recorded_due_at",
                    "statutory_due_at", "extra_working_days", "ended_at", "flags", "message"])
        for d, r in rows:
            a = _audit_dict(d, r)
            w.writerow([a["dossier_id"], a["unit_id"], a["procedure_code"], a["received_at"],
                        a["recorded_due_at"] or "", a["statutory_due_at"] or "",
                        a["extra_working_days"], a["ended_at"] or "", " ".join(a["flags"]),
                        "; ".join(r.messages)])
        text = buf.getvalue()
    else:
        text = _audit_table(rows, len(dataset.dossiers), args.lang)
        if dataset.report.rejected:
            text += rejections_text(dataset.report, args.lang)
    _write(text, args.output)
    return _status(dataset)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="minutes")


def _audit_dict(d: Any, r: Any) -> dict[str, Any]:
    return {
        "dossier_id": d.id, "unit_id": d.unit_id, "procedure_code": d.procedure_code,
        "received_at": _iso(d.receipt), "recorded_due_at": _iso(r.recorded_due_at),
        "statutory_due_at": _iso(r.statutory_due_at),
        "extra_working_days": r.extra_working_days, "ended_at": _iso(r.end_at),
        "flags": list(r.flags), "messages": list(r.messages),
    }


def _audit_table(rows: list[Any], checked: int, lang: str) -> str:
    vi = lang == "vi"
    flagged = sum(1 for _, r in rows if r.flagged)
    title = (f"Kiểm tra ngày hẹn trả: {flagged}/{checked} hồ sơ có bất thường" if vi
             else f"Due-date audit: {flagged} of {checked} dossiers flagged")
    head = ("Mã hồ sơ", "Đơn vị", "TTHC", "Tiếp nhận", "Hẹn trả (ghi)", "Hạn luật định",
            "+NLV", "Kết thúc") if vi else ("Dossier", "Unit", "Procedure", "Received",
                                             "Recorded due", "Statutory due", "+WD", "Ended")
    fmt = "{:<28} {:<16} {:<10} {:<10} {:<13} {:<13} {:>4} {:<10}"
    lines = [title, "", fmt.format(*head)]

    def day(m: datetime | None) -> str:
        return "—" if m is None else f"{m:%d/%m/%Y}"

    for d, r in rows:
        lines.append(fmt.format(d.id[:28], d.unit_id[:16], d.procedure_code[:10], day(d.receipt),
                                day(r.recorded_due_at), day(r.statutory_due_at),
                                r.extra_working_days, day(r.end_at)))
        for m in r.messages:
            lines.append(f"    ↳ {m}")
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


_WD = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``chiso766`` console script."""
    try:
        args = _parser().parse_args(argv)
        if args.command == "score":
            return _cmd_score(args)
        if args.command == "audit":
            return _cmd_audit(args)
        if args.command == "calendar":
            return _cmd_calendar(args)
        if args.command == "hcm104":
            return _cmd_hcm104(args)
        raise _UsageError(f"unknown command {args.command!r}")  # pragma: no cover
    except _UsageError as exc:
        print(f"chiso766: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Chiso766Error as exc:
        print(f"chiso766: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"chiso766: {exc.strerror or exc}: {getattr(exc, 'filename', '')}".rstrip(": "),
              file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # pragma: no cover
        print("chiso766: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # pragma: no cover - a bug; the contract is one line, no traceback
        if os.environ.get("CHISO766_DEBUG"):
            raise
        print(f"chiso766: internal error ({type(exc).__name__}: {exc}); rerun with "
              "CHISO766_DEBUG=1 for the traceback and please report it", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
