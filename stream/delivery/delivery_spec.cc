// DeliverySpec's JSON form and the checks of names, ARNs and destinations.
#include "stream/delivery/delivery_spec.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "stream/delivery/object_naming.h"
#include "stream/delivery/processing_config.h"

namespace freshet::stream::delivery {
namespace {

using Json = nlohmann::json;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view CompressionName(Compression c) {
  switch (c) {
    case Compression::kUncompressed: return "UNCOMPRESSED";
    case Compression::kGzip: return "GZIP";
    case Compression::kZip: return "ZIP";
    case Compression::kSnappy: return "Snappy";
    case Compression::kHadoopSnappy: return "HADOOP_SNAPPY";
  }
  return "UNCOMPRESSED";
}

Result<Compression> ParseCompression(std::string_view text) {
  for (Compression c : {Compression::kUncompressed, Compression::kGzip, Compression::kZip, Compression::kSnappy,
                        Compression::kHadoopSnappy}) {
    if (EqualsIgnoreCase(text, CompressionName(c))) return c;
  }
  if (EqualsIgnoreCase(text, "none")) return Compression::kUncompressed;
  if (EqualsIgnoreCase(text, "hadoop-snappy")) return Compression::kHadoopSnappy;
  return Status::InvalidArgument("compression format '" + std::string(text) +
                                 "' is not one of UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY");
}

std::string_view CompressionExtension(Compression c) {
  switch (c) {
    case Compression::kUncompressed: return "";
    case Compression::kGzip: return ".gz";
    case Compression::kZip: return ".zip";
    case Compression::kSnappy: return ".snappy";
    case Compression::kHadoopSnappy: return ".hsnappy";
  }
  return "";
}

std::string_view TypeName(DeliverySpec::Type type) {
  return type == DeliverySpec::Type::kDirectPut ? "DirectPut" : "KinesisStreamAsSource";
}

std::string BufferStreamName(uint32_t delivery_id) {
  return std::string(kInternalBufferPrefix) + std::to_string(delivery_id);
}

Status ValidateDeliveryName(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return Status::InvalidArgument("delivery stream name must be 1 to 64 characters (got " +
                                   std::to_string(name.size()) + ")");
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') {
      return Status::InvalidArgument("delivery stream name '" + std::string(name) +
                                     "' may hold only letters, digits, '_', '.' and '-'");
    }
  }
  return Status::OK();
}

Result<std::string> BucketFromArn(std::string_view arn) {
  constexpr std::string_view kPrefix = "arn:aws:s3:::";
  if (arn.substr(0, kPrefix.size()) != kPrefix || arn.size() == kPrefix.size() ||
      arn.find('/', kPrefix.size()) != std::string_view::npos) {
    return Status::InvalidArgument("BucketARN '" + std::string(arn) + "' is not of the form arn:aws:s3:::BUCKET");
  }
  return std::string(arn.substr(kPrefix.size()));
}

Result<std::string> StreamFromArn(std::string_view arn) {
  // arn:aws:kinesis:REGION:ACCOUNT:stream/NAME
  size_t colons = 0, pos = 0;
  for (; pos < arn.size() && colons < 5; ++pos) colons += arn[pos] == ':';
  constexpr std::string_view kResource = "stream/";
  if (arn.substr(0, 16) != "arn:aws:kinesis:" || colons != 5 || arn.substr(pos, kResource.size()) != kResource) {
    return Status::InvalidArgument("KinesisStreamARN '" + std::string(arn) +
                                   "' is not of the form arn:aws:kinesis:REGION:ACCOUNT:stream/NAME");
  }
  std::string name(arn.substr(pos + kResource.size()));
  FRESHET_RETURN_IF_ERROR(ValidateStreamName(name));
  return name;
}

Status ValidateDestination(const S3Destination& d) {
  if (d.size_mb < 1 || d.size_mb > kMaxSizeMb) {
    return Status::InvalidArgument("BufferingHints.SizeInMBs must be 1 to 128 (got " + std::to_string(d.size_mb) + ")");
  }
  if (d.interval_seconds > kMaxIntervalSeconds) {
    return Status::InvalidArgument("BufferingHints.IntervalInSeconds must be 0 to 900 (got " +
                                   std::to_string(d.interval_seconds) + ")");
  }
  if (d.prefix.size() > 1024 || d.error_output_prefix.size() > 1024) {
    return Status::InvalidArgument("Prefix and ErrorOutputPrefix must be at most 1024 characters");
  }
  FRESHET_RETURN_IF_ERROR(CheckPrefix(d.prefix, false));
  FRESHET_RETURN_IF_ERROR(CheckPrefix(d.error_output_prefix, true));
  if (HasExpressions(d.prefix) && d.error_output_prefix.empty()) {
    return Status::InvalidArgument("ErrorOutputPrefix cannot be null or empty when Prefix contains expressions");
  }
  if (HasExpressions(d.error_output_prefix) &&
      d.error_output_prefix.find("!{firehose:error-output-type}") == std::string::npos) {
    return Status::InvalidArgument("ErrorOutputPrefix '" + d.error_output_prefix +
                                   "' has expressions, so it must contain !{firehose:error-output-type}");
  }
  return ParseProcessingConfig(d.processing_json).status();
}

std::string DeliverySpec::ToJson() const {
  Json j = {{"name", name},
            {"id", id},
            {"type", TypeName(type)},
            {"source_stream", source_stream},
            {"source_stream_arn", source_stream_arn},
            {"source_role_arn", source_role_arn},
            {"version", version},
            {"status", status},
            {"created_ms", created_ms},
            {"updated_ms", updated_ms},
            {"tags", tags}};
  const S3Destination& d = destination;
  Json dest = {{"role_arn", d.role_arn},
               {"bucket_arn", d.bucket_arn},
               {"bucket", d.bucket},
               {"prefix", d.prefix},
               {"error_output_prefix", d.error_output_prefix},
               {"size_mb", d.size_mb},
               {"interval_seconds", d.interval_seconds},
               {"compression", CompressionName(d.compression)},
               {"extended", d.extended},
               {"processing", d.processing_json},
               {"cloudwatch", d.cloudwatch_json}};
  if (d.file_extension) dest["file_extension"] = *d.file_extension;
  if (!d.endpoint.empty()) dest["endpoint"] = d.endpoint;
  j["destination"] = std::move(dest);
  return j.dump();
}

Result<DeliverySpec> DeliverySpec::FromJson(std::string_view json) {
  try {
    Json j = Json::parse(json);
    DeliverySpec s;
    s.name = j.at("name").get<std::string>();
    s.id = j.at("id").get<uint32_t>();
    s.type = j.at("type").get<std::string>() == "DirectPut" ? Type::kDirectPut : Type::kKinesisSource;
    s.source_stream = j.at("source_stream").get<std::string>();
    s.source_stream_arn = j.value("source_stream_arn", "");
    s.source_role_arn = j.value("source_role_arn", "");
    s.version = j.at("version").get<uint64_t>();
    s.status = j.at("status").get<std::string>();
    s.created_ms = j.at("created_ms").get<uint64_t>();
    s.updated_ms = j.value("updated_ms", s.created_ms);
    s.tags = j.value("tags", std::map<std::string, std::string>{});
    const Json& dj = j.at("destination");
    S3Destination& d = s.destination;
    d.role_arn = dj.value("role_arn", "");
    d.bucket_arn = dj.at("bucket_arn").get<std::string>();
    d.bucket = dj.at("bucket").get<std::string>();
    d.prefix = dj.value("prefix", "");
    d.error_output_prefix = dj.value("error_output_prefix", "");
    d.size_mb = dj.at("size_mb").get<uint32_t>();
    d.interval_seconds = dj.at("interval_seconds").get<uint32_t>();
    FRESHET_ASSIGN_OR_RETURN(d.compression, ParseCompression(dj.at("compression").get<std::string>()));
    d.extended = dj.value("extended", false);
    if (dj.contains("file_extension")) d.file_extension = dj["file_extension"].get<std::string>();
    d.processing_json = dj.value("processing", "");
    d.cloudwatch_json = dj.value("cloudwatch", "");
    d.endpoint = dj.value("endpoint", "");
    return s;
  } catch (const std::exception& e) {
    return Status::Corruption("delivery stream description is malformed: " + std::string(e.what()));
  }
}

}  // namespace freshet::stream::delivery
