"""The command-line interface that users and outside checks rely on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("command", ["run", "fetch"])
def test_run_and_fetch_take_the_source_options(command: str) -> None:
    help_text = build_parser().parse_args([command, "--data-dir", "x"])  # parses
    assert help_text.data_dir == Path("x")
    usage = subprocess.run([sys.executable, "-m", "pipeline", command, "--help"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout
    for option in ("--sru-url", "--data-dir", "--since", "--max-rps"):
        assert option in usage


@pytest.mark.parametrize("command", ["parse", "validate", "publish"])
def test_every_subcommand_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_a_flag_wins_over_the_environment_which_wins_over_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.cli import _settings
    from pipeline.config import LIVE_SRU_URL

    monkeypatch.setenv("EK_DATA_DIR", "/srv/ek")
    monkeypatch.setenv("EK_SRU_URL", "http://127.0.0.1:8001/sru")
    monkeypatch.setenv("EK_MAX_RPS", "0")
    monkeypatch.delenv("EK_KEEP_RELEASES", raising=False)
    from_env = _settings(build_parser().parse_args(["run"]))
    assert (from_env.data_dir, from_env.sru_url, from_env.max_rps) == (Path("/srv/ek"), "http://127.0.0.1:8001/sru", 0)
    assert from_env.keep_releases == 5  # the default
    flags = _settings(build_parser().parse_args(["run", "--data-dir", "d", "--sru-url", LIVE_SRU_URL, "--max-rps", "2"]))
    assert (flags.data_dir, flags.sru_url, flags.max_rps) == (Path("d"), LIVE_SRU_URL, 2)


def test_a_malformed_environment_variable_is_named(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "GX_ANALYTICS_ENABLED": "false", "EK_MAX_RPS": "fast"}
    result = subprocess.run([sys.executable, "-m", "pipeline", "run", "--data-dir", str(tmp_path)], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == "error: environment variable EK_MAX_RPS: 'fast' is not a number >= 0"


def test_a_file_that_is_not_a_pdf_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "report.pdf"
    bad.write_text("this is not a pdf")
    assert main(["parse", str(bad), "--json"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {bad}: neither a PDF (no %PDF header) nor an XML file"]


def test_an_empty_file_is_named_with_its_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.pdf"
    empty.touch()
    assert main(["parse", str(empty)]) == 1
    assert capsys.readouterr().err.strip() == f"error: {empty}: empty file (0 bytes)"


@pytest.mark.parametrize(("args", "message"), [
    (["--since", "2020-02-30"], "'2020-02-30' is not a date in the form YYYY-MM-DD"),
    (["--max-rps", "-1"], "'-1' is not a number of requests per second >= 0"),
])
def test_wrong_parameters_are_refused_with_the_reason(args: list[str], message: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["run", *args])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_since_after_until_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["fetch", "--data-dir", str(tmp_path), "--since", "2021-01-02", "--until", "2021-01-01"])
    assert code == 1
    assert "--since 2021-01-02 is after --until 2021-01-01" in capsys.readouterr().err
