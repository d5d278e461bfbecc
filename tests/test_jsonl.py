"""JSON lines in and out: a pipeline step that keeps every field and the input order."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.conftest import SAMPLES, run_cli

BLOGGER = (SAMPLES / "html" / "blogger.html").read_text()
DUMP = (SAMPLES / "seeds" / "003_1decd490ba5d8f01.txt").read_text()


def records(count: int) -> list[dict]:
    rows = []
    for number in range(count):
        if number % 3 == 2:
            rows.append({"doc": f"d{number}", "body_text": DUMP, "lang": "en", "n": number})
        else:
            html = BLOGGER.replace("finished in 1897", f"finished in {1800 + number}")
            rows.append(
                {"doc": f"d{number}", "page": html, "link": "https://northquayhistory.blogspot.com/x", "n": number}
            )
    return rows


def write_jsonl(path: Path, rows: list[dict | str]) -> None:
    """One line per row: a dict as JSON, a string as it is (to write broken lines)."""
    data = "".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows).encode()
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)


FIELDS = ["--html-field", "page", "--text-field", "body_text", "--url-field", "link", "--id-field", "doc"]


def test_order_fields_and_cleaned_text_with_two_workers(tmp_path: Path) -> None:
    rows = records(12)
    write_jsonl(tmp_path / "in.jsonl.gz", rows)
    result = run_cli(
        "clean", "--jsonl", tmp_path / "in.jsonl.gz", "-o", tmp_path / "out.jsonl.gz", "--jobs", "2", *FIELDS
    )
    assert result.returncode == 0, result.stderr_text
    out = [json.loads(line) for line in gzip.decompress((tmp_path / "out.jsonl.gz").read_bytes()).splitlines()]
    assert [row["n"] for row in out] == list(range(12))
    for original, cleaned in zip(rows, out, strict=True):
        assert {k: v for k, v in cleaned.items() if k != "cleaner"} == original
        added = cleaned["cleaner"]
        assert added["status"] == "cleaned"
        if "page" in original:
            assert added["rules"] == ["default", "blogger"] and added["title"] == "The harbour wall, 1897 to today"
            assert f"finished in {1800 + original['n']}" in added["text"] and "Other Apps" not in added["text"]
        else:
            assert added["text"] == (SAMPLES / "seeds" / "003_1decd490ba5d8f01.expected.txt").read_text()


def test_malformed_lines_are_reported_with_their_number_and_skipped(tmp_path: Path) -> None:
    first, second, third = records(3)
    write_jsonl(tmp_path / "in.jsonl", [first, "{not json", second, '["a list"]', '{"doc": "no page"}', third])
    result = run_cli("clean", "--jsonl", tmp_path / "in.jsonl", "-o", tmp_path / "out.jsonl", *FIELDS)
    assert result.returncode == 0
    problems = [line for line in result.stderr_text.splitlines() if line.startswith("skipped")]
    assert [p.split(":")[1] for p in problems] == ["2", "4", "5"], result.stderr_text
    assert "not JSON" in problems[0] and "not a JSON object" in problems[1] and "no string field" in problems[2]
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [row.get("doc", row.get("line")) for row in out] == ["d0", 2, "d1", 4, 5, "d2"]  # each line in its place


def test_report_has_a_line_per_input_line_as_a_batch_has_per_file(tmp_path: Path) -> None:
    first, second, third = records(3)
    write_jsonl(tmp_path / "in.jsonl", [first, "{not json", second, third])
    report = tmp_path / "report.jsonl"
    result = run_cli("clean", "--jsonl", tmp_path / "in.jsonl", "-o", tmp_path / "o.jsonl", "--report", report, *FIELDS)
    assert result.returncode == 0, result.stderr_text
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    malformed = f"{tmp_path / 'in.jsonl'}:2"
    assert [(line["path"], line["status"]) for line in lines] == [
        ("d0", "cleaned"),
        (malformed, "skipped"),
        ("d1", "cleaned"),
        ("d2", "cleaned"),
    ]
    page = lines[0]
    assert page["rules"] == ["default", "blogger"] and page["language"] == "en" and page["date"] is not None
    assert page["extracted_chars"] >= page["chars_out"] > 0 and page["collapsed"] is False


def test_strict_stops_at_the_first_malformed_line_and_leaves_no_output(tmp_path: Path) -> None:
    first, second, third = records(3)
    write_jsonl(tmp_path / "in.jsonl", [first, second, "{broken", third])
    (tmp_path / "out.jsonl").write_text("previous output\n")
    result = run_cli("clean", "--jsonl", tmp_path / "in.jsonl", "-o", tmp_path / "out.jsonl", "--strict", *FIELDS)
    assert result.returncode == 1
    assert result.stderr_text.strip().endswith(
        "in.jsonl:3: not JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"
    )
    assert (tmp_path / "out.jsonl").read_text() == "previous output\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".cleaner-tmp")]


def test_stdin_to_stdout_with_default_field_names() -> None:
    lines = [json.dumps({"id": "a", "html": BLOGGER}), json.dumps({"id": "b", "text": DUMP})]
    result = run_cli("clean", "--jsonl", "-", "-o", "-", stdin=("\n".join(lines) + "\n").encode())
    assert result.returncode == 0
    out = [json.loads(line) for line in result.stdout_text.splitlines()]
    assert [row["id"] for row in out] == ["a", "b"]
    assert "Get link" not in out[1]["cleaner"]["text"]


def test_a_page_that_cannot_be_cleaned_keeps_its_line_with_a_reason(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "in.jsonl", [{"id": "empty", "html": "   "}, {"id": "ok", "html": BLOGGER}])
    result = run_cli("clean", "--jsonl", tmp_path / "in.jsonl", "-o", tmp_path / "out.jsonl")
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [row["cleaner"]["status"] for row in out] == ["skipped", "cleaned"]
    assert out[0]["cleaner"]["reason"] == "no text in input"
    assert result.returncode == 0
