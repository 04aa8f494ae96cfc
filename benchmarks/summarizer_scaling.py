"""How BigBird-Pegasus's encoder scales with input length: block sparse against full attention, in one run.

Run: python benchmarks/summarizer_scaling.py [--lengths 1024,2048,4096] [--layers 4] [--d-model 512]
     [--repeats 3] [--plot benchmarks/summarizer_scaling.png]

A BigBird-Pegasus of realistic width (random weights; 4 encoder layers, d_model 512, 8 heads, block
size 64, 3 random blocks by default) encodes one input of each length with
`attention_type="block_sparse"` and with `"original_full"`. Each (attention, length) runs in a fresh
process, so its peak memory (the rise of the process's maximum resident set size over the model
alone) is its own; time is the best of `--repeats` forward passes after one warm-up. Goal: block
sparse grows about linearly with the length, and is ahead of full attention at 4,096 tokens.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time


def measure(attention: str, length: int, layers: int, d_model: int, repeats: int) -> dict[str, float]:
    import torch
    from transformers import (
        BigBirdPegasusConfig,
        BigBirdPegasusForConditionalGeneration,
    )

    torch.manual_seed(0)
    config = BigBirdPegasusConfig(
        vocab_size=8000, d_model=d_model, encoder_layers=layers, decoder_layers=1, encoder_attention_heads=8,
        decoder_attention_heads=8, encoder_ffn_dim=4 * d_model, decoder_ffn_dim=4 * d_model,
        max_position_embeddings=max(4096, length), attention_type=attention, block_size=64, num_random_blocks=3,
    )  # fmt: skip
    encoder = BigBirdPegasusForConditionalGeneration(config).eval().get_encoder()
    ids = torch.randint(5, 8000, (1, length))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = []
    with torch.inference_mode():
        encoder(input_ids=ids)  # warm-up
        for _ in range(repeats):
            start = time.perf_counter()
            encoder(input_ids=ids)
            times.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    return {"seconds": min(times), "peak_mb": peak / 1024}


def _child(queue: multiprocessing.Queue, *args: object) -> None:
    queue.put(measure(*args))  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", default="1024,2048,4096")
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--d-model", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--plot", default="")
    parser.add_argument("--json", default="")
    args = parser.parse_args()
    lengths = [int(x) for x in args.lengths.split(",")]
    context = multiprocessing.get_context("spawn")
    rows: dict[str, dict[int, dict[str, float]]] = {"block_sparse": {}, "original_full": {}}
    for length in lengths:
        for attention in rows:
            queue = context.Queue()
            process = context.Process(target=_child, args=(queue, attention, length, args.layers, args.d_model, args.repeats))
            process.start()
            rows[attention][length] = queue.get()
            process.join()
    print(f"BigBird-Pegasus encoder, {args.layers} layers, d_model {args.d_model}, random weights, batch 1, CPU")
    print(f"{'tokens':>7} {'sparse s':>9} {'full s':>9} {'full/sparse':>12} {'sparse MB':>10} {'full MB':>9}")
    for length in lengths:
        s, f = rows["block_sparse"][length], rows["original_full"][length]
        print(f"{length:>7} {s['seconds']:>9.3f} {f['seconds']:>9.3f} {f['seconds'] / s['seconds']:>12.2f} "
              f"{s['peak_mb']:>10.0f} {f['peak_mb']:>9.0f}")  # fmt: skip
    first, last = lengths[0], lengths[-1]
    growth = rows["block_sparse"][last]["seconds"] / rows["block_sparse"][first]["seconds"]
    print(f"block sparse time x{growth:.2f} for x{last / first:.0f} tokens (linear would be x{last / first:.0f}); "
          f"full attention x{rows['original_full'][last]['seconds'] / rows['original_full'][first]['seconds']:.2f}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(rows, handle, indent=1)
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
        for attention, marker in (("block_sparse", "o"), ("original_full", "s")):
            left.plot(lengths, [rows[attention][n]["seconds"] for n in lengths], marker=marker, label=attention)
            right.plot(lengths, [rows[attention][n]["peak_mb"] for n in lengths], marker=marker, label=attention)
        left.set(xlabel="input tokens", ylabel="encoder time (s)")
        right.set(xlabel="input tokens", ylabel="peak memory (MB)")
        left.legend()
        fig.tight_layout()
        fig.savefig(args.plot, dpi=120)
        print(f"plot: {args.plot}")


if __name__ == "__main__":
    sys.exit(main())
