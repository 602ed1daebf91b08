"""Boolean search strings as data: read in each database's own syntax, run over records, translated.

* :mod:`~review_tools.query.tree` -- the one query tree (terms, headings, limits, AND/OR/NOT, proximity);
* :mod:`~review_tools.query.syntaxes` -- one grammar per database family with its fields, operators,
  precedence and wildcards (PubMed, Scopus, Web of Science, EBSCOhost, ProQuest, Ovid, Cochrane,
  Embase.com, Google Scholar, and a generic syntax), read by :mod:`~review_tools.query.parser`;
  :mod:`~review_tools.query.strategy` reads a string or a line-numbered strategy with one of them;
* :mod:`~review_tools.query.match` -- what a query finds among records, one record at a time;
* :mod:`~review_tools.query.index` -- the same answers over a million records (SQLite FTS5);
* :mod:`~review_tools.query.translate` -- a query in another database's syntax, with a warning wherever
  the meaning cannot be kept (tables in :mod:`~review_tools.query.writing` and each grammar);
* :mod:`~review_tools.query.limits` -- limits written in strings (years, languages, document types).
"""

from review_tools.query.errors import QuerySyntaxError
from review_tools.query.match import explain, matches, run, variant_only
from review_tools.query.strategy import Parsed, analyse, parse
from review_tools.query.syntaxes import SYNTAXES, syntax_for
from review_tools.query.translate import API_TARGETS, TARGETS, translate
from review_tools.query.tree import And, Heading, Limit, Near, Not, Or, Term

__all__ = ["API_TARGETS", "SYNTAXES", "TARGETS", "And", "Heading", "Limit", "Near", "Not", "Or", "Parsed", "QueryIndex",
           "QuerySyntaxError", "Term", "analyse", "explain", "matches", "parse", "run", "syntax_for", "translate",
           "variant_only"]


def __getattr__(name: str):
    """:class:`QueryIndex` is imported when first used: it brings numpy and SQLite, which commands that only
    read or translate strings do not need."""
    if name == "QueryIndex":
        from review_tools.query.index import QueryIndex

        return QueryIndex
    raise AttributeError(name)
