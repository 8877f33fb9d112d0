"""chiso766 — scores how well Vietnamese public agencies serve citizens and businesses with
administrative procedures: Decision 766/QĐ-TTg (2022) and HCMC Decision 104/2024/QĐ-UBND.

Chấm điểm Bộ chỉ số phục vụ người dân, doanh nghiệp theo Quyết định 766/QĐ-TTg và Chỉ số hài lòng
theo Quyết định 104/2024/QĐ-UBND của UBND TP. Hồ Chí Minh.
"""

from . import hcm104, renderers
from ._version import __version__
from .calendar import DayInfo, DayKind, WorkingCalendar
from .deadlines import (
    AuditResult,
    DeadlinePolicy,
    ProcessingTime,
    Verdict,
    audit,
    classify,
    due_at,
    effective_end,
    processing_time,
    statutory_due_at,
)
from .errors import (
    CalendarError,
    Chiso766Error,
    InputError,
    MissingDataError,
    PolicyError,
    PortalError,
    RecordError,
)
from .io import (
    Dataset,
    ReadReport,
    Rejection,
    ReportBuilder,
    iter_records,
    iter_rows,
    read_database,
    read_files,
    read_folder,
    read_tables,
    write_folder,
)
from .live import LiveTally
from .periods import Period
from .policy import CountingPolicy
from .portal import PortalSnapshot, read_portal
from .reconcile import Reconciliation, reconcile
from .records import (
    Announcement,
    AnnouncementKind,
    Authority,
    Channel,
    Commune,
    Dossier,
    OnlineLevel,
    OnlinePayment,
    Petition,
    PetitionClass,
    Posting,
    Procedure,
    Rating,
    RatingValue,
    SupplementRequest,
    Timeliness,
    Unit,
    UnitLevel,
)
from .rules import (
    PORTAL_CODES,
    QD766,
    Band,
    Conversion,
    Criterion,
    RuleSet,
    ZeroRule,
    band,
    criterion,
)
from .scoring import (
    CriterionResult,
    NextBandStep,
    Scorecard,
    UnitScorecard,
    score_766,
    score_counts,
    score_tally,
)
from .streaming import score_folder
from .tally import Tally, build_context
from .timelimits import LimitKind, TimeLimit

# The results are data; the functions of the reports layer over them, which their convenience
# methods call (``card.to_dict()``, ``card.explain(code)``, a notebook's display), are named
# here, at the top, the one module that may reach every layer (docs/architecture.md "Results
# are data"). Each module is imported on its renderer's first call.
renderers.install({
    "unit.explain": "chiso766.explain:explain_code",
    "unit.to_next_band": "chiso766.explain:next_band_steps",
    "unit.to_dict": "chiso766.reports.json_report:unit_to_dict",
    "unit.html": "chiso766.reports.notebook:unit_html",
    "scorecard.to_dict": "chiso766.reports.json_report:scorecard_to_dict",
    "scorecard.html": "chiso766.reports.notebook:scorecard_html",
    "scorecard.rows": "chiso766.reports.notebook:summary_rows",
    "criteria.rows": "chiso766.reports.notebook:criteria_rows",
    "frame": "chiso766.reports.notebook:to_frame",
    "hcm104.result.to_dict": "chiso766.reports.hcm104_report:result_to_dict",
    "hcm104.report.to_dict": "chiso766.reports.hcm104_report:report_to_dict",
    "hcm104.report.rows": "chiso766.reports.hcm104_report:frame_rows",
    "hcm104.report.html": "chiso766.reports.hcm104_report:report_html",
    "verification.to_dict": "chiso766.reports.reconcile_report:verification_to_dict",
    "reconciliation.to_dict": "chiso766.reports.reconcile_report:reconciliation_to_dict",
})

__all__ = [
    "PORTAL_CODES",
    "QD766",
    "Announcement",
    "AnnouncementKind",
    "AuditResult",
    "Authority",
    "Band",
    "CalendarError",
    "Channel",
    "Chiso766Error",
    "Commune",
    "Conversion",
    "CountingPolicy",
    "Criterion",
    "CriterionResult",
    "Dataset",
    "DayInfo",
    "DayKind",
    "DeadlinePolicy",
    "Dossier",
    "InputError",
    "LimitKind",
    "LiveTally",
    "MissingDataError",
    "NextBandStep",
    "OnlineLevel",
    "OnlinePayment",
    "Period",
    "Petition",
    "PetitionClass",
    "PolicyError",
    "PortalError",
    "PortalSnapshot",
    "Posting",
    "Procedure",
    "ProcessingTime",
    "Rating",
    "RatingValue",
    "ReadReport",
    "Reconciliation",
    "RecordError",
    "Rejection",
    "ReportBuilder",
    "RuleSet",
    "Scorecard",
    "SupplementRequest",
    "Tally",
    "TimeLimit",
    "Timeliness",
    "Unit",
    "UnitLevel",
    "UnitScorecard",
    "Verdict",
    "WorkingCalendar",
    "ZeroRule",
    "__version__",
    "audit",
    "band",
    "build_context",
    "classify",
    "criterion",
    "due_at",
    "effective_end",
    "hcm104",
    "iter_records",
    "iter_rows",
    "processing_time",
    "read_database",
    "read_files",
    "read_folder",
    "read_portal",
    "read_tables",
    "reconcile",
    "score_766",
    "score_counts",
    "score_folder",
    "score_tally",
    "statutory_due_at",
    "write_folder",
]
