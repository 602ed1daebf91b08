"""Keys and addresses come from the environment or the user's file, the environment first."""

from __future__ import annotations

import pytest

from review_tools.connectors.settings import SettingsError, load


def test_environment_wins_over_the_file_and_the_shared_mailto_fills_in(tmp_path) -> None:
    path = tmp_path / "connectors.toml"
    path.write_text('[openalex]\napi_key = "FROM-FILE"\nmailto = "file@example.org"\n[scopus]\nview = "COMPLETE"\n')
    env = {"REVIEW_TOOLS_CONFIG": str(path), "OPENALEX_API_KEY": "FROM-ENV", "REVIEW_TOOLS_MAILTO": "all@example.org"}
    openalex = load("openalex", env)
    assert openalex.get("api_key") == "FROM-ENV" and openalex.source["api_key"] == "OPENALEX_API_KEY"
    assert openalex.get("mailto") == "file@example.org"
    assert load("crossref", env).get("mailto") == "all@example.org"
    assert load("pubmed", env).get("email") == "all@example.org"
    assert load("scopus", env).get("view") == "COMPLETE"


def test_xdg_location_and_base_url_override(tmp_path) -> None:
    (tmp_path / "review-tools").mkdir()
    (tmp_path / "review-tools" / "connectors.toml").write_text('[arxiv]\nbase_url = "http://127.0.0.1:1/api"\n')
    assert load("arxiv", {"XDG_CONFIG_HOME": str(tmp_path)}).get("base_url") == "http://127.0.0.1:1/api"
    assert load("arxiv", {"XDG_CONFIG_HOME": str(tmp_path), "REVIEW_TOOLS_ARXIV_URL": "http://h"}).get(
        "base_url") == "http://h"


def test_a_broken_file_is_named(tmp_path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[openalex\napi_key=1")
    with pytest.raises(SettingsError, match=str(path)):
        load("openalex", {"REVIEW_TOOLS_CONFIG": str(path)})
