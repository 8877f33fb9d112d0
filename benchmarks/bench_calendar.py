#!/usr/bin/env python3
"""Working-day arithmetic: chiso766's index lookups vs the ``holidays`` package's day walk.

    python benchmarks/bench_calendar.py --calls 1000000

Times, in one process over the same random pairs (fixed seed):

- ``WorkingCalendar.add_working_days(d, n)`` against ``holidays``'
  ``HolidayBase.get_nth_working_day(d, n)`` (dates 2023–2026, ``n`` drawn like statutory time
  limits: 1–30 working days, a few negative);
- ``WorkingCalendar.working_days_between(a, b)`` against ``get_working_days_count(a, b)``
  (``b`` 0–60 days after ``a``). The two do not count the same interval (``(a, b]`` vs
  ``[a, b]``) and ``holidays`` lacks the verified civil-service table, so only the speed is
  compared; the number of differing answers is printed for information.

Prints calls per second (best of ``--repeat`` runs, loop overhead included: it is what a caller
pays) and the ratio chiso766 / holidays. Target (foundation issue): add_working_days ≥ 1 million
calls/s, aim 2 million.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import holidays

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _checkout  # noqa: F401  (this checkout's src/ first)

from chiso766 import WorkingCalendar

SEED = 766
TARGET_CALLS_PER_S = 1_000_000


def make_pairs(count: int, seed: int = SEED) -> tuple[list[tuple[date, int]],
                                                      list[tuple[date, date]]]:
    rng = random.Random(seed)
    first = date(2023, 1, 1).toordinal()
    # Leave room at the end so every answer stays inside 2023–2026 for both libraries.
    span = date(2026, 10, 31).toordinal() - first
    limits = (1, 2, 3, 5, 5, 7, 10, 10, 15, 20, 30)
    days = [date.fromordinal(first + rng.randrange(span)) for _ in range(count)]
    adds = [(d, -rng.choice(limits) if rng.random() < 0.05 else rng.choice(limits))
            for d in days]
    spans = [(d, d + timedelta(days=rng.randrange(61))) for d in days]
    return adds, spans


def best_time(fn: Callable[[Any, Any], Any], pairs: Sequence[tuple[Any, Any]],
              repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for a, b in pairs:
            fn(a, b)
        best = min(best, time.perf_counter() - t0)
    return best


def run(calls: int = 1_000_000, repeat: int = 3, holidays_calls: int | None = None,
        out: Any = sys.stdout) -> dict[str, float]:
    """Run the benchmark and print it; return the figures."""
    adds, spans = make_pairs(calls)
    # holidays walks day by day (~20 µs a call): it may be given a prefix of the same pairs.
    h_n = calls if holidays_calls is None else min(calls, holidays_calls)
    cal = WorkingCalendar.vietnam()
    hol = holidays.country_holidays("VN", years=range(2022, 2028))
    # Build both indexes/caches before timing.
    cal.add_working_days(date(2023, 1, 1), 1)
    cal.working_days_between(date(2022, 12, 1), date(2027, 1, 31))
    hol.get_nth_working_day(date(2023, 1, 1), 1)

    def show(name: str, n: int, seconds: float) -> None:
        print(f"  {name:<44} {n:>10,} calls {seconds:8.3f} s {n / seconds:>14,.0f} calls/s",
              file=out)

    print(f"calendar: {calls:,} random (date, n) pairs, seed {SEED}, best of {repeat}", file=out)
    t_add = best_time(cal.add_working_days, adds, repeat)
    # holidays' runs are long and steady: one is enough past 200k calls.
    h_repeat = repeat if h_n <= 200_000 else 1
    t_hadd = best_time(hol.get_nth_working_day, adds[:h_n], h_repeat)
    show("WorkingCalendar.add_working_days", calls, t_add)
    show("holidays get_nth_working_day", h_n, t_hadd)
    add_rate, hadd_rate = calls / t_add, h_n / t_hadd
    verdict = "met" if add_rate >= TARGET_CALLS_PER_S else "MISSED"
    print(f"  add_working_days ratio: {add_rate / hadd_rate:,.1f}x faster than holidays "
          f"({1e6 / add_rate:.3f} µs vs {1e6 / hadd_rate:.2f} µs a call); target "
          f"≥ {TARGET_CALLS_PER_S:,} calls/s: {verdict}", file=out)
    t_btw = best_time(cal.working_days_between, spans, repeat)
    t_hbtw = best_time(hol.get_working_days_count, spans[:h_n], h_repeat)
    show("WorkingCalendar.working_days_between", calls, t_btw)
    show("holidays get_working_days_count", h_n, t_hbtw)
    btw_rate, hbtw_rate = calls / t_btw, h_n / t_hbtw
    print(f"  working_days_between ratio: {btw_rate / hbtw_rate:,.1f}x faster than holidays "
          f"({1e6 / btw_rate:.3f} µs vs {1e6 / hbtw_rate:.2f} µs a call)", file=out)
    sample = adds[: min(h_n, 20_000)]
    differ = sum(cal.add_working_days(d, n) != hol.get_nth_working_day(d, n) for d, n in sample)
    print(f"  (answers differing from holidays on {differ:,} of {len(sample):,} pairs: the "
          "verified civil-service table vs holidays.VN)", file=out)
    return {"add_calls_per_s": add_rate, "holidays_add_calls_per_s": hadd_rate,
            "add_ratio": add_rate / hadd_rate, "between_calls_per_s": btw_rate,
            "holidays_between_calls_per_s": hbtw_rate, "between_ratio": btw_rate / hbtw_rate}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=lambda s: int(s.replace("_", "")), default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    ap.add_argument("--holidays-calls", type=lambda s: int(s.replace("_", "")), default=None,
                    help="time holidays on only the first N pairs (default: all of them)")
    args = ap.parse_args(argv)
    run(args.calls, args.repeat, args.holidays_calls)
    return 0


if __name__ == "__main__":
    sys.exit(main())
