// Decimal: an exact DynamoDB number, for comparison and arithmetic without going through double.
//
// A value is sign x 0.d1 d2 ... dn x 10^exponent with d1 != 0 and dn != 0 (zero has no digits),
// the same normal form as the key codec (storage/codec.h). Parse accepts any text DynamoDB
// accepts as N ("22.80", "-1e-3", "+.5"); Add and Subtract are exact, and fail (rather than
// round) when the result needs more than 38 significant digits or falls outside DynamoDB's
// magnitude range 1e-130 .. 9.99...e125, with AWS's messages.
//
// Thread-safety: plain values.
#pragma once

#include <string>
#include <string_view>

#include "storage/status.h"

namespace freshet::query::expr {

class Decimal {
 public:
  Decimal() = default;  // zero

  // Parses DynamoDB number text and checks DynamoDB's limits. Errors (InvalidArgument):
  // "The parameter cannot be converted to a numeric value: <text>",
  // "Attempting to store more than 38 significant digits in a Number",
  // "Number overflow. Attempting to store a number with magnitude larger than supported range",
  // "Number underflow. Attempting to store a number with magnitude smaller than supported range".
  static Result<Decimal> Parse(std::string_view text);

  // Exact sum / difference; errors as Parse when the result is out of DynamoDB's limits.
  static Result<Decimal> Add(const Decimal& a, const Decimal& b);
  static Result<Decimal> Subtract(const Decimal& a, const Decimal& b);

  // -1, 0, 1 as a <, ==, > b, numerically (1.0 == 1).
  static int Compare(const Decimal& a, const Decimal& b);

  bool is_zero() const { return digits_.empty(); }
  bool negative() const { return negative_; }

  // Canonical text, as codec::CanonicalNumber writes it ("12.5", "-0.001", "1E+40").
  std::string ToString() const;

 private:
  bool negative_ = false;
  std::string digits_;  // '0'..'9', no leading or trailing zeros; empty for zero
  int exponent_ = 0;    // value = 0.digits x 10^exponent_
};

// Compares two N texts numerically; text that is not a number compares by bytes after every
// number (so a malformed stored value orders consistently instead of failing).
int CompareNumberText(std::string_view a, std::string_view b);

}  // namespace freshet::query::expr
