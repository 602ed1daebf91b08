"""The error a search string that cannot be parsed raises: the real cause, its place, a hint."""

from __future__ import annotations

from review_tools.errors import ReviewToolsError


class QuerySyntaxError(ReviewToolsError):
    """A search string that cannot be parsed.  ``position`` is the offset of the problem in ``query``;
    ``line`` and ``column`` (1-based) locate it in a multi-line strategy; ``str()`` shows that line with
    a caret under the place, and the hint when there is one."""

    def __init__(self, message: str, query: str, position: int, hint: str = "", syntax: str = ""):
        self.message, self.query, self.hint, self.syntax = message, query, hint, syntax
        self.position = max(0, min(position, len(query)))
        start = query.rfind("\n", 0, self.position) + 1
        end = query.find("\n", self.position)
        self.line = query.count("\n", 0, self.position) + 1
        self.column = self.position - start + 1
        text = query[start:end if end >= 0 else len(query)]
        where = f"line {self.line}, column {self.column}" if "\n" in query else f"column {self.column}"
        in_syntax = f" ({syntax} syntax)" if syntax else ""
        super().__init__(f"{message} at {where}{in_syntax}:\n  {text}\n  {' ' * (self.column - 1)}^"
                         + (f"\n  hint: {hint}" if hint else ""))
