// Order-preserving encoding of DynamoDB numbers (the `number` rule in codec.h).
//
// A number is normalised to 0.d1 d2 ... dn x 10^E (d1 != 0, dn != 0), then written as a sign
// class byte, the biased exponent and the digits + 1, terminated by 0x00. Negative numbers are
// the complement of their magnitude's bytes, so larger magnitudes sort first.
#include <cctype>
#include <cstdlib>
#include <string_view>

#include "storage/codec.h"

namespace freshet::codec {
namespace {

constexpr int kMaxDigits = 38;
constexpr int kMinExponent = -129;  // 1e-130 = 0.1 x 10^-129
constexpr int kMaxExponent = 126;   // 9.99..e125 = 0.999.. x 10^126
constexpr char kNegative = 0x01, kZero = 0x02, kPositive = 0x03;

struct Decimal {
  bool negative = false;
  std::string digits;  // empty for zero; no leading or trailing zeros
  int exponent = 0;
};

Status Invalid(std::string_view text, const char* why) {
  return Status::InvalidArgument("invalid number '" + std::string(text.substr(0, 64)) + "': " + why);
}

Status Parse(std::string_view text, Decimal* out) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) out->negative = text[i++] == '-';
  std::string digits;
  int point_pos = 0;
  bool seen_point = false, seen_digit = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      seen_digit = true;
      if (digits.empty() && c == '0') {
        if (seen_point) --point_pos;  // leading zero after the point shifts the exponent
        continue;
      }
      digits.push_back(c);
      if (!seen_point) ++point_pos;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!seen_digit) return Invalid(text, "no digits");
  long exp = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) exp_negative = text[i++] == '-';
    if (i == text.size()) return Invalid(text, "empty exponent");
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
      if (exp < 100000) exp = exp * 10 + (text[i] - '0');
    }
    if (exp_negative) exp = -exp;
  }
  if (i != text.size()) return Invalid(text, "unexpected character");
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  if (digits.empty()) {
    *out = Decimal{};
    return Status::OK();
  }
  if (static_cast<int>(digits.size()) > kMaxDigits) return Invalid(text, "more than 38 significant digits");
  long e = point_pos + exp;
  if (e < kMinExponent || e > kMaxExponent) return Invalid(text, "magnitude out of range");
  out->digits = std::move(digits);
  out->exponent = static_cast<int>(e);
  return Status::OK();
}

// Appends only (no `a + b` temporaries): fewer allocations, and GCC 12 at -O3 raises -Wrestrict
// false positives inside std::string's operator+ here (GCC bug 105329).
std::string Format(const Decimal& d) {
  if (d.digits.empty()) return "0";
  std::string s;
  const int n = static_cast<int>(d.digits.size());
  const int e = d.exponent;
  s.reserve(static_cast<size_t>(n) + 8 + static_cast<size_t>(std::abs(e)));
  if (d.negative) s.push_back('-');
  const std::string_view digits = d.digits;
  if (e > 40 || e < -6) {
    s.push_back(digits[0]);
    if (n > 1) {
      s.push_back('.');
      s.append(digits.substr(1));
    }
    const int sci = e - 1;
    s.append(sci < 0 ? "E-" : "E+");
    s.append(std::to_string(sci < 0 ? -sci : sci));
  } else if (e <= 0) {
    s.append("0.");
    s.append(static_cast<size_t>(-e), '0');
    s.append(digits);
  } else if (e < n) {
    s.append(digits.substr(0, static_cast<size_t>(e)));
    s.push_back('.');
    s.append(digits.substr(static_cast<size_t>(e)));
  } else {
    s.append(digits);
    s.append(static_cast<size_t>(e - n), '0');
  }
  return s;
}

}  // namespace

Status PutOrderedNumber(std::string* dst, std::string_view decimal) {
  Decimal d;
  FRESHET_RETURN_IF_ERROR(Parse(decimal, &d));
  if (d.digits.empty()) {
    dst->push_back(kZero);
    return Status::OK();
  }
  const unsigned char flip = d.negative ? 0xff : 0x00;
  dst->push_back(d.negative ? kNegative : kPositive);
  dst->push_back(static_cast<char>((d.exponent - kMinExponent) ^ flip));
  for (char c : d.digits) dst->push_back(static_cast<char>((c - '0' + 1) ^ flip));
  dst->push_back(static_cast<char>(flip));
  return Status::OK();
}

bool GetOrderedNumber(std::string_view* in, std::string* decimal) {
  if (in->empty()) return false;
  char cls = (*in)[0];
  if (cls == kZero) {
    in->remove_prefix(1);
    decimal->assign(1, '0');  // not `= "0"`: GCC 12 -O3 -Wrestrict false positive in _M_replace
    return true;
  }
  if (cls != kNegative && cls != kPositive) return false;
  Decimal d;
  d.negative = cls == kNegative;
  const unsigned char flip = d.negative ? 0xff : 0x00;
  if (in->size() < 3) return false;
  d.exponent = static_cast<int>(static_cast<unsigned char>((*in)[1]) ^ flip) + kMinExponent;
  size_t i = 2;
  for (; i < in->size(); ++i) {
    auto b = static_cast<unsigned char>((*in)[i]) ^ flip;
    if (b == 0) break;
    if (b > 10) return false;
    d.digits.push_back(static_cast<char>('0' + b - 1));
  }
  if (i == in->size() || d.digits.empty() || d.digits.back() == '0' || d.digits[0] == '0') return false;
  in->remove_prefix(i + 1);
  *decimal = Format(d);
  return true;
}

Result<std::string> CanonicalNumber(std::string_view decimal) {
  Decimal d;
  Status s = Parse(decimal, &d);
  if (!s.ok()) return s;
  return Format(d);
}

}  // namespace freshet::codec
