// ProcessingConfig: a delivery stream's ProcessingConfiguration (Firehose's data transformation
// with a Lambda processor), parsed from the JSON the API stored, and its checks.
//
// The shape is Firehose's:
//   {"Enabled": true,
//    "Processors": [{"Type": "Lambda",
//                    "Parameters": [{"ParameterName": "LambdaArn", "ParameterValue": "arn:..."},
//                                   {"ParameterName": "NumberOfRetries", "ParameterValue": "3"},
//                                   {"ParameterName": "BufferSizeInMBs", "ParameterValue": "1"},
//                                   {"ParameterName": "BufferIntervalInSeconds", "ParameterValue": "60"},
//                                   {"ParameterName": "RoleArn", "ParameterValue": "arn:..."}]}]}
// LambdaArn names a freshet function: arn:aws:lambda:REGION:ACCOUNT:function:NAME[:$LATEST]
// (freshet has only $LATEST). Ranges as Firehose documents them: NumberOfRetries 0..300 (default
// 3), BufferSizeInMBs 0.2..3 (default 1), BufferIntervalInSeconds 60..900 (default 60; stored and
// described: freshet invokes the function when the delivery's own buffer is complete). Processor
// types other than Lambda are refused (freshet does not run them). Enabled absent means false.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace freshet::stream::delivery {

inline constexpr uint32_t kDefaultProcessorRetries = 3;
inline constexpr uint64_t kDefaultProcessorBufferBytes = 1 << 20;

struct ProcessingConfig {
  bool enabled = false;
  std::string lambda_arn;  // as given
  std::string function;    // the function's name, from lambda_arn
  std::string region;      // from lambda_arn
  std::string account;     // from lambda_arn
  std::string role_arn;    // stored, not enforced (IAM roles are not enforced)
  uint32_t number_of_retries = kDefaultProcessorRetries;
  uint64_t buffer_bytes = kDefaultProcessorBufferBytes;  // BufferSizeInMBs, in bytes (MiB)
  uint32_t buffer_interval_seconds = 60;
};

// Parses and checks a ProcessingConfiguration (JSON text as the API received it). An empty text
// is "no processing". Errors: InvalidArgument naming the member at fault.
Result<ProcessingConfig> ParseProcessingConfig(std::string_view json);

// Whether `json` says "Enabled": true (whatever else it holds).
bool ProcessingRequested(std::string_view json);

// "arn:aws:lambda:REGION:ACCOUNT:function:NAME[:$LATEST]" -> its parts; InvalidArgument otherwise.
Status ParseLambdaArn(std::string_view arn, ProcessingConfig* out);

}  // namespace freshet::stream::delivery
