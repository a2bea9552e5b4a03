// The query protocol's request parameters and XML replies (query_protocol.h).
#include "tools/iam/query_protocol.h"

#include <pugixml.hpp>

#include <sstream>

namespace freshet::iam {
namespace {

bool IsIndex(std::string_view s) {
  if (s.empty() || s.size() > 4) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

void AddJson(pugi::xml_node parent, const Json& value) {
  if (value.is_object()) {
    for (const auto& [k, v] : value.items()) AddJson(parent.append_child(k.c_str()), v);
  } else if (value.is_array()) {
    for (const auto& v : value) AddJson(parent.append_child("member"), v);
  } else if (value.is_string()) {
    parent.text().set(value.get_ref<const std::string&>().c_str());
  } else if (value.is_boolean()) {
    parent.text().set(value.get<bool>() ? "true" : "false");
  } else if (!value.is_null()) {
    parent.text().set(value.dump().c_str());
  }
}

http::Response Xml(const pugi::xml_document& doc, int status, const std::string& request_id) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration, pugi::encoding_utf8);
  http::Response r;
  r.status = status;
  r.content_type = "text/xml";
  r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + out.str();
  r.headers.emplace_back("x-amzn-RequestId", request_id);
  return r;
}

void DropNulls(Json* j) {
  if (j->is_array()) {
    Json kept = Json::array();
    for (auto& v : *j) {
      if (!v.is_null()) {
        DropNulls(&v);
        kept.push_back(std::move(v));
      }
    }
    *j = std::move(kept);
  } else if (j->is_object()) {
    for (auto& [k, v] : j->items()) DropNulls(&v);
  }
}

}  // namespace

Result<Json> ParamsToJson(const std::vector<std::pair<std::string, std::string>>& params) {
  Json root = Json::object();
  for (const auto& [name, value] : params) {
    std::vector<std::string> segments;
    size_t start = 0;
    for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', start)) {
      segments.push_back(name.substr(start, dot - start));
      start = dot + 1;
    }
    segments.push_back(name.substr(start));
    Json* node = &root;
    for (size_t i = 0; i < segments.size(); ++i) {
      const std::string& seg = segments[i];
      if (seg == "member" && i + 1 < segments.size() && IsIndex(segments[i + 1])) {
        size_t index = std::stoul(segments[i + 1]);
        if (index < 1 || index > 1000) {
          return Status::InvalidArgument("list parameter '" + name + "' has an index outside 1..1000");
        }
        if (!node->is_array()) *node = Json::array();
        while (node->size() < index) node->push_back(nullptr);
        node = &(*node)[index - 1];
        ++i;
      } else {
        if (!node->is_object()) *node = Json::object();
        node = &(*node)[seg];
      }
    }
    *node = value;
  }
  DropNulls(&root);
  return root;
}

http::Response QueryReply(std::string_view action, const Json& result, std::string_view xmlns,
                          const std::string& request_id) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child((std::string(action) + "Response").c_str());
  root.append_attribute("xmlns") = std::string(xmlns).c_str();
  if (result.is_object() && !result.empty()) {
    AddJson(root.append_child((std::string(action) + "Result").c_str()), result);
  }
  root.append_child("ResponseMetadata").append_child("RequestId").text().set(request_id.c_str());
  return Xml(doc, 200, request_id);
}

http::Response QueryError(const std::string& code, const std::string& message, int http_status,
                          std::string_view xmlns, const std::string& request_id) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("ErrorResponse");
  root.append_attribute("xmlns") = std::string(xmlns).c_str();
  pugi::xml_node error = root.append_child("Error");
  error.append_child("Type").text().set(http_status >= 500 ? "Receiver" : "Sender");
  error.append_child("Code").text().set(code.c_str());
  error.append_child("Message").text().set(message.c_str());
  root.append_child("RequestId").text().set(request_id.c_str());
  return Xml(doc, http_status, request_id);
}

}  // namespace freshet::iam
