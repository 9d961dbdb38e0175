"""Name normalisation shared by the gazetteer and the geoparser.

A place name is compared in a *normal form*: Unicode-normalised, case-folded, accents
removed, dotted abbreviations closed up (``EE.UU.`` → ``eeuu``), other punctuation turned
into spaces and runs of spaces collapsed.

>>> normalize_name("  Perú ")
'peru'
>>> normalize_name("EE.UU.")
'eeuu'
>>> normalize_name("Côte d’Ivoire")
'cote divoire'
>>> strip_article("the united states")
'united states'
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = [
    "ARTICLES",
    "MAX_NAME_LENGTH",
    "check_name",
    "fold_for_scan",
    "normalize_name",
    "scan_key",
    "strip_article",
]

#: Longest name accepted by lookups; longer input is an error, not a slow search.
MAX_NAME_LENGTH = 200

#: Leading articles dropped when a name does not match as written (English and Spanish).
ARTICLES = ("the", "el", "la", "los", "las", "lo")

_APOSTROPHES = re.compile(r"['’‘`´ʼʻ]")
# A dot between letters, or after a single letter, closes up ("U.S.A." → "USA").
_ABBREV_DOTS = re.compile(r"(?<=\w)\.(?=\w|\s|$)")
_NON_WORD = re.compile(r"[^\w]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize_name(name: str) -> str:
    """Return the comparison form of ``name`` (may be empty for punctuation-only input).

    >>> normalize_name("Apurímac, Ene y Mantaro")
    'apurimac ene y mantaro'
    >>> normalize_name("Port-au-Prince")
    'port au prince'
    >>> normalize_name("U.S.")
    'us'
    """
    text = _strip_accents(unicodedata.normalize("NFKC", name)).casefold()
    text = _APOSTROPHES.sub("", text)
    text = text.replace("ß", "ss").replace("ø", "o").replace("đ", "d").replace("ł", "l")
    text = text.replace("ı", "i").replace("æ", "ae").replace("œ", "oe")
    text = _ABBREV_DOTS.sub("", text)
    text = _NON_WORD.sub(" ", text).replace("_", " ")
    return " ".join(text.split())


def strip_article(normal: str) -> str:
    """Drop one leading English or Spanish article from an already normalised name.

    >>> strip_article("la paz")
    'paz'
    >>> strip_article("peru")
    'peru'
    """
    head, _, rest = normal.partition(" ")
    if rest and head in ARTICLES:
        return rest
    return normal


def check_name(name: object, *, what: str = "name") -> str:
    """Validate a user-supplied place name and return it stripped.

    Raises ``TypeError`` for non-strings and :class:`routemap.errors.InvalidQuery`
    (a ``ValueError``) for empty, over-long or control-character input.

    >>> check_name("  Lima ")
    'Lima'
    """
    from routemap.errors import InvalidQuery

    if not isinstance(name, str):
        raise TypeError(f"{what} must be a str, not {type(name).__name__}: {name!r:.60}")
    stripped = name.strip()
    if not stripped:
        raise InvalidQuery(f"{what} is empty; give a place name such as 'Callao'")
    if len(stripped) > MAX_NAME_LENGTH:
        raise InvalidQuery(
            f"{what} is {len(stripped)} characters long; place names are at most "
            f"{MAX_NAME_LENGTH} (did you pass a whole sentence?)"
        )
    if _CONTROL.search(stripped):
        raise InvalidQuery(f"{what} contains control characters: {stripped!r:.80}")
    if not normalize_name(stripped):
        raise InvalidQuery(f"{what} has no letters or digits: {stripped!r:.80}")
    return stripped


def _fold_char(ch: str) -> str:
    """One character folded to one character: accents off, lower case, non-word → space."""
    if ch == "_" or not (ch.isalnum()):
        return " "
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    lowered = (base or ch).lower()
    if len(lowered) != 1:
        lowered = lowered[0]  # "İ" → "i", keep one character per character
    return {"ß": "s", "ı": "i"}.get(lowered, lowered)


@functools.cache
def _fold_table() -> dict[int, str]:
    """One table for the Latin, Greek, Cyrillic and punctuation blocks; other characters
    pass through unchanged (they cannot be part of a Latin-script name anyway)."""
    return {code: _fold_char(chr(code)) for code in range(0x3000)}


def fold_for_scan(text: str) -> str:
    """``text`` folded character by character, same length, for scanning with offsets.

    Accents and case are removed and every non-word character becomes a space, so a
    match in the folded text has the same offsets in the original.

    >>> fold_for_scan("Apurímac, Ene y Mantaro")
    'apurimac  ene y mantaro'
    >>> len(fold_for_scan("Straße İzmir")) == len("Straße İzmir")
    True
    """
    return text.translate(_fold_table())


def scan_key(name: str) -> str:
    """The form of a name that the geoparser looks for in folded text.

    >>> scan_key("EE.UU.")
    'ee uu'
    >>> scan_key("Côte d'Ivoire")
    'cote d ivoire'
    """
    return fold_for_scan(name).strip()
