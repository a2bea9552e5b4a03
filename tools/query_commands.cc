// `freshet table query|scan` (added to the `table` command of table_commands.cc) and
// `freshet query`, the station/date-range query of the weather table.
#include <iostream>

#include "query/item_json.h"
#include "query/item_key.h"
#include "query/item_output.h"
#include "query/table_store.h"
#include "query/weather.h"
#include "tools/api_client.h"
#include "tools/cli_common.h"
#include "tools/output.h"

namespace freshet::cli {
namespace {

using query::Item;
using query::OutputFormat;
using query::TableDescription;

struct QueryArgs {
  std::string name;
  std::string pk;
  std::string sk_eq, sk_lt, sk_le, sk_gt, sk_ge, sk_begins_with;
  std::vector<std::string> sk_between;
  size_t limit = 0;
  bool reverse = false;
  std::string start_after;
  std::vector<std::string> attributes;
  std::string output = "table";
  bool typed = false;
};

// Prints a page. The continuation token goes to stderr as "next: TOKEN" except in json, where
// it is part of the document, so stdout holds only results.
void PrintPage(const query::Page& page, const TableDescription& table, const std::vector<std::string>& attributes,
               OutputFormat format, bool typed) {
  const std::vector<std::string> columns = attributes.empty() ? query::ColumnsOf(page.items, &table) : attributes;
  switch (format) {
    case OutputFormat::kJson: query::WriteJson(std::cout, page.items, page.next_token, typed); return;
    case OutputFormat::kJsonl: query::WriteJsonl(std::cout, page.items, typed); break;
    case OutputFormat::kCsv: query::WriteCsv(std::cout, columns, page.items); break;
    case OutputFormat::kTable: PrintTable(std::cout, columns, query::TableRows(columns, page.items)); break;
  }
  std::cout.flush();
  if (page.next_token) std::cerr << "next: " << *page.next_token << "\n";
}

Result<std::optional<query::SortKeyCondition>> ConditionFrom(const TableDescription& t, const QueryArgs& a) {
  using Op = query::SortKeyCondition::Op;
  std::vector<std::pair<Op, const std::string*>> given;
  const std::pair<Op, const std::string*> flags[] = {{Op::kEq, &a.sk_eq}, {Op::kLt, &a.sk_lt},
                                                     {Op::kLe, &a.sk_le}, {Op::kGt, &a.sk_gt},
                                                     {Op::kGe, &a.sk_ge}, {Op::kBeginsWith, &a.sk_begins_with}};
  for (const auto& f : flags) {
    if (!f.second->empty()) given.push_back(f);
  }
  if (given.size() + (a.sk_between.empty() ? 0 : 1) > 1) {
    return Status::InvalidArgument("give at most one sort-key condition (--sk-eq, --sk-lt, ..., --sk-between)");
  }
  if (given.empty() && a.sk_between.empty()) return std::optional<query::SortKeyCondition>();
  if (!t.sort_key) return Status::InvalidArgument("table '" + t.name + "' has no sort key");
  query::SortKeyCondition c;
  const query::KeyType type = t.sort_key->type;
  if (!a.sk_between.empty()) {
    c.op = Op::kBetween;
    FRESHET_ASSIGN_OR_RETURN(c.value, query::ParseKeyText(type, a.sk_between[0], "--sk-between"));
    FRESHET_ASSIGN_OR_RETURN(c.value2, query::ParseKeyText(type, a.sk_between[1], "--sk-between"));
  } else {
    c.op = given[0].first;
    if (c.op == Op::kBeginsWith && type == query::KeyType::kN) {
      return Status::InvalidArgument("--sk-begins-with needs an S or B sort key");
    }
    FRESHET_ASSIGN_OR_RETURN(c.value, query::ParseKeyText(type, *given[0].second, "sort-key condition"));
  }
  return std::optional<query::SortKeyCondition>(std::move(c));
}

Status TableQuery(Context* ctx, const QueryArgs& a, bool scan) {
  FRESHET_ASSIGN_OR_RETURN(OutputFormat format, query::ParseOutputFormat(a.output));
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  TableClient store(api);
  FRESHET_ASSIGN_OR_RETURN(TableDescription t, store.Get(a.name));
  query::Page page;
  if (scan) {
    FRESHET_ASSIGN_OR_RETURN(page, store.Scan(t.name, {a.limit, a.start_after, a.attributes}));
  } else {
    query::QueryRequest r;
    FRESHET_ASSIGN_OR_RETURN(r.partition, query::ParseKeyText(t.partition_key.type, a.pk, "--pk"));
    FRESHET_ASSIGN_OR_RETURN(r.condition, ConditionFrom(t, a));
    r.limit = a.limit;
    r.reverse = a.reverse;
    r.start_after = a.start_after;
    r.attributes = a.attributes;
    FRESHET_ASSIGN_OR_RETURN(page, store.Query(t.name, r));
  }
  PrintPage(page, t, a.attributes, format, a.typed);
  return Status::OK();
}

struct WeatherArgs {
  std::string station, from, to, table{query::kDefaultWeatherTable};
  std::vector<std::string> elements;
  std::string units = "metric";
  std::string output = "table";
  bool flags = false;
};

Status WeatherQuery(Context* ctx, const WeatherArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(OutputFormat format, query::ParseOutputFormat(a.output));
  FRESHET_ASSIGN_OR_RETURN(query::Units units, query::ParseUnits(a.units));
  FRESHET_ASSIGN_OR_RETURN(std::string station, query::NormalizeStation(a.station));
  FRESHET_RETURN_IF_ERROR(query::ValidateDate(a.from, "--from"));
  FRESHET_RETURN_IF_ERROR(query::ValidateDate(a.to, "--to"));
  if (a.from > a.to) return Status::InvalidArgument("--from " + a.from + " is after --to " + a.to);
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  TableClient store(api);
  FRESHET_ASSIGN_OR_RETURN(TableDescription t, store.Get(a.table));
  if (t.partition_key.type != query::KeyType::kS || !t.sort_key || t.sort_key->type != query::KeyType::kS) {
    return Status::InvalidArgument("table '" + t.name +
                                   "' does not have the weather key shape "
                                   "(partition key station S, sort key date S)");
  }
  query::QueryRequest r;
  r.partition = query::AttributeValue::S(station);
  r.condition = query::SortKeyCondition{query::SortKeyCondition::Op::kBetween, query::AttributeValue::S(a.from),
                                        query::AttributeValue::S(a.to)};
  if (!a.elements.empty()) {
    r.attributes = a.elements;
    r.attributes.push_back(t.partition_key.name);
    r.attributes.push_back(t.sort_key->name);
  }
  std::vector<Item> items;
  do {
    FRESHET_ASSIGN_OR_RETURN(query::Page page, store.Query(t.name, r));
    for (Item& item : page.items) {
      Item shown;
      for (const auto& [name, value] : item) shown.AppendSorted(name, query::ConvertValue(name, value, units));
      items.push_back(std::move(shown));
    }
    r.start_after = page.next_token.value_or("");
  } while (!r.start_after.empty());

  std::vector<std::string> columns = {t.partition_key.name, t.sort_key->name};
  if (a.elements.empty()) {
    // Every attribute, except the per-element flag attributes (PRCP_mflag, ...) unless --flags:
    // a month of one station should fit a terminal.
    for (std::string& c : query::ColumnsOf(items, &t)) {
      const bool is_flag = c.find('_') != std::string::npos && c != "station_name";
      if (a.flags || !is_flag || c == t.partition_key.name || c == t.sort_key->name) columns.push_back(std::move(c));
    }
    columns.erase(columns.begin(), columns.begin() + 2);  // the key columns, already first
  } else {
    columns.insert(columns.end(), a.elements.begin(), a.elements.end());
  }
  switch (format) {
    case OutputFormat::kJson: query::WriteJson(std::cout, items, std::nullopt, false); break;
    case OutputFormat::kJsonl: query::WriteJsonl(std::cout, items, false); break;
    case OutputFormat::kCsv: query::WriteCsv(std::cout, columns, items); break;
    case OutputFormat::kTable: {
      std::vector<std::string> headers = columns;
      for (auto& h : headers) {
        const std::string_view unit = query::UnitOf(h, units);
        if (!unit.empty()) h += " (" + std::string(unit) + ")";
      }
      PrintTable(std::cout, headers, query::TableRows(columns, items));
      break;
    }
  }
  return Status::OK();
}

void AddQueryOptions(CLI::App* cmd, QueryArgs* a) {
  cmd->add_option("name", a->name, "table name")->required();
  cmd->add_option("--limit", a->limit, "at most this many items (a page also stops at 1 MB)");
  cmd->add_option("--start-after", a->start_after, "continue after the page that printed this token");
  cmd->add_option("--attributes", a->attributes, "only these attributes, comma-separated")->delimiter(',');
  cmd->add_option("--output", a->output, "table, json, jsonl or csv")
      ->check(CLI::IsMember({"table", "json", "jsonl", "csv"}));
  cmd->add_flag("--typed", a->typed, "json and jsonl: print typed DynamoDB JSON instead of plain JSON");
}

}  // namespace

void AddQueryCommands(CLI::App* app, Context* ctx) {
  auto* table = app->get_subcommand("table");
  auto qa = std::make_shared<QueryArgs>();
  auto* q = table->add_subcommand("query", "items of one partition key, optionally a sort-key range");
  AddQueryOptions(q, qa.get());
  q->add_option("--pk", qa->pk, "partition key value (read by the key's declared type; B as base64)")->required();
  q->add_option("--sk-eq", qa->sk_eq, "sort key = V");
  q->add_option("--sk-lt", qa->sk_lt, "sort key < V");
  q->add_option("--sk-le", qa->sk_le, "sort key <= V");
  q->add_option("--sk-gt", qa->sk_gt, "sort key > V");
  q->add_option("--sk-ge", qa->sk_ge, "sort key >= V");
  q->add_option("--sk-between", qa->sk_between, "A <= sort key <= B")->expected(2);
  q->add_option("--sk-begins-with", qa->sk_begins_with, "sort key starts with P (S and B keys)");
  q->add_flag("--reverse", qa->reverse, "descending sort-key order");
  q->callback([ctx, qa] { ctx->result = Guard([&] { return TableQuery(ctx, *qa, false); }); });

  auto sa = std::make_shared<QueryArgs>();
  auto* s = table->add_subcommand("scan", "every item of a table in key order");
  AddQueryOptions(s, sa.get());
  s->callback([ctx, sa] { ctx->result = Guard([&] { return TableQuery(ctx, *sa, true); }); });

  auto wa = std::make_shared<WeatherArgs>();
  auto* w = app->add_subcommand("query", "daily weather of one station between two dates");
  w->add_option("--station", wa->station, "station id, with or without the GHCND: prefix")->required();
  w->add_option("--from", wa->from, "first date, YYYY-MM-DD")->required();
  w->add_option("--to", wa->to, "last date, YYYY-MM-DD (inclusive)")->required();
  w->add_option("--elements", wa->elements, "only these elements, e.g. PRCP,TMAX")->delimiter(',');
  w->add_option("--units", wa->units, "metric (mm, C) or standard (inches, F)")
      ->check(CLI::IsMember({"metric", "standard"}));
  w->add_option("--output", wa->output, "table, json, jsonl or csv")
      ->check(CLI::IsMember({"table", "json", "jsonl", "csv"}));
  w->add_flag("--flags", wa->flags, "table and csv: also show the flag attributes (PRCP_mflag, ...)");
  w->add_option("--table", wa->table, "table with partition key station (S) and sort key date (S)");
  w->callback([ctx, wa] { ctx->result = Guard([&] { return WeatherQuery(ctx, *wa); }); });
}

static Registrar registrar(30, AddQueryCommands);

}  // namespace freshet::cli
