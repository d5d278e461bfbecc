"""How long loading a folder of ftr-site-config files takes, and resolving a document against it.

CPU time is reported next to wall time: on a shared machine it is the steadier figure.

Writes N synthetic site config files (default 2,000, about the size of fivefilters/ftr-site-config) in
the real syntax to a temporary folder, then times ``load_catalog`` and ``resolve``:

    python bench/ftr_load.py [--files 2000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from cleaner.document import Document
from cleaner.rules import load_catalog
from cleaner.stages.decode import decode
from cleaner.stages.resolve import resolve

_CONFIG = """# Site config for {host}
title: //h1[contains(concat(' ',normalize-space(@class),' '),' headline ')]
author: //meta[@name="author"]/@content
date: //meta[@property="article:published_time"]/@content
body: //div[contains(concat(' ',normalize-space(@class),' '),' article-body ')]
body: //article
strip: //div[@id='comments-{n}']
strip: //aside[contains(@class, 'related')]
strip_id_or_class: donation-box-{n}
strip_id_or_class: share-tools
strip_image_src: pixel.{host}
find_string: <amp-img
replace_string: <img
prune: no
tidy: no
single_page_link: //a[@class='print-{n}']
test_url: https://{host}/2024/01/story-{n}
test_contains: A sentence of story {n}
"""


def write_configs(folder: Path, count: int) -> list[str]:
    hosts = []
    for n in range(count):
        host = f"site{n}.example" if n % 4 else f".site{n}.example"
        hosts.append(host.lstrip(".") if n % 4 else f"news{host}")
        (folder / f"{host}.txt").write_text(_CONFIG.format(host=host.lstrip("."), n=n), encoding="utf-8")
    return hosts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        hosts = write_configs(folder, args.files)
        started, started_cpu = time.perf_counter(), time.process_time()
        catalog = load_catalog((folder,))
        loaded, loaded_cpu = time.perf_counter() - started, time.process_time() - started_cpu
        page = "<html><head><title>T</title></head><body><article><p>Text.</p></article></body></html>"
        started = time.perf_counter()
        for host in hosts:
            doc = Document(source="bench", kind="html", content=page, url=f"https://www.{host}/a")
            decode(doc)
            resolve(doc, catalog)
            assert len(doc.rulesets) >= 2, host
        resolved = time.perf_counter() - started
    print(
        f"{args.files} ftr files: load_catalog {loaded:.2f} s wall, {loaded_cpu:.2f} s CPU "
        f"({loaded_cpu / args.files * 1000:.2f} ms CPU per file)"
    )
    print(f"{len(catalog.warnings)} warning lines")
    print(f"decode + resolve of {len(hosts)} documents: {resolved / len(hosts) * 1000:.3f} ms per document")


if __name__ == "__main__":
    main()
