"""review-tools."""


def __getattr__(name: str) -> str:
    """``__version__`` is read from the installed package's metadata only when asked for (importing
    importlib.metadata costs about 50 ms on every command)."""
    if name != "__version__":
        raise AttributeError(name)
    from importlib import metadata

    try:
        return metadata.version("review-tools")
    except metadata.PackageNotFoundError:  # run from a source tree that was not installed
        return "0+unknown"
