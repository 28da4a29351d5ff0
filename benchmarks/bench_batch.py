"""Batch speed: one run times the floor, a naive pipeline and `eligibility screen`, and prints ratios.

    .venv/bin/python benchmarks/bench_batch.py [--rows 100000] [--csv-rows 1000000] [--pairs 5] [--skip-naive]

Each step runs in its own process, so its peak memory (max RSS) is its own.
1. floor: read the workbook with python-calamine and write *the report the tool itself wrote*
   (every sheet, the same cells, taken from one untimed run of the tool and held in memory before
   the clock starts) with rustpy-xlsxwriter, in one process. Only the read and the write are timed;
2. naive: pandas read_excel (openpyxl), a per-row loop over evaluate(), to_excel (openpyxl);
3. ours: `eligibility screen in.xlsx -o out.xlsx`, timed as a whole process (start-up, imports,
   reading, screening, writing), its peak memory from the kernel (wait4).
Then a CSV of --csv-rows rows: the floor reads it with pyarrow and writes the tool's own output CSV
(the same bytes, held in memory before the clock starts) with pyarrow, against
`eligibility screen in.csv -o out.csv` as a whole process.
Floor and ours run as --pairs alternating pairs (this VM's speed drifts by a third within
minutes, so a ratio only means something within a pair); the median ratio is the result.
Targets (issue 15): (3) <= 1.5x the floor (median of 5 pairs) and >= 8x faster than (2); peak
memory < 1 GiB for the workbook, < 1.2 GB for the CSV; CSV <= 2x its floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADERS = [
    "Case #", "Client Name", "A#", "DOB", "Nationality", "In MPP?", "Date returned to Mexico", "Current location",
    "Entered US since MPP?", "EOIR status", "Order date", "Appeal filed?", "Other case pending", "Notes",
    "Intake worker", "Office", "Phone", "Language", "Referral source", "Last contact",
]


def synthetic_rows(n: int, seed: int = 11) -> list[list]:
    rng = random.Random(seed)
    statuses = ["IA order", "Proceedings terminated", "Removal order", "This case is pending.", "Admin closed",
                "BIA appeal pending", "Orden de deportación en ausencia", "Terminado", "", "dismissed", "Asylum granted"]
    places = ["Mexico", "Tijuana", "Honduras", "Guatemala", "USA", "", "Cd. Juárez", "El Salvador", "Matamoros"]
    nations = ["Honduran", "Guatemalan", "Mexican", "Salvadoran", "Cuban", "", "Venezuelan"]
    yn = ["Y", "N", "", "yes", "no", "sí"]
    rows = []
    for i in range(n):
        enrol = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(1000))
        order = dt.date(2019, 6, 1) + dt.timedelta(days=rng.randrange(2000))
        enrol_cell = rng.choice([enrol.isoformat(), enrol.strftime("%m/%d/%Y"), enrol.strftime("%b %Y"), str(enrol.year), ""])
        rows.append([
            f"K-{i:06d}", f"Synthetic Person {i}", f"A{rng.randrange(10**8, 10**9)}", f"{rng.randrange(1950, 2005)}-0{rng.randrange(1, 10)}-1{rng.randrange(0, 10)}",
            rng.choice(nations), rng.choice(yn), enrol_cell, rng.choice(places), rng.choice(yn), rng.choice(statuses),
            rng.choice([order.isoformat(), ""]), rng.choice(yn), rng.choice(yn), rng.choice(["", "call back", "=1+1", "ok"]),
            rng.choice(["JD", "MK", "AB"]), rng.choice(["LA", "SD", "Tijuana"]), f"+52 664 {rng.randrange(10**6, 10**7)}",
            rng.choice(["es", "en", "ht"]), rng.choice(["clinic", "hotline", "partner"]), f"2026-{rng.randrange(1, 12):02d}-01",
        ])
    return rows


def make_inputs(folder: Path, rows: int, csv_rows: int) -> tuple[Path, Path]:
    import rustpy_xlsxwriter as rx

    xlsx = folder / "clients.xlsx"
    data = synthetic_rows(rows)
    rx.write_worksheets([("Clients", [dict(zip(HEADERS, r, strict=True)) for r in data])], str(xlsx))
    csv_path = folder / "clients.csv"
    import pyarrow as pa
    from pyarrow import csv as pacsv

    big = synthetic_rows(csv_rows, seed=13)
    table = pa.table({h: [r[i] for r in big] for i, h in enumerate(HEADERS)})
    pacsv.write_csv(table, str(csv_path))
    return xlsx, csv_path


# ------------------------------------------------------------------------------ the steps


def report_sheets(report: Path) -> list[tuple[str, list[dict]]]:
    """Every sheet of a report the tool wrote, as rows of cells (what the floor writes again)."""
    import python_calamine as calamine

    book = calamine.CalamineWorkbook.from_path(str(report))
    sheets = []
    for name in book.sheet_names:
        grid = book.get_sheet_by_name(name).to_python()
        headers = [str(h) if str(h) else f"_{i}" for i, h in enumerate(grid[0])]
        sheets.append((name, [dict(zip(headers, row, strict=True)) for row in grid[1:]] or [{headers[0]: ""}]))
    return sheets


def step_floor(xlsx: Path, out: Path, timer: list) -> None:
    """Read the input with calamine and write the tool's own report again, cell for cell."""
    import pickle

    import python_calamine as calamine
    import rustpy_xlsxwriter as rx

    sheets = pickle.loads(out.with_suffix(".target.pkl").read_bytes())  # the report's cells, before the clock starts
    timer.append(time.perf_counter())
    calamine.CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
    rx.write_worksheets(sheets, str(out))


def step_naive(xlsx: Path, out: Path, timer: list) -> None:
    import pandas as pd

    from eligibility import Normalizer, evaluate, load_rules
    from eligibility.batch import added_columns, row_outputs
    from eligibility.mapping import suggest_mapping

    rules = load_rules()
    normalizer = Normalizer(rules)
    frame = pd.read_excel(xlsx, engine="openpyxl", dtype=object)
    mapping = {m.header: m.field for m in suggest_mapping(list(frame.columns)) if m.field}
    outputs = []
    for _, row in frame.iterrows():
        record = normalizer.to_record({field: row[header] for header, field in mapping.items()})
        det = evaluate(record, rules, as_of=dt.date(2026, 11, 27))
        outputs.append(row_outputs(det, issues=" | ".join(i.message.text() for i in det.data_issues)))
    for name in added_columns(rules):
        frame[name] = [o[name] for o in outputs]
    frame.to_excel(out, engine="openpyxl", index=False)


def step_csv_floor(source: Path, out: Path, timer: list) -> None:
    """Read the input with pyarrow and write the tool's own output CSV again, byte for byte."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    target = pa.BufferReader(out.with_suffix(".target.csv").read_bytes())  # the tool's output, before the clock starts
    timer.append(time.perf_counter())
    pacsv.read_csv(str(source), convert_options=pacsv.ConvertOptions(column_types={h: pa.string() for h in HEADERS}))
    data = target.read()
    with pa.OSFile(str(out), "wb") as sink:  # the same bytes the tool wrote
        sink.write(data)


STEPS = {"floor": step_floor, "naive": step_naive, "csv_floor": step_csv_floor}


def run_ours(source: Path, out: Path) -> dict:
    """`eligibility screen` as a whole process: wall time from start to exit, peak memory from the kernel."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "eligibility.cli", "screen", str(source), "-o", str(out), "--as-of", "2026-11-27"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"eligibility screen failed:\n{process.stderr.read().decode()[-2000:]}")
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024}


def run_step(name: str, source: Path, out: Path) -> dict:
    """Run one floor or naive step in a fresh interpreter; return its timed seconds and peak memory."""
    if name in ("ours", "csv_ours"):
        return run_ours(source, out)
    code = (
        "import sys, time, json; sys.path.insert(0, %r); import bench_batch as b; from pathlib import Path; "
        "timer = [time.perf_counter()]; b.STEPS[%r](Path(%r), Path(%r), timer); s = time.perf_counter() - timer[-1]; "
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]; print(json.dumps({'seconds': s, 'peak_mb': int(hwm) / 1024}))"
    ) % (str(Path(__file__).parent), name, str(source), str(out))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"step {name} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare_targets(xlsx: Path, csv_path: Path, folder: Path) -> None:
    """One untimed run of the tool on each input; its reports become what the floors write."""
    import pickle

    run_ours(xlsx, folder / "target.xlsx")
    (folder / "floor.out.target.pkl").write_bytes(pickle.dumps(report_sheets(folder / "target.xlsx")))
    run_ours(csv_path, folder / "csv_floor.out.target.csv")


def prepare(folder: Path, rows: int, csv_rows: int) -> None:
    """Make the inputs and the floors' targets (run in a child process: see ``main``)."""
    xlsx, csv_path = make_inputs(folder, rows, csv_rows)
    prepare_targets(xlsx, csv_path, folder)


def _in_child(call: str) -> None:
    code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import bench_batch as b; from pathlib import Path; {call}"
    subprocess.run([sys.executable, "-c", code], check=True)


def _own_peak_mb() -> float:
    with open("/proc/self/status") as status:
        return int(next(line for line in status if line.startswith("VmHWM")).split()[1]) / 1024


def _pairs(floor: str, ours: str, source: Path, folder: Path, count: int) -> list[tuple[dict, dict]]:
    """Alternate floor and ours ``count`` times; print each pair as it finishes."""
    pairs = []
    for i in range(count):
        a = run_step(floor, source, folder / f"{floor}.out{source.suffix}")
        b = run_step(ours, source, folder / f"{ours}.out{source.suffix}")
        print(f"  pair {i + 1}: {floor} {a['seconds']:6.2f} s, {ours} {b['seconds']:6.2f} s "
              f"(peak {b['peak_mb']:.0f} MB): {b['seconds'] / a['seconds']:.2f}x", flush=True)
        pairs.append((a, b))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    parser.add_argument("--pairs", type=int, default=5, help="alternating floor/ours runs per format")
    parser.add_argument("--skip-naive", action="store_true", help="skip the slow naive pipeline (about three minutes)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        # inputs and targets are made in a child: a child's peak memory, as the kernel reports it, starts
        # from this process's size when it is spawned, so this process must stay small
        _in_child(f"b.prepare(Path({str(folder)!r}), {args.rows}, {args.csv_rows})")
        xlsx, csv_path = folder / "clients.xlsx", folder / "clients.csv"
        print(f"inputs: {args.rows:,} x {len(HEADERS)} workbook, {args.csv_rows:,} x {len(HEADERS)} CSV "
              f"({csv_path.stat().st_size / 2**20:.0f} MB), made in {time.perf_counter() - start:.1f} s; "
              f"this process's own peak {_own_peak_mb():.0f} MB (a bound on what it adds to a step's peak)", flush=True)
        print("XLSX in, XLSX report out:")
        xlsx_pairs = _pairs("floor", "ours", xlsx, folder, args.pairs)
        naive = run_step("naive", xlsx, folder / "naive.xlsx") if not args.skip_naive else None
        print("CSV in, CSV out:")
        csv_pairs = _pairs("csv_floor", "csv_ours", csv_path, folder, args.pairs)
    xlsx_ratio = statistics.median(b["seconds"] / a["seconds"] for a, b in xlsx_pairs)
    ours = statistics.median(b["seconds"] for _, b in xlsx_pairs)
    peak = max(b["peak_mb"] for _, b in xlsx_pairs)
    print(f"XLSX: ours / floor = {xlsx_ratio:.2f}x median of {args.pairs} pairs (target <= 1.5x)")
    if naive is not None:
        print(f"XLSX: naive {naive['seconds']:.1f} s / ours {ours:.2f} s = {naive['seconds'] / ours:.1f}x faster (target >= 8x)")
    print(f"XLSX: peak memory {peak:.0f} MB (target < 1024 MB)")
    csv_ratio = statistics.median(b["seconds"] / a["seconds"] for a, b in csv_pairs)
    print(f"CSV:  ours / pyarrow floor = {csv_ratio:.2f}x median of {args.pairs} pairs (target <= 2x); "
          f"peak {max(b['peak_mb'] for _, b in csv_pairs):.0f} MB (target < 1.2 GB)")


if __name__ == "__main__":
    main()
