"""Conversions in worker threads: at most ``max_conversions`` at once, within the deadline.

The pool's size is the limit of concurrent conversions; a request waits for a free thread
until its deadline (then ``busy``), and a conversion that outlives its deadline is told to
stop (:class:`~credbridge.serve.streams.Deadline`) while its thread stays counted until it
really ends, so a slow document can never make the service run more conversions than its
limit.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from .problems import Problem
from .streams import Deadline, ServiceTimeout

T = TypeVar("T")


class Conversions:
    """The conversion threads of one service process."""

    def __init__(self, max_conversions: int, max_pending: int) -> None:
        self.max_conversions = max_conversions
        self.max_pending = max_pending
        self._pool = ThreadPoolExecutor(max_conversions, thread_name_prefix="credbridge-serve")
        self._lock = threading.Lock()
        self.running = 0
        self.waiting = 0
        self.done = 0

    def _enter(self) -> None:
        with self._lock:
            self.waiting -= 1
            self.running += 1

    def _leave(self) -> None:
        with self._lock:
            self.running -= 1
            self.done += 1

    async def call(self, work: Callable[[], T], deadline: Deadline) -> T:
        """Run ``work`` in a conversion thread and return its result; a ``busy`` problem when
        no thread frees up in time, ``timeout`` when the work outlives the deadline."""
        with self._lock:
            if self.waiting >= self.max_pending:
                raise Problem("busy", "every conversion slot is taken and "
                              f"{self.waiting} requests are waiting", headers={"Retry-After": "1"})
            self.waiting += 1
        started = threading.Event()

        def job() -> T:
            started.set()
            self._enter()
            try:
                deadline.check()
                return work()
            finally:
                self._leave()

        future = self._pool.submit(job)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), deadline.remaining())
        except TimeoutError:
            deadline.stop()
            if not started.is_set() and future.cancel():
                with self._lock:
                    self.waiting -= 1
                raise Problem("busy", "no conversion slot freed up within the request's time "
                              f"limit of {deadline.seconds:g} s",
                              headers={"Retry-After": "1"}) from None
            raise Problem("timeout", str(ServiceTimeout(
                f"the request took longer than the service's limit of {deadline.seconds:g} s"
            ))) from None
        except asyncio.CancelledError:
            deadline.stop(cancelled=True)
            if not started.is_set() and future.cancel():
                with self._lock:
                    self.waiting -= 1
            raise

    def close(self) -> None:
        """Stop taking work; running conversions finish on their own (their deadline)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
