#include <map>

#include "query/item_json.h"
#include "stream/api.h"
#include "stream/api_fields.h"

namespace freshet::api {

bool IsWriteOp(std::string_view op) {
  static const char* const kWrites[] = {"CreateStream", "DeleteStream", "UpdateRetention", "TrimStream",
                                        "PutRecords",   "CreateTable",  "DeleteTable",     "PutItem",      "BatchWriteItem",
                                        "DeleteItem",   "UpdateItem",   "ResetConsumer"};
  for (const char* w : kWrites) {
    if (op == w) return true;
  }
  return false;
}

Json StatusToJson(const Status& status) {
  return {{"code", std::string(CodeName(status.code()))}, {"message", status.message()}};
}

Status StatusFromJson(const Json& error) {
  static const std::map<std::string, Status (*)(std::string)> kByName = {
      {"invalid argument", &Status::InvalidArgument}, {"not found", &Status::NotFound},
      {"already exists", &Status::AlreadyExists},     {"failed precondition", &Status::FailedPrecondition},
      {"corruption", &Status::Corruption},             {"I/O error", &Status::IOError},
      {"aborted", &Status::Aborted},                   {"internal error", &Status::Internal}};
  std::string code = error.value("code", std::string("internal error"));
  std::string message = error.value("message", std::string("malformed error from the owner"));
  auto it = kByName.find(code);
  return it == kByName.end() ? Status::Internal(message) : it->second(message);
}

Result<std::string> StringField(const Json& request, const char* name) {
  auto it = request.find(name);
  if (it == request.end() || !it->is_string()) {
    return Status::InvalidArgument(std::string("request field ") + name + " (a string) is missing");
  }
  return it->get<std::string>();
}

std::optional<std::string> OptionalString(const Json& request, const char* name) {
  auto it = request.find(name);
  if (it == request.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

Result<uint64_t> UintField(const Json& request, const char* name, uint64_t default_value, uint64_t max) {
  auto it = request.find(name);
  if (it == request.end() || it->is_null()) return default_value;
  if (!it->is_number_unsigned() || it->get<uint64_t>() > max) {
    return Status::InvalidArgument(std::string("request field ") + name + " must be a whole number up to " +
                                   std::to_string(max));
  }
  return it->get<uint64_t>();
}

bool BoolField(const Json& request, const char* name, bool default_value) {
  auto it = request.find(name);
  return it != request.end() && it->is_boolean() ? it->get<bool>() : default_value;
}

namespace {
bool ValidUtf8(const std::string& s) {
  try {
    (void)Json(s).dump();
    return true;
  } catch (const Json::type_error&) {
    return false;
  }
}
}  // namespace

void PutData(Json* object, const std::string& data) {
  if (ValidUtf8(data)) {
    (*object)["Data"] = data;
  } else {
    (*object)["Data"] = query::EncodeBase64(data);
    (*object)["Encoding"] = "base64";
  }
}

Result<std::string> GetData(const Json& object) {
  FRESHET_ASSIGN_OR_RETURN(std::string data, StringField(object, "Data"));
  if (object.value("Encoding", std::string()) != "base64") return data;
  std::string bytes;
  if (!query::DecodeBase64(data, &bytes)) return Status::InvalidArgument("record Data is not valid base64");
  return bytes;
}

}  // namespace freshet::api
