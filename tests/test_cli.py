"""The command line: exit codes and messages of validate and run."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from review_tools.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_validate_ok_and_bad(tmp_path, capsys) -> None:
    assert main(["validate", str(ROOT / "review" / "protocol.yaml")]) == 0
    assert "OK (3 questions, 5 databases, 9 criteria" in capsys.readouterr().out
    bad = tmp_path / "protocol.yaml"
    bad.write_text((ROOT / "review" / "protocol.yaml").read_text(encoding="utf-8")
                   .replace("stage: full_text\n", "stage: fulltext2\n", 1), encoding="utf-8")
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "criteria[4].stage: 'fulltext2' is not one of title_abstract, full_text" in err
    assert f"{bad}:" in err


def test_run_refuses_an_invalid_protocol_before_running_anything(tmp_path, capsys) -> None:
    (tmp_path / "review").mkdir()
    (tmp_path / "review" / "protocol.yaml").write_text("title: x\n", encoding="utf-8")
    assert main(["run", "--project", str(tmp_path)]) == 2
    assert "questions: required field is missing" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()


def test_run_exits_non_zero_when_a_notebook_fails(tmp_path, notebook_writer, capsys) -> None:
    (tmp_path / "review").mkdir()
    shutil.copy(ROOT / "review" / "protocol.yaml", tmp_path / "review" / "protocol.yaml")
    notebook_writer(tmp_path / "notebooks" / "01_ok.ipynb", ["print(seed, language)"], "seed = 0\nlanguage = ''")
    notebook_writer(tmp_path / "notebooks" / "02_bad.ipynb", ["1 / 0"])
    assert main(["run", "--project", str(tmp_path), "--language", "fi"]) == 1
    err = capsys.readouterr().err
    assert "1 notebook failed: 02_bad" in err and "ZeroDivisionError" in err
    executed = (tmp_path / "reports" / "notebooks" / "01_ok.ipynb").read_text(encoding="utf-8")
    assert "20241213 fi" in executed  # the protocol's seed and the --language override reached the notebook


@pytest.mark.parametrize("value", ["0", "-5", "soon", "nan"])
def test_run_timeout_must_be_seconds_above_zero(value: str, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["run", "--timeout", value])
    assert exc.value.code == 2
    assert f"{value!r} is not a number of seconds above 0" in capsys.readouterr().err


def test_forms_adds_rows_for_included_studies(tmp_path, capsys) -> None:
    shutil.copytree(ROOT / "review", tmp_path / "review")
    (tmp_path / "review" / "extraction" / "extraction.csv").unlink()
    assert main(["forms", "--project", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "extraction.csv: 1 row added" in out and "reviewer_1.csv: 0 rows added" in out
    assert main(["forms", "--project", str(tmp_path)]) == 0
    assert "extraction.csv: 0 rows added" in capsys.readouterr().out


def test_export_included_writes_the_included_records(tmp_path, capsys) -> None:
    from review_tools.io.importer import import_file

    shutil.copytree(ROOT / "review", tmp_path / "review")
    out = tmp_path / "included.ris"
    assert main(["export-included", "--project", str(tmp_path), "--out", str(out)]) == 0
    assert "1 included record written" in capsys.readouterr().out
    titles = [r.title for r in import_file(out).records]
    assert titles == ["RFM ranking – An effective approach to customer segmentation"]
    assert main(["export-included", "--project", str(tmp_path), "--out", str(tmp_path / "included.txt")]) == 2
    assert "write .ris, .bib, .csv" in capsys.readouterr().err


def test_validate_rejects_a_search_string_that_does_not_parse_with_line_and_column(tmp_path, capsys) -> None:
    text = (ROOT / "review" / "protocol.yaml").read_text(encoding="utf-8")
    text = text.replace('TITLE-ABS-KEY((segment* OR "customer classification")',
                        'TITLE-ABS-KEYS((segment* OR "customer classification")')
    bad = tmp_path / "review" / "protocol.yaml"
    bad.parent.mkdir()
    bad.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "TITLE-ABS-KEYS" in row)
    column = text.splitlines()[line - 1].index("TITLE-ABS-KEYS") + 1
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"protocol.yaml:{line} databases[3].search_string" in err
    assert f"unknown Scopus field code TITLE-ABS-KEYS at column {column}" in err
    assert "did you mean TITLE-ABS-KEY?" in err


def test_validate_reads_an_ovid_strategy_as_ovid_prints_it_and_says_what_it_left_out(tmp_path, capsys) -> None:
    text = (ROOT / "review" / "protocol.yaml").read_text(encoding="utf-8")
    start, end = text.index("  - name: Emerald Insight"), text.index("  - name: Scopus")
    medline = """  - name: MEDLINE
    platform: Ovid
    date_searched: 2024-09-17
    search_string: |-
      Database: Ovid MEDLINE(R) ALL <1946 to September 16, 2024>
      Search Strategy:
      ----------------------------------------------------------
      1     exp Pharmaceutical Preparations/ (1234567)
      2     pharma*.ti,ab. (234567)
      3     or/1-2 (1300000)
      4     (segment* adj3 (customer* or physician*)).ti,ab. [Population] (345)
      5     3 and 4 (120)

      ***************************
    export_dir: searches/medline
"""
    protocol = tmp_path / "review" / "protocol.yaml"
    protocol.parent.mkdir()
    protocol.write_text(text[:start] + medline + text[end:], encoding="utf-8")
    assert main(["validate", str(protocol)]) == 0
    out = capsys.readouterr().out
    assert "note: MEDLINE (ovid): 2 line(s) around the numbered lines left out, not searched: 'Database: Ovid" in out
    assert "[Population] is read as a comment" in out and "AND and OR are mixed" not in out


def test_translate_prints_the_string_and_its_warnings(capsys) -> None:
    assert main(["translate", "TITLE(crm) AND a PRE/2 b", "--from", "scopus", "--to", "wos", "ebsco"]) == 0
    out = capsys.readouterr()
    assert "wos: TI=(crm) AND ALL=(a NEAR/2 b)" in out.out
    assert "ebsco: TI crm AND" in out.out
    assert "no ordered proximity" in out.err


def test_a_failed_import_leaves_the_previous_output_alone(tmp_path, capsys) -> None:
    """A failed import once replaced the previous --out file with a header-only file."""
    good = ROOT / "tests" / "data" / "kwok_2020_embase_excerpt.ris"
    out = tmp_path / "records.csv"
    assert main(["import", str(good), "--out", str(out)]) == 0
    before = out.read_bytes()
    broken = tmp_path / "broken.ris"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert main(["import", str(broken), "--out", str(out)]) == 1
    assert out.read_bytes() == before
    assert "nothing written" in capsys.readouterr().err


def test_bad_paths_are_errors_not_tracebacks(tmp_path, capsys) -> None:
    good = str(ROOT / "tests" / "data" / "kwok_2020_embase_excerpt.ris")
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    cases = [
        (["import", str(tmp_path), "--out", str(tmp_path / "o.csv")], "is a folder"),
        (["import", good, "--out", str(tmp_path / "o.xyz")], "write .ris, .bib, .csv, not '.xyz'"),
        (["import", good, "--out", str(tmp_path)], "is a folder; give a file name"),
        (["import", good, "--out", str(tmp_path / "a_file" / "o.csv")], "is a file, not a folder"),
        (["dedup", good, "--out", str(tmp_path / "a_file")], "is a file; give a folder"),
        (["import", "/dev/zero", "--out", str(tmp_path / "z.csv")], "not a regular file"),
    ]
    for argv, message in cases:
        code = main(argv)
        err = capsys.readouterr().err
        assert code in (1, 2) and message in err, (argv, err)
        assert "Traceback" not in err


def test_a_write_the_system_refuses_is_one_line_not_a_traceback(tmp_path, monkeypatch, capsys) -> None:
    import errno

    from review_tools.io import writers

    def full(_records, header=True):  # as a write to the temporary file fails: no file name on the error
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writers, "to_csv", full)
    out = tmp_path / "records.csv"
    assert main(["import", str(ROOT / "tests" / "data" / "kwok_2020_embase_excerpt.ris"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {out}: No space left on device") and "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob(".records.csv.tmp-*"))


def _review_with(tmp_path: Path, extra: str) -> Path:
    text = (ROOT / "review" / "protocol.yaml").read_text(encoding="utf-8")
    text = text.replace("    export_dir: searches/scopus\n", f"    export_dir: searches/scopus\n{extra}")
    (tmp_path / "review").mkdir()
    (tmp_path / "review" / "protocol.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_search_without_connectors_says_how_to_add_one(capsys) -> None:
    assert main(["search", "--project", str(ROOT), "--dry-run"]) == 2
    assert "no database has a connector; add connector:" in capsys.readouterr().err


def test_search_without_a_scopus_key_names_the_variable_and_sends_nothing(tmp_path, capsys, monkeypatch) -> None:
    project = _review_with(tmp_path, "    connector: scopus\n")
    monkeypatch.delenv("SCOPUS_API_KEY", raising=False)
    monkeypatch.setenv("REVIEW_TOOLS_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("REVIEW_TOOLS_SCOPUS_URL", "http://127.0.0.1:9")  # nothing listens there
    assert main(["search", "--project", str(project)]) == 1
    err = capsys.readouterr().err
    assert "Scopus: Scopus needs api_key: set the environment variable SCOPUS_API_KEY" in err
    assert not (project / "review" / "searches").exists()


def test_search_of_an_unknown_database_lists_the_names(tmp_path, capsys) -> None:
    project = _review_with(tmp_path, "    connector: scopus\n")
    assert main(["search", "--project", str(project), "--database", "Nope", "--dry-run"]) == 1
    assert "no database called 'Nope' in the protocol (it has Business Source Elite" in capsys.readouterr().err


def test_translate_writes_the_api_query_languages(capsys) -> None:
    assert main(["translate", 'crm AND pharma*', "--to", "openalex", "arxiv"]) == 0
    out = capsys.readouterr()
    assert "openalex: crm AND pharma" in out.out and "arxiv:" in out.out and "stems words" in out.err


def test_dedup_of_files_writes_its_pairs_under_out_not_into_a_review(tmp_path, monkeypatch) -> None:
    (tmp_path / "review" / "dedup").mkdir(parents=True)
    review_pairs = tmp_path / "review" / "dedup" / "uncertain_pairs.csv"
    review_pairs.write_text("id_a,id_b,decision\n", encoding="utf-8")
    export = tmp_path / "a.ris"
    export.write_text("TY  - JOUR\nTI  - Segmenting pharmacies by value\nPY  - 2020\nAU  - Smith, J\nDO  - "
                      "10.5555/a\nER  - \n\nTY  - JOUR\nTI  - Segmenting hospitals by value and potential in "
                      "Finland\nPY  - 2020\nAU  - Smith, J\nDO  - 10.5555/a\nER  - \n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["dedup", str(export), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "uncertain_pairs.csv").read_text(encoding="utf-8").count("\n") == 2
    assert review_pairs.read_text(encoding="utf-8") == "id_a,id_b,decision\n"  # the review's file untouched


def test_importing_files_does_not_load_pandas_or_the_protocol_schema(tmp_path) -> None:
    import subprocess
    import sys

    export = tmp_path / "a.ris"
    export.write_text("TY  - JOUR\nTI  - A title\nER  - \n", encoding="utf-8")
    code = ("import sys; from review_tools.cli import main; "
            f"rc = main(['import', {str(export)!r}, '--out', {str(tmp_path / 'r.csv')!r}]); "
            "print(rc, sorted(m for m in ('pandas', 'pydantic', 'numpy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "0 []", done.stderr


def test_report_options_come_from_the_protocol(tmp_path) -> None:
    shutil.copytree(ROOT / "review", tmp_path / "review")
    (tmp_path / "notebooks").mkdir()
    for name in ("04_prisma", "10_segmentation"):
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", tmp_path / "notebooks")
    protocol = tmp_path / "review" / "protocol.yaml"
    protocol.write_text(protocol.read_text(encoding="utf-8") + "\nreports:\n  skip: [10_segmentation]\n"
                        "  previous_studies: 3\n", encoding="utf-8")
    assert main(["run", "--project", str(tmp_path)]) == 0
    reports = tmp_path / "reports"
    assert (reports / "04_prisma.html").exists() and not (reports / "10_segmentation.html").exists()
    page = (reports / "04_prisma.html").read_text(encoding="utf-8")
    assert re.search(r"<td>previous_studies</td>\s*<td>3</td>", page)


def test_rayyan_decisions_are_imported_from_the_command_line(tmp_path, capsys) -> None:
    shutil.copytree(ROOT / "review", tmp_path / "review")
    before = (tmp_path / "review" / "screening").glob("*.csv")
    sizes = {p.name: p.stat().st_size for p in before}
    rayyan = ROOT / "tests" / "data" / "rayyan_export.csv"
    assert main(["import-decisions", "rayyan", str(rayyan), "--project", str(tmp_path),
                 "--reason", "wrong publication date=I1", "--reason", "wrong setting=E2"]) == 0
    out = capsys.readouterr()
    assert "4 decisions from" in out.out and "1 row matches no record of the review and was left out" in out.out
    written = {p.name for p in (tmp_path / "review" / "screening").glob("*.csv") if p.stat().st_size !=
               sizes.get(p.name)}
    assert written == {"title_abstract__Anna_Virtanen.csv", "title_abstract__Ben.csv"}
    assert main(["import-decisions", "rayyan", str(rayyan), "--project", str(tmp_path),
                 "--reason", "wrong publication date=I1"]) == 2
    assert "'wrong setting' have no criterion code" in capsys.readouterr().err
