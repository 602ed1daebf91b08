"""XML exports read one record element at a time (PubMed's ``<PubmedArticle>``, EndNote's ``<record>``).

Each record element is cut out of the text and parsed on its own with the standard library's parser: a
damaged record is reported with its line and skipped while the others are imported, and a large file can
be read in pieces cut before a record element (:mod:`.pieces`), each piece read as a whole file is.  A
document-wide parse would lose every record at the first damaged byte.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

from review_tools.i18n import tr
from review_tools.io.problems import ImportProblem
from review_tools.records import Record


def pattern(tags: tuple[str, ...]) -> re.Pattern[str]:
    """A whole element of one of ``tags`` (group 1), or, where it is never closed, its opening (group 2)."""
    names = "|".join(map(re.escape, tags))
    return re.compile(rf"<({names})(?=[\s>/]).*?</\1\s*>|<({names})(?=[\s>/])", re.DOTALL)


def text_of(node: ET.Element | None) -> str:
    """The text of an element and of the markup inside it (``<i>``, ``<style>``), spaces made single."""
    return " ".join("".join(node.itertext()).split()) if node is not None else ""


def read_elements(text: str, source: str, elements: re.Pattern[str],
                  build: Callable[[ET.Element, int, int], Record]) -> tuple[list[Record], list[ImportProblem]]:
    """The records ``build(element, position, line)`` makes of each element ``elements`` finds in ``text``;
    a damaged or unclosed element is a skipped record with its line."""
    records: list[Record] = []
    problems: list[ImportProblem] = []
    line, counted = 1, 0
    for position, m in enumerate(elements.finditer(text), 1):
        line += text.count("\n", counted, m.start())
        counted = m.start()
        if m.group(1) is None:
            problems.append(ImportProblem(source, line, position, tr("the record is never closed"), True))
            break
        try:
            node = ET.fromstring(m.group(0))
        except ET.ParseError as exc:
            problems.append(ImportProblem(source, line, position, tr("damaged XML ({error})", error=exc),
                                          True))
            continue
        records.append(build(node, position, line))
    return records, problems
