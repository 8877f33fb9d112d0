"""Score one unit under Decision 766 and explain every criterion.

    python examples/scripts/score_one_unit.py FOLDER [--unit ID] [--period 2025-Q2] [--lang en]

FOLDER holds the exports (dossiers.csv, procedures.csv, …; see docs/inputs.md). Without --unit
the top-level unit is scored (the province, when the units file has one root); without --period,
the year of the latest receipt, as the command line does.
"""

import argparse
import os
import sys
from pathlib import Path

from chiso766 import Chiso766Error, Period, read_folder, score_766


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--unit", help="unit id (MaDonVi); default: the top-level unit")
    parser.add_argument("--period", help="2025, 2025-Q2, 2025-06 or 2025-04-01..2025-05-15")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi",
                        help="language of the explanations (default vi, as the library)")
    args = parser.parse_args()

    # 1. Read the folder. Bad rows are not fatal: they are listed, and read = accepted + rejected.
    data = read_folder(args.folder)
    report = data.report
    print(f"read {report.read} rows: {report.accepted} accepted, {report.rejected} rejected")
    for r in report.rejections[:10]:
        print(f"  rejected {r.file}:{r.line} [{r.field}] {r.value!r}: {r.reason}")

    # 2. The period: given, or the year of the latest receipt.
    if args.period:
        period = Period.parse(args.period)
    else:
        period = Period.year(max(d.receipt for d in data.dossiers).year)

    # 3. Score every unit (scores roll up the unit tree), then pick one.
    card = score_766(data, period=period)
    unit = card.unit(args.unit) if args.unit else card.root
    band = unit.band.label(args.lang)
    print(f"\n{unit.unit_id} {unit.name} — {period.label}: {unit.total}/100, {band}\n")

    # 4. One line per group, then why each criterion has its points.
    for group in unit.groups.values():
        name = group.name_en if args.lang == "en" else group.name_vi
        print(f"{group.number}. {name}: {group.points}/{group.max_points}")
        for code in group.criteria:
            print("   ", unit.explain(code, lang=args.lang))

    # 5. General notes: fallbacks (no authorities file…), unverified calendar years.
    for note in card.notes:
        print("note:", note.text(args.lang))

    return 1 if report.rejected else 0


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
