#include "stream/consumer.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <unordered_map>

#include "query/item_json.h"
#include "stream/cursors.h"
#include "stream/shard_router.h"

namespace freshet::stream {

namespace {

constexpr uint32_t kDeadLetterRetentionHours = 7 * 24;

// The dead-letter record: where the record came from, why it was rejected, and its data.
std::string DeadLetterJson(const Record& r, const std::string& reason) {
  nlohmann::json j = {{"shard_id", ShardId(r.shard)},
                      {"sequence_number", std::to_string(r.sequence)},
                      {"partition_key", r.partition_key},
                      {"arrival_ms", r.arrival_ms},
                      {"reason", reason}};
  j["data"] = r.data;
  try {
    return j.dump();
  } catch (const nlohmann::json::type_error&) {  // data is not UTF-8
    j["data"] = query::EncodeBase64(r.data);
    j["encoding"] = "base64";
    return j.dump();
  }
}

}  // namespace

Consumer::Consumer(StreamLog* log, PipelineSpec spec, ConsumerOptions options)
    : log_(log), db_(log->db()), spec_(std::move(spec)), options_(std::move(options)), tables_(log->db()) {}

Result<std::unique_ptr<Consumer>> Consumer::Open(StreamLog* log, PipelineSpec spec, ConsumerOptions options) {
  std::unique_ptr<Consumer> c(new Consumer(log, std::move(spec), std::move(options)));
  FRESHET_RETURN_IF_ERROR(c->Resolve());
  return c;
}

Status Consumer::Resolve() {
  auto get_or_create = [&](const std::string& name, uint32_t shards, uint32_t retention,
                           bool create) -> Result<StreamDescription> {
    auto d = log_->Get(name);
    if (d.ok() || !d.status().IsNotFound() || !create) return d;
    auto created = log_->Create(name, shards, retention);
    if (created.ok() || created.status().code() != Status::Code::kAlreadyExists) return created;
    return log_->Get(name);
  };
  FRESHET_ASSIGN_OR_RETURN(stream_, get_or_create(spec_.stream, spec_.stream_shards, kDefaultRetentionHours,
                                                  spec_.create_if_missing));
  FRESHET_ASSIGN_OR_RETURN(dlq_, get_or_create(spec_.dead_letter_stream, 1, kDeadLetterRetentionHours, true));
  std::vector<query::TableDescription> tables;
  for (const TargetSpec& t : spec_.targets) {
    auto table = tables_.Get(t.table);
    if (!table.ok() && table.status().IsNotFound() && spec_.create_if_missing && t.key_schema) {
      table = tables_.Create(*t.key_schema);
      if (!table.ok() && table.status().code() == Status::Code::kAlreadyExists) table = tables_.Get(t.table);
    }
    if (!table.ok()) return table.status();
    const query::TableDescription& d = *table;
    size_t want = d.sort_key ? 2 : 1;
    bool ok = t.key.size() == want;
    for (const auto& k : t.key) {
      ok = ok && (k.name_template == d.partition_key.name || (d.sort_key && k.name_template == d.sort_key->name));
    }
    if (!ok) {
      return Status::InvalidArgument("pipeline '" + spec_.consumer + "': the key of target table '" + t.table +
                                     "' must map exactly its key attributes (" + d.partition_key.name +
                                     (d.sort_key ? ", " + d.sort_key->name : "") + ")");
    }
    tables.push_back(d);
  }
  mapper_ = std::make_unique<RecordMapper>(&spec_, std::move(tables));
  shards_.assign(stream_.shard_count, ShardState{});
  return Status::OK();
}

Status Consumer::CheckMissed(uint32_t shard, uint64_t first_available) {
  ShardState& st = shards_[shard];
  if (first_available <= st.next) return Status::OK();
  FRESHET_ASSIGN_OR_RETURN(uint64_t horizon, TrimHorizon(*db_, stream_.id, shard));
  if (horizon <= st.next) return Status::OK();  // a gap left by a failed write, not retention
  uint64_t missed = std::min(first_available, horizon) - st.next;
  stats_.missed += missed;
  if (options_.notice) {
    options_.notice("consumer " + spec_.consumer + ": " + std::to_string(missed) + " records of " +
                    ShardId(shard) + " were removed by retention before they were applied; continuing from "
                    "the trim horizon (sequence " + std::to_string(horizon) + ")");
  }
  st.next = std::min(first_available, horizon);
  return Status::OK();
}

Result<size_t> Consumer::StepShard(uint32_t shard) {
  ShardState& st = shards_[shard];
  if (!st.loaded) {
    FRESHET_ASSIGN_OR_RETURN(auto cursor, LoadCursor(*db_, spec_.consumer, stream_.id, shard));
    if (cursor) {
      st.next = *cursor + 1;
    } else {
      FRESHET_ASSIGN_OR_RETURN(st.next, ResolvePosition(*db_, stream_, shard, options_.start));
    }
    st.loaded = true;
  }
  FRESHET_ASSIGN_OR_RETURN(auto records, ReadShard(*db_, stream_, shard, st.next, options_.batch));
  if (records.empty()) {
    FRESHET_ASSIGN_OR_RETURN(uint64_t horizon, TrimHorizon(*db_, stream_.id, shard));
    if (horizon > st.next) FRESHET_RETURN_IF_ERROR(CheckMissed(shard, horizon));
    return size_t{0};
  }
  FRESHET_RETURN_IF_ERROR(CheckMissed(shard, records.front().sequence));

  struct Pending {
    size_t target;
    query::Item item;
  };
  std::vector<Pending> pending;
  std::unordered_map<std::string, size_t> index;  // encoded item key -> position in pending
  std::vector<PutRecord> dead;
  std::vector<MappedItem> mapped;
  std::vector<std::string> keys;
  for (const Record& r : records) {
    mapped.clear();
    keys.clear();
    Status s = mapper_->Map(r.data, &mapped);
    for (size_t i = 0; s.ok() && i < mapped.size(); ++i) {
      const auto& table = mapper_->tables()[mapped[i].target];
      s = tables_.ValidateItem(table, mapped[i].item);
      if (!s.ok()) break;
      auto key = tables_.EncodeItemKey(table, mapped[i].item);
      s = key.status();
      if (s.ok()) keys.push_back(std::move(key.value()));
    }
    if (!s.ok()) {
      dead.push_back({r.partition_key, DeadLetterJson(r, s.message()), std::nullopt});
      continue;
    }
    for (size_t i = 0; i < mapped.size(); ++i) {
      const TargetSpec& target = spec_.targets[mapped[i].target];
      auto found = index.find(keys[i]);
      if (target.mode == TargetSpec::Mode::kPut) {
        if (found != index.end()) {
          pending[found->second] = {mapped[i].target, std::move(mapped[i].item)};
        } else {
          index.emplace(keys[i], pending.size());
          pending.push_back({mapped[i].target, std::move(mapped[i].item)});
        }
        continue;
      }
      if (found == index.end()) {
        FRESHET_ASSIGN_OR_RETURN(auto existing,
                                 tables_.GetItem(mapper_->tables()[mapped[i].target], mapped[i].item));
        found = index.emplace(keys[i], pending.size()).first;
        pending.push_back({mapped[i].target, existing ? std::move(*existing) : query::Item()});
      }
      query::Item& into = pending[found->second].item;
      for (const auto& [name, value] : mapped[i].item) into.Set(name, value);
    }
  }

  storage::Batch batch;
  for (const Pending& p : pending) {
    Status s = tables_.AddPut(mapper_->tables()[p.target], p.item, &batch);
    if (!s.ok()) {
      return s.WithContext("consumer " + spec_.consumer + ": merged item for table " +
                           mapper_->tables()[p.target].name);
    }
  }
  const uint64_t last = records.back().sequence;
  AddCursor(spec_.consumer, stream_.id, shard, last, &batch);
  FRESHET_RETURN_IF_ERROR(db_->Write(&batch, [&](storage::Batch* b) {
    if (dead.empty()) return Status::OK();
    return log_->AppendRecords(dlq_, dead, NowMs(), b, nullptr);
  }));
  if (!dead.empty()) log_->NotifyPut();
  st.next = last + 1;
  stats_.records_read += records.size();
  stats_.items_written += pending.size();
  stats_.rejected += dead.size();
  ++stats_.batches;
  return records.size();
}

Result<size_t> Consumer::Step() {
  size_t total = 0;
  for (uint32_t s = 0; s < stream_.shard_count; ++s) {
    FRESHET_ASSIGN_OR_RETURN(size_t n, StepShard(s));
    total += n;
  }
  return total;
}

Status Consumer::Drain(const std::function<bool()>& stop) {
  while (!stop || !stop()) {
    FRESHET_ASSIGN_OR_RETURN(size_t n, Step());
    if (n == 0) break;
  }
  return Status::OK();
}

Status Consumer::Follow(const std::function<bool()>& stop, const std::function<void()>& on_idle) {
  auto last_trim = std::chrono::steady_clock::now() - std::chrono::hours(1);
  while (!stop()) {
    if (std::chrono::steady_clock::now() - last_trim > std::chrono::minutes(1)) {
      FRESHET_RETURN_IF_ERROR(log_->TrimExpired(stream_, NowMs()).status());
      last_trim = std::chrono::steady_clock::now();
    }
    uint64_t version = log_->put_version();
    FRESHET_ASSIGN_OR_RETURN(size_t n, Step());
    if (n > 0) continue;
    if (on_idle) on_idle();
    // Puts in this process wake us at once; the timeout bounds how long a stop request waits.
    log_->WaitForPut(version, 100);
  }
  return Status::OK();
}

}  // namespace freshet::stream
