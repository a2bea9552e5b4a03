// QueryService (query_service.h): IAM and STS requests to registry operations and back to XML.
#include "tools/iam/query_service.h"

#include "tools/http/http_request_parts.h"
#include "tools/iam/query_protocol.h"

namespace freshet::iam {
namespace {

constexpr std::string_view kIamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/";
constexpr std::string_view kStsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";

// The service a signed request names in its text, for requests whose signature did not parse.
std::string_view ScopeService(const http::Request& request) {
  std::string_view text;
  if (const std::string* auth = request.Header("authorization")) text = *auth;
  for (const auto& [name, value] : request.query) {
    if (name == "X-Amz-Credential") text = value;
  }
  if (text.find("/iam/aws4_request") != std::string_view::npos) return "iam";
  if (text.find("/sts/aws4_request") != std::string_view::npos) return "sts";
  return "";
}

// IAM's and STS's names for signature failures.
std::pair<std::string, int> AuthCode(const http::AuthError& e) {
  if (e.type == "InvalidSignatureException") {
    if (e.message.rfind("Signature expired", 0) == 0 || e.message.rfind("Signature not yet", 0) == 0) {
      return {"RequestExpired", 400};
    }
    return {"SignatureDoesNotMatch", 403};
  }
  if (e.type == "UnrecognizedClientException") return {"InvalidClientTokenId", 403};
  if (e.type == "MissingAuthenticationTokenException") return {"MissingAuthenticationToken", 403};
  if (e.type == "AccessDenied") return {"AccessDenied", 403};
  return {"IncompleteSignature", 400};
}

}  // namespace

bool QueryService::Claims(const transport::HttpCall& call) const {
  std::string_view service = call.signed_service();
  if (service.empty() && call.auth_error) service = ScopeService(call.request);
  return service == "iam" || service == "sts";
}

http::Response QueryService::Handle(const transport::HttpCall& call) {
  std::string_view service = call.auth ? call.signed_service() : ScopeService(call.request);
  const bool sts = service == "sts";
  const std::string_view xmlns = sts ? kStsNamespace : kIamNamespace;
  if (call.auth_error) {
    auto [code, status] = AuthCode(*call.auth_error);
    return QueryError(code, call.auth_error->message, status, xmlns, call.request_id);
  }
  std::vector<std::pair<std::string, std::string>> params = call.request.query;
  const std::string* content_type = call.request.Header("content-type");
  if (!call.request.body.empty() &&
      (!content_type || content_type->find("application/x-www-form-urlencoded") != std::string::npos)) {
    for (auto& p : http::ParseQuery(call.request.body)) params.push_back(std::move(p));
  }
  auto request = ParamsToJson(params);
  if (!request.ok()) return QueryError("ValidationError", request.status().message(), 400, xmlns, call.request_id);
  auto action_it = request->find("Action");
  if (action_it == request->end() || !action_it->is_string() || action_it->get<std::string>().empty()) {
    return QueryError("MissingAction", "Missing Action", 400, xmlns, call.request_id);
  }
  const std::string action = action_it->get<std::string>();
  request->erase("Action");
  request->erase("Version");
  const std::string target =
      protocol::Target(sts ? protocol::Service::kSts : protocol::Service::kIam, action);
  if (!protocol::Registry::Get().Find(target)) {
    return QueryError("InvalidAction",
                      "Could not find operation " + action + " for version " +
                          (sts ? "2011-06-15" : "2010-05-08") + " (docs/iam.md lists what freshet serves)",
                      400, xmlns, call.request_id);
  }
  protocol::Reply reply = dispatcher_->Dispatch(target, *request, call.context);
  protocol::Json body = reply.raw_body.empty() ? reply.body : protocol::Json::parse(reply.raw_body);
  if (!reply.ok()) {
    return QueryError(body.value("__type", "ServiceFailure"), body.value("message", ""), reply.http_status, xmlns,
                      call.request_id);
  }
  return QueryReply(action, body, xmlns, call.request_id);
}

}  // namespace freshet::iam
