// IAM and STS operation helpers (iam_common.h).
#include "tools/protocol/iam_common.h"

#include <ctime>

namespace freshet::protocol::iam {

std::optional<std::string> Param(const Json& request, const char* member) {
  auto it = request.find(member);
  if (it == request.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

Outcome RequireParam(const Json& request, const char* member, const char* wire_name, std::string* out) {
  auto v = Param(request, member);
  if (!v) {
    return IamError("ValidationError",
                    std::string("1 validation error detected: Value null at '") + wire_name +
                        "' failed to satisfy constraint: Member must not be null",
                    400);
  }
  *out = std::move(*v);
  return Json::object();
}

bool BoolParam(const Json& request, const char* member, bool fallback) {
  auto v = Param(request, member);
  if (!v) return fallback;
  return *v == "true" || *v == "True" || *v == "1";
}

std::vector<storage::IamTag> TagsParam(const Json& request) {
  std::vector<storage::IamTag> tags;
  auto it = request.find("Tags");
  if (it == request.end() || !it->is_array()) return tags;
  for (const auto& t : *it) {
    if (!t.is_object()) continue;
    tags.push_back({t.value("Key", ""), t.value("Value", "")});
  }
  return tags;
}

AwsError IamError(std::string code, std::string message, int status) {
  return AwsError{std::move(code), std::move(message), status, {}};
}

AwsError MalformedPolicy() { return IamError("MalformedPolicyDocument", "Syntax errors in policy.", 400); }

std::string IsoSeconds(uint64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm;
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string UrlEncodeDocument(std::string_view document) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : document) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

Json TagsJson(const std::vector<storage::IamTag>& tags) {
  Json out = Json::array();
  for (const auto& t : tags) out.push_back({{"Key", t.key}, {"Value", t.value}});
  return out;
}

Json RoleJson(const storage::IamStore& store, const storage::IamRole& role, bool with_tags) {
  Json j = {{"Path", role.path},
            {"RoleName", role.name},
            {"RoleId", role.id},
            {"Arn", store.RoleArn(role)},
            {"CreateDate", IsoSeconds(role.created_ms)},
            {"AssumeRolePolicyDocument", UrlEncodeDocument(role.assume_role_policy)},
            {"MaxSessionDuration", role.max_session_duration}};
  if (!role.description.empty()) j["Description"] = role.description;
  if (with_tags && !role.tags.empty()) j["Tags"] = TagsJson(role.tags);
  return j;
}

Json PolicyJson(const storage::IamPolicy& p, bool with_tags) {
  Json j = {{"PolicyName", p.name},
            {"PolicyId", p.id},
            {"Arn", p.arn},
            {"Path", p.path},
            {"DefaultVersionId", p.default_version},
            {"AttachmentCount", p.attachment_count},
            {"PermissionsBoundaryUsageCount", 0},
            {"IsAttachable", true},
            {"CreateDate", IsoSeconds(p.created_ms)},
            {"UpdateDate", IsoSeconds(p.updated_ms)}};
  if (!p.description.empty()) j["Description"] = p.description;
  if (with_tags && !p.tags.empty()) j["Tags"] = TagsJson(p.tags);
  return j;
}

Outcome Page(const Json& request, const std::vector<Json>& items, const char* list_name) {
  size_t start = 0, max_items = 100;
  if (auto marker = Param(request, "Marker")) {
    char* end = nullptr;
    unsigned long long v = std::strtoull(marker->c_str(), &end, 10);
    if (marker->empty() || *end != '\0' || v > items.size()) {
      return IamError("ValidationError", "Invalid Marker: " + *marker, 400);
    }
    start = static_cast<size_t>(v);
  }
  if (auto max = Param(request, "MaxItems")) {
    char* end = nullptr;
    long long v = std::strtoll(max->c_str(), &end, 10);
    if (max->empty() || *end != '\0' || v < 1 || v > 1000) {
      return IamError("ValidationError",
                      "1 validation error detected: Value '" + *max +
                          "' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000",
                      400);
    }
    max_items = static_cast<size_t>(v);
  }
  Json list = Json::array();
  size_t i = start;
  for (; i < items.size() && list.size() < max_items; ++i) list.push_back(items[i]);
  Json out = Json::object();
  out[list_name] = std::move(list);
  out["IsTruncated"] = i < items.size();
  if (i < items.size()) out["Marker"] = std::to_string(i);
  return out;
}

}  // namespace freshet::protocol::iam
