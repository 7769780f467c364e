"""Writing outputs safely: every file jixiao writes appears whole or not at all."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path

from .errors import JixiaoError


# What the person must do about a failed write, by the system's reason.
_WRITE_FAILURES = {
    errno.ENOSPC: "磁盘空间不足，请清理磁盘或换一个位置保存",
    errno.EDQUOT: "磁盘配额已用完，请清理后再试",
    errno.EFBIG: "文件超过了系统允许的大小",
    errno.EROFS: "该位置是只读的，请换一个可写的文件夹",
    errno.EACCES: "没有写入该位置的权限，请换一个文件夹或请管理员开通权限",
    errno.EPERM: "没有写入该位置的权限，请换一个文件夹或请管理员开通权限",
    errno.ENAMETOOLONG: "文件名或路径过长，请缩短名称或换一个较浅的文件夹",
    errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
    errno.EEXIST: "已有同名的文件（路径中有一段是文件而不是文件夹？）",
    errno.ENOENT: "路径中的文件夹不存在",
    errno.EISDIR: "该路径是一个文件夹",
    errno.EBUSY: "文件正被其他程序占用（例如在 Excel 中打开），请关闭后再试",
    errno.EIO: "磁盘读写出错，请检查磁盘或换一个位置保存",
    errno.EINVAL: "文件名中有系统不允许的字符",
}


def _system_said(error: OSError) -> str:
    """The system's reason when no sentence above fits: its error code, which a technician can look
    up, rather than its English text."""
    code = errno.errorcode.get(error.errno) if error.errno is not None else None
    return f"系统拒绝了这一操作（错误代码 {code}）" if code else "系统拒绝了这一操作"


class WriteError(JixiaoError):
    """An output the system refused; ``reason`` says why in words the person can act on."""

    def __init__(self, path: str | Path, reason: str):
        super().__init__(f"无法写入 {path}：{reason}。")
        self.reason = reason


def write_failure(error: OSError, path: str | Path) -> WriteError:
    """One Chinese sentence for an OSError met while writing ``path``."""
    return WriteError(path, _WRITE_FAILURES.get(error.errno) or _system_said(error))


def write_bytes(path: str | Path, data: bytes) -> Path:
    """``data`` written to ``path`` whole or not at all."""
    with atomic_output(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def refuse_overwriting_input(output: str | Path, *inputs: str | Path | None) -> None:
    """No command writes over a file it reads: an output that is one of its inputs (by any name,
    a link included) is refused before anything is read."""
    output = Path(output)
    if not output.exists():
        return
    for source in inputs:
        if source is None or not Path(source).exists():
            continue
        with contextlib.suppress(OSError):
            if os.path.samefile(output, source):
                raise JixiaoError(f"输出文件就是输入文件（{output}）：jixiao 不会覆盖输入。请换一个输出文件名"
                                  f"（重算可用 --in-place，会先备份原文件）")


def _new_file_mode() -> int:
    """The mode a new file gets under the process's umask (as open() would give it)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def require_regular_file(path: Path) -> None:
    """Refuse, with the reason, what cannot be read as a file: a pipe, a device or a socket
    (reading one can wait forever), a link to nothing, a file without read permission."""
    if path.is_symlink() and not path.exists():
        raise JixiaoError(f"链接失效（指向的文件不存在，或链接绕成了环）：{path}")
    if path.exists() and not path.is_dir() and not path.is_file():
        raise JixiaoError(f"这不是普通文件（可能是管道、设备或套接字），拒绝读取：{path}")
    if path.is_file() and not os.access(path, os.R_OK):
        raise JixiaoError(f"无读取权限：{path}")


# Why the system refused to read or list something, in words the person can act on.
_OS_REASONS = {errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.ENOENT: "找不到该文件或文件夹",
               errno.ELOOP: "链接绕成了环", errno.EIO: "磁盘读写出错", errno.ENAMETOOLONG: "路径过长",
               errno.ENOSPC: "磁盘空间不足", errno.EROFS: "该位置是只读的", errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
               errno.EISDIR: "这是一个文件夹，不是文件", errno.EBUSY: "文件正被其他程序占用，请关闭后再试",
               errno.ECONNREFUSED: "连接被拒绝", errno.ECONNRESET: "连接被对方断开", errno.ENETUNREACH: "网络不通",
               errno.EHOSTUNREACH: "连不上对方主机", errno.ETIMEDOUT: "连接超时"}


def os_reason(error: OSError) -> str:
    return _OS_REASONS.get(error.errno) or _system_said(error)


def os_failure(error: OSError) -> JixiaoError:
    """One Chinese sentence for an OSError met outside a write jixiao guards (reading a file,
    listing a folder): what the system said, in words the person can act on."""
    return JixiaoError(f"无法处理 {error.filename or '文件'}：{os_reason(error)}。")


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one step.

    On any error the temporary file is removed and ``path`` is left as it was (absent, or the
    previous version), so a failed run never leaves a half-written file behind.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise JixiaoError(f"输出文件夹不存在：{folder}")
    if path.is_dir():
        raise JixiaoError(f"输出路径是一个文件夹：{path}")
    try:
        # The temporary name keeps a short prefix of the name: a name near the system's limit
        # must not fail for the suffix alone.
        import tempfile  # only a command that writes needs it (it brings random and hashlib)

        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise write_failure(e, path) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp makes the file 0600; the output gets the mode a file written in place would have:
        # the old file's when replacing one, else what the umask allows
        try:
            mode = path.stat().st_mode & 0o7777 if path.exists() else _new_file_mode()
        except OSError:
            mode = _new_file_mode()
        with contextlib.suppress(OSError):
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        # A writer library wraps the system's refusal in its own error (XlsxWriter's FileCreateError)
        cause = next((x for x in (e, e.__cause__, e.__context__) if isinstance(x, OSError)), None)
        if cause is not None and not isinstance(e, JixiaoError):
            raise write_failure(cause, path) from None
        raise
