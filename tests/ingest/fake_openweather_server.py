#!/usr/bin/env python3
"""A local stand-in for OpenWeather's current-weather API (GET /data/2.5/weather), for the tests.

Answers in the shape OpenWeather documents and returns (coord, weather[], main, visibility, wind,
rain/snow, clouds, dt, sys, timezone, id, name, cod), for a few known cities (by q=, id= or lat/lon),
with units=metric|imperial|standard. A city's observation time `dt` advances by 600 s every
second request for that city, so polling twice in a row sees the same reading once.
Listens on 127.0.0.1 only, on a port the OS chooses, written to --port-file. Every request is
logged to --log as a JSON line {"t", "path", "status"}. The only valid key is "good-key"
(anything else: 401 with OpenWeather's message).

Scenarios (--scenario):
  ok          no faults
  faults      for each city, the 1st request answers 429, the 2nd 500, the 3rd truncated JSON
  malformed   every answer is 200 with an HTML body
"""
import argparse
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CITIES = {
    4366164: {"name": "Rockville", "country": "US", "lat": 39.084, "lon": -77.1528, "temp_c": 21.37, "rain": None},
    2643743: {"name": "London", "country": "GB", "lat": 51.5085, "lon": -0.1257, "temp_c": 11.2, "rain": 0.42},
}
BASE_DT = 1700000000


def convert(c, units):
    if units == "imperial":
        return round(c * 9 / 5 + 32, 2)
    if units == "standard":
        return round(c + 273.15, 2)
    return c


def answer(city_id, units, dt):
    c = CITIES[city_id]
    t = c["temp_c"]
    body = {
        "coord": {"lon": c["lon"], "lat": c["lat"]},
        "weather": [{"id": 500 if c["rain"] else 800, "main": "Rain" if c["rain"] else "Clear",
                     "description": "light rain" if c["rain"] else "clear sky", "icon": "01d"}],
        "base": "stations",
        "main": {"temp": convert(t, units), "feels_like": convert(t - 0.5, units),
                 "temp_min": convert(t - 1.1, units), "temp_max": convert(t + 1.3, units),
                 "pressure": 1016, "humidity": 64},
        "visibility": 10000,
        "wind": {"speed": 3.6, "deg": 250, "gust": 7.2},
        "clouds": {"all": 75 if c["rain"] else 0},
        "dt": dt,
        "sys": {"type": 2, "id": 2019646, "country": c["country"], "sunrise": dt - 20000, "sunset": dt + 20000},
        "timezone": -14400 if c["country"] == "US" else 0,
        "id": city_id,
        "name": c["name"],
        "cod": 200,
    }
    if c["rain"]:
        body["rain"] = {"1h": c["rain"]}
    return body


def find_city(params):
    if "id" in params:
        try:
            return int(params["id"][0]) if int(params["id"][0]) in CITIES else None
        except ValueError:
            return None
    if "q" in params:
        name = params["q"][0].split(",")[0].lower()
        for cid, c in CITIES.items():
            if c["name"].lower() == name:
                return cid
        return None
    if "lat" in params and "lon" in params:
        lat, lon = float(params["lat"][0]), float(params["lon"][0])
        return min(CITIES, key=lambda cid: (CITIES[cid]["lat"] - lat) ** 2 + (CITIES[cid]["lon"] - lon) ** 2)
    return None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--scenario", default="ok")
    args = p.parse_args()
    lock = threading.Lock()
    requests_per_city = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def send(self, status, body, content_type="application/json"):
            data = body.encode() if isinstance(body, str) else body
            # Logged before answering, so a client that has its answer finds the request logged.
            with lock, open(args.log, "a") as f:
                f.write(json.dumps({"t": time.time(), "path": self.path, "status": status}) + "\n")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            params = urllib.parse.parse_qs(url.query)
            if url.path != "/data/2.5/weather":
                return self.send(404, json.dumps({"cod": "404", "message": "Internal error"}))
            if params.get("appid", [""])[0] != "good-key":
                return self.send(401, json.dumps({"cod": 401, "message": "Invalid API key. Please see "
                                                  "https://openweathermap.org/faq#error401 for more info."}))
            city = find_city(params)
            if city is None:
                return self.send(404, json.dumps({"cod": "404", "message": "city not found"}))
            with lock:
                n = requests_per_city.get(city, 0)
                requests_per_city[city] = n + 1
            if args.scenario == "malformed":
                return self.send(200, "<html><body>502 Bad Gateway</body></html>", "text/html")
            if args.scenario == "faults":
                if n == 0:
                    return self.send(429, json.dumps({"cod": 429, "message": "Your account is temporary blocked"}))
                if n == 1:
                    return self.send(500, json.dumps({"cod": 500, "message": "Internal error"}))
                if n == 2:
                    return self.send(200, json.dumps(answer(city, "metric", BASE_DT))[:40])
                n -= 3
            units = params.get("units", ["standard"])[0]
            self.send(200, json.dumps(answer(city, units, BASE_DT + 600 * (n // 2))))

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
