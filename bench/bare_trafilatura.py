"""The baseline of bench/speed.py: a bare trafilatura loop over a folder, as a user would write it.

    python bench/bare_trafilatura.py IN OUT [--fast]

Reads each .html file under IN, extracts its main text with trafilatura's defaults (comments off, as in
the quality benchmark), or with ``fast=True`` (what cleaner's auto mode runs first), and writes
``<stem>.txt`` at the same place under OUT (not next to the pages, where cleaner would take them for
text dumps to clean).
"""

import sys
from pathlib import Path

import trafilatura

source, target = Path(sys.argv[1]), Path(sys.argv[2])
fast = "--fast" in sys.argv[3:]
for path in sorted(source.rglob("*.html")):
    text = trafilatura.extract(path.read_text(encoding="utf-8", errors="replace"), include_comments=False, fast=fast)
    output = target / path.relative_to(source).with_suffix(".txt")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text or "", encoding="utf-8")
