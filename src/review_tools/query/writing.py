"""How a syntax writes a query: its field tags, operators, proximity and wildcards as a table.

Each grammar in :mod:`review_tools.query.syntaxes` declares a :class:`Writer`; :mod:`translate` does the
rest.  ``form`` says where a tag goes: ``function`` ``CODE(body)``, ``equals`` ``CODE=(body)``,
``prefix`` ``CODE (body)``, ``bracket`` ``term[CODE]`` after every single term, ``suffix``
``(body).CODE.``, ``colon`` ``(body):CODE``, ``field`` ``CODE:(body)`` (Lucene-style APIs).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Tag:
    code: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Writer:
    form: str
    tags: tuple[Tag, ...]
    join_codes: str = ""  # codes combine into one tag with this separator (ti,ab): ProQuest, Ovid, Cochrane, Embase
    untagged: tuple[str, ...] | None = None  # what an untagged term searches, where writing it untagged is best
    and_: str = "AND"  # '': words side by side (Google Scholar)
    or_: str = "OR"
    not_: str = "NOT"
    near: str = ""  # "W/{n}"; '' when the syntax has no proximity operator
    pre: str = ""  # ordered proximity; '' when there is none
    adjacent_pre: str = ""  # ordered with no word between (Ovid's adj, Cochrane's NEXT)
    offset: int = 0  # added to the words-between count (Ovid's adjN and Embase's NEAR/n count positions)
    wildcards: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({"*": "*", "?": "?"}))
    bounded: str = ""  # at most n characters: "${n}" (Ovid)
    trailing_only: bool = False  # wildcards only at the end of a word (PubMed)
    quote: str = '"'
    variants: bool = False
    group_tags: bool = True  # a tag may cover a parenthesised group
    phrase_near: bool = False  # proximity only as a tagged phrase with a distance (PubMed's "a b"[tiab:~N])
    stems: bool = False  # no truncation: the engine stems words, so wildcards are dropped (OpenAlex)
    plain: bool = False  # no truncation or wildcards, and no stemming said: wildcards dropped (Google Scholar)
    minus: bool = False  # NOT written as -word before each word or phrase left out (Google Scholar)
    max_length: int = 0  # the longest string the database reads; 0: no limit known
    excluding_limits: tuple[str, ...] = ()  # limit kinds written leaving records out on their own (Scopus'
    # EXCLUDE); other excluding limits are written as AND NOT
