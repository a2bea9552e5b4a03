// The operation registry: every freshet operation, whoever asks, is one entry
// {operation name, service, writes?, handler}, looked up by its AWS target
// ("Kinesis_20131202.PutRecords", "DynamoDB_20120810.Query", "Freshet_20261129.TrimStream").
//
// The same registry is reached in process (a CLI command with no owner running), over the owner's
// Unix socket, and over HTTP (`freshet serve --http`); see dispatcher.h. Requests and responses are
// AWS's JSON shapes; handlers decode the request once, call the typed engine (StreamLog,
// TableStore, ...) and build the response.
//
// Services: Kinesis (Kinesis_20131202, JSON 1.1), and Freshet_20261129 for what AWS has no
// operation for (consumer cursors, trimming now, per-shard record counts, and the table operations
// until they take DynamoDB's shapes).
//
// Thread-safety: the registry is built once, then read-only; handlers are called concurrently.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "tools/protocol/aws_error.h"
#include "tools/protocol/engine.h"

namespace freshet::protocol {

// Who is asking, as far as the answer depends on it.
struct RequestContext {
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  uint64_t now_ms = 0;  // set by the dispatcher
  // The caller takes a response as JSON text (Reply::raw_body) when a handler writes one; else
  // the dispatcher parses such text into Reply::body.
  bool raw_ok = false;
  // The SigV4 access key id the request was signed with ("" in process and over the owner socket).
  // A function worker's key routes the item operations of its invocation in flight through the
  // invocation's staged writes (exactly once; see Dispatcher::Dispatch).
  std::string access_key;
};

// Settings of this endpoint that AWS keeps per account.
struct Settings {
  uint32_t account_shard_limit = 500;  // AWS's default open-shard limit per account and region
  uint32_t on_demand_default_shards = 4;
  // Where delivery streams created here put their objects when the request names no endpoint:
  // "" for the local buckets, else an external S3 endpoint (`serve --s3-endpoint URL`).
  std::string firehose_s3_endpoint;
};

struct Call {
  const Backend& backend;
  const Json& request;
  const RequestContext& context;
  const Settings& settings;
};

using Handler = Outcome (*)(const Call& call);

struct Operation {
  std::string_view name;  // "PutRecords"
  Service service;
  bool writes;  // needs the data directory's writer
  Handler handler;
};

inline constexpr std::string_view kKinesisPrefix = "Kinesis_20131202";
inline constexpr std::string_view kDynamoDbPrefix = "DynamoDB_20120810";
inline constexpr std::string_view kFreshetPrefix = "Freshet_20261129";
inline constexpr std::string_view kDynamoDbStreamsPrefix = "DynamoDBStreams_20120810";
inline constexpr std::string_view kFirehosePrefix = "Firehose_20150804";
// AWS has no targets for these (REST and query protocols); freshet's HTTP services and CLI reach
// their registry operations by these names.
inline constexpr std::string_view kLambdaPrefix = "Lambda_20150331";
inline constexpr std::string_view kIamPrefix = "IAM_20100508";
inline constexpr std::string_view kStsPrefix = "STS_20110615";

std::string_view TargetPrefix(Service service);
// "Kinesis_20131202.PutRecords".
std::string Target(Service service, std::string_view operation);

class Registry {
 public:
  // The registry of every operation (built on first use).
  static const Registry& Get();

  // The operation for a target "Prefix.Name", or nullptr.
  const Operation* Find(std::string_view target) const;
  size_t size() const { return ops_.size(); }
  // Every operation, by target.
  const std::map<std::string, Operation, std::less<>>& operations() const { return ops_; }

  // For the per-service files' registration functions, while the registry is built.
  void Add(const Operation& op);

 private:
  Registry();
  std::map<std::string, Operation, std::less<>> ops_;
};

// Registration functions, one per group of operations (called by Registry's constructor).
void RegisterKinesisStreamOps(Registry* registry);
void RegisterKinesisRecordOps(Registry* registry);
void RegisterKinesisAdminOps(Registry* registry);
void RegisterKinesisReshardOps(Registry* registry);
void RegisterFreshetStreamOps(Registry* registry);
void RegisterFreshetTableOps(Registry* registry);
void RegisterFreshetSqlOps(Registry* registry);      // freshet_sql.cc: ExecuteSql
void RegisterDynamoDbOps(Registry* registry);        // dynamodb_*.cc: DynamoDB_20120810 (JSON 1.0)
void RegisterFirehoseStreamOps(Registry* registry);  // firehose_streams.cc: Firehose_20150804 (JSON 1.1)
void RegisterFirehoseRecordOps(Registry* registry);  // firehose_records.cc: puts, and freshet's flush
void RegisterIamRoleOps(Registry* registry);         // iam_roles.cc: IAM_20100508 roles
void RegisterIamPolicyOps(Registry* registry);       // iam_policies.cc: IAM_20100508 policies, STS_20110615
void RegisterLambdaMappingOps(Registry* registry);   // lambda_mappings.cc: event-source mappings
namespace lambda_ops {
void RegisterLambdaFunctionOps(Registry* registry);  // lambda_functions.cc: Lambda_20150331 functions
void RegisterLambdaInvokeOps(Registry* registry);    // lambda_invoke.cc: Invoke, function routes
}  // namespace lambda_ops

}  // namespace freshet::protocol
