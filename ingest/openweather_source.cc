#include "ingest/openweather_source.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "ingest/http_client.h"
#include "ingest/rate_limiter.h"

namespace freshet::ingest {
namespace {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kMaxBackoffMs = 60000;

std::string Snippet(const std::string& body) {
  std::string s = body.substr(0, 160);
  std::replace(s.begin(), s.end(), '\n', ' ');
  return body.size() > 160 ? s + "..." : s;
}

// OpenWeather's own words ({"cod":401,"message":"Invalid API key. ..."}), else the body.
std::string ApiMessage(const std::string& body) {
  Json doc = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_object() && doc.contains("message") && doc["message"].is_string()) return doc["message"];
  return Snippet(body);
}

std::string IsoSeconds(int64_t secs) {
  const time_t t = static_cast<time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

// Copies `from[key]` (a number) to `to[as]` if present.
void CopyNumber(const Json& from, const char* key, Json* to, const char* as) {
  auto it = from.find(key);
  if (it != from.end() && it->is_number()) (*to)[as] = *it;
}

std::string DoubleText(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

// Sleeps `ms`, waking early if should_stop says so. Returns false if stopped.
bool SleepFor(int64_t ms, const std::function<bool()>& should_stop) {
  const auto until = Clock::now() + std::chrono::milliseconds(ms);
  while (Clock::now() < until) {
    if (should_stop && should_stop()) return false;
    std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(50), until - Clock::now()));
  }
  return true;
}

}  // namespace

std::string OpenWeatherLocation::QueryString() const {
  switch (kind) {
    case Kind::kCity: return "q=" + HttpClient::Escape(city);
    case Kind::kCoordinates: return "lat=" + DoubleText(lat) + "&lon=" + DoubleText(lon);
    case Kind::kId: return "id=" + HttpClient::Escape(id);
  }
  return "";
}

std::string OpenWeatherLocation::Describe() const {
  switch (kind) {
    case Kind::kCity: return "--city " + city;
    case Kind::kCoordinates: return "--lat " + DoubleText(lat) + " --lon " + DoubleText(lon);
    case Kind::kId: return "--id " + id;
  }
  return "";
}

Status ValidateOpenWeatherOptions(const OpenWeatherOptions& o) {
  if (o.locations.empty()) return Status::InvalidArgument("give at least one location: --city, --lat/--lon or --id");
  if (o.appid.empty()) {
    return Status::InvalidArgument("no OpenWeather API key: pass --appid or set OPENWEATHER_API_KEY");
  }
  if (o.units != "metric" && o.units != "imperial" && o.units != "standard") {
    return Status::InvalidArgument("--units must be metric, imperial or standard, not '" + o.units + "'");
  }
  if (o.every_ms <= 0) return Status::InvalidArgument("--every must be positive");
  if (o.count < 0) return Status::InvalidArgument("--count must not be negative");
  if (o.calls_per_minute <= 0) return Status::InvalidArgument("calls per minute must be positive");
  for (const auto& l : o.locations) {
    if (l.kind == OpenWeatherLocation::Kind::kCoordinates &&
        (l.lat < -90 || l.lat > 90 || l.lon < -180 || l.lon > 180)) {
      return Status::InvalidArgument("coordinates out of range: " + l.Describe());
    }
  }
  return Status::OK();
}

Result<PendingRecord> OpenWeatherRecord(std::string_view body, std::string_view units) {
  Json doc = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object())
    return Status::InvalidArgument("the answer is not a JSON object: " + Snippet(std::string(body)));
  auto id = doc.find("id");
  auto dt = doc.find("dt");
  auto main = doc.find("main");
  if (id == doc.end() || !id->is_number_integer()) return Status::InvalidArgument("the answer has no city id");
  if (dt == doc.end() || !dt->is_number_integer()) return Status::InvalidArgument("the answer has no dt");
  if (main == doc.end() || !main->is_object() || !main->contains("temp") || !(*main)["temp"].is_number()) {
    return Status::InvalidArgument("the answer has no main.temp");
  }
  Json r = Json::object();
  r["city_id"] = *id;
  if (doc.contains("name") && doc["name"].is_string()) r["city"] = doc["name"];
  if (doc.contains("sys") && doc["sys"].is_object()) {
    const Json& sys = doc["sys"];
    if (sys.contains("country") && sys["country"].is_string()) r["country"] = sys["country"];
  }
  if (doc.contains("coord") && doc["coord"].is_object()) {
    CopyNumber(doc["coord"], "lat", &r, "lat");
    CopyNumber(doc["coord"], "lon", &r, "lon");
  }
  r["dt"] = *dt;
  r["observed_at"] = IsoSeconds(dt->get<int64_t>());
  r["units"] = std::string(units);
  for (const char* k : {"temp", "feels_like", "temp_min", "temp_max", "pressure", "humidity"})
    CopyNumber(*main, k, &r, k);
  CopyNumber(doc, "visibility", &r, "visibility");
  if (doc.contains("wind") && doc["wind"].is_object()) {
    CopyNumber(doc["wind"], "speed", &r, "wind_speed");
    CopyNumber(doc["wind"], "deg", &r, "wind_deg");
    CopyNumber(doc["wind"], "gust", &r, "wind_gust");
  }
  if (doc.contains("clouds") && doc["clouds"].is_object()) CopyNumber(doc["clouds"], "all", &r, "clouds");
  if (doc.contains("rain") && doc["rain"].is_object()) CopyNumber(doc["rain"], "1h", &r, "rain_1h");
  if (doc.contains("snow") && doc["snow"].is_object()) CopyNumber(doc["snow"], "1h", &r, "snow_1h");
  if (doc.contains("weather") && doc["weather"].is_array() && !doc["weather"].empty() &&
      doc["weather"][0].is_object()) {
    const Json& w = doc["weather"][0];
    CopyNumber(w, "id", &r, "weather_id");
    if (w.contains("main") && w["main"].is_string()) r["weather_main"] = w["main"];
    if (w.contains("description") && w["description"].is_string()) r["weather_description"] = w["description"];
  }
  CopyNumber(doc, "timezone", &r, "timezone");
  r["source"] = "openweather";
  PendingRecord record{std::to_string(id->get<int64_t>()), r.dump()};
  FRESHET_RETURN_IF_ERROR(CheckRecordLimits(record));
  return record;
}

namespace {

class Poller {
 public:
  Poller(const OpenWeatherOptions& o, OpenWeatherStats* stats)
      : o_(o),
        stats_(stats),
        http_(o.timeout_ms),
        limiter_(o.calls_per_minute, std::chrono::minutes(1)),
        rng_(std::random_device{}()) {}

  // One location's record; nullopt if it was given up after retries (a warning is logged).
  Result<std::optional<PendingRecord>> Fetch(const OpenWeatherLocation& location) {
    const std::string base =
        o_.base_url.empty() || o_.base_url.back() != '/' ? o_.base_url : o_.base_url.substr(0, o_.base_url.size() - 1);
    const std::string query = base + "/data/2.5/weather?" + location.QueryString() + "&units=" + o_.units;
    const std::string url = query + "&appid=" + HttpClient::Escape(o_.appid);
    Status last;
    for (int attempt = 0;; ++attempt) {
      if (o_.should_stop && o_.should_stop()) return Status::Aborted("interrupted");
      if (attempt > 0) {
        if (attempt > o_.max_retries) {
          ++stats_->skipped;
          if (o_.log)
            *o_.log << "freshet: " << last.message() << "; gave up on " << location.Describe() << " for this round\n";
          return std::optional<PendingRecord>();
        }
        const double base_ms =
            static_cast<double>(o_.retry_base_ms) * static_cast<double>(1u << std::min(attempt - 1, 20));
        const double jitter = std::uniform_real_distribution<double>(0.5, 1.5)(rng_);
        const int delay_ms = static_cast<int>(std::min<double>(base_ms * jitter, kMaxBackoffMs));
        if (o_.log) *o_.log << "freshet: " << last.message() << "; retrying in " << delay_ms << " ms\n";
        if (!SleepFor(delay_ms, o_.should_stop)) return Status::Aborted("interrupted");
        ++stats_->retries;
      }
      RateLimiter::Slot slot = limiter_.Acquire();  // held until the response has arrived
      ++stats_->requests;
      // The key is never in a message: `query` is the URL without it.
      Result<HttpResponse> got = http_.Get(url, {"Accept: application/json"});
      if (!got.ok()) {
        last = Status::IOError("GET " + query + ": no answer");
        continue;
      }
      const HttpResponse& response = *got;
      if (response.status == 429 || response.status >= 500) {
        last = Status::IOError("GET " + query + ": HTTP " + std::to_string(response.status) + ": " +
                               ApiMessage(response.body));
        continue;
      }
      if (response.status == 401) {
        return Status::InvalidArgument("OpenWeather refused the API key (HTTP 401): " + ApiMessage(response.body) +
                                       " (pass --appid or set OPENWEATHER_API_KEY)");
      }
      if (response.status == 404) {
        return Status::InvalidArgument("OpenWeather does not know the location " + location.Describe() +
                                       " (HTTP 404: " + ApiMessage(response.body) + ")");
      }
      if (response.status != 200) {
        return Status::InvalidArgument("GET " + query + ": HTTP " + std::to_string(response.status) + ": " +
                                       ApiMessage(response.body));
      }
      Result<PendingRecord> record = OpenWeatherRecord(response.body, o_.units);
      if (!record.ok()) {
        last = Status::IOError("GET " + query + ": unexpected answer: " + record.status().message());
        continue;
      }
      return std::optional<PendingRecord>(std::move(record).value());
    }
  }

 private:
  const OpenWeatherOptions& o_;
  OpenWeatherStats* stats_;
  HttpClient http_;
  RateLimiter limiter_;
  std::mt19937_64 rng_;
};

}  // namespace

Result<OpenWeatherStats> PollOpenWeather(const OpenWeatherOptions& options, RecordSink* sink) {
  FRESHET_RETURN_IF_ERROR(ValidateOpenWeatherOptions(options));
  OpenWeatherStats stats;
  Poller poller(options, &stats);
  RecordBatcher batcher(sink);
  std::set<std::pair<std::string, int64_t>> seen;  // (city id, dt) put in this run
  for (int64_t round = 0; options.count == 0 || round < options.count; ++round) {
    const auto started = Clock::now();
    for (const OpenWeatherLocation& location : options.locations) {
      FRESHET_ASSIGN_OR_RETURN(std::optional<PendingRecord> record, poller.Fetch(location));
      if (!record) continue;
      const int64_t dt = Json::parse(record->data)["dt"].get<int64_t>();
      if (!seen.emplace(record->partition_key, dt).second) {
        ++stats.duplicates;
        continue;
      }
      FRESHET_RETURN_IF_ERROR(batcher.Add(std::move(*record)));
    }
    FRESHET_RETURN_IF_ERROR(batcher.Flush());
    stats.records = batcher.records_put();
    ++stats.rounds;
    if (options.count != 0 && round + 1 >= options.count) break;
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    if (!SleepFor(std::max<int64_t>(0, options.every_ms - elapsed), options.should_stop)) break;
  }
  return stats;
}

}  // namespace freshet::ingest
