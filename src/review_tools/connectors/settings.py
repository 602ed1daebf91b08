"""Keys, e-mail addresses and addresses of the search APIs: from the environment or a user's own file,
never from the protocol or the repository.

The file is TOML, one table per connector, at ``$REVIEW_TOOLS_CONFIG`` or
``$XDG_CONFIG_HOME/review-tools/connectors.toml`` (``~/.config/...`` by default)::

    [openalex]
    api_key = "..."
    mailto = "you@example.org"

    [scopus]
    api_key = "..."
    view = "COMPLETE"      # needs a subscriber's entitlement; STANDARD otherwise

An environment variable wins over the file: ``OPENALEX_API_KEY``, ``OPENALEX_MAILTO``, ``NCBI_API_KEY``,
``NCBI_EMAIL``, ``CROSSREF_MAILTO``, ``SCOPUS_API_KEY``, and ``REVIEW_TOOLS_MAILTO`` for every polite
pool at once.  ``REVIEW_TOOLS_<NAME>_URL`` (or ``base_url`` in the file) points a connector at another
server, such as a local mirror or a test server.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from review_tools.errors import ReviewToolsError

ENVIRONMENT = {
    "openalex": {"api_key": "OPENALEX_API_KEY", "mailto": "OPENALEX_MAILTO"},
    "pubmed": {"api_key": "NCBI_API_KEY", "email": "NCBI_EMAIL"},
    "europepmc": {"email": "EUROPEPMC_EMAIL"},
    "crossref": {"mailto": "CROSSREF_MAILTO"},
    "arxiv": {},
    "scopus": {"api_key": "SCOPUS_API_KEY", "insttoken": "SCOPUS_INSTTOKEN", "view": "SCOPUS_VIEW"},
}
SHARED_MAILTO = "REVIEW_TOOLS_MAILTO"


class SettingsError(ReviewToolsError):
    pass


@dataclass(frozen=True)
class ConnectorSettings:
    """One connector's values; ``source`` says where each came from (for messages, never the value)."""

    name: str
    values: Mapping[str, str] = field(default_factory=dict)
    source: Mapping[str, str] = field(default_factory=dict)

    def get(self, key: str, default: str = "") -> str:
        return self.values.get(key, default)

    def env_name(self, key: str) -> str:
        return ENVIRONMENT.get(self.name, {}).get(key, f"{self.name.upper()}_{key.upper()}")


def config_path(env: Mapping[str, str]) -> Path:
    if env.get("REVIEW_TOOLS_CONFIG"):
        return Path(env["REVIEW_TOOLS_CONFIG"]).expanduser()
    base = Path(env["XDG_CONFIG_HOME"]).expanduser() if env.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return base / "review-tools" / "connectors.toml"


def load(name: str, env: Mapping[str, str] | None = None) -> ConnectorSettings:
    """The settings of connector ``name``: the user's file first, the environment over it."""
    env = os.environ if env is None else env
    values: dict[str, str] = {}
    source: dict[str, str] = {}
    path = config_path(env)
    if path.is_file():
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8")).get(name, {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{path}: not a readable TOML file: {exc}") from None
        if not isinstance(table, dict):
            raise SettingsError(f"{path}: [{name}] must be a table of settings")
        for key, value in table.items():
            values[key], source[key] = str(value), str(path)
    if env.get(SHARED_MAILTO) and "mailto" not in values and "email" not in values:
        key = "email" if name in ("pubmed", "europepmc") else "mailto"
        values[key], source[key] = env[SHARED_MAILTO], SHARED_MAILTO
    for key, var in ENVIRONMENT.get(name, {}).items():
        if env.get(var):
            values[key], source[key] = env[var], var
    url_var = f"REVIEW_TOOLS_{name.upper()}_URL"
    if env.get(url_var):
        values["base_url"], source["base_url"] = env[url_var], url_var
    return ConnectorSettings(name, values, source)
