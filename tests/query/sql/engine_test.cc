// query/sql Engine: columns and types, key pushdown (keys read and EXPLAIN QUERY PLAN), joins,
// one snapshot per statement under concurrent writes, writes refused, one-line errors, streams.
#include "query/sql/engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "query/item_json.h"
#include "stream/stream_log.h"
#include "tests/query/query_test_util.h"

namespace freshet::query::sql {
namespace {

class EngineTest : public StoreTest {
 protected:
  void Put(const TableDescription& t, const std::string& json) {
    auto item = ParseItemJson(json);
    ASSERT_TRUE(item.ok()) << item.status().ToString();
    ASSERT_TRUE(store_->PutItem(t, *item).ok());
  }
  // Station-days of a weather-shaped table: 3 stations x 90 days (2020-01-01 .. 2020-03-30).
  TableDescription Weather() {
    TableDescription t = MakeTable("weather", "station:S", "date:S");
    storage::Batch batch;
    for (int s = 0; s < 3; ++s) {
      for (int m = 1; m <= 3; ++m) {
        for (int d = 1; d <= 30; ++d) {
          char date[16];
          std::snprintf(date, sizeof(date), "2020-%02d-%02d", m, d);
          Item item;
          item.Set("station", AttributeValue::S("ST" + std::to_string(s)));
          item.Set("date", AttributeValue::S(date));
          item.Set("PRCP", AttributeValue::N(std::to_string(d % 4) + ".5"));
          item.Set("TMAX", AttributeValue::N(std::to_string(s * 10 + d)));
          EXPECT_TRUE(store_->AddPut(t, item, &batch).ok());
        }
      }
    }
    EXPECT_TRUE(db_->Write(&batch).ok());
    return t;
  }
  std::unique_ptr<Engine> Open() {
    auto e = Engine::Open(db_.get());
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? std::move(e).value() : nullptr;
  }
  static std::string Cell(const SqlResult& r, size_t row, size_t col) {
    const SqlValue& v = r.rows.at(row).at(col);
    switch (v.kind) {
      case SqlValue::Kind::kNull: return "NULL";
      case SqlValue::Kind::kInteger: return "i:" + std::to_string(v.integer);
      case SqlValue::Kind::kReal: {
        char buf[64];
        std::snprintf(buf, sizeof(buf), "r:%g", v.real);
        return buf;
      }
      case SqlValue::Kind::kText: return "t:" + v.bytes;
      case SqlValue::Kind::kBlob: return "b:" + v.bytes;
    }
    return "";
  }
};

TEST_F(EngineTest, ColumnsAreKeysThenAttributesThenTheItemAsJsonWithSqlTypes) {
  TableDescription t = MakeTable("things", "id:N", "");
  Put(t, R"({"id":{"N":"1"},"s":{"S":"x"},"n":{"N":"2.50"},"big":{"N":"12345678901234567890.5"},
            "b":{"B":"AAE="},"ok":{"BOOL":true},"nil":{"NULL":true},"m":{"M":{"a":{"L":[{"N":"1"},{"S":"z"}]}}}})");
  auto e = Open();
  auto r = e->Query("SELECT * FROM things");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->columns, (std::vector<std::string>{"id", "b", "big", "m", "n", "nil", "ok", "s", "item"}));
  ASSERT_EQ(r->rows.size(), 1u);
  EXPECT_EQ(Cell(*r, 0, 0), "i:1");
  EXPECT_EQ(Cell(*r, 0, 1), std::string("b:") + '\0' + '\1');
  EXPECT_EQ(Cell(*r, 0, 2), "t:12345678901234567890.5");  // more than 15 digits: text
  EXPECT_EQ(Cell(*r, 0, 3), R"(t:{"a":[1,"z"]})");
  EXPECT_EQ(Cell(*r, 0, 4), "r:2.5");
  EXPECT_EQ(Cell(*r, 0, 5), "NULL");
  EXPECT_EQ(Cell(*r, 0, 6), "i:1");
  EXPECT_EQ(Cell(*r, 0, 7), "t:x");
  auto j = e->Query("SELECT json_extract(item, '$.m.a[1]'), json_extract(m, '$.a[0]') + 1 FROM things");
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ(Cell(*j, 0, 0), "t:z");
  EXPECT_EQ(Cell(*j, 0, 1), "i:2");
}

// The item column is written straight from the stored bytes; it must equal ItemToPlainJson of
// the item, key attributes included at their places in name order.
TEST_F(EngineTest, ItemColumnEqualsThePlainJsonOfTheItem) {
  TableDescription t = MakeTable("mixed", "m:S", "b:N");
  const char* items[] = {
      R"({"m":{"S":"k\"1"},"b":{"N":"-1.50"},"a":{"S":"x"},"c":{"L":[{"N":"1"},{"M":{"z":{"NULL":true}}}]},
          "n":{"NS":["1","2.5"]},"s":{"SS":["p","q"]},"y":{"B":"AAE="},"bs":{"BS":["AQ=="]},"t":{"BOOL":false}})",
      R"({"m":{"S":"k2"},"b":{"N":"7"}})", R"({"m":{"S":"k3"},"b":{"N":"1E+40"},"zz":{"S":"\u00e9\n"}})"};
  std::vector<std::string> expected;
  for (const char* json : items) {
    auto item = ParseItemJson(json);
    ASSERT_TRUE(item.ok()) << item.status().ToString();
    ASSERT_TRUE(store_->PutItem(t, *item).ok());
    Item stored = *store_->GetItem(t, *item).value();
    expected.push_back(ItemToPlainJson(stored));
  }
  auto e = Open();
  auto r = e->Query("SELECT item FROM mixed ORDER BY m");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->rows.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(r->rows[i][0].bytes, expected[i]);
}

// Numbers become the same doubles strtod gives (the fast decimal path), integers stay integers.
TEST_F(EngineTest, NumbersConvertExactly) {
  TableDescription t = MakeTable("nums", "k:N", "");
  const char* texts[] = {"0.1",  "-2.675", "123456789012345", "1234567890123456", "0.000001", "3.14159265358979",
                         "1E+3", "-0",     "22.80",           "9007199254740993", "1.5E+100", "-0.123456789012345"};
  for (size_t i = 0; i < std::size(texts); ++i) {
    Item item;
    item.Set("k", AttributeValue::N(std::to_string(i)));
    item.Set("v", AttributeValue::N(texts[i]));
    ASSERT_TRUE(store_->PutItem(t, item).ok()) << texts[i];
  }
  auto e = Open();
  auto r = e->Query("SELECT v FROM nums ORDER BY k");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->rows.size(), std::size(texts));
  for (size_t i = 0; i < std::size(texts); ++i) {
    const SqlValue& v = r->rows[i][0];
    const std::string text = texts[i];
    if (text.find_first_of(".E") == std::string::npos) {
      ASSERT_EQ(v.kind, SqlValue::Kind::kInteger) << text;
      EXPECT_EQ(v.integer, std::stoll(text)) << text;
    } else {
      ASSERT_EQ(v.kind, SqlValue::Kind::kReal) << text;
      EXPECT_EQ(v.real, std::strtod(texts[i], nullptr)) << text;
    }
  }
}

TEST_F(EngineTest, StationMonthReadsOnlyItsKeysAndExplainShowsTheConstraint) {
  Weather();
  auto e = Open();
  const std::string where = " FROM weather WHERE station = 'ST1' AND date BETWEEN '2020-02-01' AND '2020-02-31'";
  auto plan = e->Query("EXPLAIN QUERY PLAN SELECT *" + where);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_NE(Cell(*plan, 0, 3).find("station=? AND date>=? AND date<=?"), std::string::npos) << Cell(*plan, 0, 3);
  storage::StartKeyReadCount();
  auto r = e->Query("SELECT date, TMAX" + where);
  const uint64_t keys = storage::KeysReadSinceStart();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->rows.size(), 30u);
  EXPECT_EQ(Cell(*r, 0, 0), "t:2020-02-01");
  EXPECT_EQ(Cell(*r, 29, 1), "i:40");
  EXPECT_LE(keys, r->rows.size() + 1);

  for (const char* month : {"date LIKE '2020-03%'", "date GLOB '2020-03*'", "date >= '2020-03' AND date < '2020-04'"}) {
    storage::StartKeyReadCount();
    auto m = e->Query(std::string("SELECT count(*), sum(PRCP) FROM weather WHERE station = 'ST2' AND ") + month);
    const uint64_t read = storage::KeysReadSinceStart();
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(Cell(*m, 0, 0), "i:30") << month;
    EXPECT_EQ(Cell(*m, 0, 1), "r:60") << month;  // 8 x (0.5+1.5+2.5+3.5) - 0.5 + 0.5... = 60
    EXPECT_LE(read, 31u) << month;
  }
  // A condition that cannot be pushed down still gives the right answer (SQLite filters).
  auto all = e->Query("SELECT count(*) FROM weather WHERE date LIKE '%-15'");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Cell(*all, 0, 0), "i:9");
}

TEST_F(EngineTest, NumericSortKeyRangesMatchSqlComparisons) {
  TableDescription t = MakeTable("series", "k:S", "at:N");
  for (const char* at : {"-2", "0.1", "0.3", "1", "1.5", "2", "10", "100"}) {
    Put(t, std::string(R"({"k":"a","at":)") + at + "}");
  }
  auto e = Open();
  const std::pair<const char*, const char*> cases[] = {
      {"at > 0.1", "6"}, {"at >= 0.1", "7"},           {"at < 1.5", "4"},       {"at <= 1.5", "5"},
      {"at = 0.3", "1"}, {"at BETWEEN 1 AND 10", "4"}, {"at > 0.1 + 0.2", "5"}, {"at >= '2'", "3"}};
  for (const auto& [cond, count] : cases) {
    auto r = e->Query(std::string("SELECT count(*) FROM series WHERE k = 'a' AND ") + cond);
    ASSERT_TRUE(r.ok()) << cond << ": " << r.status().ToString();
    EXPECT_EQ(Cell(*r, 0, 0), std::string("i:") + count) << cond;
  }
}

TEST_F(EngineTest, JoinsAcrossTwoTables) {
  Weather();
  TableDescription stations = MakeTable("stations", "station:S", "");
  Put(stations, R"({"station":"ST0","name":"Zero"})");
  Put(stations, R"({"station":"ST2","name":"Two"})");
  auto e = Open();
  auto r = e->Query(
      "SELECT s.name, max(w.TMAX), count(*) FROM stations s JOIN weather w ON w.station = s.station "
      "WHERE w.date LIKE '2020-01%' GROUP BY s.name ORDER BY s.name");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(Cell(*r, 0, 0), "t:Two");
  EXPECT_EQ(Cell(*r, 0, 1), "i:50");
  EXPECT_EQ(Cell(*r, 0, 2), "i:30");
  EXPECT_EQ(Cell(*r, 1, 0), "t:Zero");
  EXPECT_EQ(Cell(*r, 1, 1), "i:30");
}

// A writer adds items in pairs (one batch each) while statements read the table three times;
// each statement must see one state: all three reads equal, and an even count. Statement i
// starts only after the writer has committed i batches, so the table really grows under them.
TEST_F(EngineTest, OneStatementSeesOneSnapshotWhileTheTableIsWritten) {
  TableDescription t = MakeTable("live", "k:N", "");
  auto e = Open();
  std::atomic<bool> stop{false};
  std::atomic<int> batches{0};
  std::thread writer([&] {
    for (int i = 0; !stop; i += 2) {
      storage::Batch batch;
      for (int j : {i, i + 1}) {
        Item item;
        item.Set("k", AttributeValue::N(std::to_string(j)));
        item.Set("v", AttributeValue::N("1"));
        ASSERT_TRUE(store_->AddPut(t, item, &batch).ok());
      }
      ASSERT_TRUE(db_->Write(&batch).ok());
      ++batches;
      std::this_thread::sleep_for(std::chrono::microseconds(100));  // keep the table small
    }
  });
  int64_t last = 0;
  // The checks run in a lambda so that a failed ASSERT still stops and joins the writer.
  [&] {
    for (int i = 0; i < 50; ++i) {
      while (batches.load() < i) std::this_thread::yield();
      auto r = e->Query(
          "SELECT (SELECT count(*) FROM live), (SELECT count(*) FROM live a JOIN live b ON a.k = b.k), "
          "(SELECT count(*) FROM live)");
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      const int64_t a = r->rows[0][0].integer, b = r->rows[0][1].integer, c = r->rows[0][2].integer;
      ASSERT_EQ(a, b);
      ASSERT_EQ(a, c);
      ASSERT_EQ(a % 2, 0);
      ASSERT_GE(a, 2 * i);
      last = a;
    }
  }();
  stop = true;
  writer.join();
  EXPECT_GE(last, 98);
}

TEST_F(EngineTest, WritesAreRefusedWithOneLineNamingTheTable) {
  Weather();
  auto e = Open();
  for (const char* sql :
       {"INSERT INTO weather(station, date) VALUES ('x', 'y')", "DELETE FROM weather", "UPDATE weather SET PRCP = 1"}) {
    auto r = e->Query(sql);
    ASSERT_FALSE(r.ok()) << sql;
    EXPECT_EQ(r.status().message(), "freshet sql is read-only: table weather cannot be modified") << sql;
  }
  for (const char* sql : {"CREATE TABLE t(a)", "CREATE TEMP TABLE t(a)", "ATTACH ':memory:' AS x"}) {
    auto r = e->Query(sql);
    ASSERT_FALSE(r.ok()) << sql;
    EXPECT_NE(r.status().message().find("freshet sql is read-only"), std::string::npos) << r.status().message();
  }
  auto after = e->Query("SELECT count(*) FROM weather");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(Cell(*after, 0, 0), "i:270");
}

TEST_F(EngineTest, ErrorsAreOneLineNamingWhat) {
  Weather();
  auto e = Open();
  auto unknown = e->Query("SELECT * FROM nosuch");
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(unknown.status().IsNotFound());
  EXPECT_EQ(unknown.status().message().rfind("no such table: nosuch", 0), 0u) << unknown.status().message();
  auto syntax = e->Query("SELEC * FROM weather");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.status().message(), "near \"SELEC\": syntax error");
  auto column = e->Query("SELECT nosuch FROM weather");
  ASSERT_FALSE(column.ok());
  EXPECT_EQ(column.status().message(), "no such column: nosuch");
  auto two = e->Query("SELECT 1; SELECT 2");
  ASSERT_FALSE(two.ok());
  for (const auto& r : {unknown, syntax, column, two}) {
    EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  }
}

TEST_F(EngineTest, StreamsAreTablesOfTheirRecords) {
  stream::StreamLog log(db_.get());
  auto s = log.Create("events", 2, 24);
  ASSERT_TRUE(s.ok());
  std::vector<stream::PutRecord> records = {{"a", R"({"n":1})", std::nullopt},
                                            {"b", R"({"n":2})", std::nullopt},
                                            {"c", std::string("\xff\x00", 2), std::nullopt}};
  ASSERT_TRUE(log.Put(*s, records).ok());
  auto e = Open();
  auto r = e->Query(
      "SELECT partition_key, iif(typeof(data) = 'text', json_extract(data, '$.n'), NULL), typeof(data), "
      "shard_id LIKE 'shardId-%', "
      "sequence_number > 0, arrival_time > 0, arrival_time_iso LIKE '____-__-__T__:__:__.___Z' "
      "FROM stream_events ORDER BY partition_key");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->rows.size(), 3u);
  EXPECT_EQ(Cell(*r, 0, 0), "t:a");
  EXPECT_EQ(Cell(*r, 1, 1), "i:2");
  EXPECT_EQ(Cell(*r, 1, 2), "t:text");
  EXPECT_EQ(Cell(*r, 2, 2), "t:blob");
  for (size_t c = 3; c < 7; ++c) EXPECT_EQ(Cell(*r, 0, c), "i:1") << c;
}

}  // namespace
}  // namespace freshet::query::sql
