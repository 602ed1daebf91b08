"""review-tools."""
