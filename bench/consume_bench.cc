// Consumer throughput: N weather observations (one record per station, day and element, as
// ingest writes them) in a 4-shard stream, consumed into the weather table by the built-in
// `weather` pipeline (merge mode), batches of 1000 records per shard, each step synced.
// In the same run, raw RocksDB does equivalent work: for each batch, read each touched item
// key, write the merged items plus a cursor key in one synced WriteBatch.
//
// Usage: consume_bench [--records N] [--batch N] [--no-sync]
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <map>

#include "bench/bench_util.h"
#include "stream/consumer.h"

using namespace freshet;

namespace {

struct Obs {
  std::string station, date, element, value;
};

std::vector<Obs> MakeObservations(size_t n) {
  const char* elements[] = {"PRCP", "SNOW", "SNWD", "TMAX", "TMIN"};
  std::vector<Obs> out;
  out.reserve(n);
  for (size_t i = 0; out.size() < n; ++i) {
    size_t station = i / 365, day = i % 365;
    char date[16];
    std::snprintf(date, sizeof date, "2017-%02zu-%02zu", 1 + day / 31 % 12, 1 + day % 28);
    for (const char* e : elements) {
      if (out.size() == n) break;
      out.push_back({"USC00" + std::to_string(100000 + station), date, e, std::to_string(i % 500) + ".3"});
    }
  }
  return out;
}

std::string ObsJson(const Obs& o) {
  return R"({"station":")" + o.station + R"(","date":")" + o.date + R"(","element":")" + o.element +
         R"(","value":")" + o.value + R"(","sflag":"N","source":"bench"})";
}

double RunFreshet(const std::vector<Obs>& obs, size_t batch, bool sync, uint64_t* items) {
  bench::BenchDir dir("consume");
  storage::OpenOptions options;
  options.sync = false;  // loading the stream is not what is measured
  {
    auto db = std::move(storage::Db::Open(dir.path(), options).value());
    stream::StreamLog log(db.get());
    auto d = log.Create("weather", 4, 24).value();
    std::vector<stream::PutRecord> records;
    for (const Obs& o : obs) {
      records.push_back({o.station, ObsJson(o), std::nullopt});
      if (records.size() == 500) {
        if (!log.Put(d, records).ok()) std::exit(1);
        records.clear();
      }
    }
    if (!records.empty() && !log.Put(d, records).ok()) std::exit(1);
    if (!db->Flush().ok()) std::exit(1);
  }
  options.sync = sync;
  auto db = std::move(storage::Db::Open(dir.path(), options).value());
  stream::StreamLog log(db.get());
  stream::ConsumerOptions copts;
  copts.batch = batch;
  auto consumer = std::move(stream::Consumer::Open(&log, stream::LoadPipeline("weather").value(), copts).value());
  auto start = std::chrono::steady_clock::now();
  Status s = consumer->Drain(nullptr);
  double secs = bench::Seconds(start);
  if (!s.ok() || consumer->stats().records_read != obs.size()) {
    std::fprintf(stderr, "consume failed: %s (%llu records)\n", s.ToString().c_str(),
                 static_cast<unsigned long long>(consumer->stats().records_read));
    std::exit(1);
  }
  *items = consumer->stats().items_written;
  return static_cast<double>(obs.size()) / secs;
}

// The same item keys and sizes, batched the same way, with one read per touched item.
double RunRaw(const std::vector<Obs>& obs, size_t batch, bool sync) {
  bench::BenchDir dir("raw-consume");
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, dir.path(), &raw).ok()) std::exit(1);
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  auto start = std::chrono::steady_clock::now();
  std::string existing;
  // 4 shards, each consumed in batches of `batch` records: about the same number of writes.
  const size_t step = batch * 4;
  for (size_t i = 0; i < obs.size(); i += step) {
    std::map<std::string, std::string> merged;
    for (size_t j = i; j < std::min(i + step, obs.size()); ++j) {
      std::string key = obs[j].station + '\0' + obs[j].date;
      auto it = merged.find(key);
      if (it == merged.end()) {
        rocksdb::Status s = raw->Get(rocksdb::ReadOptions(), key, &existing);
        it = merged.emplace(key, s.ok() ? existing : std::string()).first;
      }
      it->second += obs[j].element + "=" + obs[j].value + ";sflag=N;";
    }
    rocksdb::WriteBatch wb;
    for (auto& [k, v] : merged) wb.Put(k, v).PermitUncheckedError();
    wb.Put("cursor", std::to_string(i)).PermitUncheckedError();
    if (!raw->Write(wo, &wb).ok()) std::exit(1);
  }
  double rate = static_cast<double>(obs.size()) / bench::Seconds(start);
  delete raw;
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = 1000000, batch = 1000;
  bool sync = true;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--records") && i + 1 < argc) n = std::strtoull(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--batch") && i + 1 < argc) batch = std::strtoull(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--no-sync")) sync = false;
    else {
      std::fprintf(stderr, "usage: %s [--records N] [--batch N] [--no-sync]\n", argv[0]);
      return 2;
    }
  }
  auto obs = MakeObservations(n);
  std::printf("machine: %s\n", bench::Machine().c_str());
  std::printf("workload: %zu observations, 4 shards, weather pipeline (merge), batch %zu per shard, sync: %s\n", n,
              batch, sync ? "yes" : "no");
  double raw = RunRaw(obs, batch, sync);
  uint64_t items = 0;
  double freshet = RunFreshet(obs, batch, sync, &items);
  std::printf("raw rocksdb (read + merged write): %10.0f records/s\n", raw);
  std::printf("freshet consume:                   %10.0f records/s (%llu item writes; target >= 300000)\n", freshet,
              static_cast<unsigned long long>(items));
  std::printf("ratio:                             %10.2f\n", freshet / raw);
  return 0;
}
