// Shared pieces of the Lambda operations (Lambda_20150331): the FunctionConfiguration shape, the
// function name out of a name or ARN, and the store of a call's backend.
//
// Requests are Lambda's REST bodies as JSON with the path's parameters as members (the HTTP
// service, tools/transport/lambda_service.cc, moves {FunctionName} from the path into the body).
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "tools/lambda/function_store.h"
#include "tools/protocol/fields.h"
#include "tools/protocol/registry.h"

namespace freshet::protocol::lambda_ops {

// The function name of FunctionName, which may be a name, a function ARN or a partial ARN
// ("123456789012:function:name"); a ":qualifier" suffix other than $LATEST is refused.
Checked<std::string> FunctionNameOf(const Json& request);

// Lambda's FunctionConfiguration for a stored function, plus FreshetRuntime: what runs it here.
Json ConfigurationJson(const lambda::FunctionConfig& config, const RequestContext& context);

std::string FunctionArn(const std::string& name, const RequestContext& context);

inline lambda::FunctionStore StoreOf(const Call& call) {
  return lambda::FunctionStore(call.backend.db, call.backend.db->dir());
}

}  // namespace freshet::protocol::lambda_ops
