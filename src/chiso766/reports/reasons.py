"""Rejection reasons in the report's language (docs/reports.md, "Rejected rows").

The readers and records say why a row was rejected in English (:attr:`Rejection.reason
<chiso766.io.readers.Rejection.reason>`), and that English text stays the data: the JSON report
and ``Rejection.to_dict()`` carry it unchanged, so a program can match on it. A report shown to a
person in Vietnamese shows the same reason through :func:`reason_text`, which reads it against
:data:`CATALOGUE` — one entry for each template the library writes, an English pattern with named
groups and its Vietnamese template — and keeps the values (dates, ids, line numbers, the text of
the cell) exactly as they were. A field name is shown with the national column name the readers
accept for it (``NgayTiepNhan (received_at)``, from :data:`chiso766.io.columns.FIELDS`).

A reason the catalogue does not know (a message from another library, a future template) is
returned unchanged: translating never fails and never guesses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache

import attrs

from ..io.columns import FIELDS

__all__ = ["CATALOGUE", "Template", "field_label", "reason_text", "template_of"]


def _national_names() -> dict[str, str]:
    """English field → the first national column name, for fields every kind names alike."""
    seen: dict[str, set[str]] = {}
    for fields in FIELDS.values():
        for field, names in fields.items():
            national = [n for n in names if n != field and n[:1].isupper()]
            if national:
                seen.setdefault(field, set()).add(national[0])
    return {field: next(iter(names)) for field, names in seen.items() if len(names) == 1}


_NATIONAL = _national_names()


def field_label(field: str) -> str:
    """``"received_at"`` → ``"NgayTiepNhan (received_at)"``; a field without one national name
    (``id`` is MaHoSo, MaPAKN or MaDonVi depending on the file) is left as it is."""
    national = _NATIONAL.get(field)
    return f"{national} ({field})" if national else field


# What a table of spellings reads (io.values), in Vietnamese.
_WHAT = {
    "channel": "kênh thực hiện",
    "online level": "mức độ dịch vụ công trực tuyến",
    "online payment": "hình thức thanh toán trực tuyến",
    "unit level": "cấp đơn vị",
    "petition class": "phân loại PAKN",
    "announcement kind": "loại công bố",
    "rating": "kết quả đánh giá",
    "yes/no value": "giá trị có/không",
}

# The key a duplicate row repeats (io.readers, the kinds' key_label).
_KEY = {
    "dossier id": "mã hồ sơ",
    "petition id": "mã PAKN",
    "unit id": "mã đơn vị",
    "procedure code": "mã TTHC",
    "unit and procedure": "cặp đơn vị và TTHC",
    "commune unit id": "mã đơn vị cấp xã",
    "unit and period": "cặp đơn vị và kỳ",
}

# The rule after "X is before Y:" (records._not_before).
_RULE = {
    "a supplement cannot be answered before it was asked":
        "không thể bổ sung hồ sơ trước khi được yêu cầu",
    "no dossier ends, or falls due, before it is received":
        "hồ sơ không thể kết thúc hay đến hạn trước khi được tiếp nhận",
    "a petition is not handled before it is received":
        "PAKN không thể được xử lý trước khi được tiếp nhận",
    "a petition is not transferred before it is received":
        "PAKN không thể được chuyển trước khi được tiếp nhận",
    "a petition is not received before the citizen sends it":
        "PAKN không thể được tiếp nhận trước khi người dân gửi",
}


def _hint(text: str) -> str:
    """A list of accepted spellings: the spellings stay, the English joining words do not."""
    return text.replace(" or an empty cell", " hoặc ô trống").replace(" or ", " hoặc ")


def _from(table: Mapping[str, str]) -> Callable[[str], str | None]:
    return table.get


def _inner(text: str) -> str | None:
    """A reason inside another: translated, or ``None`` (the whole stays English)."""
    shown = _vi(text)
    return shown if shown != text else None


#: How a named group is shown in Vietnamese; a group not listed here is a value, kept as it is.
#: A function returning ``None`` means "not a known word": the reason is then left in English.
_GROUPS: dict[str, Callable[[str], str | None]] = {
    "field": field_label,
    "later": field_label,
    "earlier": field_label,
    "what": _from(_WHAT),
    "key": _from(_KEY),
    "rule": _from(_RULE),
    "hint": _hint,
    "inner": _inner,
}



@attrs.frozen
class Template:
    """One reason the library writes: ``pattern`` matches the whole English text, ``vi`` is the
    Vietnamese, formatted with the pattern's named groups; ``example`` is a reason of this shape
    (the tests translate every example)."""

    pattern: re.Pattern[str]
    vi: str
    example: str


def _t(pattern: str, vi: str, example: str) -> Template:
    return Template(re.compile(pattern, re.DOTALL), vi, example)


_Q = r"'(?P<value>.*)'"  # a value the reason quotes

#: Every rejection-reason template of the library, English pattern → Vietnamese. The order
#: matters only where one pattern could match another's text: the more specific comes first.
CATALOGUE: tuple[Template, ...] = (
    # -- the row as a whole (io.readers, io.rowpath, io.cells, io.excel, io.frames) ----------
    _t(r"(?P<inner>.+) \(a row of the supplements file for this dossier\)",
       "{inner} (một dòng của tệp yêu cầu bổ sung (supplements) cho hồ sơ này)",
       "must be a sequence of SupplementRequest (a row of the supplements file for this "
       "dossier)"),
    _t(r"duplicate (?P<key>[a-z ]+) " + _Q + r": first seen on line (?P<line>\d+)",
       "trùng {key} '{value}': đã có ở dòng {line}",
       "duplicate dossier id '000.01.21.H98-250307-0001': first seen on line 12"),
    _t(r"unknown procedure code " + _Q + r": not in the procedures file",
       "mã TTHC '{value}' không có trong tệp thủ tục (procedures)",
       "unknown procedure code '2.999999': not in the procedures file"),
    _t(r"unknown unit id " + _Q + r": not in the units file",
       "mã đơn vị '{value}' không có trong tệp đơn vị (units)",
       "unknown unit id 'X.01': not in the units file"),
    _t(r"columns (?P<first>.+?) \((?P<first_value>.*)\) and (?P<second>.+?) "
       r"\((?P<second_value>.*)\) disagree",
       "cột {first} ({first_value}) và cột {second} ({second_value}) khác nhau",
       "columns id ('A-1') and MaHoSo ('A-2') disagree"),
    _t(r"could not build the record: (?P<detail>.*)",
       "không tạo được bản ghi: {detail}",
       "could not build the record: unsupported operand"),
    _t(r"an id or code of (?P<length>\d+) characters: longer than the (?P<limit>\d+) "
       r"characters an id may have",
       "mã dài {length} ký tự: quá {limit} ký tự mà một mã được phép có",
       "an id or code of 1500 characters: longer than the 1000 characters an id may have"),
    _t(r"unreadable CSV row: (?P<detail>.*)",
       "dòng CSV không đọc được: {detail}",
       "unreadable CSV row: field larger than field limit (131072)"),
    _t(r"the line is not UTF-8 text \(save the file as UTF-8\)",
       "dòng không phải văn bản UTF-8 (hãy lưu tệp dạng UTF-8)",
       "the line is not UTF-8 text (save the file as UTF-8)"),
    _t(r"the row has (?P<cells>\d+) cells but the header has (?P<header>\d+)",
       "dòng có {cells} ô nhưng dòng tiêu đề có {header} cột",
       "the row has 5 cells but the header has 4"),
    _t(r"expected a JSON object \(one record\)",
       "cần một đối tượng JSON (một bản ghi)",
       "expected a JSON object (one record)"),
    _t(r"not valid JSON: (?P<detail>.*)",
       "không phải JSON hợp lệ: {detail}",
       "not valid JSON: Expecting value: line 1 column 1 (char 0)"),
    _t(r"the bytes are not UTF-8 text",
       "các byte không phải văn bản UTF-8",
       "the bytes are not UTF-8 text"),
    _t(r"an Excel error value \((?P<value>.*)\): fix the cell or its formula",
       "ô mang giá trị lỗi của Excel ({value}): hãy sửa ô hoặc công thức của ô",
       "an Excel error value (#N/A): fix the cell or its formula"),
    _t(r"expected a mapping of column names to values, got (?P<type>.+)",
       "cần một ánh xạ tên cột → giá trị, nhận được {type}",
       "expected a mapping of column names to values, got list"),
    # -- supplement requests without their dossier (io.dataset, streaming, distributed) ------
    _t(r"its dossier '(?P<value>.*)' \((?P<file>.+) line (?P<line>\d+)\) was rejected",
       "hồ sơ '{value}' của yêu cầu này đã bị loại ({file} dòng {line})",
       "its dossier 'A-1' (dossiers.csv line 4) was rejected"),
    _t(r"no dossier " + _Q + r" in (?P<file>.+)",
       "không có hồ sơ '{value}' trong {file}",
       "no dossier 'A-9' in dossiers.csv"),
    # -- one cell (io.values) ------------------------------------------------------------------
    _t(r"expected text, got (?P<value>.+) \(write codes and ids as strings\)",
       "cần văn bản, nhận được {value} (hãy ghi mã và số hiệu dưới dạng chuỗi)",
       "expected text, got 1.5 (write codes and ids as strings)"),
    _t(r"expected a whole number ≥ 0, got (?P<value>.+)",
       "cần một số nguyên ≥ 0, nhận được {value}",
       "expected a whole number ≥ 0, got '-3'"),
    _t(r"expected a number ≥ 0, got (?P<value>.+)",
       "cần một số ≥ 0, nhận được {value}",
       "expected a number ≥ 0, got 'abc'"),
    _t(r"expected a number between 0 and 10⁹, got (?P<value>.+)",
       "cần một số từ 0 đến 10⁹, nhận được {value}",
       "expected a number between 0 and 10⁹, got '-2'"),
    _t(r"expected a date or time as text, got (?P<value>.+)",
       "cần ngày hoặc thời điểm ghi dạng văn bản, nhận được {value}",
       "expected a date or time as text, got 1.5"),
    _t(r"year must be between (?P<low>\d+) and (?P<high>\d+)",
       "năm phải từ {low} đến {high}",
       "year must be between 1900 and 2199"),
    _t(r"not a date or time the library reads \(expected (?P<hint>.+)\)",
       "không phải ngày hoặc thời điểm thư viện đọc được (cần {hint})",
       "not a date or time the library reads (expected ISO 8601 (2025-04-03, "
       "2025-04-03T08:15:00, 2025-04-03 08:15+07:00), dd/MM/yyyy [HH:mm[:ss]], yyyyMMddHHmmss "
       "or yyyyMMdd)"),
    _t(r"unknown (?P<what>[a-z/ ]+?) (?P<value>'.*'|\S+) \(expected (?P<hint>.+)\)",
       "không nhận ra {what} {value} (chấp nhận: {hint})",
       "unknown channel 'qua Zalo' (expected 1/2/3, DIRECT/ONLINE/POSTAL, trực tiếp/trực "
       "tuyến/bưu chính)"),
    _t(r"expected a yes/no value, got (?P<value>.+) \(expected (?P<hint>.+)\)",
       "cần giá trị có/không, nhận được {value} (chấp nhận: {hint})",
       "expected a yes/no value, got 2 (expected 1/0, true/false, có/không, x or an empty "
       "cell, yes/no)"),
    # -- nested national JSON (io.national) ----------------------------------------------------
    _t(r"expected a list of objects", "cần một danh sách đối tượng",
       "expected a list of objects"),
    _t(r"expected an object", "cần một đối tượng", "expected an object"),
    _t(r"expected text", "cần văn bản", "expected text"),
    _t(r"expected an amount \(e\.g\. (?P<n>\d+)\)", "cần một số tiền (ví dụ {n})",
       "expected an amount (e.g. 50000)"),
    _t(r"expected an amount ≥ 0", "cần một số tiền ≥ 0", "expected an amount ≥ 0"),
    # -- records (records.py) ------------------------------------------------------------------
    _t(r"(?P<later>[a-z_]+) (?P<later_value>\S+) is before (?P<earlier>[a-z_]+) "
       r"(?P<earlier_value>\S+): (?P<rule>.+)",
       "{later} {later_value} sớm hơn {earlier} {earlier_value}: {rule}",
       "supplied_at 2025-03-12T08:30:00 is before requested_at 2025-03-12T14:00:00: a "
       "supplement cannot be answered before it was asked"),
    _t(r"supplement requested at (?P<at>\S+) before receipt (?P<receipt>\S+): no supplement "
       r"is asked before the dossier is received",
       "yêu cầu bổ sung lúc {at}, trước khi tiếp nhận hồ sơ {receipt}: không thể yêu cầu bổ "
       "sung trước khi hồ sơ được tiếp nhận",
       "supplement requested at 2025-03-01T09:00:00 before receipt 2025-03-05T08:00:00: no "
       "supplement is asked before the dossier is received"),
    _t(r"the moment cannot be converted to Vietnam time \(UTC\+07:00\)",
       "không đổi được thời điểm sang giờ Việt Nam (UTC+07:00)",
       "the moment cannot be converted to Vietnam time (UTC+07:00)"),
    _t(r"must be a datetime, a date or None", "phải là ngày giờ, ngày hoặc để trống",
       "must be a datetime, a date or None"),
    _t(r"must be a non-empty string or None", "phải là chuỗi không rỗng hoặc để trống",
       "must be a non-empty string or None"),
    _t(r"must be a non-empty string", "phải là chuỗi không rỗng",
       "must be a non-empty string"),
    _t(r"must be a string", "phải là chuỗi", "must be a string"),
    _t(r"must be a date", "phải là một ngày", "must be a date"),
    _t(r"must be True, False or None \(not reported\)",
       "phải là có (True), không (False) hoặc để trống (không báo cáo)",
       "must be True, False or None (not reported)"),
    _t(r"must be True or False", "phải là có (True) hoặc không (False)",
       "must be True or False"),
    _t(r"must be MINISTRY or PROVINCE", "phải là MINISTRY (bộ) hoặc PROVINCE (tỉnh)",
       "must be MINISTRY or PROVINCE"),
    _t(r"must be one of (?P<names>.+)", "phải là một trong {names}",
       "must be one of DIRECT, ONLINE, POSTAL"),
    _t(r"must be a whole number ≥ 0", "phải là số nguyên ≥ 0", "must be a whole number ≥ 0"),
    _t(r"must be a number ≥ 0 \(ThoiGianGiaiQuyet\) or None",
       "phải là số ≥ 0 (ThoiGianGiaiQuyet) hoặc để trống",
       "must be a number ≥ 0 (ThoiGianGiaiQuyet) or None"),
    _t(r"must be a sequence of SupplementRequest",
       "phải là một dãy yêu cầu bổ sung (SupplementRequest)",
       "must be a sequence of SupplementRequest"),
    _t(r"is required", "bắt buộc phải có", "is required"),
    _t(r"a dossier needs received_at or submitted_at",
       "hồ sơ cần " + field_label("received_at") + " hoặc " + field_label("submitted_at"),
       "a dossier needs received_at or submitted_at"),
    _t(r"a unit cannot be its own parent", "đơn vị không thể là đơn vị cha của chính nó",
       "a unit cannot be its own parent"),
    # -- time limits (timelimits.py) -----------------------------------------------------------
    _t(r"not a time limit the library can read \(expected e\.g\. (?P<examples>.+)\)",
       "không phải thời hạn thư viện đọc được (ví dụ: {examples})",
       "not a time limit the library can read (expected e.g. '15 ngày làm việc', '30 ngày', "
       "'4 giờ làm việc', 'trong ngày')"),
    _t(r"a time limit must be text such as (?P<example>.+)",
       "thời hạn phải là văn bản, ví dụ {example}",
       "a time limit must be text such as '15 ngày làm việc'"),
    _t(r"a time limit's amount must be a number", "số lượng của thời hạn phải là một số",
       "a time limit's amount must be a number"),
    _t(r"a time limit cannot be negative", "thời hạn không thể âm",
       "a time limit cannot be negative"),
    _t(r"a time limit of more than (?P<n>\d+) units is not plausible",
       "thời hạn hơn {n} đơn vị là không hợp lý",
       "a time limit of more than 100000 units is not plausible"),
    _t(r"a limit in days or months must be a whole number \(a fraction of a working day is "
       r"working hours\)",
       "thời hạn tính bằng ngày hoặc tháng phải là số nguyên (phần lẻ của một ngày làm việc "
       "thì ghi bằng giờ làm việc)",
       "a limit in days or months must be a whole number (a fraction of a working day is "
       "working hours)"),
    _t(r"a limit in months must be a whole number",
       "thời hạn tính bằng tháng phải là số nguyên",
       "a limit in months must be a whole number"),
    _t(r"a fraction of a calendar day is not a time limit the law uses",
       "phần lẻ của một ngày theo lịch không phải là thời hạn pháp luật dùng",
       "a fraction of a calendar day is not a time limit the law uses"),
    _t(r"a time limit's kind must be one of (?P<names>.+)",
       "loại thời hạn phải là một trong {names}",
       "a time limit's kind must be one of WORKING_DAYS, CALENDAR_DAYS"),
    _t(r"the cut-off must be a naive datetime\.time \(local time\) or None",
       "giờ chốt phải là datetime.time không kèm múi giờ (giờ địa phương) hoặc để trống",
       "the cut-off must be a naive datetime.time (local time) or None"),
    _t(r"the cut-off must be a datetime\.time", "giờ chốt phải là datetime.time",
       "the cut-off must be a datetime.time"),
)


def _render(template: Template, match: re.Match[str]) -> str | None:
    values: dict[str, str] = {}
    for name, text in match.groupdict().items():
        shown = _GROUPS[name](text) if name in _GROUPS else text
        if shown is None:
            return None
        values[name] = shown
    return template.vi.format_map(values)


def _translate(reason: str) -> tuple[Template, str] | None:
    for template in CATALOGUE:
        match = template.pattern.fullmatch(reason)
        if match is not None:
            shown = _render(template, match)
            if shown is not None:
                return template, shown
    return None


@lru_cache(maxsize=4096)
def _vi(reason: str) -> str:
    found = _translate(reason)
    return reason if found is None else found[1]


def template_of(reason: str) -> Template | None:
    """The catalogue entry that translates ``reason``, or ``None`` when none does."""
    found = _translate(reason) if isinstance(reason, str) else None
    return None if found is None else found[0]


def reason_text(reason: str, lang: str) -> str:
    """A rejection reason as a report in ``lang`` shows it: the Vietnamese form for ``"vi"``,
    the library's English unchanged for any other language. A reason the catalogue does not
    know comes back unchanged; this never raises.

    >>> reason_text("unknown procedure code '2.999999': not in the procedures file", "vi")
    "mã TTHC '2.999999' không có trong tệp thủ tục (procedures)"
    >>> reason_text("is required", "en")
    'is required'
    """
    if lang != "vi" or not isinstance(reason, str):
        return reason
    return _vi(reason)
