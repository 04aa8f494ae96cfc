"""RunPlacement: fast pipelines inline, slow ones in threads, and a way back from threads for fast ones."""

from __future__ import annotations

from hayrick.api.placement import RunPlacement


def test_first_run_goes_to_a_thread_then_fast_runs_go_inline() -> None:
    placement = RunPlacement(threshold_ms=3)
    assert not placement.inline(1)
    placement.record(1, wall_ms=1.0, cpu_ms=1.0, inline=False)
    assert placement.inline(1)
    assert not placement.inline(1, writing=True)
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
