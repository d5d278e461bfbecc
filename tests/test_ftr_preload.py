"""A run's --rules folder is loaded once, by the process batch workers are forked from (engines/warm.py):
real worker processes find it among their loaded catalogs and never read or parse the folder again.

Timing-free: each worker reports the counters of its catalog cache (``load_catalog.cache_info()``)
before and after asking for the folder's catalog, as the pipeline does for every document."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cleaner.__main__
from cleaner.rules import RULES_ENV

# imported by the workers (the tasks name it), from a folder put on their path
PROBE = """
import os
from pathlib import Path

from cleaner.rules import load_catalog


def catalog_in_worker(folder):
    before = load_catalog.cache_info()
    catalog = load_catalog((Path(folder),))
    after = load_catalog.cache_info()
    return {"pid": os.getpid(), "loaded_before": before.currsize, "loads": after.misses - before.misses,
            "ftr_files": sum(r.ftr for r in catalog.rulesets)}
"""
# the batch engines' own worker pool, with 2 workers and 4 tasks
RUN = """
import json, os, sys
from cleaner.engines.workers import Failure, ordered_map
import probe
results = [r for _, r in ordered_map(probe.catalog_in_worker, [sys.argv[1]] * 4, jobs=2, timeout=120)]
print(json.dumps({"parent": os.getpid(), "results": [r if isinstance(r, dict) else r.reason for r in results]}))
"""


def _workers_report(tmp_path: Path, folder: Path, *, preload: bool) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if k != RULES_ENV}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH")]))
    if preload:
        env[RULES_ENV] = str(folder)
    completed = subprocess.run(
        [sys.executable, "-c", RUN, str(folder)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert all(isinstance(r, dict) and r["pid"] != report["parent"] for r in report["results"]), report
    return report["results"]


def test_workers_start_with_the_rules_folder_loaded(tmp_path: Path) -> None:
    assert cleaner.__main__._RULES_ENV == RULES_ENV  # what `cleaner ... --rules DIR` sets for the forkserver
    (tmp_path / "probe.py").write_text(PROBE)
    folder = tmp_path / "ftr"
    folder.mkdir()
    (folder / "global.txt").write_text("strip_id_or_class: sharedaddy\n")
    (folder / "example.com.txt").write_text("body: //article\nstrip: //aside\n")

    preloaded = _workers_report(tmp_path, folder, preload=True)
    # shipped rules and the folder: both in the cache the worker was forked with; its own call loads nothing
    assert [(r["loaded_before"], r["loads"], r["ftr_files"]) for r in preloaded] == [(2, 0, 2)] * 4

    # the counters tell: without the folder named for the forkserver, each worker loads it once itself
    alone = _workers_report(tmp_path, folder, preload=False)
    first_tasks = [next(r for r in alone if r["pid"] == pid) for pid in {r["pid"] for r in alone}]
    assert [(r["loaded_before"], r["loads"]) for r in first_tasks] == [(1, 1)] * len(first_tasks)
    assert sum(r["loads"] for r in alone) == len(first_tasks)
