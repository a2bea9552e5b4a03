// Firehose's data transformation: events, invocations and answers (processing.h).
#include "stream/delivery/processing.h"

#include <openssl/evp.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

#include "storage/text.h"

namespace freshet::stream::delivery {
namespace {

using Json = nlohmann::json;

constexpr const char* kFunctionErrorMessage =
    "The Lambda function was successfully invoked but it returned an error result.";

struct Failure {
  std::string code;
  std::string message;
};

// What became of one record of a chunk.
struct Verdict {
  enum class Kind { kOk, kDropped, kFailed } kind = Kind::kFailed;
  std::string data;  // kOk
  Failure failure;   // kFailed
};

std::string InvocationId(const std::string& seed, size_t chunk) {
  std::string input = seed + "\n" + std::to_string(chunk);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), md, &len, EVP_md5(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < 16 && i < len; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

std::string Event(const ProcessingConfig& config, const ProcessingContext& context, const std::vector<Record>& records,
                  size_t begin, size_t end, const std::vector<std::string>& ids, size_t chunk) {
  std::string out = "{\"invocationId\":\"" + InvocationId(context.invocation_seed, chunk) + "\",\"deliveryStreamArn\":";
  text::AppendJsonString(
      "arn:aws:firehose:" + config.region + ":" + config.account + ":deliverystream/" + context.delivery_name, &out);
  if (!context.source_stream_arn.empty()) {
    out += ",\"sourceKinesisStreamArn\":";
    text::AppendJsonString(context.source_stream_arn, &out);
  }
  out += ",\"region\":";
  text::AppendJsonString(config.region, &out);
  out += ",\"records\":[";
  for (size_t i = begin; i < end; ++i) {
    if (i != begin) out += ',';
    out += "{\"recordId\":\"" + ids[i] + "\",\"approximateArrivalTimestamp\":" + std::to_string(records[i].arrival_ms) +
           ",\"data\":\"" + text::EncodeBase64(records[i].data) + "\"}";
  }
  out += "]}";
  return out;
}

// Reads the function's answer for records [begin, end). A failure of the whole invocation is
// returned as such; otherwise every record has its verdict.
std::optional<Failure> ReadAnswer(const std::string& payload, const std::vector<std::string>& ids, size_t begin,
                                  size_t end, std::vector<Verdict>* verdicts) {
  auto bad = [](const std::string& why) {
    return Failure{"Lambda.JsonProcessingException",
                   "There was an error parsing returned records from the Lambda function: " + why +
                       ". Ensure that the returned records follow the status model required by Firehose."};
  };
  Json j = Json::parse(payload, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("the answer is not a JSON object");
  auto list = j.find("records");
  if (list == j.end() || !list->is_array()) return bad("the answer has no \"records\" list");
  std::unordered_map<std::string, size_t> index;
  for (size_t i = begin; i < end; ++i) index.emplace(ids[i], i - begin);
  std::vector<bool> seen(end - begin, false);
  std::vector<Verdict> out(end - begin);
  for (const Json& r : *list) {
    if (!r.is_object()) return bad("a returned record is not an object");
    auto id = r.find("recordId");
    auto result = r.find("result");
    if (id == r.end() || !id->is_string()) return bad("a returned record has no recordId");
    if (result == r.end() || !result->is_string()) return bad("record " + id->get<std::string>() + " has no result");
    auto at = index.find(id->get<std::string>());
    if (at == index.end()) return bad("recordId '" + id->get<std::string>() + "' was not in the invocation");
    if (seen[at->second]) {
      return Failure{"Lambda.DuplicatedRecordId",
                     "Multiple records were returned with the same record ID. Ensure that the Lambda function "
                     "returns unique record IDs for each record."};
    }
    seen[at->second] = true;
    Verdict& v = out[at->second];
    std::string status = result->get<std::string>();
    if (status == "Ok") {
      auto data = r.find("data");
      if (data == r.end() || !data->is_string()) return bad("Ok record " + at->first + " has no data");
      if (!text::DecodeBase64(data->get<std::string>(), &v.data)) {
        return bad("the data of record " + at->first + " is not base64");
      }
      v.kind = Verdict::Kind::kOk;
    } else if (status == "Dropped") {
      v.kind = Verdict::Kind::kDropped;
    } else if (status == "ProcessingFailed") {
      v.kind = Verdict::Kind::kFailed;
      v.failure = {"Lambda.ProcessingFailedStatus", "ProcessingFailed status set for record"};
    } else {
      return bad("result '" + status + "' is not one of Ok, Dropped, ProcessingFailed");
    }
  }
  for (size_t i = 0; i < seen.size(); ++i) {
    if (!seen[i]) {
      out[i].kind = Verdict::Kind::kFailed;
      out[i].failure = {"Lambda.MissingRecordId",
                        "One or more record IDs were not returned. Ensure that the Lambda function returns all "
                        "received record IDs."};
    }
  }
  *verdicts = std::move(out);
  return std::nullopt;
}

void AppendError(const ProcessingConfig& config, const Record& record, const Failure& failure, uint64_t attempts,
                 uint64_t ended_ms, std::string* out) {
  *out += "{\"attemptsMade\":" + std::to_string(attempts) +
          ",\"arrivalTimestamp\":" + std::to_string(record.arrival_ms) + ",\"errorCode\":";
  text::AppendJsonString(failure.code, out);
  *out += ",\"errorMessage\":";
  text::AppendJsonString(failure.message, out);
  *out += ",\"attemptEndingTimestamp\":" + std::to_string(ended_ms) + ",\"rawData\":\"" +
          text::EncodeBase64(record.data) + "\",\"lambdaArn\":";
  text::AppendJsonString(config.lambda_arn, out);
  *out += "}\n";
}

}  // namespace

std::string ProcessingRecordId(uint32_t high, uint64_t sequence) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08x%016llx", high, static_cast<unsigned long long>(sequence));
  return buf;
}

Result<ProcessedRecords> ProcessRecords(const ProcessingConfig& config, const ProcessingContext& context,
                                        const std::vector<Record>& records, RecordProcessor* processor) {
  ProcessedRecords out;
  std::vector<std::string> ids;
  ids.reserve(records.size());
  for (const Record& r : records) {
    ids.push_back(ProcessingRecordId(context.direct_put ? context.delivery_id : r.shard, r.sequence));
  }
  size_t chunk = 0;
  for (size_t begin = 0; begin < records.size(); ++chunk) {
    size_t end = begin;
    uint64_t bytes = 0;
    while (end < records.size() && (end == begin || bytes + records[end].data.size() <= config.buffer_bytes)) {
      bytes += records[end].data.size();
      ++end;
    }
    const std::string event = Event(config, context, records, begin, end, ids, chunk);
    std::vector<Verdict> verdicts;
    std::optional<Failure> failure;
    uint64_t attempts = 0;
    for (uint32_t attempt = 0; attempt <= config.number_of_retries; ++attempt) {
      ++attempts;
      Result<ProcessorAnswer> answer = processor->Invoke(config.function, event);
      if (!answer.ok()) {
        if (answer.status().code() == Status::Code::kAborted) return answer.status();
        if (answer.status().IsNotFound()) {
          failure =
              Failure{"Lambda.ResourceNotFound", "The specified Lambda function does not exist (" + config.lambda_arn +
                                                     "). Use a different function that "
                                                     "does exist."};
        } else {
          failure = Failure{"Lambda.ServiceException", answer.status().ToString()};
        }
        continue;
      }
      if (!answer->function_error.empty()) {
        failure = Failure{"Lambda.FunctionError", kFunctionErrorMessage};
        continue;
      }
      failure = ReadAnswer(answer->payload, ids, begin, end, &verdicts);
      if (!failure) break;
    }
    out.invocations += attempts;
    const uint64_t ended = context.now_ms ? context.now_ms() : 0;
    for (size_t i = begin; i < end; ++i) {
      if (failure) {
        AppendError(config, records[i], *failure, attempts, ended, &out.errors);
        ++out.failed;
        continue;
      }
      Verdict& v = verdicts[i - begin];
      switch (v.kind) {
        case Verdict::Kind::kOk:
          out.data += v.data;
          ++out.ok;
          break;
        case Verdict::Kind::kDropped: ++out.dropped; break;
        case Verdict::Kind::kFailed:
          AppendError(config, records[i], v.failure, attempts, ended, &out.errors);
          ++out.failed;
          break;
      }
    }
    begin = end;
  }
  return out;
}

}  // namespace freshet::stream::delivery
