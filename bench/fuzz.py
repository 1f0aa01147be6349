"""The long fuzzing run: structure-aware mutations of real documents through every reader,
the writers and back (the cases of ``tests/test_fuzz.py``, many more of them).

Unlike the test, a foreign exception does not stop the run: each one is recorded (reader,
target, exception, the frame that raised it, the input saved under ``--out``) and the run
goes on. A case that takes more than ``--max-seconds`` of CPU time, or raises the process'
peak memory more than ``--max-mib`` above where it was before the case (Linux: the peak is
reset per case through /proc/self/clear_refs), is recorded too. The summary (cases per
reader, distinct foreign exceptions, slow and large cases, outputs their
own reader refused) is printed and written to ``--out/summary.json``.

    python bench/fuzz.py --cases 20000                  # every reader
    python bench/fuzz.py --cases 2000 --readers csv ob3  # some
    nice -n 19 python bench/fuzz.py --cases 20000 --block 2000 > fuzz.log &

Run it from the repository root with ../shared beside it (or CREDBRIDGE_SHARED set): its
samples and corpus are the seeds. The exit status is 1 when anything was recorded.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import test_fuzz as fuzz  # noqa: E402  (the seeds and the case are the test's)
from credbridge.errors import CredbridgeError  # noqa: E402


def _status_mib(field: str) -> float:
    """A memory line of /proc/self/status (``VmHWM``: peak, ``VmRSS``: now), in MiB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _peak_mib() -> float:
    """This process' peak resident memory (VmHWM), in MiB."""
    return _status_mib("VmHWM")


def _reset_peak() -> bool:
    """Set the peak back to the resident memory of now (Linux: ``5`` to clear_refs), so that
    the peak after a case is that case's own; False where the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


class Recorder:
    """What one run found: cases per reader, foreign exceptions (one entry per distinct
    place), slow and large cases."""

    def __init__(self, out: Path, max_seconds: float, max_mib: float) -> None:
        self.out = out
        self.max_seconds = max_seconds
        self.max_mib = max_mib
        self.cases: Counter[str] = Counter()
        self.foreign: dict[str, dict[str, Any]] = {}
        self.slow: list[dict[str, Any]] = []
        self.large: list[dict[str, Any]] = []
        self.unreadable: dict[str, str] = {}
        self.baseline = _peak_mib()
        """The process' peak before the first case (the seeds are loaded): a case is large
        when it takes the peak more than ``max_mib`` above it."""
        """An output its own reader refused (distinct message -> the input)."""

    def case(self, reader: str, data: bytes, target: str) -> None:
        """Run one case and record what is wrong with it."""
        self.cases[reader] += 1
        own = _reset_peak()
        before = _status_mib("VmRSS") if own else _peak_mib()
        start, cpu_start = time.perf_counter(), time.process_time()
        try:
            unreadable = fuzz.exercise(reader, data, target)
            if unreadable:
                key = f"{reader} -> {unreadable[:120]}"
                if key not in self.unreadable:
                    self.unreadable[key] = self._save(reader, data, "unreadable")
        except KeyboardInterrupt:
            raise
        except CredbridgeError:
            pass  # an answer (exercise() takes them itself; this is a safety net)
        except Exception as exc:  # what the run is looking for
            self._foreign(reader, target, data, exc)
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        peak = _peak_mib()
        # CPU time decides: a long run at low priority on a shared machine waits for the
        # processor, and its wall time says more about the machine than about the case
        if cpu > self.max_seconds:
            self.slow.append({"reader": reader, "target": target, "seconds": round(cpu, 1),
                              "wall_seconds": round(seconds, 1),
                              "input": self._save(reader, data, "slow")})
        # with the peak reset, a case is large when it grows the process by more than max_mib;
        # without, when it is the first to take the run's peak that far above the baseline
        limit = self.baseline + self.max_mib
        large = peak - before > self.max_mib if own else peak > limit >= before
        if large:
            self.large.append({"reader": reader, "target": target, "peak_mib": round(peak),
                               "grew_mib": round(peak - before),
                               "input": self._save(reader, data, "large")})

    def _foreign(self, reader: str, target: str, data: bytes, exc: BaseException) -> None:
        frames = traceback.extract_tb(exc.__traceback__)
        where = next((f for f in reversed(frames) if "/site-packages/" not in f.filename),
                     frames[-1] if frames else None)
        place = f"{Path(where.filename).name}:{where.lineno}" if where else "?"
        key = f"{type(exc).__name__} at {place}"
        entry = self.foreign.setdefault(key, {"count": 0, "readers": [], "targets": [],
                                              "message": str(exc)[:300]})
        entry["count"] += 1
        for name, value in (("readers", reader), ("targets", target)):
            if value not in entry[name]:
                entry[name].append(value)
        if entry["count"] == 1:
            entry["input"] = self._save(reader, data, "foreign")
            entry["traceback"] = "".join(traceback.format_exception(exc))[-3000:]

    def _save(self, reader: str, data: bytes, kind: str) -> str:
        path = self.out / f"{kind}-{reader}-{sum(self.cases.values())}.bin"
        path.write_bytes(data)
        return str(path)

    def summary(self) -> dict[str, Any]:
        """The run's result as JSON."""
        return {"cases": dict(self.cases), "total": sum(self.cases.values()),
                "foreign": self.foreign,
                "foreign_total": sum(e["count"] for e in self.foreign.values()),
                "slow": self.slow, "large": self.large, "unreadable": self.unreadable}


def main() -> int:
    """Run the long fuzzing and print its summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20_000, help="cases per reader")
    parser.add_argument("--readers", nargs="*", help="readers to fuzz (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "fuzz",
                        help="where inputs of findings and summary.json go")
    parser.add_argument("--max-seconds", type=float, default=10.0)
    parser.add_argument("--max-mib", type=float, default=256.0)
    parser.add_argument("--block", type=int, default=0,
                        help="cases per reader per round (default: all at once): every "
                             "reader gets cases early, and the summary grows round by round")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    readers = args.readers or [r for r in fuzz.READERS if r in fuzz.seeds()]
    recorder = Recorder(args.out, args.max_seconds, args.max_mib)
    started = time.time()
    block = args.block or args.cases
    try:
        while any(recorder.cases[r] < args.cases for r in readers):
            for reader in readers:
                todo = min(block, args.cases - recorder.cases[reader])
                if todo <= 0:
                    continue
                t0 = time.time()
                fuzz.fuzz_reader(reader, todo, recorder.case)
                found = sum(e["count"] for e in recorder.foreign.values()
                            if reader in e["readers"])
                print(f"{reader}: {recorder.cases[reader]:,} cases ({todo:,} in "
                      f"{time.time() - t0:,.0f} s), {found} foreign so far", flush=True)
                (args.out / "summary.json").write_text(json.dumps(recorder.summary(), indent=2))
    except KeyboardInterrupt:
        print("interrupted: the summary covers the cases run", flush=True)
    summary = recorder.summary()
    summary["seconds"] = round(time.time() - started)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps({k: v for k, v in summary.items() if k != "foreign"}, indent=1))
    for key, entry in summary["foreign"].items():
        print(f"FOREIGN {entry['count']}x {key} ({', '.join(entry['readers'])} -> "
              f"{', '.join(entry['targets'])}): {entry['message'][:160]}")
    return 1 if summary["foreign"] or summary["slow"] or summary["large"] else 0


if __name__ == "__main__":
    sys.exit(main())
