"""The ``cleaner`` command and ``python -m cleaner``.

A cleaning run starts the process its workers are forked from before the command line is even
imported: that process spends a third of a second importing the extractor and loading the rules, and
this way it does so while the command line loads, not after. Only a first run over a folder, or one with
``--force``, starts it early: standard input and a single file are cleaned in this process, and a folder
that was cleaned before (it holds a state file) probably has little to clean, so its workers start when a
file needs it.
"""

import os
import sys

_STATE_NAME = ".cleaner-state.sqlite"  # engines.state.STATE_NAME, without importing it here
_RULES_ENV = "CLEANER_PRELOAD_RULES"  # rules.RULES_ENV


def main() -> None:
    # the --rules folders, loaded once by the process workers are forked from (engines/warm.py)
    rules = [value for flag, value in zip(sys.argv, sys.argv[1:], strict=False) if flag == "--rules"]
    rules += [arg.removeprefix("--rules=") for arg in sys.argv if arg.startswith("--rules=")]
    if rules:
        os.environ[_RULES_ENV] = os.pathsep.join(rules)
    folders = [arg for arg in sys.argv[2:] if not arg.startswith("-") and os.path.isdir(arg)]
    first_run = any(not os.path.exists(os.path.join(f, _STATE_NAME)) for f in folders)
    if sys.argv[1:2] == ["clean"] and folders and (first_run or "--force" in sys.argv):
        from cleaner.engines.workers import prestart

        prestart()
    from cleaner.cli import main as run_command_line

    run_command_line()


if __name__ == "__main__":
    main()
