// DynamoDB item operations through the dispatcher: conditions, every ReturnValues, the codec's
// validation, and the atomicity of conditional writes.
#include <atomic>
#include <thread>

#include "tests/tools/protocol/dynamodb_test_util.h"

namespace freshet::protocol::test {
namespace {

class DynamoDbItemsTest : public DynamoDbTest {
 protected:
  void SetUp() override {
    DynamoDbTest::SetUp();
    CreateTable("Wtab");
  }
  Json Key(const std::string& station, const std::string& date) { return {{"station", S(station)}, {"date", S(date)}}; }
};

TEST_F(DynamoDbItemsTest, PutGetDeleteWithReturnValues) {
  Json item = Key("s1", "d1");
  item["tmax"] = N("22.80");
  item["tags"] = {{"SS", {"a", "b"}}};
  item["m"] = {{"M", {{"x", {{"L", {S("y"), {{"BOOL", true}}, {{"NULL", true}}}}}}}}};
  EXPECT_EQ(DOk("PutItem", {{"TableName", "Wtab"}, {"Item", item}}), Json::object());
  Json got = DOk("GetItem", {{"TableName", "Wtab"}, {"Key", Key("s1", "d1")}});
  EXPECT_EQ(got["Item"], item);  // numbers keep their text

  Json projected = DOk("GetItem", {{"TableName", "Wtab"},
                                   {"Key", Key("s1", "d1")},
                                   {"ProjectionExpression", "#t, m.x[0]"},
                                   {"ExpressionAttributeNames", {{"#t", "tmax"}}}});
  EXPECT_EQ(projected["Item"], Json({{"tmax", N("22.80")}, {"m", {{"M", {{"x", {{"L", {S("y")}}}}}}}}}));
  EXPECT_EQ(DOk("GetItem", {{"TableName", "Wtab"}, {"Key", Key("s1", "nope")}}), Json::object());

  Json replaced = Key("s1", "d1");
  replaced["tmax"] = N("1");
  Json old = DOk("PutItem", {{"TableName", "Wtab"}, {"Item", replaced}, {"ReturnValues", "ALL_OLD"}});
  EXPECT_EQ(old["Attributes"], item);
  Reply bad_rv = D("PutItem", {{"TableName", "Wtab"}, {"Item", replaced}, {"ReturnValues", "ALL_NEW"}});
  EXPECT_EQ(Message(bad_rv), "Return values set to invalid value");

  Json deleted = DOk("DeleteItem", {{"TableName", "Wtab"}, {"Key", Key("s1", "d1")}, {"ReturnValues", "ALL_OLD"}});
  EXPECT_EQ(deleted["Attributes"], replaced);
  EXPECT_EQ(DOk("DeleteItem", {{"TableName", "Wtab"}, {"Key", Key("s1", "d1")}, {"ReturnValues", "ALL_OLD"}}),
            Json::object());
}

TEST_F(DynamoDbItemsTest, Conditions) {
  Json put = {{"TableName", "Wtab"}, {"Item", Key("s", "d")}, {"ConditionExpression", "attribute_not_exists(station)"}};
  DOk("PutItem", put);
  Reply again = D("PutItem", put);
  EXPECT_EQ(ErrorType(again), "ConditionalCheckFailedException");
  EXPECT_EQ(Message(again), "The conditional request failed");

  put["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD";
  EXPECT_EQ(D("PutItem", put).body["Item"], Key("s", "d"));

  // Legacy Expected.
  Reply legacy =
      D("DeleteItem", {{"TableName", "Wtab"}, {"Key", Key("s", "d")}, {"Expected", {{"v", {{"Value", N("3")}}}}}});
  EXPECT_EQ(ErrorType(legacy), "ConditionalCheckFailedException");
  DOk("DeleteItem", {{"TableName", "Wtab"}, {"Key", Key("s", "d")}, {"Expected", {{"v", {{"Exists", false}}}}}});

  Reply unused = D("PutItem", {{"TableName", "Wtab"},
                               {"Item", Key("s", "d")},
                               {"ConditionExpression", "attribute_not_exists(station)"},
                               {"ExpressionAttributeValues", {{":unused", N("1")}}}});
  EXPECT_EQ(Message(unused), "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}");
  Reply mixed = D("PutItem", {{"TableName", "Wtab"},
                              {"Item", Key("s", "d")},
                              {"ConditionExpression", "attribute_not_exists(station)"},
                              {"Expected", {{"v", {{"Exists", false}}}}}});
  EXPECT_EQ(Message(mixed),
            "Can not use both expression and non-expression parameters in the same request: Non-expression "
            "parameters: {Expected} Expression parameters: {ConditionExpression}");
}

TEST_F(DynamoDbItemsTest, UpdateItemEveryReturnValues) {
  Json item = Key("s", "d");
  item["a"] = N("1");
  item["b"] = S("x");
  DOk("PutItem", {{"TableName", "Wtab"}, {"Item", item}});
  Json base = {{"TableName", "Wtab"},
               {"Key", Key("s", "d")},
               {"UpdateExpression", "SET a = a + :one, c = :c"},
               {"ExpressionAttributeValues", {{":one", N("1")}, {":c", S("new")}}}};
  base["ReturnValues"] = "UPDATED_OLD";
  EXPECT_EQ(DOk("UpdateItem", base)["Attributes"], Json({{"a", N("1")}}));
  base["ReturnValues"] = "UPDATED_NEW";
  EXPECT_EQ(DOk("UpdateItem", base)["Attributes"], Json({{"a", N("3")}, {"c", S("new")}}));
  base["ReturnValues"] = "ALL_OLD";
  Json all_old = DOk("UpdateItem", base)["Attributes"];
  EXPECT_EQ(all_old["a"], N("3"));
  EXPECT_EQ(all_old["b"], S("x"));
  base["ReturnValues"] = "ALL_NEW";
  EXPECT_EQ(DOk("UpdateItem", base)["Attributes"]["a"], N("5"));
  base["ReturnValues"] = "NONE";
  EXPECT_EQ(DOk("UpdateItem", base), Json::object());

  // Upsert, legacy AttributeUpdates, key updates refused, conditions.
  Json created = DOk("UpdateItem", {{"TableName", "Wtab"},
                                    {"Key", Key("s", "new")},
                                    {"AttributeUpdates", {{"n", {{"Action", "ADD"}, {"Value", N("2")}}}}},
                                    {"ReturnValues", "ALL_NEW"}});
  EXPECT_EQ(created["Attributes"], Json({{"date", S("new")}, {"n", N("2")}, {"station", S("s")}}));
  Reply key_update = D("UpdateItem", {{"TableName", "Wtab"},
                                      {"Key", Key("s", "d")},
                                      {"UpdateExpression", "SET #d = :v"},
                                      {"ExpressionAttributeNames", {{"#d", "date"}}},
                                      {"ExpressionAttributeValues", {{":v", S("x")}}}});
  EXPECT_EQ(Message(key_update), "Cannot update attribute date. This attribute is part of the key");
  Reply failed = D("UpdateItem", {{"TableName", "Wtab"},
                                  {"Key", Key("s", "d")},
                                  {"UpdateExpression", "REMOVE b"},
                                  {"ConditionExpression", "a < :v"},
                                  {"ExpressionAttributeValues", {{":v", N("5")}}}});
  EXPECT_EQ(ErrorType(failed), "ConditionalCheckFailedException");
}

TEST_F(DynamoDbItemsTest, ValidationOfValuesAndKeys) {
  auto put = [&](const Json& extra) {
    Json item = Key("s", "d");
    for (auto& [k, v] : extra.items()) item[k] = v;
    return D("PutItem", {{"TableName", "Wtab"}, {"Item", item}});
  };
  EXPECT_EQ(Message(put({{"x", {{"SS", Json::array()}}}})),
            "One or more parameter values were invalid: An string set  may not be empty");
  EXPECT_EQ(Message(put({{"x", {{"SS", {"a", "a"}}}}})),
            "One or more parameter values were invalid: Input collection [a, a] contains duplicates.");
  EXPECT_EQ(Message(put({{"x", {{"NS", {"1", "1.0"}}}}})),
            "One or more parameter values were invalid: Input collection [1, 1.0] contains duplicates.");
  EXPECT_EQ(Message(put({{"x", N("abc")}})), "The parameter cannot be converted to a numeric value: abc");
  EXPECT_EQ(Message(put({{"x", {{"S", "a"}, {"N", "1"}}}})),
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
            "datatypes");
  EXPECT_EQ(Message(put({{"x", S(std::string(401 * 1024, 'x'))}})), "Item size has exceeded the maximum allowed size");
  EXPECT_EQ(Message(D("PutItem", {{"TableName", "Wtab"}, {"Item", {{"station", S("s")}}}})),
            "One or more parameter values were invalid: Missing the key date in the item");
  EXPECT_EQ(Message(D("PutItem", {{"TableName", "Wtab"}, {"Item", {{"station", S("s")}, {"date", N("1")}}}})),
            "One or more parameter values were invalid: Type mismatch for key date expected: S actual: N");
  EXPECT_EQ(Message(D("PutItem", {{"TableName", "Wtab"}, {"Item", Key("s", "")}})),
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an "
            "empty string value. Key: date");
  EXPECT_EQ(Message(D("GetItem", {{"TableName", "Wtab"}, {"Key", {{"station", S("s")}}}})),
            "The provided key element does not match the schema");
  Reply missing = D("GetItem", {{"TableName", "Nope"}, {"Key", Key("s", "d")}});
  EXPECT_EQ(ErrorType(missing), "ResourceNotFoundException");
}

// Two threads race conditional puts of the same new key: exactly one wins each round.
TEST_F(DynamoDbItemsTest, ConditionalPutsRaceExactlyOneWins) {
  constexpr int kRounds = 500;
  std::atomic<int> wins[2] = {0, 0};
  auto racer = [&](int who) {
    for (int i = 0; i < kRounds; ++i) {
      Json item = Key("race", std::to_string(i));
      item["winner"] = N(std::to_string(who));
      Reply r = D("PutItem",
                  {{"TableName", "Wtab"}, {"Item", item}, {"ConditionExpression", "attribute_not_exists(station)"}});
      if (r.ok()) {
        ++wins[who];
      } else {
        EXPECT_EQ(ErrorType(r), "ConditionalCheckFailedException");
      }
    }
  };
  std::thread a(racer, 0), b(racer, 1);
  a.join();
  b.join();
  EXPECT_EQ(wins[0] + wins[1], kRounds);
  // And the stored winner of each round is the thread that was told it won: counters must agree.
  int stored[2] = {0, 0};
  for (int i = 0; i < kRounds; ++i) {
    Json got = DOk("GetItem", {{"TableName", "Wtab"}, {"Key", Key("race", std::to_string(i))}});
    ++stored[std::stoi(got["Item"]["winner"]["N"].get<std::string>())];
  }
  EXPECT_EQ(stored[0], wins[0]);
  EXPECT_EQ(stored[1], wins[1]);
}

// Concurrent increments through UpdateItem lose nothing.
TEST_F(DynamoDbItemsTest, ConcurrentUpdatesAreSerialized) {
  constexpr int kEach = 150;
  auto bump = [&] {
    for (int i = 0; i < kEach; ++i) {
      DOk("UpdateItem", {{"TableName", "Wtab"},
                         {"Key", Key("c", "c")},
                         {"UpdateExpression", "ADD n :one"},
                         {"ExpressionAttributeValues", {{":one", N("1")}}}});
    }
  };
  std::thread a(bump), b(bump);
  a.join();
  b.join();
  EXPECT_EQ(DOk("GetItem", {{"TableName", "Wtab"}, {"Key", Key("c", "c")}})["Item"]["n"], N(std::to_string(2 * kEach)));
}

}  // namespace
}  // namespace freshet::protocol::test
