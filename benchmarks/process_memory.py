"""Peak resident memory of a whole process tree (this process and every descendant: Dask's
nannies and workers, reading processes), sampled in a thread.

`resource.getrusage` reports one process's peak, and for children only the largest one that has
ended; a cluster's footprint is the sum over live processes at one moment. The sum of RSS counts
pages shared between processes (libraries) once per process, so it errs high.
"""

from __future__ import annotations

import threading
from types import TracebackType

import psutil


class TreePeak:
    """`with TreePeak() as peak: …`, then `peak.mb`: the largest sum of RSS seen, in MB."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peak_bytes = 0
        self.processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mb(self) -> int:
        return round(self.peak_bytes / 2**20)

    def _sample(self) -> None:
        root = psutil.Process()
        while not self._stop.is_set():
            total, count = 0, 0
            for process in [root, *root.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
                    count += 1
                except psutil.NoSuchProcess:
                    continue
            if total > self.peak_bytes:
                self.peak_bytes, self.processes = total, count
            self._stop.wait(self.interval)
