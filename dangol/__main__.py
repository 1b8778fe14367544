import sys

from dangol.cli import main

sys.exit(main())
