// `freshet delivery create|list|describe|delete|put|flush`: delivery streams (Firehose -> buckets)
// through the Firehose API (Firehose_20150804), so the same commands drive AWS's Firehose; `flush`
// is freshet's own FlushDeliveryStream.
#include <fstream>
#include <iostream>
#include <sstream>

#include "tools/api_client.h"
#include "tools/cli_common.h"
#include "tools/output.h"

namespace freshet::cli {
namespace {

std::string Firehose(std::string_view op) { return protocol::Target(protocol::Service::kFirehose, op); }

struct DeliveryArgs {
  std::string name, bucket, prefix, error_prefix, stream, compression = "UNCOMPRESSED", data, file, lambda, s3_endpoint;
  uint32_t size_mb = 5, interval = 300;
  bool has_data = false;
};

Status Create(Context* ctx, const DeliveryArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  std::string compression = a.compression;
  for (const char* name : {"UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY"}) {
    if (strcasecmp(name, compression.c_str()) == 0) compression = name;
  }
  if (strcasecmp(compression.c_str(), "none") == 0) compression = "UNCOMPRESSED";
  if (strcasecmp(compression.c_str(), "hadoop-snappy") == 0) compression = "HADOOP_SNAPPY";
  api::Json dest = {{"RoleARN", "arn:aws:iam::000000000000:role/firehose"},
                    {"BucketARN", "arn:aws:s3:::" + a.bucket},
                    {"Prefix", a.prefix},
                    {"BufferingHints", {{"SizeInMBs", a.size_mb}, {"IntervalInSeconds", a.interval}}},
                    {"CompressionFormat", compression}};
  if (!a.error_prefix.empty()) dest["ErrorOutputPrefix"] = a.error_prefix;
  if (!a.lambda.empty()) {  // a function name or its ARN
    std::string arn =
        a.lambda.rfind("arn:", 0) == 0 ? a.lambda : "arn:aws:lambda:us-east-1:000000000000:function:" + a.lambda;
    dest["ProcessingConfiguration"] = {
        {"Enabled", true},
        {"Processors",
         {{{"Type", "Lambda"}, {"Parameters", {{{"ParameterName", "LambdaArn"}, {"ParameterValue", arn}}}}}}}};
  }
  api::Json req = {{"DeliveryStreamName", a.name}, {"ExtendedS3DestinationConfiguration", dest}};
  if (!a.s3_endpoint.empty()) req["FreshetS3Endpoint"] = a.s3_endpoint;  // freshet's own member
  if (a.stream.empty()) {
    req["DeliveryStreamType"] = "DirectPut";
  } else {
    req["DeliveryStreamType"] = "KinesisStreamAsSource";
    req["KinesisStreamSourceConfiguration"] = {
        {"KinesisStreamARN", "arn:aws:kinesis:us-east-1:000000000000:stream/" + a.stream},
        {"RoleARN", "arn:aws:iam::000000000000:role/firehose"}};
  }
  FRESHET_RETURN_IF_ERROR(api->Call(Firehose("CreateDeliveryStream"), req).status());
  std::cout << "created delivery stream " << a.name << " -> s3://" << a.bucket << "/" << a.prefix
            << (a.s3_endpoint.empty() ? "" : " at " + a.s3_endpoint)
            << (a.stream.empty() ? "" : " from stream " + a.stream + " (records put from now on)") << "\n";
  return Status::OK();
}

Status List(Context* ctx, const DeliveryArgs&) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  api::Json req = {{"Limit", 10000}};
  FRESHET_ASSIGN_OR_RETURN(api::Json r, api->Call(Firehose("ListDeliveryStreams"), req));
  std::vector<std::vector<std::string>> rows;
  for (const auto& n : r["DeliveryStreamNames"]) {
    FRESHET_ASSIGN_OR_RETURN(api::Json d, api->Call(Firehose("DescribeDeliveryStream"), {{"DeliveryStreamName", n}}));
    const api::Json& desc = d["DeliveryStreamDescription"];
    const api::Json& s3 = desc["Destinations"][0]["S3DestinationDescription"];
    std::string bucket = s3.value("BucketARN", "");
    if (bucket.rfind("arn:aws:s3:::", 0) == 0) bucket = bucket.substr(13);
    rows.push_back({n.get<std::string>(), desc.value("DeliveryStreamType", ""), desc.value("DeliveryStreamStatus", ""),
                    "s3://" + bucket + "/" + s3.value("Prefix", ""), s3.value("CompressionFormat", "")});
  }
  PrintTable(std::cout, {"NAME", "TYPE", "STATUS", "DESTINATION", "COMPRESSION"}, rows);
  return Status::OK();
}

Status Describe(Context* ctx, const DeliveryArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_ASSIGN_OR_RETURN(api::Json d,
                           api->Call(Firehose("DescribeDeliveryStream"), {{"DeliveryStreamName", a.name}}));
  std::cout << d["DeliveryStreamDescription"].dump(2) << "\n";
  FRESHET_ASSIGN_OR_RETURN(api::Json o,
                           api->Call(api::Freshet("ListDeliveredObjects"), {{"DeliveryStreamName", a.name}}));
  uint64_t records = 0;
  for (const auto& obj : o["Objects"]) records += obj.value("Records", uint64_t{0});
  if (o.contains("S3Endpoint")) std::cout << "bucket endpoint: " << o.value("S3Endpoint", "") << "\n";
  std::cout << "delivered: " << o["Objects"].size() << " objects, " << records << " records\n";
  for (const auto& obj : o["Objects"]) {
    std::cout << "  s3://" << obj.value("Bucket", "") << "/" << obj.value("Key", "") << "  " << obj.value("Records", 0)
              << " records, " << obj.value("ObjectBytes", 0) << " bytes";
    if (obj.contains("ProcessedRecords")) {
      std::cout << " (Lambda: " << obj.value("ProcessedRecords", 0) << " ok, " << obj.value("DroppedRecords", 0)
                << " dropped, " << obj.value("FailedRecords", 0) << " failed"
                << (obj.value("ObjectWritten", true) ? "" : "; no object written") << ")";
    }
    std::cout << "\n";
    if (obj.contains("ErrorKey")) {
      std::cout << "  s3://" << obj.value("Bucket", "") << "/" << obj.value("ErrorKey", "") << "  "
                << obj.value("FailedRecords", 0) << " failed records, " << obj.value("ErrorObjectBytes", 0)
                << " bytes\n";
    }
  }
  return Status::OK();
}

Status Delete(Context* ctx, const DeliveryArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_RETURN_IF_ERROR(api->Call(Firehose("DeleteDeliveryStream"), {{"DeliveryStreamName", a.name}}).status());
  std::cout << "deleted delivery stream " << a.name << " (its objects stay in their bucket)\n";
  return Status::OK();
}

Status Put(Context* ctx, const DeliveryArgs& a) {
  if (a.has_data == !a.file.empty()) return Status::InvalidArgument("give either --data or --file");
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  if (a.has_data) {
    FRESHET_RETURN_IF_ERROR(
        api->Call(Firehose("PutRecord"), {{"DeliveryStreamName", a.name}, {"Record", {{"Data", Base64Encode(a.data)}}}})
            .status());
    std::cout << "put 1 record\n";
    return Status::OK();
  }
  std::ifstream file;
  std::istream* in = &std::cin;
  if (a.file != "-") {
    file.open(a.file, std::ios::binary);
    if (!file) return Status::NotFound("cannot open " + a.file);
    in = &file;
  }
  // One record per line, newline kept (Firehose adds no delimiter), in batches of 500.
  uint64_t total = 0;
  api::Json batch = api::Json::array();
  size_t batch_bytes = 0;
  auto send = [&]() -> Status {
    if (batch.empty()) return Status::OK();
    FRESHET_RETURN_IF_ERROR(
        api->Call(Firehose("PutRecordBatch"), {{"DeliveryStreamName", a.name}, {"Records", batch}}).status());
    total += batch.size();
    batch = api::Json::array();
    batch_bytes = 0;
    return Status::OK();
  };
  std::string line;
  while (std::getline(*in, line)) {
    if (!in->eof()) line.push_back('\n');
    if (batch.size() == 500 || batch_bytes + line.size() > (4u << 20)) FRESHET_RETURN_IF_ERROR(send());
    batch_bytes += line.size();
    batch.push_back({{"Data", Base64Encode(line)}});
  }
  FRESHET_RETURN_IF_ERROR(send());
  std::cout << "put " << total << " records\n";
  return Status::OK();
}

Status Flush(Context* ctx, const DeliveryArgs& a) {
  FRESHET_ASSIGN_OR_RETURN(api::Api * api, ctx->Api());
  FRESHET_ASSIGN_OR_RETURN(api::Json r,
                           api->Call(api::Freshet("FlushDeliveryStream"), {{"DeliveryStreamName", a.name}}));
  std::cout << "flushed " << a.name << ": " << r.value("ObjectsWritten", 0) << " objects written\n";
  return Status::OK();
}

void AddDeliveryCommands(CLI::App* app, Context* ctx) {
  CLI::App* group = app->add_subcommand(
      "delivery", "Delivery streams (Firehose to buckets): buffered, compressed objects named by time, exactly once");
  group->require_subcommand(1);
  auto args = std::make_shared<DeliveryArgs>();
  auto run = [ctx, args](Status (*fn)(Context*, const DeliveryArgs&)) {
    return [ctx, args, fn] { ctx->result = Guard([&] { return fn(ctx, *args); }); };
  };
  auto* create = group->add_subcommand("create", "Create a delivery stream (CreateDeliveryStream)");
  create->add_option("name", args->name, "delivery stream name")->required();
  create->add_option("--bucket", args->bucket, "destination bucket")->required();
  create->add_option("--prefix", args->prefix, "object key prefix (may hold !{timestamp:...} expressions)");
  create->add_option("--error-prefix", args->error_prefix, "ErrorOutputPrefix (needed when --prefix has expressions)");
  create->add_option("--stream", args->stream, "read this Kinesis stream (KinesisStreamAsSource) instead of puts");
  create->add_option("--size-mb", args->size_mb, "buffer size in MiB (1-128)")->check(CLI::Range(1u, 128u));
  create->add_option("--interval", args->interval, "buffer interval in seconds (0-900)")->check(CLI::Range(0u, 900u));
  create->add_option("--compression", args->compression, "uncompressed|gzip|zip|snappy|hadoop-snappy");
  create->add_option("--lambda", args->lambda,
                     "transform records with this function (name or ARN): ProcessingConfiguration with a Lambda "
                     "processor; failed records go under the error prefix");
  create->add_option("--s3-endpoint", args->s3_endpoint,
                     "put the objects into the bucket of this external S3-compatible endpoint, "
                     "http[s]://HOST[:PORT], signed with the AWS credentials of the delivering process's "
                     "environment (default: serve's --s3-endpoint, else the local buckets)");
  create->callback(run(Create));
  group->add_subcommand("list", "List delivery streams")->callback(run(List));
  auto* describe = group->add_subcommand("describe", "Describe a delivery stream and its delivered objects");
  describe->add_option("name", args->name, "delivery stream name")->required();
  describe->callback(run(Describe));
  auto* del = group->add_subcommand("delete", "Delete a delivery stream (its objects stay)");
  del->add_option("name", args->name, "delivery stream name")->required();
  del->callback(run(Delete));
  auto* put = group->add_subcommand("put", "Put one record (--data) or one record per line of a file (--file)");
  put->add_option("name", args->name, "delivery stream name")->required();
  put->add_option("--data", args->data, "the record's bytes")->each([args](const std::string&) {
    args->has_data = true;
  });
  put->add_option("--file", args->file, "a file (or - for stdin): one record per line, newline kept");
  put->callback(run(Put));
  auto* flush = group->add_subcommand(
      "flush", "Deliver what is buffered now (this makes a boundary: the buffer is sealed as it is)");
  flush->add_option("name", args->name, "delivery stream name")->required();
  flush->callback(run(Flush));
}

Registrar registrar(45, AddDeliveryCommands);

}  // namespace
}  // namespace freshet::cli
