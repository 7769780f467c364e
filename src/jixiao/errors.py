"""The one exception type the faces turn into a clear Chinese message (never a traceback)."""

import re


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


def where_in_text(error: Exception) -> str:
    """"（第 3 行第 5 列）" for a parser's error that knows its place (lxml, ElementTree, tomllib), else ""."""
    position = getattr(error, "position", None)
    if isinstance(position, tuple) and len(position) == 2 and all(isinstance(n, int) for n in position):
        return f"（第 {position[0]} 行第 {position[1]} 列）"
    lineno, colno = getattr(error, "lineno", None), getattr(error, "colno", None)
    if isinstance(lineno, int) and lineno > 0:
        return f"（第 {lineno} 行" + (f"第 {colno} 列）" if isinstance(colno, int) and colno > 0 else "）")
    found = re.search(r"at line (\d+), column (\d+)", str(error))  # tomllib before Python 3.14
    return f"（第 {found[1]} 行第 {found[2]} 列）" if found else ""


def in_words(message: str, table: tuple, otherwise: str) -> str:
    """A library's English ``message`` said in Chinese: the words of the first entry of ``table``
    whose phrase (or one of its phrases) the message holds, else ``otherwise``."""
    for phrases, words in table:
        if any(p in message for p in ((phrases,) if isinstance(phrases, str) else phrases)):
            return words
    return otherwise


class NotReady(JixiaoError):
    """The input is readable but refused as it stands: the workbook still has 错误 and the
    package was not forced. A script tells it from an unusable file by the exit code."""

    exit_code = 3
