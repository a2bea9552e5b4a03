// The two wide NOAA CSV layouts: one row per station and day, one column pair per element.
//
// Grammar (fields per ingest/csv_fields.h; columns found by header name, in any order):
//   header    = column *("," column)           ; must include STATION and DATE
//   column    = "STATION" | "NAME" | "DATE" | "LATITUDE" | "LONGITUDE" | "ELEVATION"
//             | ELEMENT | ELEMENT "_ATTRIBUTES" | other (ignored)
//   ELEMENT   = 4 characters of [A-Z0-9]       ; PRCP, TMAX, WT01, ...
//   row       = as many fields as the header
//   DATE      = YYYY-MM-DD
//   value     = decimal, space padding allowed (access files right-align: "  -50"); empty or
//               -9999 = missing, no record
//   ATTRIBUTES = MFLAG "," QFLAG "," SFLAG ["," OBSTIME]   (",,N,0700")
//
// cdo-csv (CDO web export) values are in CDO "standard" units (inches, °F) unless the export was
// requested in metric; access-csv (NCEI per-station files) values are raw GHCN units (tenths).
#include <string>
#include <vector>

#include "ingest/csv_fields.h"
#include "ingest/formats.h"
#include "ingest/observation.h"
#include "ingest/units.h"

namespace freshet::ingest {
namespace {

bool IsElementName(std::string_view name) {
  if (name.size() != 4) return false;
  for (char c : name) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

class WideCsvParser : public LineParser {
 public:
  WideCsvParser(UnitSystem units, std::string source) : units_(units), source_(std::move(source)) {}

  bool has_header() const override { return true; }

  Status ParseHeader(char* line) override {
    FRESHET_RETURN_IF_ERROR(SplitCsvLine(line, &fields_));
    column_count_ = fields_.size();
    std::vector<std::string> names(fields_.begin(), fields_.end());
    for (size_t i = 0; i < names.size(); ++i) {
      const std::string& name = names[i];
      if (name == "STATION") {
        station_col_ = static_cast<int>(i);
      } else if (name == "DATE") {
        date_col_ = static_cast<int>(i);
      } else if (name == "NAME") {
        name_col_ = static_cast<int>(i);
      } else if (name == "LATITUDE" || name == "LONGITUDE" || name == "ELEVATION") {
        continue;
      } else if (IsElementName(name)) {
        ElementColumn column{name, static_cast<int>(i), -1};
        for (size_t j = 0; j < names.size(); ++j) {
          if (names[j] == name + "_ATTRIBUTES") column.attributes = static_cast<int>(j);
        }
        elements_.push_back(std::move(column));
      }
    }
    if (station_col_ < 0 || date_col_ < 0) {
      return Status::InvalidArgument("the header has no STATION or no DATE column; is this a NOAA CSV export?");
    }
    return Status::OK();
  }

  Status ParseLine(char* line, std::vector<PendingRecord>* out) override {
    FRESHET_RETURN_IF_ERROR(SplitCsvLine(line, &fields_));
    if (fields_.size() != column_count_) {
      return Status::InvalidArgument("expected " + std::to_string(column_count_) + " fields as in the header, got " +
                                     std::to_string(fields_.size()));
    }
    std::string_view station = StripGhcndPrefix(fields_[station_col_]);
    if (station.empty()) return Status::InvalidArgument("empty STATION");
    std::string_view date = fields_[date_col_];
    if (date.size() > 10 && date[10] == 'T') date = date.substr(0, 10);  // "2012-01-01T00:00:00"
    if (!IsIsoDate(date)) return Status::InvalidArgument("DATE '" + std::string(date) + "' is not YYYY-MM-DD");
    size_t first = out->size();
    obs_.station.assign(station);
    obs_.date.assign(date);
    obs_.source = source_;
    if (name_col_ >= 0) obs_.station_name.assign(fields_[name_col_]);
    for (const ElementColumn& column : elements_) {
      std::string_view value = fields_[column.value];
      if (IsMissingValue(value)) continue;
      Result<std::string> metric = ToMetric(column.name, value, units_);
      if (!metric.ok()) {
        out->resize(first);
        return metric.status();
      }
      obs_.element = column.name;
      obs_.value = std::move(metric).value();
      SplitAttributes(column.attributes >= 0 ? fields_[column.attributes] : std::string_view());
      AppendObservationRecord(obs_, out);
    }
    return Status::OK();
  }

 private:
  struct ElementColumn {
    std::string name;
    int value;
    int attributes;
  };

  void SplitAttributes(std::string_view attributes) {
    std::string* parts[] = {&obs_.mflag, &obs_.qflag, &obs_.sflag, &obs_.obs_time};
    for (std::string* part : parts) {
      size_t comma = attributes.find(',');
      std::string_view piece = attributes.substr(0, comma);
      while (!piece.empty() && piece.front() == ' ') piece.remove_prefix(1);
      while (!piece.empty() && piece.back() == ' ') piece.remove_suffix(1);
      part->assign(piece);
      attributes = comma == std::string_view::npos ? std::string_view() : attributes.substr(comma + 1);
    }
  }

  const UnitSystem units_;
  const std::string source_;
  size_t column_count_ = 0;
  int station_col_ = -1;
  int date_col_ = -1;
  int name_col_ = -1;
  std::vector<ElementColumn> elements_;
  std::vector<std::string_view> fields_;
  Observation obs_;
};

}  // namespace

std::unique_ptr<LineParser> MakeCdoCsvParser() {
  return std::make_unique<WideCsvParser>(UnitSystem::kStandard, "cdo-csv");
}
std::unique_ptr<LineParser> MakeAccessCsvParser() {
  return std::make_unique<WideCsvParser>(UnitSystem::kGhcnRaw, "access-csv");
}

}  // namespace freshet::ingest
