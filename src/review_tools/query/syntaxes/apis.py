"""The query languages of the search APIs the live connectors call: written, not read.

A protocol's strings are written in a database's own syntax; to run them through an API they are
translated into these (with :func:`review_tools.query.translate`, which warns wherever the meaning
changes).  Nobody writes a review's string in them, so they have no reader.

* **OpenAlex** ``/works`` ``search`` / ``title_and_abstract.search``: AND, OR, NOT in capitals, quoted
  phrases, parentheses; words are stemmed and there is no truncation, no wildcard, no proximity and no
  field code inside the string (https://developers.openalex.org/guides/searching).
* **Europe PMC** REST ``/search``: AND, OR, NOT, quoted phrases, ``*`` at the end of a word, fields as
  ``TITLE:``, ``ABSTRACT:``, ``KW:`` (keywords and MeSH), ``AUTH:``, ``JOURNAL:``; an untagged term
  searches every field, full text included (https://europepmc.org/Help, Europe PMC reference guide
  appendix 1 as quoted by ContentMine's getpapers wiki); no proximity operator is documented.
* **arXiv** ``search_query``: ``ti:``, ``abs:``, ``au:``, ``jr:``, ``all:`` on every single term; AND,
  OR, ANDNOT; quoted phrases; parentheses (arXiv API User's Manual section 5.1,
  https://info.arxiv.org/help/api/user-manual.html).  Truncation is not documented: ``*`` is kept at the
  end of a word and the translation warns.
"""

from __future__ import annotations

from types import MappingProxyType

from review_tools.query.parser import Grammar
from review_tools.query.tree import Heading, Limit
from review_tools.query.writing import Tag, Writer

TITLE_ABSTRACT = ("title", "abstract")


def _heading_as_words(label: str, h: Heading, warn, tag: str = "") -> str:
    text = f'"{h.text}"' if " " in h.text else h.text
    warn(f"{label} has no subject-heading search: the heading '{h.text}' is searched as "
         f"{'words' if not tag else tag + ' words'}")
    return f"{tag}{text}"


class OpenAlexSearch(Grammar):
    name = "openalex"
    label = "OpenAlex"
    help_pages = ("https://developers.openalex.org/guides/searching",)
    writer = Writer("function", (), untagged=TITLE_ABSTRACT, wildcards=MappingProxyType({}), stems=True,
                    group_tags=False)

    def write_heading(self, h: Heading, warn) -> str:
        return _heading_as_words(self.label, h, warn)

    def write_limit(self, limit: Limit, warn) -> str | None:
        return None


class EuropePMCSearch(Grammar):
    name = "europepmc"
    label = "Europe PMC"
    help_pages = ("https://europepmc.org/Help", "https://europepmc.org/RestfulWebService")
    writer = Writer(
        "field",
        (Tag("TITLE", ("title",)), Tag("ABSTRACT", ("abstract",)), Tag("KW", ("keywords", "headings")),
         Tag("AUTH", ("author",)), Tag("JOURNAL", ("source",))),
        untagged=("title", "abstract", "keywords", "headings", "author", "source", "fulltext", "other"),
        wildcards=MappingProxyType({"*": "*"}), trailing_only=True)

    def write_heading(self, h: Heading, warn) -> str:
        if h.vocabulary != "mesh":
            warn(f"{h.vocabulary} heading '{h.text}' written as a MeSH heading: check that MeSH has it")
        if not h.explode:
            warn(f"Europe PMC cannot switch explosion off: MESH:\"{h.text}\" may also find narrower headings")
        return f'MESH:"{h.text}"'

    def write_limit(self, limit: Limit, warn) -> str | None:
        if limit.kind == "year":
            lo, hi = limit.low or 1800, limit.high or 3000
            return f"PUB_YEAR:[{lo} TO {hi}]"
        return None


class ArxivSearch(Grammar):
    name = "arxiv"
    label = "arXiv"
    help_pages = ("https://info.arxiv.org/help/api/user-manual.html",)
    writer = Writer(
        "field",
        (Tag("ti", ("title",)), Tag("abs", ("abstract",)), Tag("au", ("author",)), Tag("jr", ("source",)),
         Tag("all", ("title", "abstract", "author", "source", "other"))),
        not_="ANDNOT", wildcards=MappingProxyType({"*": "*"}), trailing_only=True, group_tags=False)

    def write_heading(self, h: Heading, warn) -> str:
        return _heading_as_words(self.label, h, warn, "all:")

    def write_limit(self, limit: Limit, warn) -> str | None:
        return None


API_GRAMMARS: dict[str, Grammar] = {g.name: g for g in (OpenAlexSearch(), EuropePMCSearch(), ArxivSearch())}
