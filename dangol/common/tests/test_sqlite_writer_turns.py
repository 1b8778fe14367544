"""dangol.common.db.sqlite: on SQLite the write transactions of one process take turns before SQLite's write lock
(the next one begins the moment the last one ends, instead of sleeping in SQLite's busy handler); the turn passes
on however a transaction ends; nothing waits for itself; on PostgreSQL nothing is serialised (issue 18)."""

from __future__ import annotations

import fcntl
import gc
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction

from dangol.common.db.sqlite import base

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single writer")


def _began(log: list[str]) -> Callable[..., Any]:
    """An execute wrapper that notes which thread sent a BEGIN (SQLite's is a statement; PostgreSQL's is not)."""

    def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.startswith("BEGIN"):
            log.append(threading.current_thread().name)
        return execute(sql, params, many, context)

    return watch


def _in_thread(target: Callable[[], None], name: str) -> threading.Thread:
    def run() -> None:
        try:
            target()
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


def _ours() -> Any:
    return Group.objects.filter(name__startswith="t: ")  # the roles' groups are there already


def _writes_promptly(name: str) -> bool:
    """Another thread stores a row in its own transaction within 5 s (a turn left held would keep it 20 s)."""

    def write() -> None:
        with transaction.atomic():
            Group.objects.create(name=name)

    thread = _in_thread(write, "writer")
    thread.join(5)
    done = not thread.is_alive()
    thread.join()
    return done and Group.objects.filter(name=name).exists()


@pytest.fixture
def second_connection() -> Iterator[Callable[..., Any]]:
    """Another connection to the test database, as a second alias pointing at the same file would open."""
    opened: list[Any] = []

    def open_one(timeout: float) -> Any:
        settings = {
            **connection.settings_dict,
            "OPTIONS": {**connection.settings_dict["OPTIONS"], "timeout": timeout},
        }
        other = type(connections[DEFAULT_DB_ALIAS])(settings, alias="second")
        opened.append(other)
        return other

    yield open_one
    for other in opened:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_two_threads_writing_take_turns_on_sqlite_and_do_not_wait_on_postgresql():
    inside, release = threading.Event(), threading.Event()
    began: list[str] = []

    def first() -> None:
        with connection.execute_wrapper(_began(began)), transaction.atomic():
            Group.objects.create(name="t: first")
            with transaction.atomic():  # a savepoint: no second turn, and its end does not pass the turn on
                Group.objects.create(name="t: first, inner")
            inside.set()
            release.wait(10)

    def second() -> None:
        with connection.execute_wrapper(_began(began)), transaction.atomic():
            Group.objects.create(name="t: second")

    one = _in_thread(first, "first")
    assert inside.wait(10)
    two = _in_thread(second, "second")
    sqlite = connection.vendor == "sqlite"
    two.join(0.5 if sqlite else 10)
    began_meanwhile, second_done_meanwhile = list(began), not two.is_alive()
    release.set()
    one.join(10)
    two.join(10)
    assert _ours().count() == 3
    if sqlite:
        assert began_meanwhile == ["first"]  # the second waited in the process, not in SQLite's busy handler
        assert began == ["first", "second"]
    else:
        assert second_done_meanwhile  # PostgreSQL: row locks only, the second did not wait for the first


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_the_turn_passes_on_when_a_transaction_fails_is_closed_or_its_thread_ends_without_closing():
    with pytest.raises(RuntimeError), transaction.atomic():
        Group.objects.create(name="t: rolled back")
        raise RuntimeError("mid-transaction")
    assert _writes_promptly("t: after an error")

    with transaction.atomic():
        Group.objects.create(name="t: lost with the connection")
        connection.close()  # SQLite rolls back what was open
    assert _writes_promptly("t: after a close")

    def leave_open() -> None:  # the thread ends inside its transaction, its connection never closed
        transaction.atomic().__enter__()
        Group.objects.create(name="t: never committed")

    abandoned = threading.Thread(target=leave_open)
    abandoned.start()
    abandoned.join()
    del abandoned
    gc.collect()  # the dropped connection goes (as SQLite's lock goes with it), and the turn with it
    assert _writes_promptly("t: after an abandoned thread")
    assert set(_ours().values_list("name", flat=True)) == {
        "t: after an error",
        "t: after a close",
        "t: after an abandoned thread",
    }


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_a_second_connection_of_the_thread_holding_the_turn_asks_sqlite_at_once(second_connection):
    """The test runner, a management command or the job worker may open another connection to the same file in a
    thread that is inside a transaction: that connection must not wait for a turn its own thread holds."""
    other = second_connection(timeout=2)
    began_at: list[float] = []

    def note_time(execute: Any, *args: Any) -> Any:
        began_at.append(time.monotonic())
        return execute(*args)

    with transaction.atomic():
        Group.objects.create(name="t: held")
        with other.execute_wrapper(note_time):
            start = time.monotonic()
            with pytest.raises(
                OperationalError, match="locked"
            ):  # SQLite's answer: this thread holds the file
                other.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    assert len(began_at) == 1 and began_at[0] - start < 1.0  # asked at once, not after a 2 s wait for itself


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_a_write_blocked_past_the_busy_timeout_fails_in_it_not_in_twice_it(second_connection):
    """A long transaction of this process holds the turn: another thread's write still fails with SQLite's
    "database is locked" after the busy timeout (as without turns), then works as usual once the file is free."""
    inside, release = threading.Event(), threading.Event()

    def long_transaction() -> None:
        with transaction.atomic():
            Group.objects.create(name="t: long")
            inside.set()
            release.wait(20)

    holder = _in_thread(long_transaction, "holder")
    assert inside.wait(10)
    other = second_connection(timeout=2)
    other.inc_thread_sharing()  # opened and used by the waiter thread below, then by this one
    failed: list[float] = []

    def blocked_write() -> None:
        start = time.monotonic()
        try:
            other.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        except OperationalError:
            failed.append(time.monotonic() - start)

    waiter = threading.Thread(target=blocked_write)
    waiter.start()
    waiter.join(10)
    release.set()
    holder.join(10)
    assert (
        len(failed) == 1 and 1.9 < failed[0] < 3.5
    )  # the busy timeout once: 2 s, not 2 s in turn + 2 s in SQLite
    with other.cursor() as cursor:  # SQLite's own wait is back to the whole busy timeout
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 2000


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_a_process_forked_while_another_thread_holds_the_turn_starts_with_it_free():
    """gunicorn --preload or multiprocessing: only the forking thread lives on in the child, so a turn another
    thread held at the fork would never be given back there."""
    inside, release = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction.atomic():
            Group.objects.create(name="t: held at the fork")
            inside.set()
            release.wait(10)

    holder = _in_thread(hold, "holder")
    assert inside.wait(10)
    path = base._database_path(connection.settings_dict["NAME"])
    assert base._turn(path).holder == holder.ident  # the parent's turn is taken
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: is the turn free here? (no SQLite: its connections must not cross a fork)
        try:
            os.write(writer, b"free" if base._turn(path).lock.acquire(timeout=2) else b"held")
        finally:
            os._exit(0)
    os.close(writer)
    answer = os.read(reader, 16)
    os.close(reader)
    os.waitpid(pid, 0)
    release.set()
    holder.join(10)
    assert answer == b"free"


def _other_process(code: str) -> subprocess.Popen[str]:
    """Another Python process on the test database through this backend (a forked child would share SQLite's
    per-process lock table with this one), running `code` after Django's setup; it talks on its stdout."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dangol.settings",
        "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}",
    }
    prelude = "import sys, time, django\ndjango.setup()\nfrom django.db import connection, transaction\n"
    return subprocess.Popen(
        [sys.executable, "-c", prelude + textwrap.dedent(code)], env=env, stdout=subprocess.PIPE, text=True
    )


def _file_locked(path: str) -> bool:
    """Whether another open file holds the lock file (this test's own fd is not the backend's)."""
    fd = os.open(f"{path}-turn", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_a_writer_in_another_process_waits_for_the_turn_not_in_sqlites_busy_handler():
    """The job worker, the other gunicorn worker: a write transaction of another process waits on the lock file
    and sends its BEGIN only once this one's transaction is over, instead of sleeping in SQLite's busy handler
    (1 … 100 ms between looks) while the file is free."""
    path = base._database_path(connection.settings_dict["NAME"])
    other = _other_process(
        """
        sent = []
        def note_begin(execute, sql, *args):
            if sql.startswith("BEGIN"):
                sent.append(time.monotonic())
            return execute(sql, *args)
        print("ready", flush=True)
        with connection.execute_wrapper(note_begin), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO auth_group (name) VALUES ('t: other process')")
        print(repr(sent[0]), flush=True)
        """
    )
    assert other.stdout is not None
    with transaction.atomic():
        Group.objects.create(name="t: this process")
        assert _file_locked(path)  # the other processes' turn is taken with this process's
        assert other.stdout.readline().strip() == "ready"
        time.sleep(0.5)  # the other process is waiting meanwhile
        last_moment_inside = time.monotonic()
    began = float(other.stdout.readline())
    assert other.wait(30) == 0
    assert began > last_moment_inside  # its BEGIN went out after this transaction ended, not before
    assert not _file_locked(path)
    assert set(_ours().values_list("name", flat=True)) == {"t: this process", "t: other process"}


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_the_other_processes_turn_is_free_when_its_holder_is_killed():
    """kill -9 of a process inside its write transaction (no cleanup runs): the kernel frees the lock file with
    the process, as SQLite's own lock, and this process writes at once."""
    path = base._database_path(connection.settings_dict["NAME"])
    other = _other_process(
        """
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO auth_group (name) VALUES ('t: never committed')")
            print("inside", flush=True)
            time.sleep(60)
        """
    )
    assert other.stdout is not None
    assert other.stdout.readline().strip() == "inside"
    assert _file_locked(path)
    other.kill()
    other.wait(30)
    start = time.monotonic()
    assert _writes_promptly("t: after the kill")
    assert time.monotonic() - start < 5
    assert set(_ours().values_list("name", flat=True)) == {"t: after the kill"}


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_the_wait_for_the_other_processes_turn_is_bounded_by_the_busy_timeout(second_connection):
    """A lock file held by someone who never gives it back (nothing of SQLite held): the writer waits the busy
    timeout for it, then goes to SQLite, which lets it write."""
    path = base._database_path(connection.settings_dict["NAME"])
    Group.objects.create(name="t: the file exists")  # a first turn opened the lock file
    fd = os.open(f"{path}-turn", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        other = second_connection(timeout=1)
        start = time.monotonic()
        other.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        with other.cursor() as cursor:
            cursor.execute("INSERT INTO auth_group (name) VALUES ('t: after the wait')")
        other.commit()
        other.set_autocommit(True)
        took = time.monotonic() - start
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    assert 0.9 < took < 3.0
    assert _ours().filter(name="t: after the wait").exists()
