"""The normalised bibliographic record, DOI and title normalisation, and the stable record id.

Every reader produces :class:`Record` objects, whatever the database or format.  A record's ``id`` is
derived from the work (its DOI, else its title, year and first author), not from its row in a file, so a
later export of the same work from another database gets the same id and screening decisions stay with
the work.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from typing import Any
from urllib.parse import unquote

_DOI_IN = re.compile(r"10\.\d{4,9}/[^\s\"<>]+")
_NON_WORD = re.compile(r"[\W_]+")
_COMBINING = re.compile(r"[\u0300-\u036f]")
_TAGS = re.compile(r"<[^>]{1,40}>")
_ASCII_PUNCTUATION = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


@dataclass(slots=True)
class Record:
    """One bibliographic record as imported; list fields are lists, missing text fields are ''."""

    title: str = ""
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    issn: str = ""
    isbn: str = ""
    keywords: list[str] = field(default_factory=list)
    language: str = ""
    document_type: str = ""
    url: str = ""
    accession: str = ""  # the record's id in its database: PMID, WoS UT, OpenAlex work, arXiv id, Scopus EID
    database: str = ""
    source_file: str = ""
    position: int = 0
    line: int | None = None
    id: str = ""
    databases: list[str] = field(default_factory=list)
    duplicate_ids: list[str] = field(default_factory=list)

    TEXT_FIELDS = ("title", "abstract", "journal", "volume", "issue", "pages", "doi", "issn", "isbn",
                   "language", "document_type", "url")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def completeness(self) -> int:
        """How many bibliographic fields are filled (abstract and DOI count double): picks the record to
        keep when duplicates are merged."""
        score = sum(bool(getattr(self, f)) for f in self.TEXT_FIELDS) + bool(self.authors) + bool(self.year)
        return score + bool(self.abstract) + bool(self.doi) + bool(self.keywords)


RECORD_FIELDS = tuple(f.name for f in fields(Record))


def normalise_doi(value: str | None) -> str:
    """The DOI in ``value`` (bare, ``doi:``, or any resolver URL), lower-cased, without trailing
    punctuation; '' if there is none."""
    if not value:
        return ""
    m = _DOI_IN.search(unquote(value.strip()))
    return m.group(0).rstrip(".,;:)]}>'").lower() if m else ""


# Left inside words by PDFs and word processors, and no word break: soft hyphen, zero-width spaces and joiners.
INVISIBLE = str.maketrans("", "", "\u00ad\u200b\u200c\u200d\u2060\ufeff")


def fold(text: str) -> str:
    """Lower-case letters and digits separated by single spaces: diacritics removed (ä -> a), markup
    and punctuation gone, soft hyphens and zero-width spaces dropped inside words, letters of other scripts
    (Cyrillic, Chinese) kept.  ASCII text (the common
    case) goes through one character table instead of a regular expression: the same result, faster."""
    if not text:
        return ""
    if "<" in text:
        text = _TAGS.sub(" ", text)
    if text.isascii():
        return " ".join(text.lower().translate(_ASCII_PUNCTUATION).split())
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text.translate(INVISIBLE)))
    return _NON_WORD.sub(" ", text.lower()).strip()


def title_key(title: str) -> str:
    return fold(title)


def first_author_key(authors: list[str]) -> str:
    """Folded surname of the first author ('Smith, J.' and 'J. Smith' both give 'smith')."""
    if not authors:
        return ""
    name = authors[0].strip()
    surname = name.split(",")[0] if "," in name else (name.split()[-1] if name.split() else "")
    return fold(surname).replace(" ", "")


def record_id(record: Record) -> str:
    """A stable id for the work: from the DOI if there is one, else from title, year and first author."""
    if record.doi:
        basis = f"doi:{record.doi}"
    elif record.title:
        basis = f"t:{title_key(record.title)}|{record.year or ''}|{first_author_key(record.authors)}"
    else:
        basis = "x:" + "|".join([*record.authors, str(record.year or ""), record.journal, record.volume,
                                 record.pages, record.abstract[:200]])
    return "R" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:12]


class IdAssigner:
    """Gives records their stable ids, remembering the ids given so far, so that a set read in pieces
    (a large export streamed to disk, several files one after another) gets the same ids as the whole
    set at once: a second record with the same id gets ``-2``, ``-3``."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def assign(self, records: list[Record]) -> None:
        seen = self._seen
        for rec in records:
            base = record_id(rec)
            n = seen.get(base, 0) + 1
            seen[base] = n
            rec.id = base if n == 1 else f"{base}-{n}"


def assign_ids(records: list[Record]) -> None:
    """Give every record its stable id; a second record with the same id in one set gets ``-2``, ``-3``."""
    IdAssigner().assign(records)


def parse_year(value: Any) -> int | None:
    """The first plausible four-digit year in ``value`` (1000-2999), else None."""
    if value is None:
        return None
    if type(value) is str and len(value) == 4 and value.isdigit():  # the common case, without a regex
        return int(value) if value[0] in "12" else None
    m = re.search(r"(?<!\d)([12]\d{3})(?!\d)", str(value))
    return int(m.group(1)) if m else None


_DASHES = re.compile(r"\s*[\u2010-\u2015-]+\s*")


def normalise_pages(pages: str | None) -> str:
    """Page ranges with a plain hyphen ('971--982', '971–982' -> '971-982'; '405-405' -> '405')."""
    if not pages:
        return ""
    start, sep, end = pages.partition("-")
    if start.isdigit() and (not sep or end.isdigit()):  # '971' or '971-982': nothing to clean
        return start if sep and start == end else pages
    pages = _DASHES.sub("-", pages.strip())
    start, sep, end = pages.partition("-")
    return start if sep and start == end else pages


def join_pages(start: str | None, end: str | None) -> str:
    start, end = normalise_pages(start), normalise_pages(end)
    if start and end and end != start:
        return f"{start}-{end}"
    return start or end


def split_keywords(value: Any, separators: str = ";") -> list[str]:
    """Keywords from a list or a separated string, stripped, empty ones dropped."""
    if value is None:
        return []
    items = value if isinstance(value, list) else re.split(f"[{re.escape(separators)}]", str(value))
    out = []
    for item in items:
        for part in (item if isinstance(item, list) else [item]):
            text = str(part).strip()
            if text:
                out.append(text)
    return out


LANGUAGES = {
    "english": "en", "eng": "en", "en": "en", "finnish": "fi", "fin": "fi", "fi": "fi", "suomi": "fi",
    "swedish": "sv", "swe": "sv", "sv": "sv", "german": "de", "ger": "de", "deu": "de", "de": "de",
    "french": "fr", "fre": "fr", "fra": "fr", "fr": "fr", "spanish": "es", "spa": "es", "es": "es",
    "chinese": "zh", "chi": "zh", "zho": "zh", "zh": "zh", "japanese": "ja", "jpn": "ja", "ja": "ja",
    "portuguese": "pt", "por": "pt", "pt": "pt", "italian": "it", "ita": "it", "it": "it",
    "dutch": "nl", "dut": "nl", "nld": "nl", "nl": "nl", "russian": "ru", "rus": "ru", "ru": "ru",
    "norwegian": "no", "nor": "no", "no": "no", "danish": "da", "dan": "da", "da": "da",
    "korean": "ko", "kor": "ko", "ko": "ko", "polish": "pl", "pol": "pl", "pl": "pl",
}


_ISSN = re.compile(r"\d{4}-?\d{3}[\dXx]")


def issn_or_isbn(number: str) -> tuple[str, str]:
    """(ISSN, ISBN) of one number from a field that holds either (EndNote's %@ and <isbn>): an ISSN is
    eight characters, ####-###X."""
    return (number, "") if _ISSN.fullmatch(number.strip()) else ("", number)


def normalise_language(value: str | None) -> str:
    """ISO 639-1 code for common language names and codes; unknown values kept, lower-cased."""
    if not value:
        return ""
    return _language(str(value))


@functools.lru_cache(maxsize=1024)
def _language(value: str) -> str:
    """(An export repeats a handful of language values thousands of times.)"""
    first = re.split(r"[;,/]", value)[0].strip().lower()
    return LANGUAGES.get(first, first)
