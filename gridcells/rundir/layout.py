"""Run directories: one training at a time, and telling a run that never started from one
that holds results.

* :class:`FolderLock`: an exclusive ``flock`` on a lock file in a folder, held while a
  process writes there. The kernel drops it when the process ends, however it ends (kill -9
  included), so a lock can never be stale; the file only records the last holder (its
  process id, and whatever else :meth:`FolderLock.holder` adds) for the error message, and
  stays. :class:`RunLock` (``<run_dir>/.lock``, one training per run directory) is one; the
  sweep's lock on its folder (:class:`gridcells.sweep.client.SweepLock`) is another.
* :func:`unstarted`: a directory that holds only what a run writes before its first
  checkpoint (``config.yaml``, ``provenance.json``, temporary files, an unfinished epoch
  folder) can be started again: nothing in it is a result.

The records a run keeps beside its weights (history, gridness, provenance) are in
:mod:`gridcells.rundir.history`; this module imports nothing heavy (no torch), so the lock can
be taken by a process that only checks a directory.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

LOCK_NAME = ".lock"
# what a run writes before its first complete checkpoint (history files come with it)
UNSTARTED_NAMES = frozenset({LOCK_NAME, "config.yaml", "provenance.json", "history.csv",
                             "gridness.csv", "checkpoints"})
_TEMPORARY = re.compile(r"^\..*\.tmp$|^\.epoch_\d+\.partial$")


class RunDirError(ValueError):
    """The run directory cannot be used as asked (would overwrite, in use, nothing to
    resume)."""


def entries(run_dir: str | Path) -> list[Path]:
    """What a run directory holds, the lock file left out (empty if it does not exist)."""
    run = Path(run_dir)
    if not run.is_dir():
        return []
    return [p for p in run.iterdir() if p.name != LOCK_NAME]


def unstarted(run_dir: str | Path) -> bool:
    """True when ``run_dir`` exists and holds only what a run leaves before its first
    complete checkpoint (so starting it again loses no result)."""
    run = Path(run_dir)
    if not run.is_dir():
        return False
    for p in entries(run):
        if _TEMPORARY.match(p.name):
            continue
        if p.name not in UNSTARTED_NAMES:
            return False
        if p.name == "checkpoints":
            if not p.is_dir() or any(not (_TEMPORARY.match(c.name) or c.name == "latest")
                                     for c in p.iterdir()):
                return False
    return True


class FolderLock:
    """Exclusive lock of a folder (see the module docstring). Subclasses name the lock file
    (``name``), who holds it (``user``), the kind of folder (``place``), the error raised
    when another process holds it (``error``) and what the file records (:meth:`holder`)."""

    name = LOCK_NAME
    user = "training"
    place = "run directory"
    error: type[Exception] = RunDirError

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.path = self.folder / self.name
        self._fd: int | None = None
        self.created = False

    def holder(self) -> str:
        """What the lock file records about this process (shown to a refused one)."""
        return str(os.getpid())

    def acquire(self) -> FolderLock:
        """Take the lock (creating the folder); ``error`` naming the holder if another
        process has it."""
        import fcntl

        self.folder.mkdir(parents=True, exist_ok=True)
        while True:
            self.created = not self.path.exists()
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
                try:
                    holder = self.path.read_text().strip() or "unknown"
                except OSError:
                    holder = "unknown"
                raise self.error(f"{self.place} {str(self.folder)!r} is in use by another "
                                 f"{self.user} (process {holder}; lock {str(self.path)!r}); "
                                 f"wait for it to end or choose another {self.place}") from None
            try:  # locked a file another process removed meanwhile (see discard): again
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{self.holder()}\n".encode())
        self._fd = fd
        return self

    def discard(self) -> None:
        """Release, removing the lock file if this lock created it (a refused process
        leaves the folder as it found it)."""
        if self._fd is not None and self.created:
            self.path.unlink(missing_ok=True)  # while still held: see the check in acquire
        self.release()

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()

    def __del__(self):
        self.release()


class RunLock(FolderLock):
    """One training per run directory: ``<run_dir>/.lock``.

    >>> lock = RunLock("runs/mine").acquire()   # RunDirError if another process holds it
    >>> lock.release()
    """

    @property
    def run_dir(self) -> Path:
        return self.folder


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp_path)`` then rename the temporary file onto ``path`` atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (:func:`atomic_write`)."""
    atomic_write(path, lambda p: p.write_text(text))
