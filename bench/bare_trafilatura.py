"""The baseline of bench/speed.py: a bare trafilatura loop over a folder, as a user would write it.

    python bench/bare_trafilatura.py DIR

Reads each .html file, extracts its main text with trafilatura's defaults (comments off, as in the
quality benchmark), and writes ``<stem>.bare.txt`` next to it.
"""

import sys
from pathlib import Path

import trafilatura

for path in sorted(Path(sys.argv[1]).glob("*.html")):
    text = trafilatura.extract(path.read_text(encoding="utf-8", errors="replace"), include_comments=False)
    path.with_name(path.stem + ".bare.txt").write_text(text or "", encoding="utf-8")
