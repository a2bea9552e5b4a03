// The event-source mapping engine for one mapping (mapping_runner.h).
#include "stream/functions/mapping_runner.h"

#include <algorithm>
#include <thread>

#include "storage/staged_writes.h"
#include "stream/consumer/cursors.h"
#include "stream/functions/mapping_status.h"

namespace freshet::stream {

MappingRunner::MappingRunner(StreamLog* log, Invoker* invoker, EventSourceMapping mapping, MappingRunnerOptions options)
    : log_(log),
      invoker_(invoker),
      mapping_(std::move(mapping)),
      options_(std::move(options)),
      cursor_name_(CursorName(mapping_.uuid)) {}

MappingRunner::~MappingRunner() = default;

uint64_t MappingRunner::Now() const { return options_.now_ms ? options_.now_ms() : NowMs(); }

std::string MappingRunner::last_result() const {
  std::lock_guard lock(result_mu_);
  return last_result_;
}

Status MappingRunner::Refresh() {
  FRESHET_ASSIGN_OR_RETURN(StreamDescription stream, log_->Get(mapping_.stream));
  if (stream.id != mapping_.stream_id) {
    return Status::FailedPrecondition("stream '" + mapping_.stream + "' of event source mapping " + mapping_.uuid +
                                      " was deleted and created again");
  }
  stream_ = std::move(stream);
  if (shards_.size() < stream_.shard_count) shards_.resize(stream_.shard_count);
  refreshed_ms_ = Now();
  return Status::OK();
}

bool MappingRunner::ParentsFinished(uint32_t shard) const {
  const ShardDescription& d = stream_.shards[shard];
  for (std::optional<uint32_t> p : {d.parent, d.adjacent_parent}) {
    if (p && *p < shards_.size() && !shards_[*p].finished) return false;
  }
  return true;
}

Result<size_t> MappingRunner::Step() {
  // Re-read the description now and then (resharding adds shards and closes others).
  if (stream_.shards.empty() || Now() >= refreshed_ms_ + 1000) FRESHET_RETURN_IF_ERROR(Refresh());
  next_wake_ms_ = 0;
  // Which shards may step is decided before any steps, so no step reads another shard's state;
  // when a step finishes a parent shard, its children are offered a step in the same call.
  std::vector<bool> stepped(stream_.shard_count, false);
  size_t did = 0;
  const size_t parallel = std::max<size_t>(1, options_.parallel_shards);
  for (;;) {
    std::vector<uint32_t> ready;
    size_t finished_before = 0;
    for (uint32_t shard = 0; shard < stream_.shard_count; ++shard) {
      if (shards_[shard].finished) ++finished_before;
      if (!stepped[shard] && !shards_[shard].finished && ParentsFinished(shard)) ready.push_back(shard);
    }
    if (ready.empty()) break;
    std::vector<Status> statuses(ready.size());
    std::vector<char> dids(ready.size(), 0);
    auto step = [this, &ready, &statuses, &dids](size_t i) {
      Result<bool> r = StepShard(ready[i]);
      if (!r.ok()) {
        statuses[i] = r.status();
        return;
      }
      dids[i] = *r ? 1 : 0;
    };
    for (size_t begin = 0; begin < ready.size(); begin += parallel) {
      const size_t end = std::min(ready.size(), begin + parallel);
      if (end - begin == 1) {
        step(begin);
        continue;
      }
      std::vector<std::thread> threads;
      for (size_t i = begin; i < end; ++i) threads.emplace_back(step, i);
      for (auto& t : threads) t.join();
    }
    for (size_t i = 0; i < ready.size(); ++i) {
      FRESHET_RETURN_IF_ERROR(statuses[i]);
      did += dids[i];
    }
    for (uint32_t shard : ready) stepped[shard] = true;
    size_t finished_after = 0;
    for (uint32_t shard = 0; shard < stream_.shard_count; ++shard) finished_after += shards_[shard].finished;
    if (finished_after == finished_before) break;
  }
  for (uint32_t shard = 0; shard < stream_.shard_count; ++shard) {
    uint64_t nb = shards_[shard].not_before_ms;
    if (nb > Now() && (next_wake_ms_ == 0 || nb < next_wake_ms_)) next_wake_ms_ = nb;
  }
  return did;
}

Result<bool> MappingRunner::StepShard(uint32_t shard) {
  ShardState& s = shards_[shard];
  if (s.finished) return false;
  if (!s.loaded) {
    FRESHET_ASSIGN_OR_RETURN(s.cursor, LoadCursor(*log_->db(), cursor_name_, stream_.id, shard));
    s.loaded = true;
  }
  if (s.not_before_ms > Now()) return false;
  if (s.work.empty()) {
    bool did = false;
    FRESHET_RETURN_IF_ERROR(ReadNext(shard, &did));
    if (s.work.empty()) return did;
  }
  FRESHET_ASSIGN_OR_RETURN(bool gave_up, GiveUpExpired(shard));
  if (gave_up) return true;
  return InvokeFront(shard);
}

Status MappingRunner::ReadNext(uint32_t shard, bool* did) {
  ShardState& s = shards_[shard];
  uint64_t from = s.cursor ? *s.cursor + 1 : 0;
  FRESHET_ASSIGN_OR_RETURN(ReadResult page, ReadShardPage(*log_->db(), stream_, shard, from,
                                                          static_cast<size_t>(mapping_.batch_size), 6 << 20));
  if (page.records.empty()) {
    if (page.shard_end) {
      // Done with a closed shard: make sure the checkpoint says so, so children may start after a restart.
      uint64_t end = stream_.shards[shard].ending_sequence.value_or(0);
      if (!s.cursor || *s.cursor < end) {
        FRESHET_RETURN_IF_ERROR(Commit(shard, end, nullptr, std::nullopt, 0, 0));
        *did = true;
      }
      s.finished = true;
    }
    return Status::OK();
  }
  if (!page.shard_end && mapping_.batching_window_seconds > 0 &&
      page.records.size() < static_cast<size_t>(mapping_.batch_size)) {
    uint64_t ready = page.records.front().arrival_ms + static_cast<uint64_t>(mapping_.batching_window_seconds) * 1000;
    if (ready > Now()) {
      s.not_before_ms = ready;
      return Status::OK();
    }
  }
  s.batch = std::move(page.records);
  s.work.push_back(Range{0, s.batch.size(), 0});
  return Status::OK();
}

Result<bool> MappingRunner::GiveUpExpired(uint32_t shard) {
  if (mapping_.max_record_age_seconds < 0) return false;
  ShardState& s = shards_[shard];
  Range& r = s.work.front();
  uint64_t now = Now();
  uint64_t max_age_ms = static_cast<uint64_t>(mapping_.max_record_age_seconds) * 1000;
  size_t expired_end = r.begin;
  // Arrival times are non-decreasing within a shard: the expired records are a prefix.
  while (expired_end < r.end && s.batch[expired_end].arrival_ms + max_age_ms < now) ++expired_end;
  if (expired_end == r.begin) return false;
  FailureInfo info;
  info.request_id = NewUuid();
  info.function = mapping_.function;
  info.condition = "RecordAgeExceeded";
  info.invoke_count = r.attempts;
  FRESHET_RETURN_IF_ERROR(Commit(shard, s.batch[expired_end - 1].sequence, nullptr, info, r.begin, expired_end));
  stats_.records_given_up += expired_end - r.begin;
  r.begin = expired_end;
  if (r.begin == r.end) Advance(s);
  return true;
}

Result<bool> MappingRunner::InvokeFront(uint32_t shard) {
  ShardState& s = shards_[shard];
  Range r = s.work.front();
  std::string event = KinesisEvent(options_.names, stream_.name, s.batch, r.begin, r.end);

  std::shared_ptr<storage::StagedWrites> staged;
  if (mapping_.exactly_once) staged = std::make_shared<storage::StagedWrites>(log_->db());
  std::string bound_key;
  auto before = [&](const std::string& key) {
    if (staged && !key.empty()) {
      storage::StagingRegistry::Global().Bind(key, staged);
      bound_key = key;
    }
  };
  ++stats_.invocations;
  Result<InvocationResult> result = invoker_->Invoke(mapping_.function, std::move(event), before);
  if (!bound_key.empty()) storage::StagingRegistry::Global().Unbind(bound_key);

  bool failed = !result.ok() || !result->function_error.empty();
  std::optional<ItemFailures> items;
  if (!failed && mapping_.report_batch_item_failures) {
    items = ParseItemFailures(options_.names, result->payload, shard, s.batch, r.begin, r.end);
    if (!items) failed = true;  // an unreadable response fails the whole batch, as on AWS
  }
  if (!failed && (!items || items->all_ok)) {
    FRESHET_RETURN_IF_ERROR(Commit(shard, s.batch[r.end - 1].sequence, staged.get(), std::nullopt, 0, 0));
    stats_.records_done += r.end - r.begin;
    {
      std::lock_guard lock(result_mu_);
      last_result_ = "OK";
    }
    MappingStatus::Global().SetLastResult(mapping_.uuid, "OK");
    Advance(s);
    return true;
  }
  ++stats_.failed_invocations;
  {
    std::lock_guard lock(result_mu_);
    last_result_ = "PROBLEM: Function call failed";
  }
  MappingStatus::Global().SetLastResult(mapping_.uuid, "PROBLEM: Function call failed");
  if (!result.ok() && options_.notice) {
    options_.notice("event source mapping " + mapping_.uuid + ": " + result.status().ToString());
  }
  size_t fail_from = r.begin;
  if (!failed && items && !items->all_ok) {
    while (fail_from < r.end && s.batch[fail_from].sequence != items->first_failed) ++fail_from;
  }
  Range& front = s.work.front();
  if (fail_from > r.begin) {
    // A partial failure: the records before the first failed one succeeded.
    if (mapping_.exactly_once) {
      // Their writes are mixed with the failed records' in the discarded stage: invoke them again
      // on their own, then go on with the failed ones.
      front.end = fail_from;
      s.work.insert(s.work.begin() + 1, Range{fail_from, r.end, r.attempts + 1});
      return true;
    }
    FRESHET_RETURN_IF_ERROR(Commit(shard, s.batch[fail_from - 1].sequence, nullptr, std::nullopt, 0, 0));
    stats_.records_done += fail_from - r.begin;
    front.begin = fail_from;
  }
  front.attempts = r.attempts + 1;
  if (mapping_.bisect_on_error && front.end - front.begin > 1) {
    size_t mid = front.begin + (front.end - front.begin) / 2;
    Range second{mid, front.end, r.attempts};
    front.end = mid;
    front.attempts = r.attempts;
    s.work.insert(s.work.begin() + 1, second);
    return true;
  }
  if (mapping_.max_retry_attempts >= 0 && front.attempts > mapping_.max_retry_attempts) {
    FailureInfo info;
    info.request_id = result.ok() ? result->request_id : NewUuid();
    info.function = mapping_.function;
    info.condition = "RetryAttemptsExhausted";
    info.invoke_count = front.attempts;
    info.function_error = result.ok() ? result->function_error : "Unhandled";
    FRESHET_RETURN_IF_ERROR(Commit(shard, s.batch[front.end - 1].sequence, nullptr, info, front.begin, front.end));
    stats_.records_given_up += front.end - front.begin;
    Advance(s);
    return true;
  }
  int shift = static_cast<int>(std::min<int64_t>(front.attempts - 1, 20));
  s.not_before_ms = Now() + std::min(options_.backoff_base_ms << shift, options_.backoff_max_ms);
  return true;
}

void MappingRunner::Advance(ShardState& s) {
  s.work.pop_front();
  if (s.work.empty()) s.batch.clear();
}

Status MappingRunner::Commit(uint32_t shard, uint64_t sequence, storage::StagedWrites* staged,
                             const std::optional<FailureInfo>& failure, size_t begin, size_t end) {
  ShardState& s = shards_[shard];
  storage::Batch batch;
  if (staged) FRESHET_RETURN_IF_ERROR(staged->AppendTo(&batch));
  AddCursor(cursor_name_, stream_.id, shard, sequence, &batch);
  if (failure && !mapping_.on_failure_stream.empty()) {
    FRESHET_ASSIGN_OR_RETURN(StreamDescription dest, log_->Get(mapping_.on_failure_stream));
    std::vector<PutRecord> records(1);
    records[0].partition_key = ShardId(shard);
    records[0].data = OnFailureRecord(options_.names, stream_.name, *failure, s.batch, begin, end, Now());
    std::vector<PutResult> results;
    FRESHET_RETURN_IF_ERROR(log_->db()->Write(
        &batch, [&](storage::Batch* b) { return log_->AppendRecords(dest, records, NowMs(), b, &results); }));
    log_->NotifyPut();
  } else {
    FRESHET_RETURN_IF_ERROR(log_->db()->Write(&batch));
  }
  s.cursor = sequence;
  ++stats_.commits;
  return Status::OK();
}

Status MappingRunner::Drain(const std::function<bool()>& stop) {
  while (!stop || !stop()) {
    FRESHET_ASSIGN_OR_RETURN(size_t did, Step());
    if (did == 0) return Status::OK();
  }
  return Status::OK();
}

void MappingRunner::Run(const std::function<bool()>& stop) {
  uint64_t seen = log_->put_version();
  while (!stop()) {
    Result<size_t> did = Step();
    if (!did.ok()) {
      if (options_.notice) options_.notice("event source mapping " + mapping_.uuid + ": " + did.status().ToString());
      std::this_thread::sleep_for(std::chrono::seconds(1));
      refreshed_ms_ = 0;
      for (auto& s : shards_) s = ShardState();  // re-read from the checkpoints
      continue;
    }
    if (*did > 0) continue;
    uint64_t now = Now();
    int wait_ms = 200;
    if (next_wake_ms_ > now) wait_ms = static_cast<int>(std::min<uint64_t>(next_wake_ms_ - now, 200));
    seen = log_->WaitForPut(seen, wait_ms);
  }
}

}  // namespace freshet::stream
