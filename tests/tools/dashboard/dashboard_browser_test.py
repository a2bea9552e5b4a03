"""The dashboard in a real browser: Debian's headless chromium against `freshet serve --http` on
127.0.0.1 over the bundled NOAA data. The page loads without console errors; the streams, tables and
consumers panels show the real figures and move within a few seconds when records are put; the
weather view draws one mark per observed day with the values `freshet query` prints; the SQL panel
shows a table and a chart; the page fits 1280x800 and a 480 px wide window (screenshots of both
are kept in the test's output directory). Exits 77 (ctest SKIP) only if chromium cannot start.
"""
import json
import os
import shutil
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "chart"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "wire"))
import cdp  # noqa: E402
import noaa_data  # noqa: E402
from wire_util import Server  # noqa: E402

OUTPUT_DIR = os.environ.get("FRESHET_TEST_OUTPUT", tempfile.gettempdir())
STATION = noaa_data.STATION


class DashboardBrowserTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="freshet-dashboard-")
        cls.data = os.path.join(cls.tmp, "data")
        noaa_data.ingest(cls.data)
        # What the panels must show, read with the CLI before the server starts.
        describe = json.loads(noaa_data.freshet(cls.data, "stream", "describe", "weather", "--output", "json").stdout)
        cls.records = sum(s["record_count"] for s in describe["shards"])
        table = json.loads(noaa_data.freshet(cls.data, "table", "describe", "weather", "--output", "json").stdout)
        cls.items = table["item_count"]
        out = noaa_data.freshet(cls.data, "query", "--station", STATION, "--from", "2016-01-01", "--to",
                                "2016-01-31", "--output", "jsonl").stdout
        cls.days = [json.loads(line) for line in out.splitlines() if line.strip()]
        cls.server = Server(data_dir=cls.data).start()
        try:
            cls.browser = cdp.Browser(os.path.join(cls.tmp, "chromium"))
        except cdp.BrowserUnavailable as e:
            cls.server.cleanup()
            print("SKIP: %s" % e, file=sys.stderr)
            sys.exit(77)
        except BaseException:
            cls.server.cleanup()
            raise
        try:
            cls.page = cdp.Page(cls.browser)
            cls.page.size(1280, 800)
            start = time.time()
            cls.page.navigate(cls.server.url + "/")
            cls.page.wait_for("document.querySelector('#streams-table tr[data-key=\"weather\"]')",
                              what="streams panel")
            cls.first_render_s = time.time() - start
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.server.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def cell(self, table, key, field):
        return self.page.evaluate(
            "(() => { const c = document.querySelector('#%s tr[data-key=\"%s\"] td[data-field=\"%s\"]');"
            " return c ? c.textContent : null; })()" % (table, key, field))

    def test_1_live_panels_show_the_real_counts(self):
        print("first render: %.2f s" % self.first_render_s, file=sys.stderr)
        self.assertEqual(self.cell("streams-table", "weather", "records"), "{:,}".format(self.records))
        self.assertEqual(self.cell("streams-table", "weather", "shards"), "4 (4)")
        self.assertEqual(self.cell("tables-table", "weather", "items"), "{:,}".format(self.items))
        self.assertEqual(self.cell("consumers-table", "weather", "records_behind"), "0")
        self.assertEqual(self.page.evaluate("document.querySelector('#functions-body').textContent.trim()"), "none")
        self.page.drain_events()
        self.assertEqual(self.page.errors, [])

    def test_2_put_records_move_the_figures(self):
        for i in range(5):
            noaa_data.freshet(self.data, "stream", "put", "weather", "--partition-key", "k%d" % i,
                              "--data", '{"station":"X","date":"2020-01-01","element":"TMAX","value":1}')
        expected = "{:,}".format(self.records + 5)
        self.page.wait_for("document.querySelector('#streams-table tr[data-key=\"weather\"] "
                           "td[data-field=\"records\"]').textContent === '%s'" % expected, timeout=10,
                           what="the stream's record count to reach %s" % expected)
        # serve runs no pipeline here, so the weather consumer falls 5 records behind.
        self.page.wait_for("document.querySelector('#consumers-table tr[data-key=\"weather\"] "
                           "td[data-field=\"records_behind\"]').textContent === '5'", timeout=10,
                           what="the consumer's lag to reach 5")
        self.assertEqual(self.page.errors, [])

    def test_3_weather_view_draws_the_station_month(self):
        self.page.wait_for("document.querySelector('#station option[value=\"%s\"]')" % STATION, timeout=60,
                           what="the station list")
        self.page.evaluate("document.getElementById('station').value = '%s';"
                           "document.getElementById('from').value = '2016-01-01';"
                           "document.getElementById('to').value = '2016-01-31';"
                           "document.querySelector('#weather-form button').click(); true" % STATION)
        self.page.wait_for("document.querySelector('#weather-chart svg g.series')", what="the weather chart")
        marks = self.page.evaluate(
            "[...document.querySelectorAll('#weather-chart g.series[data-name=\"TMAX (C)\"] .mark')]"
            ".map(m => [m.dataset.x, Number(m.dataset.y)])")
        expected = [[d["date"], float(d["TMAX"])] for d in self.days if "TMAX" in d]
        self.assertEqual(marks, expected)
        months = self.page.evaluate("document.querySelectorAll('#weather-months tbody tr').length")
        self.assertEqual(months, 1)
        self.assertEqual(self.page.errors, [])

    def test_4_sql_panel(self):
        self.page.evaluate("document.getElementById('sql-text').value = \"SELECT substr(date, 1, 7) AS month, "
                           "count(*) AS days FROM weather WHERE station = '%s' AND date LIKE '2016-%%' "
                           "GROUP BY month\"; document.querySelector('#sql-form button').click(); true" % STATION)
        self.page.wait_for("document.querySelector('#sql-chart svg')", what="the SQL chart")
        rows = self.page.evaluate("document.querySelectorAll('#sql-result tbody tr').length")
        self.assertEqual(rows, 12)
        self.assertEqual(self.page.errors, [])

    def test_5_fits_wide_and_narrow_windows(self):
        for width, height in ((1280, 800), (480, 800)):
            self.page.size(width, height)
            time.sleep(0.3)
            overflow = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            self.assertLessEqual(overflow, 0, "the page is wider than a %d px window" % width)
            self.page.screenshot(os.path.join(OUTPUT_DIR, "dashboard-%dx%d.png" % (width, height)))
        self.page.drain_events()
        self.assertEqual(self.page.errors, [])


if __name__ == "__main__":
    unittest.main()
