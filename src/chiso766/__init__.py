"""chiso766 — scores how well Vietnamese public agencies serve citizens and businesses with
administrative procedures: Decision 766/QĐ-TTg (2022) and HCMC Decision 104/2024/QĐ-UBND.

Chấm điểm Bộ chỉ số phục vụ người dân, doanh nghiệp theo Quyết định 766/QĐ-TTg và Chỉ số hài lòng
theo Quyết định 104/2024/QĐ-UBND của UBND TP. Hồ Chí Minh.
"""

from .calendar import DayInfo, DayKind, WorkingCalendar
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
    RecordError,
)
from .periods import Period
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
from .timelimits import LimitKind, TimeLimit

__version__ = "0.1.0"

__all__ = [
    "Announcement",
    "AnnouncementKind",
    "AuditResult",
    "Authority",
    "CalendarError",
    "Channel",
    "Chiso766Error",
    "Commune",
    "DayInfo",
    "DayKind",
    "DeadlinePolicy",
    "Dossier",
    "InputError",
    "LimitKind",
    "MissingDataError",
    "OnlineLevel",
    "OnlinePayment",
    "Period",
    "Petition",
    "PetitionClass",
    "PolicyError",
    "Posting",
    "Procedure",
    "Rating",
    "RatingValue",
    "RecordError",
    "SupplementRequest",
    "TimeLimit",
    "Timeliness",
    "Unit",
    "UnitLevel",
    "Verdict",
    "WorkingCalendar",
    "__version__",
    "audit",
    "classify",
    "due_at",
    "effective_end",
    "statutory_due_at",
]
