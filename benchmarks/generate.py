#!/usr/bin/env python3
"""Generate a realistic synthetic province export for the benchmarks, with a fixed seed.

    python benchmarks/generate.py /tmp/chiso766-bench/1m --dossiers 1000000

writes ``units.csv`` (200 units: a province, 20 departments, 15 districts, 164 communes),
``procedures.csv`` (3 000 procedures, time limits in the national database's wording: "10 ngày
làm việc", "30 ngày", "4 giờ làm việc", "0,5 ngày làm việc", "trong ngày"), ``dossiers.csv``
(national column names, ``dd/MM/yyyy HH:mm:ss`` moments, receipts from December 2024 to the end
of 2025), ``supplements.csv`` (about 12 % of dossiers have one or two requests), ``ratings.csv``
and ``petitions.csv``. Score it with ``--period 2025``.

Rows are written as they are made (one day of dossiers at a time, in receipt order, as a one-stop
system's export is), so memory stays flat at any size. Dates come from a working-day index built
once from :class:`chiso766.WorkingCalendar`, not from ``due_at`` per row: appointment dates follow
SPEC §3 for working days, calendar days, working hours and "trong ngày", except the few that are
deliberately later than the law's (as real exports have) or missing. Every row is accepted by
the readers (``--check`` reads the folder back with ``read_folder`` and fails on any rejection;
use it on small sizes).

Export shapes (issue 15's "exports of other shapes"; :class:`Shape`, ``--help``):
``--no-seconds``, ``--empty-due SHARE``, ``--no-units``, ``--channel-text``, ``--odd SHARE`` (odd
but accepted spellings, and one odd row in :data:`BAD_EVERY` really bad: rejected, counted,
recorded in the folder's ``.generated``), and ``--shape NAME`` for the presets of
:data:`PRESETS` (``plain`` is the output above, byte for byte).

    python benchmarks/generate.py /tmp/x --dossiers 100000 --shape odd10 --check

Only the standard library and chiso766 are used; one ``random.Random(seed)`` drives the data
and a second one the shape's choices, so the same arguments give byte-identical files and every
shape holds the same dossiers.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _checkout  # noqa: F401  (this checkout's src/ first)

from chiso766 import WorkingCalendar

SEED = 766
PERIOD = "2025"
FIRST_DAY = date(2024, 12, 1)
LAST_DAY = date(2025, 12, 31)
#: Index of days: every moment is "seconds since BASE 00:00" in an int.
BASE = date(2024, 1, 1)
INDEX_END = date(2027, 12, 31)
DAY = 86400
OPEN_AM, CLOSE_AM, OPEN_PM, CLOSE_PM = 27000, 41400, 46800, 61200  # 07:30 11:30 13:00 17:00
#: The export was taken at the end of 2025: nothing later has happened.
SNAPSHOT = (LAST_DAY - BASE).days * DAY + DAY - 1
RESULT_URL = "https://dichvucong.tinhmau.example/ketqua"
PROVINCE_ID = "000.00.00.H99"
#: Where the benchmarks put generated data (never inside the repository).
WORKDIR = Path("/tmp/chiso766-bench")
#: Written last into a generated folder: what it holds and how many rows were written bad.
_MARKER = ".generated"

DOSSIER_COLUMNS = (
    "MaHoSo", "MaTTHC", "MaDonVi", "MaCanBo", "KenhThucHien", "NgayNopHoSo", "NgayTiepNhan",
    "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayDungXuLy", "new_due_at", "synced_to_portal",
    "submitted_via_portal", "has_fee_data", "DuocThanhToanTrucTuyen", "MaKetQua",
    "DuongDanTepTinKetQua", "components_digitized", "HoSoCoThanhPhanSoHoa", "DuocLayTuKhoDMQG",
    "TaiKhoanDuocXacThucVoiVNeID",
)
MONTH_WEIGHT = {1: 0.95, 2: 0.80, 3: 1.0, 4: 0.95, 5: 1.0, 6: 1.05, 7: 1.05, 8: 1.0, 9: 0.95,
                10: 1.05, 11: 1.05, 12: 1.15}
#: Share of a working day's volume that arrives (online) on a day off.
DAY_OFF_WEIGHT = 0.12

DEPARTMENTS = (
    ("Sở Tư pháp", "STP"), ("Sở Kế hoạch và Đầu tư", "SKHDT"),
    ("Sở Tài nguyên và Môi trường", "STNMT"), ("Sở Xây dựng", "SXD"),
    ("Sở Giao thông vận tải", "SGTVT"), ("Sở Lao động - Thương binh và Xã hội", "SLDTBXH"),
    ("Sở Công Thương", "SCT"), ("Sở Y tế", "SYT"), ("Sở Giáo dục và Đào tạo", "SGDDT"),
    ("Sở Nông nghiệp và Phát triển nông thôn", "SNN"), ("Sở Tài chính", "STC"),
    ("Sở Nội vụ", "SNV"), ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"),
    ("Sở Khoa học và Công nghệ", "SKHCN"), ("Sở Thông tin và Truyền thông", "STTTT"),
    ("Ban Dân tộc", "BDT"), ("Ban Quản lý các khu công nghiệp", "BQLKCN"),
    ("Thanh tra tỉnh", "TTT"), ("Công an tỉnh", "CAT"), ("Sở Ngoại vụ", "SNGV"),
)
PLACE_A = ("An", "Bình", "Phú", "Tân", "Long", "Hòa", "Thạnh", "Mỹ", "Đông", "Tây", "Nam", "Bắc",
           "Vĩnh", "Phước", "Thuận", "Hưng", "Quang", "Trung", "Xuân", "Cẩm")
PLACE_B = ("Sơn", "Giang", "Lâm", "Hà", "Điền", "Lộc", "Thịnh", "Khánh", "Hải", "Thủy", "Phong",
           "Yên", "Lợi", "Đức", "Hiệp", "Thành", "Hội", "Châu", "Linh", "Minh")
PROC_VERBS = ("Cấp", "Cấp lại", "Cấp đổi", "Gia hạn", "Điều chỉnh", "Đăng ký", "Thẩm định",
              "Xác nhận", "Công nhận", "Thu hồi", "Chứng thực", "Phê duyệt")
PROC_OBJECTS = ("giấy phép hoạt động", "giấy chứng nhận đủ điều kiện", "giấy phép kinh doanh",
                "hồ sơ đăng ký", "chứng chỉ hành nghề", "giấy phép xây dựng", "thẻ",
                "quyết định thành lập", "phương án", "báo cáo", "bản sao từ sổ gốc",
                "giấy xác nhận")
#: (wording, kind, amount, weight): kind 0 working days, 1 calendar days, 2 working hours,
#: 3 same day ("trong ngày", cut-off 15:00).
LIMITS = (
    ("1 ngày làm việc", 0, 1, 4), ("2 ngày làm việc", 0, 2, 5), ("3 ngày làm việc", 0, 3, 10),
    ("5 ngày làm việc", 0, 5, 16), ("7 ngày làm việc", 0, 7, 10), ("10 ngày làm việc", 0, 10, 14),
    ("15 ngày làm việc", 0, 15, 9), ("20 ngày làm việc", 0, 20, 6),
    ("30 ngày làm việc", 0, 30, 3), ("15 ngày", 1, 15, 4), ("20 ngày", 1, 20, 3),
    ("30 ngày", 1, 30, 4), ("45 ngày", 1, 45, 2), ("4 giờ làm việc", 2, 4, 2),
    ("8 giờ", 2, 8, 1), ("0,5 ngày làm việc", 2, 4, 2), ("trong ngày", 3, 0, 5),
)
RATINGS = ("tốt", "bình thường", "không tốt")


@dataclass(frozen=True)
class Shape:
    """How the export is *written* (issue 15: "exports of other shapes"). The data — who
    received what, when, and what happened — is the same in every shape: the shape's own choices
    come from a second random stream, so the main one, and with it every dossier, is as in
    ``plain``. Only an empty ``NgayHenTra``, a moment cut to the minute and the bad rows can
    change a score.

    - ``seconds``: moments as ``dd/MM/yyyy HH:mm:ss`` (True) or ``dd/MM/yyyy HH:mm``, in every
      file;
    - ``empty_due``: the share of dossier rows whose ``NgayHenTra`` is written empty (on top of
      the ~1.5 % the export leaves empty anyway); every procedure has a ``ThoiHanGiaiQuyet``, so
      the library computes their due date and they are still scored;
    - ``units``: write ``units.csv`` (without it no unit is checked against a units file and
      the unit tree is flat);
    - ``channel_text``: ``KenhThucHien`` as ``Trực tiếp``/``Trực tuyến`` instead of ``1``/``2``;
    - ``odd``: the share of dossier rows written in spellings the record reader accepts but a
      fast reader may not take as is (:func:`oddify`: padded cells, quoted cells, ISO moments,
      lower-case words for flags, payment and channel), of which one in :data:`BAD_EVERY` (only
      among dossiers without supplement requests, so nothing else is rejected with them) is
      really bad and rejected with a reason (:data:`BAD_KINDS`); the generator counts them.
    """

    seconds: bool = True
    empty_due: float = 0.0
    units: bool = True
    channel_text: bool = False
    odd: float = 0.0

    def stamp(self) -> str:
        return (f"seconds={int(self.seconds)} empty_due={self.empty_due:g} "
                f"units={int(self.units)} channel_text={int(self.channel_text)} odd={self.odd:g}")

    def name(self) -> str:
        """The preset this shape is, else ``custom``."""
        return next((k for k, v in PRESETS.items() if v == self), "custom")


#: ``--shape NAME``: ``plain`` is the generator's historical output, byte for byte; ``mixed``
#: is every other shape at once.
PRESETS: dict[str, Shape] = {
    "plain": Shape(),
    "seconds-free": Shape(seconds=False),
    "empty-due": Shape(empty_due=0.3),
    "no-units": Shape(units=False),
    "channel-text": Shape(channel_text=True),
    "odd10": Shape(odd=0.1),
    "mixed": Shape(seconds=False, empty_due=0.3, units=False, channel_text=True, odd=0.1),
}

#: Column positions in DOSSIER_COLUMNS that :func:`oddify` rewrites.
_CHANNEL, _RECEIVED, _DUE, _PAID = 4, 6, 7, 15
_MOMENTS = range(5, 12)
_FLAGS = (12, 13, 14, 18, 19, 20, 21)
_FLAG_WORDS = (("true", "false"), ("có", "không"), ("x", ""), ("yes", "no"), ("TRUE", "FALSE"))
_PAID_WORDS = {"0": "none", "1": "national_portal", "2": "own_gateway"}
_CHANNEL_WORDS = {"1": "trực tiếp", "2": "trực tuyến", "Trực tiếp": "direct",
                  "Trực tuyến": "online"}
#: One odd row in BAD_EVERY (among those without supplement requests) is really bad.
BAD_EVERY = 500
#: The bad rows, each rejected by the record reader with its own reason.
BAD_KINDS = ("date 31/02", "unknown channel", "unknown procedure", "unknown flag word",
             "due before receipt", "no receipt")


def oddify(row: list[str], srnd: Callable[[], float]) -> None:
    """Rewrite one dossier row, in place, in spellings the record reader accepts: each of
    lower-case words, ISO moments, padded cells and quoted cells with probability 1/2 (at least
    one of them)."""
    pick = 1 + int(srnd() * 15)  # 1..15: a non-empty subset of the four rewrites
    if pick & 1:  # words: flags, payment and channel in lower case
        yes, no = _FLAG_WORDS[int(srnd() * len(_FLAG_WORDS))]
        for i in _FLAGS:
            row[i] = yes if row[i] == "1" else no
        row[_PAID] = _PAID_WORDS[row[_PAID]]
        row[_CHANNEL] = _CHANNEL_WORDS[row[_CHANNEL]]
    if pick & 2:  # ISO 8601 moments
        sep = "T" if srnd() < 0.5 else " "
        for i in _MOMENTS:
            m = row[i]
            if m:
                row[i] = f"{m[6:10]}-{m[3:5]}-{m[0:2]}{sep}{m[11:]}"
    if pick & 4:  # cells padded with spaces
        for i, c in enumerate(row):
            row[i] = f"  {c} " if c else " "
    if pick & 8:  # every cell quoted
        for i, c in enumerate(row):
            row[i] = f'"{c}"'


def spoil(row: list[str], kind: int, before_receipt: str) -> None:
    """Make one dossier row really bad, of kind ``BAD_KINDS[kind]``."""
    if kind == 0:
        m = row[_RECEIVED] or row[_RECEIVED - 1]
        row[_RECEIVED] = "31/02/2025" + m[10:]
    elif kind == 1:
        row[_CHANNEL] = "fax"
    elif kind == 2:
        row[1] = "9.999999"  # procedure codes are 1.xxxxxx and 2.xxxxxx
    elif kind == 3:
        row[_FLAGS[0]] = "có lẽ"
    elif kind == 4:
        row[_DUE] = before_receipt
    else:
        row[_RECEIVED - 1] = row[_RECEIVED] = ""


class Calendar:
    """A working-day index over BASE..INDEX_END built once from chiso766's calendar."""

    def __init__(self, seconds: bool = True) -> None:
        cal = WorkingCalendar.vietnam()
        days = (INDEX_END - BASE).days + 1
        self.working = bytearray(days)
        self.rank = [0] * days  # working days <= i
        self.workdays: list[int] = []
        count = 0
        d = BASE
        for i in range(days):
            if cal.is_working_day(d):
                self.working[i] = 1
                count += 1
                self.workdays.append(i)
            self.rank[i] = count
            d += timedelta(days=1)
        self.day_text = [f"{BASE + timedelta(days=i):%d/%m/%Y} " for i in range(days)]
        # Without seconds a moment is cut to the minute: a floor, so the order of two moments
        # never reverses and no row becomes inconsistent.
        self.time_text = ([f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(DAY)]
                          if seconds else
                          [f"{s // 3600:02d}:{s // 60 % 60:02d}" for s in range(DAY)])

    def add(self, i: int, n: int) -> int:
        """The n-th working day strictly after day i (n >= 1)."""
        return self.workdays[self.rank[i] + n - 1]

    def start_day(self, t: int) -> int:
        """SPEC §3 rule 1: the receipt's day if a working day at or before 17:00, else the next."""
        i = t // DAY
        if self.working[i] and t % DAY <= CLOSE_PM:
            return i
        return self.add(i, 1)

    def due(self, t: int, kind: int, amount: int) -> int:
        """The statutory due moment of a dossier received at ``t`` (SPEC §3)."""
        if kind == 0:
            return self.add(self.start_day(t), amount) * DAY + CLOSE_PM
        if kind == 1:
            i = self.start_day(t) + amount
            if not self.working[i]:
                i = self.add(i, 1)
            return i * DAY + CLOSE_PM
        if kind == 3:
            i = t // DAY
            if not (self.working[i] and t % DAY <= 15 * 3600):
                i = self.add(i, 1)
            return i * DAY + CLOSE_PM
        # Working hours: move into office hours, then consume office time.
        i, s = divmod(t, DAY)
        if not self.working[i] or s >= CLOSE_PM:
            i, s = self.add(i, 1), OPEN_AM
        elif s < OPEN_AM:
            s = OPEN_AM
        elif CLOSE_AM <= s < OPEN_PM:
            s = OPEN_PM
        left = amount * 3600
        while True:
            end = CLOSE_AM if s < CLOSE_AM else CLOSE_PM
            if s + left <= end:
                return i * DAY + s + left
            left -= end - s
            if end == CLOSE_AM:
                s = OPEN_PM
            else:
                i, s = self.add(i, 1), OPEN_AM

    def text(self, t: int) -> str:
        return self.day_text[t // DAY] + self.time_text[t % DAY]


class Unit:
    __slots__ = ("eresult", "id", "index", "late", "level", "name", "online", "owner", "parent",
                 "quality", "short", "sync", "weight")

    def __init__(self, index: int, uid: str, name: str, level: str, parent: str, short: str,
                 owner: int, weight: float, rng: random.Random) -> None:
        self.index, self.id, self.name, self.level = index, uid, name, level
        self.parent, self.short, self.owner, self.weight = parent, short, owner, weight
        self.quality = rng.random()  # 0 poor … 1 excellent
        q = self.quality
        self.online = 0.25 + 0.55 * q
        self.late = 0.25 - 0.23 * q
        self.eresult = 0.35 + 0.6 * q
        self.sync = 0.85 + 0.15 * q


def make_units(rng: random.Random) -> list[Unit]:
    """200 units: the province, 20 departments, 15 districts, 11 communes each (10 in the last).

    ``owner`` says whose procedures the unit handles: 0..19 a department's own, 20 the district
    list, 21 the commune list.
    """
    units = [Unit(0, PROVINCE_ID, "UBND tỉnh Mẫu", "PROVINCE", "", "UBND", -1, 0.0, rng)]
    for k, (name, short) in enumerate(DEPARTMENTS):
        units.append(Unit(len(units), f"000.00.{k + 1:02d}.H99", name, "DEPARTMENT", PROVINCE_ID,
                          short, k, rng.uniform(2.0, 9.0), rng))
    names = [f"{a} {b}" for a in PLACE_A for b in PLACE_B]
    rng.shuffle(names)
    for k in range(15):
        did = f"000.00.{21 + k:02d}.H99"
        units.append(Unit(len(units), did, f"UBND huyện {names.pop()}", "DISTRICT", PROVINCE_ID,
                          f"H{k + 1:02d}", 20, rng.uniform(2.0, 5.0), rng))
        for c in range(11 if k < 14 else 10):
            kind = "phường" if k == 0 else "xã"
            units.append(Unit(len(units), f"000.{c + 1:02d}.{21 + k:02d}.H99",
                              f"UBND {kind} {names.pop()}", "COMMUNE", did,
                              f"H{k + 1:02d}X{c + 1:02d}", 21, rng.uniform(0.3, 1.2), rng))
    assert len(units) == 200
    return units


class Procedures:
    """3 000 procedures: 100 per department, 600 for districts, 400 for communes."""

    def __init__(self, rng: random.Random) -> None:
        limit_cum = list(accumulate(w for *_, w in LIMITS))
        self.rows: list[list[str]] = []
        self.code: list[str] = []
        self.kind: list[int] = []
        self.amount: list[int] = []
        self.fee: list[bool] = []
        self.level: list[int] = []  # 0 none, 1 partial, 2 full
        self.owner_first: list[int] = []
        self.owner_cum: list[list[float]] = []
        sizes = [100] * 20 + [600, 400]
        codes = rng.sample(range(1000, 12000), sum(sizes))
        n = 0
        for size in sizes:
            self.owner_first.append(n)
            # Zipf-like: a few procedures carry most of the volume.
            weights = [1.0 / (j + 1) ** 1.1 for j in range(size)]
            rng.shuffle(weights)
            self.owner_cum.append(list(accumulate(weights)))
            for _ in range(size):
                code = f"{rng.choice((1, 1, 2))}.{codes[n]:06d}"
                wording, kind, amount, _ = LIMITS[bisect_right(limit_cum,
                                                               rng.random() * limit_cum[-1])]
                level = rng.choices((0, 1, 2), weights=(2, 4, 4))[0]
                fee = rng.random() < 0.6
                name = (f"{rng.choice(PROC_VERBS)} {rng.choice(PROC_OBJECTS)} "
                        f"(thủ tục số {n + 1})")
                self.code.append(code)
                self.kind.append(kind)
                self.amount.append(amount)
                self.fee.append(fee)
                self.level.append(level)
                self.rows.append([code, name, wording, ("NONE", "PARTIAL", "FULL")[level],
                                  "1" if fee else "0", "1" if rng.random() < 0.7 else "0",
                                  "1" if rng.random() < 0.6 else "0",
                                  "1" if rng.random() < 0.97 else "0",
                                  "1" if rng.random() < 0.95 else "0"])
                n += 1


def day_counts(total: int) -> list[tuple[int, int]]:
    """(day index, dossiers received that day) for FIRST_DAY..LAST_DAY, summing to ``total``."""
    cal_days = []
    d = FIRST_DAY
    while d <= LAST_DAY:
        cal_days.append(d)
        d += timedelta(days=1)
    cal = WorkingCalendar.vietnam()
    weights = [MONTH_WEIGHT[d.month] * (1.0 if cal.is_working_day(d) else DAY_OFF_WEIGHT)
               for d in cal_days]
    whole = sum(weights)
    out = []
    done = 0
    running = 0.0
    for d, w in zip(cal_days, weights, strict=True):
        running += w
        target = round(total * running / whole)
        out.append(((d - BASE).days, target - done))
        done = target
    return out


def write_csv(path: Path, header: tuple[str, ...] | list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def generate(out: Path, dossiers: int, seed: int = SEED, quiet: bool = False,
             shape: Shape = PRESETS["plain"]) -> dict[str, int]:
    """Write the folder; return the number of rows written per file, and under ``bad`` the
    number of dossier rows written to be rejected (``shape.odd``; nothing else is rejected)."""
    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    marker = out / _MARKER  # written last: the folder is complete
    marker.unlink(missing_ok=True)
    rng = random.Random(seed)
    rnd = rng.random
    # The shape's own choices: a second stream, so the data is the same in every shape.
    srnd = random.Random(f"shape-{seed}").random
    cal = Calendar(shape.seconds)
    units = make_units(rng)
    procs = Procedures(rng)
    if shape.units:
        write_csv(out / "units.csv", ("MaDonVi", "TenDonVi", "level", "parent_id"),
                  [[u.id, u.name, u.level, u.parent] for u in units])
    else:
        (out / "units.csv").unlink(missing_ok=True)
    channels = ("Trực tiếp", "Trực tuyến") if shape.channel_text else ("1", "2")
    empty_due, odd = shape.empty_due, shape.odd
    bad = 0
    write_csv(out / "procedures.csv",
              ("MaTTHC", "TenTTHC", "ThoiHanGiaiQuyet", "online_level", "has_fee",
               "requires_paper_result", "for_individuals", "published", "complete_elements"),
              procs.rows)

    handling = [u for u in units if u.owner >= 0]
    unit_cum = list(accumulate(u.weight for u in handling))
    unit_total = unit_cum[-1]
    text, day_text = cal.text, cal.day_text
    working, add, due_of = cal.working, cal.add, cal.due
    p_code, p_kind, p_amount, p_fee, p_level = (procs.code, procs.kind, procs.amount, procs.fee,
                                                procs.level)
    counts = {"dossiers": 0, "supplements": 0, "ratings": 0}
    buf_size = 1 << 20
    with (open(out / "dossiers.csv", "w", encoding="utf-8", newline="",
               buffering=buf_size) as fd,
          open(out / "supplements.csv", "w", encoding="utf-8", newline="",
               buffering=buf_size) as fs,
          open(out / "ratings.csv", "w", encoding="utf-8", newline="",
               buffering=buf_size) as fr):
        fd.write(",".join(DOSSIER_COLUMNS) + "\n")
        fs.write("MaHoSo,NgayYeuCauBoSung,NgayCongDanBoSung\n")
        fr.write("dossier_id,unit_id,staff_id,rated_at,rating\n")
        for day, n_day in day_counts(dossiers):
            seq = [0] * len(units)
            is_working = working[day]
            stamp = day_text[day][8:10] + day_text[day][3:5] + day_text[day][0:2]
            lines: list[str] = []
            sup_lines: list[str] = []
            rating_lines: list[str] = []
            for _ in range(n_day):
                u = handling[bisect_right(unit_cum, rnd() * unit_total)]
                owner = u.owner
                cum = procs.owner_cum[owner]
                p = procs.owner_first[owner] + bisect_right(cum, rnd() * cum[-1])
                level = p_level[p]
                online = (not is_working) or (level > 0 and rnd() < u.online * (level / 2 + 0.2))
                # Receipt: online any hour (mostly daytime), direct in office hours.
                if online:
                    # Mostly 06:00–22:00, some at night.
                    sec = 21600 + int(rnd() * 57600) if rnd() < 0.9 else int(rnd() * DAY)
                    submitted = day * DAY + sec
                    received = submitted
                    if rnd() < 0.3:  # an officer accepts it in the next office hours
                        nxt = day if is_working and sec < CLOSE_AM - 3600 else add(day, 1)
                        received = max(submitted + 300,
                                       nxt * DAY + OPEN_AM + int(rnd() * 9000))
                else:
                    sec = OPEN_AM + int(rnd() * 28800)
                    if sec >= CLOSE_AM:
                        sec += OPEN_PM - CLOSE_AM
                    submitted = received = day * DAY + sec
                statutory = due_of(received, p_kind[p], p_amount[p])
                due_day = statutory // DAY
                start = cal.start_day(received)
                # What happened.
                r = rnd()
                finished = stopped = None
                if r < 0.02:  # stopped (dừng xử lý) before the due date
                    k = cal.rank[start] - 1 + int(rnd() * (cal.rank[due_day] - cal.rank[start]
                                                           + 1))
                    stopped = max(received + 600, cal.workdays[k] * DAY + OPEN_AM
                                  + int(rnd() * 30000))
                elif r < 0.03:
                    pass  # stuck: never finished
                elif r < 0.03 + u.late:  # late by 1–12 working days
                    k = 1 + int(12 * rnd() * rnd())
                    finished = add(due_day, k) * DAY + OPEN_AM + int(rnd() * 30000)
                else:  # on time, skewed early
                    lo = cal.rank[start] - 1
                    hi = cal.rank[due_day] - 1
                    k = lo + int((hi - lo + 1) * rnd() ** 1.5)
                    end_day = cal.workdays[k]
                    if end_day == received // DAY:
                        finished = received + 60 + int(rnd() * max(60, CLOSE_PM - sec))
                    else:
                        finished = end_day * DAY + OPEN_AM + int(rnd() * 30000)
                    if finished > statutory and end_day == due_day:
                        finished = max(received + 60, statutory - int(rnd() * 3600))
                # Supplement requests (~12 %): the applicant's time pushes the end later.
                parts: list[tuple[int, int | None]] = []
                r = rnd()
                if r < 0.12:
                    ends = finished if finished is not None else (
                        stopped if stopped is not None else statutory)
                    t = received + 60 + int((ends - received) * 0.6 * rnd())
                    i, s = divmod(t, DAY)  # asked in office hours
                    if not working[i] or s >= CLOSE_PM:
                        t = max(t, add(i, 1) * DAY + OPEN_AM + int(rnd() * 9000))
                    elif s < OPEN_AM:
                        t = i * DAY + OPEN_AM + int(rnd() * 3600)
                    shift = 0
                    for _i in range(1 if r < 0.10 else 2):
                        if t > SNAPSHOT:
                            break
                        if rnd() < 0.1:  # never answered: the dossier waits
                            parts.append((t, None))
                            finished = stopped = None
                            break
                        taken = int(DAY * (1 + 14 * rnd() * rnd())) + int(rnd() * 5400)
                        if t + taken > SNAPSHOT:  # still waiting when the export was taken
                            parts.append((t, None))
                            finished = stopped = None
                            break
                        parts.append((t, t + taken))
                        shift += taken
                        t += taken + 3600 + int(rnd() * DAY)
                    if finished is not None:
                        finished += shift
                    if stopped is not None:
                        stopped += shift
                if finished is not None and finished > SNAPSHOT:
                    finished = None
                if stopped is not None and stopped > SNAPSHOT:
                    stopped = None
                # The recorded appointment: the law's, sometimes later (hidden lateness) or none.
                r = rnd()
                if r < 0.97 - 0.05 * (1 - u.quality):
                    due_text = text(statutory)
                elif r < 0.985:
                    due_text = text(add(due_day, 1 + int(rnd() * 5)) * DAY + CLOSE_PM)
                else:
                    due_text = ""
                if empty_due and srnd() < empty_due:
                    due_text = ""
                new_due = ""
                if finished is not None and finished // DAY > due_day and rnd() < 0.05:
                    new_due = text(add(due_day, 5) * DAY + CLOSE_PM)
                seq[u.index] += 1
                did = f"{u.id}-{stamp}-{seq[u.index]:04d}"
                returned_text = finished_text = result_code = result_file = ""
                if finished is not None:
                    finished_text = text(finished)
                    if rnd() < 0.88:
                        k = int(3 * rnd() * rnd())
                        returned = (finished + 300 + int(rnd() * 3600) if k == 0
                                    else add(finished // DAY, k) * DAY + OPEN_AM
                                    + int(rnd() * 30000))
                        if returned <= SNAPSHOT:
                            returned_text = text(returned)
                            if rnd() < 0.03:  # only NgayTra recorded
                                finished_text = ""
                    result_code = f"KQ.{did}"
                    if rnd() < u.eresult:
                        result_file = f"{RESULT_URL}/{did}.pdf"
                fee = p_fee[p]
                paid = "0"
                q = u.quality
                if fee and online:
                    x = rnd()
                    paid = "1" if x < 0.5 * q else ("2" if x < 0.7 * q else "0")
                staff = f"{u.short}.CB{1 + int(rnd() * 8):02d}"
                row = [
                    did, p_code[p], u.id, staff, channels[online], text(submitted),
                    text(received) if received != submitted or rnd() < 0.98 else "",
                    due_text, finished_text, returned_text,
                    text(stopped) if stopped is not None else "", new_due,
                    "1" if rnd() < u.sync else "0",
                    "1" if online and rnd() < 0.6 else "0",
                    "1" if fee and rnd() < 0.9 else "0", paid, result_code, result_file,
                    "1" if rnd() < 0.5 + 0.45 * q else "0",
                    "1" if rnd() < 0.2 + 0.5 * q else "0",
                    "1" if rnd() < 0.1 + 0.4 * q else "0",
                    "1" if online and rnd() < 0.4 + 0.5 * q else "0",
                ]
                if odd and srnd() < odd:
                    if not parts and srnd() * BAD_EVERY < 1:
                        spoil(row, bad % len(BAD_KINDS), text(received - DAY))
                        bad += 1
                    else:
                        oddify(row, srnd)
                lines.append(",".join(row) + "\n")
                for asked, supplied in parts:
                    sup_lines.append(f"{did},{text(asked)},"
                                     f"{'' if supplied is None else text(supplied)}\n")
                if finished is not None and rnd() < 0.15:
                    rated = finished + int(rnd() * 3 * DAY)
                    if rated <= SNAPSHOT:
                        x = rnd() - 0.3 * (q - 0.5)
                        word = RATINGS[0 if x < 0.8 else (1 if x < 0.93 else 2)]
                        rating_lines.append(f"{did},{u.id},{staff},{text(rated)},{word}\n")
            fd.write("".join(lines))
            fs.write("".join(sup_lines))
            fr.write("".join(rating_lines))
            counts["dossiers"] += len(lines)
            counts["supplements"] += len(sup_lines)
            counts["ratings"] += len(rating_lines)
    counts["petitions"] = write_petitions(out / "petitions.csv", rng, cal, handling,
                                          max(50, dossiers // 2000))
    communes = [[u.id, "1" if rnd() < 0.4 + 0.6 * u.quality else "0"]
                for u in units if u.level == "COMMUNE"]
    write_csv(out / "communes.csv", ("unit_id", "offers_electronic_certified_copy"), communes)
    counts["communes"] = len(communes)
    counts["units"] = len(units) if shape.units else 0
    counts["bad"] = bad
    # A dot file: read_folder does not list it. The benchmarks read the bad rows' count from it.
    marker.write_text(f"{_stamp(dossiers, seed, shape)}\nbad={bad}\n")
    counts["procedures"] = len(procs.rows)
    if not quiet:
        size = sum(f.stat().st_size for f in out.iterdir() if f.is_file())
        print(f"generated {out} ({shape.name()}: {shape.stamp()}): "
              + ", ".join(f"{k} {v:,}" for k, v in counts.items() if k != "bad")
              + f"; {size / 1e6:,.1f} MB in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        if odd:
            print(f"  {bad:,} dossier rows written to be rejected, in turn: "
                  + ", ".join(BAD_KINDS), file=sys.stderr)
    return counts


def write_petitions(path: Path, rng: random.Random, cal: Calendar, units: list[Unit],
                    count: int) -> int:
    """Petitions (PAKN) received in 2025, most handled within 3–15 working days."""
    rnd = rng.random
    first = (date(2025, 1, 1) - BASE).days
    last = (LAST_DAY - BASE).days
    text, add = cal.text, cal.add

    def office(day: int) -> int:
        return day * DAY + OPEN_AM + int(rnd() * 30000)

    rows = []
    for _ in range(count):
        u = rng.choice(units)
        received = (first + int(rnd() * (last - first - 25))) * DAY + 21600 + int(rnd() * 61200)
        cls = rng.choices(("PROCEDURE_REGULATION", "STAFF_BEHAVIOUR", "OTHER"),
                          weights=(5, 3, 2))[0]
        row = [u.id, "", cls, text(received), "", "", "", "", "", "0", "0", "0"]
        clock = received
        if rnd() < 0.25:  # sent to the provincial office first, then transferred
            clock = max(received + 600, office(add(received // DAY, 1 + int(rnd() * 4))))
            row[4] = text(clock)
        day = clock // DAY
        outcome = rng.choices(("handled", "late", "refused", "supplement", "open"),
                              weights=(70, 10, 7, 7, 6))[0]
        ready = None
        if outcome == "refused":
            row[5] = text(max(clock + 600, office(add(day, 1 + int(rnd() * 3)))))
        elif outcome == "supplement":
            asked = max(clock + 600, office(add(day, 1 + int(rnd() * 5))))
            row[6] = text(asked)
            if rnd() < 0.6:
                ready = max(asked + 600, office(add(asked // DAY, 2 + int(rnd() * 8))))
        elif outcome == "handled":
            ready = max(clock + 600, office(add(day, 3 + int(rnd() * 13))))
        elif outcome == "late":
            ready = max(clock + 600, office(add(day, 16 + int(rnd() * 15))))
        if ready is not None and ready <= SNAPSHOT:
            row[7] = text(ready)
            published = max(ready + 300, office(add(ready // DAY, int(rnd() * 3))))
            if published <= SNAPSHOT:
                row[8] = text(published)
                likes = int(rnd() * 12)
                unhappy = outcome == "late" or rnd() < 0.15
                dislikes = likes + 1 + int(rnd() * 5) if unhappy else int(rnd() * (likes // 3 + 1))
                row[9], row[10] = str(likes), str(dislikes)
                row[11] = "1" if unhappy and rnd() < 0.35 else "0"
        rows.append((received, row))
    rows.sort(key=lambda item: item[0])
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(("id", "unit_id", "dossier_id", "classification", "received_at",
                    "transferred_at", "refused_at", "supplement_requested_at", "ready_at",
                    "published_at", "likes", "dislikes", "followed_by_complaint"))
        for n, (_, row) in enumerate(rows, 1):
            w.writerow([f"PAKN.2025.{n:06d}", *row])
    return len(rows)


def _stamp(dossiers: int, seed: int, shape: Shape) -> str:
    if shape == PRESETS["plain"]:
        return f"dossiers={dossiers} seed={seed}"
    return f"dossiers={dossiers} seed={seed} {shape.stamp()}"


def folder_name(dossiers: int, shape: str = "plain") -> str:
    """``dossiers-<N>`` for ``plain``, ``dossiers-<N>-<shape>`` for the other presets."""
    return f"dossiers-{dossiers}" if shape == "plain" else f"dossiers-{dossiers}-{shape}"


def ensure(dossiers: int, workdir: Path = WORKDIR, seed: int = SEED,
           shape: str = "plain") -> Path:
    """The folder ``workdir/dossiers-<N>[-<shape>]`` holding a generated export of ``dossiers``
    rows in the preset ``shape``, generated now unless a complete one with the same size, seed
    and shape is already there."""
    folder = Path(workdir) / folder_name(dossiers, shape)
    marker = folder / _MARKER
    stamp = _stamp(dossiers, seed, PRESETS[shape])
    if marker.is_file() and marker.read_text().split("\n")[0] == stamp:
        return folder
    generate(folder, dossiers, seed, shape=PRESETS[shape])
    return folder


def expected_rejections(folder: Path) -> int | None:
    """The number of rows written to be rejected, from the folder's marker (None when the
    folder was not made by this generator)."""
    marker = Path(folder) / _MARKER
    if not marker.is_file():
        return None
    for line in marker.read_text().splitlines()[1:]:
        if line.startswith("bad="):
            return int(line[4:])
    return 0


def folder_shape(folder: Path) -> str:
    """The preset a generated folder was written in (``custom`` for other options,
    ``unknown`` when the folder was not made by this generator)."""
    marker = Path(folder) / _MARKER
    if not marker.is_file():
        return "unknown"
    first = marker.read_text().split("\n")[0].split(" ", 2)
    if len(first) < 3:
        return "plain"
    return next((k for k, v in PRESETS.items() if v.stamp() == first[2]), "custom")


def check(folder: Path, expected: int = 0) -> int:
    """Read the folder back with ``read_folder``; print the rejections and return how many
    differ from ``expected`` (the bad rows the generator wrote)."""
    from chiso766 import read_folder

    data = read_folder(folder)
    report = data.report
    print(f"read_folder {folder}: read {report.read:,}, accepted {report.accepted:,}, "
          f"rejected {report.rejected:,} (written to be rejected: {expected:,})", file=sys.stderr)
    for r in report.rejections[:20]:
        print(f"  {r.file}:{r.line} [{r.field}] {r.value!r}: {r.reason}", file=sys.stderr)
    return abs(report.rejected - expected)


def _share(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"a share between 0 and 1, got {text}")
    return value


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="shapes (--shape): " + "; ".join(
                                     f"{k}: {v.stamp()}" for k, v in PRESETS.items()))
    ap.add_argument("out", type=Path, help="folder to write (created; files are overwritten)")
    ap.add_argument("--dossiers", type=lambda s: int(s.replace("_", "")), default=10_000,
                    help="number of dossier rows (e.g. 10_000, 1_000_000, 10_000_000)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--shape", choices=list(PRESETS), default="plain",
                    help="a preset of the options below (default plain: the historical output, "
                         "byte for byte); the options below change it")
    ap.add_argument("--no-seconds", action="store_true",
                    help="moments as dd/mm/yyyy hh:mm (no seconds), in every file")
    ap.add_argument("--empty-due", type=_share, default=None, metavar="SHARE",
                    help="share of dossier rows with an empty NgayHenTra (their procedures have "
                         "time limits, so they are still scored)")
    ap.add_argument("--no-units", action="store_true", help="write no units.csv")
    ap.add_argument("--channel-text", action="store_true",
                    help="KenhThucHien as Trực tiếp/Trực tuyến instead of 1/2")
    ap.add_argument("--odd", type=_share, default=None, metavar="SHARE",
                    help=f"share of dossier rows in odd but accepted spellings (padded, quoted, "
                         f"ISO moments, lower-case words); one in {BAD_EVERY} of them is really "
                         f"bad and rejected (the count is printed and kept in the folder)")
    ap.add_argument("--check", action="store_true",
                    help="read the folder back with read_folder; exit 1 unless exactly the bad "
                         "rows written are rejected")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    if args.dossiers < 1:
        ap.error("--dossiers must be at least 1")
    shape = PRESETS[args.shape]
    if args.no_seconds:
        shape = replace(shape, seconds=False)
    if args.empty_due is not None:
        shape = replace(shape, empty_due=args.empty_due)
    if args.no_units:
        shape = replace(shape, units=False)
    if args.channel_text:
        shape = replace(shape, channel_text=True)
    if args.odd is not None:
        shape = replace(shape, odd=args.odd)
    counts = generate(args.out, args.dossiers, args.seed, args.quiet, shape)
    if args.check and check(args.out, counts["bad"]):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
