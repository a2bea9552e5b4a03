#!/usr/bin/env bash
# The main job: the whole pipeline on the bundled real NOAA data, from a fresh data directory.
#   1. install what is missing and build (Release)
#   2. create the `weather` stream (4 shards)
#   3. ingest the bundled CDO export of Montgomery County, MD (2012-2018) into it
#   4. consume it with the built-in `weather` pipeline into the `weather` table
#   5. print one station's month with `freshet query`, and a one-line summary
#   6. keep monthly aggregates with the built-in `weather-monthly` pipeline, print the station's
#      first quarter with `freshet sql`, and draw its month as an SVG chart (`freshet chart`)
# Environment: FRESHET_DEMO_DIR (default ./freshet-demo, replaced on each run),
#   DEMO_STATION (default USC00182336, Damascus 3 SSW), DEMO_FROM / DEMO_TO (default January 2016).
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target freshet >/dev/null

freshet=build/tools/freshet
data_dir=${FRESHET_DEMO_DIR:-./freshet-demo}
station=${DEMO_STATION:-USC00182336}
from=${DEMO_FROM:-2016-01-01}
to=${DEMO_TO:-2016-01-31}
export FRESHET_DATA_DIR=$data_dir
rm -rf "$data_dir"

start=$(date +%s.%N)
"$freshet" stream create weather --shards 4
"$freshet" ingest file --stream weather data/noaa/cdo-montgomery-md-2012-2018.csv.gz
"$freshet" consume --pipeline weather
echo
echo "$station, $from to $to (metric: mm, degrees C):"
"$freshet" query --station "$station" --from "$from" --to "$to" --elements PRCP,SNOW,SNWD,TMAX,TMIN
end=$(date +%s.%N)
echo

# The summary: observations in the stream, and distinct stations and days in the table
# (table scan returns pages of at most 1 MB; follow the continuation tokens).
python3 - "$freshet" "$start" "$end" "$data_dir" <<'PY'
import csv, json, subprocess, sys
freshet, start, end, data_dir = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
describe = json.loads(subprocess.run([freshet, "stream", "describe", "weather", "--output", "json"],
                                     check=True, capture_output=True, text=True).stdout)
observations = sum(s["record_count"] for s in describe["shards"])
stations, days, token = set(), set(), None
while True:
    args = [freshet, "table", "scan", "weather", "--attributes", "station,date", "--output", "json"]
    page = json.loads(subprocess.run(args + (["--start-after", token] if token else []),
                                     check=True, capture_output=True, text=True).stdout)
    for item in page["items"]:
        stations.add(item["station"])
        days.add(item["date"])
    token = page.get("next_token")
    if not token:
        break
print(f"summary: {observations} observations, {len(stations)} stations, {len(days)} days, "
      f"pipeline took {end - start:.1f} s (data in {data_dir})")
PY

# Live aggregates (exactly once, like the table above) and a chart of the month, on the same data.
echo
"$freshet" consume --pipeline weather-monthly
echo "$station, monthly aggregates (weather-monthly) for the first quarter of ${from:0:4}:"
"$freshet" sql "SELECT month, PRCP_sum, SNOW_sum, TMAX_max, TMIN_min, round(TMAX_mean, 2) AS TMAX_mean
                FROM weather_monthly WHERE station = '$station'
                AND month BETWEEN '${from:0:4}-01' AND '${from:0:4}-03' ORDER BY month"
"$freshet" chart --station "$station" --from "$from" --to "$to" --out "$data_dir/$station-$from.svg"
