// The expression tokenizer (see lexer.h).
#include "query/expr/lexer.h"

namespace freshet::query::expr {
namespace {

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  const size_t n = text.size();
  auto add = [&](Token::Kind kind, size_t start, size_t end) {
    tokens.push_back(Token{kind, text.substr(start, end - start), start});
  };
  while (i < n) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    const size_t start = i;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
      while (i < n && IsWordChar(text[i])) ++i;
      add(Token::Kind::kName, start, i);
      continue;
    }
    if (c >= '0' && c <= '9') {
      while (i < n && text[i] >= '0' && text[i] <= '9') ++i;
      add(Token::Kind::kNumber, start, i);
      continue;
    }
    if (c == '#' || c == ':') {
      ++i;
      while (i < n && IsWordChar(text[i])) ++i;
      add(i - start > 1 ? (c == '#' ? Token::Kind::kNameRef : Token::Kind::kValueRef) : Token::Kind::kInvalid, start,
          i);
      continue;
    }
    Token::Kind kind = Token::Kind::kInvalid;
    size_t len = 1;
    switch (c) {
      case '(': kind = Token::Kind::kLParen; break;
      case ')': kind = Token::Kind::kRParen; break;
      case '[': kind = Token::Kind::kLBracket; break;
      case ']': kind = Token::Kind::kRBracket; break;
      case ',': kind = Token::Kind::kComma; break;
      case '.': kind = Token::Kind::kDot; break;
      case '=': kind = Token::Kind::kEq; break;
      case '+': kind = Token::Kind::kPlus; break;
      case '-': kind = Token::Kind::kMinus; break;
      case '<':
        if (i + 1 < n && text[i + 1] == '>') {
          kind = Token::Kind::kNe, len = 2;
        } else if (i + 1 < n && text[i + 1] == '=') {
          kind = Token::Kind::kLe, len = 2;
        } else {
          kind = Token::Kind::kLt;
        }
        break;
      case '>':
        if (i + 1 < n && text[i + 1] == '=') {
          kind = Token::Kind::kGe, len = 2;
        } else {
          kind = Token::Kind::kGt;
        }
        break;
      default:
        // One whole UTF-8 character, so the error quotes it intact.
        while (start + len < n && (static_cast<unsigned char>(text[start + len]) & 0xC0) == 0x80 && len < 4) ++len;
        break;
    }
    i += len;
    add(kind, start, i);
  }
  tokens.push_back(Token{Token::Kind::kEnd, std::string_view(), n});
  return tokens;
}

}  // namespace freshet::query::expr
