// ProcessingConfiguration parsing and checks (processing_config.h).
#include "stream/delivery/processing_config.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

namespace freshet::stream::delivery {
namespace {

using Json = nlohmann::json;

Status Invalid(const std::string& message) { return Status::InvalidArgument("ProcessingConfiguration: " + message); }

// Splits on ':' (the ARN's fields).
std::vector<std::string_view> Fields(std::string_view text) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  for (;;) {
    size_t colon = text.find(':', pos);
    out.push_back(text.substr(pos, colon == std::string_view::npos ? std::string_view::npos : colon - pos));
    if (colon == std::string_view::npos) return out;
    pos = colon + 1;
  }
}

bool ParseUnsigned(const std::string& text, uint64_t* out) {
  if (text.empty() || text.size() > 9) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

// BufferSizeInMBs is a decimal ("1", "0.5", "3"); 0.2..3 MiB.
Status ParseBufferSize(const std::string& text, uint64_t* bytes) {
  bool digits = !text.empty();
  size_t dots = 0;
  for (char c : text) {
    if (c == '.') {
      ++dots;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      digits = false;
    }
  }
  double mb = digits && dots <= 1 && text.size() <= 12 ? std::strtod(text.c_str(), nullptr) : -1;
  if (mb < 0.2 || mb > 3) {
    return Invalid("BufferSizeInMBs must be a number from 0.2 to 3 (got '" + text + "')");
  }
  *bytes = static_cast<uint64_t>(std::llround(mb * 1024 * 1024));
  return Status::OK();
}

Status ReadLambdaParameters(const Json& params, ProcessingConfig* out) {
  if (!params.is_array()) return Invalid("Parameters of the Lambda processor must be a list");
  std::set<std::string> seen;
  for (const Json& p : params) {
    if (!p.is_object() || !p.contains("ParameterName") || !p["ParameterName"].is_string() ||
        !p.contains("ParameterValue") || !p["ParameterValue"].is_string()) {
      return Invalid("each processor parameter must be {\"ParameterName\": string, \"ParameterValue\": string}");
    }
    std::string name = p["ParameterName"].get<std::string>();
    std::string value = p["ParameterValue"].get<std::string>();
    if (!seen.insert(name).second) return Invalid("parameter " + name + " is given twice");
    uint64_t n = 0;
    if (name == "LambdaArn") {
      FRESHET_RETURN_IF_ERROR(ParseLambdaArn(value, out));
    } else if (name == "NumberOfRetries") {
      if (!ParseUnsigned(value, &n) || n > 300) {
        return Invalid("NumberOfRetries must be an integer from 0 to 300 (got '" + value + "')");
      }
      out->number_of_retries = static_cast<uint32_t>(n);
    } else if (name == "BufferSizeInMBs") {
      FRESHET_RETURN_IF_ERROR(ParseBufferSize(value, &out->buffer_bytes));
    } else if (name == "BufferIntervalInSeconds") {
      if (!ParseUnsigned(value, &n) || n < 60 || n > 900) {
        return Invalid("BufferIntervalInSeconds must be an integer from 60 to 900 (got '" + value + "')");
      }
      out->buffer_interval_seconds = static_cast<uint32_t>(n);
    } else if (name == "RoleArn") {
      if (value.rfind("arn:", 0) != 0) return Invalid("RoleArn '" + value + "' is not an ARN");
      out->role_arn = value;
    } else {
      return Invalid("parameter '" + name +
                     "' is not one of LambdaArn, NumberOfRetries, BufferSizeInMBs, BufferIntervalInSeconds, RoleArn "
                     "(the parameters of a Lambda processor)");
    }
  }
  if (out->lambda_arn.empty()) return Invalid("the Lambda processor needs a LambdaArn parameter");
  return Status::OK();
}

}  // namespace

Status ParseLambdaArn(std::string_view arn, ProcessingConfig* out) {
  std::vector<std::string_view> f = Fields(arn);
  // arn aws lambda REGION ACCOUNT function NAME [QUALIFIER]
  bool shape = (f.size() == 7 || f.size() == 8) && f[0] == "arn" && f[1] == "aws" && f[2] == "lambda" &&
               !f[3].empty() && !f[4].empty() && f[5] == "function";
  if (!shape) {
    return Invalid("LambdaArn '" + std::string(arn) +
                   "' is not of the form arn:aws:lambda:REGION:ACCOUNT:function:NAME[:$LATEST]");
  }
  std::string_view name = f[6];
  bool name_ok = !name.empty() && name.size() <= 64;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') name_ok = false;
  }
  if (!name_ok) {
    return Invalid("LambdaArn '" + std::string(arn) + "' names no valid function (1 to 64 of [a-zA-Z0-9-_])");
  }
  if (f.size() == 8 && f[7] != "$LATEST") {
    return Invalid("LambdaArn '" + std::string(arn) + "': freshet functions have only the $LATEST version");
  }
  out->lambda_arn = std::string(arn);
  out->function = std::string(name);
  out->region = std::string(f[3]);
  out->account = std::string(f[4]);
  return Status::OK();
}

bool ProcessingRequested(std::string_view json) {
  Json j = Json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  auto e = j.find("Enabled");
  return e != j.end() && e->is_boolean() && e->get<bool>();
}

Result<ProcessingConfig> ParseProcessingConfig(std::string_view text) {
  ProcessingConfig config;
  if (text.empty()) return config;
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Invalid("must be an object");
  if (auto e = j.find("Enabled"); e != j.end() && !e->is_null()) {
    if (!e->is_boolean()) return Invalid("Enabled must be a boolean");
    config.enabled = e->get<bool>();
  }
  auto processors = j.find("Processors");
  if (processors != j.end() && !processors->is_null()) {
    if (!processors->is_array()) return Invalid("Processors must be a list");
    bool lambda = false;
    for (const Json& p : *processors) {
      if (!p.is_object() || !p.contains("Type") || !p["Type"].is_string()) {
        return Invalid("each processor must be an object with a Type");
      }
      std::string type = p["Type"].get<std::string>();
      if (type == "Lambda") {
        if (lambda) return Invalid("only one Lambda processor is allowed");
        lambda = true;
        FRESHET_RETURN_IF_ERROR(ReadLambdaParameters(p.value("Parameters", Json::array()), &config));
      } else if (type == "RecordDeAggregation" || type == "Decompression" || type == "CloudWatchLogProcessing" ||
                 type == "MetadataExtraction" || type == "AppendDelimiterToRecord") {
        return Invalid("processor type " + type + " is not supported by freshet (only Lambda)");
      } else {
        return Invalid("processor Type '" + type + "' is not one of Lambda, RecordDeAggregation, Decompression, " +
                       "CloudWatchLogProcessing, MetadataExtraction, AppendDelimiterToRecord");
      }
    }
  }
  if (config.enabled && config.lambda_arn.empty()) {
    return Invalid("Enabled is true but no Lambda processor with a LambdaArn is given");
  }
  return config;
}

}  // namespace freshet::stream::delivery
