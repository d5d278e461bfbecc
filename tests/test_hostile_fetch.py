"""Hostile servers and URL lists (issue 12, class 5), against real HTTP servers on 127.0.0.x."""

from __future__ import annotations

import ipaddress
import json
import time
from pathlib import Path

import pytest

from cleaner.sources.fetch.netguard import GuardedBackend
from tests.test_fetch import fetch_list, robots, serve  # noqa: F401 - serve is a fixture
from tests.webserver import page


@pytest.mark.parametrize("rule", ["Crawl-delay: 3600", "Request-rate: 1/100000"])
def test_a_politeness_wait_over_the_cap_skips_the_host_at_once(serve, tmp_path: Path, rule: str) -> None:  # noqa: F811
    site = serve(routes={"/robots.txt": robots(f"User-agent: *\n{rule}\n"), "/a": page(), "/b": page()})
    started = time.monotonic()
    _, outcomes = fetch_list(tmp_path, [f"{site.url}/a", f"{site.url}/b"])
    assert time.monotonic() - started < 10
    assert {o.kind for o in outcomes.values()} == {"crawl delay over the cap"}
    assert "60 s cap" in outcomes[f"{site.url}/a"].reason
    assert site.paths() == ["/robots.txt"]


def test_credentials_in_a_url_are_refused_never_sent_never_stored(serve, tmp_path: Path) -> None:  # noqa: F811
    site = serve(default=page())
    host = site.url.removeprefix("http://")
    secret_url = f"http://user:s3cret@{host}/a"
    _, outcomes = fetch_list(tmp_path, [secret_url, f"{site.url}/b"])
    assert site.paths() == ["/robots.txt", "/b"]
    assert not any("authorization" in {k.lower() for k in entry.headers} for entry in site.log)
    [refused] = [o for o in outcomes.values() if o.status == "failed"]
    assert refused.kind == "credentials in URL" and "s3cret" not in refused.url + (refused.reason or "")
    stored = "".join(p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file())
    assert "s3cret" not in stored


@pytest.mark.parametrize(
    "address",
    [
        *("64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b:1::808:808", "2002:7f00:1::", "2002:c0a8:1::1", "::7f00:1"),
        *("::ffff:10.0.0.1", "2001:0:4136:e378:8000:63bf:80ff:fffe", "100.64.0.1", "fe80::1", "ff02::1"),
    ],
)
def test_every_form_of_a_non_public_address_is_refused(address: str) -> None:
    assert not GuardedBackend().permits(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "2002:808:808::", "2606:4700::1111", "8.8.8.8"])
def test_public_addresses_stay_allowed(address: str) -> None:
    assert GuardedBackend().permits(ipaddress.ip_address(address))


def test_a_robots_txt_over_the_cap_is_read_up_to_it(serve, tmp_path: Path) -> None:  # noqa: F811
    rules = "User-agent: *\nDisallow: /private\n" + "# padding line of a very long robots.txt\n" * 20_000
    site = serve(routes={"/robots.txt": robots(rules), "/a": page(), "/private/b": page()})
    assert len(rules) > 512 * 1024
    _, outcomes = fetch_list(tmp_path, [f"{site.url}/a", f"{site.url}/private/b"])
    assert outcomes[f"{site.url}/a"].status == "fetched"
    assert outcomes[f"{site.url}/private/b"].status == "robots"


def test_a_pdf_labelled_html_is_not_saved_as_html(serve, tmp_path: Path) -> None:  # noqa: F811
    site = serve(routes={"/doc": page("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", content_type="text/html")})
    _, outcomes = fetch_list(tmp_path, [f"{site.url}/doc"])
    assert outcomes[f"{site.url}/doc"].status == "not-html"
    assert "binary" in outcomes[f"{site.url}/doc"].reason
    assert not list(tmp_path.rglob("*.html"))


def test_a_url_list_with_a_byte_order_mark_keeps_its_first_url(serve, tmp_path: Path) -> None:  # noqa: F811
    from tests.conftest import run_cli

    site = serve(default=page())
    (tmp_path / "urls.txt").write_bytes(f"\ufeff{site.url}/first\n{site.url}/second\n".encode())
    result = run_cli("fetch", tmp_path / "urls.txt", "-o", tmp_path / "out", "--allow-private", "--delay", "0")
    assert result.returncode == 0, result.stderr_text
    urls = {json.loads(p.read_text())["url"] for p in (tmp_path / "out").rglob("*.meta.json")}
    assert urls == {f"{site.url}/first", f"{site.url}/second"}
