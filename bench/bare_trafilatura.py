"""The baseline of bench/speed.py: a bare trafilatura loop over a folder, as a user would write it.

    python bench/bare_trafilatura.py IN OUT [--fast | --auto] [--processes N]

Reads each .html file under IN, extracts its main text with trafilatura's defaults (comments off, as in
the quality benchmark), or with ``fast=True`` (what cleaner's auto mode runs first), or ``--auto``: fast,
then trafilatura's full extraction where fast's text fails the test cleaner's ``auto`` mode applies
(stages/extract.py: a fragment of the page's paragraphs, or mostly short lines); and writes ``<stem>.txt``
at the same place under OUT (not next to the pages, where cleaner would take them for text dumps to clean).
With ``--processes N`` the loop forks, once trafilatura is imported, into N processes that each take every N-th
file: what N cores give to the same work with no pool in between (bench/speed.py's ceiling for ``--jobs N``).
"""

import os
import sys
from pathlib import Path

import trafilatura


def auto_extract(html: str) -> str | None:
    """trafilatura in cleaner's auto mode: the same test, on the same tree, as extract.extract_text."""
    from cleaner.stages import extract  # its test only; the pages are not cleaned

    tree = trafilatura.load_html(html)
    if tree is None:
        return None
    text = trafilatura.extract(tree, include_comments=False, fast=True)
    if extract._visible_chars(text) < extract._FALLBACK_BELOW * extract._paragraphs(tree).chars:
        fuller = trafilatura.extract(tree, include_comments=False)
        return fuller if extract._visible_chars(fuller) > extract._visible_chars(text) else text
    if extract._menu_share(text) > extract._MENU_ABOVE:
        fuller = trafilatura.extract(tree, include_comments=False)
        return fuller if fuller and extract._menu_share(fuller) < extract._menu_share(text) else text
    return text


def extract_folder(source: Path, target: Path, mode: str = "default", share: int = 0, processes: int = 1) -> None:
    """Each ``processes``-th .html file under ``source`` from the ``share``-th on, its text extracted in ``mode``
    (default, fast or auto) and written under ``target``."""
    for path in sorted(source.rglob("*.html"))[share::processes]:
        html = path.read_text(encoding="utf-8", errors="replace")
        text = (
            auto_extract(html)
            if mode == "auto"
            else trafilatura.extract(html, include_comments=False, fast=mode == "fast")
        )
        output = target / path.relative_to(source).with_suffix(".txt")
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text or "", encoding="utf-8")


def main() -> None:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    mode = "fast" if "--fast" in sys.argv[3:] else "auto" if "--auto" in sys.argv[3:] else "default"
    processes = int(sys.argv[sys.argv.index("--processes") + 1]) if "--processes" in sys.argv else 1
    share, forked = 0, []
    for other in range(1, processes):
        if (child := os.fork()) == 0:
            share, forked = other, []
            break
        forked.append(child)
    extract_folder(source, target, mode, share, processes)
    for child in forked:
        if os.waitpid(child, 0)[1]:
            sys.exit(1)


if __name__ == "__main__":
    main()
