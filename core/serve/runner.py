"""Conversions in worker threads: at most ``max_conversions`` at once, within the deadline.

The threads are the limit of concurrent conversions; a request waits for a free thread
until its deadline (then ``busy``), and a conversion that outlives its deadline is told to
stop (:class:`~credbridge.serve.streams.Deadline`) while its thread stays counted until it
really ends, so a slow document can never make the service run more conversions than its
limit.

The threads take jobs from one queue and hand each result to the request's own loop future
(``call_soon_threadsafe``), with one timer for the deadline: a small conversion costs about
2 ms, and the executor's future, its wrapping into an asyncio future and ``wait_for`` cost
a measurable share of that on every request.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from .problems import Problem
from .streams import Deadline, ServiceTimeout

T = TypeVar("T")

_WAITING, _STARTED, _ABANDONED = range(3)


class _Job(Generic[T]):
    """One request's work, its loop future and whether a thread took it."""

    __slots__ = ("deadline", "future", "loop", "state", "work")

    def __init__(self, work: Callable[[], T], deadline: Deadline,
                 loop: asyncio.AbstractEventLoop, future: asyncio.Future[T]) -> None:
        self.work = work
        self.deadline = deadline
        self.loop = loop
        self.future = future
        self.state = _WAITING


def _settle(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
    """In the loop: the job's outcome into its future (unless the request gave up)."""
    if future.done():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)


class _Expired(Exception):
    """The request's deadline came while it waited (not an error of the work itself)."""


def _expire(future: asyncio.Future[Any]) -> None:
    """In the loop, at the deadline: the request stops waiting."""
    if not future.done():
        future.set_exception(_Expired())


def _timeout(deadline: Deadline) -> Problem:
    """The problem of a request that outlived its deadline."""
    return Problem("timeout", str(ServiceTimeout(
        f"the request took longer than the service's limit of {deadline.seconds:g} s")))


class Conversions:
    """The conversion threads of one service process."""

    def __init__(self, max_conversions: int, max_pending: int) -> None:
        self.max_conversions = max_conversions
        self.max_pending = max_pending
        self._queue: queue.SimpleQueue[_Job[Any] | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closed = False
        self.running = 0
        self.waiting = 0
        self.done = 0

    def _start_thread(self) -> None:
        """One more conversion thread, while fewer than the limit exist (under the lock)."""
        if len(self._threads) < self.max_conversions and \
                len(self._threads) < self.running + self.waiting:
            thread = threading.Thread(target=self._serve, daemon=True,
                                      name=f"credbridge-serve_{len(self._threads)}")
            self._threads.append(thread)
            thread.start()

    def _serve(self) -> None:
        """A conversion thread: take jobs until told to stop."""
        while (job := self._queue.get()) is not None:
            with self._lock:
                if job.state == _ABANDONED:
                    continue
                closed = self._closed
                job.state = _ABANDONED if closed else _STARTED
                self.waiting -= 1
                self.running += 0 if closed else 1
            if closed:
                self._answer(job, False, Problem("busy", "the service is shutting down",
                                                 headers={"Retry-After": "1"}))
                continue
            try:
                job.deadline.check()
                outcome: tuple[bool, Any] = (True, job.work())
            except BaseException as exc:  # handed to the request's coroutine
                outcome = (False, exc)
            finally:
                with self._lock:
                    self.running -= 1
                    self.done += 1
            self._answer(job, *outcome)
            del job, outcome  # a finished job's result is not kept alive by an idle thread

    @staticmethod
    def _answer(job: _Job[Any], ok: bool, value: Any) -> None:
        """Hand an outcome to the job's loop (from a conversion thread)."""
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits for it
            job.loop.call_soon_threadsafe(_settle, job.future, ok, value)

    async def call(self, work: Callable[[], T], deadline: Deadline) -> T:
        """Run ``work`` in a conversion thread and return its result; a ``busy`` problem when
        no thread frees up in time, ``timeout`` when the work outlives the deadline."""
        if deadline.remaining() <= 0:  # its body took all the time: no conversion starts
            deadline.stop()
            raise _timeout(deadline)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        job = _Job(work, deadline, loop, future)
        with self._lock:
            if self._closed:
                raise Problem("busy", "the service is shutting down",
                              headers={"Retry-After": "1"})
            if self.waiting >= self.max_pending:
                raise Problem("busy", "every conversion slot is taken and "
                              f"{self.waiting} requests are waiting", headers={"Retry-After": "1"})
            self.waiting += 1
            self._start_thread()
        self._queue.put(job)
        timer = loop.call_later(deadline.remaining(), _expire, future)
        try:
            return await future
        except _Expired:
            deadline.stop()
            if self._abandon(job) and self.running >= self.max_conversions:
                raise Problem("busy", "no conversion slot freed up within the request's time "
                              f"limit of {deadline.seconds:g} s",
                              headers={"Retry-After": "1"}) from None
            raise _timeout(deadline) from None
        except asyncio.CancelledError:
            deadline.stop(cancelled=True)
            self._abandon(job)
            raise
        finally:
            timer.cancel()

    def _abandon(self, job: _Job[Any]) -> bool:
        """Take back a job no thread has started (True); False when one runs it."""
        with self._lock:
            if job.state != _WAITING:
                return False
            job.state = _ABANDONED
            self.waiting -= 1
            return True

    def close(self) -> None:
        """Stop taking work; running conversions finish on their own (their deadline)."""
        with self._lock:
            self._closed = True
            threads = len(self._threads)
        for _ in range(threads):
            self._queue.put(None)
