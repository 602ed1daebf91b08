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
from typing import TypeVar

from review_tools.i18n import tr
from review_tools.io.problems import ImportProblem

T = TypeVar("T")


def pattern(tags: tuple[str, ...]) -> re.Pattern[str]:
    """A whole element of one of ``tags`` (group 1), or, where it is never closed, its opening (group 2)."""
    names = "|".join(map(re.escape, tags))
    return re.compile(rf"<({names})(?=[\s>/]).*?</\1\s*>|<({names})(?=[\s>/])", re.DOTALL)


def text_of(node: ET.Element | None) -> str:
    """The text of an element and of the markup inside it (``<i>``, ``<style>``), spaces made single."""
    return " ".join("".join(node.itertext()).split()) if node is not None else ""


def read_elements(text: str, source: str, elements: re.Pattern[str], build: Callable[[ET.Element, int, int], T],
                  parse: Callable[[str], ET.Element] = ET.fromstring) -> tuple[list[T], list[ImportProblem]]:
    """What ``build(element, position, line)`` makes of each element ``elements`` finds in ``text`` (a record);
    a damaged or unclosed element is a skipped record with its line.  ``parse`` reads one element's text
    (where the elements use namespace prefixes declared on the document's root, it declares them)."""
    records: list[T] = []
    problems: list[ImportProblem] = []
    line, counted, at, position = 1, 0, 0, 0
    while (m := elements.search(text, at)) is not None:
        position += 1
        line += text.count("\n", counted, m.start())
        counted, at = m.start(), m.end()  # an element never closed is matched to its opening tag only
        if m.group(1) is None:  # reported, and the elements after it are still read
            problems.append(ImportProblem(source, line, position, tr("the record is never closed"), True))
            continue
        try:
            node = parse(m.group(0))
        except ET.ParseError as exc:
            problems.append(ImportProblem(source, line, position, tr("damaged XML ({error})", error=exc),
                                          True))
            continue
        records.append(build(node, position, line))
    return records, problems
