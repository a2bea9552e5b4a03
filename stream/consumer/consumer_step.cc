// Consumer: one step (read, map, fold, encode, write), the next built while this one is written.
//
// A step's items are folded in sequence order into entries, one per item key, as encoded values
// (never decoded): a put replaces the entry's value, a merge sets its encoded attributes on it
// (item_value_merge.h). The base of a merged entry is, in this order: the same key's value from
// the step before (whose write may still be in flight, so the database does not have it yet),
// or the committed value read from the database, or nothing. Memory holds two steps' values.
// Mapping and the reads of the bases run on the pool; the fold itself is sequential because
// its order is the records' order. An aggregate target's entry is decoded into an Item once per
// step, every record of the step updates that Item in memory (aggregate.h), and it is encoded
// once at the end: a group hit by many records of a step is read and written once.
#include <algorithm>
#include <atomic>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>

#include "query/item_codec.h"
#include "query/item_json.h"
#include "query/table_store.h"
#include "stream/consumer/aggregate.h"
#include "stream/consumer/consumer.h"
#include "stream/consumer/cursors.h"
#include "stream/consumer/item_value_merge.h"
#include "stream/shard_router.h"

namespace freshet::stream {
namespace {

// About how many slices a parallel loop is cut into (the pool and the caller take them).
constexpr size_t kSlices = 8;

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

struct Consumer::Prepared {
  struct Entry {
    size_t target = 0;
    std::string key;    // encoded item key
    std::string value;  // the encoded item as it will be written
    // The value of this key written by the step before (still in flight): the merge base.
    const std::string* base = nullptr;
    bool touched = false;  // an operation applied: the entry is written
    // Aggregate targets: the group's item, decoded once from `value` on first use and encoded
    // back into `value` at the end of the fold.
    bool decoded = false;
    query::Item group;
  };
  struct Mapped {
    Status status;
    std::vector<MappedItem> items;
  };

  std::vector<ShardState> saved;  // every shard's state before this step read
  std::vector<std::vector<Record>> per_shard;
  std::vector<bool> ended;  // closed shards whose end this step reaches
  bool any_end = false;
  std::vector<const Record*> records;  // in step order: shard by shard, each in sequence order
  std::vector<Entry> entries;
  std::unordered_map<std::string_view, size_t> index;  // entry key -> position in entries
  std::vector<PutRecord> dead;
  storage::Batch batch;  // items and cursors; dead letters are added inside the Write
};

void Consumer::PreparedDeleter::operator()(Prepared* p) const { delete p; }

void Consumer::RestorePositions(const Prepared& step) {
  // Shards that appeared since (a reshard) are loaded afresh by the next Refresh.
  if (!step.saved.empty() || shards_.empty()) shards_ = step.saved;
}

Status Consumer::Prepare(Prepared* prev, Prepared* out) {
  out->saved = shards_;
  // Read a batch from every shard whose parents are done, in index order (parents come before
  // their children, so a parent's last records precede its children's in the fold).
  FRESHET_RETURN_IF_ERROR(Refresh());
  out->per_shard.resize(stream_.shard_count);
  out->ended.assign(stream_.shard_count, false);
  for (uint32_t s = 0; s < stream_.shard_count; ++s) {
    if (shards_[s].finished || !ParentsDone(s, out->ended)) continue;
    FRESHET_ASSIGN_OR_RETURN(ReadResult page, ReadBatch(s));
    out->per_shard[s] = std::move(page.records);
    out->ended[s] = page.shard_end;
    out->any_end |= page.shard_end;
    // The read position moves now (the next step reads on while this one is written); the
    // cursor moves only with this step's write, and RestorePositions undoes this on failure.
    if (!out->per_shard[s].empty()) shards_[s].next = out->per_shard[s].back().sequence + 1;
    for (const Record& r : out->per_shard[s]) out->records.push_back(&r);
  }
  if (out->records.empty() && !out->any_end) return Status::OK();
  if (!out->records.empty()) FRESHET_RETURN_IF_ERROR(Fold(prev, out));
  for (const Prepared::Entry& e : out->entries) {
    if (e.touched) out->batch.Put(storage::Cf::kItems, e.key, e.value);
  }
  for (uint32_t s = 0; s < stream_.shard_count; ++s) {
    std::optional<uint64_t> cursor;
    if (!out->per_shard[s].empty()) cursor = out->per_shard[s].back().sequence;
    // The end of a shard this consumer read is committed, so a restart knows it is done.
    if (out->ended[s] && shards_[s].consumed) cursor = *stream_.shards[s].ending_sequence;
    if (cursor && cursor != shards_[s].cursor) AddCursor(spec_.consumer, stream_.id, s, *cursor, &out->batch);
    if (cursor) shards_[s].cursor = cursor;
    if (out->ended[s]) shards_[s].finished = true;
  }
  return Status::OK();
}

Result<size_t> Consumer::Step() {
  PreparedPtr step = std::move(ahead_);
  if (!step) {
    step = PreparedPtr(new Prepared);
    Status s = Prepare(nullptr, step.get());
    if (!s.ok()) {
      RestorePositions(*step);
      return s;
    }
  }
  if (step->records.empty() && !step->any_end) return size_t{0};

  // Prepare the next step on the pool while this one is written and synced.
  PreparedPtr next(new Prepared);
  Status next_status;
  WorkerPool::Group group;
  pool_->Submit(&group, [&] { next_status = Prepare(step.get(), next.get()); });
  // One atomic write: items, every advanced cursor, dead letters.
  Status s = db_->Write(&step->batch, [&](storage::Batch* b) {
    if (step->dead.empty()) return Status::OK();
    return log_->AppendRecords(dlq_, step->dead, NowMs(), b, nullptr);
  });
  pool_->Wait(&group);
  if (!s.ok()) {  // the read-ahead was built on this step: drop both, read again from here
    RestorePositions(*step);
    return s;
  }
  if (!step->dead.empty()) log_->NotifyPut();
  stats_.records_read += step->records.size();
  for (const Prepared::Entry& e : step->entries) stats_.items_written += e.touched ? 1 : 0;
  stats_.rejected += step->dead.size();
  ++stats_.batches;
  if (!next_status.ok()) {
    RestorePositions(*next);  // the next Step reads it again (and reports the error if it persists)
  } else if (!next->records.empty() || next->any_end) {
    ahead_ = std::move(next);
  }
  return step->records.size();
}

Status Consumer::Fold(Prepared* prev, Prepared* out) {
  using Entry = Prepared::Entry;
  // 1. Parse, map, validate and key every record once, on every core.
  const size_t n = out->records.size();
  std::vector<Prepared::Mapped> mapped(n);
  pool_->ParallelFor(n, kSlices, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) mapped[i].status = mapper_->Map(out->records[i]->data, &mapped[i].items);
  });

  // 2. One entry per item key, in order of first appearance; find each merge's base.
  size_t total = 0;
  for (const auto& m : mapped) total += m.items.size();
  out->entries.reserve(total);  // never reallocated: the index holds views of the keys
  out->index.reserve(total);
  struct Op {
    size_t record;
    size_t entry;
    MappedItem* item;
  };
  std::vector<Op> ops;
  ops.reserve(total);
  std::vector<size_t> to_read;
  std::vector<size_t> dead_records;  // the record of each dead letter, to keep them in record order
  for (size_t r = 0; r < n; ++r) {
    Prepared::Mapped& m = mapped[r];
    if (!m.status.ok()) {
      dead_records.push_back(r);
      out->dead.push_back(
          {out->records[r]->partition_key, DeadLetterJson(*out->records[r], m.status.message()), std::nullopt});
      continue;
    }
    for (MappedItem& item : m.items) {
      auto found = out->index.find(item.key);
      size_t e = found == out->index.end() ? out->entries.size() : found->second;
      if (found == out->index.end()) {
        Entry& entry = out->entries.emplace_back();
        entry.target = item.target;
        entry.key = std::move(item.key);
        out->index.emplace(entry.key, e);
        if (spec_.targets[item.target].mode != TargetSpec::Mode::kPut) {
          auto in_prev = prev ? prev->index.find(entry.key) : out->index.end();
          if (prev && in_prev != prev->index.end()) entry.base = &prev->entries[in_prev->second].value;
          to_read.push_back(e);
        }
      }
      ops.push_back({r, e, &item});
    }
  }

  // 3. Read the committed items that merges start from (as encoded values: never decoded).
  std::vector<Status> read_status(kSlices + 2);
  std::atomic<size_t> slice_no{0};
  pool_->ParallelFor(to_read.size(), kSlices, [&](size_t begin, size_t end) {
    Status& status = read_status[slice_no.fetch_add(1) % read_status.size()];
    for (size_t i = begin; i < end && status.ok(); ++i) {
      Entry& entry = out->entries[to_read[i]];
      if (entry.base) {
        entry.value = *entry.base;
        continue;
      }
      Status s = db_->Get(storage::Cf::kItems, entry.key, &entry.value);
      if (s.IsNotFound()) {
        entry.value.clear();
      } else if (!s.ok()) {
        status = s;
      }
    }
  });
  for (const Status& s : read_status) FRESHET_RETURN_IF_ERROR(s);

  // 4. Apply in sequence order, record by record: a put replaces the value, a merge sets its
  // attributes on it, an aggregate updates its group. A record's aggregates are worked out
  // first; if one fails (a sum past 38 digits, a value of another type than its group's), the
  // record is a dead letter and none of its operations is applied.
  struct StagedChange {
    size_t op;  // the operation's place among its record's operations
    size_t entry;
    std::string name;
    query::AttributeValue value;
  };
  std::string merged;
  std::vector<StagedChange> staged;
  std::vector<AggregateChange> changes;
  // What the aggregates of ops [begin, end) (one record's) set, in order, without applying it.
  auto stage_aggregates = [&](const Op* begin, const Op* end) -> Status {
    for (const Op* op = begin; op != end; ++op) {
      if (spec_.targets[op->item->target].mode != TargetSpec::Mode::kAggregate) continue;
      Entry& entry = out->entries[op->entry];
      if (!entry.decoded) {
        entry.group.Clear();
        if (!entry.value.empty() && !query::DecodeItemValue(entry.value, &entry.group)) {
          return Status::Corruption("item of table '" + mapper_->tables()[op->item->target].name + "' is malformed");
        }
        entry.decoded = true;
      }
      auto current = [&](std::string_view name) -> const query::AttributeValue* {
        for (size_t k = staged.size(); k-- > 0;) {
          if (staged[k].entry == op->entry && staged[k].name == name) return &staged[k].value;
        }
        return entry.group.Find(name);
      };
      for (const AggregateInput& in : op->item->aggregates) {
        changes.clear();
        FRESHET_RETURN_IF_ERROR(
            ApplyAggregate(in.spec->op, in.name, in.has_value ? &in.value : nullptr, current, &changes));
        for (auto& [name, value] : changes) {
          staged.push_back({static_cast<size_t>(op - begin), op->entry, std::move(name), std::move(value)});
        }
      }
    }
    return Status::OK();
  };
  for (size_t first = 0; first < ops.size();) {
    size_t last = first;
    while (last < ops.size() && ops[last].record == ops[first].record) ++last;
    staged.clear();
    Status s = stage_aggregates(ops.data() + first, ops.data() + last);
    if (!s.ok()) {
      const Record& r = *out->records[ops[first].record];
      dead_records.push_back(ops[first].record);
      out->dead.push_back({r.partition_key, DeadLetterJson(r, s.message()), std::nullopt});
      first = last;
      continue;
    }
    size_t next_staged = 0;
    for (size_t o = first; o < last; ++o) {
      Entry& entry = out->entries[ops[o].entry];
      MappedItem& item = *ops[o].item;
      entry.target = item.target;
      entry.touched = true;
      const TargetSpec::Mode mode = spec_.targets[item.target].mode;
      if (mode == TargetSpec::Mode::kPut) {
        entry.value = std::move(item.value);
      } else if (mode == TargetSpec::Mode::kMerge) {
        if (!MergeItemValues(entry.value, item.value, &merged)) {
          return Status::Corruption("item of table '" + mapper_->tables()[entry.target].name + "' is malformed");
        }
        entry.value.swap(merged);
      } else {
        // The group was decoded by stage_aggregates. Plain attributes first, then aggregates.
        if (!query::DecodeItemValue(item.value, &entry.group)) {
          return Status::Internal("consumer " + spec_.consumer + ": an encoded record attribute does not decode");
        }
        for (; next_staged < staged.size() && staged[next_staged].op == o - first; ++next_staged) {
          entry.group.Set(std::move(staged[next_staged].name), std::move(staged[next_staged].value));
        }
      }
    }
    first = last;
  }
  // Dead letters in record order (those refused by an aggregate came after the mapping's).
  if (!std::is_sorted(dead_records.begin(), dead_records.end())) {
    std::vector<size_t> order(dead_records.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return dead_records[a] < dead_records[b]; });
    std::vector<PutRecord> sorted;
    sorted.reserve(order.size());
    for (size_t i : order) sorted.push_back(std::move(out->dead[i]));
    out->dead.swap(sorted);
  }
  for (Entry& entry : out->entries) {
    if (!entry.decoded) continue;
    const query::TableDescription& table = mapper_->tables()[entry.target];
    entry.value.clear();
    query::EncodeItemValue(entry.group, table.partition_key.name, table.sort_key ? table.sort_key->name : "",
                           &entry.value);
    entry.group.Clear();
    entry.decoded = false;
  }
  for (const Entry& entry : out->entries) {
    if (entry.key.size() + entry.value.size() > query::kMaxItemBytes) {
      return Status::InvalidArgument(
          "consumer " + spec_.consumer + ": merged item for table " + mapper_->tables()[entry.target].name + " is " +
          std::to_string(entry.key.size() + entry.value.size()) + " bytes; the limit is 400 KB");
    }
  }
  return Status::OK();
}

}  // namespace freshet::stream
