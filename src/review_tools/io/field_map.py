"""The field map: for each export format and database layout, which source field fills which record field.

Built from the readers' own tables (:mod:`.tagged`, :mod:`.medline`, :mod:`.bibtex`, :mod:`.tabular`), so the
document cannot drift from the code: ``python -m review_tools.io.field_map > docs/field-map.md`` writes it
and a test compares the two.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rispy.config import TAG_KEY_MAPPING, WOK_TAG_KEY_MAPPING

from review_tools.io import (
    bibtex,
    endnote,
    endnote_xml,
    json_records,
    medline,
    ovid,
    proquest,
    pubmed_xml,
    tabular,
    tagged,
    zotero_rdf,
)
from review_tools.records import Record

FIELDS = ("title", "abstract", "authors", "year", "journal", "volume", "issue", "pages", "doi", "issn", "isbn",
          "keywords", "language", "document_type", "url", "accession", "database")
COMPOSED = {"pages": ("start_page", "end_page", "article_number")}


def _tags(keys: Sequence[str], mapping: Mapping[str, str]) -> str:
    inverse: dict[str, list[str]] = {}
    for tag, key in mapping.items():
        inverse.setdefault(key, []).append(tag)
    return ", else ".join("/".join(sorted(inverse.get(k, [k]))) for k in keys)


def _tabular(layout: tabular.Layout | None) -> dict[str, str]:
    table = {**tabular.COLUMNS, **(layout.columns if layout else {})}
    out = {}
    for name in FIELDS:
        if layout is not None and name in layout.notes:
            out[name] = layout.notes[name]
        elif name == "pages":
            parts = [", ".join(table["pages"])] if table.get("pages") else []
            parts.append(f"{table['start_page'][0]}-{table['end_page'][0]}")
            if table.get("article_number"):
                parts.append(table["article_number"][0])
            out[name] = ", else ".join(p for p in parts if p)
        elif name == "database":
            out[name] = layout.database if layout else "the --database name, or the protocol's"
        elif table.get(name):
            out[name] = ", ".join(table[name][:4]) + (" ..." if len(table[name]) > 4 else "")
        else:
            out[name] = ""
    if layout is None:
        out["authors"] += " (split at ';', '|', ' and ', Scopus' 'Surname I.,' or IEEE's 'First Last,')"
    return out


def columns() -> dict[str, dict[str, str]]:
    """Format -> record field -> where it comes from."""
    ris = {n: _tags(keys, TAG_KEY_MAPPING) for n, keys in tagged.RIS_FIELDS.items()}
    wos = {n: _tags(keys, WOK_TAG_KEY_MAPPING) for n, keys in tagged.WOS_FIELDS.items()}
    out = {
        "RIS": {**ris, **tagged.RIS_SPECIAL},
        "Web of Science plain text": {**wos, **tagged.WOS_SPECIAL},
        "MEDLINE / .nbib": {**{n: ", else ".join(t) for n, t in medline.FIELDS.items()}, **medline.SPECIAL},
        "BibTeX": {**{n: ", else ".join(k) for n, k in bibtex.FIELDS.items()}, **bibtex.SPECIAL},
        "EndNote tagged (.enw)": {**{n: ", else ".join(f"%{t}" for t in tags) for n, tags in endnote.FIELDS.items()},
                                  **{n: "%" + how for n, how in endnote.SPECIAL.items()}},
        "PubMed XML": dict(pubmed_xml.FIELDS),
        "EndNote XML": {**{n: ", else ".join(paths) for n, paths in endnote_xml.FIELDS.items()}, **endnote_xml.SPECIAL},
        "Ovid": {**{n: ", else ".join(t) for n, t in ovid.FIELDS.items()}, **ovid.SPECIAL},
        "CSL JSON / Publish or Perish JSON": {**{n: ", else ".join(k) for n, k in json_records.FIELDS.items()},
                                              **json_records.SPECIAL},
        "ProQuest text": {**{n: ", else ".join(labels) for n, labels in proquest.FIELDS.items()}, **proquest.SPECIAL},
        "Zotero RDF": dict(zotero_rdf.SPECIAL),
        "CSV / TSV / XLSX (any)": _tabular(None),
    }
    for layout in tabular.LAYOUTS:
        out[layout.format] = _tabular(layout)
    return out


def markdown() -> str:
    table = columns()
    assert set(FIELDS) <= {f.name for f in Record.__dataclass_fields__.values()}  # type: ignore[attr-defined]
    lines = [
        "# Field map: which source field fills which record field",
        "",
        "Written by `python -m review_tools.io.field_map` from the readers' own tables (a test checks that this",
        "file is current). Column names of tabular exports are compared case-insensitively and the first",
        "non-empty one wins; `a, else b` means `b` is read when `a` is empty. Every value then passes through",
        "the same cleaning: placeholders (`NA`, `N/A`, `[No abstract available]`, `-` ...) become empty, HTML,",
        "JATS and MathML in titles and abstracts become plain text (`PM<sub>2.5</sub>` is `PM2.5`), names get",
        "single ordinary spaces, and a DOI is normalised (or dropped with a warning when it is not one).",
        "",
    ]
    lines += ["| format | record field | read from |", "|---|---|---|"]
    for fmt, fields in table.items():
        lines += [f"| {fmt if i == 0 else ''} | {name} | {_cell(fields.get(name) or '-')} |"
                  for i, name in enumerate(FIELDS)]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


if __name__ == "__main__":
    print(markdown(), end="")
