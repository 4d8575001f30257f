"""Numbers as news pages write them: digits, number words and ordinals.

The facts stage matches a span first and only then reads the number in it,
so these readers never guess where a number starts:

    parse_number("240.1")           -> Decimal("240.1")
    parse_number("32,000")          -> Decimal("32000")
    parse_number("forty-two")       -> Decimal("42")
    parse_number("one hundred and five") -> Decimal("105")
    parse_ordinal("seventy-fifth")  -> 75        ("eighth" is 8, not 1/8)
    parse_ordinal("21st")           -> 21

``NUMBER`` and ``ORDINAL`` are regular-expression sources for the same
shapes, to be embedded in the facts stage's patterns.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = ["NUMBER", "ORDINAL", "SCALES", "format_scaled", "parse_number", "parse_ordinal"]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_ORDINAL_WORDS = {
    "first": "one", "second": "two", "third": "three", "fourth": "four", "fifth": "five",
    "sixth": "six", "seventh": "seven", "eighth": "eight", "ninth": "nine", "tenth": "ten",
    "eleventh": "eleven", "twelfth": "twelve", "thirteenth": "thirteen", "fourteenth": "fourteen",
    "fifteenth": "fifteen", "sixteenth": "sixteen", "seventeenth": "seventeen",
    "eighteenth": "eighteen", "nineteenth": "nineteen", "twentieth": "twenty", "thirtieth": "thirty",
    "fortieth": "forty", "fiftieth": "fifty", "sixtieth": "sixty", "seventieth": "seventy",
    "eightieth": "eighty", "ninetieth": "ninety", "hundredth": "hundred", "thousandth": "thousand",
}  # fmt: skip
#: Multipliers written after a number ("$240.1 billion", "$5bn", "3m").
SCALES = {
    "thousand": 3, "k": 3, "million": 6, "mn": 6, "mln": 6, "m": 6,
    "billion": 9, "bn": 9, "b": 9, "trillion": 12, "tn": 12, "tr": 12, "lakh": 5, "crore": 7,
}  # fmt: skip

_CARDINAL_WORD = "|".join(sorted([*_UNITS, *_TENS], key=len, reverse=True))
_SMALL = rf"(?:(?:{'|'.join(_TENS)})(?:[-\s](?:{'|'.join(k for k in _UNITS if 0 < _UNITS[k] < 10)}))?|{_CARDINAL_WORD})"
_WORDS = rf"{_SMALL}(?:\s+hundred(?:(?:\s+and)?\s+{_SMALL})?)?(?:\s+thousand(?:(?:\s+and)?\s+{_SMALL}(?:\s+hundred(?:(?:\s+and)?\s+{_SMALL})?)?)?)?"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_ORDINAL_WORD = "|".join(sorted(_ORDINAL_WORDS, key=len, reverse=True))

#: A cardinal number: digits (``32,000``, ``240.1``) or words (``forty-two``).
#: (Never starting inside a run of digits: a match tried at every digit of a long run would be quadratic.)
NUMBER = rf"(?:(?<!\d)(?:{_DIGITS})|\b(?:{_WORDS})\b)"
#: An ordinal: ``75th``, ``21st``, ``eighth``, ``seventy-fifth``, ``one hundredth``.
ORDINAL = (
    rf"(?:\b\d+(?:st|nd|rd|th)\b|\b(?:(?:{_SMALL})\s+(?=hundredth|thousandth)|(?:{_SMALL})\s+hundred(?:\s+and)?[-\s]+)?"
    rf"(?:(?:{'|'.join(_TENS)})[-\s])?(?:{_ORDINAL_WORD})\b)"
)

_SPLIT = re.compile(r"[\s-]+")


def parse_number(text: str) -> Decimal | None:
    """The value of a number written in digits or in words; ``None`` if it is neither."""
    text = text.strip().lower()
    if text and (text[0].isdigit() or text[0] == "."):
        try:
            return Decimal(text.replace(",", ""))
        except InvalidOperation:
            return None
    return _words_value([w for w in _SPLIT.split(text) if w and w != "and"])


def parse_ordinal(text: str) -> int | None:
    """The rank an ordinal names: ``"seventy-fifth"`` -> 75, ``"8th"`` -> 8."""
    text = text.strip().lower()
    digits = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", text)
    if digits:
        return int(digits.group(1))
    words = [w for w in _SPLIT.split(text) if w and w != "and"]
    if not words or words[-1] not in _ORDINAL_WORDS:
        return None
    value = _words_value([*words[:-1], _ORDINAL_WORDS[words[-1]]])
    return int(value) if value is not None else None


def format_scaled(digits: str, exponent: int) -> str:
    """The normalised form of a scaled amount: ``("240.1", 9)`` -> ``"240.1e9"``."""
    digits = digits.replace(",", "")
    return f"{digits}e{exponent}" if exponent else digits


def _words_value(words: list[str]) -> Decimal | None:
    if not words:
        return None
    total, current = 0, 0
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word == "thousand":
            total += (current or 1) * 1000
            current = 0
        else:
            return None
    return Decimal(total + current)
