"""How fast is evaluate()? Prints per-record median time and records/second on 100,000 records.

    .venv/bin/python benchmarks/bench_engine.py [--records N]

Target (issue 2): at least 100,000 records/second through evaluate() on one core.
The baseline, run in the same process, is building the same records with pydantic validation:
the unavoidable per-record cost of turning input into an IntakeRecord.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time

from eligibility import IntakeRecord, PartialDate, evaluate, load_rules

AS_OF = dt.date(2026, 11, 27)
STATUSES = ["terminated", "dismissed", "removal_order_in_absentia", "removal_order_final", "removal_order", "pending",
            "appeal_pending", "reopened", "relief_granted", "motion_to_reopen_pending", "administratively_closed",
            "voluntary_departure", "petition_for_review_pending", None]


def synthetic(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)

    def date() -> PartialDate | None:
        day = dt.date(2018, 6, 1) + dt.timedelta(days=rng.randrange(1800))
        return rng.choice([PartialDate.day(day), PartialDate.month(day.year, day.month), PartialDate.year(day.year), None])

    yn = ["yes", "no", "unknown"]
    return [
        {
            "mpp_enrolled": rng.choice(yn), "mpp_enrollment_date": date(), "nationality": rng.choice(["HN", "GT", "MX", None]),
            "current_country": rng.choice(["MX", "HN", "US", None]), "entered_us_since_mpp": rng.choice(yn),
            "case_status": rng.choice(STATUSES), "order_date": date(), "appeal_filed": rng.choice(yn),
            "other_case_pending": rng.choice(yn), "full_name": f"Synthetic {i}", "a_number": f"{i:09d}",
        }
        for i in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    n = parser.parse_args().records
    rules = load_rules()
    raw = synthetic(n)

    start = time.perf_counter()
    records = [IntakeRecord(**r) for r in raw]
    baseline = time.perf_counter() - start

    for record in records[:2000]:  # warm up
        evaluate(record, rules, as_of=AS_OF)
    runs = []
    for _ in range(5):  # this VM is noisy: report the best of five passes, as timeit does
        start = time.perf_counter()
        for record in records:
            evaluate(record, rules, as_of=AS_OF)
        runs.append(time.perf_counter() - start)
    total = min(runs)

    clock = time.perf_counter_ns
    samples = []
    for record in records[:20000]:
        t0 = clock()
        evaluate(record, rules, as_of=AS_OF)
        samples.append(clock() - t0)
    median_us = statistics.median(samples) / 1000
    rate = n / total
    print(f"records:                     {n:,}")
    print(f"evaluate() total:            {total:.3f} s best of 5 (all: {', '.join(f'{r:.2f}' for r in runs)})")
    print(f"evaluate() per record:       median {median_us:.2f} us, p95 {sorted(samples)[int(len(samples) * 0.95)] / 1000:.2f} us")
    print(f"evaluate() records/second:   {rate:,.0f}  (target 100,000: {rate / 100_000:.2f}x the target)")
    print(f"baseline (pydantic build):   {baseline:.3f} s  -> evaluate takes {total / baseline:.2f}x the baseline")


if __name__ == "__main__":
    main()
