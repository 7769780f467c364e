"""The one exception type the faces turn into a clear Chinese message (never a traceback)."""


class JixiaoError(Exception):
    """A problem the user can fix: bad input, unreadable file, refused output.

    The message is Chinese and complete; faces print it as is and exit with ``exit_code``.
    """

    exit_code = 2  # the input cannot be used

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = list(details or [])

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {d}" for d in self.details)


class NotReady(JixiaoError):
    """The input is readable but refused as it stands: the workbook still has 错误 and the
    package was not forced. A script tells it from an unusable file by the exit code."""

    exit_code = 3
