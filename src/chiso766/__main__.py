"""``python -m chiso766``: the same as the ``chiso766`` command."""

import sys

from .cli import main

sys.exit(main())
