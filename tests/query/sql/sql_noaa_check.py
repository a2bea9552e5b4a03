#!/usr/bin/env python3
"""freshet sql on the bundled NOAA data, checked against the CSV it came from.

Loads the bundled export into a fresh data directory (stream create, ingest file, consume
--pipeline weather), runs ONE statement through `freshet sql`:

  SELECT station, substr(date, 1, 7), sum(PRCP), max(TMAX), min(TMIN),
         count(PRCP), count(TMAX), count(TMIN) FROM weather GROUP BY 1, 2

and compares every station-month with the same figures computed here, independently, from the
CSV with Python's csv module and decimal arithmetic. The table holds metric values (mm, degrees C;
ingest/units.h), so the CSV's inches become mm (x 25.4, exact) and degrees F become degrees C
rounded to 2 decimals, half away from zero. Sums are compared to 1e-9 mm (SQLite adds doubles).
A pushed-down station-month query is checked too, with its plan. The statements run beside a
`freshet serve` owning the directory (freshet sql opens it read-only), the GROUP BY from --file.

Usage: sql_noaa_check.py FRESHET_BIN DATA_CSV_GZ
"""
import collections
import csv
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal


def run(freshet, data_dir, *args):
    out = subprocess.run([freshet, "--data-dir", data_dir, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"freshet {' '.join(args)} failed ({out.returncode}): {out.stderr.strip()}")
    return out.stdout


def to_c(f):
    return ((f - 32) * 5 / 9).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expected_from_csv(path):
    months = collections.defaultdict(lambda: {"prcp": Decimal(0), "tmax": None, "tmin": None,
                                              "n": [0, 0, 0]})
    with gzip.open(path, "rt", newline="") as f:
        for row in csv.DictReader(f):
            m = months[(row["STATION"], row["DATE"][:7])]
            if row["PRCP"] != "":
                m["prcp"] += Decimal(row["PRCP"]) * Decimal("25.4")
                m["n"][0] += 1
            if row["TMAX"] != "":
                v = to_c(Decimal(row["TMAX"]))
                m["tmax"] = v if m["tmax"] is None else max(m["tmax"], v)
                m["n"][1] += 1
            if row["TMIN"] != "":
                v = to_c(Decimal(row["TMIN"]))
                m["tmin"] = v if m["tmin"] is None else min(m["tmin"], v)
                m["n"][2] += 1
    return {k: v for k, v in months.items() if any(v["n"])}


def close(a, b, tolerance):
    if a is None or b is None:
        return a is None and b is None
    return abs(Decimal(str(a)) - b) <= tolerance


def main():
    freshet, data = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = tmp + "/data"
        run(freshet, data_dir, "stream", "create", "weather", "--shards", "4")
        run(freshet, data_dir, "ingest", "file", "--stream", "weather", data)
        run(freshet, data_dir, "consume", "--pipeline", "weather")
        # The statements run beside an owner holding the directory for writing (`freshet serve`).
        owner = subprocess.Popen([freshet, "--data-dir", data_dir, "serve"], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
        for _ in range(1200):
            if os.path.exists(data_dir + "/freshet.sock") or owner.poll() is not None:
                break
            time.sleep(0.025)
        if not os.path.exists(data_dir + "/freshet.sock"):
            owner.kill()
            sys.exit(f"freshet serve did not start: {owner.communicate()[1].strip()}")
        with open(tmp + "/monthly.sql", "w") as f:  # through --file
            f.write("SELECT station, substr(date, 1, 7) AS month, sum(PRCP) AS prcp, max(TMAX) AS tmax,\n"
                    "       min(TMIN) AS tmin, count(PRCP) AS np, count(TMAX) AS nx, count(TMIN) AS nn\n"
                    "FROM weather GROUP BY 1, 2;\n")
        out = run(freshet, data_dir, "sql", "--output", "json", "--file", tmp + "/monthly.sql")
        rows = json.loads(out)["items"]
        plan = run(freshet, data_dir, "sql", "--output", "csv",
                   "EXPLAIN QUERY PLAN SELECT * FROM weather WHERE station = 'USC00182336' "
                   "AND date BETWEEN '2015-03-01' AND '2015-03-31'")
        one = json.loads(run(freshet, data_dir, "sql", "--output", "json",
                             "SELECT date, TMAX FROM weather WHERE station = 'USC00182336' "
                             "AND date BETWEEN '2015-03-01' AND '2015-03-31'"))["items"]
        owner.terminate()
        owner.wait(timeout=60)
    expected = expected_from_csv(data)
    problems = []
    if "station=? AND date>=? AND date<=?" not in plan:
        problems.append(f"the station-month plan does not use the key: {plan.strip()}")
    if [r["date"] for r in one] != [f"2015-03-{d:02d}" for d in range(1, 32)]:
        problems.append(f"station-month query returned {[r['date'] for r in one]}")
    actual = {}
    for r in rows:
        if any((r["np"], r["nx"], r["nn"])):
            actual[(r["station"], r["month"])] = r
    for key in sorted(set(expected) | set(actual)):
        e, a = expected.get(key), actual.get(key)
        if e is None or a is None:
            problems.append(f"{key}: only in {'freshet' if e is None else 'the CSV'}")
            continue
        if e["n"] != [a["np"], a["nx"], a["nn"]]:
            problems.append(f"{key}: days per element {e['n']} != {[a['np'], a['nx'], a['nn']]}")
        if e["n"][0] and not close(a["prcp"], e["prcp"], Decimal("1e-9")):
            problems.append(f"{key}: PRCP total {e['prcp']} mm != {a['prcp']} mm")
        for k in ("tmax", "tmin"):
            if not close(a[k], e[k], Decimal("1e-9")):
                problems.append(f"{key}: {k} {e[k]} C != {a[k]} C")
    with_temps = sum(1 for k in expected if expected[k]["tmax"] is not None)
    for p in problems[:20]:
        print(p)
    print(f"{len(expected)} station-months compared ({with_temps} with temperatures), {len(problems)} differ")
    return 1 if problems or len(expected) < 1000 else 0


if __name__ == "__main__":
    sys.exit(main())
