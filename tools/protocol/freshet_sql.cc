// Freshet_20261129.ExecuteSql: one read-only SQL statement (query/sql/engine.h) over the
// tables and streams, for the dashboard, scripts and `freshet sql` through an owner.
//
//   request:  {"Sql": "SELECT ...", "MaxRows": N,      MaxRows 1..1,000,000, default 1000
//              "SampleItems": N}                        items read per table to find its columns
//                                                       (0..10,000,000, default 20,000)
//   response: {"Columns": ["station", ...], "Rows": [["USW00093721", 12.5, null], ...],
//              "Truncated": bool}                     true when the statement had more rows
//
// Values are JSON numbers (SQLite integers and reals), strings (text; invalid UTF-8 replaced
// with U+FFFD), null, or, for blobs, {"B": base64}. A statement SQLite refuses (syntax, no such
// table, a write, more than one statement) is a ValidationException whose message is SQLite's,
// with freshetStatus giving the engine's code (not found, invalid argument). The statement
// reads one snapshot, from the owner's open database or, in a one-shot command, a read-only
// instance. Rows past MaxRows are not built.
#include <cmath>

#include "query/sql/engine.h"
#include "storage/text.h"
#include "tools/protocol/fields.h"
#include "tools/protocol/freshet_fields.h"
#include "tools/protocol/registry.h"

namespace freshet::protocol {
namespace {

constexpr int64_t kDefaultMaxRows = 1000;
constexpr int64_t kMaxMaxRows = 1000000;

Json ValueJson(query::sql::SqlValue& v) {
  using Kind = query::sql::SqlValue::Kind;
  switch (v.kind) {
    case Kind::kNull: return nullptr;
    case Kind::kInteger: return v.integer;
    case Kind::kReal: return std::isfinite(v.real) ? Json(v.real) : Json(nullptr);
    case Kind::kText:
      if (!text::IsValidUtf8(v.bytes)) {  // the dump replaces invalid bytes; parsing it back gives the string
        return Json::parse(Json(v.bytes).dump(-1, ' ', false, Json::error_handler_t::replace));
      }
      return std::move(v.bytes);
    case Kind::kBlob: return Json{{"B", text::EncodeBase64(v.bytes)}};
  }
  return nullptr;
}

Outcome ExecuteSql(const Call& call) {
  FRESHET_CHECKED_ASSIGN(std::string sql, RequiredString(call.request, "Sql"));
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> max_rows, OptionalInteger(call.request, "MaxRows", 1, kMaxMaxRows));
  FRESHET_CHECKED_ASSIGN(std::optional<int64_t> sample, OptionalInteger(call.request, "SampleItems", 0, 10000000));
  const size_t limit = static_cast<size_t>(max_rows.value_or(kDefaultMaxRows));
  query::sql::EngineOptions options;
  if (sample) options.sample_items = static_cast<size_t>(*sample);
  auto engine = query::sql::Engine::Open(call.backend.db, options);
  if (!engine.ok()) return engine.status();
  Json columns = Json::array(), rows = Json::array();
  bool truncated = false;
  Status s = (*engine)->Run(
      sql,
      [&](const std::vector<std::string>& names) {
        for (const auto& n : names) columns.push_back(n);
      },
      [&](query::sql::SqlRow& row) {
        if (rows.size() == limit) {
          truncated = true;
          return Status::Aborted("MaxRows reached");  // stops the statement
        }
        Json out = Json::array();
        for (auto& v : row) out.push_back(ValueJson(v));
        rows.push_back(std::move(out));
        return Status::OK();
      });
  if (!s.ok() && !truncated) {
    if (s.IsInvalidArgument() || s.IsNotFound()) {
      AwsError e = AwsError::Client("ValidationException", s.message());
      e.engine_code = s.code();
      return e;
    }
    return s;
  }
  return Json{{"Columns", std::move(columns)}, {"Rows", std::move(rows)}, {"Truncated", truncated}};
}

}  // namespace

void RegisterFreshetSqlOps(Registry* r) { r->Add({"ExecuteSql", Service::kFreshet, false, &ExecuteSql}); }

}  // namespace freshet::protocol
