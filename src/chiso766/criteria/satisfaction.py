"""Group 5 — Mức độ hài lòng (satisfaction), 18 points: criteria 5.1–5.4 (docs/rules.md "The
criteria" and "Petitions on time").

Source: QĐ 766/QĐ-TTg, Appendix, group 5; Decree 20/2008/NĐ-CP on receiving and handling
petitions (Art. 15–16 time limits) as applied by the national feedback system; the portal's
technical description.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import attrs

from ..calendar import WorkingCalendar
from ..records import Petition, PetitionClass
from .base import IN_TIME, Acc, Context, Count, DossierShape, Note, Verdict

__all__ = [
    "PetitionVerdict",
    "add_dossier",
    "add_petition",
    "dossier_rating_satisfaction",
    "petition_classification_staff",
    "petition_classification_tthc",
    "petition_handling_satisfaction",
    "petition_processed_on_time",
    "petition_verdict",
]

#: Working-day limits on the national feedback system (docs/rules.md "Petitions on time").
REFUSE_WITHIN = 2  #: từ chối tiếp nhận
SUPPLEMENT_WITHIN = 5  #: yêu cầu bổ sung lần đầu
HANDLE_WITHIN = 15  #: xử lý xong (chờ công khai / đã công khai)
PUBLISH_WITHIN = 2  #: công khai kết quả sau khi sẵn sàng


@attrs.define(frozen=True, slots=True)
class PetitionVerdict:
    """Whether a petition was (or still is) handled in time at the evaluation moment.

    ``started_at`` is when its limits started; ``start_fallback`` is True when a petition sent
    directly to the unit had no ``sent_at`` and its receipt stood in for it.
    """

    petition_id: str
    ended_at: datetime | None
    on_time: bool
    reason: str
    started_at: datetime | None = None
    start_fallback: bool = False


def petition_verdict(p: Petition, as_of: datetime, calendar: WorkingCalendar,
                     rule: str = "ending_step") -> PetitionVerdict:
    """docs/rules.md "Petitions on time": working-day limits counted from the latest
    transfer to the unit, else from the citizen's send date ``sent_at`` (else the receipt, noted):
    refuse within 2; first supplement request within 5; handle (reach "awaiting publication" or
    "published") within 15; publish within 2 of being ready — a ready petition not yet published
    is measured to ``as_of``. A petition that ended is on time when its ending step met its limit
    (``rule="ending_step"``, the default) or, with ``rule="all_steps"``, when every step it went
    through did; one still open is in time while no more than 15 working days have passed since
    ``awaiting_since``. Events after ``as_of`` have not happened."""
    started, fallback = _clock_start(p, as_of)
    start = started.date()

    def used(moment: datetime) -> int:
        return calendar.working_days_between(start, moment.date())

    def seen(moment: datetime | None) -> datetime | None:
        return moment if moment is not None and moment <= as_of else None

    def verdict(ended: datetime | None, ok: bool, reason: str) -> PetitionVerdict:
        if ok and late_request is not None and rule == "all_steps":
            ok, reason = False, late_request
        return PetitionVerdict(p.id, ended, ok, reason, started, fallback)

    asked = seen(p.supplement_requested_at)
    late_request = (f"yêu cầu bổ sung sau {used(asked)} ngày làm việc"
                    if asked is not None and used(asked) > SUPPLEMENT_WITHIN else None)
    refused = seen(p.refused_at)
    if refused is not None:
        return verdict(refused, used(refused) <= REFUSE_WITHIN,
                       f"từ chối sau {used(refused)} ngày làm việc")
    ready = seen(p.ready_at)
    published = seen(p.published_at)
    if ready is None and published is not None:
        ready = published
    if ready is not None:
        if used(ready) > HANDLE_WITHIN:
            return verdict(published or ready, False, f"xử lý sau {used(ready)} ngày làm việc")
        # Not yet published: measured to the evaluation moment (docs/rules.md "Petitions on time"
        # r2).
        lag_end = published if published is not None else as_of
        lag = calendar.working_days_between(ready.date(), lag_end.date())
        if lag > PUBLISH_WITHIN:
            shown = (f"công khai sau {lag} ngày làm việc kể từ khi sẵn sàng" if published
                     else f"chưa công khai sau {lag} ngày làm việc kể từ khi sẵn sàng")
            return verdict(published or ready, False, shown)
        return verdict(published or ready, True, "đúng hạn")
    since = p.awaiting_since if p.awaiting_since is not None and p.awaiting_since <= as_of \
        else started
    spent = calendar.working_days_between(since.date(), as_of.date())
    return verdict(None, spent <= HANDLE_WITHIN, f"đang xử lý, đã {spent} ngày làm việc")


def _clock_start(p: Petition, as_of: datetime) -> tuple[datetime, bool]:
    """The latest transfer to the unit (a transfer after the evaluation moment has not happened
    yet), else the citizen's send date, else — with a note — the receipt by the unit."""
    if p.transferred_at is not None and p.transferred_at <= as_of:
        return p.transferred_at, False
    if p.sent_at is not None:
        return p.sent_at, False
    return p.received_at, True


def _arrived(p: Petition, as_of: datetime) -> datetime:
    """When the petition came to the unit: its latest transfer, else its receipt."""
    if p.transferred_at is not None and p.transferred_at <= as_of:
        return p.transferred_at
    return p.received_at


def add_petition(acc: Acc, p: Petition, ctx: Context) -> None:
    if p.received_at > ctx.as_of:
        return
    period = ctx.period
    ident = p.id if ctx.keep_ids else None
    first_in_period = period.contains(p.received_at)
    if first_in_period:
        acc.count("PETITION_CLASSIFICATION_TTHC",
                  p.classification is PetitionClass.PROCEDURE_REGULATION, ident)
        acc.count("PETITION_CLASSIFICATION_STAFF",
                  p.classification is PetitionClass.STAFF_BEHAVIOUR, ident)
    counting = ctx.counting
    verdict = petition_verdict(p, ctx.as_of, ctx.calendar, counting.petition_on_time)
    if counting.petition_population == "first_received":
        in_population = first_in_period
    else:
        arrived = _arrived(p, ctx.as_of)
        in_population = (
            period.contains(arrived)
            or (verdict.ended_at is not None and period.contains(verdict.ended_at))
            or (arrived < period.start_moment
                and (verdict.ended_at is None or verdict.ended_at >= period.start_moment))
        )
    if in_population:
        acc.count("PETITION_PROCESSED_ON_TIME", verdict.on_time, ident)
        if verdict.start_fallback:
            acc.bump("petition_no_sent_at")
    if first_in_period:
        complaint = p.followed_by_complaint
        if complaint is None:
            acc.missing("PETITION_HANDLING_SATISFACTION")
        unsatisfied = p.dislikes > p.likes or not verdict.on_time or complaint is True
        acc.count("PETITION_HANDLING_SATISFACTION", not unsatisfied, ident)


def add_dossier(acc: Acc, s: DossierShape, ident: str | None) -> None:
    """5.4: a dossier of 2.1's population (classified), satisfied when in time and neither
    petitioned about nor disliked."""
    if s.verdict == Verdict.OUT or s.verdict == Verdict.UNCLASSIFIED:
        return
    acc.count("DOSSIER_RATING_SATISFACTION", s.verdict in IN_TIME and not s.complained, ident)


def _pair(acc: Acc, code: str) -> Count:
    n, d = acc.pair(code)
    num_ids, den_ids = acc.id_lists(code)
    return Count(n, d, numerator_ids=num_ids, denominator_ids=den_ids)


def petition_classification_tthc(acc: Acc, ctx: Context, units: Sequence[str],
                                 done: Mapping[str, Count]) -> Count:
    """5.1 Tỷ lệ PAKN về quy định, TTHC / PAKN first received in the period (analysis only)."""
    return _pair(acc, "PETITION_CLASSIFICATION_TTHC")


def petition_classification_staff(acc: Acc, ctx: Context, units: Sequence[str],
                                  done: Mapping[str, Count]) -> Count:
    """5.1 Tỷ lệ PAKN về hành vi, thái độ cán bộ / PAKN first received in the period (analysis
    only)."""
    return _pair(acc, "PETITION_CLASSIFICATION_STAFF")


def petition_processed_on_time(acc: Acc, ctx: Context, units: Sequence[str],
                               done: Mapping[str, Count]) -> Count:
    """5.2 Tiến độ xử lý PAKN: petitions handled on time or still in time / petitions received
    or handled in the period, including those still open from before it (policy
    ``petition_population``; ``"first_received"``: 5.3's population); d = 0 → 6 (QĐ 766 group
    5.2; docs/rules.md "Petitions on time")."""
    count = _pair(acc, "PETITION_PROCESSED_ON_TIME")
    if count.denominator == 0:
        return attrs.evolve(count, notes=(Note("không có PAKN: đạt tối đa",
                                               "no petitions: full points"),))
    fallback = acc.misc.get("petition_no_sent_at", 0)
    if fallback:
        # docs/rules.md "Petitions on time" r2: a direct petition's clock starts at sent_at;
        # without it, at the receipt.
        return attrs.evolve(count, notes=(Note(
            f"{fallback} PAKN không có ngày gửi (sent_at): tính hạn từ ngày tiếp nhận",
            f"{fallback} petitions without sent_at: limits counted from the receipt"),))
    return count


def petition_handling_satisfaction(acc: Acc, ctx: Context, units: Sequence[str],
                                   done: Mapping[str, Count]) -> Count:
    """5.3 Tỷ lệ hài lòng trong xử lý PAKN: petitions first received in the period minus those
    rated unsatisfied (more dislikes than likes), handled late, or followed by a new complaint
    about the result / petitions first received in the period; d = 0 → 6 (QĐ 766 group 5.3)."""
    count = _pair(acc, "PETITION_HANDLING_SATISFACTION")
    # A petition without the complaint flag is still judged on likes and timeliness, so the
    # criterion keeps its score and the note says what it could not see.
    missing = acc.unreported.get("PETITION_HANDLING_SATISFACTION", 0)
    notes: tuple[Note, ...] = ()
    if missing:
        notes = (Note(f"{missing}/{count.denominator} PAKN không có trường followed_by_complaint"
                      " (chỉ xét lượt thích/không thích và tiến độ)",
                      f"{missing} of {count.denominator} petitions do not report "
                      "followed_by_complaint (judged on likes and timeliness only)"),)
    if count.denominator == 0:
        notes = (Note("không có PAKN: đạt tối đa", "no petitions: full points"),)
    return attrs.evolve(count, notes=notes)


def dossier_rating_satisfaction(acc: Acc, ctx: Context, units: Sequence[str],
                                done: Mapping[str, Count]) -> Count:
    """5.4 Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC: dossiers of 2.1's population that are
    in 2.1's numerator and have neither a petition about them nor a dislike / 2.1's population
    (= 100% − late rate − complained-or-disliked rate, each dossier once); threshold 0.9;
    d = 0 → 0 (QĐ 766 group 5.4; the portal's 5.4 denominator equals its 2.1 denominator)."""
    count = _pair(acc, "DOSSIER_RATING_SATISFACTION")
    skipped = acc.misc.get("unclassified", 0)
    if skipped:
        # The same dossiers 2.1 leaves out (no due date); all of them: no data.
        none = count.denominator == 0
        note = Note(("không có dữ liệu: " if none else "")
                    + f"{skipped} hồ sơ không xác định được hạn — không tính",
                    ("no data: " if none else "")
                    + f"{skipped} dossiers have no due date — left out")
        return attrs.evolve(count, notes=(note,), no_data=none)
    return count
