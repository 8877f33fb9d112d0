"""Invariants of the text the reports take from the input (chiso766.reports.text), stated in
words on each test."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from chiso766.reports.text import DANGEROUS_STARTS, cell_text, terminal_text, xlsx_text
from tests.budget import examples

FAST = settings(max_examples=examples(300), deadline=None)
# Any text, with the characters that matter made likely: formula starts, controls, bidi marks.
texts = st.text(alphabet=st.one_of(
    st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\n", "\x00", "\x1b", "\x7f", "\x9b",
                     "\u202e", "\u2066", "\u2028", "'", "\\", "đ", "😀"]),
    st.characters()), max_size=40)

_BIDI = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")


@FAST
@given(texts)
def test_cell_text_never_starts_a_formula_and_keeps_the_text(text: str) -> None:
    """For any text, the cell never starts with = + - @ tab or CR, and the text after a quote
    the function added is the original: the reader sees exactly what the file held."""
    out = cell_text(text)
    assert not out.startswith(DANGEROUS_STARTS)
    if out != text:
        assert out == "'" + text and text.startswith(DANGEROUS_STARTS)


@FAST
@given(texts)
def test_xlsx_text_never_starts_a_formula(text: str) -> None:
    """For any text, an Excel cell never starts a formula and holds no character XML refuses."""
    out = xlsx_text(text)
    assert not out.startswith(DANGEROUS_STARTS)
    assert all(ch in "\t\n\r" or ord(ch) >= 0x20 for ch in out)


@FAST
@given(texts)
def test_terminal_text_has_no_control_characters(text: str) -> None:
    """For any text, what the table shows holds no control character (Unicode category Cc) and
    no bidirectional or line-separator control; text without any is unchanged."""
    out = terminal_text(text)
    assert not any(unicodedata.category(ch) == "Cc" or ch in _BIDI for ch in out)
    if not any(unicodedata.category(ch) == "Cc" or ch in _BIDI for ch in text):
        assert out == text
