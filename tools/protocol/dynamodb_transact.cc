// DynamoDB TransactWriteItems and TransactGetItems.
//
// TransactWriteItems: every item's condition is checked and every write made while holding the
// stripe locks of all its keys (dynamodb_common.h), in ONE Db::Write: all of it or nothing. A
// failed condition cancels the whole transaction with TransactionCanceledException and one
// CancellationReason per item, in request order. ClientRequestToken makes it idempotent for 10
// minutes: the same token with the same request answers success without writing again; with a
// different request, IdempotentParameterMismatchException. Tokens are remembered in memory by
// this process (a restarted server has forgotten them).
//
// TransactGetItems reads every item while holding the stripe locks of all its keys, so it sees
// each concurrent transaction (which holds its keys' stripes until its write is done) either
// wholly or not at all.
#include <map>
#include <set>

#include "query/expr/parser.h"
#include "query/expr/update.h"
#include "tools/protocol/dynamodb_common.h"

namespace freshet::protocol::dynamodb {
namespace {

namespace expr = query::expr;

constexpr size_t kMaxTransactItems = 100;
constexpr uint64_t kTokenLifetimeMs = 10 * 60 * 1000;

enum class Kind { kConditionCheck, kPut, kDelete, kUpdate };

struct Op {
  Kind kind;
  TableDescription table;
  Item key;             // the key (Put: the item)
  std::string encoded;  // the encoded item key
  std::optional<expr::Condition> condition;
  expr::Update update;
  bool return_old = false;  // ReturnValuesOnConditionCheckFailure ALL_OLD
};

Checked<const Json*> TransactItems(const Json& req) {
  auto it = req.find("TransactItems");
  if (it == req.end() || it->is_null()) return MissingMember("TransactItems");
  if (!it->is_array()) return WrongType("TransactItems", "a list");
  if (it->empty() || it->size() > kMaxTransactItems) {
    return ValidationError("TransactItems", "'[" + std::to_string(it->size()) + " items]'",
                           it->empty() ? "Member must have length greater than or equal to 1"
                                       : "Member must have length less than or equal to 100");
  }
  return &*it;
}

Checked<Op> ParseOp(const Call& call, const Json& entry) {
  static const std::pair<const char*, Kind> kKinds[] = {{"ConditionCheck", Kind::kConditionCheck},
                                                        {"Put", Kind::kPut},
                                                        {"Delete", Kind::kDelete},
                                                        {"Update", Kind::kUpdate}};
  const Json* body = nullptr;
  Op op{};
  for (const auto& [name, kind] : kKinds) {
    if (auto it = entry.find(name); it != entry.end() && !it->is_null()) {
      if (body) return Validation("TransactItems can only contain one of Check, Put, Update or Delete");
      body = &*it;
      op.kind = kind;
    }
  }
  if (!body) return Validation("TransactItems can only contain one of Check, Put, Update or Delete");
  if (!body->is_object()) return WrongType("TransactItems", "a list of TransactWriteItems");
  FRESHET_CHECKED_ASSIGN(op.table, FindTable(call, *body));
  if (op.kind == Kind::kPut) {
    FRESHET_CHECKED_ASSIGN(std::optional<Item> item, OptionalItemMember(*body, "Item"));
    if (!item) return MissingMember("Item");
    FRESHET_CHECKED_ASSIGN(op.encoded, CheckItem(call, op.table, *item));
    op.key = std::move(*item);
  } else {
    FRESHET_CHECKED_ASSIGN(std::optional<Item> key, OptionalItemMember(*body, "Key"));
    if (!key) return MissingMember("Key");
    FRESHET_CHECKED_ASSIGN(op.encoded, CheckKey(call, op.table, *key));
    op.key = std::move(*key);
  }
  FRESHET_CHECKED_ASSIGN(Expressions e, ReadExpressionAttributes(*body));
  if (op.kind == Kind::kUpdate) {
    FRESHET_CHECKED_ASSIGN(std::string text, RequiredString(*body, "UpdateExpression"));
    e.used_expression = true;
    FRESHET_DYNAMO_ASSIGN(op.update, expr::ParseUpdate(text, &e.attrs));
    Status key_kept = expr::CheckKeyNotUpdated(op.update, op.table.partition_key.name,
                                               op.table.sort_key ? op.table.sort_key->name : "");
    if (!key_kept.ok()) return Validation(key_kept.message());
  }
  if (op.kind == Kind::kConditionCheck && !body->contains("ConditionExpression")) {
    return MissingMember("ConditionExpression");
  }
  FRESHET_CHECKED_ASSIGN(op.condition, ReadCondition(*body, &e));
  if (auto err = CheckExpressionsUsed(e)) return std::move(*err);
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> rv, OptionalString(*body, "ReturnValuesOnConditionCheckFailure"));
  if (rv && *rv != "ALL_OLD" && *rv != "NONE") {
    return ValidationError("ReturnValuesOnConditionCheckFailure", "'" + *rv + "'",
                           "Member must satisfy enum value set: [ALL_OLD, NONE]");
  }
  op.return_old = rv == "ALL_OLD";
  return op;
}

// Remembered ClientRequestTokens: (db, token) -> the request without its token, and when.
struct TokenRecord {
  std::string request;
  uint64_t expires_ms = 0;
};
std::mutex token_mu;
std::map<std::pair<const void*, std::string>, TokenRecord> tokens;

// Runs the transaction; the ops are parsed and their keys distinct.
Outcome Execute(const Call& call, std::vector<Op>& ops) {
  std::vector<std::string> keys;
  for (const Op& op : ops) keys.push_back(op.encoded);
  KeyLocks lock(keys);
  storage::Batch batch;
  Json reasons = Json::array();
  std::string codes;
  bool cancelled = false;
  for (Op& op : ops) {
    FRESHET_CHECKED_ASSIGN(std::optional<Item> old, ReadItem(call, op.table, op.key));
    Json reason = {{"Code", "None"}};
    auto holds = ConditionHolds(op.condition, old ? &*old : nullptr);
    Status applied;
    if (holds.ok() && holds.value()) {
      const Item* prior = old ? &*old : nullptr;
      if (op.kind == Kind::kPut) applied = call.backend.tables->AddReplace(op.table, prior, op.key, &batch);
      if (op.kind == Kind::kDelete && old) applied = call.backend.tables->AddRemove(op.table, *old, &batch);
      if (op.kind == Kind::kUpdate) {
        Item updated = old ? *old : op.key;
        applied = expr::ApplyUpdate(op.update, &updated);
        if (applied.ok()) {
          auto checked = CheckItem(call, op.table, updated);
          if (!checked.ok()) applied = Status::InvalidArgument(checked.error().message);
        }
        if (applied.ok()) applied = call.backend.tables->AddReplace(op.table, prior, updated, &batch);
      }
    }
    if (!holds.ok() || !applied.ok()) {
      reason = {{"Code", "ValidationError"}, {"Message", holds.ok() ? applied.message() : holds.error().message}};
      cancelled = true;
    } else if (!holds.value()) {
      reason = {{"Code", "ConditionalCheckFailed"}, {"Message", "The conditional request failed"}};
      if (op.return_old && old) reason["Item"] = EncodeItem(*old);
      cancelled = true;
    }
    codes += (codes.empty() ? "" : ", ") + reason["Code"].get<std::string>();
    reasons.push_back(std::move(reason));
  }
  if (cancelled) {
    AwsError e = AwsError::Client(
        "TransactionCanceledException",
        "Transaction cancelled, please refer cancellation reasons for specific reasons [" + codes + "]");
    e.extra["CancellationReasons"] = std::move(reasons);
    return e;
  }
  FRESHET_RETURN_IF_ERROR(call.backend.db->Write(&batch));
  return Json::object();
}

Outcome TransactWriteItems(const Call& call) {
  FRESHET_CHECKED_ASSIGN(const Json* items, TransactItems(call.request));
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> token, OptionalString(call.request, "ClientRequestToken"));
  if (token) {
    if (auto e = CheckLength(*token, "ClientRequestToken", 1, 36)) return std::move(*e);
  }
  std::vector<Op> ops;
  std::set<std::string> seen;
  for (const Json& entry : *items) {
    FRESHET_CHECKED_ASSIGN(Op op, ParseOp(call, entry));
    if (!seen.insert(op.encoded).second) {
      return Validation("Transaction request cannot include multiple operations on one item");
    }
    ops.push_back(std::move(op));
  }
  if (!token) return Execute(call, ops);
  Json fingerprint = call.request;
  fingerprint.erase("ClientRequestToken");
  const std::string request_text = fingerprint.dump();
  // One idempotent transaction at a time: the token's check, the write and its record are one step.
  std::lock_guard<std::mutex> guard(token_mu);
  const uint64_t now = call.context.now_ms;
  for (auto it = tokens.begin(); it != tokens.end();) {
    it = it->second.expires_ms <= now ? tokens.erase(it) : std::next(it);
  }
  const auto id = std::make_pair(static_cast<const void*>(call.backend.db), *token);
  if (auto it = tokens.find(id); it != tokens.end()) {
    if (it->second.request == request_text) return Json::object();
    return AwsError::Client("IdempotentParameterMismatchException",
                            "The request uses the same client token as a previous, but non-identical request.");
  }
  Outcome out = Execute(call, ops);
  if (out.ok()) tokens[id] = {request_text, now + kTokenLifetimeMs};
  return out;
}

Outcome TransactGetItems(const Call& call) {
  FRESHET_CHECKED_ASSIGN(const Json* items, TransactItems(call.request));
  struct Get {
    TableDescription table;
    Item key;
    std::optional<expr::Projection> projection;
  };
  std::vector<Get> gets;
  std::vector<std::string> keys;
  for (const Json& entry : *items) {
    auto body = entry.find("Get");
    if (body == entry.end() || !body->is_object()) return MissingMember("TransactItems.member.get");
    Get g;
    FRESHET_CHECKED_ASSIGN(g.table, FindTable(call, *body));
    FRESHET_CHECKED_ASSIGN(std::optional<Item> key, OptionalItemMember(*body, "Key"));
    if (!key) return MissingMember("Key");
    FRESHET_CHECKED_ASSIGN(std::string encoded, CheckKey(call, g.table, *key));
    g.key = std::move(*key);
    FRESHET_CHECKED_ASSIGN(Expressions e, ReadExpressionAttributes(*body));
    FRESHET_CHECKED_ASSIGN(g.projection, ReadProjection(*body, &e));
    if (auto err = CheckExpressionsUsed(e)) return std::move(*err);
    keys.push_back(std::move(encoded));
    gets.push_back(std::move(g));
  }
  KeyLocks lock(keys);
  Json responses = Json::array();
  for (const Get& g : gets) {
    FRESHET_CHECKED_ASSIGN(std::optional<Item> item, ReadItem(call, g.table, g.key));
    if (!item) {
      responses.push_back(Json::object());
    } else {
      responses.push_back({{"Item", EncodeItem(g.projection ? expr::Project(*g.projection, *item) : *item)}});
    }
  }
  return Json{{"Responses", std::move(responses)}};
}

}  // namespace

void RegisterDynamoDbTransactOps(Registry* r) {
  r->Add({"TransactWriteItems", Service::kDynamoDb, true, &TransactWriteItems});
  r->Add({"TransactGetItems", Service::kDynamoDb, false, &TransactGetItems});
}

}  // namespace freshet::protocol::dynamodb
