// OpenWeather, polled: the current-weather API (GET {base}/data/2.5/weather) for a list of
// locations, each answer turned into one stream record keyed by location.
//
// Policy: at most `calls_per_minute` requests in any minute (the free tier allows 60); 429, 5xx,
// transport errors and bodies that are not a current-weather answer are retried with exponential
// backoff and jitter (retry_base_ms x 2^n, at most 60 s) up to max_retries times, after which the
// location is skipped for that round with a warning on `log`; 401 (bad key) and 404 (unknown
// location) end the run with one line. A reading already put in this run (same city id and
// observation time `dt`) is skipped: OpenWeather updates a station about every 10 minutes, so
// polling every minute mostly sees the same reading again (the openweather pipeline's table is
// keyed by city id and dt as well, so a reading put again by another run replaces itself).
//
// Record (one JSON object; partition key: the city id as text). Fields are left out when the
// answer does not have them (rain_1h and snow_1h only when it rained or snowed):
//   city_id N, city S, country S, lat N, lon N, dt N (observation time, Unix seconds),
//   observed_at S (dt as ISO 8601 UTC), units S (metric|imperial|standard), temp, feels_like,
//   temp_min, temp_max N (°C | °F | K), pressure N (hPa), humidity N (%), visibility N (m),
//   wind_speed, wind_gust N (m/s | mph), wind_deg N (degrees), clouds N (%), rain_1h, snow_1h N
//   (mm), weather_id N, weather_main S, weather_description S, timezone N (seconds from UTC),
//   source S ("openweather").
//
// Thread-safety: PollOpenWeather runs on the caller's thread; OpenWeatherRecord is pure.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/record_sink.h"
#include "storage/status.h"

namespace freshet::ingest {

inline constexpr const char* kDefaultOpenWeatherBaseUrl = "https://api.openweathermap.org";

struct OpenWeatherLocation {
  enum class Kind { kCity, kCoordinates, kId };
  Kind kind = Kind::kCity;
  std::string city;  // kCity: "London" or "London,GB"
  double lat = 0, lon = 0;
  std::string id;  // kId: the city id

  // The query parameters naming the location ("q=London", "lat=..&lon=..", "id=2643743").
  std::string QueryString() const;
  // "--city London", "--lat 51.5 --lon -0.12", "--id 2643743": for messages.
  std::string Describe() const;
};

struct OpenWeatherOptions {
  std::string base_url = kDefaultOpenWeatherBaseUrl;
  std::string appid;
  std::string units = "metric";  // metric, imperial or standard
  std::vector<OpenWeatherLocation> locations;
  int64_t every_ms = 60000;  // between the starts of two rounds
  int64_t count = 0;         // rounds; 0: until should_stop
  int calls_per_minute = 60;
  int max_retries = 5;
  int retry_base_ms = 1000;
  long timeout_ms = 30000;
  std::ostream* log = nullptr;        // warnings and retries, or null
  std::function<bool()> should_stop;  // checked between requests and while waiting
};

struct OpenWeatherStats {
  uint64_t rounds = 0;
  uint64_t requests = 0;
  uint64_t retries = 0;
  uint64_t records = 0;     // put
  uint64_t duplicates = 0;  // readings already put in this run
  uint64_t skipped = 0;     // location-rounds given up after retries
};

// Checks the options (a location, a key, units, every > 0). InvalidArgument naming the flag.
Status ValidateOpenWeatherOptions(const OpenWeatherOptions& options);

// The record for one current-weather answer (see the file comment), or InvalidArgument naming
// what the body lacks (not JSON; no id, dt or main.temp).
Result<PendingRecord> OpenWeatherRecord(std::string_view body, std::string_view units);

// Polls every location once per round, putting new readings to `sink` after each round.
// Errors: InvalidArgument for bad options, a refused key (401) or an unknown location (404);
// Aborted if should_stop; the sink's error.
Result<OpenWeatherStats> PollOpenWeather(const OpenWeatherOptions& options, RecordSink* sink);

}  // namespace freshet::ingest
