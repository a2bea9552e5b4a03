"""The bundled real NOAA data (data/noaa/, Montgomery County MD 2012-2018) ingested into a fresh
data directory with the freshet CLI, as tools/demo.sh does: the `weather` stream, then the
`weather` table through the built-in `weather` pipeline. Shared by the chart and dashboard tests.
"""
import os
import subprocess

FRESHET = os.environ.get("FRESHET_BIN", "freshet")
SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
NOAA_FILE = os.path.join(SOURCE_DIR, "data", "noaa", "cdo-montgomery-md-2012-2018.csv.gz")
STATION = "USC00182336"  # Damascus 3 SSW, the demo's station


def freshet(data_dir, *args, check=True):
    return subprocess.run([FRESHET, "--data-dir", data_dir] + list(args), check=check, capture_output=True,
                          text=True, timeout=600)


def ingest(data_dir):
    """Creates the stream, ingests the bundled file and consumes it into the weather table."""
    freshet(data_dir, "--no-sync", "stream", "create", "weather", "--shards", "4")
    freshet(data_dir, "--no-sync", "ingest", "file", "--stream", "weather", NOAA_FILE)
    freshet(data_dir, "--no-sync", "consume", "--pipeline", "weather")
