"""Monte Carlo timing of the income approach (issue 12: 100,000 draws under 1 s).

    .venv/bin/python bench/montecarlo.py [--draws 100000] [--years 10] [--repeat 7]

Runs ``jieli.evaluations.valuation.monte_carlo`` with five ranged inputs (revenue, growth,
margin, share rate, discount rate) and prints the best and median wall time of ``--repeat``
runs, plus the machine and the load average (the figure means little on a busy machine).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import django


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jieli.settings")
    django.setup()
    import numpy as np

    from jieli.evaluations import valuation
    from jieli.evaluations.valuation_services import messages

    inputs = valuation.income_inputs(
        {
            "basis": "profit",
            "revenue": 2400,
            "growth": 0.08,
            "years": args.years,
            "margin": 0.18,
            "share_rate": 0.25,
            "discount_rate": 0.08,
            "risk_premium": 0.04,
            "tax_rate": 0.15,
        },
        messages(),
    )
    ranges = {
        "revenue": (1800, 2400, 3200),
        "growth": (0.03, 0.08, 0.12),
        "margin": (0.14, 0.18, 0.22),
        "share_rate": (0.2, 0.25, 0.3),
        "discount_rate": (0.07, 0.08, 0.1),
    }
    valuation.monte_carlo(inputs, ranges, draws=1000, seed=1)  # warm-up
    times = []
    for run in range(args.repeat):
        start = time.perf_counter()
        result = valuation.monte_carlo(inputs, ranges, draws=args.draws, seed=run)
        times.append(time.perf_counter() - start)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, numpy {np.__version__}"
    )
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(
        f"{args.draws:,} draws × {args.years} years, {len(ranges)} ranged inputs: "
        f"best {min(times) * 1000:.0f} ms, median {statistics.median(times) * 1000:.0f} ms "
        f"({args.repeat} runs); P10/P50/P90 = {result['p10']:.1f} / {result['p50']:.1f} / "
        f"{result['p90']:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
