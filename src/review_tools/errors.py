"""The package's exception types: each says where the problem is and what to do about it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class ReviewToolsError(Exception):
    """Base class for every error review-tools raises on bad input."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file a person wrote (the protocol, a screening or appraisal form): the file,
    the line if known, where in it (a protocol field path or a form column; may be empty) and what."""

    file: str
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"{place} {self.where}: {self.message}" if self.where else f"{place}: {self.message}"


class ProblemsError(ReviewToolsError):
    """Every problem found, one per line of the message, and as ``problems``."""

    def __init__(self, problems: Sequence[Problem], heading: str = ""):
        self.problems = list(problems)
        lines = "\n".join(map(str, self.problems))
        super().__init__(f"{heading}\n{lines}" if heading else lines)
