// AWS's query protocol, as IAM and STS speak it: a form-encoded request (Action=GetRole&
// Version=2010-05-08&RoleName=x, in a POST body or the query string) and an XML reply.
//
// Request parameters become the JSON request of the registry operation: "RoleName=x" is
// {"RoleName": "x"}; lists are "Name.member.N" (1-based), so "Tags.member.1.Key=k&Tags.member.1.Value=v"
// is {"Tags": [{"Key": "k", "Value": "v"}]}. Every value stays a string.
//
// Reply: <ActionResponse xmlns=NS><ActionResult>...</ActionResult><ResponseMetadata><RequestId>
// ...</RequestId></ResponseMetadata></ActionResponse>, the Result element left out when the
// operation returns nothing; JSON objects become elements, arrays <member> elements, booleans
// "true"/"false". Errors: <ErrorResponse xmlns=NS><Error><Type>Sender|Receiver</Type><Code>..</Code>
// <Message>..</Message></Error><RequestId>..</RequestId></ErrorResponse>.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tools/http/http_types.h"
#include "tools/protocol/aws_error.h"

namespace freshet::iam {

using protocol::Json;

// The request's parameters (query string, then a form body) as a JSON object. Errors:
// InvalidArgument for a list index that is not 1..1000.
Result<Json> ParamsToJson(const std::vector<std::pair<std::string, std::string>>& params);

// The XML reply of `action` with `result` (a JSON object), in namespace `xmlns`.
http::Response QueryReply(std::string_view action, const Json& result, std::string_view xmlns,
                          const std::string& request_id);

// The XML error reply.
http::Response QueryError(const std::string& code, const std::string& message, int http_status,
                          std::string_view xmlns, const std::string& request_id);

}  // namespace freshet::iam
