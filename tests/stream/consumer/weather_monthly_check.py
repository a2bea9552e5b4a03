#!/usr/bin/env python3
"""weather-monthly on the bundled NOAA data, checked against the CSV it came from.

Loads the bundled export into a fresh data directory (stream create, ingest file, consume
--pipeline weather-monthly), scans the weather_monthly table (`freshet table scan --output
jsonl`), and compares every station-month with figures computed here, independently, from the
CSV with Python's csv module and decimal arithmetic (no freshet code):
  - PRCP_sum and SNOW_sum exactly (the table is metric: inches x 25.4 = mm, exact),
  - TMAX_max and TMIN_min (degrees F -> C rounded to 2 decimals, half away from zero, as
    ingest/units.h does), exactly,
  - TMAX_mean and TMIN_mean: their _sum and _count exactly, the mean as Python's decimal
    division to 38 significant digits, half up,
  - {ELEMENT}_days for every element column of the CSV, and first_date / last_date.

Usage: weather_monthly_check.py FRESHET_BIN DATA_CSV_GZ
"""
import collections
import csv
import decimal
import gzip
import json
import subprocess
import sys
import tempfile
from decimal import ROUND_HALF_UP, Decimal

TEMPS = ("TMAX", "TMIN")
LENGTHS = ("PRCP", "SNOW")


def run(freshet, data_dir, *args):
    out = subprocess.run([freshet, "--data-dir", data_dir, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"freshet {' '.join(args)} failed ({out.returncode}): {out.stderr.strip()}")
    return out.stdout


def to_c(f):
    return ((f - 32) * 5 / 9).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expected_from_csv(path):
    months = collections.defaultdict(lambda: {"days": collections.Counter(), "sum": collections.defaultdict(Decimal),
                                              "n": collections.Counter(), "max": None, "min": None,
                                              "dates": []})
    with gzip.open(path, "rt", newline="") as f:
        reader = csv.DictReader(f)
        elements = [c for c in reader.fieldnames if c[:4].isupper() and len(c) == 4 and c not in ("NAME", "DATE")]
        for row in reader:
            m = months[(row["STATION"], row["DATE"][:7])]
            for el in elements:
                if row[el] == "":
                    continue
                m["days"][el] += 1
                m["dates"].append(row["DATE"])
                if el in LENGTHS:
                    m["sum"][el] += Decimal(row[el]) * Decimal("25.4")
                elif el in TEMPS:
                    c = to_c(Decimal(row[el]))
                    m["sum"][el] += c
                    m["n"][el] += 1
                    if el == "TMAX":
                        m["max"] = c if m["max"] is None else max(m["max"], c)
                    else:
                        m["min"] = c if m["min"] is None else min(m["min"], c)
    return {k: v for k, v in months.items() if v["days"]}


def main():
    freshet, data = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = tmp + "/data"
        run(freshet, data_dir, "stream", "create", "weather", "--shards", "4")
        run(freshet, data_dir, "ingest", "file", "--stream", "weather", data)
        summary = run(freshet, data_dir, "consume", "--pipeline", "weather-monthly")
        lines = run(freshet, data_dir, "table", "scan", "weather_monthly", "--output", "jsonl").splitlines()
    items = [json.loads(line, parse_float=Decimal, parse_int=Decimal) for line in lines if line.strip()]
    actual = {(i["station"], i["month"]): i for i in items}
    expected = expected_from_csv(data)
    ctx = decimal.Context(prec=38, rounding=ROUND_HALF_UP)
    problems = []

    def same(key, name, want, got):
        if want is None and got is None:
            return
        if want is None or got is None or Decimal(want) != Decimal(got):
            problems.append(f"{key}: {name} expected {want}, freshet has {got}")

    for key in sorted(set(expected) | set(actual)):
        e, a = expected.get(key), actual.get(key)
        if e is None or a is None:
            problems.append(f"{key}: only in {'freshet' if e is None else 'the CSV'}")
            continue
        for el, n in e["days"].items():
            same(key, f"{el}_days", n, a.get(f"{el}_days"))
        extra = [k for k in a if k.endswith("_days") and k[:-5] not in e["days"]]
        if extra:
            problems.append(f"{key}: freshet counts elements the CSV does not have: {extra}")
        for el in LENGTHS:
            same(key, f"{el}_sum", e["sum"][el] if e["days"][el] else None, a.get(f"{el}_sum"))
        same(key, "TMAX_max", e["max"], a.get("TMAX_max"))
        same(key, "TMIN_min", e["min"], a.get("TMIN_min"))
        for el in TEMPS:
            n = e["n"][el]
            same(key, f"{el}_mean_sum", e["sum"][el] if n else None, a.get(f"{el}_mean_sum"))
            same(key, f"{el}_mean_count", n or None, a.get(f"{el}_mean_count"))
            same(key, f"{el}_mean", ctx.divide(e["sum"][el], Decimal(n)) if n else None, a.get(f"{el}_mean"))
        if (a.get("first_date"), a.get("last_date")) != (min(e["dates"]), max(e["dates"])):
            problems.append(f"{key}: dates {a.get('first_date')}..{a.get('last_date')}, "
                            f"expected {min(e['dates'])}..{max(e['dates'])}")
    for p in problems[:20]:
        print(p)
    observations = sum(sum(m["days"].values()) for m in expected.values())
    print(f"{len(expected)} station-months compared ({observations} observations), {len(problems)} differ")
    print(summary.strip())
    return 1 if problems or len(expected) < 1000 else 0


if __name__ == "__main__":
    sys.exit(main())
