"""``python -m camchar``: the same as the ``camchar`` command."""

import sys

from camchar.cli.main import main

sys.exit(main())
