"""review-tools."""

from importlib import metadata

try:
    __version__ = metadata.version("review-tools")
except metadata.PackageNotFoundError:  # run from a source tree that was not installed
    __version__ = "0+unknown"
