// `freshet stream put` and `freshet stream read`.
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include "stream/shard_router.h"
#include "stream/stream_log.h"
#include "stream/stream_reader.h"
#include "tools/api_client.h"
#include "tools/output.h"
#include "tools/progress.h"
#include "tools/stream_commands.h"
#include "tools/stream_format.h"

namespace freshet::cli {
namespace {

struct PutArgs {
  std::string name, partition_key, data, explicit_hash_key, file, key_field, output = "text";
  bool has_data = false;
  size_t batch = stream::kMaxBatchRecords;
};

void PrintAcks(const std::vector<PutAck>& results, const std::vector<stream::PutRecord>& records,
               const std::string& output) {
  for (size_t i = 0; i < results.size(); ++i) {
    if (output == "text") {
      std::cout << results[i].shard_id << " " << results[i].sequence << "\n";
    } else {
      std::cout << AckJson(results[i], records[i].partition_key).dump() << "\n";
    }
  }
  std::cout.flush();
}

// The partition key from a JSON line's top-level field (strings as they are, numbers as text).
Result<std::string> KeyFromLine(const std::string& line, const std::string& field) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    return Status::InvalidArgument(std::string("not valid JSON (") + e.what() + ")");
  }
  if (!j.is_object()) return Status::InvalidArgument("not a JSON object");
  auto it = j.find(field);
  if (it == j.end()) return Status::InvalidArgument("no field '" + field + "'");
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number()) return it->dump();
  return Status::InvalidArgument("field '" + field + "' is not a string or a number");
}

Status PutFile(Context* ctx, const PutArgs& a, StreamClient* log, const std::string& stream_name) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (a.file != "-") {
    file.open(a.file, std::ios::binary);
    if (!file) return Status::NotFound("cannot open " + a.file);
    in = &file;
  }
  const std::string source = a.file == "-" ? "stdin" : a.file;
  // The fraction read, for the progress line, from a regular file's size (unknown for stdin).
  std::streamoff file_size = -1;
  if (a.file != "-") {
    file.seekg(0, std::ios::end);
    file_size = file.tellg();
    file.seekg(0, std::ios::beg);
  }
  // Acknowledgements printed to the same terminal would interleave with the line: no line then.
  const bool acks_on_terminal = a.output != "summary" && isatty(STDOUT_FILENO) == 1;
  Progress progress("put " + source, "records", 0, &std::cerr, Progress::StderrIsTerminal() && !acks_on_terminal);
  std::vector<stream::PutRecord> batch;
  size_t batch_bytes = 0, line_no = 0, put = 0, batches = 0;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::OK();
    FRESHET_ASSIGN_OR_RETURN(auto results, log->Put(stream_name, batch));
    if (a.output != "summary") PrintAcks(results, batch, a.output);
    put += batch.size();
    ++batches;
    const std::streamoff at = file_size > 0 ? std::streamoff(in->tellg()) : -1;
    progress.Set(put, at >= 0 ? static_cast<double>(at) / static_cast<double>(file_size) : -1);
    batch.clear();
    batch_bytes = 0;
    return Status::OK();
  };
  std::string line;
  while (std::getline(*in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    auto key = KeyFromLine(line, a.key_field);
    stream::PutRecord record;
    Status s = key.status();
    if (s.ok()) {
      record.partition_key = std::move(key.value());
      record.data = line;
      s = stream::ValidateRecord(record);
    }
    if (!s.ok()) {
      Status flushed = flush();
      if (!flushed.ok()) return flushed;
      return Status::InvalidArgument(source + ":" + std::to_string(line_no) + ": " + s.message() + " (the " +
                                     std::to_string(put) + " records before it were put)");
    }
    if (batch.size() == a.batch || batch_bytes + line.size() > stream::kMaxBatchBytes) {
      FRESHET_RETURN_IF_ERROR(flush());
    }
    batch_bytes += line.size() + record.partition_key.size();
    batch.push_back(std::move(record));
  }
  FRESHET_RETURN_IF_ERROR(flush());
  progress.Finish();
  if (a.output == "summary" || a.output == "text") {
    (a.output == "summary" ? std::cout : std::cerr)
        << "put " << put << " records to stream " << stream_name << " in " << batches << " batches"
        << (ctx->no_sync ? " (not synced: --no-sync)" : "") << "\n";
  }
  return Status::OK();
}

Status Put(Context* ctx, const PutArgs& a) {
  if (a.file.empty() == !a.has_data) {
    return Status::InvalidArgument("give either --data (with --partition-key) or --file (with --partition-key-field)");
  }
  if (!a.file.empty() && a.key_field.empty()) return Status::InvalidArgument("--file needs --partition-key-field");
  if (a.has_data && a.partition_key.empty()) return Status::InvalidArgument("--data needs --partition-key");
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  StreamClient log(api);
  // Writers remove expired records as they start (the owner also does so once a minute).
  FRESHET_RETURN_IF_ERROR(log.Trim(a.name).status());
  if (!a.file.empty()) return PutFile(ctx, a, &log, a.name);
  stream::PutRecord record{a.partition_key, a.data, std::nullopt};
  if (!a.explicit_hash_key.empty()) record.explicit_hash_key = a.explicit_hash_key;
  FRESHET_RETURN_IF_ERROR(stream::ValidateRecord(record));
  FRESHET_ASSIGN_OR_RETURN(auto results, log.Put(a.name, {record}));
  PrintAcks(results, {record}, a.output == "summary" ? "text" : a.output);
  return Status::OK();
}

struct ReadArgs {
  std::string name, shard, from = "trim-horizon", output = "table";
  size_t limit = 0;
  bool follow = false;
};

void PrintRecords(const std::vector<ReadRecord>& records, const std::string& output, nlohmann::json* all,
                  std::vector<std::vector<std::string>>* rows) {
  for (const auto& r : records) {
    if (output == "jsonl") {
      std::cout << RecordJson(r).dump() << "\n";
    } else if (output == "json") {
      all->push_back(RecordJson(r));
    } else {
      std::string data = IsValidUtf8(r.data) ? r.data : "base64:" + Base64Encode(r.data);
      if (data.size() > 80) data = data.substr(0, 77) + "...";
      rows->push_back({r.shard_id, r.sequence, r.partition_key, FormatIsoMs(r.arrival_ms), data});
    }
  }
}

Status Read(Context* ctx, const ReadArgs& a) {
  FRESHET_RETURN_IF_ERROR(stream::Position::Parse(a.from).status());
  ctx->follow_reads = a.follow;
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  StreamClient log(api);
  std::vector<std::string> shards;
  if (!a.shard.empty()) {
    FRESHET_ASSIGN_OR_RETURN(uint32_t s, stream::ParseShardId(a.shard, UINT32_MAX));
    shards.push_back(stream::ShardId(s));
  } else {
    FRESHET_ASSIGN_OR_RETURN(shards, log.ShardIds(a.name));
  }
  // One iterator per shard; an empty one once a closed shard has been read to its end.
  std::vector<std::optional<std::string>> iterators(shards.size());
  for (size_t i = 0; i < shards.size(); ++i) {
    FRESHET_ASSIGN_OR_RETURN(iterators[i], log.Iterator(a.name, shards[i], a.from));
  }
  const std::string output = a.follow && a.output != "jsonl" ? "jsonl" : a.output;
  nlohmann::json all = nlohmann::json::array();
  std::vector<std::vector<std::string>> rows;
  size_t printed = 0;
  const size_t limit = a.limit == 0 ? SIZE_MAX : a.limit;
  if (a.follow) InstallStopHandlers();
  int idle_ms = 1;
  while (printed < limit) {
    size_t got = 0;
    for (size_t i = 0; i < shards.size() && printed < limit; ++i) {
      if (!iterators[i]) continue;
      FRESHET_ASSIGN_OR_RETURN(ReadPage page, log.Read(*iterators[i], std::min<size_t>(limit - printed, 1000)));
      iterators[i] = page.next_iterator;
      for (auto& r : page.records) r.shard_id = shards[i];
      printed += page.records.size();
      got += page.records.size();
      PrintRecords(page.records, output, &all, &rows);
    }
    if (!a.follow) {
      if (got == 0) break;
      continue;
    }
    std::cout.flush();
    if (got > 0) {
      idle_ms = 1;
      continue;
    }
    if (StopRequested()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(idle_ms));
    idle_ms = std::min(idle_ms * 2, 50);
  }
  if (output == "json") std::cout << all.dump() << "\n";
  if (output == "table") PrintTable(std::cout, {"SHARD", "SEQ", "PARTITION_KEY", "ARRIVAL", "DATA"}, rows);
  return Status::OK();
}

}  // namespace

void AddStreamIoCommands(CLI::App* group, Context* ctx) {
  auto put_args = std::make_shared<PutArgs>();
  auto* put =
      group->add_subcommand("put",
                            "Put one record (--partition-key, --data) or JSON lines (--file, --partition-key-field).\n"
                            "Each batch is one atomic write, acknowledged once durable (fsynced unless --no-sync).");
  put->add_option("name", put_args->name, "stream name")->required();
  put->add_option("--partition-key", put_args->partition_key, "partition key of the record (1-256 characters)");
  put->add_option("--data", put_args->data, "the record's data (at most 1 MiB)")->each([put_args](const std::string&) {
    put_args->has_data = true;
  });
  put->add_option("--explicit-hash-key", put_args->explicit_hash_key,
                  "route by this decimal hash key in [0, 2^128) instead of the MD5 of the partition key");
  put->add_option("--file", put_args->file, "JSON lines file, or - for stdin; one record per line");
  put->add_option("--partition-key-field", put_args->key_field, "top-level field of each line holding its key");
  put->add_option("--batch", put_args->batch, "records per atomic batch, 1-500 (default 500)")
      ->check(CLI::Range(size_t{1}, stream::kMaxBatchRecords));
  put->add_option("--output", put_args->output,
                  "text (shard and sequence per record), jsonl (one acknowledgement object per record, "
                  "printed when its batch is durable), or summary")
      ->check(CLI::IsMember({"text", "jsonl", "json", "summary"}));
  put->callback([ctx, put_args] { ctx->result = Guard([&] { return Put(ctx, *put_args); }); });

  auto read_args = std::make_shared<ReadArgs>();
  auto* read = group->add_subcommand("read", "Read records of one shard or of every shard, in sequence order");
  read->add_option("name", read_args->name, "stream name")->required();
  read->add_option("--shard", read_args->shard, "shard id (shardId-000000000000 or 0); default: every shard");
  read->add_option("--from", read_args->from,
                   "trim-horizon (oldest kept, default), latest (only new records), at:SEQ, after:SEQ, or "
                   "timestamp:ISO8601 (e.g. timestamp:2024-05-01T12:00:00Z)");
  read->add_option("--limit", read_args->limit, "stop after this many records (default: no limit)");
  read->add_flag("--follow", read_args->follow, "keep waiting for new records until interrupted (prints jsonl)");
  read->add_option("--output", read_args->output, "table, json or jsonl")
      ->check(CLI::IsMember({"table", "json", "jsonl"}));
  read->callback([ctx, read_args] { ctx->result = Guard([&] { return Read(ctx, *read_args); }); });
}

}  // namespace freshet::cli
