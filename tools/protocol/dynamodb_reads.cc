// DynamoDB Query and Scan.
//
// Both read pages of the table's key range through TableStore (Query: one partition, in sort-key
// order or reversed; Scan: the whole table in key order) and then, per item, as AWS does: Limit
// counts the items evaluated (read) before FilterExpression, a page stops after 1 MB of evaluated
// items, Count is the items that passed the filter and ScannedCount the items evaluated. A page
// that stops early answers LastEvaluatedKey, the typed key of the last item evaluated, which the
// next request passes back as ExclusiveStartKey.
//
// A read that filters nothing, projects only top-level attributes (if anything), is not Select
// COUNT, reads no index and is not one segment of a parallel Scan (most reads) writes its response as JSON text
// straight from the stored items (RunStored, StoredItemJsonWriter); the item sizes the 1 MB limit counts are read from
// the stored bytes too. Its response is the one Run would build (tests compare them).
//
// Parallel Scan (Segment / TotalSegments): an item belongs to segment
// FNV-1a-64(partition key type and bytes) % TotalSegments, so every item of a partition is in
// one segment and the segments are disjoint and cover the table. Each segment's scan reads the
// whole key range and skips other segments' items (skipped items are not counted as evaluated):
// segments split the work of the client, not the reading of the disk.
#include <functional>

#include "query/expr/evaluate.h"
#include "query/expr/key_condition_expression.h"
#include "query/expr/legacy.h"
#include "query/expr/update.h"
#include "query/item_key.h"
#include "query/key_condition.h"
#include "query/secondary_index.h"
#include "query/stored_json.h"
#include "query/table_store.h"
#include "tools/protocol/dynamodb_common.h"

namespace freshet::protocol::dynamodb {
namespace {

namespace expr = query::expr;

struct ReadPlan {
  TableDescription table;
  std::optional<query::IndexDescription> index;  // IndexName
  bool fetch_table_items = false;                // Select ALL_ATTRIBUTES on a partial LSI
  Expressions e;
  std::optional<expr::Condition> filter;
  std::optional<expr::Projection> projection;
  bool count_only = false;
  size_t limit = 0;         // 0: none
  std::string start_token;  // from ExclusiveStartKey
};

// Members common to Query and Scan.
Checked<ReadPlan> ReadCommon(const Call& call, const char* legacy_filter) {
  const Json& req = call.request;
  ReadPlan plan;
  FRESHET_CHECKED_ASSIGN(plan.table, FindTable(call, req));
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> index, OptionalString(req, "IndexName"));
  if (index) {
    if (auto e = CheckLength(*index, "IndexName", 3, 255)) return std::move(*e);
    const query::IndexDescription* found = plan.table.FindIndex(*index);
    if (!found) {
      return Validation("The table does not have the specified index: " + *index);
    }
    if (found->backfilling) return Validation("Cannot read from backfilling global secondary index: " + *index);
    plan.index = *found;
  }
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> limit, OptionalInteger(req, "Limit", 1, INT32_MAX));
  plan.limit = static_cast<size_t>(limit.value_or(0));
  if (auto it = req.find("ConsistentRead"); it != req.end() && !it->is_null() && !it->is_boolean()) {
    return WrongType("ConsistentRead", "a boolean");
  }
  FRESHET_CHECKED_ASSIGN(plan.e, ReadExpressionAttributes(req));
  FRESHET_CHECKED_ASSIGN(plan.filter, ReadFilter(req, legacy_filter, &plan.e));
  FRESHET_CHECKED_ASSIGN(plan.projection, ReadProjection(req, &plan.e));
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> select, OptionalString(req, "Select"));
  const bool legacy_projection = req.contains("AttributesToGet") && !req["AttributesToGet"].is_null();
  const std::string what = legacy_projection ? "AttributesToGet" : "ProjectionExpression";
  if (select) {
    if (*select == "ALL_PROJECTED_ATTRIBUTES" && !plan.index) {
      return Validation(
          "One or more parameter values were invalid: Select type ALL_PROJECTED_ATTRIBUTES is "
          "supported only for index queries");
    }
    if (*select != "ALL_ATTRIBUTES" && *select != "SPECIFIC_ATTRIBUTES" && *select != "COUNT") {
      return ValidationError("Select", "'" + *select + "'",
                             "Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, "
                             "ALL_PROJECTED_ATTRIBUTES]");
    }
    if (*select == "ALL_ATTRIBUTES" && plan.projection) {
      return Validation("One or more parameter values were invalid: Cannot specify the " + what +
                        " when choosing to get ALL_ATTRIBUTES");
    }
    if (*select == "COUNT" && plan.projection) {
      return Validation("One or more parameter values were invalid: Cannot specify the " + what +
                        " when choosing to get only the COUNT");
    }
    if (*select == "SPECIFIC_ATTRIBUTES" && !plan.projection) {
      return Validation(
          "One or more parameter values were invalid: Select type SPECIFIC_ATTRIBUTES requires "
          "AttributesToGet or ProjectionExpression");
    }
    plan.count_only = *select == "COUNT";
    if (*select == "ALL_ATTRIBUTES" && plan.index &&
        plan.index->projection != query::IndexDescription::Projection::kAll) {
      if (plan.index->global) {
        return Validation(
            "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for "
            "global secondary index " +
            plan.index->name + " because its projection type is not ALL");
      }
      plan.fetch_table_items = true;  // an LSI fetches the rest from the table, as DynamoDB does
    }
  }
  FRESHET_CHECKED_ASSIGN(std::optional<Item> start, OptionalItemMember(req, "ExclusiveStartKey"));
  if (start && plan.index) {
    std::string entry;
    auto present = query::AppendIndexKey(plan.table, *plan.index, *start, &entry);
    if (!present.ok() || !*present) {
      return Validation(
          "The provided starting key is invalid: " +
          (present.ok() ? std::string("it lacks the index's key attributes") : present.status().message()));
    }
    plan.start_token = query::EncodePageToken(entry);
  } else if (start) {
    auto encoded = CheckKey(call, plan.table, *start);
    if (!encoded.ok()) return Validation("The provided starting key is invalid: " + encoded.error().message);
    plan.start_token = query::EncodePageToken(encoded.value());
  }
  return plan;
}

// The key schema a Query reads by: the index's, or the table's.
TableDescription QueriedKeys(const ReadPlan& plan) {
  TableDescription keys = plan.table;
  if (plan.index) {
    keys.partition_key = plan.index->partition_key;
    keys.sort_key = plan.index->sort_key;
  }
  return keys;
}

uint64_t PartitionHash(const TableDescription& table, const Item& item) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](unsigned char c) { h = (h ^ c) * 1099511628211ull; };
  mix(static_cast<unsigned char>(table.partition_key.type));
  if (const AttributeValue* v = item.Find(table.partition_key.name)) {
    for (char c : v->scalar()) mix(static_cast<unsigned char>(c));
  }
  return h;
}

using FetchPage = std::function<Result<query::Page>(const std::string& token, size_t limit)>;
using InSegment = std::function<bool(const Item&)>;

// Whether Run's response can be written straight from the stored items (RunStored): nothing is
// filtered, counted only, fetched again, read through an index or split by segment, and the
// projection, if any, names only top-level attributes. Sets *attributes to those names (empty:
// every attribute).
bool StoredPathFits(const ReadPlan& plan, const InSegment& in_segment, std::vector<std::string>* attributes) {
  if (plan.index || plan.filter || plan.count_only || plan.fetch_table_items || in_segment) return false;
  attributes->clear();
  if (!plan.projection) return true;
  for (const expr::Path& path : plan.projection->paths) {
    if (path.size() != 1 || path[0].is_index) return false;
    attributes->push_back(path[0].name);
  }
  return true;
}

using FetchStored =
    std::function<Result<query::StoredPage>(const std::string& token, size_t limit, const query::StoredItemFn& fn)>;

// Run for a plan StoredPathFits: the same pages, Limit, 1 MB and LastEvaluatedKey, but each item
// is written as typed JSON from its stored key and value (StoredItemJsonWriter) instead of being
// decoded into an Item and built again as a DOM.
Outcome RunStored(const ReadPlan& plan, std::vector<std::string> attributes, const FetchStored& fetch) {
  query::StoredItemJsonWriter writer(plan.table, std::move(attributes));
  std::string text = "{\"Items\":[";
  size_t evaluated = 0, bytes = 0;
  std::string last_evaluated;  // the stored key of the item a page stopped at
  bool stopped = false;
  std::string token = plan.start_token;
  auto visit = [&](std::string_view key, std::string_view value) -> Status {
    if (stopped) return Status::OK();  // read past the stop by the store's page: not evaluated
    if (evaluated != 0) text.push_back(',');
    size_t size = 0;
    FRESHET_RETURN_IF_ERROR(writer.Append(key, value, &text, &size));
    ++evaluated;
    bytes += size;
    if ((plan.limit != 0 && evaluated == plan.limit) || bytes >= query::kMaxPageBytes) {
      last_evaluated.assign(key);
      stopped = true;
    }
    return Status::OK();
  };
  while (!stopped) {
    auto page = fetch(token, plan.limit == 0 ? 0 : plan.limit - evaluated, visit);
    if (!page.ok()) {
      if (page.status().message().find("page token") != std::string::npos) {
        return Validation("The provided starting key is outside query boundaries based on provided conditions");
      }
      return page.status();
    }
    if (stopped || !page->next_token) break;
    token = *page->next_token;
  }
  const std::string count = std::to_string(evaluated);
  text += "],\"Count\":" + count + ",\"ScannedCount\":" + count;
  if (stopped) {
    Item key;
    if (!query::DecodeItemKey(plan.table, last_evaluated, &key)) {
      return Status::Corruption("item of table '" + plan.table.name + "' is malformed");
    }
    text += ",\"LastEvaluatedKey\":" + EncodeItem(key).dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  text.push_back('}');
  return RawJson{std::move(text)};
}

// Runs the pages of a Query or Scan and builds the response.
Outcome Run(const Call& call, const ReadPlan& plan, const FetchPage& fetch, const InSegment& in_segment) {
  Json items = Json::array();
  size_t evaluated = 0, count = 0, bytes = 0;
  std::optional<Item> last_evaluated;
  bool stopped = false;
  std::string token = plan.start_token;
  while (!stopped) {
    const size_t want = plan.limit == 0 || in_segment ? 0 : plan.limit - evaluated;
    auto page = fetch(token, want);
    if (!page.ok()) {
      if (page.status().message().find("page token") != std::string::npos) {
        return Validation("The provided starting key is outside query boundaries based on provided conditions");
      }
      return page.status();
    }
    for (Item& item : page->items) {
      if (in_segment && !in_segment(item)) continue;
      if (plan.fetch_table_items) {
        FRESHET_CHECKED_ASSIGN(std::optional<Item> whole, ReadItem(call, plan.table, item));
        if (whole) item = std::move(*whole);
      }
      ++evaluated;
      bytes += ItemSize(item);
      FRESHET_CHECKED_ASSIGN(bool keep, ConditionHolds(plan.filter, &item));
      if (keep) {
        ++count;
        if (!plan.count_only)
          items.push_back(EncodeItem(plan.projection ? expr::Project(*plan.projection, item) : item));
      }
      if ((plan.limit != 0 && evaluated == plan.limit) || bytes >= query::kMaxPageBytes) {
        last_evaluated = plan.index ? query::IndexKeyOf(plan.table, *plan.index, item) : KeyOf(plan.table, item);
        stopped = true;
        break;
      }
    }
    if (stopped || !page->next_token) break;
    token = *page->next_token;
  }
  Json out = {{"Count", count}, {"ScannedCount", evaluated}};
  if (!plan.count_only) out["Items"] = std::move(items);
  if (last_evaluated) out["LastEvaluatedKey"] = EncodeItem(*last_evaluated);
  return out;
}

Outcome Query(const Call& call) {
  const Json& req = call.request;
  FRESHET_CHECKED_ASSIGN(ReadPlan plan, ReadCommon(call, "QueryFilter"));
  FRESHET_CHECKED_ASSIGN(std::optional<std::string> kce, OptionalString(req, "KeyConditionExpression"));
  const bool legacy = req.contains("KeyConditions") && !req["KeyConditions"].is_null();
  if (kce && legacy) {
    return Validation(
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}");
  }
  expr::KeyConditionParts key;
  const TableDescription keys = QueriedKeys(plan);
  if (kce) {
    plan.e.used_expression = true;
    FRESHET_ASSIGN_OR_RETURN(key, expr::ParseKeyCondition(*kce, &plan.e.attrs, keys.partition_key, keys.sort_key));
  } else if (legacy) {
    FRESHET_CHECKED_ASSIGN(auto conditions, ReadLegacyConditions(req, "KeyConditions"));
    FRESHET_ASSIGN_OR_RETURN(key, expr::KeyConditionFromLegacy(conditions, keys.partition_key, keys.sort_key));
  } else {
    return Validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
  }
  if (auto err = CheckExpressionsUsed(plan.e)) return std::move(*err);
  if (plan.filter) {
    FRESHET_RETURN_IF_ERROR(expr::CheckFilterOmitsKeys(*plan.filter, keys.partition_key, keys.sort_key));
  }
  bool forward = true;
  if (auto it = req.find("ScanIndexForward"); it != req.end() && !it->is_null()) {
    if (!it->is_boolean()) return WrongType("ScanIndexForward", "a boolean");
    forward = it->get<bool>();
  }
  query::QueryRequest q;
  q.partition = key.partition;
  q.condition = key.sort;
  q.reverse = !forward;
  if (std::vector<std::string> attributes; StoredPathFits(plan, nullptr, &attributes)) {
    return RunStored(plan, std::move(attributes),
                     [&](const std::string& token, size_t limit, const query::StoredItemFn& fn) {
                       q.start_after = token;
                       q.limit = limit;
                       return call.backend.tables->QueryStored(plan.table, q, fn);
                     });
  }
  auto fetch = [&](const std::string& token, size_t limit) {
    q.start_after = token;
    q.limit = limit;
    if (plan.index) return call.backend.tables->QueryIndex(plan.table, *plan.index, q);
    return call.backend.tables->Query(plan.table, q);
  };
  return Run(call, plan, fetch, nullptr);
}

Outcome Scan(const Call& call) {
  const Json& req = call.request;
  FRESHET_CHECKED_ASSIGN(ReadPlan plan, ReadCommon(call, "ScanFilter"));
  if (auto err = CheckExpressionsUsed(plan.e)) return std::move(*err);
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> segment, OptionalInteger(req, "Segment", 0, 999999));
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> total, OptionalInteger(req, "TotalSegments", 1, 1000000));
  if (segment && !total) {
    return Validation(
        "The TotalSegments parameter is required but was not present in the request when Segment "
        "parameter is present");
  }
  if (total && !segment) {
    return Validation(
        "The Segment parameter is required but was not present in the request when parameter "
        "TotalSegments is present");
  }
  if (segment && *segment >= *total) {
    return Validation("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: " +
                      std::to_string(*segment) + " is not less than TotalSegments: " + std::to_string(*total));
  }
  auto fetch = [&](const std::string& token, size_t limit) {
    query::ScanRequest s;
    s.start_after = token;
    s.limit = limit;
    if (plan.index) return call.backend.tables->ScanIndex(plan.table, *plan.index, s);
    return call.backend.tables->Scan(plan.table, s);
  };
  InSegment in_segment;
  if (total && *total > 1) {
    const uint64_t n = static_cast<uint64_t>(*total), mine = static_cast<uint64_t>(*segment);
    in_segment = [&plan, n, mine](const Item& item) { return PartitionHash(plan.table, item) % n == mine; };
  }
  if (std::vector<std::string> attributes; StoredPathFits(plan, in_segment, &attributes)) {
    return RunStored(plan, std::move(attributes),
                     [&](const std::string& token, size_t limit, const query::StoredItemFn& fn) {
                       query::ScanRequest s;
                       s.start_after = token;
                       s.limit = limit;
                       return call.backend.tables->ScanStored(plan.table, s, fn);
                     });
  }
  return Run(call, plan, fetch, in_segment);
}

}  // namespace

void RegisterDynamoDbReadOps(Registry* r) {
  r->Add({"Query", Service::kDynamoDb, false, &Query});
  r->Add({"Scan", Service::kDynamoDb, false, &Scan});
}

}  // namespace freshet::protocol::dynamodb
