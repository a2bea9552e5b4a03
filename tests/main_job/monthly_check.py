#!/usr/bin/env python3
"""The main job checked against the CSV it came from.

Runs the pipeline on the bundled NOAA export in a fresh data directory (stream create, ingest
file, consume --pipeline weather), then, for every station, asks `freshet query --units standard`
for its whole period, and compares per station and month:
  - precipitation totals (inches), summed exactly with decimals,
  - the highest TMAX and the lowest TMIN (degrees F),
  - the number of days with each element,
with the same figures computed here, independently, from the CSV with Python's csv module.

Usage: monthly_check.py FRESHET_BIN DATA_CSV_GZ
"""
import collections
import csv
import gzip
import json
import subprocess
import sys
import tempfile
from decimal import Decimal


def run(freshet, data_dir, *args):
    out = subprocess.run([freshet, "--data-dir", data_dir, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"freshet {' '.join(args)} failed ({out.returncode}): {out.stderr.strip()}")
    return out.stdout


def expected_from_csv(path):
    months = collections.defaultdict(lambda: {"prcp": Decimal(0), "tmax": None, "tmin": None,
                                              "n": collections.Counter()})
    stations = set()
    with gzip.open(path, "rt", newline="") as f:
        for row in csv.DictReader(f):
            station, month = row["STATION"], row["DATE"][:7]
            stations.add(station)
            m = months[(station, month)]
            if row["PRCP"] != "":
                m["prcp"] += Decimal(row["PRCP"])
                m["n"]["PRCP"] += 1
            if row["TMAX"] != "":
                v = Decimal(row["TMAX"])
                m["tmax"] = v if m["tmax"] is None else max(m["tmax"], v)
                m["n"]["TMAX"] += 1
            if row["TMIN"] != "":
                v = Decimal(row["TMIN"])
                m["tmin"] = v if m["tmin"] is None else min(m["tmin"], v)
                m["n"]["TMIN"] += 1
    return stations, months


def actual_from_freshet(freshet, data_dir, stations):
    months = collections.defaultdict(lambda: {"prcp": Decimal(0), "tmax": None, "tmin": None,
                                              "n": collections.Counter()})
    for station in sorted(stations):
        out = run(freshet, data_dir, "query", "--station", station, "--from", "2011-01-01", "--to",
                  "2018-12-31", "--elements", "PRCP,TMAX,TMIN", "--units", "standard", "--output", "json")
        for item in json.loads(out, parse_float=Decimal)["items"]:
            m = months[(station, item["date"][:7])]
            if "PRCP" in item:
                m["prcp"] += Decimal(item["PRCP"])
                m["n"]["PRCP"] += 1
            if "TMAX" in item:
                v = Decimal(item["TMAX"])
                m["tmax"] = v if m["tmax"] is None else max(m["tmax"], v)
                m["n"]["TMAX"] += 1
            if "TMIN" in item:
                v = Decimal(item["TMIN"])
                m["tmin"] = v if m["tmin"] is None else min(m["tmin"], v)
                m["n"]["TMIN"] += 1
    return months


def main():
    freshet, data = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = tmp + "/data"
        run(freshet, data_dir, "stream", "create", "weather", "--shards", "4")
        run(freshet, data_dir, "ingest", "file", "--stream", "weather", data)
        run(freshet, data_dir, "consume", "--pipeline", "weather")
        stations, expected = expected_from_csv(data)
        actual = actual_from_freshet(freshet, data_dir, stations)
    problems = []
    for key in sorted(set(expected) | set(actual)):
        e, a = expected.get(key), actual.get(key)
        if e is None or a is None:
            if (e or a)["n"]:
                problems.append(f"{key}: only in {'freshet' if e is None else 'the CSV'}")
            continue
        if e["n"] != a["n"]:
            problems.append(f"{key}: days per element {dict(e['n'])} != {dict(a['n'])}")
        if e["prcp"] != a["prcp"]:
            problems.append(f"{key}: PRCP total {e['prcp']} in != {a['prcp']} in")
        for k in ("tmax", "tmin"):
            if (e[k] is None) != (a[k] is None) or (e[k] is not None and e[k] != a[k]):
                problems.append(f"{key}: {k} {e[k]} F != {a[k]} F")
    checked = sum(1 for k in expected if expected[k]["n"])
    with_temps = sum(1 for k in expected if expected[k]["tmax"] is not None)
    for p in problems[:20]:
        print(p)
    print(f"{checked} station-months compared ({with_temps} with temperatures), {len(problems)} differ")
    print(f"{checked - len(problems)} passed, {len(problems)} failed")
    return 1 if problems or checked < 1000 else 0


if __name__ == "__main__":
    sys.exit(main())
