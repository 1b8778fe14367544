import sys

from dangol.analytics.cli import main

sys.exit(main())
