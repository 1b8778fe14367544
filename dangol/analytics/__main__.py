import sys

from dangol.analytics.cli import run

sys.exit(run())
