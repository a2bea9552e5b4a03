#include "stream/consumer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <future>
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

Status Consumer::Refresh() {
  FRESHET_ASSIGN_OR_RETURN(StreamDescription now, log_->Get(stream_.name));
  if (now.id != stream_.id) {
    return Status::FailedPrecondition("consumer " + spec_.consumer + ": stream '" + stream_.name +
                                      "' was deleted and created again while it was consumed");
  }
  stream_ = std::move(now);
  shards_.resize(stream_.shard_count);
  return Status::OK();
}

bool Consumer::ParentsDone(uint32_t shard, const std::vector<bool>& ended) const {
  for (std::optional<uint32_t> p : {stream_.shards[shard].parent, stream_.shards[shard].adjacent_parent}) {
    if (p && !shards_[*p].finished && !ended[*p]) return false;
  }
  return true;
}

Result<ReadResult> Consumer::ReadBatch(uint32_t shard) {
  ShardState& st = shards_[shard];
  if (!st.loaded) {
    const ShardDescription& sd = stream_.shards[shard];
    FRESHET_ASSIGN_OR_RETURN(st.cursor, LoadCursor(*db_, spec_.consumer, stream_.id, shard));
    bool parent_consumed = false;
    for (std::optional<uint32_t> p : {sd.parent, sd.adjacent_parent}) parent_consumed |= p && shards_[*p].consumed;
    if (st.cursor) {
      st.next = *st.cursor + 1;
    } else if (parent_consumed) {
      FRESHET_ASSIGN_OR_RETURN(st.next, ResolvePosition(*db_, stream_, shard, Position{}));
    } else {
      FRESHET_ASSIGN_OR_RETURN(st.next, ResolvePosition(*db_, stream_, shard, options_.start));
    }
    st.consumed = st.cursor || parent_consumed || sd.open();
    st.loaded = true;
  }
  FRESHET_ASSIGN_OR_RETURN(auto page, ReadShardPage(*db_, stream_, shard, st.next, options_.batch));
  const auto& records = page.records;
  if (records.empty()) {
    FRESHET_ASSIGN_OR_RETURN(uint64_t horizon, TrimHorizon(*db_, stream_.id, shard));
    if (horizon > st.next) FRESHET_RETURN_IF_ERROR(CheckMissed(shard, horizon));
  } else {
    FRESHET_RETURN_IF_ERROR(CheckMissed(shard, records.front().sequence));
  }
  return page;
}

void Consumer::MapRecord(const Record& r, Mapped* out) const {
  out->status = mapper_->Map(r.data, &out->items);
  for (size_t i = 0; out->status.ok() && i < out->items.size(); ++i) {
    const auto& table = mapper_->tables()[out->items[i].target];
    out->status = tables_.ValidateItem(table, out->items[i].item);
    if (!out->status.ok()) break;
    auto key = tables_.EncodeItemKey(table, out->items[i].item);
    out->status = key.status();
    if (key.ok()) out->keys.push_back(std::move(key.value()));
  }
}

Result<size_t> Consumer::Step() {
  // 1. Read a batch from every shard whose parents are done, in index order (parents come
  // before their children, so a parent's last records precede its children's in the fold).
  FRESHET_RETURN_IF_ERROR(Refresh());
  std::vector<std::vector<Record>> per_shard(stream_.shard_count);
  std::vector<bool> ended(stream_.shard_count, false);  // closed shards whose end this step reaches
  std::vector<const Record*> records;
  for (uint32_t s = 0; s < stream_.shard_count; ++s) {
    if (shards_[s].finished || !ParentsDone(s, ended)) continue;
    FRESHET_ASSIGN_OR_RETURN(ReadResult page, ReadBatch(s));
    per_shard[s] = std::move(page.records);
    ended[s] = page.shard_end;
    for (const Record& r : per_shard[s]) records.push_back(&r);
  }
  bool any_end = std::find(ended.begin(), ended.end(), true) != ended.end();
  if (records.empty() && !any_end) return size_t{0};

  // 2. Map records to items on two threads (parsing dominates the CPU cost).
  std::vector<Mapped> mapped(records.size());
  auto map_range = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) MapRecord(*records[i], &mapped[i]);
  };
  if (records.size() >= 256) {
    size_t half = records.size() / 2;
    auto other = std::async(std::launch::async, map_range, half, records.size());
    map_range(0, half);
    other.get();
  } else {
    map_range(0, records.size());
  }

  // 3. Fold items in sequence order: put replaces, merge sets attributes on the committed item.
  struct Pending {
    size_t target;
    query::Item item;
  };
  std::vector<Pending> pending;
  std::unordered_map<std::string, size_t> index;  // encoded item key -> position in pending
  std::vector<PutRecord> dead;
  for (size_t r = 0; r < records.size(); ++r) {
    Mapped& m = mapped[r];
    if (!m.status.ok()) {
      dead.push_back({records[r]->partition_key, DeadLetterJson(*records[r], m.status.message()), std::nullopt});
      continue;
    }
    for (size_t i = 0; i < m.items.size(); ++i) {
      const TargetSpec& target = spec_.targets[m.items[i].target];
      auto found = index.find(m.keys[i]);
      if (target.mode == TargetSpec::Mode::kPut) {
        if (found != index.end()) {
          pending[found->second] = {m.items[i].target, std::move(m.items[i].item)};
        } else {
          index.emplace(std::move(m.keys[i]), pending.size());
          pending.push_back({m.items[i].target, std::move(m.items[i].item)});
        }
        continue;
      }
      if (found == index.end()) {
        FRESHET_ASSIGN_OR_RETURN(auto existing,
                                 tables_.GetItem(mapper_->tables()[m.items[i].target], m.items[i].item));
        found = index.emplace(std::move(m.keys[i]), pending.size()).first;
        pending.push_back({m.items[i].target, existing ? std::move(*existing) : query::Item()});
      }
      query::Item& into = pending[found->second].item;
      for (const auto& [name, value] : m.items[i].item) into.Set(name, value);
    }
  }

  // 4. One atomic write: items, every advanced cursor, dead letters.
  storage::Batch batch;
  for (const Pending& p : pending) {
    Status s = tables_.AddPut(mapper_->tables()[p.target], p.item, &batch);
    if (!s.ok()) {
      return s.WithContext("consumer " + spec_.consumer + ": merged item for table " +
                           mapper_->tables()[p.target].name);
    }
  }
  std::vector<std::optional<uint64_t>> cursors(stream_.shard_count);
  for (uint32_t s = 0; s < stream_.shard_count; ++s) {
    if (!per_shard[s].empty()) cursors[s] = per_shard[s].back().sequence;
    // The end of a shard this consumer read is committed, so a restart knows it is done.
    if (ended[s] && shards_[s].consumed) cursors[s] = *stream_.shards[s].ending_sequence;
    if (cursors[s] && cursors[s] != shards_[s].cursor) AddCursor(spec_.consumer, stream_.id, s, *cursors[s], &batch);
  }
  FRESHET_RETURN_IF_ERROR(db_->Write(&batch, [&](storage::Batch* b) {
    if (dead.empty()) return Status::OK();
    return log_->AppendRecords(dlq_, dead, NowMs(), b, nullptr);
  }));
  if (!dead.empty()) log_->NotifyPut();
  for (uint32_t s = 0; s < stream_.shard_count; ++s) {
    if (!per_shard[s].empty()) shards_[s].next = per_shard[s].back().sequence + 1;
    if (cursors[s]) shards_[s].cursor = cursors[s];
    if (ended[s]) shards_[s].finished = true;
  }
  stats_.records_read += records.size();
  stats_.items_written += pending.size();
  stats_.rejected += dead.size();
  ++stats_.batches;
  return records.size();
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
