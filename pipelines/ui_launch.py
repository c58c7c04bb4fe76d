"""``make ui``'s launcher: ``python -m pipelines.ui_launch dg dev …`` becomes ``dg dev`` with SIGINT restored.

``dg dev`` stops its webserver and daemon on SIGTERM by handing it to its SIGINT handler (Dagster's
``setup_interrupt_handlers``). A shell that starts a command in the background (``make ui &`` in a script, nohup,
some service managers) starts it with SIGINT ignored, POSIX says such a shell cannot undo that, and Python keeps an
ignored SIGINT ignored: ``dg dev`` then ignored SIGTERM too, and kept serving after ``make ui`` was stopped. This
resets SIGINT to its default and replaces itself by the command (same pid: the Makefile ``exec``s it, so it is the
child that make passes SIGTERM on to).
"""

import os
import signal
import sys


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit("usage: python -m pipelines.ui_launch COMMAND [ARG…]")
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # a default disposition survives exec; an ignored one would too
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    main(sys.argv[1:])
