"""Where a query pipeline runs: on the event loop (inline) or in a worker thread.

A hop to a worker thread and back costs about as much as a BM25 query over a small store (~0.5 ms
on 2 cores), so fast pipelines run inline; slow ones (a reader, a remote store) go to threads so the
loop keeps serving. The decision follows each pipeline's measured times:

- a pipeline runs inline while its recent inline runs took under `threshold_ms` (wall time, as the
  loop feels it);
- in threads, wall times include the wait for the GIL when many requests run at once, so a fast
  pipeline under load can look slow; when its CPU time per run is under the threshold, one run goes
  inline after `probe_every` threaded runs to measure it again: a fast probe brings it back inline,
  a slow one (a remote store: little CPU, long waits) doubles the wait before the next probe, up to
  `max_probe_every`, so such a pipeline blocks the loop for one run in thousands at most;
- the first run of a pipeline, and every run while a write is in flight, go to a thread.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class _Times:
    wall_ms: float
    cpu_ms: float
    last_inline: bool
    since_inline: int = 0
    probe_every: int = 0


class RunPlacement:
    """Per-pipeline decision: `inline(key)` before a run, `record(key, ...)` after it."""

    def __init__(self, threshold_ms: float, probe_every: int = 50, max_probe_every: int = 10_000):
        self.threshold_ms = threshold_ms
        self.probe_every = probe_every
        self.max_probe_every = max_probe_every
        self._times: dict[object, _Times] = {}

    def inline(self, key: object, busy: bool = False) -> bool:
        """Whether the next run of `key` goes on the loop; `busy`: the store is in use by a long operation."""
        times = self._times.get(key)
        if self.threshold_ms <= 0 or busy or times is None:
            return False
        if times.wall_ms < self.threshold_ms:
            return True
        return times.cpu_ms < self.threshold_ms and times.since_inline >= times.probe_every

    def record(self, key: object, wall_ms: float, cpu_ms: float, inline: bool) -> None:
        times = self._times.get(key)
        if times is None:
            self._times[key] = _Times(wall_ms, cpu_ms, inline, probe_every=self.probe_every)
            return
        if inline and not times.last_inline:  # a probe: its uncontended time replaces the thread times
            times.wall_ms = wall_ms
            slow = wall_ms >= self.threshold_ms
            times.probe_every = min(times.probe_every * 2, self.max_probe_every) if slow else self.probe_every
        else:
            times.wall_ms = 0.8 * times.wall_ms + 0.2 * wall_ms
        times.cpu_ms = 0.8 * times.cpu_ms + 0.2 * cpu_ms
        times.last_inline = inline
        times.since_inline = 0 if inline else times.since_inline + 1
