// SQL benchmark, on the bundled NOAA export (123,308 observations -> the weather table):
//   1. a station-month SQL query (pushed down to one key range) through query::sql::Engine, beside
//      TableStore::Query of the same range in the same process (p50, p90 over random months);
//   2. SELECT station, substr(date,1,7), sum(PRCP), max(TMAX), min(TMIN) ... GROUP BY 1,2 over the
//      whole table through the virtual table, beside SQLite running the same statement on a
//      native in-memory table loaded with the same rows and columns (median of runs).
// Targets (issue 14): 1 within 2x of the in-process Query; 2 within 2x of native SQLite.
//
//   sql_bench [--queries Q] [--runs R] [--freshet PATH] [--csv PATH]
#include <sqlite3.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "query/sql/engine.h"
#include "query/table_store.h"
#include "storage/db.h"

namespace freshet::query {
namespace {

using Clock = std::chrono::steady_clock;

double Micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

bool Run(const std::string& command) {
  const int rc = std::system((command + " >/dev/null").c_str());
  if (rc != 0) std::fprintf(stderr, "sql_bench: failed (%d): %s\n", rc, command.c_str());
  return rc == 0;
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "sql_bench: %s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

void Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sql_bench: native SQLite: %s\n", err ? err : "?");
    std::exit(1);
  }
}

// Loads every row of `weather` (all columns but the item JSON) into native table `native`.
void LoadNative(sql::Engine* engine, sqlite3* native) {
  std::vector<std::string> columns;
  sqlite3_stmt* insert = nullptr;
  Exec(native, "BEGIN");
  Check(engine->Run(
            "SELECT * FROM weather",
            [&](const std::vector<std::string>& c) {
              columns.assign(c.begin(), c.end() - 1);
              std::string create = "CREATE TABLE native(", values;
              for (size_t i = 0; i < columns.size(); ++i) {
                create += (i ? ", \"" : "\"") + columns[i] + "\"";
                values += i ? ", ?" : "?";
              }
              Exec(native, create + ")");
              sqlite3_prepare_v2(native, ("INSERT INTO native VALUES (" + values + ")").c_str(), -1, &insert, nullptr);
            },
            [&](sql::SqlRow& row) {
              for (size_t i = 0; i < columns.size(); ++i) {
                const sql::SqlValue& v = row[i];
                const int at = static_cast<int>(i) + 1;
                switch (v.kind) {
                  case sql::SqlValue::Kind::kInteger: sqlite3_bind_int64(insert, at, v.integer); break;
                  case sql::SqlValue::Kind::kReal: sqlite3_bind_double(insert, at, v.real); break;
                  case sql::SqlValue::Kind::kText:
                    sqlite3_bind_text(insert, at, v.bytes.data(), static_cast<int>(v.bytes.size()), SQLITE_TRANSIENT);
                    break;
                  case sql::SqlValue::Kind::kBlob:
                    sqlite3_bind_blob(insert, at, v.bytes.data(), static_cast<int>(v.bytes.size()), SQLITE_TRANSIENT);
                    break;
                  default: sqlite3_bind_null(insert, at); break;
                }
              }
              sqlite3_step(insert);
              sqlite3_reset(insert);
              return Status::OK();
            }),
        "loading the native table");
  sqlite3_finalize(insert);
  Exec(native, "COMMIT");
}

// Runs `sql` on the native connection; returns the number of rows and a checksum of the numbers.
std::pair<size_t, double> NativeRun(sqlite3* native, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(native, sql.c_str(), -1, &stmt, nullptr);
  size_t rows = 0;
  double sum = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    ++rows;
    for (int i = 2; i < 5; ++i) sum += sqlite3_column_double(stmt, i);
  }
  sqlite3_finalize(stmt);
  return {rows, sum};
}

int Main(int argc, char** argv) {
  int queries = 2000, runs = 7;
  std::string freshet = FRESHET_BIN_PATH;
  std::string csv = std::string(FRESHET_SOURCE_DIR_DEFAULT) + "/data/noaa/cdo-montgomery-md-2012-2018.csv.gz";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--queries")) queries = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--freshet")) freshet = argv[i + 1];
    if (!std::strcmp(argv[i], "--csv")) csv = argv[i + 1];
  }
  bench::BenchDir dir("sql");
  const std::string d = freshet + " --data-dir " + dir.path() + "/data --no-sync ";
  if (!Run(d + "stream create weather --shards 4") || !Run(d + "ingest file --stream weather " + csv) ||
      !Run(d + "consume --pipeline weather")) {
    return 1;
  }
  storage::OpenOptions options;
  options.sync = false;
  auto db = storage::Db::Open(dir.path() + "/data", options);
  Check(db.status(), "open");
  TableStore store(db->get());
  auto table = store.Get("weather");
  Check(table.status(), "weather table");
  auto engine = sql::Engine::Open(db->get());
  Check(engine.status(), "SQL engine");

  // Station-months present in the table.
  auto months = (*engine)->Query("SELECT DISTINCT station, substr(date, 1, 7) FROM weather");
  Check(months.status(), "station-months");
  std::printf("sql_bench: %s; %zu station-months in the weather table\n", bench::Machine().c_str(),
              months->rows.size());

  std::mt19937_64 rng(42);
  // Three ways, interleaved per query (rotating which goes first, so none always has warm caches):
  // SQL text with literals (parsed each time, as `freshet sql` does), SQL with ? parameters (the
  // prepared statement reused, as a program calling the Engine would), and TableStore::Query.
  std::vector<double> us[3];
  size_t rows[3] = {0, 0, 0};
  const char* select = std::getenv("SQL_BENCH_SELECT");
  const std::string head = std::string("SELECT ") + (select ? select : "*") + " FROM weather WHERE station = ";
  for (int q = 0; q < queries; ++q) {
    const auto& m = months->rows[rng() % months->rows.size()];
    const std::string station = m[0].bytes, from = m[1].bytes + "-01", to = m[1].bytes + "-31";
    for (int pass = 0; pass < 3; ++pass) {
      const int way = (pass + q) % 3;
      const auto start = Clock::now();
      if (way == 0) {
        auto r = (*engine)->Query(head + "'" + station + "' AND date BETWEEN '" + from + "' AND '" + to + "'");
        Check(r.status(), "station-month SQL");
        rows[0] += r->rows.size();
      } else if (way == 1) {
        std::vector<sql::SqlValue> params(3);
        for (auto& p : params) p.kind = sql::SqlValue::Kind::kText;
        params[0].bytes = station;
        params[1].bytes = from;
        params[2].bytes = to;
        auto r = (*engine)->Query(head + "? AND date BETWEEN ? AND ?", params);
        Check(r.status(), "station-month SQL with parameters");
        rows[1] += r->rows.size();
      } else {
        QueryRequest request;
        request.partition = AttributeValue::S(station);
        request.condition =
            SortKeyCondition{SortKeyCondition::Op::kBetween, AttributeValue::S(from), AttributeValue::S(to)};
        auto page = store.Query(*table, request);
        Check(page.status(), "TableStore::Query");
        rows[2] += page->items.size();
      }
      us[way].push_back(Micros(Clock::now() - start));
    }
  }
  const double query_p50 = Percentile(us[2], 0.5);
  std::printf("station-month (SELECT %s), %d queries, %zu rows each way:\n", select ? select : "*", queries, rows[2]);
  std::printf("  TableStore::Query in process    p50 %7.1f us  p90 %7.1f us\n", query_p50, Percentile(us[2], 0.9));
  std::printf("  SQL, ? parameters (prepared)    p50 %7.1f us  p90 %7.1f us  %.2fx Query (target <= 2x)\n",
              Percentile(us[1], 0.5), Percentile(us[1], 0.9), Percentile(us[1], 0.5) / query_p50);
  std::printf("  SQL text with literals (parsed) p50 %7.1f us  p90 %7.1f us  %.2fx Query\n", Percentile(us[0], 0.5),
              Percentile(us[0], 0.9), Percentile(us[0], 0.5) / query_p50);
  if (rows[0] != rows[2] || rows[1] != rows[2]) {
    std::fprintf(stderr, "sql_bench: row counts differ: %zu %zu %zu\n", rows[0], rows[1], rows[2]);
    return 1;
  }

  sqlite3* native = nullptr;
  sqlite3_open(":memory:", &native);
  LoadNative(engine->get(), native);
  const char* group_env = std::getenv("SQL_BENCH_GROUP");  // another statement, FROM %s
  const std::string group =
      group_env ? group_env : "SELECT station, substr(date,1,7), sum(PRCP), max(TMAX), min(TMIN) FROM %s GROUP BY 1,2";
  auto with = [&](const char* t) {
    std::string s = group;
    s.replace(s.find("%s"), 2, t);
    return s;
  };
  std::vector<double> vt_ms, native_ms;
  size_t vt_rows = 0, native_rows = 0;
  double vt_sum = 0, native_sum = 0;
  for (int r = 0; r < runs; ++r) {
    auto start = Clock::now();
    auto result = (*engine)->Query(with("weather"));
    Check(result.status(), "GROUP BY over the virtual table");
    vt_ms.push_back(Micros(Clock::now() - start) / 1000);
    vt_rows = result->rows.size();
    vt_sum = 0;
    for (const auto& row : result->rows) {
      for (int i = 2; i < 5; ++i) {
        vt_sum += row[i].kind == sql::SqlValue::Kind::kReal      ? row[i].real
                  : row[i].kind == sql::SqlValue::Kind::kInteger ? static_cast<double>(row[i].integer)
                                                                 : 0;
      }
    }
    start = Clock::now();
    std::tie(native_rows, native_sum) = NativeRun(native, with("native"));
    native_ms.push_back(Micros(Clock::now() - start) / 1000);
  }
  sqlite3_close(native);
  const double vt = Percentile(vt_ms, 0.5), nat = Percentile(native_ms, 0.5);
  std::printf(
      "GROUP BY station, month over the whole table, median of %d: freshet sql %.1f ms; native SQLite "
      "table %.1f ms; ratio %.2fx (target <= 2x); %zu / %zu groups, checksums %s\n",
      runs, vt, nat, vt / nat, vt_rows, native_rows,
      vt_rows == native_rows && std::abs(vt_sum - native_sum) < 1e-6 * std::max(1.0, std::abs(nat)) ? "equal"
                                                                                                    : "DIFFER");
  return 0;
}

}  // namespace
}  // namespace freshet::query

int main(int argc, char** argv) { return freshet::query::Main(argc, argv); }
