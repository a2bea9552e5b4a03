// The TTL sweeper: an owner component (owner_component.h) that deletes expired DynamoDB items
// (tools/protocol/dynamodb_ttl.cc has the rules) and trims change-stream records past their 24 h
// retention, in the background of `freshet serve`.
//
// Bounded work: every kPassInterval, each table with TTL enabled gets one pass of at most
// kItemsPerPass items, continuing where its last pass stopped, so an expired item is deleted
// within about (items in its table / kItemsPerPass) x kPassInterval after it expires (one second
// for tables up to 2,000 items; 1 million items take about 8 minutes per round).
//
// Thread-safety: Start and Stop from the owner's main thread; the sweep runs on its own thread.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include "query/change_stream.h"
#include "tools/owner_component.h"
#include "tools/protocol/dynamodb_ttl.h"
#include "tools/protocol/engine.h"

namespace freshet::cli {
namespace {

constexpr auto kPassInterval = std::chrono::seconds(1);
constexpr size_t kItemsPerPass = 2000;

class TtlSweeper : public OwnerComponent {
 public:
  std::string_view name() const override { return "ttl-sweeper"; }

  Status Start(const OwnerEnv& env) override {
    FRESHET_ASSIGN_OR_RETURN(backend_, env.engine->Writer());
    thread_ = std::thread([this] { Run(); });
    return Status::OK();
  }

  void Stop() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  ~TtlSweeper() override { Stop(); }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      lock.unlock();
      Status s = Pass();
      if (!s.ok()) std::fprintf(stderr, "freshet: ttl sweep: %s\n", s.ToString().c_str());
      lock.lock();
      wake_.wait_for(lock, kPassInterval, [this] { return stopping_; });
    }
  }

  Status Pass() {
    FRESHET_ASSIGN_OR_RETURN(auto tables, backend_.tables->List());
    const double now_s = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    const bool trim = passes_++ % kPassesPerTrim == 0;
    for (const query::TableDescription& listed : tables) {
      if (trim && listed.stream.label_ms != 0) {
        const uint64_t now_ms = static_cast<uint64_t>(now_s * 1000);
        FRESHET_RETURN_IF_ERROR(
            query::TrimChanges(backend_.db, listed.id, now_ms - query::kChangeRetentionMs).status());
      }
      if (listed.ttl_attribute.empty()) continue;
      auto table = backend_.tables->Get(listed.name);  // stamped for AddRemove's staleness check
      if (!table.ok()) continue;                       // deleted meanwhile
      std::string& after = positions_[table->id];
      FRESHET_ASSIGN_OR_RETURN(
          protocol::dynamodb::TtlPass pass,
          protocol::dynamodb::SweepTable(*backend_.tables, backend_.db, *table, after, kItemsPerPass, now_s));
      after = pass.next_after;
    }
    return Status::OK();
  }

  static constexpr uint64_t kPassesPerTrim = 60;  // change records are trimmed about once a minute
  uint64_t passes_ = 0;
  protocol::Backend backend_;
  std::map<uint32_t, std::string> positions_;  // table id -> the item key the next pass starts after
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace

std::unique_ptr<OwnerComponent> MakeTtlSweeper() { return std::make_unique<TtlSweeper>(); }

}  // namespace freshet::cli
