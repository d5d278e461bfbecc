"""Bad and unusual inputs: each is reported in one line, nothing half-made is written, the batch goes on."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from cleaner import InputError, clean_bytes, clean_file, clean_html
from tests.conftest import SAMPLES, run_cli

ARTICLE = (
    "<html><head><title>T</title></head><body><article>"
    + "<p>A paragraph of the article with enough words to count as text. </p>" * 6
    + "</article></body></html>"
)


def test_bad_files_are_skipped_with_a_message_and_the_rest_is_cleaned(tmp_path: Path) -> None:
    (tmp_path / "good.html").write_text(ARTICLE)
    (tmp_path / "empty.html").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\n ")
    (tmp_path / "binary.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "nothing.html").write_text("<html><body><img src='photo.jpg'><script>var a = 1;</script></body></html>")
    (tmp_path / "broken.html.gz").write_bytes(gzip.compress(ARTICLE.encode())[:40])
    result = run_cli("clean", tmp_path, "--report", tmp_path / "report.jsonl")
    assert result.returncode == 0, result.stderr_text
    assert "Traceback" not in result.stderr_text
    assert (tmp_path / "good.clean.txt").exists()
    for stem in ("empty", "blank", "binary", "nothing", "broken"):
        assert not (tmp_path / f"{stem}.clean.txt").exists()
    report = {
        Path(line["path"]).name: line for line in map(json.loads, (tmp_path / "report.jsonl").read_text().splitlines())
    }
    assert report["empty.html"]["status"] == "skipped" and report["empty.html"]["reason"] == "empty input"
    assert report["binary.html"]["reason"] == "binary file, not text or HTML"
    assert report["nothing.html"]["status"] == "empty"
    assert "gzip" in report["broken.html.gz"]["reason"]
    for name in ("empty.html", "binary.html", "nothing.html"):
        assert any(name in line for line in result.stderr_text.splitlines()), result.stderr_text


def test_nothing_extracted_is_a_result_with_a_reason_and_clean_file_writes_nothing(tmp_path: Path) -> None:
    page = tmp_path / "menu.html"
    page.write_text("<html><body><img src='photo.jpg'></body></html>")
    assert clean_html(page.read_text()).text == ""
    assert clean_html(page.read_text()).reason
    with pytest.raises(InputError):
        clean_file(page)
    assert not (tmp_path / "menu.clean.txt").exists()


@pytest.mark.parametrize("depth", [300, 3000])
def test_deep_nesting_is_either_extracted_whole_or_reported(depth: int) -> None:
    html = (
        "<html><body>"
        + "<div>" * depth
        + "<p>"
        + "Deep text of the article. " * 20
        + "</p>"
        + "</div>" * depth
        + "<p>"
        + "The closing paragraph of the story is here. " * 5
        + "</p></body></html>"
    )
    if depth <= 2000:
        result = clean_html(html)
        assert "Deep text of the article" in result.text
    else:
        with pytest.raises(InputError, match="nested too deeply"):
            clean_html(html)


def test_windows_1252_page_declared_in_meta_keeps_its_accents() -> None:
    html = (
        "<html><head><meta charset='windows-1252'></head><body><article>"
        + "<p>Le caf\xe9 est tr\xe8s bon et la cr\xe8me br\xfbl\xe9e aussi, dit-il \xe0 la r\xe9daction. </p>" * 5
        + "</article></body></html>"
    ).encode("cp1252")
    result = clean_html(html)
    assert "très bon" in result.text and result.encoding == "cp1252"


def test_http_charset_from_sidecar_wins_over_guessing(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    text = (
        "<html><body><article>"
        + "<p>Привет, это статья о погоде в городе и о том, что будет завтра. </p>" * 5
        + "</article></body></html>"
    )
    page.write_bytes(text.encode("koi8-r"))
    (tmp_path / "page.meta.json").write_text(
        json.dumps({"url": "https://x.example/a", "content_type": "text/html; charset=KOI8-R"})
    )
    assert "Привет" in clean_file(page).read_text(encoding="utf-8")


def test_byte_order_mark_and_gzip_are_honoured(tmp_path: Path) -> None:
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(b"\xef\xbb\xbf" + ARTICLE.encode()))
    out = clean_file(tmp_path / "page.html.gz")
    assert out.name == "page.clean.txt" and "A paragraph of the article" in out.read_text()


def test_gzip_bomb_is_refused_without_inflating_it(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"<p>" + b"a" * (64 * 1024 * 1024)))
    result = run_cli("clean", bomb)
    assert "inflates to more than" in result.stderr_text
    assert not (tmp_path / "bomb.clean.txt").exists()


def test_stdin_to_stdout_for_html_and_text() -> None:
    html = (SAMPLES / "html" / "disqus.html").read_bytes()
    result = run_cli("clean", "-", stdin=html)
    assert result.returncode == 0
    assert result.stdout_text == (SAMPLES / "html" / "disqus.expected.txt").read_text()
    seed = SAMPLES / "seeds" / "003_1decd490ba5d8f01.txt"
    result = run_cli("clean", "-", stdin=seed.read_bytes())
    assert result.stdout_text == seed.with_name("003_1decd490ba5d8f01.expected.txt").read_text()


def test_json_format_carries_text_metadata_and_removals() -> None:
    result = run_cli("clean", "-", "--format", "json", stdin=(SAMPLES / "html" / "blogger.html").read_bytes())
    data = json.loads(result.stdout_text)
    assert data["title"] == "The harbour wall, 1897 to today"
    assert data["url"].startswith("https://northquayhistory.blogspot.com/")
    assert data["rules"] == ["default", "blogger"]
    assert {"rule": "extract:headline", "stage": "extractor", "text": "The harbour wall, 1897 to today"} in data[
        "removed"
    ]


def test_markdown_format_writes_clean_md(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><article><h2>Section</h2>"
        + "<p>Some <b>bold</b> words of the article text here. </p>" * 6
        + "</article></body></html>"
    )
    assert run_cli("clean", page, "--format", "md").returncode == 0
    assert "**bold**" in (tmp_path / "page.clean.md").read_text()


def test_url_option_chooses_site_rules_for_a_text_dump() -> None:
    seed = (SAMPLES / "seeds" / "002_23da2a0fce24631f.txt").read_bytes().replace(b"ArcaMax", b"Arca")
    without = clean_bytes(seed).text
    assert "Published in News & Features" in without
    result = run_cli("clean", "-", "--url", "https://www.arcamax.com/currentnews/x", stdin=seed)
    assert "Published in News & Features" not in result.stdout_text


def test_python_dash_m_and_help_work() -> None:
    result = run_cli("--help")
    assert result.returncode == 0 and "clean" in result.stdout_text


def test_missing_path_is_reported_and_fails(tmp_path: Path) -> None:
    result = run_cli("clean", tmp_path / "absent")
    assert result.returncode == 1 and "no such file or folder" in result.stderr_text


def test_extraction_mode_is_an_option_and_part_of_the_incremental_key(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes((SAMPLES / "html" / "disqus.html").read_bytes())
    assert run_cli("clean", page).returncode == 0
    again = run_cli("clean", page, "--extraction", "recall")
    assert "cleaned 1, unchanged 0" in again.stderr_text
    assert (tmp_path / "page.clean.txt").read_text() == (SAMPLES / "html" / "disqus.expected.txt").read_text()
    assert run_cli("clean", page, "--extraction", "sideways").returncode == 2
