"""RunPlacement: fast pipelines inline, slow ones in threads, and a way back from threads for fast ones."""

from __future__ import annotations

from hayrick.api.placement import RunPlacement


def test_first_run_goes_to_a_thread_then_fast_runs_go_inline() -> None:
    placement = RunPlacement(threshold_ms=3)
    assert not placement.inline(1)
    placement.record(1, wall_ms=1.0, cpu_ms=1.0, inline=False)
    assert placement.inline(1)
    assert not placement.inline(1, busy=True)
    assert not placement.inline(2)  # another pipeline has its own times


def test_slow_pipelines_stay_in_threads_and_are_never_probed() -> None:
    placement = RunPlacement(threshold_ms=3, probe_every=5)
    for _ in range(20):
        placement.record(1, wall_ms=100.0, cpu_ms=95.0, inline=False)  # a reader: CPU-bound
        assert not placement.inline(1)


def test_a_fast_pipeline_that_looks_slow_under_load_is_probed_and_comes_back() -> None:
    placement = RunPlacement(threshold_ms=3, probe_every=5)
    placement.record(1, wall_ms=40.0, cpu_ms=1.0, inline=False)  # waited for the GIL behind 15 others
    decisions = []
    for _ in range(5):
        decisions.append(placement.inline(1))
        placement.record(1, wall_ms=40.0, cpu_ms=1.0, inline=False)
    assert decisions == [False] * 5
    assert placement.inline(1)  # the probe
    placement.record(1, wall_ms=1.0, cpu_ms=1.0, inline=True)
    assert placement.inline(1)  # fast when measured alone: inline again


def test_a_slow_inline_run_sends_it_back_to_threads() -> None:
    placement = RunPlacement(threshold_ms=3)
    placement.record(1, wall_ms=1.0, cpu_ms=1.0, inline=True)
    placement.record(1, wall_ms=50.0, cpu_ms=0.5, inline=True)  # a remote store that became slow
    assert not placement.inline(1)


def test_threshold_zero_turns_inline_off() -> None:
    placement = RunPlacement(threshold_ms=0)
    placement.record(1, wall_ms=0.1, cpu_ms=0.1, inline=False)
    assert not placement.inline(1)


def test_slow_probes_of_an_io_bound_pipeline_back_off() -> None:
    placement = RunPlacement(threshold_ms=3, probe_every=4, max_probe_every=16)
    probes = []
    for run in range(200):
        inline = placement.inline(1) if run else False
        if inline:
            probes.append(run)
        placement.record(1, wall_ms=200.0, cpu_ms=0.5, inline=inline)  # a remote store: waits, little CPU
    gaps = [b - a for a, b in zip(probes, probes[1:])]
    assert gaps[:3] == [9, 17, 17]  # 8 then 16 threaded runs between probes, then capped at max_probe_every
    assert len(probes) <= 200 // 16 + 2


def test_a_fast_probe_resets_the_backoff() -> None:
    placement = RunPlacement(threshold_ms=3, probe_every=2)
    placement.record(1, wall_ms=50.0, cpu_ms=0.5, inline=False)
    placement.record(1, wall_ms=50.0, cpu_ms=0.5, inline=False)
    placement.record(1, wall_ms=50.0, cpu_ms=0.5, inline=False)
    assert placement.inline(1)
    placement.record(1, wall_ms=60.0, cpu_ms=0.5, inline=True)  # slow probe: next one after 4
    assert [placement.inline(1) for _ in range(1)] == [False]
    for _ in range(4):
        placement.record(1, wall_ms=50.0, cpu_ms=0.5, inline=False)
    assert placement.inline(1)
    placement.record(1, wall_ms=1.0, cpu_ms=0.5, inline=True)  # fast now (the contention is over)
    assert placement.inline(1)
