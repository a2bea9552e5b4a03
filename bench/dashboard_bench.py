"""Dashboard benchmark: time to first render in headless chromium over the bundled NOAA data, and
the server's CPU while 10 dashboards refresh (each: the page's 5 panel endpoints every 2 s, as
app.js polls them), beside the same server's CPU idle for the same time (the baseline).

  python3 bench/dashboard_bench.py [--freshet build/tools/freshet] [--seconds 30]
Targets (issue 15): first render under 1 s; under 5% of a core for 10 dashboards.
"""
import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "tools", "chart"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "tools", "dashboard"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "wire"))

PANELS = ["streams", "consumers", "tables", "functions", "deliveries"]


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--freshet", default=os.path.join(HERE, "..", "build", "tools", "freshet"))
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    os.environ["FRESHET_BIN"] = os.path.abspath(args.freshet)
    import noaa_data
    import cdp
    from wire_util import Server

    tmp = tempfile.mkdtemp(prefix="freshet-dashboard-bench-")
    try:
        data = os.path.join(tmp, "data")
        noaa_data.ingest(data)
        server = Server(data_dir=data).start()
        try:
            browser = cdp.Browser(os.path.join(tmp, "chromium"))
            page = cdp.Page(browser)
            page.size(1280, 800)
            renders = []
            for _ in range(3):
                start = time.time()
                page.navigate(server.url + "/")
                page.wait_for("document.querySelector('#tables-table tr[data-key=\"weather\"]') && "
                              "document.querySelector('#streams-table tr[data-key=\"weather\"]')")
                renders.append(time.time() - start)
            browser.close()
            print("first render (navigate -> streams and tables panels filled), 3 loads: %s s" %
                  ", ".join("%.3f" % r for r in renders))

            pid = server.proc.pid
            time.sleep(3)
            c0 = cpu_seconds(pid)
            time.sleep(args.seconds)
            idle = cpu_seconds(pid) - c0

            stop = threading.Event()
            refreshes = [0]
            lock = threading.Lock()

            def dashboard(offset):
                time.sleep(offset)
                while not stop.is_set():
                    for name in PANELS:
                        urllib.request.urlopen(server.url + "/dashboard/api/" + name).read()
                    with lock:
                        refreshes[0] += 1
                    stop.wait(2.0)

            threads = [threading.Thread(target=dashboard, args=(i * 0.2,)) for i in range(10)]
            for t in threads:
                t.start()
            time.sleep(3)
            c0, r0 = cpu_seconds(pid), refreshes[0]
            time.sleep(args.seconds)
            busy, n = cpu_seconds(pid) - c0, refreshes[0] - r0
            stop.set()
            for t in threads:
                t.join()
            print("server CPU, idle (baseline): %.2f%% of a core over %.0f s" % (100 * idle / args.seconds, args.seconds))
            print("server CPU, 10 dashboards refreshing every 2 s: %.2f%% of a core (%d refreshes, %.2f ms CPU each)" %
                  (100 * busy / args.seconds, n, 1000 * (busy - idle) / max(1, n)))
        finally:
            server.cleanup()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
