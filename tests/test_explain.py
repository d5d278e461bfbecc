"""``cleaner explain``: every block of a real sample accounted for, and the page checked in a real browser."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from cleaner.tools.explain import TRAFILATURA, explain
from tests.conftest import ROOT, SAMPLES, run_cli

CHROMIUM = Path("/usr/bin/chromium")
# What headless Chromium needs as root in a sandbox without a display, a GPU or a network.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def test_explain_accounts_for_every_block_of_a_wordpress_page() -> None:
    page = SAMPLES / "html" / "wordpress-jetpack.html"
    explanation = explain(page)
    expected = (SAMPLES / "html" / "wordpress-jetpack.expected.txt").read_text(encoding="utf-8")
    assert [p.text for p in explanation.parts if p.kept] == [line for line in expected.splitlines() if line]
    removed = {(p.rule, p.text) for p in explanation.parts if not p.kept}
    assert ("default:share-widgets", "Share this:") in removed  # an HTML rule
    assert any(r == "default:appeal" and t.startswith("The Harbour Times is independent") for r, t in removed)
    assert (TRAFILATURA, "Powered by WordPress") in removed  # left out by trafilatura, no rule involved
    assert {r.rule for r in explanation.result.removed} <= {p.rule for p in explanation.parts}
    for part in explanation.parts:
        if part.stage in ("html", "text"):
            assert part.rule_file and (ROOT / part.rule_file).is_file(), part
    # reading order: the byline box stands after the article, the site name before it
    rules_in_order = [p.rule for p in explanation.parts]
    assert rules_in_order.index(TRAFILATURA) < rules_in_order.index(None) < rules_in_order.index("default:author-box")


def test_explain_a_text_dump_on_the_command_line() -> None:
    result = run_cli("explain", SAMPLES / "seeds" / "003_1decd490ba5d8f01.txt", cwd=ROOT)
    assert result.returncode == 0, result.stderr_text
    out = result.stdout_text
    assert "- default:share-widget (rules/default.toml)\n    - Get link\n" in out
    assert "= kept\n    Why Zelensky Thinks Putin Gains More from His Meeting with Trump\n" in out
    assert "removed blocks by rule:" in out


def _page_with_markup_in_its_text(folder: Path) -> Path:
    story = "".join(
        f'<p>Paragraph {n} of the story: 5 &lt; 6 &amp; the council said "yes" to the plan at last.</p>'
        for n in range(1, 6)
    )
    page = folder / "page.html"
    page.write_text(
        "<html><head><title>A story</title></head><body><article><h1>A story</h1>"
        f"{story}<div class='share-buttons'>Share &lt;script&gt;alert(1)&lt;/script&gt;</div></article>"
        "<footer><p>Powered by Nothing</p></footer></body></html>",
        encoding="utf-8",
    )
    return page


def test_explain_page_is_self_contained_and_escaped(tmp_path: Path) -> None:
    out = tmp_path / "explain.html"
    result = run_cli("explain", _page_with_markup_in_its_text(tmp_path), "--html", out)
    assert result.returncode == 0, result.stderr_text
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and "src=" not in page and "href=" not in page and "url(" not in page
    assert "Share &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "5 &lt; 6 &amp; the council said &quot;yes&quot;" in page
    assert "removed by default:share-widgets" in page


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


@pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="chromium is not installed (/usr/bin/chromium): .ci/run installs it as root; else apt-get install chromium",
)
def test_explain_page_renders_in_a_real_browser(tmp_path: Path) -> None:
    out = tmp_path / "explain.html"
    assert run_cli("explain", SAMPLES / "html" / "blogger.html", "--html", out).returncode == 0
    dom = _chromium("--dump-dom", out.as_uri(), profile=tmp_path / "profile-dom")
    assert dom.returncode == 0, dom.stderr
    for label in ("removed by default:share-widgets", "removed by trafilatura", "removed by extract:headline"):
        assert label in dom.stdout
    assert "<del>Post a Comment</del>" in dom.stdout
    assert "The harbour wall was finished in 1897" in dom.stdout
    shot = tmp_path / "explain.png"
    taken = _chromium(f"--screenshot={shot}", "--window-size=1000,1400", out.as_uri(), profile=tmp_path / "profile-png")
    assert taken.returncode == 0, taken.stderr
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000  # a blank page is a few kB
