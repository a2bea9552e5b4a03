// GHCN-Daily by_station CSV (https://www.ncei.noaa.gov/pub/data/ghcn/daily/by_station/), no header.
//
// Grammar (fields per ingest/csv_fields.h):
//   line    = ID "," YYYYMMDD "," ELEMENT "," VALUE "," MFLAG "," QFLAG "," SFLAG ["," OBSTIME]
//   ID      = the 11-character GHCN station id       ; USW00093721
//   VALUE   = integer in raw GHCN units (tenths of mm, mm, tenths of °C); -9999 = missing
//   OBSTIME = HHMM or empty
// Example: USW00093721,20160123,SNOW,749,,,7,2400
#include "ingest/csv_fields.h"
#include "ingest/formats.h"
#include "ingest/observation.h"
#include "ingest/units.h"

namespace freshet::ingest {
namespace {

class GhcnCsvParser : public LineParser {
 public:
  Status ParseLine(char* line, std::vector<PendingRecord>* out) override {
    FRESHET_RETURN_IF_ERROR(SplitCsvLine(line, &fields_));
    if (fields_.size() != 7 && fields_.size() != 8) {
      return Status::InvalidArgument("expected 8 fields ID,YYYYMMDD,ELEMENT,VALUE,M,Q,S,OBSTIME, got " +
                                     std::to_string(fields_.size()));
    }
    if (fields_[0].empty()) return Status::InvalidArgument("empty station id");
    std::string_view ymd = fields_[1];
    if (ymd.size() != 8) return Status::InvalidArgument("date '" + std::string(ymd) + "' is not YYYYMMDD");
    date_.assign(ymd.substr(0, 4)).append("-").append(ymd.substr(4, 2)).append("-").append(ymd.substr(6, 2));
    if (!IsIsoDate(date_)) return Status::InvalidArgument("date '" + std::string(ymd) + "' is not YYYYMMDD");
    if (fields_[2].empty()) return Status::InvalidArgument("empty element");
    if (IsMissingValue(fields_[3])) return Status::OK();
    Result<std::string> metric = ToMetric(fields_[2], fields_[3], UnitSystem::kGhcnRaw);
    if (!metric.ok()) return metric.status();
    obs_.station.assign(fields_[0]);
    obs_.date = date_;
    obs_.element.assign(fields_[2]);
    obs_.value = std::move(metric).value();
    obs_.mflag.assign(fields_[4]);
    obs_.qflag.assign(fields_[5]);
    obs_.sflag.assign(fields_[6]);
    obs_.obs_time.assign(fields_.size() == 8 ? fields_[7] : std::string_view());
    obs_.source = "ghcn-csv";
    AppendObservationRecord(obs_, out);
    return Status::OK();
  }

 private:
  std::vector<std::string_view> fields_;
  std::string date_;
  Observation obs_;
};

}  // namespace

std::unique_ptr<LineParser> MakeGhcnCsvParser() { return std::make_unique<GhcnCsvParser>(); }

}  // namespace freshet::ingest
