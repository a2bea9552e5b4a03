// What the DynamoDB handlers share: table lookup, key and item checks against a table's key
// schema, the expression parameters of a request (expressions or their legacy forms), and the
// serialization point of writes.
//
// Concurrency (docs/dynamodb.md): every DynamoDB write, and TransactGetItems, holds the stripe
// locks of the item keys it touches from its first read to the end of its Db::Write, so a
// conditional write's read, check and write are atomic with respect to every other DynamoDB
// writer of those items in this process (the only process that can write the data directory).
// Keys map onto kStripes mutexes by hash; a request touching several keys takes their stripes
// in ascending order, so two requests cannot deadlock. Writers outside this layer (the
// consumer's table sink) do not take the locks: they write items no DynamoDB client races.
//
// Thread-safety: functions are reentrant; KeyLocks is the synchronization.
#pragma once

#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "query/expr/ast.h"
#include "query/expr/attributes.h"
#include "query/expr/legacy.h"
#include "query/table_description.h"
#include "query/table_store.h"
#include "tools/protocol/dynamodb_codec.h"
#include "tools/protocol/registry.h"

// Declares `lhs` from a Result, or returns its Status as DynamoDB's error (for functions that
// return Checked<T>; in handlers, which return Outcome, FRESHET_ASSIGN_OR_RETURN does this).
#define FRESHET_DYNAMO_ASSIGN(lhs, expr) FRESHET_DYNAMO_ASSIGN_IMPL(FRESHET_CONCAT(_dyn_, __LINE__), lhs, expr)
#define FRESHET_DYNAMO_ASSIGN_IMPL(tmp, lhs, expr)                                                                  \
  auto tmp = (expr);                                                                                                \
  if (!tmp.ok()) return ::freshet::protocol::ErrorForStatus(::freshet::protocol::Service::kDynamoDb, tmp.status()); \
  lhs = std::move(tmp.value())

namespace freshet::protocol::dynamodb {

using query::TableDescription;

AwsError Validation(std::string message);
AwsError TableNotFound(std::string_view table);
// "The conditional request failed".
AwsError ConditionFailed();

// The table named by `request`'s TableName (ResourceNotFoundException if none).
Checked<TableDescription> FindTable(const Call& call, const Json& request);

// A key given in a request (GetItem's Key, ...): exactly the table's key attributes, of the
// declared types, non-empty. Returns the encoded item key.
Checked<std::string> CheckKey(const Call& call, const TableDescription& table, const Item& key);
// An item to write: its key attributes present and well-typed, within 400 KB, every value
// storable. Returns the encoded item key.
Checked<std::string> CheckItem(const Call& call, const TableDescription& table, const Item& item);
// The key attributes of `item`.
Item KeyOf(const TableDescription& table, const Item& item);

// The expression parameters of one request (or one transaction item).
struct Expressions {
  query::expr::ExpressionAttributes attrs;
  bool names_given = false;
  bool values_given = false;
  bool used_expression = false;  // some *Expression member was parsed
};
Checked<Expressions> ReadExpressionAttributes(const Json& request);
// After every expression of the request was parsed: AWS's errors for names or values that no
// expression used, or given without any expression.
std::optional<AwsError> CheckExpressionsUsed(const Expressions& expressions);

// ConditionExpression, or the legacy Expected with ConditionalOperator; nullopt if neither.
Checked<std::optional<query::expr::Condition>> ReadCondition(const Json& request, Expressions* e);
// FilterExpression, or the legacy `legacy_member` (QueryFilter / ScanFilter) with ConditionalOperator.
Checked<std::optional<query::expr::Condition>> ReadFilter(const Json& request, const char* legacy_member,
                                                          Expressions* e);
// ProjectionExpression, or the legacy AttributesToGet; nullopt if neither.
Checked<std::optional<query::expr::Projection>> ReadProjection(const Json& request, Expressions* e);
// The legacy conditions map `member` (KeyConditions, QueryFilter, ScanFilter):
// {"attr": {"ComparisonOperator": "EQ", "AttributeValueList": [values]}}; empty when absent.
Checked<std::vector<query::expr::LegacyCondition>> ReadLegacyConditions(const Json& request, const char* member);
// ReturnValues, checked against the values `allowed` for this operation ("NONE" when absent).
Checked<std::string> ReadReturnValues(const Json& request, std::initializer_list<std::string_view> allowed);

// Evaluates an optional condition on an optional item; ValidationException on a runtime error.
Checked<bool> ConditionHolds(const std::optional<query::expr::Condition>& condition, const Item* item);

// Locks the stripes of `keys` (encoded item keys; duplicates allowed) until destroyed.
class KeyLocks {
 public:
  static constexpr size_t kStripes = 256;
  explicit KeyLocks(const std::vector<std::string>& keys);
  // Takes and releases every stripe in order: returns once every writer that held a stripe when
  // it was called has finished its write. After a description change (a new index), writers
  // that started with the older description are done, and later ones see the new one.
  static void Barrier();
  KeyLocks(const KeyLocks&) = delete;
  KeyLocks& operator=(const KeyLocks&) = delete;

 private:
  std::vector<std::unique_lock<std::mutex>> locks_;
};

// The stored item with encoded key `key`, or nullopt.
Checked<std::optional<Item>> ReadItem(const Call& call, const TableDescription& table, const Item& key);

// The TableDescription shape of DescribeTable (counts only when `stats` is given), the table's
// ARN, and its stored CreateTable document (dynamodb_tables.cc).
Json DescribeJson(const Call& call, const TableDescription& table, const query::TableStats* stats, const char* status);
std::string TableArn(const Call& call, const std::string& name);
Json Spec(const TableDescription& table);

// StreamSpecification of CreateTable or UpdateTable, checked as DynamoDB does.
std::optional<AwsError> CheckStreamSpecification(const Json& req);

// Secondary indexes (dynamodb_indexes.cc). CheckIndexes checks CreateTable's LocalSecondaryIndexes
// and GlobalSecondaryIndexes (req has a checked KeySchema) and adds their key attributes to *keys;
// DescribeIndexes adds them to a TableDescription shape; UpdateGlobalIndexes runs UpdateTable's
// GlobalSecondaryIndexUpdates (creating with a backfill, deleting), updating *table and *spec.
std::optional<AwsError> CheckIndexes(const Json& req, std::set<std::string>* keys);
Json DescribeIndexes(const Call& call, const TableDescription& table, const Json& spec, Json* out);
Outcome UpdateGlobalIndexes(const Call& call, const Json& req, TableDescription* table, Json* spec);

// Registration, one function per handler file (RegisterDynamoDbOps in registry.h calls them).
void RegisterDynamoDbTableOps(Registry* registry);
void RegisterDynamoDbItemOps(Registry* registry);
void RegisterDynamoDbReadOps(Registry* registry);
void RegisterDynamoDbBatchOps(Registry* registry);
void RegisterDynamoDbTransactOps(Registry* registry);
void RegisterDynamoDbTableSettingOps(Registry* registry);
void RegisterDynamoDbTtlOps(Registry* registry);
void RegisterDynamoDbStreamsOps(Registry* registry);  // DynamoDBStreams_20120810

// Change streams (dynamodb_streams.cc): a stream's label (its enabling time, ISO 8601 with
// milliseconds, as DynamoDB's) and ARN ("<table ARN>/stream/<label>").
std::string StreamLabel(uint64_t label_ms);
bool ParseStreamLabel(const std::string& label, uint64_t* label_ms);
std::string StreamArn(const Call& call, const TableDescription& table);

}  // namespace freshet::protocol::dynamodb
