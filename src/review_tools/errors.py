"""The package's exception types: each says where the problem is and what to do about it."""


class ReviewToolsError(Exception):
    """Base class for every error review-tools raises on bad input."""
