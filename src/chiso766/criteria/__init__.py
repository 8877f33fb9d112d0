"""One module per group of Decision 766; each criterion is one small function with the same
signature ``(acc, ctx, units, done) -> Count``, its clause in the docstring.

:data:`COUNTERS` maps every criterion code of the default rule set to its function, in an order
where a criterion that uses another's result (3.3 uses 1.4's sync ratio) comes after it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from . import digitization, online, progress, satisfaction, transparency
from .base import Acc, Context, Count, Note

__all__ = ["COUNTERS", "Acc", "Context", "Count", "CountFn", "Note"]

CountFn = Callable[[Acc, Context, Sequence[str], Mapping[str, Count]], Count]

COUNTERS: dict[str, CountFn] = {
    "PUBLISH_ON_TIME": transparency.publish_on_time,
    "PUBLIC_UPDATE_ON_TIME": transparency.public_update_on_time,
    "PUBLIC_CONTENT_FULL": transparency.public_content_full,
    "DOSSIER_SYNC": transparency.dossier_sync,
    "DOSSIER_ON_TIME": progress.dossier_on_time,
    "AVERAGE_PROCESSING_TIME": progress.average_processing_time,
    "ONLINE_SERVICE_PROCEDURES": online.online_service_procedures,
    "ONLINE_SERVICES_WITH_DOSSIERS": online.online_services_with_dossiers,
    "ONLINE_DOSSIERS": online.online_dossiers,
    "ONLINE_PAYMENT_PROCEDURES": online.online_payment_procedures,
    "PAYMENT_INTEGRATED_PROCEDURES": online.payment_integrated_procedures,
    "ONLINE_PAID_DOSSIERS": online.online_paid_dossiers,
    "ORIGINAL_RESULT_AVAILABLE": digitization.original_result_available,
    "SO_HOA_GIAY_TO_GIAI_QUYET": digitization.so_hoa_giay_to_giai_quyet,
    "REUSED_DIGITIZED_DATA": digitization.reused_digitized_data,
    "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": digitization.synced_with_personal_storage,
    "CITIZEN_DATA_CONNECTED_FORMALITY": digitization.citizen_data_connected_formality,
    "CITIZEN_DATA_CONNECTED_DOSSIER": digitization.citizen_data_connected_dossier,
    "ELECTRONIC_CERTIFIED_COPY": digitization.electronic_certified_copy,
    "PETITION_CLASSIFICATION_TTHC": satisfaction.petition_classification_tthc,
    "PETITION_CLASSIFICATION_STAFF": satisfaction.petition_classification_staff,
    "PETITION_PROCESSED_ON_TIME": satisfaction.petition_processed_on_time,
    "PETITION_HANDLING_SATISFACTION": satisfaction.petition_handling_satisfaction,
    "DOSSIER_RATING_SATISFACTION": satisfaction.dossier_rating_satisfaction,
}
