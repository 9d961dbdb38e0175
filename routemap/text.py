"""Documents: the text of an article, its language and date, sentences, and site chrome.

Site chrome — navigation, "related content" teasers, donation appeals, share and comment
blocks — is *marked*, not deleted, so offsets stay those of the text as read. It is found
by the shape of the text (runs of short label lines after the body, lines repeated within
the page, link lines such as "SEE ALSO: …", run-together navigation words), not by any one
site's phrases.

>>> doc = Document.from_text("Peru seizes cocaine\\n\\nLIMA, 23 de abril de 2019. La policía "
...                          "incautó droga en el puerto del Callao.")
>>> doc.language, doc.date
('es', '2019-04-23')
"""

from __future__ import annotations

import functools
import itertools
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from routemap.errors import RoutemapError

__all__ = [
    "MAX_ARTICLE_MB",
    "Block",
    "Document",
    "DocumentError",
    "check_article_size",
    "detect_language",
    "find_date",
    "max_article_mb",
    "read_document",
    "unwrap",
]


class DocumentError(RoutemapError, ValueError):
    """A document could not be read (not text, not UTF-8, unreadable …)."""


@dataclass(frozen=True, slots=True)
class Block:
    """One non-empty line of the text, with its offsets and whether it is site chrome."""

    start: int
    end: int
    text: str
    chrome: bool


@dataclass(frozen=True, slots=True)
class Document:
    """An article: its text exactly as read, with what routemap learnt about it.

    Use :func:`read_document` for files and :meth:`from_text` for strings.
    """

    id: str
    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    language: str | None = None
    blocks: tuple[Block, ...] = field(default=(), repr=False, compare=False)
    sentences: tuple[tuple[int, int], ...] = field(default=(), repr=False, compare=False)
    #: The text with soft line breaks (hard-wrapped paragraphs, PDF copy-paste) turned into
    #: spaces: same length and offsets as ``text``, for reading sentences across lines.
    flow: str = field(default="", repr=False, compare=False)

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        id: str = "text",
        title: str | None = None,
        date: str | None = None,
        source: str | None = None,
        language: str | None = None,
    ) -> Document:
        """Analyse ``text``: language, date, title, chrome blocks and sentences."""
        if not isinstance(text, str):
            raise TypeError(f"document text must be a str, not {type(text).__name__}")
        flow = unwrap(text)
        blocks = tuple(mark_chrome(flow))
        body = " ".join(b.text for b in blocks if not b.chrome) or text
        return cls(
            id=id,
            text=text,
            flow=flow,
            title=title or _guess_title(blocks),
            # A publication date is written near the top: the first lines of the body.
            date=date or find_date("\n".join(b.text for b in blocks if not b.chrome)[:3000]),
            source=source,
            language=language or detect_language(body),
            blocks=blocks,
            sentences=tuple(split_sentences(flow, blocks)),
        )

    @classmethod
    def coerce(cls, value: Document | str) -> Document:
        """A Document from a Document or a string of article text."""
        if isinstance(value, Document):
            return value
        return cls.from_text(value)

    @classmethod
    def for_scanning(cls, value: Document | str) -> Document:
        """Like :meth:`coerce`, but a string gets only what reading it for places needs
        (flow, blocks, sentences, language): no title or date, which cost as much as the
        rest and which the geoparser does not use.

        >>> Document.for_scanning("Cocaine left Callao on 3 May 2021.").date is None
        True
        """
        if isinstance(value, Document):
            return value
        if not isinstance(value, str):
            raise TypeError(f"document text must be a str, not {type(value).__name__}")
        flow = unwrap(value)
        blocks = tuple(mark_chrome(flow))
        body = " ".join(b.text for b in blocks if not b.chrome) or value
        return cls(
            id="text",
            text=value,
            flow=flow,
            language=detect_language(body),
            blocks=blocks,
            sentences=tuple(split_sentences(flow, blocks)),
        )

    def in_chrome(self, offset: int) -> bool:
        """True when the character at ``offset`` is in a block marked as site chrome."""
        import bisect

        # Blocks are in text order and do not overlap: bisect (a scan was quadratic).
        index = bisect.bisect_right(self.blocks, offset, key=lambda b: b.start) - 1
        block = self.blocks[index] if index >= 0 else None
        return block is not None and block.start <= offset < block.end and block.chrome

    def sentence_index(self, offset: int) -> int:
        """The index of the sentence holding ``offset`` (the nearest one before it)."""
        import bisect

        # Bisect on the tuples (no list of starts per call: that was quadratic in mentions).
        return max(0, bisect.bisect_right(self.sentences, offset, key=lambda s: s[0]) - 1)


#: The largest article file read, in megabytes; the environment variable
#: ``ROUTEMAP_MAX_ARTICLE_MB`` (or ``max_mb=``) changes it. Reading costs about 90 MB of
#: memory and 7-15 s per MB of news text on a busy 2-core machine (5 MB: 62 s, 740 MB; 50
#: MB: 13 minutes, 4.7 GB): a 50 MB dump is many articles, better split than mapped as one.
MAX_ARTICLE_MB = 10.0
_MAX_ARTICLE_VARIABLE = "ROUTEMAP_MAX_ARTICLE_MB"


def max_article_mb() -> float:
    """The article size limit in force: ``ROUTEMAP_MAX_ARTICLE_MB`` or :data:`MAX_ARTICLE_MB`."""
    value = os.environ.get(_MAX_ARTICLE_VARIABLE, "").strip()
    if not value:
        return MAX_ARTICLE_MB
    try:
        limit = float(value)
    except ValueError:
        limit = -1.0
    if not limit > 0 or limit == float("inf"):
        raise DocumentError(
            f"{_MAX_ARTICLE_VARIABLE}={value!r} is not a size: give megabytes, e.g. "
            f"{_MAX_ARTICLE_VARIABLE}=60"
        )
    return limit


def check_article_size(path: str | os.PathLike[str], max_mb: float | None = None) -> None:
    """Refuse an article file over the size limit (before reading it), naming the file,
    its size and how to split it or raise the limit. Errors reading it are not raised
    here but by the read that follows."""
    limit = max_article_mb() if max_mb is None else max_mb
    try:
        size = Path(path).stat().st_size
    except OSError:
        return
    if size > limit * 1_000_000:
        shown = f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.1f} kB"
        raise DocumentError(
            f"{path}: {shown}, over the {limit:g} MB limit for one article "
            "(it would take minutes and gigabytes of memory); split it into its articles "
            f"(e.g. `split -C 5M --additional-suffix=.txt {path} part-`), or raise the limit: "
            f"{_MAX_ARTICLE_VARIABLE}={math.ceil(size / 1_000_000)}"
        )


def read_document(
    path: str | os.PathLike[str], *, source: str | None = None, max_mb: float | None = None
) -> Document:
    """Read an article file (UTF-8, BOM and CRLF tolerated); its id is the path as given.

    Offsets into ``Document.text`` are offsets into the file's text as decoded, after the
    BOM is removed; line endings are kept. A file over ``max_mb`` megabytes (by default
    :func:`max_article_mb`: 10, or ``ROUTEMAP_MAX_ARTICLE_MB``) raises
    :class:`DocumentError` without being read.
    """
    location = Path(path)
    check_article_size(location, max_mb)
    try:
        raw = location.read_bytes()
    except IsADirectoryError as exc:
        raise DocumentError(f"{path}: is a folder, not an article file") from exc
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read it: {exc.strerror or exc}") from exc
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError(f"{path}: looks like a binary file, not article text")
    try:
        # A byte-order mark settles the encoding: UTF-16 (Windows "Unicode" text) or UTF-8.
        utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
        text = raw.decode("utf-16") if utf16 else raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if utf16:
            raise DocumentError(f"{path}: damaged UTF-16 text ({exc.reason})") from exc
        line = raw[: exc.start].count(b"\n") + 1
        raise DocumentError(
            f"{path}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
            "convert it first, e.g. `iconv -f latin1 -t utf-8`"
        ) from exc
    return Document.from_text(text, id=str(path), source=source)


# -- language ---------------------------------------------------------------------------


@functools.cache
def _stopwords(language: str) -> frozenset[str]:
    from wordfreq import top_n_list

    return frozenset(top_n_list(language, 120))


@functools.cache
def _only_in(language: str, other: str) -> frozenset[str]:
    return _stopwords(language) - _stopwords(other)


_WORD = re.compile(r"[^\W\d_]+")
# Lowercase ASCII letters and every byte of a longer UTF-8 sequence kept, other ASCII a
# blank; and the characters beyond ASCII that _words blanks (not alphanumeric, or digits).
_ASCII_LETTERS = bytes(code if 97 <= code <= 122 or code >= 128 else 32 for code in range(256))
_NOT_A_LETTER_BEYOND_ASCII = re.compile(r"(?![\x00-\x7f])[\W\d]")


@functools.cache
def _language_weights() -> dict[bytes, int]:
    """The words only English or only Spanish has among its commonest, as UTF-8 bytes,
    weighted for detect_language (the two sets do not meet)."""
    weights = {word.encode(): 1 for word in _only_in("en", "es")}
    weights.update({word.encode(): 1 << 20 for word in _only_in("es", "en")})
    return weights


class _LettersOnly(dict[int, int]):
    """A ``str.translate`` table turning every character but letters (what ``[^\\W\\d_]``
    matches: alphanumeric, not a decimal digit) into a space, filled as characters come."""

    def __missing__(self, code: int) -> int:
        char = chr(code)
        self[code] = code if char.isalnum() and not char.isdecimal() else 32
        return self[code]


_LETTERS_ONLY = _LettersOnly()


def _words(text: str) -> list[str]:
    """``_WORD.findall(text.lower())``: the runs of letters, by a translation and a split.

    >>> _words("Lima's 2 ports—Callao_1")
    ['lima', 's', 'ports', 'callao']
    """
    return text.lower().translate(_LETTERS_ONLY).split()


def detect_language(text: str) -> str | None:
    """``"en"`` or ``"es"`` from the share of each language's commonest words.

    >>> detect_language("The police seized cocaine bound for the port of Callao.")
    'en'
    >>> detect_language("La policía incautó cocaína con destino al puerto del Callao.")
    'es'
    """
    # The words of _words, as UTF-8 bytes: what is not a letter outside ASCII becomes a
    # blank first (most text has little of it), then one byte table blanks the rest.
    lowered = text[:4000].lower()  # a few paragraphs settle it
    if not lowered.isascii():
        lowered = _NOT_A_LETTER_BEYOND_ASCII.sub(" ", lowered)
    words = lowered.encode("utf-8", "surrogatepass").translate(_ASCII_LETTERS).split()
    if not words:
        return None
    # One lookup a word: an English word counts 1, a Spanish one 1 << 20 (more than the
    # words of 4000 characters), and the sum holds both counts.
    both = sum(map(_language_weights().get, words, itertools.repeat(0)))
    en, es = both & ((1 << 20) - 1), both >> 20
    if en == es == 0:
        return None
    return "en" if en >= es else "es"


# -- dates ------------------------------------------------------------------------------

_MONTHS = {
    **{
        m: i
        for i, m in enumerate(
            ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
        )
    },
    **{
        m: i
        for i, m in enumerate(
            """january february march april may june july august september october november
    december""".split(),
            1,
        )
    },
    **{
        m: i
        for i, m in enumerate(
            """enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre
    diciembre""".split(),
            1,
        )
    },
    "sept": 9,
    "setiembre": 9,
    "ene": 1,
    "abr": 4,
    "ago": 8,
    "dic": 12,
}
# Month words only (checked against _MONTHS anyway): a free word pattern made every
# "word number" pair in a text a candidate to parse.
_MONTH_WORD = "((?i:" + "|".join(sorted(_MONTHS, key=lambda m: (-len(m), m))) + r"))(?![^\W\d_])"
_DATE_PATTERNS = (
    # 19 JUL 2012 · 23 de abril de 2019 · 5 July 2022 (month words checked against _MONTHS)
    re.compile(rf"\b(\d{{1,2}})\s+(?:de\s+)?{_MONTH_WORD}\.?,?\s+(?:de\s+|del\s+)?(\d{{4}})\b"),
    # July 19, 2012
    re.compile(rf"\b{_MONTH_WORD}\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b"),
    # 2012-07-19
    re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)"),
    # 26/06/2024 · 26-06-2024 · 26.06.2024 (day first, as in Latin American and European press)
    re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b"),
)


def find_date(text: str) -> str | None:
    """The first date written in ``text``, as ``YYYY-MM-DD``.

    >>> find_date("PERU / 19 JUL 2012 BY MICHAEL KANE")
    '2012-07-19'
    >>> find_date("Lima, 23 de abril de 2019.")
    '2019-04-23'
    >>> find_date("26/06/2024")
    '2024-06-26'
    >>> find_date("no date here") is None
    True
    """
    # Every pattern holds a four-digit year: look for years first (one cheap scan) and
    # try the date patterns only in a window around each, in text order.
    for year in _YEAR_DIGITS.finditer(text):
        found = [
            date
            for number, pattern in enumerate(_DATE_PATTERNS)
            if (date := _date_around(text, year.start(), year.end(), number, pattern))
        ]
        if found:
            return min(found)[1]
    return None


_YEAR_DIGITS = re.compile(r"(?<!\d)\d{4}(?!\d)")


def _date_around(
    text: str, year_start: int, year_end: int, number: int, pattern: re.Pattern[str]
) -> tuple[int, str] | None:
    """The first valid date of one pattern that includes the year at ``year_start``."""
    import datetime as dt

    for match in pattern.finditer(text, max(0, year_start - 40), year_end + 8):
        if not match.start() <= year_start < match.end():
            continue
        groups = match.groups()
        try:
            if number == 0:
                day, month, year = int(groups[0]), _MONTHS[groups[1].lower()], int(groups[2])
            elif number == 1:
                month, day, year = _MONTHS[groups[0].lower()], int(groups[1]), int(groups[2])
            elif number == 2:
                year, month, day = (int(g) for g in groups)
            else:
                day, month, year = (int(g) for g in groups)
                if month > 12 >= day:  # written month first
                    day, month = month, day
            value = dt.date(year, month, day)
        except (KeyError, ValueError):
            continue
        if 1900 <= value.year <= 2100:
            return (match.start(), value.isoformat())
    return None


# -- hard-wrapped text -------------------------------------------------------------------


def unwrap(text: str) -> str:
    r"""``text`` with the line breaks of hard-wrapped paragraphs replaced by spaces.

    A text is hard-wrapped when most of its lines end near one width (as in e-mail,
    PDF copy-paste and plain-text wires); there a line break inside a paragraph is
    soft. Anywhere, a longish line that ends no sentence followed by one going on in
    lower case is soft too. Paragraph breaks (blank lines) and lines ending a sentence
    stay. Same length.

    >>> unwrap("Cocaine was sent from the port of Callao to\nAntwerp and Rotterdam in\n"
    ...        "containers of fruit, police said on Monday.\nIt is the largest seizure.\n")[:60]
    'Cocaine was sent from the port of Callao to Antwerp and Rott'
    """
    lines = text.split("\n")
    lengths = sorted(len(line.rstrip()) for line in lines if line.strip())
    if len(lengths) < 2:
        return text
    width = lengths[int(len(lengths) * 0.9) - 1 if len(lengths) >= 10 else -1]
    near = sum(1 for n in lengths if n >= 0.6 * width)
    wrapped = 30 <= width <= 130 and near >= 0.6 * len(lengths)
    out = list(text)
    position = 0
    for number, line in enumerate(lines[:-1]):
        position += len(line)
        following = lines[number + 1]
        stripped = line.rstrip()
        soft = (wrapped and len(stripped) >= 0.6 * width) or _mid_sentence(stripped, following)
        if soft and stripped and following.strip() and not stripped.endswith((":", ";")):
            out[position] = " "  # the newline (a "\r" before it is already whitespace)
        position += 1
    return "".join(out)


_LINE_ENDS_SENTENCE = re.compile(r"[.!?…:;,\"'”’»)\]]\s*$")


def _mid_sentence(line: str, following: str) -> bool:
    """A break no writer makes: a longish line that ends no sentence, then one that goes on
    in lower case ("… was sent to\nAntwerp" is ambiguous; "… was\nsent to" is not)."""
    return (
        len(line) >= 25
        and not _LINE_ENDS_SENTENCE.search(line)
        and following.lstrip()[:1].islower()
    )


# -- blocks and site chrome ---------------------------------------------------------------

_LINE = re.compile(r"[^\r\n]+")
_LINK_LINE = re.compile(r"^\s*[A-ZÁÉÍÓÚÑ][A-ZÁÉÍÓÚÑ .]{2,30}:\s+\S")  # "SEE ALSO: …"
_RUN_TOGETHER = re.compile(r"[a-z][A-Z][a-z]+[A-Z][a-z]")  # "HomeNewsBriefPeru"
_SLUG = re.compile(r"^(?=\S*[-_/])(?=\S*\d)\S{12,}$")  # "15-09-11-Peru-NarcoPolice" image names
_LIST_ITEM = re.compile(r"^\s*(?:[•·▪◦*-]|\d{1,2}[.)])\s*\S{0,12}\s*$")


_PARAGRAPH = 250  # characters: a block this long is an article paragraph, not a teaser


def _ends_sentence(text: str) -> bool:
    """True when ``text`` ends like a sentence (what ``_SENTENCE_END`` matches), read from
    its end rather than searched from every position."""
    tail = text.rstrip().rstrip("\"'”’»)]")
    return bool(tail) and tail[-1] in ".!?…:;"


def _is_short(stripped: str) -> bool:
    """A label or teaser line (``stripped``: the line without its outer blanks)."""
    return len(stripped) < 60 or (len(stripped) < 90 and not _ends_sentence(stripped))


def _is_prose(stripped: str) -> bool:
    """A paragraph of sentences (``stripped``: the line without its outer blanks)."""
    return len(stripped) >= 100 and bool(_SENTENCE_END_IN.search(stripped))


_SENTENCE_END_IN = re.compile(r"[.!?…][\"'”’»)]*(\s|$)")


def mark_chrome(text: str) -> Iterator[Block]:
    """Split ``text`` into line blocks and mark those that are site chrome."""
    lines = [(m.start(), m.end(), m.group()) for m in _LINE.finditer(text) if m.group().strip()]
    if not lines:
        return
    stripped_lines = [t.strip() for _, _, t in lines]
    shapes = [_is_short(t) for t in stripped_lines]
    first_prose = next((i for i, t in enumerate(stripped_lines) if _is_prose(t)), len(lines))
    # How often each line occurs (a plain count: a Counter costs more on a few lines).
    counts: dict[str, int] = {}
    for line in stripped_lines:
        counts[line] = counts.get(line, 0) + 1
    # The body ends where a cluster of short label lines begins after the first paragraph:
    # 3 of 4 consecutive blocks short ("share", "Was this helpful?", "DONATE", "Tags" …)
    # and none of them a full paragraph (a section heading between paragraphs is not chrome).
    body_end = len(lines)
    for i in range(first_prose + 1, len(lines) - 2):
        window = stripped_lines[i : i + 4]
        short = shapes[i : i + 4]
        if (
            shapes[i]
            and sum(short) >= 3
            and len(window) >= 3
            and all(len(t) < _PARAGRAPH for t in window)
        ):
            body_end = i
            break
    for i, (start, end, line) in enumerate(lines):
        stripped = stripped_lines[i]
        chrome = (
            i >= body_end
            or (counts[stripped] > 1 and len(stripped) >= 20 and i > first_prose)
            or (shapes[i] and bool(_LINK_LINE.match(stripped)) and i > first_prose)
            or bool(_RUN_TOGETHER.search(stripped.partition(" ")[0]))
            or bool(_LIST_ITEM.match(stripped))
            or bool(_SLUG.match(stripped))
        )
        yield Block(start, end, line, chrome)


def _guess_title(blocks: tuple[Block, ...]) -> str | None:
    for block in blocks[:6]:
        words = block.text.split()
        if not block.chrome and len(words) >= 3 and not _ends_sentence(block.text):
            return block.text.strip()
    return None


# -- sentences --------------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    """mr mrs ms dr gen col lt sgt capt gov sen rep st sr sra srta dra ing lic av jr inc co
        corp ltd no nº vs etc approx dept est ee uu u s e.g i.e fig p pp art núm""".split()
)
_BOUNDARY = re.compile(r"[.!?…][\"'”’»)\]]*\s+(?=[\"“‘¿¡(«A-ZÁÉÍÓÚÑ0-9])")


_BLANK = re.compile(r"\s")  # what str.isspace() says


def _last_word(text: str, end: int) -> str:
    """The last whitespace-separated word of ``text[:end]`` (what ``split()[-1]`` gives)
    without splitting the whole prefix again at every boundary."""
    # Mostly the word after the last space, when no other blank is in it.
    word = text[text.rfind(" ", 0, end) + 1 : end]
    if word and not _BLANK.search(word):
        return word
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    if start == end:  # whitespace right before: the word ends further left
        stripped = text[:end].rstrip()
        return stripped.split()[-1] if stripped else ""
    return text[start:end]


def split_sentences(text: str, blocks: tuple[Block, ...]) -> Iterator[tuple[int, int]]:
    """Sentence spans: each line is split at sentence ends, minding abbreviations."""
    for block in blocks:
        start = block.start
        for match in _BOUNDARY.finditer(block.text):
            last = _last_word(block.text, match.start()).lower().rstrip(".")
            if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue
            end = block.start + match.start() + 1
            yield (start, end)
            start = block.start + match.end()
        if start < block.end:
            yield (start, block.end)
