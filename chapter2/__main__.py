"""Entry point for ``python -m chapter2``; see :mod:`chapter2.cli`."""

import sys

from chapter2.cli import main

sys.exit(main())
