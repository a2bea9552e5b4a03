// The built-in pipeline specs (see pipeline_spec.h for the grammar). `freshet pipeline show
// NAME` prints them, so a user can start a spec of their own from one.
#include <map>
#include <string>
#include <string_view>

#include "stream/consumer/pipeline_spec.h"

namespace freshet::stream {
namespace {

// The start of every NOAA pipeline: the weather stream of observation records
// (ingest/observation.h) and its dead letters; `targets` (JSON objects, comma-separated) follow.
std::string NoaaPipeline(std::string_view consumer, std::string_view targets) {
  std::string out = "{\n";
  out.append(R"(  "consumer": ")").append(consumer).append("\",\n");
  out += R"(  "stream": "weather",
  "dead_letter_stream": "weather-dlq",
  "create_if_missing": true,
  "stream_shards": 4,
  "targets": [)";
  out += targets;
  out += "]\n}";
  return out;
}

// A target merging each observation's value, as attribute {element}, into one item per station
// and day with the station's name. `when` (a JSON condition, or empty) selects the records;
// `extra_attributes` (whole lines) are spelled after {element}.
std::string StationDayTarget(std::string_view table, std::string_view when, std::string_view extra_attributes) {
  std::string out = "{\n";
  out.append(R"(    "table": ")").append(table).append("\",\n");
  out += R"(    "key_schema": {"partition_key": "station:S", "sort_key": "date:S"},
    "mode": "merge",
)";
  if (!when.empty()) out.append(R"(    "when": )").append(when).append(",\n");
  out += R"(    "key": {"station": "station", "date": "date"},
    "attributes": {
      "{element}": {"field": "value", "type": "N"},
)";
  out += extra_attributes;
  out += R"(      "station_name": {"field": "station_name", "optional": true}
    }
  })";
  return out;
}

// NOAA observation records merged into one item per station and day.
std::string Weather() {
  constexpr const char* kFlags = R"(      "{element}_mflag": {"field": "mflag", "optional": true},
      "{element}_qflag": {"field": "qflag", "optional": true},
      "{element}_sflag": {"field": "sflag", "optional": true},
      "{element}_obs_time": {"field": "obs_time", "optional": true},
)";
  return NoaaPipeline("weather", StationDayTarget("weather", "", kFlags));
}

// Monthly figures per station from the same NOAA records (metric: mm and degrees C), kept
// exactly once by aggregates: total precipitation and snowfall, the highest TMAX and lowest
// TMIN, the mean TMAX and TMIN (with their sums and counts), and the days each element was
// observed (one record per station, day and element).
std::string WeatherMonthly() {
  return NoaaPipeline("weather-monthly", R"({
    "table": "weather_monthly",
    "key_schema": {"partition_key": "station:S", "sort_key": "month:S"},
    "mode": "aggregate",
    "key": {"station": "station", "month": {"field": "date", "truncate": "month"}},
    "attributes": {"station_name": {"field": "station_name", "optional": true}},
    "aggregates": {
      "PRCP_sum": {"sum": "value", "when": {"field": "element", "in": ["PRCP"]}},
      "SNOW_sum": {"sum": "value", "when": {"field": "element", "in": ["SNOW"]}},
      "TMAX_max": {"max": "value", "when": {"field": "element", "in": ["TMAX"]}},
      "TMIN_min": {"min": "value", "when": {"field": "element", "in": ["TMIN"]}},
      "TMAX_mean": {"mean": "value", "when": {"field": "element", "in": ["TMAX"]}},
      "TMIN_mean": {"mean": "value", "when": {"field": "element", "in": ["TMIN"]}},
      "{element}_days": {"count": "*"},
      "first_date": {"min": {"field": "date", "type": "S"}},
      "last_date": {"max": {"field": "date", "type": "S"}}
    }
  })");
}

// The classic student pipeline: a Lambda function writing precipitation and temperature
// observations into two DynamoDB tables keyed by station and date, with the station name.
std::string Student() {
  const std::string precipitation =
      StationDayTarget("Precipitation", R"({"field": "element", "in": ["PRCP", "SNOW"]})", "");
  const std::string temperature =
      StationDayTarget("Temperature", R"({"field": "element", "in": ["TMIN", "TMAX"]})", "");
  return NoaaPipeline("student", precipitation + ", " + temperature);
}

// IoT sensor readings such as {"sensor_id":"sensor-2","temperature":88.8,"current_time":987654321}.
constexpr const char* kSensors = R"({
  "consumer": "sensors",
  "stream": "sensors",
  "dead_letter_stream": "sensors-dlq",
  "create_if_missing": true,
  "stream_shards": 1,
  "targets": [{
    "table": "SensorData",
    "key_schema": {"partition_key": "SensorId:S", "sort_key": "CurrentTime:N"},
    "mode": "put",
    "key": {"SensorId": "sensor_id", "CurrentTime": "current_time"},
    "attributes": {"Temperature": {"field": "temperature", "type": "N"}}
  }]
})";

// OpenWeather current-weather readings (ingest/openweather_source.h), one item per city and
// observation time.
constexpr const char* kOpenWeather = R"({
  "consumer": "openweather",
  "stream": "openweather",
  "dead_letter_stream": "openweather-dlq",
  "create_if_missing": true,
  "stream_shards": 1,
  "targets": [{
    "table": "openweather",
    "key_schema": {"partition_key": "city_id:N", "sort_key": "dt:N"},
    "mode": "put",
    "key": {"city_id": "city_id", "dt": "dt"},
    "attributes": {
      "city": {"field": "city", "optional": true},
      "country": {"field": "country", "optional": true},
      "lat": {"field": "lat", "type": "N", "optional": true},
      "lon": {"field": "lon", "type": "N", "optional": true},
      "observed_at": {"field": "observed_at"},
      "units": {"field": "units"},
      "temp": {"field": "temp", "type": "N"},
      "feels_like": {"field": "feels_like", "type": "N", "optional": true},
      "temp_min": {"field": "temp_min", "type": "N", "optional": true},
      "temp_max": {"field": "temp_max", "type": "N", "optional": true},
      "pressure": {"field": "pressure", "type": "N", "optional": true},
      "humidity": {"field": "humidity", "type": "N", "optional": true},
      "visibility": {"field": "visibility", "type": "N", "optional": true},
      "wind_speed": {"field": "wind_speed", "type": "N", "optional": true},
      "wind_deg": {"field": "wind_deg", "type": "N", "optional": true},
      "wind_gust": {"field": "wind_gust", "type": "N", "optional": true},
      "clouds": {"field": "clouds", "type": "N", "optional": true},
      "rain_1h": {"field": "rain_1h", "type": "N", "optional": true},
      "snow_1h": {"field": "snow_1h", "type": "N", "optional": true},
      "weather_id": {"field": "weather_id", "type": "N", "optional": true},
      "weather_main": {"field": "weather_main", "optional": true},
      "weather_description": {"field": "weather_description", "optional": true},
      "timezone": {"field": "timezone", "type": "N", "optional": true}
    }
  }]
})";

const std::map<std::string, std::string, std::less<>>& Builtins() {
  static const std::map<std::string, std::string, std::less<>> builtins = {{"weather", Weather()},
                                                                           {"weather-monthly", WeatherMonthly()},
                                                                           {"student", Student()},
                                                                           {"sensors", kSensors},
                                                                           {"openweather", kOpenWeather}};
  return builtins;
}

}  // namespace

std::vector<std::string> BuiltinPipelineNames() {
  std::vector<std::string> names;
  for (auto& [name, json] : Builtins()) names.push_back(name);
  return names;
}

Result<std::string> BuiltinPipelineJson(std::string_view name) {
  auto it = Builtins().find(name);
  if (it == Builtins().end()) return Status::NotFound("no built-in pipeline '" + std::string(name) + "'");
  return it->second;
}

}  // namespace freshet::stream
