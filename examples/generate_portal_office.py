"""Write examples/portal-office/: one department's own records for August 2026, built so that
its counts equal what the saved portal responses in examples/portal publish for it (Sở Công
Thương, H44.07: 1.4 = 234/234, 5.4 = 332/482, no petitions) — see docs/portal.md.

    python examples/generate_portal_office.py

234 dossiers received 3/8/2026 and 248 carried over from 27/7/2026, all finished on time on
4/8/2026 and synced to the national portal; 150 of the August ones rated BAD (a dislike), so
5.4 = (482 − 150) / 482 = 332 / 482. Deterministic: no clock, no randomness.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from chiso766 import Dossier, Procedure, Rating, RatingValue, TimeLimit, Unit, UnitLevel
from chiso766.io import Dataset, write_folder

HERE = Path(__file__).resolve().parent
TARGET = HERE / "portal-office"
UNIT = "H44.07"


def dataset() -> Dataset:
    dossiers = [Dossier(f"H44.07-2608-{i:04}", "2.000815", UNIT,
                        received_at=datetime(2026, 8, 3, 9), finished_at=datetime(2026, 8, 4, 9),
                        synced_to_portal=True) for i in range(234)]
    dossiers += [Dossier(f"H44.07-2607-{i:04}", "2.000815", UNIT,
                         received_at=datetime(2026, 7, 27, 9),
                         finished_at=datetime(2026, 8, 4, 9), synced_to_portal=True)
                 for i in range(248)]
    ratings = [Rating(UNIT, RatingValue.BAD, dossier_id=f"H44.07-2608-{i:04}")
               for i in range(150)]
    return Dataset.from_records(
        units=[Unit("H44", "UBND tỉnh Phú Thọ", UnitLevel.PROVINCE),
               Unit(UNIT, "Sở Công Thương - Tỉnh Phú Thọ", UnitLevel.DEPARTMENT,
                    parent_id="H44")],
        procedures=[Procedure("2.000815", time_limit=TimeLimit.working_days(10))],
        dossiers=dossiers, ratings=ratings)


if __name__ == "__main__":
    if TARGET.exists():
        shutil.rmtree(TARGET)
    write_folder(dataset(), TARGET)
    print(f"wrote {TARGET}")
