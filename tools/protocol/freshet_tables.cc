// Table operations in freshet's own shapes (Freshet_20261129; fields in docs/api.md), for what
// the DynamoDB API (dynamodb_*.cc) does not give the CLI: the stored description (table id, the
// CreateTable document as given, creation time in ms) that `freshet table describe/list` print,
// CreateTable from flags with freshet's messages, and BatchWriteItem of any number of items in ONE
// write (DynamoDB's atomic TransactWriteItems stops at 100), which `freshet table put --file` needs.
// Items, queries and scans go through the DynamoDB operations.
#include "query/item_json.h"
#include "tools/protocol/freshet_fields.h"
#include "tools/protocol/registry.h"

namespace freshet::protocol {
namespace {

using query::AttributeValue;
using query::Item;
using query::TableDescription;

Result<TableDescription> GetTable(const Backend& b, const Json& req) {
  FRESHET_ASSIGN_OR_RETURN(std::string name, StringField(req, "TableName"));
  return b.tables->Get(name);
}

Result<Json> CreateTable(const Backend& b, const Json& req) {
  TableDescription spec;
  auto doc = req.find("Spec");
  if (doc != req.end()) {
    FRESHET_ASSIGN_OR_RETURN(spec, query::ParseCreateTable(doc->is_string() ? doc->get<std::string>() : doc->dump()));
  } else {
    FRESHET_ASSIGN_OR_RETURN(std::string name, StringField(req, "TableName"));
    FRESHET_ASSIGN_OR_RETURN(std::string pk, StringField(req, "PartitionKey"));
    FRESHET_ASSIGN_OR_RETURN(spec, query::TableFromFlags(name, pk, OptionalStringField(req, "SortKey").value_or("")));
  }
  FRESHET_ASSIGN_OR_RETURN(auto created, b.tables->Create(spec));
  return Json{{"Table", Json::parse(query::DescriptionToJson(created))}};
}

Result<Json> DescribeTable(const Backend& b, const Json& req) {
  FRESHET_ASSIGN_OR_RETURN(auto table, GetTable(b, req));
  if (!BoolField(req, "Counts", true)) return Json{{"Table", Json::parse(query::DescriptionToJson(table))}};
  FRESHET_ASSIGN_OR_RETURN(auto stats, b.tables->Stats(table));
  return Json{{"Table", Json::parse(query::DescriptionToJson(table))},
              {"ItemCount", stats.item_count},
              {"SizeBytes", stats.size_bytes}};
}

Result<Json> ListTables(const Backend& b, const Json&) {
  FRESHET_ASSIGN_OR_RETURN(auto tables, b.tables->List());
  Json out = {{"Tables", Json::array()}};
  for (const auto& t : tables) out["Tables"].push_back(Json::parse(query::DescriptionToJson(t)));
  return out;
}

Result<Json> DeleteTable(const Backend& b, const Json& req) {
  FRESHET_ASSIGN_OR_RETURN(std::string name, StringField(req, "TableName"));
  FRESHET_RETURN_IF_ERROR(b.tables->Delete(name));
  return Json::object();
}

// All items in one atomic write, all or nothing.
Result<Json> BatchWriteItem(const Backend& b, const Json& req) {
  FRESHET_ASSIGN_OR_RETURN(auto table, GetTable(b, req));
  auto items = req.find("Items");
  if (items == req.end() || !items->is_array()) return Status::InvalidArgument("request field Items is missing");
  storage::Batch batch;
  for (size_t i = 0; i < items->size(); ++i) {
    FRESHET_ASSIGN_OR_RETURN(Item item, query::ParseItemJson((*items)[i].dump()));
    FRESHET_RETURN_IF_ERROR(b.tables->AddPut(table, item, &batch).WithContext("item " + std::to_string(i + 1)));
  }
  FRESHET_RETURN_IF_ERROR(b.db->Write(&batch));
  return Json{{"Written", items->size()}};
}

}  // namespace

void RegisterFreshetTableOps(Registry* r) {
  r->Add({"CreateTable", Service::kFreshet, true, &Adapt<CreateTable>});
  r->Add({"DeleteTable", Service::kFreshet, true, &Adapt<DeleteTable>});
  r->Add({"ListTables", Service::kFreshet, false, &Adapt<ListTables>});
  r->Add({"DescribeTable", Service::kFreshet, false, &Adapt<DescribeTable>});
  r->Add({"BatchWriteItem", Service::kFreshet, true, &Adapt<BatchWriteItem>});
}

}  // namespace freshet::protocol
