// IAM record codec (iam_codec.h): roles and policies to and from their stored JSON.
#include "storage/iam/iam_codec.h"

#include <openssl/rand.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "storage/iterator.h"

namespace freshet::storage::iam_internal {

using Json = nlohmann::json;

std::mutex& IamWriteMutex() {
  static std::mutex mu;
  return mu;
}

std::string IamKey(char tag, std::string_view name) {
  std::string k(1, tag);
  k.append(name);
  return k;
}

std::string NewIamId(std::string_view prefix) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  unsigned char random[17];
  if (RAND_bytes(random, sizeof random) != 1) {
    for (auto& r : random) r = static_cast<unsigned char>(std::rand());
  }
  std::string id(prefix);
  for (unsigned char r : random) id.push_back(kAlphabet[r % 32]);
  return id;
}

namespace {

Json TagsJson(const std::vector<IamTag>& tags) {
  Json out = Json::array();
  for (const auto& t : tags) out.push_back({t.key, t.value});
  return out;
}

std::vector<IamTag> TagsFrom(const Json& j) {
  std::vector<IamTag> out;
  for (const auto& t : j) out.push_back({t.at(0).get<std::string>(), t.at(1).get<std::string>()});
  return out;
}

}  // namespace

std::string EncodeRole(const IamRole& r) {
  Json j = {{"name", r.name},
            {"path", r.path},
            {"id", r.id},
            {"created_ms", r.created_ms},
            {"assume_role_policy", r.assume_role_policy},
            {"description", r.description},
            {"max_session_duration", r.max_session_duration},
            {"tags", TagsJson(r.tags)},
            {"attached", r.attached_policy_arns},
            {"inline", r.inline_policies}};
  return j.dump();
}

Result<IamRole> DecodeRole(std::string_view text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Corruption("stored IAM role is not JSON");
  try {
    IamRole r;
    r.name = j.at("name").get<std::string>();
    r.path = j.at("path").get<std::string>();
    r.id = j.at("id").get<std::string>();
    r.created_ms = j.at("created_ms").get<uint64_t>();
    r.assume_role_policy = j.at("assume_role_policy").get<std::string>();
    r.description = j.value("description", "");
    r.max_session_duration = j.value("max_session_duration", 3600);
    r.tags = TagsFrom(j.value("tags", Json::array()));
    r.attached_policy_arns = j.value("attached", std::vector<std::string>{});
    r.inline_policies = j.value("inline", std::map<std::string, std::string>{});
    return r;
  } catch (const Json::exception& e) {
    return Status::Corruption(std::string("stored IAM role: ") + e.what());
  }
}

std::string EncodePolicy(const IamPolicy& p) {
  Json versions = Json::array();
  for (const auto& v : p.versions)
    versions.push_back({{"id", v.id}, {"document", v.document}, {"created_ms", v.created_ms}});
  Json j = {{"name", p.name},
            {"path", p.path},
            {"id", p.id},
            {"arn", p.arn},
            {"created_ms", p.created_ms},
            {"updated_ms", p.updated_ms},
            {"description", p.description},
            {"default_version", p.default_version},
            {"versions", versions},
            {"next_version", p.next_version},
            {"tags", TagsJson(p.tags)}};
  return j.dump();
}

Result<IamPolicy> DecodePolicy(std::string_view text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Corruption("stored IAM policy is not JSON");
  try {
    IamPolicy p;
    p.name = j.at("name").get<std::string>();
    p.path = j.at("path").get<std::string>();
    p.id = j.at("id").get<std::string>();
    p.arn = j.at("arn").get<std::string>();
    p.created_ms = j.at("created_ms").get<uint64_t>();
    p.updated_ms = j.at("updated_ms").get<uint64_t>();
    p.description = j.value("description", "");
    p.default_version = j.at("default_version").get<std::string>();
    for (const auto& v : j.at("versions")) {
      p.versions.push_back(
          {v.at("id").get<std::string>(), v.at("document").get<std::string>(), v.at("created_ms").get<uint64_t>()});
    }
    p.next_version = j.at("next_version").get<int>();
    p.tags = TagsFrom(j.value("tags", Json::array()));
    return p;
  } catch (const Json::exception& e) {
    return Status::Corruption(std::string("stored IAM policy: ") + e.what());
  }
}

Result<std::vector<std::string>> ScanIam(const Db& db, char tag) {
  std::vector<std::string> out;
  auto it = db.NewIterator(Cf::kMeta, std::string(1, tag), std::string(1, static_cast<char>(tag + 1)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) out.emplace_back(it->value());
  FRESHET_RETURN_IF_ERROR(it->status());
  return out;
}

Status RoleNotFound(std::string_view name) {
  return Status::NotFound("The role with name " + std::string(name) + " cannot be found.");
}

}  // namespace freshet::storage::iam_internal
