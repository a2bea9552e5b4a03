// Units: exact conversion of NOAA values to metric, in decimal arithmetic (no binary floating point).
//
// Metric units of a record: mm for precipitation, snow and water equivalents; °C for temperatures.
//
// | element                                  | kGhcnRaw      | kStandard | kMetric |
// |------------------------------------------|---------------|-----------|---------|
// | PRCP, MDPR, WESD, WESF, EVAP, MDEV, THIC | tenths of mm  | inches    | mm      |
// | SNOW, SNWD, MDSF                         | mm            | inches    | mm      |
// | TMAX, TMIN, TOBS, TAVG, MNPN, MXPN       | tenths of °C  | °F        | °C      |
//
// - Tenths and inches (x 25.4) convert exactly: 0.15 in -> 3.81 mm, -11 tenths -> -1.1 °C.
// - °F -> °C is (F - 32) * 5 / 9, which has no finite decimal form; it is rounded to
//   kFahrenheitDecimals (2) decimals, half away from zero: 33 °F -> 0.56 °C, 53 °F -> 11.67 °C.
// - Every other element (WT01..WT22 weather types, DAPR/MDSF day counts, AWND, ...) keeps the value
//   the source gives (numbers normalized, other text trimmed): freshet does not know its unit.
// - Results are canonical decimals: no exponent, no leading '+', no leading zeros, no trailing
//   fractional zeros, "0" rather than "-0" ("0.00" -> "0", "2.50" -> "2.5").
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace freshet::ingest {

enum class UnitSystem {
  kGhcnRaw,   // GHCN-Daily files and the CDO API without `units`
  kStandard,  // CDO exports and API with units=standard
  kMetric,    // CDO API with units=metric
};

inline constexpr int kFahrenheitDecimals = 2;

// A parsed decimal: value = mantissa * 10^-scale.
struct Decimal {
  int64_t mantissa = 0;
  int scale = 0;
};

// Parses [space*][+-]digits[.digits][space*] (or ".5", "5.") with at most 15 significant digits
// and 14 decimals.
// InvalidArgument (naming the text) otherwise.
Result<Decimal> ParseDecimal(std::string_view text);
// Canonical text of `d` (see above).
std::string FormatDecimal(Decimal d);

// Converts `value` of `element`, given in `units`, to the record's metric decimal text.
// InvalidArgument if `value` is not a decimal number and the element has a known unit.
Result<std::string> ToMetric(std::string_view element, std::string_view value, UnitSystem units);

// True for the missing-value markers: empty (after trimming spaces) or -9999.
bool IsMissingValue(std::string_view value);

}  // namespace freshet::ingest
