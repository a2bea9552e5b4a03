// FunctionStore (see function_store.h).
#include "tools/lambda/function_store.h"

#include <openssl/sha.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>

#include "storage/batch.h"
#include "storage/codec.h"
#include "storage/db.h"
#include "storage/iterator.h"
#include "tools/lambda/zip_archive.h"

namespace freshet::lambda {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

std::mutex& ChangeMutex() {
  static std::mutex mu;
  return mu;
}

std::string Sha256Hex(std::string_view bytes) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest;
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest.data());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : digest) {
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  return hex;
}

std::string NewRevisionId() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t a = rng(), b = rng();
  char text[40];
  std::snprintf(text, sizeof(text), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xFFFF), static_cast<unsigned>(0x4000 | (a & 0x0FFF)),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3FFF)),
                static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFULL));
  return text;
}

std::string CaptureFirstLine(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return "";
  char line[256] = {0};
  std::string out;
  if (std::fgets(line, sizeof(line), pipe)) out = line;
  ::pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

}  // namespace

Result<RuntimeKind> RuntimeKindFor(std::string_view runtime) {
  auto starts = [&](std::string_view p) { return runtime.substr(0, p.size()) == p; };
  if (runtime == "python" || runtime == "python3" || (starts("python3.") && runtime.size() > 8)) {
    return RuntimeKind::kPython;
  }
  if (runtime == "node" || runtime == "nodejs" || (starts("nodejs") && runtime.size() > 8 && runtime.back() == 'x')) {
    return RuntimeKind::kNode;
  }
  if (runtime == "provided" || starts("provided.al2")) return RuntimeKind::kProvided;
  return Status::InvalidArgument("Value " + std::string(runtime) +
                                 " at 'runtime' failed to satisfy constraint: runtime must be python3.x, nodejsNN.x "
                                 "or provided (this machine runs every python3.x on its python3, every nodejsNN.x "
                                 "on its node)");
}

std::string LocalInterpreter(RuntimeKind kind) {
  static const std::string python = [] {
    std::string v = CaptureFirstLine("/usr/bin/python3 --version 2>&1");
    return (v.empty() ? std::string("python3 (not found)") : v) + " (/usr/bin/python3)";
  }();
  static const std::string node = [] {
    std::string v = CaptureFirstLine("/usr/bin/node --version 2>&1");
    return (v.empty() ? std::string("node (not found)") : "Node.js " + v) + " (/usr/bin/node)";
  }();
  switch (kind) {
    case RuntimeKind::kPython: return python;
    case RuntimeKind::kNode: return node;
    case RuntimeKind::kProvided: return "the function's own bootstrap";
  }
  return "";
}

std::string EncodeFunction(const FunctionConfig& c) {
  Json j = {{"FunctionName", c.name},
            {"Runtime", c.runtime},
            {"Handler", c.handler},
            {"Role", c.role},
            {"Description", c.description},
            {"Timeout", c.timeout_seconds},
            {"MemorySize", c.memory_mb},
            {"Environment", c.environment},
            {"CodeSha256Hex", c.code_sha256},
            {"CodeSize", c.code_size},
            {"LastModified", c.last_modified},
            {"RevisionId", c.revision_id},
            {"Version", c.version},
            {"State", c.state}};
  return j.dump();
}

Result<FunctionConfig> DecodeFunction(std::string_view name, std::string_view json) {
  try {
    Json j = Json::parse(json);
    FunctionConfig c;
    c.name = j.at("FunctionName").get<std::string>();
    c.runtime = j.at("Runtime").get<std::string>();
    c.handler = j.at("Handler").get<std::string>();
    c.role = j.at("Role").get<std::string>();
    c.description = j.at("Description").get<std::string>();
    c.timeout_seconds = j.at("Timeout").get<int>();
    c.memory_mb = j.at("MemorySize").get<int>();
    c.environment = j.at("Environment").get<std::map<std::string, std::string>>();
    c.code_sha256 = j.at("CodeSha256Hex").get<std::string>();
    c.code_size = j.at("CodeSize").get<uint64_t>();
    c.last_modified = j.at("LastModified").get<std::string>();
    c.revision_id = j.at("RevisionId").get<std::string>();
    c.version = j.at("Version").get<std::string>();
    c.state = j.at("State").get<std::string>();
    return c;
  } catch (const std::exception& e) {
    return Status::Corruption("function " + std::string(name) + ": stored definition unreadable: " + e.what());
  }
}

Status ValidateFunction(const FunctionConfig& c) {
  if (!ValidName(c.name)) {
    return Status::InvalidArgument("Value '" + c.name +
                                   "' at 'functionName' failed to satisfy constraint: Member must satisfy regular "
                                   "expression pattern: [a-zA-Z0-9-_]{1,64}");
  }
  FRESHET_ASSIGN_OR_RETURN(RuntimeKind kind, RuntimeKindFor(c.runtime));
  if (kind != RuntimeKind::kProvided) {
    size_t dot = c.handler.rfind('.');
    if (c.handler.empty() || dot == std::string::npos || dot == 0 || dot + 1 == c.handler.size()) {
      return Status::InvalidArgument("Value '" + c.handler +
                                     "' at 'handler' failed to satisfy constraint: handler must be MODULE.FUNCTION");
    }
  }
  if (c.timeout_seconds < 1 || c.timeout_seconds > 900) {
    return Status::InvalidArgument("Value " + std::to_string(c.timeout_seconds) +
                                   " at 'timeout' failed to satisfy constraint: Member must have value between 1 "
                                   "and 900");
  }
  if (c.memory_mb < 128 || c.memory_mb > 10240) {
    return Status::InvalidArgument("Value " + std::to_string(c.memory_mb) +
                                   " at 'memorySize' failed to satisfy constraint: Member must have value between "
                                   "128 and 10240");
  }
  for (const auto& [k, v] : c.environment) {
    bool ok = !k.empty() && std::isalpha(static_cast<unsigned char>(k[0]));
    for (char ch : k) ok = ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_');
    if (!ok) {
      return Status::InvalidArgument("Environment variable name " + k +
                                     " is invalid: names start with a letter and contain letters, digits and _");
    }
  }
  return Status::OK();
}

std::string LambdaTimestampNow() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm;
  gmtime_r(&seconds, &tm);
  char text[48];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%03d+0000", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return text;
}

namespace {
std::string AbsolutePath(const std::string& dir) {
  std::error_code ec;
  auto absolute = fs::absolute(dir, ec);
  return ec ? dir : absolute.lexically_normal().string();
}
}  // namespace

FunctionStore::FunctionStore(storage::Db* db, std::string data_dir) : db_(db), data_dir_(AbsolutePath(data_dir)) {}

std::string FunctionStore::CodeDir(const FunctionConfig& config) const {
  return data_dir_ + "/functions/" + config.name + "/" + config.code_sha256;
}

std::string FunctionStore::LogPath(std::string_view name) const {
  return data_dir_ + "/functions/" + std::string(name) + "/log";
}

Status FunctionStore::Put(const FunctionConfig& config) {
  storage::Batch batch;
  batch.Put(storage::Cf::kMeta, codec::MetaKey(codec::kMetaFunction, config.name), EncodeFunction(config));
  return db_->Write(&batch);
}

Status FunctionStore::StoreCode(FunctionConfig* config, std::string_view zip) {
  if (zip.empty()) return Status::InvalidArgument("function " + config->name + ": the code zip is empty");
  config->code_sha256 = Sha256Hex(zip);
  config->code_size = zip.size();
  std::string dir = CodeDir(*config);
  FRESHET_RETURN_IF_ERROR(UnpackZip(zip, dir).status());
  FRESHET_RETURN_IF_ERROR(WriteFileDurably(dir + ".zip", zip));
  return Status::OK();
}

Result<FunctionConfig> FunctionStore::Create(FunctionConfig config, std::string_view zip) {
  FRESHET_RETURN_IF_ERROR(ValidateFunction(config));
  std::lock_guard lock(ChangeMutex());
  std::string ignored;
  if (db_->Get(storage::Cf::kMeta, codec::MetaKey(codec::kMetaFunction, config.name), &ignored).ok()) {
    return Status::AlreadyExists("Function already exist: " + config.name);
  }
  FRESHET_RETURN_IF_ERROR(StoreCode(&config, zip));
  config.last_modified = LambdaTimestampNow();
  config.revision_id = NewRevisionId();
  FRESHET_RETURN_IF_ERROR(Put(config));
  return config;
}

Result<FunctionConfig> FunctionStore::Get(std::string_view name) const {
  std::string value;
  Status s = db_->Get(storage::Cf::kMeta, codec::MetaKey(codec::kMetaFunction, name), &value);
  if (s.code() == Status::Code::kNotFound) {
    return Status::NotFound("Function not found: arn:aws:lambda:us-east-1:000000000000:function:" + std::string(name));
  }
  FRESHET_RETURN_IF_ERROR(s);
  return DecodeFunction(name, value);
}

Result<std::vector<FunctionConfig>> FunctionStore::List() const {
  std::string lower(1, codec::kMetaFunction);
  auto it = db_->NewIterator(storage::Cf::kMeta, lower, codec::PrefixSuccessor(lower));
  std::vector<FunctionConfig> out;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    FRESHET_ASSIGN_OR_RETURN(FunctionConfig c, DecodeFunction(it->key().substr(1), it->value()));
    out.push_back(std::move(c));
  }
  FRESHET_RETURN_IF_ERROR(it->status());
  return out;
}

Result<FunctionConfig> FunctionStore::UpdateCode(std::string_view name, std::string_view zip) {
  std::lock_guard lock(ChangeMutex());
  FRESHET_ASSIGN_OR_RETURN(FunctionConfig config, Get(name));
  std::string old_dir = CodeDir(config);
  FRESHET_RETURN_IF_ERROR(StoreCode(&config, zip));
  config.last_modified = LambdaTimestampNow();
  config.revision_id = NewRevisionId();
  FRESHET_RETURN_IF_ERROR(Put(config));
  if (old_dir != CodeDir(config)) {
    std::error_code ec;
    fs::remove_all(old_dir, ec);  // best effort: an orphan directory costs only space
    fs::remove(old_dir + ".zip", ec);
  }
  return config;
}

Result<FunctionConfig> FunctionStore::UpdateConfiguration(std::string_view name,
                                                          const std::function<Status(FunctionConfig*)>& change) {
  std::lock_guard lock(ChangeMutex());
  FRESHET_ASSIGN_OR_RETURN(FunctionConfig config, Get(name));
  FRESHET_RETURN_IF_ERROR(change(&config));
  config.name = std::string(name);
  FRESHET_RETURN_IF_ERROR(ValidateFunction(config));
  config.last_modified = LambdaTimestampNow();
  config.revision_id = NewRevisionId();
  FRESHET_RETURN_IF_ERROR(Put(config));
  return config;
}

Status FunctionStore::Delete(std::string_view name) {
  std::lock_guard lock(ChangeMutex());
  FRESHET_RETURN_IF_ERROR(Get(name).status());
  storage::Batch batch;
  batch.Delete(storage::Cf::kMeta, codec::MetaKey(codec::kMetaFunction, name));
  FRESHET_RETURN_IF_ERROR(db_->Write(&batch));
  std::error_code ec;
  fs::remove_all(data_dir_ + "/functions/" + std::string(name), ec);
  return Status::OK();
}

}  // namespace freshet::lambda
