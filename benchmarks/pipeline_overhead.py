"""Per-node overhead of `Pipeline.run`: a chain of 20 trivial nodes against the same functions called directly.

Run: python benchmarks/pipeline_overhead.py [--nodes 20] [--repeat 2000]

Both paths do the same work (each node appends its index to a tuple carried in
`query`-like state); the difference per node is what the pipeline adds: routing
params, filtering kwargs by the node's signature, merging outputs, checking edges.
Goal: under 50 microseconds per node.
"""

from __future__ import annotations

import argparse
import statistics
import time

from hayrick import BaseComponent, Pipeline


class Step(BaseComponent):
    """A trivial node: adds one to a counter."""

    def __init__(self, index: int = 0):
        self.index = index

    def run(self, query: str, count: int = 0):
        return {"count": count + 1}, "output_1"


def build_chain(n: int) -> tuple[Pipeline, list[Step]]:
    pipeline, steps = Pipeline(), []
    previous = "Query"
    for i in range(n):
        step = Step(index=i)
        pipeline.add_node(component=step, name=f"Step{i}", inputs=[previous])
        steps.append(step)
        previous = f"Step{i}"
    return pipeline, steps


def direct(steps: list[Step], query: str) -> dict:
    count = 0
    for step in steps:
        out, _ = step.run(query=query, count=count)
        count = out["count"]
    return {"query": query, "count": count}


def measure(fn, repeat: int, rounds: int = 7) -> float:
    """Median seconds per call over `rounds` rounds of `repeat` calls."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        times.append((time.perf_counter() - start) / repeat)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    pipeline, steps = build_chain(args.nodes)
    assert pipeline.run(query="q")["count"] == direct(steps, "q")["count"] == args.nodes
    with_params = {"Step3": {"count": 0}}
    for _ in range(200):  # warm up
        pipeline.run(query="q")
        direct(steps, "q")
    t_direct = measure(lambda: direct(steps, "q"), args.repeat)
    t_pipe = measure(lambda: pipeline.run(query="q"), args.repeat)
    t_params = measure(lambda: pipeline.run(query="q", params=with_params), args.repeat)
    n = args.nodes
    print(f"{n}-node chain of trivial nodes, median of 7 rounds x {args.repeat} runs")
    print(f"{'path':<34}{'per run (us)':>14}{'per node (us)':>15}")
    print(f"{'functions called directly':<34}{t_direct * 1e6:>14.1f}{t_direct * 1e6 / n:>15.2f}")
    print(f"{'Pipeline.run':<34}{t_pipe * 1e6:>14.1f}{t_pipe * 1e6 / n:>15.2f}")
    print(f"{'Pipeline.run with params':<34}{t_params * 1e6:>14.1f}{t_params * 1e6 / n:>15.2f}")
    overhead = (t_pipe - t_direct) * 1e6 / n
    print(f"pipeline overhead per node: {overhead:.2f} us (goal < 50 us): {'OK' if overhead < 50 else 'MISSED'}")


if __name__ == "__main__":
    main()
