// Exact decimal arithmetic for DynamoDB numbers (see decimal.h).
//
// Add and Subtract line both operands up on a common last-digit exponent and add digit
// strings; with at most 38 digits each and exponents within DynamoDB's range the strings stay
// a few hundred digits long at worst, so there is no need for anything cleverer.
#include "query/expr/decimal.h"

#include <algorithm>
#include <cctype>

namespace freshet::query::expr {
namespace {

constexpr int kMaxDigits = 38;
constexpr int kMinExponent = -129;  // 1e-130 = 0.1 x 10^-129
constexpr int kMaxExponent = 126;   // 9.99..e125 = 0.999.. x 10^126

Status NotNumeric(std::string_view text) {
  if (text.empty()) return Status::InvalidArgument("The parameter cannot be converted to a numeric value");
  return Status::InvalidArgument("The parameter cannot be converted to a numeric value: " +
                                 std::string(text.substr(0, 64)));
}

Status CheckLimits(const std::string& digits, long exponent) {
  if (digits.empty()) return Status::OK();
  if (static_cast<int>(digits.size()) > kMaxDigits) {
    return Status::InvalidArgument("Attempting to store more than 38 significant digits in a Number");
  }
  if (exponent > kMaxExponent) {
    return Status::InvalidArgument(
        "Number overflow. Attempting to store a number with magnitude larger than supported range");
  }
  if (exponent < kMinExponent) {
    return Status::InvalidArgument(
        "Number underflow. Attempting to store a number with magnitude smaller than supported range");
  }
  return Status::OK();
}

// Compares magnitudes given as normalised (digits, exponent).
int CompareMagnitude(const std::string& da, int ea, const std::string& db, int eb) {
  if (da.empty() || db.empty()) return da.empty() ? (db.empty() ? 0 : -1) : 1;
  if (ea != eb) return ea < eb ? -1 : 1;
  int c = da.compare(db);  // same exponent: digit strings compare as fractions 0.d1d2...
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

Result<Decimal> Decimal::Parse(std::string_view text) {
  Decimal d;
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) d.negative_ = text[i++] == '-';
  int point_pos = 0;
  bool seen_point = false, seen_digit = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      seen_digit = true;
      if (d.digits_.empty() && c == '0') {
        if (seen_point) --point_pos;
        continue;
      }
      if (d.digits_.size() > 4096) return NotNumeric(text);
      d.digits_.push_back(c);
      if (!seen_point) ++point_pos;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!seen_digit) return NotNumeric(text);
  long exp = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) exp_negative = text[i++] == '-';
    if (i == text.size()) return NotNumeric(text);
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
      if (exp < 100000) exp = exp * 10 + (text[i] - '0');
    }
    if (exp_negative) exp = -exp;
  }
  if (i != text.size()) return NotNumeric(text);
  while (!d.digits_.empty() && d.digits_.back() == '0') d.digits_.pop_back();
  if (d.digits_.empty()) return Decimal();
  long e = point_pos + exp;
  FRESHET_RETURN_IF_ERROR(CheckLimits(d.digits_, e));
  d.exponent_ = static_cast<int>(e);
  return d;
}

Result<Decimal> Decimal::Add(const Decimal& a, const Decimal& b) {
  if (a.is_zero()) return b;
  if (b.is_zero()) return a;
  // Scale both to integers times 10^low, where low is the exponent of the smaller last digit.
  const int a_low = a.exponent_ - static_cast<int>(a.digits_.size());
  const int b_low = b.exponent_ - static_cast<int>(b.digits_.size());
  const int low = std::min(a_low, b_low);
  const int high = std::max(a.exponent_, b.exponent_);
  const size_t width = static_cast<size_t>(high - low) + 1;  // one spare digit for the carry
  auto widen = [&](const Decimal& x, int x_low) {
    std::string s(width, '0');
    // Digit j of x (0-based) has weight 10^(x.exponent_ - 1 - j); position from the right is
    // that weight minus low.
    for (size_t j = 0; j < x.digits_.size(); ++j) {
      size_t from_right = static_cast<size_t>(x_low - low) + (x.digits_.size() - 1 - j);
      s[width - 1 - from_right] = x.digits_[j];
    }
    return s;
  };
  std::string x = widen(a, a_low), y = widen(b, b_low);
  bool result_negative = a.negative_;
  std::string sum(width, '0');
  if (a.negative_ == b.negative_) {
    int carry = 0;
    for (size_t k = width; k-- > 0;) {
      int v = (x[k] - '0') + (y[k] - '0') + carry;
      sum[k] = static_cast<char>('0' + v % 10);
      carry = v / 10;
    }
  } else {
    int c = CompareMagnitude(a.digits_, a.exponent_, b.digits_, b.exponent_);
    if (c == 0) return Decimal();
    if (c < 0) {
      std::swap(x, y);
      result_negative = b.negative_;
    }
    int borrow = 0;
    for (size_t k = width; k-- > 0;) {
      int v = (x[k] - '0') - (y[k] - '0') - borrow;
      borrow = v < 0;
      sum[k] = static_cast<char>('0' + (v + 10) % 10);
    }
  }
  // sum is an integer N with value N x 10^low; normalise to 0.digits x 10^exponent.
  size_t first = sum.find_first_not_of('0');
  if (first == std::string::npos) return Decimal();
  size_t last = sum.find_last_not_of('0');
  Decimal r;
  r.negative_ = result_negative;
  r.digits_ = sum.substr(first, last - first + 1);
  long exponent = static_cast<long>(width - first) + low;
  FRESHET_RETURN_IF_ERROR(CheckLimits(r.digits_, exponent));
  r.exponent_ = static_cast<int>(exponent);
  return r;
}

Result<Decimal> Decimal::Subtract(const Decimal& a, const Decimal& b) {
  Decimal nb = b;
  if (!nb.is_zero()) nb.negative_ = !nb.negative_;
  return Add(a, nb);
}

int Decimal::Compare(const Decimal& a, const Decimal& b) {
  if (a.is_zero() && b.is_zero()) return 0;
  bool a_neg = !a.is_zero() && a.negative_;
  bool b_neg = !b.is_zero() && b.negative_;
  if (a_neg != b_neg) return a_neg ? -1 : 1;
  int m = CompareMagnitude(a.digits_, a.exponent_, b.digits_, b.exponent_);
  return a_neg ? -m : m;
}

std::string Decimal::ToString() const {
  if (digits_.empty()) return "0";
  std::string s = negative_ ? "-" : "";
  const int n = static_cast<int>(digits_.size());
  const int e = exponent_;
  if (e > 40 || e < -6) {
    s.push_back(digits_[0]);
    if (n > 1) s += "." + digits_.substr(1);
    int sci = e - 1;
    s += sci < 0 ? "E-" : "E+";
    s += std::to_string(sci < 0 ? -sci : sci);
  } else if (e <= 0) {
    s += "0." + std::string(-e, '0') + digits_;
  } else if (e < n) {
    s += digits_.substr(0, e) + "." + digits_.substr(e);
  } else {
    s += digits_ + std::string(e - n, '0');
  }
  return s;
}

int CompareNumberText(std::string_view a, std::string_view b) {
  Result<Decimal> da = Decimal::Parse(a);
  Result<Decimal> db = Decimal::Parse(b);
  if (da.ok() && db.ok()) return Decimal::Compare(*da, *db);
  if (da.ok() != db.ok()) return da.ok() ? -1 : 1;
  return a < b ? -1 : (a > b ? 1 : 0);
}

}  // namespace freshet::query::expr
