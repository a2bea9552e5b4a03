// Power loss, white box, for the exactly-once consumer (built-in "sensors" pipeline: stream
// "sensors" -> table SensorData keyed by SensorId and CurrentTime, bad records to
// "sensors-dlq"). Puts and consumer steps run on a FaultInjectionFs and the power is cut at a
// random point. After every reopen the cursor and the table must agree: the items are exactly
// what the records up to the cursor make, and the dead letters exactly the bad records up to
// it. At the end, draining must give the same table and dead letters as one uninterrupted
// run over the same records.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "query/item.h"
#include "query/table_store.h"
#include "stream/consumer/consumer.h"
#include "stream/consumer/cursors.h"
#include "stream/consumer/pipeline_spec.h"
#include "tests/fault/fault_test_util.h"
#include "tests/test_util.h"

namespace freshet::test {
namespace {

using stream::Consumer;
using stream::PutRecord;

using Table = std::map<std::pair<std::string, std::string>, std::string>;  // (sensor, time) -> temperature

std::unique_ptr<Consumer> OpenConsumer(stream::StreamLog* log, size_t batch) {
  auto spec = stream::LoadPipeline("sensors");
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  if (!spec.ok()) return nullptr;
  stream::ConsumerOptions options;
  options.batch = batch;
  auto consumer = Consumer::Open(log, *spec, options);
  EXPECT_TRUE(consumer.ok()) << consumer.status().ToString();
  return consumer.ok() ? std::move(consumer.value()) : nullptr;
}

// Few sensors and times, so later records replace items earlier ones made; one in ten records
// is bad (not JSON, or no temperature) and must become a dead letter.
PutRecord MakeRecord(std::mt19937_64* rng) {
  const std::string sensor = "s" + std::to_string((*rng)() % 5);
  const std::string time = std::to_string(1700000000 + (*rng)() % 20);
  const std::string temp = std::to_string(static_cast<int>((*rng)() % 60) - 20);
  switch ((*rng)() % 20) {
    case 0: return {sensor, "not json " + temp, {}};
    case 1: return {sensor, R"({"sensor_id":")" + sensor + R"(","current_time":)" + time + "}", {}};
    default:
      return {
          sensor, R"({"sensor_id":")" + sensor + R"(","current_time":)" + time + R"(,"temperature":)" + temp + "}", {}};
  }
}

// What applying `records` in order makes; bad ones go to *dead (by sequence number).
Table Expected(const std::vector<stream::Record>& records, std::vector<uint64_t>* dead) {
  Table table;
  for (const auto& r : records) {
    auto j = nlohmann::json::parse(r.data, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.contains("temperature")) {
      dead->push_back(r.sequence);
      continue;
    }
    table[{j["sensor_id"].get<std::string>(), j["current_time"].dump()}] = j["temperature"].dump();
  }
  return table;
}

Table ScanTable(storage::Db* db) {
  Table out;
  query::TableStore tables(db);
  auto table = tables.Get("SensorData");
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  if (!table.ok()) return out;
  query::ScanRequest request;
  while (true) {
    auto page = tables.Scan(*table, request);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok()) return out;
    for (const query::Item& item : page->items) {
      const auto* sensor = item.Find("SensorId");
      const auto* time = item.Find("CurrentTime");
      const auto* temp = item.Find("Temperature");
      EXPECT_TRUE(sensor && time && temp);
      if (sensor && time && temp) out[{sensor->scalar(), time->scalar()}] = temp->scalar();
    }
    if (!page->next_token) return out;
    request.start_after = *page->next_token;
  }
}

// Dead letters as (sequence number, data) of the record each one reports.
std::vector<std::pair<uint64_t, std::string>> DeadLetters(const storage::Db& db, const Consumer& c) {
  std::vector<std::pair<uint64_t, std::string>> out;
  auto records = ReadWholeShard(db, c.dead_letter_stream(), 0);
  EXPECT_TRUE(records.ok()) << records.status().ToString();
  if (!records.ok()) return out;
  for (const auto& r : *records) {
    auto j = nlohmann::json::parse(r.data);
    out.emplace_back(std::stoull(j["sequence_number"].get<std::string>()), j["data"].get<std::string>());
  }
  return out;
}

// The cursor and the tables agree. Returns the cursor (0: none yet).
uint64_t VerifyConsistent(storage::Db* db, const Consumer& c) {
  auto cursor = stream::LoadCursor(*db, "sensors", c.stream().id, 0);
  EXPECT_TRUE(cursor.ok()) << cursor.status().ToString();
  const uint64_t upto = cursor.ok() && cursor.value() ? **cursor : 0;
  auto records = ReadWholeShard(*db, c.stream(), 0);
  EXPECT_TRUE(records.ok()) << records.status().ToString();
  if (!records.ok()) return upto;
  EXPECT_LE(upto, records->size()) << "cursor beyond the shard's tip";
  std::vector<stream::Record> applied(records->begin(), records->begin() + std::min<size_t>(upto, records->size()));
  std::vector<uint64_t> dead;
  EXPECT_EQ(ScanTable(db), Expected(applied, &dead)) << "items do not match the records up to cursor " << upto;
  std::vector<uint64_t> dead_seen;
  for (const auto& [seq, data] : DeadLetters(*db, c)) dead_seen.push_back(seq);
  EXPECT_EQ(dead_seen, dead) << "dead letters do not match the bad records up to cursor " << upto;
  return upto;
}

TEST(ConsumerPowerLossTest, CursorAndItemsStayConsistentAcrossCuts) {
  const uint64_t seed = Seed(4);
  std::mt19937_64 rng(seed);
  TempDir dir;
  {
    FaultDb f;
    ASSERT_TRUE(f.Open(dir.path(), true).ok());
    ASSERT_NE(OpenConsumer(f.log.get(), 10), nullptr);  // creates the streams and the table
  }
  uint64_t acked_records = 0, steps = 0, cursor_moves = 0, last_cursor = 0;
  const int iterations = Iterations(40);
  for (int it = 0; it < iterations; ++it) {
    SCOPED_TRACE("iteration " + std::to_string(it) + " seed " + std::to_string(seed));
    FaultDb f;
    Status s = f.Open(dir.path(), /*sync=*/true);
    ASSERT_TRUE(s.ok()) << s.ToString();
    auto consumer = OpenConsumer(f.log.get(), 1 + rng() % 20);
    ASSERT_NE(consumer, nullptr);
    uint64_t cursor = VerifyConsistent(f.db.get(), *consumer);
    auto records = ReadWholeShard(*f.db, consumer->stream(), 0);
    ASSERT_TRUE(records.ok());
    ASSERT_GE(records->size(), acked_records) << "acknowledged records lost";
    acked_records = records->size();  // survivors are durable now
    if (::testing::Test::HasFailure()) return;
    cursor_moves += cursor != last_cursor;
    last_cursor = cursor;

    f.fs->CutBefore(1 + rng() % 120);
    for (int op = 0; op < 40; ++op) {
      if (rng() % 2 == 0) {
        std::vector<PutRecord> batch;
        for (size_t i = 1 + rng() % 30; i > 0; --i) batch.push_back(MakeRecord(&rng));
        auto put = f.log->Put(consumer->stream(), batch);
        if (!put.ok()) break;
        acked_records += batch.size();
      } else {
        auto step = consumer->Step();
        if (!step.ok()) {
          EXPECT_EQ(step.status().code(), Status::Code::kIOError) << step.status().ToString();
          break;
        }
        ++steps;
      }
      if (rng() % 10 == 0 && !f.db->Flush().ok()) break;
    }
    consumer.reset();
    f.CutPower(it % 2 ? &rng : nullptr);
  }

  // Drain, then compare with one uninterrupted run over the same records.
  FaultDb f;
  ASSERT_TRUE(f.Open(dir.path(), true).ok());
  auto consumer = OpenConsumer(f.log.get(), 7);
  ASSERT_NE(consumer, nullptr);
  VerifyConsistent(f.db.get(), *consumer);
  ASSERT_TRUE(consumer->Drain(nullptr).ok());
  auto records = ReadWholeShard(*f.db, consumer->stream(), 0);
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(VerifyConsistent(f.db.get(), *consumer), records->size());

  TempDir ref_dir;
  auto ref_db = storage::Db::Open(ref_dir.path(), {});
  ASSERT_TRUE(ref_db.ok());
  stream::StreamLog ref_log(ref_db->get());
  auto ref = OpenConsumer(&ref_log, 1000);
  ASSERT_NE(ref, nullptr);
  for (size_t i = 0; i < records->size(); i += 500) {
    std::vector<PutRecord> batch;
    for (size_t j = i; j < std::min(records->size(), i + 500); ++j) {
      batch.push_back({(*records)[j].partition_key, (*records)[j].data, {}});
    }
    ASSERT_TRUE(ref_log.Put(ref->stream(), batch).ok());
  }
  ASSERT_TRUE(ref->Drain(nullptr).ok());
  EXPECT_EQ(ScanTable(f.db.get()), ScanTable(ref_db->get()));
  EXPECT_EQ(DeadLetters(*f.db, *consumer), DeadLetters(**ref_db, *ref));
  std::printf("%d cuts, %llu records, %llu consumer steps committed, cursor moved between %llu cuts\n", iterations,
              static_cast<unsigned long long>(records->size()), static_cast<unsigned long long>(steps),
              static_cast<unsigned long long>(cursor_moves));
  EXPECT_GT(cursor_moves, 0u);
}

}  // namespace
}  // namespace freshet::test
