// DynamoDB single-item operations: PutItem, GetItem, DeleteItem, UpdateItem, each with a
// condition (ConditionExpression or the legacy Expected), expression attribute names and values,
// and ReturnValues. A write holds its key's stripe lock (dynamodb_common.h) from reading the old
// item through its Db::Write, so the condition is checked against the item it replaces.
#include "query/expr/parser.h"
#include "query/expr/update.h"
#include "tools/protocol/dynamodb_common.h"

namespace freshet::protocol::dynamodb {
namespace {

namespace expr = query::expr;

// ConditionalCheckFailedException, with the old item when the request asked for it (or the
// validation error of a bad ReturnValuesOnConditionCheckFailure).
AwsError FailedCheck(const Json& request, const std::optional<Item>& old) {
  auto checked = OptionalString(request, "ReturnValuesOnConditionCheckFailure");
  if (!checked.ok()) return checked.error();
  const std::optional<std::string>& rv = checked.value();
  if (rv && *rv != "ALL_OLD" && *rv != "NONE") {
    return ValidationError("ReturnValuesOnConditionCheckFailure", "'" + *rv + "'",
                           "Member must satisfy enum value set: [ALL_OLD, NONE]");
  }
  AwsError e = ConditionFailed();
  if (rv == "ALL_OLD" && old) e.extra["Item"] = EncodeItem(*old);
  return e;
}

Outcome WriteBatch(const Call& call, storage::Batch* batch) {
  Status s = call.backend.db->Write(batch);
  if (!s.ok()) return s;
  return Json::object();
}

Outcome PutItem(const Call& call) {
  const Json& req = call.request;
  FRESHET_CHECKED_ASSIGN(TableDescription table, FindTable(call, req));
  auto member = req.find("Item");
  if (member == req.end() || member->is_null()) return MissingMember("Item");
  FRESHET_CHECKED_ASSIGN(Item item, DecodeItem(*member, "Item"));
  FRESHET_CHECKED_ASSIGN(std::string key, CheckItem(call, table, item));
  FRESHET_CHECKED_ASSIGN(std::string rv, ReadReturnValues(req, {"NONE", "ALL_OLD"}));
  FRESHET_CHECKED_ASSIGN(Expressions e, ReadExpressionAttributes(req));
  FRESHET_CHECKED_ASSIGN(auto condition, ReadCondition(req, &e));
  if (auto err = CheckExpressionsUsed(e)) return std::move(*err);
  storage::Batch batch;
  KeyLocks lock({key});  // before AddPut: index entries and change records depend on the old item
  std::optional<Item> old;
  const bool read_old = condition || rv == "ALL_OLD";
  if (read_old) {
    FRESHET_CHECKED_ASSIGN(old, ReadItem(call, table, item));
  }
  FRESHET_CHECKED_ASSIGN(bool holds, ConditionHolds(condition, old ? &*old : nullptr));
  if (!holds) return FailedCheck(req, old);
  if (read_old) {
    FRESHET_RETURN_IF_ERROR(call.backend.tables->AddReplace(table, old ? &*old : nullptr, item, &batch));
  } else {
    FRESHET_RETURN_IF_ERROR(call.backend.tables->AddPut(table, item, &batch));
  }
  Outcome out = WriteBatch(call, &batch);
  if (out.ok() && rv == "ALL_OLD" && old) (*out.body())["Attributes"] = EncodeItem(*old);
  return out;
}

Outcome GetItem(const Call& call) {
  const Json& req = call.request;
  FRESHET_CHECKED_ASSIGN(TableDescription table, FindTable(call, req));
  FRESHET_CHECKED_ASSIGN(std::optional<Item> key, OptionalItemMember(req, "Key"));
  if (!key) return MissingMember("Key");
  FRESHET_CHECKED_ASSIGN(std::string encoded, CheckKey(call, table, *key));
  if (auto it = req.find("ConsistentRead"); it != req.end() && !it->is_null() && !it->is_boolean()) {
    return WrongType("ConsistentRead", "a boolean");
  }
  FRESHET_CHECKED_ASSIGN(Expressions e, ReadExpressionAttributes(req));
  FRESHET_CHECKED_ASSIGN(auto projection, ReadProjection(req, &e));
  if (auto err = CheckExpressionsUsed(e)) return std::move(*err);
  FRESHET_CHECKED_ASSIGN(std::optional<Item> item, ReadItem(call, table, *key));
  if (!item) return Json::object();
  return Json{{"Item", EncodeItem(projection ? expr::Project(*projection, *item) : *item)}};
}

Outcome DeleteItem(const Call& call) {
  const Json& req = call.request;
  FRESHET_CHECKED_ASSIGN(TableDescription table, FindTable(call, req));
  FRESHET_CHECKED_ASSIGN(std::optional<Item> key, OptionalItemMember(req, "Key"));
  if (!key) return MissingMember("Key");
  FRESHET_CHECKED_ASSIGN(std::string encoded, CheckKey(call, table, *key));
  FRESHET_CHECKED_ASSIGN(std::string rv, ReadReturnValues(req, {"NONE", "ALL_OLD"}));
  FRESHET_CHECKED_ASSIGN(Expressions e, ReadExpressionAttributes(req));
  FRESHET_CHECKED_ASSIGN(auto condition, ReadCondition(req, &e));
  if (auto err = CheckExpressionsUsed(e)) return std::move(*err);
  KeyLocks lock({encoded});
  FRESHET_CHECKED_ASSIGN(std::optional<Item> old, ReadItem(call, table, *key));
  FRESHET_CHECKED_ASSIGN(bool holds, ConditionHolds(condition, old ? &*old : nullptr));
  if (!holds) return FailedCheck(req, old);
  if (!old) return Json::object();  // nothing to delete: no write
  storage::Batch batch;
  FRESHET_RETURN_IF_ERROR(call.backend.tables->AddRemove(table, *old, &batch));
  Outcome out = WriteBatch(call, &batch);
  if (out.ok() && rv == "ALL_OLD") (*out.body())["Attributes"] = EncodeItem(*old);
  return out;
}

// UpdateExpression, or the legacy AttributeUpdates; an empty update when neither is given
// (UpdateItem then creates the item with only its key, as AWS does).
Checked<expr::Update> ReadUpdate(const Json& req, Expressions* e) {
  auto legacy = req.find("AttributeUpdates");
  const bool has_legacy = legacy != req.end() && !legacy->is_null();
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> text, OptionalString(req, "UpdateExpression"));
  if (text && has_legacy) {
    return Validation(
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: "
        "{AttributeUpdates} Expression parameters: {UpdateExpression}");
  }
  if (text) {
    e->used_expression = true;
    FRESHET_DYNAMO_ASSIGN(expr::Update u, expr::ParseUpdate(*text, &e->attrs));
    return u;
  }
  if (!has_legacy) return expr::Update{};
  if (!legacy->is_object()) return WrongType("AttributeUpdates", "a map of AttributeValueUpdates");
  std::vector<expr::LegacyAttributeUpdate> updates;
  for (const auto& [name, entry] : legacy->items()) {
    if (!entry.is_object()) return WrongType("AttributeUpdates", "a map of AttributeValueUpdates");
    expr::LegacyAttributeUpdate u;
    u.attribute = name;
    FRESHET_CHECKED_ASSIGN(std::optional<std::string> action, OptionalString(entry, "Action"));
    u.action = action.value_or("");
    if (auto v = entry.find("Value"); v != entry.end() && !v->is_null()) {
      FRESHET_CHECKED_ASSIGN(u.value, DecodeValue(*v));
    }
    updates.push_back(std::move(u));
  }
  FRESHET_DYNAMO_ASSIGN(expr::Update u, expr::UpdateFromAttributeUpdates(updates));
  return u;
}

Outcome UpdateItem(const Call& call) {
  const Json& req = call.request;
  FRESHET_CHECKED_ASSIGN(TableDescription table, FindTable(call, req));
  FRESHET_CHECKED_ASSIGN(std::optional<Item> key, OptionalItemMember(req, "Key"));
  if (!key) return MissingMember("Key");
  FRESHET_CHECKED_ASSIGN(std::string encoded, CheckKey(call, table, *key));
  FRESHET_CHECKED_ASSIGN(std::string rv,
                         ReadReturnValues(req, {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"}));
  FRESHET_CHECKED_ASSIGN(Expressions e, ReadExpressionAttributes(req));
  FRESHET_CHECKED_ASSIGN(expr::Update update, ReadUpdate(req, &e));
  FRESHET_CHECKED_ASSIGN(auto condition, ReadCondition(req, &e));
  if (auto err = CheckExpressionsUsed(e)) return std::move(*err);
  FRESHET_RETURN_IF_ERROR(
      expr::CheckKeyNotUpdated(update, table.partition_key.name, table.sort_key ? table.sort_key->name : ""));
  KeyLocks lock({encoded});
  FRESHET_CHECKED_ASSIGN(std::optional<Item> old, ReadItem(call, table, *key));
  FRESHET_CHECKED_ASSIGN(bool holds, ConditionHolds(condition, old ? &*old : nullptr));
  if (!holds) return FailedCheck(req, old);
  Item updated = old ? *old : *key;
  FRESHET_RETURN_IF_ERROR(expr::ApplyUpdate(update, &updated));
  FRESHET_CHECKED_ASSIGN(std::string ignored, CheckItem(call, table, updated));
  storage::Batch batch;
  FRESHET_RETURN_IF_ERROR(call.backend.tables->AddReplace(table, old ? &*old : nullptr, updated, &batch));
  Outcome out = WriteBatch(call, &batch);
  if (!out.ok()) return out;
  if (rv == "ALL_OLD" && old) (*out.body())["Attributes"] = EncodeItem(*old);
  if (rv == "ALL_NEW") (*out.body())["Attributes"] = EncodeItem(updated);
  if (rv == "UPDATED_OLD" && old) {
    Item part = expr::ProjectUpdated(update, *old);
    if (!part.empty()) (*out.body())["Attributes"] = EncodeItem(part);
  }
  if (rv == "UPDATED_NEW") {
    Item part = expr::ProjectUpdated(update, updated);
    if (!part.empty()) (*out.body())["Attributes"] = EncodeItem(part);
  }
  return out;
}

}  // namespace

void RegisterDynamoDbItemOps(Registry* r) {
  r->Add({"PutItem", Service::kDynamoDb, true, &PutItem});
  r->Add({"GetItem", Service::kDynamoDb, false, &GetItem});
  r->Add({"DeleteItem", Service::kDynamoDb, true, &DeleteItem});
  r->Add({"UpdateItem", Service::kDynamoDb, true, &UpdateItem});
}

}  // namespace freshet::protocol::dynamodb
