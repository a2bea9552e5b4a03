#include "ingest/units.h"

#include <array>

namespace freshet::ingest {
namespace {

enum class Quantity { kOther, kTenthsMmDepth, kMmDepth, kTemperature };

Quantity QuantityOf(std::string_view element) {
  static constexpr std::array<std::string_view, 7> kTenthsMm = {"PRCP", "MDPR", "WESD", "WESF", "EVAP", "MDEV", "THIC"};
  static constexpr std::array<std::string_view, 3> kMm = {"SNOW", "SNWD", "MDSF"};
  static constexpr std::array<std::string_view, 6> kTemp = {"TMAX", "TMIN", "TOBS", "TAVG", "MNPN", "MXPN"};
  for (auto e : kTenthsMm)
    if (e == element) return Quantity::kTenthsMmDepth;
  for (auto e : kMm)
    if (e == element) return Quantity::kMmDepth;
  for (auto e : kTemp)
    if (e == element) return Quantity::kTemperature;
  return Quantity::kOther;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

constexpr int64_t kPow10[] = {1,           10,           100,           1000,           10000,
                              100000,      1000000,      10000000,      100000000,      1000000000,
                              10000000000, 100000000000, 1000000000000, 10000000000000, 100000000000000};

// (F - 32) * 5 / 9 in hundredths (kFahrenheitDecimals), rounded half away from zero.
Decimal FahrenheitToCelsius(Decimal f) {
  static_assert(kFahrenheitDecimals == 2);
  // |mantissa| < 10^15 and scale <= 14 (ParseDecimal), so 128-bit products cannot overflow.
  __int128 num = (static_cast<__int128>(f.mantissa) - static_cast<__int128>(32) * kPow10[f.scale]) * 5 * 100;
  __int128 den = static_cast<__int128>(9) * kPow10[f.scale];
  bool negative = num < 0;
  if (negative) num = -num;
  __int128 q = num / den;
  __int128 r = num % den;
  if (2 * r >= den) ++q;
  return Decimal{static_cast<int64_t>(negative ? -q : q), kFahrenheitDecimals};
}

}  // namespace

Result<Decimal> ParseDecimal(std::string_view text) {
  std::string_view s = TrimSpaces(text);
  auto bad = [&] { return Status::InvalidArgument("'" + std::string(text) + "' is not a decimal number"); };
  if (s.empty()) return bad();
  bool negative = false;
  if (s.front() == '-' || s.front() == '+') {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  Decimal d;
  int digits = 0;
  int significant = 0;
  bool seen_point = false;
  for (char c : s) {
    if (c == '.') {
      if (seen_point) return bad();
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') return bad();
    ++digits;
    if (significant > 0 || c != '0') ++significant;
    if (significant > 15) return bad();  // so x 254 fits in int64
    d.mantissa = d.mantissa * 10 + (c - '0');
    if (seen_point) ++d.scale;
  }
  if (digits == 0 || d.scale > 14) return bad();
  if (negative) d.mantissa = -d.mantissa;
  return d;
}

std::string FormatDecimal(Decimal d) {
  while (d.scale > 0 && d.mantissa % 10 == 0) {
    d.mantissa /= 10;
    --d.scale;
  }
  if (d.mantissa == 0) return "0";
  bool negative = d.mantissa < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(d.mantissa) : static_cast<uint64_t>(d.mantissa);
  std::string digits = std::to_string(magnitude);
  if (d.scale > 0) {
    if (static_cast<int>(digits.size()) <= d.scale) digits.insert(0, d.scale - digits.size() + 1, '0');
    digits.insert(digits.size() - d.scale, 1, '.');
  }
  return negative ? "-" + digits : digits;
}

Result<std::string> ToMetric(std::string_view element, std::string_view value, UnitSystem units) {
  Quantity quantity = QuantityOf(element);
  Result<Decimal> parsed = ParseDecimal(value);
  if (!parsed.ok()) {
    if (quantity == Quantity::kOther) return std::string(TrimSpaces(value));
    return Status::InvalidArgument(element.empty() ? parsed.status().message()
                                                   : std::string(element) + " value " + parsed.status().message());
  }
  Decimal d = *parsed;
  switch (quantity) {
    case Quantity::kOther: break;
    case Quantity::kTenthsMmDepth:
    case Quantity::kMmDepth:
      if (units == UnitSystem::kStandard) {  // inches * 25.4 = * 254 / 10
        d.mantissa *= 254;
        d.scale += 1;
      } else if (units == UnitSystem::kGhcnRaw && quantity == Quantity::kTenthsMmDepth) {
        d.scale += 1;
      }
      break;
    case Quantity::kTemperature:
      if (units == UnitSystem::kStandard) {
        d = FahrenheitToCelsius(d);
      } else if (units == UnitSystem::kGhcnRaw) {
        d.scale += 1;
      }
      break;
  }
  return FormatDecimal(d);
}

bool IsMissingValue(std::string_view value) {
  std::string_view s = TrimSpaces(value);
  return s.empty() || s == "-9999";
}

}  // namespace freshet::ingest
