"""One grammar per database family, by name, and the syntax a protocol's database entry is written in.

| name | databases | operators, loosest first | proximity | wildcards | untagged term searches |
|---|---|---|---|---|---|
| pubmed | PubMed | AND = OR = NOT, left to right | "a b"[tiab:~N] | * | all fields |
| scopus | Scopus | AND NOT, AND, W/n PRE/n, OR | W/n, PRE/n | * ? | all fields |
| wos | Web of Science | OR, AND, NOT, SAME, NEAR | NEAR/n (NEAR = 15) | * ? $ | topic |
| ebsco | EBSCOhost (CINAHL, PsycINFO, Business Source ...) | OR, AND NOT, Nn Wn | Nn, Wn | * ? # | default fields |
| proquest | ProQuest (ABI/INFORM ...) | AND NOT, AND, NEAR, PRE, OR | NEAR/n, PRE/n | * ? | all + full text |
| ovid | Ovid (MEDLINE, Embase, PsycINFO ...) | OR, AND NOT, adj | adjN (N-1 between) | * $ $n # ? | .mp. |
| cochrane | Cochrane Library | OR, AND NOT, NEAR NEXT | NEAR/n, NEXT | * ? | ti, ab, kw |
| embase | Embase.com | OR, AND NOT, NEAR NEXT | NEAR/n (n-1 between) | * ? $ | all fields |
| scholar | Google Scholar | AND (or side by side), OR; -word leaves out | none | none | anywhere, full text |
| generic | anything else | OR, AND NOT, proximity | NEAR/n W/n PRE/n NEARn ADJn | * ? # | topic |

Each module's docstring cites the help pages its table comes from.
"""

from __future__ import annotations

from review_tools.query.parser import Grammar
from review_tools.query.syntaxes.apis import API_GRAMMARS
from review_tools.query.syntaxes.cochrane import Cochrane
from review_tools.query.syntaxes.ebsco import Ebsco
from review_tools.query.syntaxes.embase import Embase
from review_tools.query.syntaxes.generic import Generic, Polyglot
from review_tools.query.syntaxes.ovid import Ovid
from review_tools.query.syntaxes.proquest import ProQuest
from review_tools.query.syntaxes.pubmed import PubMed
from review_tools.query.syntaxes.scholar import GoogleScholar
from review_tools.query.syntaxes.scopus import Scopus
from review_tools.query.syntaxes.wos import WebOfScience

GRAMMARS: dict[str, Grammar] = {g.name: g for g in (PubMed(), Scopus(), WebOfScience(), Ebsco(), ProQuest(), Ovid(),
                                                    Cochrane(), Embase(), GoogleScholar(), Generic(), Polyglot())}
SYNTAXES = tuple(GRAMMARS)

# Words in a database's name or platform that say which syntax its strings are written in.
_HINTS = (
    ("ovid", "ovid"), ("ebsco", "ebsco"), ("cinahl", "ebsco"), ("business source", "ebsco"),
    ("proquest", "proquest"), ("abi/inform", "proquest"), ("scopus", "scopus"), ("web of science", "wos"),
    ("clarivate", "wos"), ("wos", "wos"), ("pubmed", "pubmed"), ("ncbi", "pubmed"), ("cochrane", "cochrane"),
    ("embase.com", "embase"), ("embase", "embase"), ("elsevier", "scopus"), ("google scholar", "scholar"),
    ("scholar.google", "scholar"),
)


def grammar(name: str) -> Grammar:
    """The grammar called ``name`` (a database syntax, or the query language of a search API, which is
    only written); a ValueError lists the names there are."""
    found = GRAMMARS.get(name) or API_GRAMMARS.get(name)
    if found is None:
        raise ValueError(f"unknown search syntax {name!r}; choose from {', '.join((*SYNTAXES, *API_GRAMMARS))}")
    return found


def syntax_for(platform: str, name: str = "") -> str:
    """The syntax a database's strings are written in, from its platform (first) or name: 'Ovid' ->
    ovid, 'EBSCOhost' -> ebsco, 'Elsevier' -> scopus; 'generic' when nothing says."""
    for text in (platform, name):
        low = (text or "").lower()
        if "ovid" in low:
            return "ovid"
        for hint, syntax in _HINTS:
            if hint in low:
                return syntax
    return "generic"
