"""List dossiers whose recorded due date (NgayHenTra) hides lateness.

    python examples/scripts/hidden_lateness.py FOLDER [--unit ID]

Criterion 2.1 judges a dossier against the due date recorded on its receipt. When that date is
later than the one the law gives (the procedure's time limit on the working calendar), a dossier
that finished between the two looks on time but is late. `audit` finds them: flag
HIDES_LATENESS (with RECORDED_LATER_THAN_STATUTORY). See docs/rules.md, "The due-date audit".
"""

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

from chiso766 import Chiso766Error, audit, read_folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--unit", help="only dossiers of this unit (MaDonVi)")
    args = parser.parse_args()

    data = read_folder(args.folder)

    hidden = []
    for dossier in data.dossiers:
        if args.unit and dossier.unit_id != args.unit:
            continue
        # The procedure gives the statutory time limit; supplement requests restart it (NĐ 61/2018
        # Art. 19.4), the library's default.
        result = audit(dossier, data.procedures.get(dossier.procedure_code))
        if "HIDES_LATENESS" in result.flags:
            hidden.append((dossier, result))

    print(f"{len(hidden)} dossiers look on time but are late against the statutory due date\n")
    print(
        f"{'dossier':<28} {'unit':<15} {'received':<10} {'statutory':<10} {'recorded':<10} "
        f"{'ended':<10} +wd"
    )
    for dossier, r in sorted(hidden, key=lambda pair: (pair[0].unit_id, pair[0].id)):
        print(
            f"{dossier.id:<28} {dossier.unit_id:<15} {dossier.receipt:%d/%m/%Y} "
            f"{r.statutory_due_at:%d/%m/%Y} {r.recorded_due_at:%d/%m/%Y} {r.end_at:%d/%m/%Y} "
            f"{r.extra_working_days:>3}"
        )

    # Per unit: where to look first.
    print("\nper unit:")
    for unit_id, n in Counter(d.unit_id for d, _ in hidden).most_common():
        print(f"  {unit_id:<15} {n}")
    return 0


if __name__ == "__main__":
    # As the chiso766 command does: a library error (no such folder, unknown unit, bad period)
    # is one line on stderr and exit status 2, no traceback; a closed pipe (`… | head`) ends
    # the script quietly.
    try:
        status = main()
        sys.stdout.flush()
    except Chiso766Error as exc:
        print(f"{Path(__file__).name}: {exc}", file=sys.stderr)
        status = 2
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 0
    sys.exit(status)
