"""The error raised for unusable customer or transaction data."""

from review_tools.errors import ReviewToolsError


class SegmentationDataError(ReviewToolsError):
    """Customer or transaction data that cannot be used as given; the message names file, row and problem."""
