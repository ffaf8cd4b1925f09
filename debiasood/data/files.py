"""Files on disk: the cache folder, atomic writes, locks and memoised file hashes.

Shared by the feature store, the corpus presets, the encoders (checkpoint ids) and the feature bundles, so that
none of them has to import another just for these helpers.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

_HASH_CHUNK = 8 << 20  # stream weight files in 8 MiB pieces: never hold a multi-GB checkpoint in memory


def default_cache_root() -> Path:
    """``$DEBIASOOD_CACHE``, else ``$XDG_CACHE_HOME/debiasood``, else ``~/.cache/debiasood`` (read at call time)."""
    explicit = os.environ.get("DEBIASOOD_CACHE")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    # The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "debiasood"


class CacheRootError(ValueError):
    """The cache folder cannot be used; the message names the setting it came from and what to do."""


def cache_root_source() -> str:
    """Which setting chose :func:`default_cache_root`, for messages: ``DEBIASOOD_CACHE='...'``, ... ."""
    if os.environ.get("DEBIASOOD_CACHE"):
        return f"DEBIASOOD_CACHE={os.environ['DEBIASOOD_CACHE']!r}"
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return f"XDG_CACHE_HOME={xdg!r} (DEBIASOOD_CACHE is not set)"
    return "the default ~/.cache/debiasood (DEBIASOOD_CACHE is not set)"


def check_cache_root(root: str | os.PathLike | None = None) -> Path:
    """Make sure the cache folder (default :func:`default_cache_root`) exists and this process can write to it,
    creating it if needed; return it. Meant to run once at start-up, so that a cache variable pointing at a
    file or at a place this user cannot write to is one clear :class:`CacheRootError` naming the variable, not a
    traceback from deep inside the first write.
    """
    path = Path(root).expanduser() if root is not None else default_cache_root()
    source = cache_root_source() if root is None else f"the cache folder {str(path)!r}"
    fix = ("set DEBIASOOD_CACHE to a folder you can write to (it is created if missing), or unset it to use "
           "~/.cache/debiasood")
    if path.exists() and not path.is_dir():
        raise CacheRootError(f"{source} points at a file, not a folder: the feature cache needs a folder; {fix}")
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=path, prefix=".write-test-")
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise CacheRootError(f"{source}: the cache folder {str(path)!r} cannot be created or written to "
                             f"({err.strerror or err}); {fix}") from err
    return path


def sha256_hex(data: bytes | memoryview) -> str:
    return hashlib.sha256(data).hexdigest()


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable: without it a crash can lose the directory entry.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see either the old file or the complete new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        # Also on KeyboardInterrupt: never leave temporary files behind.
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


@contextmanager
def exclusive_lock(lock_path: Path) -> Iterator[None]:
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


@dataclass
class _HashMemo:
    """What the weights-hash memo stores per file (see :func:`file_sha256`)."""

    path: str
    size: int
    mtime_ns: int
    sha256: str


def file_sha256(path: str | os.PathLike, *, root: str | os.PathLike | None = None) -> str:
    """sha256 of a (weights) file, memoised under ``<root>/file-hashes`` by path, size and mtime.

    A multi-GB checkpoint is hashed once; after that, its id costs a ``stat``. The memo is only a shortcut:
    if it is missing, stale or unreadable the file is simply hashed again.
    """
    real = os.path.realpath(path)
    stat = os.stat(real)
    memo_path = (Path(root).expanduser() if root is not None else default_cache_root()) / "file-hashes"
    memo_path = memo_path / f"{sha256_hex(real.encode())[:32]}.json"
    try:
        memo = _HashMemo(**json.loads(memo_path.read_text(encoding="utf-8")))
        if (memo.path, memo.size, memo.mtime_ns) == (real, stat.st_size, stat.st_mtime_ns):
            return memo.sha256
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, TypeError):
        pass  # no usable memo: hash the file below, which is always correct
    digest = hashlib.sha256()
    with open(real, "rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    memo = _HashMemo(path=real, size=stat.st_size, mtime_ns=stat.st_mtime_ns, sha256=digest.hexdigest())
    after = os.stat(real)
    if (after.st_size, after.st_mtime_ns) == (stat.st_size, stat.st_mtime_ns):
        # Only memoise a hash of a file that did not change while it was being read.
        try:
            atomic_write_bytes(memo_path, json.dumps(asdict(memo)).encode())
        except OSError:
            pass  # a read-only cache only costs rehashing next time
    return memo.sha256
