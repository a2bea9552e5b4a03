#!/usr/bin/env python3
"""A local stand-in for NOAA's CDO Web Services v2 (GHCND), for the ingest tests.

Serves /data and /stations in the real response shape, built from the bundled CDO export
(data/noaa/cdo-montgomery-md-2012-2018.csv.gz, standard units) converted to what units=metric
returns (mm and degrees C with one decimal). Listens on 127.0.0.1 only, on a port the OS chooses,
written to --port-file. Every request is logged to --log as a JSON line {"t", "path", "status"}.

Scenarios (--scenario):
  ok               no faults
  faults           the 2nd distinct /data page answers 429 once, the 3rd 500 twice, the 4th is
                   slow (--slow-seconds) once, the 5th is truncated JSON once; /stations 503 once
  malformed        every /data answer is 200 with an HTML body
  bad-request      every /data answer is 400 with userMessage and developerMessage
  bad-station      as ok, but the 2nd row of every /data page has the station id "GHCND:" (empty)
The whole data set, as the client should record it, is written to --dump (JSON list of
[station, date, element, value]) before the port file appears.
"""
import argparse
import csv
import datetime
import gzip
import json
import os
import sys
import threading
import time
import urllib.parse
from decimal import Decimal, ROUND_HALF_UP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

INCH_ELEMENTS = {"PRCP", "SNOW", "SNWD", "WESD", "WESF", "MDPR"}
TEMP_ELEMENTS = {"TMAX", "TMIN", "TOBS"}


def metric(element, text):
    value = Decimal(text.strip())
    if element in INCH_ELEMENTS:
        value = (value * Decimal("25.4")).quantize(Decimal("0.1"), ROUND_HALF_UP)
    elif element in TEMP_ELEMENTS:
        value = ((value - 32) * 5 / 9).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return value


def canonical(value):
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def load(path):
    rows, names = [], {}
    with gzip.open(path, "rt", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        col = {name: i for i, name in enumerate(header)}
        elements = [h for h in header if len(h) == 4 and h not in ("NAME", "DATE") and h + "_ATTRIBUTES" in col]
        for r in reader:
            station, date = r[col["STATION"]], r[col["DATE"]]
            names[station] = r[col["NAME"]]
            for e in elements:
                text = r[col[e]]
                if text.strip() == "":
                    continue
                value = metric(e, text)
                rows.append({"date": date + "T00:00:00", "datatype": e, "station": "GHCND:" + station,
                             "attributes": r[col[e + "_ATTRIBUTES"]],
                             "value": int(value) if value == value.to_integral() else float(value)})
    rows.sort(key=lambda x: (x["date"], x["datatype"], x["station"]))
    return rows, names


def plus_one_year(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # Feb 29
        return day.replace(year=day.year + 1, day=28)


class State:
    def __init__(self, args, rows, names):
        self.args, self.rows, self.names = args, rows, names
        self.lock = threading.Lock()
        self.log = open(args.log, "a", buffering=1)
        self.pages_seen = []      # distinct /data paths, in order of first request
        self.hits = {}            # path -> requests so far
        self.stations_hits = 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body):
        data = body.encode() if isinstance(body, str) else body
        # Logged before the answer goes out: a client that got its answer finds its request in
        # the log (logging after the write raced with tests reading the log at once).
        st = self.server.state
        with st.lock:
            st.log.write(json.dumps({"t": self.t0, "path": self.path, "status": status}) + "\n")
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client timed out on a slow page
            pass

    def do_GET(self):
        self.t0 = time.time()
        st = self.server.state
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        token = self.headers.get("token")
        if not token:
            return self.send(400, json.dumps({"status": "400", "message": "Token parameter is required."}))
        if token != st.args.token:
            return self.send(400, json.dumps({"status": "400", "message": "Token parameter is invalid."}))
        if url.path.startswith("/stations"):
            return self.stations(url, q)
        if url.path == "/data":
            return self.data(q)
        return self.send(404, json.dumps({"status": "404", "message": "not found"}))

    def stations(self, url, q):
        st = self.server.state
        with st.lock:
            st.stations_hits += 1
            first = st.stations_hits == 1
        if st.args.scenario == "faults" and first:
            return self.send(503, "<html>Service Unavailable</html>")
        items = [{"id": "GHCND:" + s, "name": n} for s, n in sorted(st.names.items())]
        if url.path != "/stations":
            wanted = urllib.parse.unquote(url.path[len("/stations/"):])
            match = [i for i in items if i["id"] == wanted]
            return self.send(200, json.dumps(match[0]) if match else "{}")
        offset, limit = int(q.get("offset", ["1"])[0]), min(int(q.get("limit", ["25"])[0]), st.args.page_size)
        page = items[offset - 1:offset - 1 + limit]
        meta = {"resultset": {"offset": offset, "count": len(items), "limit": limit}}
        return self.send(200, json.dumps({"metadata": meta, "results": page}) if page else "{}")

    def data(self, q):
        st = self.server.state
        if st.args.scenario == "malformed":
            return self.send(200, "<html><body>Service temporarily unavailable</body></html>")
        if st.args.scenario == "bad-request":
            return self.send(400, json.dumps({"status": "400", "userMessage": "There was an error with the request.",
                                              "developerMessage": "The date range must be less than 1 year."}))
        with st.lock:
            if self.path not in st.hits:
                st.pages_seen.append(self.path)
            st.hits[self.path] = st.hits.get(self.path, 0) + 1
            ordinal = st.pages_seen.index(self.path) + 1
            hit = st.hits[self.path]
        if st.args.scenario == "faults":
            if ordinal == 2 and hit == 1:
                return self.send(429, json.dumps({"status": "429", "message": "Too many requests"}))
            if ordinal == 3 and hit <= 2:
                return self.send(500, json.dumps({"status": "500", "message": "Internal Server Error"}))
            if ordinal == 4 and hit == 1:
                time.sleep(st.args.slow_seconds)
            if ordinal == 5 and hit == 1:
                return self.send(200, '{"metadata":{"resultset":{"offset":1,"count":12')
        start = datetime.date.fromisoformat(q["startdate"][0])
        end = datetime.date.fromisoformat(q["enddate"][0])
        if end >= plus_one_year(start):
            return self.send(400, json.dumps({"status": "400", "userMessage": "There was an error with the request.",
                                              "developerMessage": "The date range must be less than 1 year."}))
        types = set(q.get("datatypeid", []))
        stations = set(q.get("stationid", []))
        lo, hi = start.isoformat(), end.isoformat() + "U"
        match = [r for r in st.rows if lo <= r["date"] <= hi and (not types or r["datatype"] in types)
                 and (not stations or r["station"] in stations)]
        offset, limit = int(q.get("offset", ["1"])[0]), min(int(q.get("limit", ["25"])[0]), st.args.page_size)
        page = match[offset - 1:offset - 1 + limit]
        if not page:
            return self.send(200, "{}")
        if st.args.scenario == "bad-station" and len(page) > 1:
            page = page[:1] + [dict(page[1], station="GHCND:")] + page[2:]
        meta = {"resultset": {"offset": offset, "count": len(match), "limit": limit}}
        return self.send(200, json.dumps({"metadata": meta, "results": page}))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--dump", required=True)
    p.add_argument("--token", default="test-token")
    p.add_argument("--scenario", default="ok")
    p.add_argument("--page-size", type=int, default=1000)
    p.add_argument("--slow-seconds", type=float, default=1.5)
    args = p.parse_args()
    rows, names = load(args.data)
    with open(args.dump, "w") as f:
        json.dump([[r["station"][6:], r["date"][:10], r["datatype"], canonical(metric_value(r))] for r in rows], f)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.state = State(args, rows, names)
    parent = os.getppid()

    def watch_parent():  # never outlive the test that started us
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)
    threading.Thread(target=watch_parent, daemon=True).start()
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, args.port_file)
    server.serve_forever()


def metric_value(row):
    return Decimal(repr(row["value"])) if isinstance(row["value"], float) else Decimal(row["value"])


if __name__ == "__main__":
    sys.exit(main())
