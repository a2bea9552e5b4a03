// The expression tokenizer (internal to query/expr): splits expression text into tokens with
// their byte offsets, for the parser and for AWS's "near" text in syntax errors.
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace freshet::query::expr {

struct Token {
  enum class Kind : uint8_t {
    kName,      // [A-Za-z_][A-Za-z0-9_]* (attribute names, keywords, function names)
    kNameRef,   // #[A-Za-z0-9_]+
    kValueRef,  // :[A-Za-z0-9_]+
    kNumber,    // [0-9]+ (list indexes)
    kLParen,
    kRParen,
    kLBracket,
    kRBracket,
    kComma,
    kDot,
    kEq,
    kNe,
    kLt,
    kLe,
    kGt,
    kGe,
    kPlus,
    kMinus,
    kInvalid,  // a character no token starts with (reported as a syntax error)
    kEnd,
  };
  Kind kind = Kind::kEnd;
  std::string_view text;
  size_t offset = 0;
};

// Tokens of `text`, always ending with one kEnd token.
std::vector<Token> Tokenize(std::string_view text);

}  // namespace freshet::query::expr
