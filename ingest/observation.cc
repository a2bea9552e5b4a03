#include "ingest/observation.h"

namespace freshet::ingest {

namespace {
void AppendField(std::string_view name, std::string_view value, std::string* out) {
  out->push_back(',');
  out->push_back('"');
  out->append(name);
  out->append("\":");
  AppendJsonString(value, out);
}
void AppendOptional(std::string_view name, std::string_view value, std::string* out) {
  if (!value.empty()) AppendField(name, value, out);
}
}  // namespace

void Observation::AppendJson(std::string* out) const {
  out->append("{\"station\":");
  AppendJsonString(station, out);
  AppendField("date", date, out);
  AppendField("element", element, out);
  AppendField("value", value, out);
  AppendOptional("mflag", mflag, out);
  AppendOptional("qflag", qflag, out);
  AppendOptional("sflag", sflag, out);
  AppendOptional("obs_time", obs_time, out);
  AppendOptional("station_name", station_name, out);
  AppendOptional("source", source, out);
  out->push_back('}');
}

std::string_view StripGhcndPrefix(std::string_view id) {
  constexpr std::string_view kPrefix = "GHCND:";
  if (id.substr(0, kPrefix.size()) == kPrefix) id.remove_prefix(kPrefix.size());
  return id;
}

}  // namespace freshet::ingest
