"""``python -m routemap`` runs the command-line interface."""

import sys

from routemap.cli import main

if __name__ == "__main__":
    sys.exit(main())
