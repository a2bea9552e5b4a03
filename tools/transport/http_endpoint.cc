#include "tools/transport/http_endpoint.h"

namespace freshet::transport {

Result<std::unique_ptr<HttpEndpoint>> HttpEndpoint::Create(const std::string& url) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("endpoint '" + url + "' is not an http:// or https:// URL");
  }
  auto credentials = http::FindAwsCredentials();
  if (!credentials) credentials = http::AwsCredentials{"freshet-local", "freshet-local", ""};
  FRESHET_ASSIGN_OR_RETURN(auto client, http::Client::Create(url, credentials, http::FindAwsRegion()));
  return std::unique_ptr<HttpEndpoint>(new HttpEndpoint(url, std::move(client)));
}

Reply HttpEndpoint::Call(std::string_view target, const Json& request) {
  const bool dynamo = target.rfind(protocol::kDynamoDbPrefix, 0) == 0;
  const bool kinesis = target.rfind(protocol::kKinesisPrefix, 0) == 0;
  const std::string service = dynamo ? "dynamodb" : kinesis ? "kinesis" : "freshet";
  std::vector<std::pair<std::string, std::string>> headers = {
      {"X-Amz-Target", std::string(target)},
      {"Content-Type", dynamo ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1"}};
  auto response = client_->Send("POST", "/", headers, request.dump(), service);
  if (!response.ok()) {
    protocol::AwsError e = protocol::AwsError::Internal(response.status().message());
    e.engine_code = response.status().code();
    return protocol::ErrorReply(e);
  }
  Json body = Json::parse(response->body, nullptr, false);
  if (body.is_discarded()) {
    if (response->status == 200) {
      return protocol::ErrorReply(
          protocol::AwsError::Internal("the endpoint " + url_ + " answered with a body that is not JSON"));
    }
    body = {{"message",
             "HTTP " + std::to_string(response->status) + " from " + url_ + ": " + response->body.substr(0, 200)}};
  }
  return Reply{response->status, std::move(body), {}};
}

}  // namespace freshet::transport
