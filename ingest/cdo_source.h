// CDO source: NOAA Climate Data Online Web Services v2 (GHCND dataset) -> observation records.
//
// Requests (the token goes in the `token` header, never in the URL):
//   GET {endpoint}/stations?datasetid=GHCND&locationid=L&limit=1000&offset=K   (names, per location)
//   GET {endpoint}/stations/GHCND:ID                                           (names, per station)
//   GET {endpoint}/data?datasetid=GHCND&(locationid=L|stationid=GHCND:ID...)&startdate=D&enddate=D
//       [&datatypeid=X...]&units=metric&limit=1000&offset=K                    (K 1-based)
// - units=metric: values arrive in mm and °C as JSON numbers with at most one decimal; their text
//   (shortest round-trip form, which is the API's own decimal) is normalized, not recomputed.
// - A response is {"metadata":{"resultset":{"offset":K,"count":N,"limit":1000}},"results":[...]}
//   or {} when nothing matches; paging stops once N rows arrived. Date ranges are split into
//   chunks of at most one year minus a day (the API refuses a year or more).
// - At most 5 requests in any second as the server counts them (retries included): a request
//   starts only 1.1 s after the end of the 5th-last response and 220 ms after the last start
//   (see rate_limiter.h), so network delays cannot crowd a 6th into one of the server's seconds. A 429, a 5xx, a
//   transport error or a 200 whose body is not the expected JSON is retried up to max_retries times with exponential
//   backoff (base, 2x base, 4x base ... capped at 60 s) and jitter (x0.5 to x1.5). A 400 stops with the API's message
//   (`message`, or `userMessage` + `developerMessage`); a refused token (401/403, or a 400 message about the token)
//   says so.
// - Records are put (RecordBatcher) as each page arrives.
//
// Thread-safety: one call at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include "ingest/record_sink.h"
#include "storage/status.h"

namespace freshet::ingest {

inline constexpr char kDefaultCdoEndpoint[] = "https://www.ncei.noaa.gov/cdo-web/api/v2";

// Station names kept between runs: a JSON file {"stations":{"ID":"NAME"},"locations":["FIPS:24031"]}.
// An empty path keeps them in memory for the run only.
class StationNameCache {
 public:
  explicit StationNameCache(std::string path) : path_(std::move(path)) {}
  // Reads the file if it exists. Corruption if it is not the JSON above.
  Status Load();
  // Writes the file atomically (temp file + rename). IOError on failure. No-op for an empty path.
  Status Save() const;

  std::map<std::string, std::string> names;  // station id (no GHCND:) -> name
  std::vector<std::string> locations;        // locations whose station list was fetched

 private:
  std::string path_;
};

struct CdoOptions {
  std::string endpoint = kDefaultCdoEndpoint;
  std::string token;                     // REQUIRED
  std::string location_id;               // e.g. FIPS:24031; or
  std::vector<std::string> station_ids;  // with or without GHCND:
  std::string start_date;                // YYYY-MM-DD, REQUIRED
  std::string end_date;                  // YYYY-MM-DD, inclusive, REQUIRED
  std::vector<std::string> datatypes;    // empty = all
  int max_retries = 5;
  int retry_base_ms = 1000;
  long timeout_ms = 60000;
  int requests_per_second = 5;
  std::ostream* log = nullptr;        // one line per retry ("retrying ... in N ms"); nullptr = none
  std::function<bool()> should_stop;  // polled between requests; true -> Aborted
};

struct CdoStats {
  uint64_t requests = 0;  // HTTP requests made, retries included
  uint64_t retries = 0;
  uint64_t pages = 0;    // /data pages received
  uint64_t records = 0;  // records put
};

// Fetches the observations of `options` and puts them to `sink` as pages arrive; station names
// come from `cache` when known there, else from /stations (then added to `cache`, which the
// caller saves). Errors: InvalidArgument (options, a 400 or refused token, with the API's
// message), IOError (retries exhausted, a page that is not the expected JSON: names the URL),
// Aborted, or the sink's error. Records put before an error stay put; a rerun puts them again
// (the stream has no dedup; the weather table's key makes the items idempotent).
Result<CdoStats> IngestFromCdo(const CdoOptions& options, StationNameCache* cache, RecordSink* sink);

// Splits [start, end] (YYYY-MM-DD, inclusive) into consecutive ranges of less than one year.
// InvalidArgument if a date is invalid or end < start.
Result<std::vector<std::pair<std::string, std::string>>> SplitDateRange(const std::string& start,
                                                                        const std::string& end);

}  // namespace freshet::ingest
