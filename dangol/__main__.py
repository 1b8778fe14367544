import sys

from dangol.cli import main

# `python -m dangol …` would otherwise call itself `__main__.py` (and Django says `python -m django`)
sys.exit(main(["dangol", *sys.argv[1:]]))
