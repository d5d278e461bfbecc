"""The fetcher against real HTTP servers on 127.0.0.x (each address a different host), no mocks.

Most tests call ``cleaner.fetch`` in this process (fast); those about the command line, exit
codes and memory run ``python -m cleaner``. Waits are kept short with small delays and deadlines.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from cleaner import clean
from cleaner.sources.fetch.fetcher import FetchOptions, FetchOutcome, FetchSummary, fetch
from tests.conftest import SAMPLES, run_cli
from tests.webserver import (
    ARTICLE,
    Site,
    gzip_bomb,
    in_turn,
    page,
    redirect,
    reset_after,
    slow,
    unframed,
)

FAST = FetchOptions(delay=0, allow_private=True, backoff=0.01, deadline=5, connect_timeout=2, read_timeout=2)


@pytest.fixture
def serve() -> Iterator:
    started: list[Site] = []

    def start(address: str = "127.0.0.2", routes=None, default=None, tls=None) -> Site:
        site = Site(address, routes, default, tls)
        started.append(site)
        return site

    yield start
    for site in started:
        site.close()


def fetch_list(out: Path, urls: list[str], **changes) -> tuple[FetchSummary, dict[str, FetchOutcome]]:
    outcomes: list[FetchOutcome] = []
    summary = fetch(urls, out, dataclasses.replace(FAST, **changes), on_outcome=outcomes.append)
    return summary, {outcome.url: outcome for outcome in outcomes}


def sidecar(outcome_path: str | Path) -> dict:
    return json.loads(Path(outcome_path).with_suffix(".meta.json").read_text())


def robots(text: str):
    return page(text, content_type="text/plain")


# Politeness ---------------------------------------------------------------------------------------


def test_robots_txt_disallow_and_crawl_delay_are_obeyed(serve, tmp_path: Path) -> None:
    site = serve(
        routes={
            "/robots.txt": robots("User-agent: *\nDisallow: /private\nCrawl-delay: 1\n"),
            "/a": page(),
            "/b": page(),
            "/private/c": page(),
        }
    )
    urls = [f"{site.url}/a", f"{site.url}/private/c", f"{site.url}/b"]
    summary, outcomes = fetch_list(tmp_path, urls)
    assert site.paths() == ["/robots.txt", "/a", "/b"]
    assert outcomes[urls[1]].status == "robots" and summary.counts["robots"] == 1 and not summary.failed
    gaps = [after.started - before.ended for before, after in zip(site.log, site.log[1:], strict=False)]
    assert min(gaps) >= 1.0, gaps


def test_robots_rules_for_this_user_agent_apply_to_it_only(serve, tmp_path: Path) -> None:
    site = serve(routes={"/robots.txt": robots("User-agent: cleaner\nDisallow: /\n\nUser-agent: *\nAllow: /\n")})
    _, outcomes = fetch_list(tmp_path / "ours", [f"{site.url}/a"])
    assert outcomes[f"{site.url}/a"].status == "robots"
    _, outcomes = fetch_list(tmp_path / "other", [f"{site.url}/a"], user_agent="OtherBot/1.0 (+https://x.example)")
    assert outcomes[f"{site.url}/a"].status == "failed"  # allowed, and then a 404 from the test server
    assert site.paths().count("/robots.txt") == 2


def test_robots_txt_missing_allows_while_5xx_or_no_answer_skip_the_host(serve, tmp_path: Path) -> None:
    missing = serve("127.0.0.2", {"/a": page()})
    broken = serve("127.0.0.3", {"/robots.txt": page("down", status=503), "/a": page()})
    with socket.socket() as closed:  # a port nobody listens on once this socket is closed
        closed.bind(("127.0.0.4", 0))
        unreachable = f"http://127.0.0.4:{closed.getsockname()[1]}/a"
    summary, outcomes = fetch_list(tmp_path, [f"{missing.url}/a", f"{broken.url}/a", unreachable])
    assert missing.paths() == ["/robots.txt", "/a"] and outcomes[f"{missing.url}/a"].status == "fetched"
    assert broken.paths() == ["/robots.txt"]
    assert "robots.txt answered HTTP 503" in outcomes[f"{broken.url}/a"].reason
    assert outcomes[unreachable].kind == "robots.txt unreachable"
    assert summary.failures["robots.txt unreachable"] == 2


def test_one_request_at_a_time_per_host_spaced_by_the_delay_and_hosts_in_parallel(serve, tmp_path: Path) -> None:
    sites = [serve(f"127.0.0.{n}", default=slow(0.1, page())) for n in (2, 3)]
    urls = [f"{site.url}/p{i}" for i in range(4) for site in sites]
    summary, _ = fetch_list(tmp_path, urls, delay=0.3)
    assert summary.counts["fetched"] == 8
    for site in sites:
        assert site.paths() == ["/robots.txt", "/p0", "/p1", "/p2", "/p3"]
        for before, after in zip(site.log, site.log[1:], strict=False):
            assert after.started - before.ended >= 0.3  # the previous answer was over, then the delay passed
    first, second = sites
    assert second.log[0].started < first.log[-1].started and first.log[0].started < second.log[-1].started


def test_a_redirect_to_a_path_robots_txt_disallows_is_not_followed(serve, tmp_path: Path) -> None:
    site = serve(routes={"/robots.txt": robots("User-agent: *\nDisallow: /secret\n"), "/go": redirect("/secret")})
    _, outcomes = fetch_list(tmp_path, [f"{site.url}/go"])
    assert outcomes[f"{site.url}/go"].status == "robots"
    assert site.paths() == ["/robots.txt", "/go"]


# Robustness ---------------------------------------------------------------------------------------


def test_503_then_200_is_retried_and_404_is_not(serve, tmp_path: Path) -> None:
    site = serve(routes={"/flaky": in_turn(page("busy", status=503), page()), "/gone": page("no", status=404)})
    summary, outcomes = fetch_list(tmp_path, [f"{site.url}/flaky", f"{site.url}/gone"])
    assert outcomes[f"{site.url}/flaky"].status == "fetched"
    assert site.paths().count("/flaky") == 2 and site.paths().count("/gone") == 1
    gone = outcomes[f"{site.url}/gone"]
    assert gone.kind == "HTTP 404" and summary.failures == {"HTTP 404": 1}
    assert sidecar(outcomes[f"{site.url}/flaky"].path)["status"] == 200


def test_429_waits_for_retry_after_and_gives_up_on_a_longer_wait_than_the_cap(serve, tmp_path: Path) -> None:
    site = serve(
        routes={
            "/busy": in_turn(page("slow down", status=429, retry_after=1), page()),
            "/later": page("tomorrow", status=429, retry_after=3600),
        }
    )
    _, outcomes = fetch_list(tmp_path, [f"{site.url}/busy", f"{site.url}/later"])
    assert outcomes[f"{site.url}/busy"].status == "fetched"
    busy = [entry for entry in site.log if entry.path == "/busy"]
    assert busy[1].started - busy[0].ended >= 1.0
    later = outcomes[f"{site.url}/later"]
    assert later.kind == "HTTP 429" and "Retry-After 3600" in later.reason
    assert site.paths().count("/later") == 1


def test_redirects_are_followed_up_to_five_and_loops_are_stopped(serve, tmp_path: Path) -> None:
    routes = {f"/hop{i}": redirect(f"/hop{i + 1}") for i in range(7)}
    routes |= {"/hop7": page(), "/moved": redirect("/target"), "/target": page()}
    routes |= {"/loop-a": redirect("/loop-b"), "/loop-b": redirect("/loop-a")}
    site = serve(routes=routes)
    urls = [f"{site.url}/{name}" for name in ("moved", "loop-a", "hop0", "hop2")]
    _, outcomes = fetch_list(tmp_path, urls)
    moved = outcomes[urls[0]]
    assert moved.status == "fetched" and sidecar(moved.path)["final_url"] == f"{site.url}/target"
    assert outcomes[urls[1]].kind == "redirect loop"
    assert outcomes[urls[2]].kind == "too many redirects"
    assert outcomes[urls[3]].status == "fetched"  # five redirects: hop2 -> hop7
    assert site.paths().count("/loop-a") == 1 and site.paths().count("/hop6") == 1


def test_a_server_dripping_bytes_is_cut_off_by_the_deadline(serve, tmp_path: Path) -> None:
    site = serve(routes={"/drip": unframed((b"<p>more</p>" for _ in range(200)), every=0.1)})
    started = time.monotonic()
    _, outcomes = fetch_list(tmp_path, [f"{site.url}/drip"], deadline=0.6, read_timeout=2)
    assert time.monotonic() - started < 3
    drip = outcomes[f"{site.url}/drip"]
    assert drip.kind == "deadline" and "0.6 s deadline" in drip.reason
    assert site.paths().count("/drip") == 1  # a slow server is not asked again
    assert not list(tmp_path.rglob("*.html"))


def test_a_body_over_the_limit_is_refused_with_or_without_content_length(serve, tmp_path: Path) -> None:
    site = serve(
        routes={
            "/declared": page(ARTICLE * 400),
            "/undeclared": unframed(iter([b"<p>" + b"x" * 65536] * 40)),
        }
    )
    _, outcomes = fetch_list(tmp_path, [f"{site.url}/declared", f"{site.url}/undeclared"], max_bytes=100_000)
    declared, undeclared = outcomes[f"{site.url}/declared"], outcomes[f"{site.url}/undeclared"]
    assert declared.kind == undeclared.kind == "too large"
    assert "Content-Length" in declared.reason and "more than the 100,000-byte limit" in undeclared.reason
    assert not list(tmp_path.rglob("*.html"))


def test_a_gzip_bomb_is_stopped_not_inflated(serve, tmp_path: Path) -> None:
    bomb = gzip_bomb(512)  # 0.5 MB that inflates to 512 MiB
    site = serve(routes={"/bomb": page(bomb, content_encoding="gzip")})
    urls = tmp_path / "urls.txt"
    urls.write_text(f"{site.url}/bomb\n")
    report = tmp_path / "report.jsonl"
    command = [sys.executable, "-m", "cleaner", "fetch", urls, "--out", tmp_path / "out", "--allow-private"]
    with (tmp_path / "stderr.txt").open("wb") as stderr:
        process = subprocess.Popen([*command, "--max-bytes", "1000000", "--report", report], stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)  # the resources of this process alone
        process.returncode = os.waitstatus_to_exitcode(status)
    assert process.returncode == 1
    (line,) = map(json.loads, report.read_text().splitlines())
    assert line["kind"] == "too large" and "inflates to more than the 1,000,000-byte limit" in line["reason"]
    assert usage.ru_maxrss < 200_000, f"peak memory {usage.ru_maxrss} KB"  # inflating would take 512 MiB more


def test_non_html_answers_are_skipped_with_the_reason_in_the_sidecar(serve, tmp_path: Path) -> None:
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 8
    site = serve(
        routes={"/paper.pdf": page(pdf, content_type="application/pdf"), "/untyped": page(pdf, content_type=None)}
    )
    urls = [f"{site.url}/paper.pdf", f"{site.url}/untyped"]
    summary, outcomes = fetch_list(tmp_path, urls)
    assert summary.counts["not-html"] == 2 and not summary.failed
    assert "application/pdf is not HTML" in outcomes[urls[0]].reason
    (meta,) = [json.loads(p.read_text()) for p in tmp_path.rglob("*.meta.json") if "paper" in p.name]
    assert meta["skipped"] == "content type application/pdf is not HTML" and meta["url"] == urls[0]
    assert {p.suffix for p in tmp_path.rglob("*") if p.is_file()} == {".json"}  # no body written at all
    again, _ = fetch_list(tmp_path, urls)
    assert again.counts["present"] == 2 and len(site.log) == 3  # robots.txt and two pages, once each


def test_a_connection_reset_mid_body_is_retried_then_reported(serve, tmp_path: Path) -> None:
    site = serve(
        routes={
            "/reset": reset_after(b"<html><body>" + b"x" * 100, 10_000),
            "/once": in_turn(reset_after(b"<html>", 10_000), page()),
        }
    )
    _, outcomes = fetch_list(tmp_path, [f"{site.url}/reset", f"{site.url}/once"], retries=1)
    reset = outcomes[f"{site.url}/reset"]
    assert reset.kind == "connection error" and "2 attempts" in reset.reason
    assert site.paths().count("/reset") == 2
    assert outcomes[f"{site.url}/once"].status == "fetched"
    (html,) = tmp_path.rglob("*.html")
    assert "once" in html.name
    (failed,) = [p for p in tmp_path.rglob("*.meta.json") if "reset" in p.name]
    assert "connection broken" in json.loads(failed.read_text())["error"]


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
def test_a_certificate_that_does_not_verify_is_an_error_never_retried_unverified(serve, tmp_path: Path) -> None:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.2",
         "-addext", "subjectAltName=IP:127.0.0.2", "-keyout", tmp_path / "key.pem", "-out", tmp_path / "cert.pem"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    site = serve(default=page(), tls=context)
    _, outcomes = fetch_list(tmp_path / "out", [f"{site.url}/a"])
    outcome = outcomes[f"{site.url}/a"]
    assert outcome.kind == "TLS error" and "certificate verify failed" in outcome.reason
    assert site.log == [] and site.connections == 1


# Safety -------------------------------------------------------------------------------------------


def test_private_addresses_are_refused_however_they_are_written(serve, tmp_path: Path) -> None:
    site = serve("127.0.0.1", default=page())
    port = site.server_address[1]
    hosts = ["127.0.0.1", "127.1", "0x7f.1", "2130706433", "[::ffff:127.0.0.1]", "localhost"]
    urls = [f"http://{host}:{port}/x" for host in hosts]
    summary, outcomes = fetch_list(tmp_path, urls, allow_private=False)
    assert summary.failures == {"private address": len(hosts)}
    assert all("loopback" in outcomes[url].reason for url in urls)
    assert site.log == [] and site.connections == 0


def test_every_redirect_hop_is_checked_against_the_allowed_addresses(serve, tmp_path: Path) -> None:
    inner = serve("127.0.0.3", default=page())
    outer = serve("127.0.0.2", {"/go": redirect(f"{inner.url}/admin"), "/stay": redirect("/a"), "/a": page()})
    urls = [f"{outer.url}/go", f"{outer.url}/stay"]
    _, outcomes = fetch_list(tmp_path, urls, allow_private=False, allow_networks=("127.0.0.2/32",))
    assert outcomes[urls[0]].kind == "private address" and outcomes[urls[1]].status == "fetched"
    assert inner.connections == 0


def test_urls_cannot_put_files_outside_the_folder_or_onto_each_other(serve, tmp_path: Path) -> None:
    site = serve(default=page())
    paths = [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/a%2F..%2F..%2F..%2Fescape",
        "/..%5c..%5c..%5cwindows",
        "//evil.example/x",
        "/%00nul",
        "/?q=../../x",
        "/.hidden",
        "/" + "long-" * 300,
        "/a-b",
        "/a_b",
        "/A-B",
        "/a%2Db",
        "/a.b",
        "/",
    ]
    out = tmp_path / "out"
    summary, outcomes = fetch_list(out, [site.url + path for path in paths])
    assert summary.counts["fetched"] == len(outcomes) and not summary.failed
    files = sorted(out.rglob("*.html"))
    assert len(files) == len({outcome.path for outcome in outcomes.values()}) == len(outcomes)
    for file in files:
        assert file.parent.parent == out and file.resolve().is_relative_to(out.resolve())
        assert len(file.name) < 100
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    for outcome in outcomes.values():
        assert sidecar(outcome.path)["url"] == outcome.url


# Re-runs ------------------------------------------------------------------------------------------


def test_saved_pages_are_skipped_and_refresh_asks_whether_they_changed(serve, tmp_path: Path) -> None:
    def versioned(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("If-None-Match") == '"v1"':
            page(b"", status=304, content_type=None, etag='"v1"')(handler)
        else:
            page(etag='"v1"', last_modified="Mon, 02 Jun 2025 10:00:00 GMT")(handler)

    site = serve(routes={"/a": versioned, "/b": in_turn(page("<p>old</p>", etag='"b1"'), page("<p>new</p>"))})
    urls = [f"{site.url}/a", f"{site.url}/b"]
    _, first = fetch_list(tmp_path, urls)
    saved = Path(first[urls[0]].path)
    stamp = saved.stat().st_mtime_ns
    requests = len(site.log)

    again, _ = fetch_list(tmp_path, urls)
    assert again.counts["present"] == 2 and len(site.log) == requests  # not even robots.txt

    refreshed, outcomes = fetch_list(tmp_path, urls, refresh=True)
    assert outcomes[urls[0]].status == "not-modified" and refreshed.counts["fetched"] == 1
    asked = [entry.headers for entry in site.log if entry.path == "/a"][-1]
    assert asked["If-None-Match"] == '"v1"' and asked["If-Modified-Since"] == "Mon, 02 Jun 2025 10:00:00 GMT"
    assert saved.stat().st_mtime_ns == stamp and "checked_at" in sidecar(saved)
    assert Path(outcomes[urls[1]].path).read_text() == "<p>new</p>"


# Command line -------------------------------------------------------------------------------------


def test_a_url_list_with_garbage_lines_reports_each_and_fetches_the_rest(serve, tmp_path: Path) -> None:
    site = serve(routes={"/good": page()})
    garbage = [
        b"not a url",
        b"ftp://example.com/file",
        b"http://",
        b"javascript:alert(1)",
        b"http://exa mple.com/",
        b"http://bad\xff\xfehost.example/",
        b"http://[::1/",
        b"\x00\x01binary",
        b"https://example.com:99999/",
    ]
    urls = tmp_path / "urls.txt"
    urls.write_bytes(b"# my list\n\n   \n" + site.url.encode() + b"/good  \n" + b"\n".join(garbage) + b"\n")
    report = tmp_path / "report.jsonl"
    result = run_cli("fetch", urls, "--out", tmp_path / "out", "--allow-private", "--delay", "0", "--report", report)
    assert result.returncode == 1 and "Traceback" not in result.stderr_text
    lines = {line["line"]: line for line in map(json.loads, report.read_text().splitlines())}
    assert lines[4]["status"] == "fetched"
    assert {number: lines[number]["kind"] for number in range(5, 14)} == dict.fromkeys(range(5, 14), "invalid URL")
    assert "failed line 5: not a url: not a URL (contains spaces)" in result.stderr_text
    assert f"invalid URL: {len(garbage)}" in result.stderr_text.splitlines()[-1]
    assert len(list((tmp_path / "out").rglob("*.html"))) == 1


def test_run_writes_what_fetch_then_clean_write_and_cleans_while_fetching(serve, tmp_path: Path) -> None:
    cleaned_before_last: list[bool] = []

    def last(handler: BaseHTTPRequestHandler) -> None:  # answers once a page is cleaned, or after 10 s
        waited = time.monotonic()
        while not any((tmp_path / "one").rglob("*.clean.txt")) and time.monotonic() - waited < 10:
            time.sleep(0.05)
        cleaned_before_last.append(any((tmp_path / "one").rglob("*.clean.txt")))
        page()(handler)

    names = sorted(p.stem for p in (SAMPLES / "html").glob("*.html"))
    routes = {f"/{name}": page((SAMPLES / "html" / f"{name}.html").read_bytes()) for name in names}
    site = serve(routes={**routes, "/last": last})
    names.append("last")
    urls = [f"{site.url}/{name}" for name in names]
    report = tmp_path / "report.jsonl"
    listing = "".join(f"{url}\n" for url in urls).encode()
    command = ("run", "-", "--out", tmp_path / "one", "--allow-private", "--delay", "0", "-j", "2", "--report", report)
    result = run_cli(*command, stdin=listing)
    assert result.returncode == 0, result.stderr_text
    assert cleaned_before_last == [True]  # cleaning had begun while a page was still downloading
    fetch_list(tmp_path / "two", urls)  # the same, in two steps: fetch, then clean the folder
    assert clean([tmp_path / "two"], jobs=2).counts["cleaned"] == len(names)

    def written(root: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(root)): p.read_bytes()
            for p in root.rglob("*")
            if p.is_file() and not p.name.endswith(".meta.json") and not p.name.startswith(".cleaner-state")
        }

    one, two = written(tmp_path / "one"), written(tmp_path / "two")
    assert one == two and sum(name.endswith(".clean.txt") for name in one) == len(names)
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert [line["clean"]["status"] for line in lines] == ["cleaned"] * len(names)
    assert clean([tmp_path / "one"], jobs=1).counts["unchanged"] == len(names)  # run kept clean's state there
