"""Invariants of the rejection-reason catalogue (chiso766.reports.reasons), stated in words on
each test."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766.reports.reasons import CATALOGUE, reason_text
from tests.budget import examples as budget

SETTINGS = settings(max_examples=budget(300), deadline=None)

examples = st.sampled_from([t.example for t in CATALOGUE])
# Free text, catalogue examples, and examples with text spliced in: the last two reach the
# patterns' groups with values no reader wrote.
reasons = st.one_of(
    st.text(),
    examples,
    st.builds(lambda e, t, i: e[:i] + t + e[i:], examples, st.text(max_size=20),
              st.integers(0, 200)),
)
# A code or id as a file may hold it: any text on one line.
values = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\n\r"))


@SETTINGS
@given(reasons, st.sampled_from(["vi", "en", "fr", ""]))
def test_never_raises_and_english_is_unchanged(reason: str, lang: str) -> None:
    """reason_text never raises and returns a str; for any language but "vi" (English is the
    library's own wording) it returns the reason unchanged."""
    out = reason_text(reason, lang)
    assert isinstance(out, str)
    if lang != "vi":
        assert out == reason


@SETTINGS
@given(values, st.integers(1, 10**6))
def test_values_survive_translation(value: str, line: int) -> None:
    """Whatever code or id a row carries, its Vietnamese reason quotes it exactly, and the line
    number of the first row with a duplicate id is kept."""
    unknown = reason_text(f"unknown procedure code '{value}': not in the procedures file", "vi")
    assert unknown == f"mã TTHC '{value}' không có trong tệp thủ tục (procedures)"
    duplicate = reason_text(f"duplicate dossier id '{value}': first seen on line {line}", "vi")
    assert duplicate == f"trùng mã hồ sơ '{value}': đã có ở dòng {line}"
