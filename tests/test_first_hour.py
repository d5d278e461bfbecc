"""What a newcomer meets in the first hour: discovery, --output-dir on read-only inputs, the command
line's conventions (version, -h, config file, environment, exit codes) and the Python API in a plain
script. Real files and real processes throughout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SAMPLES, run_cli
from tests.test_batch import make_pages, outputs, run_restricted

BLOGGER = SAMPLES / "html" / "blogger.html"


def report_lines(path: Path) -> dict[str, dict]:
    return {Path(line["path"]).name: line for line in map(json.loads, path.read_text().splitlines())}


def test_hidden_folders_url_lists_and_globs_are_not_articles(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    make_pages(raw / "news", 2)
    make_pages(raw / ".git", 1)
    make_pages(raw / "drafts", 1)
    (raw / ".hidden.html").write_bytes(BLOGGER.read_bytes())
    (raw / "urls.txt").write_text("# to fetch\nhttps://news.example/a\n\nhttps://news.example/b\n")
    result = run_cli("clean", raw, "--exclude", "drafts", "--report", tmp_path / "r.jsonl")
    assert result.returncode == 0, result.stderr_text
    lines = report_lines(tmp_path / "r.jsonl")
    assert lines["urls.txt"]["status"] == "skipped" and "list of URLs" in lines["urls.txt"]["reason"]
    assert sorted(outputs(raw)) == ["news/story-0000.clean.txt", "news/story-0001.clean.txt"]

    assert run_cli("clean", raw, "--hidden", "--include", "*-0000.html", "-q").returncode == 0
    assert ".git/story-0000.clean.txt" in outputs(raw) and "drafts/story-0000.clean.txt" in outputs(raw)
    assert ".git/story-0001.clean.txt" not in outputs(raw)


def test_read_only_inputs_are_cleaned_into_an_output_folder_that_mirrors_them(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    make_pages(raw / "a" / "b", 2)
    before = {p: p.stat().st_mtime_ns for p in raw.rglob("*")}
    for folder in (raw, raw / "a", raw / "a" / "b"):
        folder.chmod(0o555)
    try:
        result = run_restricted("clean", raw, "--output-dir", out, "--jobs", "1")  # root obeys permissions here
        assert result.returncode == 0, result.stderr
        assert sorted(outputs(out)) == ["a/b/story-0000.clean.txt", "a/b/story-0001.clean.txt"]
        assert (out / ".cleaner-state.sqlite").exists()
        assert {p: p.stat().st_mtime_ns for p in raw.rglob("*")} == before, "something was written in the input"
        again = run_restricted("clean", raw, "--output-dir", out, "--report", out / "r.jsonl")
        assert again.returncode == 0 and {line["status"] for line in report_lines(out / "r.jsonl").values()} == {
            "unchanged"
        }
    finally:
        for folder in (raw, raw / "a", raw / "a" / "b"):
            folder.chmod(0o755)


def test_version_short_help_and_help_without_python_types() -> None:
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout_text.startswith("cleaner ")
    for args in (["-h"], ["clean", "-h"], ["fetch", "-h"], ["rules", "test", "-h"]):
        shown = run_cli(*args)
        assert shown.returncode == 0, args
        assert "list[" not in shown.stdout_text and "<bool>" not in shown.stdout_text, args
        assert "<int" not in shown.stdout_text and "<str>" not in shown.stdout_text, args
    assert "Exit codes" in run_cli("-h").stdout_text and "--install-completion" in run_cli("-h").stdout_text


def test_one_exit_code_table_for_folders_stdin_and_json_lines(tmp_path: Path) -> None:
    empty_page = b"<html><body></body></html>"
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "x.html").write_bytes(empty_page)
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": 1, "html": empty_page.decode()}) + "\n")
    assert run_cli("clean", tmp_path / "empty", "-q").returncode == 3
    assert run_cli("clean", "-", stdin=empty_page).returncode == 3
    assert run_cli("clean", "--jsonl", tmp_path / "in.jsonl", "-o", tmp_path / "out.jsonl", "-q").returncode == 3
    assert run_cli("clean", tmp_path / "missing").returncode == 1
    assert run_cli("clean", "-", "--format", "pdf", stdin=empty_page).returncode == 2
    page = BLOGGER.read_bytes()
    assert run_cli("clean", "-", stdin=page).returncode == 0


def test_stdin_writes_its_report_line(tmp_path: Path) -> None:
    result = run_cli("clean", "-", "--report", tmp_path / "r.jsonl", stdin=BLOGGER.read_bytes())
    assert result.returncode == 0 and "Become a" not in result.stdout_text
    (line,) = report_lines(tmp_path / "r.jsonl").values()
    assert line["path"] == "<stdin>" and line["status"] == "cleaned" and "blogger" in line["rules"]


def test_config_file_and_environment_set_option_defaults(tmp_path: Path) -> None:
    make_pages(tmp_path / "raw", 1)
    (tmp_path / "cleaner.toml").write_text('format = "json"\nquiet = true\n')
    assert run_cli("clean", "raw", cwd=tmp_path).returncode == 0
    assert json.loads((tmp_path / "raw" / "story-0000.clean.json").read_text())["text"]

    (tmp_path / "cleaner.toml").unlink()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.cleaner]\nformat = "md"\n')
    assert run_cli("clean", "raw", "-q", cwd=tmp_path).returncode == 0
    assert (tmp_path / "raw" / "story-0000.clean.md").exists()

    env = {**os.environ, "CLEANER_FORMAT": "txt"}  # the environment wins over the file
    subprocess.run([sys.executable, "-m", "cleaner", "clean", "raw", "-q"], cwd=tmp_path, env=env, check=True)
    assert (tmp_path / "raw" / "story-0000.clean.txt").exists()

    (tmp_path / "pyproject.toml").write_text("[tool.cleaner]\nformats = 'md'\n")
    bad = run_cli("clean", "raw", cwd=tmp_path)
    assert bad.returncode == 2 and "pyproject.toml" in bad.stderr_text and "formats" in bad.stderr_text


def test_verbose_names_every_input_and_debug_shows_the_traceback(tmp_path: Path) -> None:
    make_pages(tmp_path / "raw", 2)
    verbose = run_cli("-v", "clean", tmp_path / "raw")
    assert verbose.stderr_text.count("cleaned ") >= 2 and "story-0001.clean.txt" in verbose.stderr_text
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "bad.toml").write_text("[match\n")
    plain = run_cli("clean", tmp_path / "raw", "--rules", tmp_path / "rules")
    debug = run_cli("--debug", "clean", tmp_path / "raw", "--rules", tmp_path / "rules")
    assert plain.returncode == debug.returncode == 2
    assert "Traceback" not in plain.stderr_text and "Traceback" in debug.stderr_text
    assert "bad.toml" in plain.stderr_text


def test_the_api_takes_str_paths_validates_options_and_runs_in_a_plain_script(tmp_path: Path) -> None:
    make_pages(tmp_path / "raw", 3)
    script = tmp_path / "script.py"
    script.write_text(  # no `if __name__ == "__main__":` guard, as in a first try
        "from cleaner import clean, clean_html, Options, CleanerError\n"
        "print('started')\n"
        f"summary = clean({str(tmp_path / 'raw')!r}, Options(output_format='md'), jobs=2)\n"
        "print(summary.line())\n"
        f"html = open({str(BLOGGER)!r}).read()\n"
        "print('site_rules', 'Become a' in clean_html(html, options=Options(site_rules=False)).text)\n"
        "try:\n    Options(output_format='pdf')\nexcept ValueError as exc:\n    print('refused:', exc)\n"
    )
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("started") == 1, "the script ran again in a worker"
    assert "cleaned 3" in result.stdout and "failed 0" in result.stdout
    assert "refused: output_format must be one of txt, json, md, not 'pdf'" in result.stdout
    assert len(list((tmp_path / "raw").glob("*.clean.md"))) == 3


def test_the_user_agent_carries_the_contact_given() -> None:
    from cleaner import FetchOptions

    assert FetchOptions(contact="mailto:crawl@example.org").user_agent.endswith("(+mailto:crawl@example.org)")
    assert "example.invalid" not in FetchOptions().user_agent


def test_the_package_ships_its_license_and_type_information() -> None:
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert (ROOT / "cleaner" / "py.typed").is_file()
