"""Two quarters side by side, criterion by criterion, with the change.

    python examples/scripts/compare_quarters.py FOLDER [--unit ID] [--quarters 2025-Q1 2025-Q2]

Without --quarters: the quarter of the latest receipt and the one before it. Without --unit: the
top-level unit. Each quarter is scored as of its own end.
"""

import argparse
import os
import sys
from pathlib import Path

from chiso766 import Chiso766Error, Period, read_folder, score_766


def show(value):
    return "—" if value is None else f"{value:.2f}"


def change(old, new):
    if old is None or new is None:
        return ""
    return f"{new - old:+.2f}"


def line(label, old, new):
    print(f"{label[:52]:<52} {show(old):>9} {show(new):>9} {change(old, new):>7}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--unit", help="unit id (MaDonVi); default: the top-level unit")
    parser.add_argument("--quarters", nargs=2, metavar=("EARLIER", "LATER"))
    args = parser.parse_args()

    data = read_folder(args.folder)  # read once, score twice

    if args.quarters:
        before, after = (Period.parse(q) for q in args.quarters)
    else:
        latest = max(d.receipt for d in data.dossiers)
        after = Period.quarter(latest.year, (latest.month - 1) // 3 + 1)
        before = after.previous()

    cards = [score_766(data, period=p) for p in (before, after)]
    a, b = (c.unit(args.unit) if args.unit else c.root for c in cards)

    def criteria(codes, indent):
        for code in codes:
            old, new = a.criteria[code], b.criteria[code]
            if new.criterion.scored:  # 2.2 and 5.1 are for analysis only
                line(f"{indent}{new.criterion.number} {new.criterion.name_en}", old.points,
                     new.points)

    print(f"{a.unit_id} {a.name}\n")
    print(f"{'criterion':<52} {before.label:>9} {after.label:>9} {'change':>7}")
    for group in b.groups.values():
        line(f"{group.number}. {group.name_en}", a.groups[group.code].points, group.points)
        if group.parts:  # ONLINE: online services (12) and online payment (10)
            for part in group.parts:
                line(f"  {part.name_en}", a.points(part.code), part.points)
                criteria(part.criteria, "    ")
        else:
            criteria(group.criteria, "  ")
    line("Total", a.total, b.total)
    print(f"{'Band':<52} {a.band.value:>9} {b.band.value:>9}")
    # "—" is a criterion with no score (no data, or d = 0 under a "no score" rule).
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
