"""Adapters for ../shared/eval/score_aeb.py: F1 with and without a real ftr-site-config folder, site rules on
and each page's URL given, as a crawl that knows its URLs runs. Run from the repository root:

    python ../shared/eval/score_aeb.py --set aeb --extractor bench.ftr_quality:shipped \
        --extractor bench.ftr_quality:folder          # and --set fundus

The folder is ``$FTR_SITE_CONFIG``, else ``../shared/ftr-site-config``. A page that fails raises (the scorer
counts it as failing).
"""

from __future__ import annotations

import os
from pathlib import Path

from cleaner import Options, clean_bytes

FOLDER = Path(os.environ.get("FTR_SITE_CONFIG", "../shared/ftr-site-config"))


def _adapter(options: Options, doc: str):
    def clean(html: str, url: str | None = None) -> str:
        return clean_bytes(html.encode("utf-8"), source="<eval>", url=url, options=options).text

    clean.__doc__ = doc
    return clean


shipped = _adapter(Options(site_rules=True), "cleaner, the shipped rules, site rules on, the page's URL given.")
folder = _adapter(
    Options(site_rules=True, rules_dirs=(FOLDER,)), "the same, with the ftr-site-config folder (--rules)."
)
