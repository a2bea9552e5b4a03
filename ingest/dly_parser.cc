// GHCN-Daily fixed-width .dly files (ghcnd_all, one file per station), per NOAA's readme:
//
//   columns  field    type
//   1-11     ID       11 characters (USW00093721)
//   12-15    YEAR     integer
//   16-17    MONTH    integer
//   18-21    ELEMENT  4 characters
//   then 31 day groups, day d (1..31) starting at column 22 + 8 * (d - 1):
//     +0..+4 VALUE    5-character integer, right-aligned, raw GHCN units; -9999 = missing
//     +5     MFLAG    +6 QFLAG    +7 SFLAG   (blank = none)
//   a line is 269 characters (shorter lines with trailing blanks stripped are accepted from 266).
// .dly has no observation time. Days past the end of the month must be -9999.
#include <cstring>

#include "ingest/formats.h"
#include "ingest/observation.h"
#include "ingest/units.h"

namespace freshet::ingest {
namespace {

constexpr size_t kLineLength = 269;
constexpr size_t kMinLineLength = 266;

std::string Flag(char c) { return c == ' ' ? std::string() : std::string(1, c); }

int ParseFixedInt(std::string_view s) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

class DlyParser : public LineParser {
 public:
  Status ParseLine(char* line, std::vector<PendingRecord>* out) override {
    std::string_view text(line);
    if (text.size() < kMinLineLength || text.size() > kLineLength) {
      return Status::InvalidArgument("a .dly line is 269 characters, this one is " + std::to_string(text.size()));
    }
    padded_.assign(text);
    padded_.resize(kLineLength, ' ');
    std::string_view s(padded_);
    std::string_view station = s.substr(0, 11);
    if (station.find(' ') != std::string_view::npos) return Status::InvalidArgument("bad station id");
    int year = ParseFixedInt(s.substr(11, 4));
    int month = ParseFixedInt(s.substr(15, 2));
    int days = DaysInMonth(year, month);
    if (year < 0 || days == 0)
      return Status::InvalidArgument("bad YEAR or MONTH '" + std::string(s.substr(11, 6)) + "'");
    std::string_view element = s.substr(17, 4);
    size_t first = out->size();
    obs_.station.assign(station);
    obs_.element.assign(element);
    obs_.source = "dly";
    for (int day = 1; day <= 31; ++day) {
      size_t at = 21 + 8 * static_cast<size_t>(day - 1);
      std::string_view value = s.substr(at, 5);
      if (IsMissingValue(value)) continue;
      if (day > days) {
        out->resize(first);
        return Status::InvalidArgument("a value for day " + std::to_string(day) + " of a " + std::to_string(days) +
                                       "-day month");
      }
      Result<std::string> metric = ToMetric(element, value, UnitSystem::kGhcnRaw);
      if (!metric.ok()) {
        out->resize(first);
        return Status::InvalidArgument("day " + std::to_string(day) + ": " + metric.status().message());
      }
      obs_.date.assign(s.substr(11, 4)).append("-").append(s.substr(15, 2)).append("-");
      obs_.date.push_back(static_cast<char>('0' + day / 10));
      obs_.date.push_back(static_cast<char>('0' + day % 10));
      obs_.value = std::move(metric).value();
      obs_.mflag = Flag(s[at + 5]);
      obs_.qflag = Flag(s[at + 6]);
      obs_.sflag = Flag(s[at + 7]);
      AppendObservationRecord(obs_, out);
    }
    return Status::OK();
  }

 private:
  std::string padded_;
  Observation obs_;
};

}  // namespace

std::unique_ptr<LineParser> MakeDlyParser() { return std::make_unique<DlyParser>(); }

}  // namespace freshet::ingest
