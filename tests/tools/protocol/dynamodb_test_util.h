// A Dispatcher over a fresh Db with helpers for DynamoDB_20120810 calls.
#pragma once

#include "tests/tools/protocol/protocol_test_util.h"

namespace freshet::protocol::test {

class DynamoDbTest : public DispatcherTest {
 protected:
  Reply D(const std::string& op, const Json& request) {
    RequestContext context;
    return dispatcher_->Dispatch(Target(Service::kDynamoDb, op), request, context);
  }
  Json DOk(const std::string& op, const Json& request) {
    Reply r = D(op, request);
    EXPECT_EQ(r.http_status, 200) << op << ": " << r.body.dump();
    return r.body;
  }
  // A table keyed by station (S) and date (S) unless told otherwise.
  void CreateTable(const std::string& name, const std::string& pk = "station", const std::string& sk = "date",
                   const std::string& sk_type = "S") {
    Json req = {{"TableName", name},
                {"BillingMode", "PAY_PER_REQUEST"},
                {"KeySchema", {{{"AttributeName", pk}, {"KeyType", "HASH"}}}},
                {"AttributeDefinitions", {{{"AttributeName", pk}, {"AttributeType", "S"}}}}};
    if (!sk.empty()) {
      req["KeySchema"].push_back({{"AttributeName", sk}, {"KeyType", "RANGE"}});
      req["AttributeDefinitions"].push_back({{"AttributeName", sk}, {"AttributeType", sk_type}});
    }
    DOk("CreateTable", req);
  }
  static Json S(const std::string& s) { return {{"S", s}}; }
  static Json N(const std::string& n) { return {{"N", n}}; }
};

}  // namespace freshet::protocol::test
