"""Build every PDF of every campaign: `python build.py --help` for the options."""

import sys

from healthprint.cli import main

if __name__ == "__main__":
    sys.exit(main())
