"""The one exception type the faces turn into a clear Chinese message (never a traceback)."""


class JixiaoError(Exception):
    """A problem the user can fix: bad input, unreadable file, refused output.

    The message is Chinese and complete; faces print it as is and exit with code 2.
    """

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = list(details or [])

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {d}" for d in self.details)
