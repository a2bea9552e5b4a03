// Observation: one NOAA daily value (station, day, element) in metric units, and its stream record.
//
// Every NOAA source (CDO web API, CDO export CSV, NCEI access CSV, GHCN-Daily by_station CSV, .dly)
// becomes the same record. Its stream data is one compact JSON object:
//
//   {"station":"USW00093721","date":"2016-01-23","element":"SNOW","value":"741",
//    "mflag":"T","qflag":"","sflag":"N","obs_time":"0700","station_name":"...","source":"dly"}
//
// - station: the 11-character GHCN id, without the "GHCND:" prefix (also the partition key).
// - value: a decimal string in metric units (see ingest/units.h), exact; never a JSON number, so
//   no reader turns it into binary floating point by accident.
// - mflag, qflag, sflag, obs_time, station_name: present only when the source gives them.
//
// Thread-safety: plain values.
#pragma once

#include <string>
#include <string_view>

#include "storage/text.h"

namespace freshet::ingest {

struct Observation {
  std::string station;       // "USW00093721"
  std::string date;          // "YYYY-MM-DD"
  std::string element;       // "PRCP", "TMAX", "WT01", ...
  std::string value;         // metric, exact decimal text ("3.81", "-1.1", "0")
  std::string mflag;         // measurement flag ("T" = trace), may be empty
  std::string qflag;         // quality flag (non-empty = failed a check), may be empty
  std::string sflag;         // source flag, may be empty
  std::string obs_time;      // HHMM, may be empty
  std::string station_name;  // may be empty
  std::string source;        // "cdo-csv", "access-csv", "ghcn-csv", "dly", "cdo-api"

  // Appends the record's JSON (the stream record's data) to `out`. Empty optional fields are left out.
  void AppendJson(std::string* out) const;
  std::string ToJson() const {
    std::string out;
    AppendJson(&out);
    return out;
  }
};

// Appends `text` to `out` as a JSON string literal (the one escaper, storage/text.h).
using text::AppendJsonString;

// Strips a leading "GHCND:" from a CDO station id.
std::string_view StripGhcndPrefix(std::string_view id);

}  // namespace freshet::ingest
