// `freshet table create|list|describe|delete|put|get|delete-item|update`: tables and items.
// `table query` and `table scan` are added by query_commands.cc.
#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "query/item_json.h"
#include "query/table_store.h"
#include "tools/api_client.h"
#include "tools/cli_common.h"
#include "tools/output.h"

namespace freshet::cli {
namespace {

using query::Item;
using query::TableDescription;

struct TableArgs {
  std::string name;
  std::string spec_file;
  std::string partition_key;
  std::string sort_key;
  std::string item_json;
  std::string item_file;
  std::string key_json;
  std::string set_json;
  std::vector<std::string> remove;
  std::string output = "table";
  bool plain = false;
};

Result<std::string> ReadFileOrStdin(const std::string& path) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<Item> ParseFlagItem(const std::string& json, std::string_view flag) {
  auto item = query::ParseItemJson(json);
  if (!item.ok()) return item.status().WithContext(flag);
  return item;
}

std::string FormatIsoMs(uint64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string KeyText(const query::KeyAttribute& k) {
  return k.name + " (" + std::string(query::KeyTypeName(k.type)) + ")";
}

Status Create(Context* ctx, const TableArgs& a) {
  Result<TableDescription> spec = Status::Internal("unset");
  if (!a.spec_file.empty()) {
    if (!a.partition_key.empty() || !a.sort_key.empty()) {
      return Status::InvalidArgument("give either --spec or --partition-key/--sort-key, not both");
    }
    FRESHET_ASSIGN_OR_RETURN(std::string text, ReadFileOrStdin(a.spec_file));
    spec = query::ParseCreateTable(text);
    if (spec.ok() && !a.name.empty() && a.name != spec->name) {
      return Status::InvalidArgument("NAME '" + a.name + "' differs from TableName '" + spec->name + "' in --spec");
    }
  } else {
    if (a.name.empty() || a.partition_key.empty()) {
      return Status::InvalidArgument("table create needs --spec FILE or NAME --partition-key NAME:TYPE");
    }
    spec = query::TableFromFlags(a.name, a.partition_key, a.sort_key);
  }
  if (!spec.ok()) return spec.status();
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_ASSIGN_OR_RETURN(TableDescription d, TableClient(api).Create(spec->spec_json));
  std::cout << "created table " << d.name << " with partition key " << KeyText(d.partition_key);
  if (d.sort_key) std::cout << " and sort key " << KeyText(*d.sort_key);
  std::cout << "\n";
  return Status::OK();
}

Status List(Context* ctx, const TableArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  auto listed = TableClient(api).List();
  if (!listed.ok() && !listed.status().IsNotFound()) return listed.status();
  // No data directory yet: no tables.
  std::vector<TableDescription> tables = listed.ok() ? std::move(listed.value()) : std::vector<TableDescription>{};
  if (a.output == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (auto& d : tables) j.push_back(nlohmann::json::parse(query::DescriptionToJson(d)));
    std::cout << j.dump() << "\n";
    return Status::OK();
  }
  std::vector<std::vector<std::string>> rows;
  for (auto& d : tables) {
    rows.push_back({d.name, KeyText(d.partition_key), d.sort_key ? KeyText(*d.sort_key) : ""});
  }
  PrintTable(std::cout, {"NAME", "PARTITION_KEY", "SORT_KEY"}, rows);
  return Status::OK();
}

Status Describe(Context* ctx, const TableArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  TableClient store(api);
  FRESHET_ASSIGN_OR_RETURN(TableDescription d, store.Get(a.name));
  FRESHET_ASSIGN_OR_RETURN(query::TableStats stats, store.Stats(a.name));
  if (a.output == "json") {
    nlohmann::json j = nlohmann::json::parse(query::DescriptionToJson(d));
    j["item_count"] = stats.item_count;
    j["size_bytes"] = stats.size_bytes;
    std::cout << j.dump() << "\n";
    return Status::OK();
  }
  std::vector<std::vector<std::string>> rows = {{"name", d.name},
                                                {"partition key", KeyText(d.partition_key)},
                                                {"sort key", d.sort_key ? KeyText(*d.sort_key) : "(none)"},
                                                {"item count", std::to_string(stats.item_count)},
                                                {"size bytes", std::to_string(stats.size_bytes)},
                                                {"created", FormatIsoMs(d.created_ms)},
                                                {"spec", d.spec_json}};
  PrintTable(std::cout, {"FIELD", "VALUE"}, rows);
  return Status::OK();
}

Status Delete(Context* ctx, const TableArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_RETURN_IF_ERROR(TableClient(api).Delete(a.name));
  std::cout << "deleted table " << a.name << "\n";
  return Status::OK();
}

// --item writes one item; --file writes every line of a JSON-lines file in one atomic batch,
// or nothing if any line is invalid.
Status Put(Context* ctx, const TableArgs& a) {
  if (a.item_json.empty() == a.item_file.empty())
    return Status::InvalidArgument("give exactly one of --item and --file");
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  TableClient store(api);
  FRESHET_ASSIGN_OR_RETURN(TableDescription d, store.Get(a.name));
  if (!a.item_json.empty()) {
    FRESHET_ASSIGN_OR_RETURN(Item item, ParseFlagItem(a.item_json, "--item"));
    return store.PutItem(d.name, item).WithContext("--item");
  }
  FRESHET_ASSIGN_OR_RETURN(std::string text, ReadFileOrStdin(a.item_file));
  std::istringstream lines(text);
  std::string line;
  std::vector<Item> items;
  std::vector<size_t> line_of;  // line number of each item, for errors
  for (size_t n = 1; std::getline(lines, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto item = query::ParseItemJson(line);
    if (!item.ok()) return item.status().WithContext(a.item_file + " line " + std::to_string(n));
    items.push_back(std::move(item.value()));
    line_of.push_back(n);
  }
  Status s = store.PutItems(d.name, items);
  if (!s.ok()) {
    // The store names the item by position ("item K: ..."); say which line it came from.
    size_t k = 0;
    if (std::sscanf(s.message().c_str(), "item %zu:", &k) == 1 && k >= 1 && k <= line_of.size()) {
      std::string rest = s.message().substr(s.message().find(':') + 2);
      return Status(s.code() == Status::Code::kInvalidArgument ? Status::InvalidArgument(rest) : s)
          .WithContext(a.item_file + " line " + std::to_string(line_of[k - 1]));
    }
    return s;
  }
  std::cout << "put " << items.size() << " item" << (items.size() == 1 ? "" : "s") << " into " << d.name << "\n";
  return Status::OK();
}

Status Get(Context* ctx, const TableArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  TableClient store(api);
  FRESHET_ASSIGN_OR_RETURN(TableDescription d, store.Get(a.name));
  FRESHET_ASSIGN_OR_RETURN(Item key, ParseFlagItem(a.key_json, "--key"));
  FRESHET_ASSIGN_OR_RETURN(std::optional<Item> item, store.GetItem(d.name, key));
  if (!item) return Status::NotFound("no item with that key in table '" + d.name + "'");
  std::cout << (a.plain ? query::ItemToPlainJson(*item) : query::ItemToTypedJson(*item)) << "\n";
  return Status::OK();
}

Status DeleteItem(Context* ctx, const TableArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  TableClient store(api);
  FRESHET_ASSIGN_OR_RETURN(Item key, ParseFlagItem(a.key_json, "--key"));
  FRESHET_ASSIGN_OR_RETURN(bool existed, store.DeleteItem(a.name, key));
  std::cout << (existed ? "deleted 1 item\n" : "deleted 0 items (there was none with that key)\n");
  return Status::OK();
}

Status Update(Context* ctx, const TableArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  TableClient store(api);
  FRESHET_ASSIGN_OR_RETURN(Item key, ParseFlagItem(a.key_json, "--key"));
  Item set;
  if (!a.set_json.empty()) {
    FRESHET_ASSIGN_OR_RETURN(set, ParseFlagItem(a.set_json, "--set"));
  }
  if (set.empty() && a.remove.empty()) return Status::InvalidArgument("table update needs --set or --remove");
  FRESHET_ASSIGN_OR_RETURN(Item merged, store.UpdateItem(a.name, key, set, a.remove));
  std::cout << (a.plain ? query::ItemToPlainJson(merged) : query::ItemToTypedJson(merged)) << "\n";
  return Status::OK();
}

}  // namespace

void AddTableCommands(CLI::App* app, Context* ctx) {
  auto* table = app->add_subcommand("table", "DynamoDB-style tables: create, put, get, update, query, scan");
  table->require_subcommand(1, 1);
  auto args = std::make_shared<TableArgs>();
  auto bind = [ctx, args](CLI::App* cmd, Status (*fn)(Context*, const TableArgs&)) {
    cmd->callback([ctx, args, fn] { ctx->result = Guard([&] { return fn(ctx, *args); }); });
  };
  auto* create = table->add_subcommand("create", "create a table from a CreateTable JSON file or from flags");
  create->add_option("name", args->name, "table name (3..255 of A-Z a-z 0-9 _ - .)");
  create->add_option("--spec", args->spec_file,
                     "DynamoDB CreateTable JSON (as for aws dynamodb create-table --cli-input-json), or - for stdin");
  create->add_option("--partition-key", args->partition_key, "partition key as NAME:TYPE, TYPE one of S, N, B");
  create->add_option("--sort-key", args->sort_key, "sort key as NAME:TYPE");
  bind(create, Create);

  auto* list = table->add_subcommand("list", "list tables");
  list->add_option("--output", args->output, "table or json")->check(CLI::IsMember({"table", "json"}));
  bind(list, List);

  auto* describe = table->add_subcommand("describe", "key schema, item count and size of a table");
  describe->add_option("name", args->name, "table name")->required();
  describe->add_option("--output", args->output, "table or json")->check(CLI::IsMember({"table", "json"}));
  bind(describe, Describe);

  auto* del = table->add_subcommand("delete", "delete a table and all its items");
  del->add_option("name", args->name, "table name")->required();
  bind(del, Delete);

  auto* put = table->add_subcommand("put", "put (replace) items, typed DynamoDB JSON or plain JSON");
  put->add_option("name", args->name, "table name")->required();
  put->add_option("--item", args->item_json, "one item as JSON");
  put->add_option("--file", args->item_file, "JSON lines, one item per line (- for stdin); all or nothing");
  bind(put, Put);

  auto* get = table->add_subcommand("get", "print one item as typed JSON");
  get->add_option("name", args->name, "table name")->required();
  get->add_option("--key", args->key_json, "the key attributes as JSON")->required();
  get->add_flag("--plain", args->plain, "print plain JSON instead of typed JSON");
  bind(get, Get);

  auto* delete_item = table->add_subcommand("delete-item", "delete one item");
  delete_item->add_option("name", args->name, "table name")->required();
  delete_item->add_option("--key", args->key_json, "the key attributes as JSON")->required();
  bind(delete_item, DeleteItem);

  auto* update = table->add_subcommand("update", "set or remove attributes of an item, creating it if absent");
  update->add_option("name", args->name, "table name")->required();
  update->add_option("--key", args->key_json, "the key attributes as JSON")->required();
  update->add_option("--set", args->set_json, "attributes to set, as a JSON object");
  update->add_option("--remove", args->remove, "attributes to remove, comma-separated")->delimiter(',');
  update->add_flag("--plain", args->plain, "print the result as plain JSON instead of typed JSON");
  bind(update, Update);
}

static Registrar registrar(20, AddTableCommands);

}  // namespace freshet::cli
