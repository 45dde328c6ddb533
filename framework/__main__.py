"""``python -m camchar`` and the ``camchar`` command: Ctrl-C and SIGTERM are one line from the first moment.

Before the command line's own handling starts (while modules are still
being imported), and after it has finished, an interruption ends the
process with the one-line message and exit status 130 rather than a
traceback. Only the interpreter's own start-up, before this module runs,
is out of camchar's reach.
"""

import os
import signal
import sys

INTERRUPTED = b"camchar: error: interrupted; any existing output file is unchanged\n"


def _exit_interrupted(signum: int, frame: object) -> None:
    try:
        os.write(2, INTERRUPTED)
    except OSError:
        pass
    os._exit(130)


def run() -> None:
    """Run the ``camchar`` command line in this process and exit with its status."""
    signal.signal(signal.SIGINT, _exit_interrupted)
    signal.signal(signal.SIGTERM, _exit_interrupted)
    from camchar.cli.main import main

    status = main()
    # the run is over (its output is in place): an interruption now must not turn it into a failure
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.exit(status)


if __name__ == "__main__":
    run()
