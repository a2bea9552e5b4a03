// The built-in pipeline specs (see pipeline_spec.h for the grammar). `freshet pipeline show
// NAME` prints them, so a user can start a spec of their own from one.
#include <map>

#include "stream/pipeline_spec.h"

namespace freshet::stream {
namespace {

// NOAA observation records (ingest/observation.h) merged into one item per station and day.
constexpr const char* kWeather = R"({
  "consumer": "weather",
  "stream": "weather",
  "dead_letter_stream": "weather-dlq",
  "create_if_missing": true,
  "stream_shards": 4,
  "targets": [{
    "table": "weather",
    "key_schema": {"partition_key": "station:S", "sort_key": "date:S"},
    "mode": "merge",
    "key": {"station": "station", "date": "date"},
    "attributes": {
      "{element}": {"field": "value", "type": "N"},
      "{element}_mflag": {"field": "mflag", "optional": true},
      "{element}_qflag": {"field": "qflag", "optional": true},
      "{element}_sflag": {"field": "sflag", "optional": true},
      "{element}_obs_time": {"field": "obs_time", "optional": true},
      "station_name": {"field": "station_name", "optional": true}
    }
  }]
})";

// The classic student pipeline: a Lambda function writing precipitation and temperature
// observations into two DynamoDB tables keyed by station and date, with the station name.
constexpr const char* kStudent = R"({
  "consumer": "student",
  "stream": "weather",
  "dead_letter_stream": "weather-dlq",
  "create_if_missing": true,
  "stream_shards": 4,
  "targets": [{
    "table": "Precipitation",
    "key_schema": {"partition_key": "station:S", "sort_key": "date:S"},
    "mode": "merge",
    "when": {"field": "element", "in": ["PRCP", "SNOW"]},
    "key": {"station": "station", "date": "date"},
    "attributes": {
      "{element}": {"field": "value", "type": "N"},
      "station_name": {"field": "station_name", "optional": true}
    }
  }, {
    "table": "Temperature",
    "key_schema": {"partition_key": "station:S", "sort_key": "date:S"},
    "mode": "merge",
    "when": {"field": "element", "in": ["TMIN", "TMAX"]},
    "key": {"station": "station", "date": "date"},
    "attributes": {
      "{element}": {"field": "value", "type": "N"},
      "station_name": {"field": "station_name", "optional": true}
    }
  }]
})";

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

const std::map<std::string, const char*, std::less<>>& Builtins() {
  static const std::map<std::string, const char*, std::less<>> builtins = {
      {"weather", kWeather}, {"student", kStudent}, {"sensors", kSensors}};
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
  return std::string(it->second);
}

}  // namespace freshet::stream
