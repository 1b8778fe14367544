"""Django's SQLite backend, with the write transactions of one process taking turns before SQLite's write lock.

SQLite has one writer per database file. A connection whose `BEGIN IMMEDIATE` finds the write lock taken sleeps
in SQLite's busy handler (1, 2, 5, 10, 15, 20, 25 … ms) and looks again, so it wakes up to tens of ms after the
lock was freed, while nobody writes. Under a threaded server (gunicorn threads) the threads of one process met
there all the time: 14-25% of their time asleep (issue 18). Here the threads of a process queue on a lock of their
own, one per database file, before they ask SQLite, and the next one begins the moment the last one's transaction
ends; SQLite's busy handler is left to the waits between processes (the other web workers, the job worker).

The lock is taken at the outermost transaction's BEGIN (`atomic()`; savepoints take nothing) and given back when
that transaction is over: autocommit turned back on after its commit or rollback (how every atomic block ends, an
exception's included), the connection closed, or the connection dropped with its thread. It is taken only when
the transaction begins IMMEDIATE or EXCLUSIVE (settings), where SQLite itself takes the write lock at BEGIN, so it
never makes a connection wait for something SQLite would not have made it wait for. Not taken:
- for a database in memory (nothing else shares it);
- when this thread already holds it through another connection to the same file (waiting would be waiting for
  itself: SQLite answers, as it would have);
- past SQLite's busy timeout (OPTIONS["timeout"]): a thread that waited that long asks SQLite with no wait left,
  so a write blocked by a long transaction still fails with "database is locked" in the busy timeout, as it did
  without the lock, not in twice that. A thread whose turn came after a second or more asks SQLite with what is
  left of the busy timeout.
A process forked while another thread held a lock (gunicorn --preload, multiprocessing) starts with free locks.

Between processes (the other web workers, the job worker, a management command) the turn is a lock file next to the
database (`<file>-turn`, flock): the thread holding its process's turn takes it before BEGIN and gives it back with
the turn, so a writer of another process begins within a fraction of a millisecond of the last commit instead of up
to 100 ms later in SQLite's busy handler. Its wait is bounded by the busy timeout like the rest (flock itself has no
timeout: it is tried every 0.2–2 ms); the kernel frees it when the holder dies (kill -9 included); a process that
cannot open the file (a read-only folder) goes straight to SQLite, as do writers that do not use this backend.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from django.db.backends.sqlite3 import base

try:
    import fcntl
except ImportError:  # Windows (runserver only): the turn within the process is kept, none between processes
    fcntl = None  # type: ignore[assignment]

# The lock file's wait: tried again after this pause, doubled up to the longest (seconds).
_FILE_PAUSE, _FILE_PAUSE_MAX = 0.0002, 0.002

# A turn that came this late (seconds) leaves SQLite only what is left of the busy timeout; for a shorter wait the
# two PRAGMAs that would take are not worth it (the total stays within the busy timeout + this).
_LATE = 1.0

# django-stubs declare none of the private methods overridden below
_SQLiteWrapper: Any = base.DatabaseWrapper


class _Turn:
    """One database file's writer lock in this process, its lock file (the turn between processes), and the
    thread that holds them."""

    __slots__ = ("fd", "file_held", "holder", "lock", "path")

    def __init__(self, path: str) -> None:
        self.lock = threading.Lock()
        self.holder: int | None = None
        self.path = path
        self.fd: int | None = None  # the lock file, opened at the first turn; -1: it cannot be opened
        self.file_held = False

    def take_file(self, limit: float) -> bool:
        """The other processes' turn: the lock file, waited for at most `limit` seconds. True when it is held
        (or there is no lock file to take)."""
        if self.fd is None:
            if fcntl is None:
                self.fd = -1
                return True
            try:
                self.fd = os.open(f"{self.path}-turn", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            except OSError:
                self.fd = -1
        if self.fd < 0:
            return True
        deadline = time.monotonic() + limit
        pause = _FILE_PAUSE
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                time.sleep(min(pause, left))
                pause = min(pause * 2, _FILE_PAUSE_MAX)
                continue
            self.file_held = True
            return True

    def give_back(self) -> None:
        if self.file_held:
            self.file_held = False
            if fcntl is not None and self.fd is not None and self.fd >= 0:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.holder = None
        self.lock.release()


_turns: dict[str, _Turn] = {}
_turns_guard = threading.Lock()


def _turn(path: str) -> _Turn:
    turn = _turns.get(path)
    if turn is None:
        with _turns_guard:
            turn = _turns.setdefault(path, _Turn(path))
    return turn


def _free_turns_in_child() -> None:
    # Only the forking thread lives on in the child: a lock another thread held at the fork would never be released
    # there. A connection carried over releases the old lock object, which no one else in the child uses. The lock
    # files are closed, not unlocked: the open file is shared with the parent, whose lock an unlock would free.
    global _turns_guard
    for turn in _turns.values():
        if turn.fd is not None and turn.fd >= 0:
            os.close(turn.fd)
        turn.fd, turn.file_held = -1, False
    _turns.clear()
    _turns_guard = threading.Lock()


os.register_at_fork(after_in_child=_free_turns_in_child)


def _database_path(name: Any) -> str:
    text = os.fspath(name)
    if text.startswith("file:"):  # a URI filename (Django opens with uri=True)
        text = text[len("file:") :].split("?", 1)[0]
    return os.path.realpath(text)


class DatabaseWrapper(_SQLiteWrapper):
    _turn_path: str | None = None  # the file whose turns this connection takes; None: it takes none
    _turn_held: _Turn | None = None
    _busy_timeout = 5.0  # sqlite3.connect's default

    def get_new_connection(self, conn_params: Any) -> Any:
        conn = super().get_new_connection(conn_params)
        self._busy_timeout = float(conn_params.get("timeout", 5.0))
        takes_turns = self.transaction_mode in ("IMMEDIATE", "EXCLUSIVE") and not self.is_in_memory_db()
        self._turn_path = _database_path(self.settings_dict["NAME"]) if takes_turns else None
        return conn

    def _start_transaction_under_autocommit(self) -> None:
        waited = self._take_turn()
        try:
            if waited < _LATE:
                super()._start_transaction_under_autocommit()
            else:
                self._begin_within(self._busy_timeout - waited)
        except BaseException:
            self._end_turn()
            raise

    def _take_turn(self) -> float:
        """Wait for this file's turn (at most the busy timeout); returns the seconds waited."""
        path = self._turn_path
        if path is None or self._turn_held is not None:
            return 0.0
        turn = _turn(path)
        me = threading.get_ident()
        if turn.holder == me:
            return 0.0
        started = time.monotonic()
        if not turn.lock.acquire(blocking=False) and not turn.lock.acquire(timeout=self._busy_timeout):
            return self._busy_timeout
        turn.holder = me
        self._turn_held = turn
        if not turn.take_file(self._busy_timeout - (time.monotonic() - started)):
            return self._busy_timeout
        return time.monotonic() - started

    def _begin_within(self, seconds: float) -> None:
        self.connection.execute(f"PRAGMA busy_timeout = {max(0, int(seconds * 1000))}")
        try:
            super()._start_transaction_under_autocommit()
        finally:
            self.connection.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")

    def _end_turn(self) -> None:
        turn = self._turn_held
        if turn is not None:
            self._turn_held = None
            turn.give_back()

    def _end_turn_if_transaction_over(self) -> None:
        if self._turn_held is not None and (self.connection is None or not self.connection.in_transaction):
            self._end_turn()

    def _close(self) -> None:
        try:
            super()._close()
        finally:  # closing rolls back whatever was open
            self._end_turn()

    def _set_autocommit(self, autocommit: bool) -> None:
        # An atomic block ends by turning autocommit back on, after its commit or rollback (or after a failed
        # commit's rollback; sqlite3 commits whatever is still open then), and a new connection begins with it.
        try:
            super()._set_autocommit(autocommit)
        finally:
            self._end_turn_if_transaction_over()

    def __del__(self) -> None:
        # A connection dropped with its transaction open (its thread ended without closing it): SQLite's lock goes
        # with the sqlite3 connection, ours with the wrapper.
        self._end_turn()
