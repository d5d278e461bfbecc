"""The ``cleaner`` command and ``python -m cleaner``.

A cleaning run starts the process its workers are forked from before the command line is even
imported: that process spends a third of a second importing the extractor and loading the rules, and
this way it does so while the command line loads, not after. Only a run over a folder starts it:
standard input and a single file are cleaned in this process.
"""

import os
import sys


def main() -> None:
    if sys.argv[1:2] == ["clean"] and any(os.path.isdir(arg) for arg in sys.argv[2:] if not arg.startswith("-")):
        from cleaner.engines.workers import prestart

        prestart()
    from cleaner.cli import main as run_command_line

    run_command_line()


if __name__ == "__main__":
    main()
