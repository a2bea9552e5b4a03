#include "tools/protocol/registry.h"

#include <cstdlib>
#include <iostream>

namespace freshet::protocol {

std::string_view TargetPrefix(Service service) {
  switch (service) {
    case Service::kKinesis: return kKinesisPrefix;
    case Service::kDynamoDb: return kDynamoDbPrefix;
    case Service::kFreshet: return kFreshetPrefix;
    case Service::kDynamoDbStreams: return kDynamoDbStreamsPrefix;
    case Service::kFirehose: return kFirehosePrefix;
    case Service::kLambda: return kLambdaPrefix;
    case Service::kIam: return kIamPrefix;
    case Service::kSts: return kStsPrefix;
  }
  return kFreshetPrefix;
}

std::string Target(Service service, std::string_view operation) {
  std::string target(TargetPrefix(service));
  target += '.';
  target += operation;
  return target;
}

Registry::Registry() {
  RegisterKinesisStreamOps(this);
  RegisterKinesisRecordOps(this);
  RegisterKinesisAdminOps(this);
  RegisterKinesisReshardOps(this);
  RegisterFreshetStreamOps(this);
  RegisterFreshetTableOps(this);
  RegisterFreshetSqlOps(this);
  RegisterDynamoDbOps(this);
  RegisterFirehoseStreamOps(this);
  RegisterFirehoseRecordOps(this);
  RegisterIamRoleOps(this);
  RegisterIamPolicyOps(this);
  RegisterLambdaMappingOps(this);
  lambda_ops::RegisterLambdaFunctionOps(this);
  lambda_ops::RegisterLambdaInvokeOps(this);
}

const Registry& Registry::Get() {
  static const Registry registry;
  return registry;
}

void Registry::Add(const Operation& op) {
  if (!ops_.emplace(Target(op.service, op.name), op).second) {
    // Two handlers for one target is a programming error found by the first test that runs.
    std::cerr << "freshet: operation " << Target(op.service, op.name) << " registered twice\n";
    std::abort();
  }
}

const Operation* Registry::Find(std::string_view target) const {
  auto it = ops_.find(target);
  return it == ops_.end() ? nullptr : &it->second;
}

}  // namespace freshet::protocol
