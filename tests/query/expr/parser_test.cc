// Tests for query/expr/parser.h: the trees it builds, and AWS's error messages and positions.
#include "query/expr/parser.h"

#include <gtest/gtest.h>

#include "query/expr/reserved_words.h"
#include "tests/query/expr/expr_test_util.h"

namespace freshet::query::expr {
namespace {

std::string ConditionError(std::string_view text, AttributeNames names = {}, std::string_view values = "{}",
                           ExpressionType type = ExpressionType::kCondition) {
  ExpressionAttributes attrs = Attrs(std::move(names), values);
  auto c = ParseCondition(text, type, &attrs);
  return c.ok() ? "OK" : c.status().message();
}

std::string UpdateError(std::string_view text, AttributeNames names = {}, std::string_view values = "{}") {
  ExpressionAttributes attrs = Attrs(std::move(names), values);
  auto u = ParseUpdate(text, &attrs);
  return u.ok() ? "OK" : u.status().message();
}

constexpr std::string_view kValues = R"({":v": {"N": "1"}, ":w": {"N": "5"}, ":s": {"S": "x"}, ":ss": {"SS": ["a"]}})";

TEST(ParserTest, ReservedWordsAreAwsList) {
  EXPECT_EQ(ReservedWordCount(), 573u);
  EXPECT_TRUE(IsReservedWord("status"));
  EXPECT_TRUE(IsReservedWord("Date"));
  EXPECT_TRUE(IsReservedWord("ZONE"));
  EXPECT_FALSE(IsReservedWord("station"));
  EXPECT_FALSE(IsReservedWord("TMAX"));
}

TEST(ParserTest, ConditionTreeAndPrecedence) {
  ExpressionAttributes attrs = Attrs({{"#d", "date"}}, R"({":v": {"N": "1"}, ":w": {"N": "5"}})");
  // NOT binds tighter than AND, AND tighter than OR.
  auto c = ParseCondition("a = :v OR NOT b < :w AND #d BETWEEN :v AND :w", ExpressionType::kCondition, &attrs);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->kind, Condition::Kind::kOr);
  ASSERT_EQ(c->children.size(), 2u);
  EXPECT_EQ(c->children[0].kind, Condition::Kind::kCompare);
  const Condition& conj = c->children[1];
  ASSERT_EQ(conj.kind, Condition::Kind::kAnd);
  EXPECT_EQ(conj.children[0].kind, Condition::Kind::kNot);
  EXPECT_EQ(conj.children[0].children[0].op, Condition::CompareOp::kLt);
  EXPECT_EQ(conj.children[1].kind, Condition::Kind::kBetween);
  EXPECT_EQ(conj.children[1].operands[0].path[0].name, "date");
  EXPECT_TRUE(attrs.CheckAllUsed().ok()) << attrs.CheckAllUsed().ToString();
}

TEST(ParserTest, ParenthesesOverridePrecedence) {
  ExpressionAttributes attrs = Attrs({}, kValues);
  auto c = ParseCondition("(a = :v OR b = :v) AND c = :w", ExpressionType::kFilter, &attrs);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->kind, Condition::Kind::kAnd);
  EXPECT_EQ(c->children[0].kind, Condition::Kind::kOr);
}

TEST(ParserTest, PathsWithNestingAndIndexes) {
  ExpressionAttributes attrs = Attrs({{"#m", "meta"}}, kValues);
  auto c = ParseCondition("#m.qc.checks[2][0].x = :v", ExpressionType::kCondition, &attrs);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const Path& p = c->operands[0].path;
  EXPECT_EQ(PathToString(p), "[meta, qc, checks, [2], [0], x]");
  EXPECT_EQ(PathToExpression(p), "meta.qc.checks[2][0].x");
}

TEST(ParserTest, FunctionsAndSize) {
  ExpressionAttributes attrs = Attrs({}, R"({":t": {"S": "N"}, ":p": {"S": "US"}, ":n": {"N": "3"}})");
  auto c = ParseCondition(
      "attribute_exists(a) AND attribute_not_exists(b.c) AND attribute_type(d, :t) AND begins_with(e, :p) "
      "AND contains(f, :p) AND size(g) > :n AND h IN (:n, :p)",
      ExpressionType::kCondition, &attrs);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->children.size(), 7u);
  EXPECT_EQ(c->children[0].kind, Condition::Kind::kExists);
  EXPECT_EQ(c->children[1].kind, Condition::Kind::kNotExists);
  EXPECT_EQ(c->children[2].kind, Condition::Kind::kAttributeType);
  EXPECT_EQ(c->children[3].kind, Condition::Kind::kBeginsWith);
  EXPECT_EQ(c->children[4].kind, Condition::Kind::kContains);
  EXPECT_EQ(c->children[5].operands[0].kind, Operand::Kind::kSize);
  EXPECT_EQ(c->children[6].kind, Condition::Kind::kIn);
  EXPECT_EQ(c->children[6].operands.size(), 3u);
}

TEST(ParserTest, KeywordsAreCaseInsensitive) {
  EXPECT_EQ(ConditionError("a = :v and b between :v AnD :w or not c in (:v)", {}, kValues), "OK");
}

TEST(ParserTest, SyntaxErrorsNameTokenAndNeighbours) {
  EXPECT_EQ(ConditionError("a = :v b", {}, kValues),
            "Invalid ConditionExpression: Syntax error; token: \"b\", near: \":v b\"");
  EXPECT_EQ(ConditionError("a = :v AND", {}, kValues),
            "Invalid ConditionExpression: Syntax error; token: <EOF>, near: \"AND\"");
  EXPECT_EQ(ConditionError("a = = :v", {}, kValues),
            "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"= = :v\"");
  EXPECT_EQ(ConditionError("a ! :v", {}, kValues),
            "Invalid ConditionExpression: Syntax error; token: \"!\", near: \"a ! :v\"");
  EXPECT_EQ(ConditionError("(a = :v", {}, kValues),
            "Invalid ConditionExpression: Syntax error; token: <EOF>, near: \":v\"");
  EXPECT_EQ(ConditionError("a", {}, kValues), "Invalid ConditionExpression: Syntax error; token: <EOF>, near: \"a\"");
  EXPECT_EQ(ConditionError("a = :v AND AND", {}, kValues),
            "Invalid ConditionExpression: Syntax error; token: \"AND\", near: \"AND AND\"");
  EXPECT_EQ(ConditionError("a[x] = :v", {}, kValues),
            "Invalid ConditionExpression: Syntax error; token: \"x\", near: \"[x]\"");
  EXPECT_EQ(ConditionError("", {}, kValues), "Invalid ConditionExpression: The expression can not be empty;");
  EXPECT_EQ(ConditionError("   ", {}, kValues), "Invalid ConditionExpression: The expression can not be empty;");
  EXPECT_EQ(UpdateError("ADD hits : incr", {}, R"({":incr": {"N": "1"}})"),
            "Invalid UpdateExpression: Syntax error; token: \":\", near: \"hits : incr\"");
  EXPECT_EQ(UpdateError("INVALID SYNTAX HERE"),
            "Invalid UpdateExpression: Syntax error; token: \"INVALID\", near: \"INVALID SYNTAX\"");
}

TEST(ParserTest, ReservedWordsNeedPlaceholders) {
  EXPECT_EQ(ConditionError("status = :s", {}, kValues),
            "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status");
  EXPECT_EQ(ConditionError("a.Date = :s", {}, kValues, ExpressionType::kFilter),
            "Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: Date");
  EXPECT_EQ(ConditionError("#s = :s", {{"#s", "status"}}, kValues), "OK");
}

TEST(ParserTest, UndefinedPlaceholders) {
  EXPECT_EQ(ConditionError("#n = :v", {}, kValues),
            "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; "
            "attribute name: #n");
  EXPECT_EQ(ConditionError("a = :nope", {}, kValues),
            "Invalid ConditionExpression: An expression attribute value used in expression is not defined; "
            "attribute value: :nope");
  EXPECT_EQ(UpdateError("SET #n = :v"),
            "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; "
            "attribute name: #n");
}

TEST(ParserTest, UnusedPlaceholdersAcrossExpressions) {
  ExpressionAttributes attrs =
      Attrs({{"#a", "a"}, {"#b", "b"}, {"#c", "c"}}, R"({":v": {"N": "1"}, ":u": {"N": "2"}})");
  ASSERT_TRUE(ParseUpdate("SET #a = :v", &attrs).ok());
  EXPECT_EQ(attrs.CheckAllUsed().message(),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b, #c}");
  ASSERT_TRUE(ParseCondition("attribute_exists(#b) AND #c <> :v", ExpressionType::kCondition, &attrs).ok());
  EXPECT_EQ(attrs.CheckAllUsed().message(),
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:u}");
  ASSERT_TRUE(ParseProjection("#a, x[1]", &attrs).ok());
  ASSERT_TRUE(ParseCondition("x = :u", ExpressionType::kFilter, &attrs).ok());
  EXPECT_TRUE(attrs.CheckAllUsed().ok());
}

TEST(ParserTest, ValidatesTheMaps) {
  EXPECT_EQ(Attrs({{"n", "x"}}).Validate(true, false).message(),
            "ExpressionAttributeNames contains invalid key: Syntax error; key: \"n\"");
  EXPECT_EQ(Attrs({}, R"({"v": {"N": "1"}})").Validate(false, true).message(),
            "ExpressionAttributeValues contains invalid key: Syntax error; key: \"v\"");
  EXPECT_EQ(Attrs({{"#a-b", "x"}}).Validate(true, false).message(),
            "ExpressionAttributeNames contains invalid key: Syntax error; key: \"#a-b\"");
  EXPECT_TRUE(Attrs({{"#a_1", "x"}}, R"({":V_2": {"N": "1"}})").Validate(true, true).ok());
  EXPECT_EQ(Attrs({}).Validate(false, true).message(), "ExpressionAttributeValues must not be empty");
  EXPECT_EQ(Attrs({}).Validate(true, false).message(), "ExpressionAttributeNames must not be empty");
  EXPECT_TRUE(Attrs({}).Validate(false, false).ok());
}

TEST(ParserTest, FunctionErrors) {
  EXPECT_EQ(ConditionError("foo(a)", {}, kValues), "Invalid ConditionExpression: Invalid function name; function: foo");
  EXPECT_EQ(ConditionError("attribute_exists(a, b)", {}, kValues),
            "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or "
            "function: attribute_exists, number of operands: 2");
  EXPECT_EQ(ConditionError("attribute_exists(:v)", {}, kValues),
            "Invalid ConditionExpression: Operator or function requires a document path; operator or function: "
            "attribute_exists");
  EXPECT_EQ(ConditionError("a = list_append(b, c)", {}, kValues),
            "Invalid ConditionExpression: The function is not allowed in a condition expression; function: "
            "list_append");
  EXPECT_EQ(ConditionError("size(a)", {}, kValues),
            "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; "
            "function: size");
  EXPECT_EQ(ConditionError("a = begins_with(b, :s)", {}, kValues),
            "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; "
            "function: begins_with");
  EXPECT_EQ(ConditionError("begins_with(a, :v)", {}, kValues),
            "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: "
            "begins_with, operand type: N");
  EXPECT_EQ(ConditionError("attribute_type(a, :v)", {}, kValues),
            "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: "
            "attribute_type, operand type: N");
  EXPECT_EQ(ConditionError("attribute_type(a, :s)", {}, kValues),
            "Invalid ConditionExpression: Invalid attribute type name found; type: x, valid types: "
            "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
  EXPECT_EQ(ConditionError("attribute_type(a, b)", {}, kValues),
            "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: "
            "attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}");
  EXPECT_EQ(ConditionError("foo(a)", {}, kValues), "Invalid ConditionExpression: Invalid function name; function: foo");
  EXPECT_EQ(ConditionError("size(:v) > :w", {}, kValues),
            "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: "
            "size, operand type: N");
  EXPECT_EQ(ConditionError("size(:s) > :w", {}, kValues), "OK");
  EXPECT_EQ(UpdateError("SET a = size(b)"),
            "Invalid UpdateExpression: The function is not allowed in an update expression; function: size");
}

TEST(ParserTest, OperatorErrors) {
  EXPECT_EQ(ConditionError("a < :ss", {}, kValues),
            "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, "
            "operand type: SS");
  EXPECT_EQ(ConditionError("a BETWEEN :w AND :v", {}, kValues),
            "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to "
            "lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}");
  EXPECT_EQ(ConditionError("a BETWEEN :v AND :s", {}, kValues),
            "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; "
            "lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:x}");
  std::string in = "a IN (";
  for (int i = 0; i < 101; ++i) in += i ? ", :v" : ":v";
  EXPECT_EQ(ConditionError(in + ")", {}, kValues),
            "Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101");
}

TEST(ParserTest, DistinctOperandsAndRedundantParentheses) {
  EXPECT_EQ(ConditionError("a.b[1] = a.b[1]", {}, kValues),
            "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this "
            "operator or function; operator: =, first operand: [a, b, [1]]");
  EXPECT_EQ(ConditionError("contains(#x, x)", {{"#x", "x"}}, kValues),
            "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this "
            "operator or function; operator: contains, first operand: [x]");
  EXPECT_EQ(ConditionError("a.b = a.c", {}, kValues), "OK");
  EXPECT_EQ(ConditionError("((a = :v))", {}, kValues),
            "Invalid ConditionExpression: The expression has redundant parentheses;");
  EXPECT_EQ(ConditionError("((a = :v) AND (b = :v))", {}, kValues), "OK");
  EXPECT_EQ(ConditionError("(a = :v) AND ((b = :v))", {}, kValues),
            "Invalid ConditionExpression: The expression has redundant parentheses;");
}

TEST(ParserTest, ErrorsInAwsOrder) {
  // A syntax error anywhere comes before every other error...
  EXPECT_EQ(ConditionError("status = :nope b", {}, kValues),
            "Invalid ConditionExpression: Syntax error; token: \"b\", near: \":nope b\"");
  // ...then reserved words before undefined placeholders, wherever they are...
  EXPECT_EQ(ConditionError("#n = :v AND status = :v", {}, kValues),
            "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status");
  // ...unknown functions before both, and operand counts after them.
  EXPECT_EQ(ConditionError("begins_with(#n) AND foo(a)", {}, kValues),
            "Invalid ConditionExpression: Invalid function name; function: foo");
  EXPECT_EQ(ConditionError("begins_with(a) AND b = :nope", {}, kValues),
            "Invalid ConditionExpression: An expression attribute value used in expression is not defined; "
            "attribute value: :nope");
  EXPECT_EQ(UpdateError("ADD a :s SET b = :zz SET c = :v", {}, kValues),
            "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;");
}

TEST(ParserTest, Limits) {
  std::string deep(200, '(');
  EXPECT_EQ(ConditionError(deep + "a = :v" + std::string(200, ')'), {}, kValues),
            "Invalid ConditionExpression: The expression has too many nesting levels; nesting levels: 101");
  std::string long_text = "a = :v" + std::string(5000, ' ');
  EXPECT_EQ(
      ConditionError(long_text, {}, kValues),
      "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 5006");
  std::string path = "a";
  for (int i = 0; i < 32; ++i) path += ".b";
  EXPECT_EQ(ConditionError(path + " = :v", {}, kValues),
            "Invalid ConditionExpression: The document path has too many nesting levels; nesting levels: 33");
  EXPECT_EQ(ConditionError("a[99999999999] = :v", {}, kValues),
            "Invalid ConditionExpression: List index is not within the allowable range; index: 99999999999");
}

TEST(ParserTest, UpdateClauses) {
  ExpressionAttributes attrs = Attrs({}, R"({":v": {"N": "1"}, ":l": {"L": []}, ":s": {"SS": ["x"]}})");
  auto u = ParseUpdate(
      "REMOVE r1, r2[0] SET a = :v, b = b + :v, c = list_append(if_not_exists(c, :l), :l) ADD n :v DELETE s :s",
      &attrs);
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  ASSERT_EQ(u->actions.size(), 7u);
  EXPECT_EQ(u->actions[0].kind, UpdateAction::Kind::kRemove);
  EXPECT_EQ(PathToString(u->actions[1].path), "[r2, [0]]");
  EXPECT_EQ(u->actions[2].kind, UpdateAction::Kind::kSet);
  EXPECT_EQ(u->actions[3].value.kind, Operand::Kind::kPlus);
  EXPECT_EQ(u->actions[4].value.kind, Operand::Kind::kListAppend);
  EXPECT_EQ(u->actions[4].value.args[0].kind, Operand::Kind::kIfNotExists);
  EXPECT_EQ(u->actions[5].kind, UpdateAction::Kind::kAdd);
  EXPECT_EQ(u->actions[6].kind, UpdateAction::Kind::kDelete);
  EXPECT_TRUE(attrs.CheckAllUsed().ok());
}

TEST(ParserTest, UpdateErrors) {
  const std::string_view v = R"({":v": {"N": "1"}, ":s": {"S": "x"}, ":l": {"L": []}})";
  EXPECT_EQ(UpdateError("SET a = :v SET b = :v", {}, v),
            "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;");
  EXPECT_EQ(UpdateError("SET a = :v, a.b = :v", {}, v),
            "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of "
            "these paths; path one: [a], path two: [a, b]");
  EXPECT_EQ(UpdateError("SET a = :v REMOVE a", {}, v),
            "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of "
            "these paths; path one: [a], path two: [a]");
  EXPECT_EQ(UpdateError("SET a.b = :v REMOVE a[1]", {}, v),
            "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of "
            "these paths; path one: [a, b], path two: [a, [1]]");
  EXPECT_EQ(UpdateError("ADD a :s", {}, v),
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand "
            "type: STRING");
  EXPECT_EQ(UpdateError("DELETE a :v", {}, v),
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand "
            "type: NUMBER");
  EXPECT_EQ(UpdateError("SET a = list_append(:l)", {}, v),
            "Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or "
            "function: list_append, number of operands: 1");
  EXPECT_EQ(UpdateError("SET a = if_not_exists(:v, :v)", {}, v),
            "Invalid UpdateExpression: Operator or function requires a document path; operator or function: "
            "if_not_exists");
  EXPECT_EQ(UpdateError("SET a = :v + :v + :v", {}, v),
            "Invalid UpdateExpression: Syntax error; token: \"+\", near: \":v + :v\"");
  EXPECT_EQ(UpdateError("ADD a b", {}, v), "Invalid UpdateExpression: Syntax error; token: \"b\", near: \"a b\"");
  EXPECT_EQ(UpdateError("SET a = :v,", {}, v), "Invalid UpdateExpression: Syntax error; token: <EOF>, near: \",\"");
  EXPECT_EQ(UpdateError("SET"), "Invalid UpdateExpression: Syntax error; token: <EOF>, near: \"SET\"");
  EXPECT_EQ(UpdateError("a = :v", {}, v), "Invalid UpdateExpression: Syntax error; token: \"a\", near: \"a =\"");
}

TEST(ParserTest, Projections) {
  ExpressionAttributes attrs = Attrs({{"#d", "date"}});
  auto p = ParseProjection("station, #d, readings[1], meta.qc.passed", &attrs);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->paths.size(), 4u);
  EXPECT_EQ(PathToString(p->paths[1]), "[date]");
  EXPECT_EQ(PathToString(p->paths[2]), "[readings, [1]]");
  ExpressionAttributes none;
  EXPECT_EQ(ParseProjection("a, a.b", &none).status().message(),
            "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of "
            "these paths; path one: [a], path two: [a, b]");
  EXPECT_EQ(ParseProjection("a,, b", &none).status().message(),
            "Invalid ProjectionExpression: Syntax error; token: \",\", near: \",, b\"");
  EXPECT_EQ(ParseProjection("!!", &none).status().message(),
            "Invalid ProjectionExpression: Syntax error; token: \"!\", near: \"!!\"");
  EXPECT_EQ(ParseProjection("a b", &none).status().message(),
            "Invalid ProjectionExpression: Syntax error; token: \"b\", near: \"a b\"");
}

}  // namespace
}  // namespace freshet::query::expr
