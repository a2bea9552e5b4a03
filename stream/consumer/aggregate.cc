// Aggregate math (see aggregate.h).
#include "stream/consumer/aggregate.h"

#include <cctype>

#include "query/expr/decimal.h"

namespace freshet::stream {
namespace {

using query::AttributeValue;
using query::expr::Decimal;
using Type = AttributeValue::Type;

Status Wrong(const std::string& name, const std::string& what) {
  return Status::InvalidArgument("aggregate " + name + ": " + what);
}

Result<Decimal> StoredNumber(const std::string& name, const AttributeValue* v) {
  if (!v) return Decimal();
  if (v->type() != Type::kN) return Wrong(name, "the group's value is not a number");
  auto d = Decimal::Parse(v->scalar());
  if (!d.ok()) return Wrong(name, "the group's value " + v->scalar() + " is not a number");
  return d;
}

Result<Decimal> Sum(const std::string& name, const Decimal& a, const Decimal& b) {
  auto sum = Decimal::Add(a, b);
  if (!sum.ok()) return Wrong(name, sum.status().message());
  return sum;
}

Result<Decimal> InputNumber(const std::string& name, const AttributeValue* input) {
  if (!input || input->type() != Type::kN) return Wrong(name, "the record's value is not a number");
  auto d = Decimal::Parse(input->scalar());
  if (!d.ok()) return Wrong(name, d.status().message());
  return d;
}

AttributeValue Number(const Decimal& d) { return AttributeValue::N(d.ToString()); }

// -1, 0, 1 as a <, ==, > b, for two values of the same type N or S.
Result<int> Compare(const std::string& name, const AttributeValue& a, const AttributeValue& b) {
  if (a.type() != b.type()) return Wrong(name, "the record's value is not of the group's type");
  if (a.type() == Type::kN) {
    auto x = Decimal::Parse(a.scalar());
    auto y = Decimal::Parse(b.scalar());
    if (!x.ok() || !y.ok()) return Wrong(name, "a value is not a number");
    return Decimal::Compare(*x, *y);
  }
  if (a.type() == Type::kS) {
    int c = a.scalar().compare(b.scalar());
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  return Wrong(name, "min and max compare numbers or strings");
}

}  // namespace

Status ApplyAggregate(AggregateSpec::Op op, const std::string& name, const AttributeValue* input,
                      const AggregateLookup& current, std::vector<AggregateChange>* out) {
  using Op = AggregateSpec::Op;
  switch (op) {
    case Op::kCount: {
      FRESHET_ASSIGN_OR_RETURN(Decimal n, StoredNumber(name, current(name)));
      FRESHET_ASSIGN_OR_RETURN(Decimal one, Decimal::Parse("1"));
      FRESHET_ASSIGN_OR_RETURN(Decimal next, Sum(name, n, one));
      out->emplace_back(name, Number(next));
      return Status::OK();
    }
    case Op::kSum: {
      FRESHET_ASSIGN_OR_RETURN(Decimal x, InputNumber(name, input));
      FRESHET_ASSIGN_OR_RETURN(Decimal total, StoredNumber(name, current(name)));
      FRESHET_ASSIGN_OR_RETURN(Decimal next, Sum(name, total, x));
      out->emplace_back(name, Number(next));
      return Status::OK();
    }
    case Op::kMean: {
      FRESHET_ASSIGN_OR_RETURN(Decimal x, InputNumber(name, input));
      const std::string sum_name = name + "_sum", count_name = name + "_count";
      FRESHET_ASSIGN_OR_RETURN(Decimal total, StoredNumber(sum_name, current(sum_name)));
      FRESHET_ASSIGN_OR_RETURN(Decimal count, StoredNumber(count_name, current(count_name)));
      FRESHET_ASSIGN_OR_RETURN(Decimal one, Decimal::Parse("1"));
      FRESHET_ASSIGN_OR_RETURN(Decimal next_total, Sum(sum_name, total, x));
      FRESHET_ASSIGN_OR_RETURN(Decimal next_count, Sum(count_name, count, one));
      const std::string count_text = next_count.ToString();
      uint64_t n = 0;
      for (char c : count_text) {
        if (!std::isdigit(static_cast<unsigned char>(c)) || n > (UINT64_MAX - 9) / 10) {
          return Wrong(count_name, "the count " + count_text + " is not a whole number below 2^64");
        }
        n = n * 10 + static_cast<uint64_t>(c - '0');
      }
      auto mean = DivideNumber(next_total.ToString(), n);
      if (!mean.ok()) return Wrong(name, mean.status().message());
      out->emplace_back(sum_name, Number(next_total));
      out->emplace_back(count_name, AttributeValue::N(count_text));
      out->emplace_back(name, AttributeValue::N(*mean));
      return Status::OK();
    }
    case Op::kMin:
    case Op::kMax: {
      if (!input) return Wrong(name, "the record has no value");
      const AttributeValue* now = current(name);
      if (now) {
        FRESHET_ASSIGN_OR_RETURN(int c, Compare(name, *input, *now));
        if (op == Op::kMin ? c >= 0 : c <= 0) return Status::OK();
      } else {
        // Checks the input alone (its type, a number's text).
        FRESHET_ASSIGN_OR_RETURN(int c, Compare(name, *input, *input));
        (void)c;
      }
      out->emplace_back(name, *input);
      return Status::OK();
    }
    case Op::kFirst:
      if (!input) return Wrong(name, "the record has no value");
      if (!current(name)) out->emplace_back(name, *input);
      return Status::OK();
    case Op::kLast:
      if (!input) return Wrong(name, "the record has no value");
      out->emplace_back(name, *input);
      return Status::OK();
  }
  return Wrong(name, "unknown operation");
}

Result<std::string> DivideNumber(std::string_view sum_text, uint64_t count) {
  FRESHET_ASSIGN_OR_RETURN(Decimal sum, Decimal::Parse(sum_text));
  if (count == 0) return Status::InvalidArgument("division by zero");
  if (sum.is_zero()) return std::string("0");
  // The canonical text is [-]DIGITS[.DIGITS][E(+|-)EXP]: read it as an integer D and a power of
  // ten e (value = D x 10^e), then divide D by count digit by digit.
  const std::string text = sum.ToString();
  std::string digits;
  long exponent = 0;
  bool after_point = false;
  size_t i = sum.negative() ? 1 : 0;
  for (; i < text.size() && text[i] != 'E' && text[i] != 'e'; ++i) {
    if (text[i] == '.') {
      after_point = true;
    } else {
      digits.push_back(text[i]);
      if (after_point) --exponent;
    }
  }
  if (i < text.size()) exponent += std::stol(text.substr(i + 1));
  // Quotient digits: D's digits, then as many zeros as 39 significant digits need.
  constexpr size_t kWant = 39;  // one more than kept, for rounding
  std::string quotient;
  unsigned __int128 remainder = 0;
  size_t significant = 0;
  for (size_t k = 0; significant < kWant && (k < digits.size() || remainder != 0); ++k) {
    unsigned digit = 0;
    if (k < digits.size()) {
      digit = static_cast<unsigned>(digits[k] - '0');
    } else {
      --exponent;  // one more digit after the point
    }
    remainder = remainder * 10 + digit;
    const auto q = static_cast<unsigned>(remainder / count);
    remainder %= count;
    if (q != 0 || significant > 0) ++significant;
    quotient.push_back(static_cast<char>('0' + q));
  }
  // Digits of D not reached (the quotient already has 39 significant ones) scale the result.
  if (quotient.size() < digits.size()) exponent += static_cast<long>(digits.size() - quotient.size());
  if (significant == kWant) {  // round half up to 38 digits
    const bool up = quotient.back() >= '5';
    quotient.pop_back();
    ++exponent;
    for (size_t k = quotient.size(); up && k-- > 0;) {
      if (quotient[k] == '9') {
        quotient[k] = '0';
        if (k == 0) quotient.insert(quotient.begin(), '1');
      } else {
        ++quotient[k];
        break;
      }
    }
  }
  std::string out = (sum.negative() ? "-" : "") + quotient + "E" + std::to_string(exponent);
  FRESHET_ASSIGN_OR_RETURN(Decimal mean, Decimal::Parse(out));
  return mean.ToString();
}

Result<std::string> TruncateDate(std::string_view text, ValueMapping::Truncate unit) {
  const size_t keep = unit == ValueMapping::Truncate::kYear ? 4 : unit == ValueMapping::Truncate::kMonth ? 7 : 10;
  auto bad = [&] {
    return Status::InvalidArgument("'" + std::string(text.substr(0, 40)) + "' is not a date (YYYY-MM-DD)");
  };
  if (text.size() < keep) return bad();
  for (size_t i = 0; i < keep; ++i) {
    const bool dash = i == 4 || i == 7;
    if (dash ? text[i] != '-' : !std::isdigit(static_cast<unsigned char>(text[i]))) return bad();
  }
  if (keep >= 7) {
    const int month = (text[5] - '0') * 10 + (text[6] - '0');
    if (month < 1 || month > 12) return bad();
  }
  if (keep >= 10) {
    const int day = (text[8] - '0') * 10 + (text[9] - '0');
    if (day < 1 || day > 31) return bad();
  }
  // A longer text must go on as a timestamp does ('T' or a space), not with more digits.
  if (text.size() > keep && keep == 10 && text[10] != 'T' && text[10] != ' ') return bad();
  return std::string(text.substr(0, keep));
}

}  // namespace freshet::stream
