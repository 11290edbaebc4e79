"""How a long command shows where it is: one line rewritten in place on a terminal, plain
lines where the output goes to a file or a pipe (cron mail, logs)."""
from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty()
        self._shown = 0  # characters of the updating line now on the terminal

    def show(self, text: str) -> None:
        if self.tty:
            self.stream.write("\r" + text.ljust(self._shown))
            self._shown = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *_exc) -> None:
        self.end()

    def end(self) -> None:
        """Leave the updating line as it is; what is printed next starts on a line of its own."""
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = 0


def every(total: int, steps: int = 20) -> int:
    """How many items between two reports, for about ``steps`` reports over ``total``."""
    return max(1, total // steps)
