// DynamoDB BatchGetItem and BatchWriteItem.
//
// BatchWriteItem writes every request (up to 25 puts and deletes, across tables) in ONE
// Db::Write, holding the stripe locks of all its keys: all of it is written or none, and
// UnprocessedItems is always empty (freshet has no throughput limit to throttle against).
// BatchGetItem reads up to 100 keys across tables; UnprocessedKeys is always empty.
#include <set>

#include "query/expr/update.h"
#include "tools/protocol/dynamodb_common.h"

namespace freshet::protocol::dynamodb {
namespace {

namespace expr = query::expr;

constexpr size_t kMaxBatchGetKeys = 100;
constexpr size_t kMaxBatchWriteRequests = 25;

Checked<const Json*> RequestItems(const Json& req) {
  auto it = req.find("RequestItems");
  if (it == req.end() || it->is_null()) return MissingMember("RequestItems");
  if (!it->is_object()) return WrongType("RequestItems", "a map of table names to requests");
  if (it->empty()) {
    return ValidationError("RequestItems", "'{}'", "Member must have length greater than or equal to 1");
  }
  return &*it;
}

AwsError Duplicates() { return Validation("Provided list of item keys contains duplicates"); }

Outcome BatchGetItem(const Call& call) {
  FRESHET_CHECKED_ASSIGN(const Json* request_items, RequestItems(call.request));
  size_t total = 0;
  for (const auto& [table_name, entry] : request_items->items()) {
    if (!entry.is_object()) return WrongType("RequestItems", "a map of KeysAndAttributes");
    auto keys = entry.find("Keys");
    if (keys != entry.end() && keys->is_array()) total += keys->size();
  }
  if (total > kMaxBatchGetKeys) return Validation("Too many items requested for the BatchGetItem call");
  Json responses = Json::object();
  for (const auto& [table_name, entry] : request_items->items()) {
    FRESHET_CHECKED_ASSIGN(TableDescription table, FindTable(call, Json{{"TableName", table_name}}));
    auto keys = entry.find("Keys");
    if (keys == entry.end() || !keys->is_array() || keys->empty()) {
      return ValidationError("RequestItems." + table_name + ".member.keys", "null",
                             "Member must have length greater than or equal to 1");
    }
    FRESHET_CHECKED_ASSIGN(Expressions e, ReadExpressionAttributes(entry));
    FRESHET_CHECKED_ASSIGN(auto projection, ReadProjection(entry, &e));
    if (auto err = CheckExpressionsUsed(e)) return std::move(*err);
    std::set<std::string> seen;
    Json found = Json::array();
    for (const Json& k : *keys) {
      FRESHET_CHECKED_ASSIGN(Item key, DecodeItem(k, "Keys"));
      FRESHET_CHECKED_ASSIGN(std::string encoded, CheckKey(call, table, key));
      if (!seen.insert(encoded).second) return Duplicates();
      FRESHET_CHECKED_ASSIGN(std::optional<Item> item, ReadItem(call, table, key));
      if (item) found.push_back(EncodeItem(projection ? expr::Project(*projection, *item) : *item));
    }
    responses[table_name] = std::move(found);
  }
  return Json{{"Responses", std::move(responses)}, {"UnprocessedKeys", Json::object()}};
}

Outcome BatchWriteItem(const Call& call) {
  FRESHET_CHECKED_ASSIGN(const Json* request_items, RequestItems(call.request));
  size_t total = 0;
  for (const auto& [table_name, requests] : request_items->items()) {
    if (!requests.is_array()) return WrongType("RequestItems", "a map of lists of WriteRequests");
    if (requests.empty()) {
      return ValidationError("RequestItems." + table_name + ".member", "'[]'",
                             "Member must have length greater than or equal to 1");
    }
    total += requests.size();
  }
  if (total > kMaxBatchWriteRequests) {
    return ValidationError("RequestItems", "'" + std::to_string(total) + " write requests'",
                           "Map value must satisfy constraint: [Member must have length less than or equal to 25, "
                           "Member must have length greater than or equal to 1]");
  }
  // Parsed and checked first; appended under the keys' locks (index entries and change records
  // depend on the items replaced).
  struct Write {
    TableDescription table;
    bool put = false;
    Item item;  // the item, or the key to delete
  };
  std::vector<Write> writes;
  std::vector<std::string> keys;
  std::set<std::string> seen;
  for (const auto& [table_name, requests] : request_items->items()) {
    FRESHET_CHECKED_ASSIGN(TableDescription table, FindTable(call, Json{{"TableName", table_name}}));
    for (const Json& r : requests) {
      if (!r.is_object()) return WrongType("WriteRequest", "a structure");
      const bool put = r.contains("PutRequest") && !r["PutRequest"].is_null();
      const bool del = r.contains("DeleteRequest") && !r["DeleteRequest"].is_null();
      if (put == del) {
        return Validation(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
            "supported datatypes");
      }
      std::string encoded;
      if (put) {
        auto member = r["PutRequest"].find("Item");
        if (member == r["PutRequest"].end()) return MissingMember("PutRequest.Item");
        FRESHET_CHECKED_ASSIGN(Item item, DecodeItem(*member, "Item"));
        FRESHET_CHECKED_ASSIGN(encoded, CheckItem(call, table, item));
        writes.push_back({table, true, std::move(item)});
      } else {
        auto member = r["DeleteRequest"].find("Key");
        if (member == r["DeleteRequest"].end()) return MissingMember("DeleteRequest.Key");
        FRESHET_CHECKED_ASSIGN(Item key, DecodeItem(*member, "Key"));
        FRESHET_CHECKED_ASSIGN(encoded, CheckKey(call, table, key));
        writes.push_back({table, false, std::move(key)});
      }
      if (!seen.insert(encoded).second) return Duplicates();
      keys.push_back(std::move(encoded));
    }
  }
  KeyLocks lock(keys);
  storage::Batch batch;
  for (const Write& w : writes) {
    if (w.put) {
      FRESHET_RETURN_IF_ERROR(call.backend.tables->AddPut(w.table, w.item, &batch));
    } else {
      FRESHET_RETURN_IF_ERROR(call.backend.tables->AddDelete(w.table, w.item, &batch));
    }
  }
  FRESHET_RETURN_IF_ERROR(call.backend.db->Write(&batch));
  return Json{{"UnprocessedItems", Json::object()}};
}

}  // namespace

void RegisterDynamoDbBatchOps(Registry* r) {
  r->Add({"BatchGetItem", Service::kDynamoDb, false, &BatchGetItem});
  r->Add({"BatchWriteItem", Service::kDynamoDb, true, &BatchWriteItem});
}

}  // namespace freshet::protocol::dynamodb
