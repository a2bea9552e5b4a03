// DynamoDB batches and transactions through the dispatcher.
#include <thread>

#include "tests/tools/protocol/dynamodb_test_util.h"

namespace freshet::protocol::test {
namespace {

class DynamoDbBatchTest : public DynamoDbTest {
 protected:
  void SetUp() override {
    DynamoDbTest::SetUp();
    CreateTable("Atab", "k", "");
    CreateTable("Btab", "k", "");
  }
  Json Put(const std::string& key, const std::string& v = "1") {
    return {{"PutRequest", {{"Item", {{"k", S(key)}, {"v", N(v)}}}}}};
  }
  Json Get(const std::string& table, const std::string& key) {
    return DOk("GetItem", {{"TableName", table}, {"Key", {{"k", S(key)}}}});
  }
};

TEST_F(DynamoDbBatchTest, BatchWriteAndGetAcrossTables) {
  Json r = DOk("BatchWriteItem", {{"RequestItems", {{"Atab", {Put("a1"), Put("a2")}}, {"Btab", {Put("b1")}}}}});
  EXPECT_EQ(r, Json({{"UnprocessedItems", Json::object()}}));
  DOk("BatchWriteItem", {{"RequestItems", {{"Atab", {{{"DeleteRequest", {{"Key", {{"k", S("a2")}}}}}}}}}}});
  Json got = DOk("BatchGetItem", {{"RequestItems",
                                   {{"Atab", {{"Keys", {{{"k", S("a1")}}, {{"k", S("a2")}}}}}},
                                    {"Btab", {{"Keys", {{{"k", S("b1")}}}}, {"ProjectionExpression", "k"}}}}}});
  EXPECT_EQ(got["Responses"]["Atab"].size(), 1u);
  EXPECT_EQ(got["Responses"]["Btab"][0], Json({{"k", S("b1")}}));
  EXPECT_EQ(got["UnprocessedKeys"], Json::object());
}

TEST_F(DynamoDbBatchTest, BatchLimitsAndDuplicates) {
  Json many = Json::array();
  for (int i = 0; i < 26; ++i) many.push_back(Put("k" + std::to_string(i)));
  EXPECT_EQ(ErrorType(D("BatchWriteItem", {{"RequestItems", {{"Atab", many}}}})), "ValidationException");
  Reply dup = D("BatchWriteItem", {{"RequestItems", {{"Atab", {Put("x"), Put("x", "2")}}}}});
  EXPECT_EQ(Message(dup), "Provided list of item keys contains duplicates");
  EXPECT_TRUE(Get("Atab", "x").empty());  // nothing of a refused batch is written
  Json keys = Json::array();
  for (int i = 0; i < 101; ++i) keys.push_back({{"k", S("k" + std::to_string(i))}});
  EXPECT_EQ(Message(D("BatchGetItem", {{"RequestItems", {{"Atab", {{"Keys", keys}}}}}})),
            "Too many items requested for the BatchGetItem call");
}

TEST_F(DynamoDbBatchTest, TransactWriteAllOrNothing) {
  DOk("PutItem", {{"TableName", "Atab"}, {"Item", {{"k", S("acct")}, {"v", N("10")}}}});
  Json tx = {{"TransactItems",
              {{{"Update",
                 {{"TableName", "Atab"},
                  {"Key", {{"k", S("acct")}}},
                  {"UpdateExpression", "SET v = v - :n"},
                  {"ConditionExpression", "v >= :n"},
                  {"ExpressionAttributeValues", {{":n", N("7")}}}}}},
               {{"Put", {{"TableName", "Btab"}, {"Item", {{"k", S("receipt")}, {"v", N("7")}}}}}}}}};
  DOk("TransactWriteItems", tx);
  EXPECT_EQ(Get("Atab", "acct")["Item"]["v"], N("3"));
  EXPECT_EQ(Get("Btab", "receipt")["Item"]["v"], N("7"));

  tx["TransactItems"][1]["Put"]["Item"]["k"] = S("receipt2");
  Reply cancelled = D("TransactWriteItems", tx);
  EXPECT_EQ(ErrorType(cancelled), "TransactionCanceledException");
  EXPECT_EQ(
      Message(cancelled),
      "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]");
  EXPECT_EQ(cancelled.body["CancellationReasons"][0]["Code"], "ConditionalCheckFailed");
  EXPECT_EQ(cancelled.body["CancellationReasons"][1]["Code"], "None");
  EXPECT_TRUE(Get("Btab", "receipt2").empty());
  EXPECT_EQ(Get("Atab", "acct")["Item"]["v"], N("3"));

  Json same_item = {{"TransactItems",
                     {{{"Put", {{"TableName", "Atab"}, {"Item", {{"k", S("z")}}}}}},
                      {{"Delete", {{"TableName", "Atab"}, {"Key", {{"k", S("z")}}}}}}}}};
  EXPECT_EQ(Message(D("TransactWriteItems", same_item)),
            "Transaction request cannot include multiple operations on one item");
}

TEST_F(DynamoDbBatchTest, ClientRequestTokenIsIdempotent) {
  Json tx = {{"ClientRequestToken", "tok-1"},
             {"TransactItems",
              {{{"Update",
                 {{"TableName", "Atab"},
                  {"Key", {{"k", S("n")}}},
                  {"UpdateExpression", "ADD v :one"},
                  {"ExpressionAttributeValues", {{":one", N("1")}}}}}}}}};
  DOk("TransactWriteItems", tx);
  DOk("TransactWriteItems", tx);  // the same request again: success, not written twice
  EXPECT_EQ(Get("Atab", "n")["Item"]["v"], N("1"));
  tx["TransactItems"][0]["Update"]["ExpressionAttributeValues"][":one"] = N("2");
  EXPECT_EQ(ErrorType(D("TransactWriteItems", tx)), "IdempotentParameterMismatchException");
  tx.erase("ClientRequestToken");
  DOk("TransactWriteItems", tx);
  EXPECT_EQ(Get("Atab", "n")["Item"]["v"], N("3"));
}

TEST_F(DynamoDbBatchTest, TransactGetItems) {
  DOk("PutItem", {{"TableName", "Atab"}, {"Item", {{"k", S("1")}, {"v", N("5")}}}});
  Json r = DOk("TransactGetItems", {{"TransactItems",
                                     {{{"Get", {{"TableName", "Atab"}, {"Key", {{"k", S("1")}}}}}},
                                      {{"Get", {{"TableName", "Btab"}, {"Key", {{"k", S("2")}}}}}}}}});
  EXPECT_EQ(r["Responses"][0]["Item"]["v"], N("5"));
  EXPECT_EQ(r["Responses"][1], Json::object());
}

// Transfers between two items in transactions never show a TransactGetItems a half-done state.
TEST_F(DynamoDbBatchTest, TransactGetSeesWholeTransactions) {
  DOk("BatchWriteItem", {{"RequestItems", {{"Atab", {Put("x", "100")}}, {"Btab", {Put("y", "0")}}}}});
  auto move = [&](const std::string& from_table, const std::string& from, const std::string& to_table,
                  const std::string& to) {
    return Json{{"TransactItems",
                 {{{"Update",
                    {{"TableName", from_table},
                     {"Key", {{"k", S(from)}}},
                     {"UpdateExpression", "ADD v :m"},
                     {"ExpressionAttributeValues", {{":m", N("-1")}}}}}},
                  {{"Update",
                    {{"TableName", to_table},
                     {"Key", {{"k", S(to)}}},
                     {"UpdateExpression", "ADD v :p"},
                     {"ExpressionAttributeValues", {{":p", N("1")}}}}}}}}};
  };
  std::thread writer([&] {
    for (int i = 0; i < 200; ++i)
      DOk("TransactWriteItems", i % 2 ? move("Btab", "y", "Atab", "x") : move("Atab", "x", "Btab", "y"));
  });
  int checked = 0;
  for (int i = 0; i < 300; ++i) {
    Json r = DOk("TransactGetItems", {{"TransactItems",
                                       {{{"Get", {{"TableName", "Atab"}, {"Key", {{"k", S("x")}}}}}},
                                        {{"Get", {{"TableName", "Btab"}, {"Key", {{"k", S("y")}}}}}}}}});
    const int sum = std::stoi(r["Responses"][0]["Item"]["v"]["N"].get<std::string>()) +
                    std::stoi(r["Responses"][1]["Item"]["v"]["N"].get<std::string>());
    EXPECT_EQ(sum, 100);
    ++checked;
  }
  writer.join();
  EXPECT_EQ(checked, 300);
  EXPECT_EQ(Get("Atab", "x")["Item"]["v"], N("100"));
}

}  // namespace
}  // namespace freshet::protocol::test
