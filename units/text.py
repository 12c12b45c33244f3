"""Vietnamese text: NFC normalisation, diacritic-free search keys and Vietnamese sort keys.

Pure functions, no Django. The keys are computed in Python and stored in columns so that search
and ordering behave the same on SQLite and PostgreSQL, whatever collation the server has.
"""

import re
import unicodedata
from fractions import Fraction

# Combining marks in NFD: the vowel modifiers that make distinct letters, and the five tones.
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng

# The Vietnamese alphabet, with f j w z in their Latin places, digits first.
_ALPHABET = [
    *"0123456789",
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
# Codes start at 0x20 so every code is two hex digits; "00" ends the primary part, 0x01 is a
# word gap and 0x02 any other symbol: "An" < "An Giang" < "Anh".
_CODE = {letter: 0x20 + i for i, letter in enumerate(_ALPHABET)}
_GAP, _SYMBOL = 0x01, 0x02
_SPACES = re.compile(r"\s+")
# Control characters no one types on purpose (pasted from other programs, or hostile): C0 but tab,
# line feed and carriage return; DEL; C1. NUL in particular is refused by PostgreSQL. Direction
# marks and other format characters are text and are kept (and escaped like any text on pages).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def nfc(value: str) -> str:
    """Compose decomposed input (as some Vietnamese keyboard tools send it) into NFC."""
    return unicodedata.normalize("NFC", value)


def strip_controls(value: str) -> str:
    """The text without control characters, tab and line breaks kept."""
    return _CONTROLS.sub("", value)


def clean_text(value: str) -> str:
    """NFC, control characters dropped, runs of white space folded into one and the ends trimmed:
    for one-line names."""
    return _SPACES.sub(" ", strip_controls(nfc(value))).strip()


def clean_multiline(value: str) -> str:
    """NFC with control characters dropped; line breaks and tabs kept: for notes and descriptions."""
    return strip_controls(nfc(value))


def _letters(value: str) -> list[tuple[str, int]]:
    """Split text into (base letter, tone) pairs, the base letter keeping its vowel modifier."""
    result: list[tuple[str, int]] = []
    for char in strip_controls(nfc(value)).lower():
        parts = unicodedata.normalize("NFD", char)
        base, marks = parts[0], parts[1:]
        tone = 0
        for mark in marks:
            if mark in _TONES:
                tone = _TONES[mark]
            elif mark in (_BREVE, _CIRCUMFLEX, _HORN):
                base = unicodedata.normalize("NFC", base + mark)
        result.append((base, tone))
    return result


def search_key(value: str) -> str:
    """Lower case, no diacritics, đ as d, single spaces: "Sở Tài chính" -> "so tai chinh"."""
    out = []
    for base, _tone in _letters(value):
        plain = unicodedata.normalize("NFD", base)[0]
        out.append("d" if base == "đ" else plain)
    return _SPACES.sub(" ", "".join(out)).strip()


def sort_key(value: str) -> str:
    """A string of hex digits whose plain ordering is Vietnamese dictionary order.

    Letters first (Đ after D, Ơ after O, Ư after U), then tones as a tie-break (ngang, huyền,
    hỏi, ngã, sắc, nặng), then case. Only [0-9a-f] appear, so every database collation orders
    it the same way as the C collation does.
    """
    letters = _letters(value)
    primary, tones = [], []
    previous_gap = True
    for base, tone in letters:
        if base in _CODE:
            primary.append(_CODE[base])
            tones.append(tone)
            previous_gap = False
        elif base.isspace() or not base.isalnum():
            if not previous_gap:
                primary.append(_GAP if base.isspace() else _SYMBOL)
                tones.append(0)
            previous_gap = True
        else:
            primary.append(_SYMBOL)
            tones.append(0)
            previous_gap = False
    while primary and primary[-1] in (_GAP, _SYMBOL):
        primary.pop()
        tones.pop()
    cases = [0 if ch.islower() or not ch.isalpha() else 1 for ch in nfc(value).strip()]
    return (
        "".join(f"{code:02x}" for code in primary)
        + "00"
        + "".join(str(t) for t in tones)
        + "0"
        + "".join(str(c) for c in cases)
    )


def fraction_text(value: Fraction) -> str:
    """A rule's fraction as rule sets write it: 70/100 -> "70%", 1/2 -> "50%", 2/3 -> "2/3"."""
    percent = value * 100
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    return f"{value.numerator}/{value.denominator}"
