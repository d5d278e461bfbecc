"""The ``cleaner`` command and ``python -m cleaner``.

A cleaning run starts the process its workers are forked from before the command line is even
imported: that process spends a third of a second importing the extractor and loading the rules, and
this way it does so while the command line loads, not after.
"""

import sys


def main() -> None:
    if sys.argv[1:2] == ["clean"]:
        from cleaner.engines.workers import prestart

        prestart()
    from cleaner.cli import main as run_command_line

    run_command_line()


if __name__ == "__main__":
    main()
