// Table operations in freshet's own shapes (Freshet_20261129; fields in docs/api.md). They are
// DynamoDB-like but not DynamoDB's wire shapes: the DynamoDB issue replaces them with
// DynamoDB_20120810 operations through this same registry.
#include "query/item_json.h"
#include "tools/protocol/freshet_fields.h"
#include "tools/protocol/registry.h"

namespace freshet::protocol {
namespace {

using query::AttributeValue;
using query::Item;
using query::TableDescription;

Json TypedItem(const Item& item) { return Json::parse(query::ItemToTypedJson(item)); }

Result<Item> ItemField(const Json& req, const char* name) {
  auto it = req.find(name);
  if (it == req.end() || !it->is_object()) {
    return Status::InvalidArgument(std::string("request field ") + name + " (an item object) is missing");
  }
  return query::ParseItemJson(it->dump());
}

// One typed value ({"S": "x"}) or a plain JSON value.
Result<AttributeValue> ValueOf(const Json& value) {
  FRESHET_ASSIGN_OR_RETURN(Item wrapper, query::ParseItemJson(Json{{"v", value}}.dump()));
  return *wrapper.Find("v");
}

Result<TableDescription> GetTable(const Backend& b, const Json& req) {
  FRESHET_ASSIGN_OR_RETURN(std::string name, StringField(req, "TableName"));
  return b.tables->Get(name);
}

Result<std::vector<std::string>> Attributes(const Json& req) {
  std::vector<std::string> out;
  auto it = req.find("Attributes");
  if (it == req.end() || it->is_null()) return out;
  if (!it->is_array()) return Status::InvalidArgument("request field Attributes must be an array of names");
  for (const Json& a : *it) {
    if (!a.is_string()) return Status::InvalidArgument("request field Attributes must be an array of names");
    out.push_back(a.get<std::string>());
  }
  return out;
}

Json PageJson(const query::Page& page) {
  Json out = {{"Items", Json::array()}, {"Count", page.items.size()}, {"KeysRead", page.keys_read}};
  for (const Item& item : page.items) out["Items"].push_back(TypedItem(item));
  if (page.next_token) out["NextToken"] = *page.next_token;
  return out;
}

Result<query::SortKeyCondition> ConditionOf(const Json& c) {
  static const std::pair<const char*, query::SortKeyCondition::Op> kOps[] = {
      {"eq", query::SortKeyCondition::Op::kEq},           {"lt", query::SortKeyCondition::Op::kLt},
      {"le", query::SortKeyCondition::Op::kLe},           {"gt", query::SortKeyCondition::Op::kGt},
      {"ge", query::SortKeyCondition::Op::kGe},           {"between", query::SortKeyCondition::Op::kBetween},
      {"begins_with", query::SortKeyCondition::Op::kBeginsWith}};
  FRESHET_ASSIGN_OR_RETURN(std::string op, StringField(c, "Op"));
  query::SortKeyCondition cond;
  bool known = false;
  for (auto& [name, value] : kOps) {
    if (op == name) cond.op = value, known = true;
  }
  if (!known) return Status::InvalidArgument("unknown sort key condition '" + op + "'");
  auto values = c.find("Values");
  size_t want = cond.op == query::SortKeyCondition::Op::kBetween ? 2 : 1;
  if (values == c.end() || !values->is_array() || values->size() != want) {
    return Status::InvalidArgument("sort key condition '" + op + "' takes " + std::to_string(want) + " value(s)");
  }
  FRESHET_ASSIGN_OR_RETURN(cond.value, ValueOf((*values)[0]));
  if (want == 2) {
    FRESHET_ASSIGN_OR_RETURN(cond.value2, ValueOf((*values)[1]));
  }
  return cond;
}

Result<Json> Query(const Backend& b, const Json& req) {
  FRESHET_ASSIGN_OR_RETURN(auto table, GetTable(b, req));
  query::QueryRequest q;
  auto pk = req.find("PartitionKey");
  if (pk == req.end()) return Status::InvalidArgument("request field PartitionKey is missing");
  FRESHET_ASSIGN_OR_RETURN(q.partition, ValueOf(*pk));
  auto cond = req.find("Condition");
  if (cond != req.end() && !cond->is_null()) {
    FRESHET_ASSIGN_OR_RETURN(q.condition, ConditionOf(*cond));
  }
  FRESHET_ASSIGN_OR_RETURN(q.limit, UintField(req, "Limit", 0, UINT32_MAX));
  q.reverse = BoolField(req, "Reverse", false);
  q.start_after = OptionalStringField(req, "StartAfter").value_or("");
  FRESHET_ASSIGN_OR_RETURN(q.attributes, Attributes(req));
  FRESHET_ASSIGN_OR_RETURN(auto page, b.tables->Query(table, q));
  return PageJson(page);
}

Result<Json> Scan(const Backend& b, const Json& req) {
  FRESHET_ASSIGN_OR_RETURN(auto table, GetTable(b, req));
  query::ScanRequest s;
  FRESHET_ASSIGN_OR_RETURN(s.limit, UintField(req, "Limit", 0, UINT32_MAX));
  s.start_after = OptionalStringField(req, "StartAfter").value_or("");
  FRESHET_ASSIGN_OR_RETURN(s.attributes, Attributes(req));
  FRESHET_ASSIGN_OR_RETURN(auto page, b.tables->Scan(table, s));
  return PageJson(page);
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

Result<Json> GetItem(const Backend& b, const Json& req) {
  FRESHET_ASSIGN_OR_RETURN(auto table, GetTable(b, req));
  FRESHET_ASSIGN_OR_RETURN(Item key, ItemField(req, "Key"));
  FRESHET_ASSIGN_OR_RETURN(auto item, b.tables->GetItem(table, key));
  return item ? Json{{"Item", TypedItem(*item)}} : Json::object();
}

Result<Json> PutItem(const Backend& b, const Json& req) {
  FRESHET_ASSIGN_OR_RETURN(auto table, GetTable(b, req));
  FRESHET_ASSIGN_OR_RETURN(Item item, ItemField(req, "Item"));
  FRESHET_RETURN_IF_ERROR(b.tables->PutItem(table, item));
  return Json::object();
}

Result<Json> DeleteItem(const Backend& b, const Json& req) {
  FRESHET_ASSIGN_OR_RETURN(auto table, GetTable(b, req));
  FRESHET_ASSIGN_OR_RETURN(Item key, ItemField(req, "Key"));
  FRESHET_ASSIGN_OR_RETURN(bool existed, b.tables->DeleteItem(table, key));
  return Json{{"Existed", existed}};
}

Result<Json> UpdateItem(const Backend& b, const Json& req) {
  FRESHET_ASSIGN_OR_RETURN(auto table, GetTable(b, req));
  FRESHET_ASSIGN_OR_RETURN(Item key, ItemField(req, "Key"));
  Item set;
  if (req.contains("Set")) {
    FRESHET_ASSIGN_OR_RETURN(set, ItemField(req, "Set"));
  }
  FRESHET_ASSIGN_OR_RETURN(auto remove, Attributes(Json{{"Attributes", req.value("Remove", Json::array())}}));
  FRESHET_ASSIGN_OR_RETURN(Item updated, b.tables->UpdateItem(table, key, set, remove));
  return Json{{"Attributes", TypedItem(updated)}};
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
  r->Add({"PutItem", Service::kFreshet, true, &Adapt<PutItem>});
  r->Add({"BatchWriteItem", Service::kFreshet, true, &Adapt<BatchWriteItem>});
  r->Add({"GetItem", Service::kFreshet, false, &Adapt<GetItem>});
  r->Add({"DeleteItem", Service::kFreshet, true, &Adapt<DeleteItem>});
  r->Add({"UpdateItem", Service::kFreshet, true, &Adapt<UpdateItem>});
  r->Add({"Query", Service::kFreshet, false, &Adapt<Query>});
  r->Add({"Scan", Service::kFreshet, false, &Adapt<Scan>});
}

}  // namespace freshet::protocol
