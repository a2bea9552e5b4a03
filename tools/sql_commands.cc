// `freshet sql "SELECT ..."` (or --file query.sql): SQL over the data directory's tables and
// streams through SQLite (query/sql/engine.h). The directory is opened read-only (a RocksDB
// secondary instance), so the command works beside a running owner (`freshet serve`), seeing
// what it had written when the command started.
#include <fstream>
#include <iostream>
#include <sstream>

#include "query/sql/engine.h"
#include "query/sql/sql_output.h"
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
  if (sql.empty())
    return Status::InvalidArgument("give a SQL statement, e.g. freshet sql \"SELECT 1\", or --file");
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
  cmd->add_option(
      "--sample", a->sample,
      "at most this many items read per table to find its columns (default 20000; 100 per partition key)");
  cmd->callback([ctx, a] { ctx->result = Guard([&] { return RunSql(ctx, *a); }); });
}

Registrar registrar(35, AddSqlCommands);

}  // namespace
}  // namespace freshet::cli
