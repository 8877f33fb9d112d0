"""chiso766 — scores how well Vietnamese public agencies serve citizens and businesses with
administrative procedures: Decision 766/QĐ-TTg (2022) and HCMC Decision 104/2024/QĐ-UBND.

Chấm điểm Bộ chỉ số phục vụ người dân, doanh nghiệp theo Quyết định 766/QĐ-TTg và Chỉ số hài lòng
theo Quyết định 104/2024/QĐ-UBND của UBND TP. Hồ Chí Minh.
"""

from . import hcm104
from .calendar import DayInfo, DayKind, WorkingCalendar
from .criteria.policy import CountingPolicy
from .deadlines import (
    AuditResult,
    DeadlinePolicy,
    Verdict,
    audit,
    classify,
    due_at,
    effective_end,
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

__version__ = "0.1.0"

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
