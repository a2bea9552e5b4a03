"""`freshet chart` on the bundled real NOAA data: the SVG parses, has one mark per observed day
with the values `freshet query` prints, gaps where days are missing, axis labels with the right
units and tick labels that do not overlap; the PNG has the PNG signature, the requested size and
is not blank; --by month and --sql charts.
"""
import json
import os
import shutil
import struct
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
import zlib

sys.path.insert(0, os.path.dirname(__file__))
import noaa_data  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
CHAR_WIDTH = 7.0  # tools/chart/ticks.h kCharWidth


class ChartCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="freshet-chart-")
        cls.data = os.path.join(cls.tmp, "data")
        noaa_data.ingest(cls.data)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def query(self, station, first, last, units="metric"):
        out = noaa_data.freshet(self.data, "query", "--station", station, "--from", first, "--to", last,
                                "--units", units, "--output", "jsonl").stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def chart(self, *args):
        out = os.path.join(self.tmp, "chart.svg")
        noaa_data.freshet(self.data, "chart", *args, "--out", out)
        return ET.parse(out).getroot()

    def series(self, root):
        return {g.get("data-name"): g for g in root.iter(SVG + "g") if g.get("class") == "series"}

    def axis_labels(self, root):
        return [t.text for t in root.iter(SVG + "text") if t.get("class") == "axis-label"]

    def check_ticks_do_not_overlap(self, root):
        for axis in root.iter(SVG + "g"):
            if axis.get("class") != "axis" or axis.get("data-axis") != "x":
                continue
            labels = [(float(t.get("x")), t.text) for t in axis.iter(SVG + "text") if t.get("class") == "tick-label"]
            self.assertGreaterEqual(len(labels), 2)
            for (x0, a), (x1, b) in zip(labels, labels[1:]):
                self.assertGreater((x1 - len(b) * CHAR_WIDTH / 2) - (x0 + len(a) * CHAR_WIDTH / 2), 0,
                                   "tick labels %r and %r overlap" % (a, b))

    def check_day_series(self, root, element, unit, days):
        group = self.series(root)["%s (%s)" % (element, unit)]
        marks = [m for m in group if m.get("class") == "mark"]
        observed = [(d["date"], float(d[element])) for d in days if element in d]
        self.assertEqual(len(marks), len(observed), element)
        self.assertEqual([(m.get("data-x"), float(m.get("data-y"))) for m in marks], observed)
        if group.get("data-kind") == "line":
            # One path per run of consecutive observed days: a missing day is a gap.
            dates = [d for d, _ in observed]
            runs = sum(1 for i, d in enumerate(dates) if i == 0 or not self.consecutive(dates[i - 1], d))
            paths = [p for p in group if p.get("class") == "line"]
            self.assertEqual(len(paths), runs, element)
        return marks

    @staticmethod
    def consecutive(a, b):
        import datetime
        return datetime.date.fromisoformat(b) - datetime.date.fromisoformat(a) == datetime.timedelta(days=1)

    def test_station_month_metric(self):
        days = self.query(noaa_data.STATION, "2016-01-01", "2016-01-31")
        self.assertGreater(len(days), 20)
        root = self.chart("--station", noaa_data.STATION, "--from", "2016-01-01", "--to", "2016-01-31")
        self.assertEqual(root.get("width"), "960")
        for element, unit in [("TMAX", "C"), ("TMIN", "C"), ("PRCP", "mm"), ("SNOW", "mm")]:
            self.check_day_series(root, element, unit, days)
        labels = self.axis_labels(root)
        self.assertIn("Temperature (C)", labels)
        self.assertIn("Precipitation, snow (mm)", labels)
        self.assertIn("Date", labels)
        self.assertEqual(self.series(root)["PRCP (mm)"].get("data-axis"), "right")
        self.check_ticks_do_not_overlap(root)

    def test_missing_days_are_gaps(self):
        # USC00181125 (Clarksburg) reported TMAX on 295 days of 2013: the missing days are gaps.
        days = self.query("USC00181125", "2013-01-01", "2013-12-31")
        dates = [d["date"] for d in days if "TMAX" in d]
        self.assertGreater(len(dates), 100)
        gaps = [(a, b) for a, b in zip(dates, dates[1:]) if not self.consecutive(a, b)]
        self.assertGreater(len(gaps), 3)
        root = self.chart("--station", "USC00181125", "--from", "2013-01-01", "--to", "2013-12-31",
                          "--elements", "TMAX")
        marks = self.check_day_series(root, "TMAX", "C", days)
        paths = [p for p in self.series(root)["TMAX (C)"] if p.get("class") == "line"]
        self.assertEqual(len(paths), len(gaps) + 1)
        self.assertEqual(len(marks), len(dates))
        self.check_ticks_do_not_overlap(root)

    def test_standard_units(self):
        days = self.query(noaa_data.STATION, "2016-01-01", "2016-01-31", units="standard")
        root = self.chart("--station", noaa_data.STATION, "--from", "2016-01-01", "--to", "2016-01-31",
                          "--units", "standard", "--elements", "TMAX,PRCP")
        self.check_day_series(root, "TMAX", "F", days)
        self.check_day_series(root, "PRCP", "in", days)
        self.assertIn("Temperature (F)", self.axis_labels(root))
        self.assertIn("Precipitation (in)", self.axis_labels(root))

    def test_by_month(self):
        days = self.query(noaa_data.STATION, "2016-01-01", "2016-12-31")
        root = self.chart("--station", noaa_data.STATION, "--from", "2016-01-01", "--to", "2016-12-31",
                          "--by", "month")
        prcp = {m.get("data-x"): float(m.get("data-y")) for m in self.series(root)["PRCP (mm)"]
                if m.get("class") == "mark"}
        jan = sum(float(d["PRCP"]) for d in days if d["date"].startswith("2016-01") and "PRCP" in d)
        self.assertAlmostEqual(prcp["2016-01"], jan, places=1)
        self.assertIn("Monthly total (mm)", self.axis_labels(root))
        self.check_ticks_do_not_overlap(root)

    def test_sql_chart(self):
        days = self.query(noaa_data.STATION, "2016-01-01", "2016-01-31")
        root = self.chart("--sql", "SELECT date, TMAX, TMIN FROM weather WHERE station = '%s' AND date "
                          "BETWEEN '2016-01-01' AND '2016-01-31'" % noaa_data.STATION)
        marks = [m for m in self.series(root)["TMAX"] if m.get("class") == "mark"]
        self.assertEqual(len(marks), len([d for d in days if "TMAX" in d]))
        bad = noaa_data.freshet(self.data, "chart", "--sql", "SELECT 1", "--out",
                                os.path.join(self.tmp, "x.svg"), check=False)
        self.assertEqual(bad.returncode, 2, bad.stderr)
        self.assertIn("two or more columns", bad.stderr)

    def test_png(self):
        out = os.path.join(self.tmp, "chart.png")
        noaa_data.freshet(self.data, "chart", "--station", noaa_data.STATION, "--from", "2016-01-01",
                          "--to", "2016-03-31", "--out", out, "--width", "800", "--height", "400")
        data = open(out, "rb").read()
        self.assertEqual(data[:8], b"\x89PNG\r\n\x1a\n")
        width, height, depth, color_type = struct.unpack(">IIBB", data[16:26])
        self.assertEqual((width, height), (800, 400))
        self.assertEqual(depth, 8)
        channels = {2: 3, 6: 4}[color_type]  # RGB or RGBA
        # Not blank: the decoded pixel rows hold many distinct byte values (white alone would not).
        idat, pos = b"", 8
        while pos < len(data):
            length, kind = struct.unpack(">I4s", data[pos:pos + 8])
            if kind == b"IDAT":
                idat += data[pos + 8:pos + 8 + length]
            pos += 12 + length
        pixels = zlib.decompress(idat)
        self.assertEqual(len(pixels), height * (1 + width * channels))
        self.assertGreater(len(set(pixels)), 50)


if __name__ == "__main__":
    unittest.main()
