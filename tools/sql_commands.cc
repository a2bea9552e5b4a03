// `freshet sql "SELECT ..."` (or --file query.sql): SQL over the data directory's tables and
// streams through SQLite (query/sql/engine.h). When an owner runs (`freshet serve`, `consume
// --follow`) or --endpoint names one, the statement is sent to it (Freshet_20261129.ExecuteSql,
// tools/protocol/freshet_sql.cc) and reads the owner's latest writes; otherwise the directory is
// opened here read-only (a RocksDB secondary instance).
#include <fstream>
#include <iostream>
#include <sstream>

#include "query/sql/engine.h"
#include "query/sql/sql_output.h"
#include "storage/text.h"
#include "tools/cli_common.h"
#include "tools/output.h"

namespace freshet::cli {
namespace {

struct SqlArgs {
  std::string statement;
  std::string file;
  std::string output = "table";
  size_t sample = 20000;
};

// The largest answer asked of an owner (ExecuteSql's own maximum).
constexpr size_t kOwnerMaxRows = 1000000;

query::sql::SqlValue ValueFromJson(const api::Json& j) {
  query::sql::SqlValue v;
  if (j.is_number_integer()) {
    v.kind = query::sql::SqlValue::Kind::kInteger;
    v.integer = j.get<int64_t>();
  } else if (j.is_number()) {
    v.kind = query::sql::SqlValue::Kind::kReal;
    v.real = j.get<double>();
  } else if (j.is_string()) {
    v.kind = query::sql::SqlValue::Kind::kText;
    v.bytes = j.get<std::string>();
  } else if (j.is_object() && j.contains("B") && j["B"].is_string() &&
             text::DecodeBase64(j["B"].get<std::string>(), &v.bytes)) {
    v.kind = query::sql::SqlValue::Kind::kBlob;
  }
  return v;
}

Status RunThroughApi(api::Api* api, const std::string& sql, size_t sample, query::OutputFormat format) {
  FRESHET_ASSIGN_OR_RETURN(
      api::Json reply,
      api->Call(api::Freshet("ExecuteSql"), {{"Sql", sql}, {"MaxRows", kOwnerMaxRows}, {"SampleItems", sample}}));
  if (!reply.contains("Columns") || !reply["Columns"].is_array() || !reply.contains("Rows") ||
      !reply["Rows"].is_array()) {
    return Status::Internal("ExecuteSql answered without Columns and Rows");
  }
  std::vector<std::string> columns;
  for (const auto& c : reply["Columns"]) columns.push_back(c.is_string() ? c.get<std::string>() : c.dump());
  query::sql::ResultWriter writer(&std::cout, format);
  writer.Begin(columns);
  query::sql::SqlRow row;
  for (const auto& r : reply["Rows"]) {
    row.clear();
    if (r.is_array()) {
      for (const auto& v : r) row.push_back(ValueFromJson(v));
    }
    writer.Row(row);
  }
  writer.End();
  if (format == query::OutputFormat::kTable) PrintTable(std::cout, writer.columns(), writer.table_rows());
  if (reply.value("Truncated", false)) {
    std::cerr << "freshet sql: the owner answered the first " << kOwnerMaxRows << " rows only\n";
  }
  return Status::OK();
}

Status RunSql(Context* ctx, const SqlArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(query::OutputFormat format, query::ParseOutputFormat(a.output));
  std::string sql = a.statement;
  if (!a.file.empty()) {
    if (!sql.empty()) return Status::InvalidArgument("give the statement or --file, not both");
    std::ifstream in(a.file);
    if (!in) return Status::NotFound("cannot read SQL file " + a.file);
    std::ostringstream text;
    text << in.rdbuf();
    sql = text.str();
  }
  if (sql.empty()) return Status::InvalidArgument("give a SQL statement, e.g. freshet sql \"SELECT 1\", or --file");
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  if (ctx->has_owner() || !ctx->Endpoint().empty()) return RunThroughApi(api, sql, a.sample, format);
  storage::OpenOptions options;
  options.mode = storage::OpenOptions::Mode::kReadView;  // one statement, one view
  FRESHET_ASSIGN_OR_RETURN(auto db, storage::Db::Open(ctx->DataDir(), options));
  query::sql::EngineOptions engine_options;
  engine_options.sample_items = a.sample;
  FRESHET_ASSIGN_OR_RETURN(auto engine, query::sql::Engine::Open(db.get(), engine_options));
  query::sql::ResultWriter writer(&std::cout, format);
  FRESHET_RETURN_IF_ERROR(engine->Run(
      sql, [&](const std::vector<std::string>& columns) { writer.Begin(columns); },
      [&](query::sql::SqlRow& row) {
        writer.Row(row);
        return Status::OK();
      }));
  writer.End();
  if (format == query::OutputFormat::kTable) PrintTable(std::cout, writer.columns(), writer.table_rows());
  return Status::OK();
}

void AddSqlCommands(CLI::App* app, Context* ctx) {
  auto a = std::make_shared<SqlArgs>();
  auto* cmd = app->add_subcommand("sql",
                                  "Run one read-only SQL statement (SQLite) over the tables and streams "
                                  "(stream_<name>); see docs/sql.md");
  cmd->add_option("statement", a->statement, "the SQL statement");
  cmd->add_option("--file", a->file, "read the statement from this file");
  cmd->add_option("--output", a->output, "table, json, jsonl or csv")
      ->check(CLI::IsMember({"table", "json", "jsonl", "csv"}));
  cmd->add_option("--sample", a->sample,
                  "at most this many items read per table to find its columns (default 20000; 100 per partition key)");
  cmd->callback([ctx, a] { ctx->result = Guard([&] { return RunSql(ctx, *a); }); });
}

Registrar registrar(35, AddSqlCommands);

}  // namespace
}  // namespace freshet::cli
