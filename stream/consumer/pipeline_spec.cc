#include "stream/consumer/pipeline_spec.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "query/item_json.h"
#include "stream/stream_description.h"

namespace freshet::stream {
namespace {

using nlohmann::json;

struct Parser {
  std::string source;

  Status Error(const std::string& where, const std::string& what) const {
    return Status::InvalidArgument(source + ": " + where + ": " + what);
  }

  std::vector<std::string> SplitPath(const std::string& path) const {
    std::vector<std::string> parts;
    std::stringstream ss(path);
    std::string part;
    while (std::getline(ss, part, '.')) parts.push_back(part);
    return parts;
  }

  Result<ValueMapping> Mapping(const json& j, const std::string& where) const {
    ValueMapping m;
    if (j.is_string()) {
      m.path = SplitPath(j.get<std::string>());
    } else if (j.is_object()) {
      for (auto& [k, v] : j.items()) {
        if (k != "field" && k != "type" && k != "optional" && k != "const" && k != "truncate") {
          return Error(where, "unknown mapping field '" + k + "'");
        }
      }
      if (j.contains("const") == j.contains("field")) return Error(where, "give exactly one of 'field' or 'const'");
      if (j.contains("field")) {
        if (!j["field"].is_string() || j["field"].get<std::string>().empty())
          return Error(where, "'field' must be a non-empty string");
        m.path = SplitPath(j["field"].get<std::string>());
      } else {
        auto value = query::ParsePlainValueJson(j["const"].dump());
        if (!value.ok()) return Error(where, value.status().message());
        m.constant = std::move(value.value());
      }
      if (j.contains("type")) {
        query::AttributeValue::Type t;
        if (!j["type"].is_string() || !query::TypeFromName(j["type"].get<std::string>(), &t) ||
            (t != query::AttributeValue::Type::kS && t != query::AttributeValue::Type::kN &&
             t != query::AttributeValue::Type::kB && t != query::AttributeValue::Type::kBool)) {
          return Error(where, "'type' must be S, N, B or BOOL");
        }
        m.type = t;
      }
      if (j.contains("optional")) {
        if (!j["optional"].is_boolean()) return Error(where, "'optional' must be true or false");
        m.optional = j["optional"].get<bool>();
      }
      if (j.contains("truncate")) {
        const json& t = j["truncate"];
        const std::string unit = t.is_string() ? t.get<std::string>() : "";
        if (unit == "day") {
          m.truncate = ValueMapping::Truncate::kDay;
        } else if (unit == "month") {
          m.truncate = ValueMapping::Truncate::kMonth;
        } else if (unit == "year") {
          m.truncate = ValueMapping::Truncate::kYear;
        } else {
          return Error(where, "'truncate' must be day, month or year");
        }
        if (m.constant) return Error(where, "'truncate' applies to a field, not a constant");
        if (m.type && *m.type != query::AttributeValue::Type::kS) return Error(where, "'truncate' makes a string (S)");
        m.type = query::AttributeValue::Type::kS;
      }
    } else {
      return Error(where, "a mapping is a field path or an object");
    }
    return m;
  }

  Result<std::vector<AttributeMapping>> Mappings(const json& j, const std::string& where) const {
    if (!j.is_object()) return Error(where, "must be an object of attribute mappings");
    std::vector<AttributeMapping> out;
    for (auto& [name, value] : j.items()) {
      if (name.empty()) return Error(where, "attribute names must not be empty");
      FRESHET_ASSIGN_OR_RETURN(auto m, Mapping(value, where + "." + name));
      out.push_back({name, std::move(m)});
    }
    return out;
  }

  Result<Condition> When(const json& w, const std::string& where) const {
    if (!w.is_object() || !w.contains("field") || !w["field"].is_string() || w["field"].get<std::string>().empty())
      return Error(where, "needs a \"field\"");
    Condition c;
    c.path = SplitPath(w["field"].get<std::string>());
    if (w.contains("in")) {
      if (!w["in"].is_array() || w["in"].empty()) return Error(where + ".in", "must be a non-empty array");
      for (auto& v : w["in"]) {
        if (!v.is_string()) return Error(where + ".in", "values must be strings");
        c.in.push_back(v.get<std::string>());
      }
    } else if (!w.contains("exists")) {
      return Error(where, "needs \"in\" or \"exists\"");
    }
    return c;
  }

  Result<AggregateSpec> Aggregate(const std::string& name, const json& j, const std::string& where) const {
    static const std::pair<const char*, AggregateSpec::Op> kOps[] = {
        {"count", AggregateSpec::Op::kCount}, {"sum", AggregateSpec::Op::kSum},   {"min", AggregateSpec::Op::kMin},
        {"max", AggregateSpec::Op::kMax},     {"mean", AggregateSpec::Op::kMean}, {"first", AggregateSpec::Op::kFirst},
        {"last", AggregateSpec::Op::kLast}};
    if (!j.is_object()) return Error(where, "an aggregate is an object such as {\"sum\": \"value\"}");
    AggregateSpec a;
    a.name_template = name;
    const char* op_name = nullptr;
    for (auto& [k, v] : j.items()) {
      if (k == "when") continue;
      bool known = false;
      for (const auto& [candidate, op] : kOps) {
        if (k != candidate) continue;
        if (op_name) return Error(where, "give one operation, not '" + std::string(op_name) + "' and '" + k + "'");
        op_name = candidate;
        a.op = op;
        known = true;
      }
      if (!known)
        return Error(where, "unknown aggregate field '" + k + "' (count, sum, min, max, mean, first, last, when)");
    }
    if (!op_name) return Error(where, "needs one of count, sum, min, max, mean, first, last");
    const json& input = j[op_name];
    if (a.op == AggregateSpec::Op::kCount && input.is_string() && input.get<std::string>() == "*") {
      // counts every record: no field
    } else {
      if (input.is_string() && input.get<std::string>().empty()) return Error(where, "the field must not be empty");
      FRESHET_ASSIGN_OR_RETURN(a.value, Mapping(input, where + "." + op_name));
      if (a.value.constant) return Error(where, "an aggregate reads a field, not a constant");
      if (a.value.optional) return Error(where, "aggregates skip missing fields; 'optional' does not apply");
      using Type = query::AttributeValue::Type;
      const bool numeric = a.op == AggregateSpec::Op::kSum || a.op == AggregateSpec::Op::kMean;
      const bool ordered = a.op == AggregateSpec::Op::kMin || a.op == AggregateSpec::Op::kMax;
      if (numeric && a.value.type && *a.value.type != Type::kN)
        return Error(where, std::string(op_name) + " adds numbers (N)");
      if (ordered && a.value.type && *a.value.type != Type::kN && *a.value.type != Type::kS)
        return Error(where, std::string(op_name) + " compares numbers (N) or strings (S)");
      if ((numeric || ordered) && !a.value.type) a.value.type = Type::kN;
    }
    if (j.contains("when")) {
      FRESHET_ASSIGN_OR_RETURN(a.when, When(j["when"], where + ".when"));
    }
    return a;
  }

  Result<TargetSpec> Target(const json& j, const std::string& where) const {
    if (!j.is_object()) return Error(where, "a target is an object");
    TargetSpec t;
    if (!j.contains("table") || !j["table"].is_string()) return Error(where, "'table' (a string) is required");
    t.table = j["table"].get<std::string>();
    const std::string mode = j.value("mode", std::string("put"));
    if (mode != "put" && mode != "merge" && mode != "aggregate")
      return Error(where + ".mode", "must be put, merge or aggregate");
    t.mode = mode == "merge"       ? TargetSpec::Mode::kMerge
             : mode == "aggregate" ? TargetSpec::Mode::kAggregate
                                   : TargetSpec::Mode::kPut;
    if (j.contains("key_schema")) {
      const json& ks = j["key_schema"];
      if (!ks.is_object() || !ks.contains("partition_key") || !ks["partition_key"].is_string())
        return Error(where + ".key_schema", "needs \"partition_key\": \"name:TYPE\"");
      std::string sort = ks.contains("sort_key") && ks["sort_key"].is_string() ? ks["sort_key"].get<std::string>() : "";
      auto desc = query::TableFromFlags(t.table, ks["partition_key"].get<std::string>(), sort);
      if (!desc.ok()) return Error(where + ".key_schema", desc.status().message());
      t.key_schema = std::move(desc.value());
    }
    if (j.contains("when")) {
      FRESHET_ASSIGN_OR_RETURN(t.when, When(j["when"], where + ".when"));
    }
    if (!j.contains("key")) return Error(where, "'key' is required");
    FRESHET_ASSIGN_OR_RETURN(t.key, Mappings(j["key"], where + ".key"));
    if (t.key.empty() || t.key.size() > 2) return Error(where + ".key", "must map one or two key attributes");
    for (auto& k : t.key) {
      if (k.name_template.find('{') != std::string::npos) return Error(where + ".key", "key names are fixed");
      if (k.value.optional) return Error(where + ".key." + k.name_template, "key attributes cannot be optional");
    }
    if (t.key_schema) {
      auto has = [&](const std::string& name) {
        for (auto& k : t.key)
          if (k.name_template == name) return true;
        return false;
      };
      if (!has(t.key_schema->partition_key.name) || (t.key_schema->sort_key && !has(t.key_schema->sort_key->name)) ||
          t.key.size() != (t.key_schema->sort_key ? 2u : 1u)) {
        return Error(where + ".key", "must map exactly the key_schema's attributes");
      }
    }
    if (j.contains("attributes")) {
      FRESHET_ASSIGN_OR_RETURN(t.attributes, Mappings(j["attributes"], where + ".attributes"));
    }
    if (t.mode != TargetSpec::Mode::kAggregate) {
      if (j.contains("aggregates")) return Error(where + ".aggregates", "needs \"mode\": \"aggregate\"");
      return t;
    }
    if (!j.contains("aggregates") || !j["aggregates"].is_object() || j["aggregates"].empty())
      return Error(where + ".aggregates", "an aggregate target needs a non-empty object of aggregates");
    for (auto& [name, value] : j["aggregates"].items()) {
      if (name.empty()) return Error(where + ".aggregates", "attribute names must not be empty");
      std::string at = where;
      at.append(".aggregates.").append(name);
      FRESHET_ASSIGN_OR_RETURN(auto a, Aggregate(name, value, at));
      t.aggregates.push_back(std::move(a));
    }
    return t;
  }

  Result<PipelineSpec> Spec(const json& j) const {
    if (!j.is_object()) return Error("spec", "must be a JSON object");
    PipelineSpec s;
    for (const char* field : {"consumer", "stream"}) {
      if (!j.contains(field) || !j[field].is_string()) return Error(field, "a string is required");
    }
    s.consumer = j["consumer"].get<std::string>();
    s.stream = j["stream"].get<std::string>();
    if (s.consumer.empty() || s.consumer.size() > 128) return Error("consumer", "must be 1 to 128 characters");
    FRESHET_RETURN_IF_ERROR(ValidateStreamName(s.stream).WithContext(source + ": stream"));
    s.dead_letter_stream = j.value("dead_letter_stream", s.stream + "-dlq");
    FRESHET_RETURN_IF_ERROR(ValidateStreamName(s.dead_letter_stream).WithContext(source + ": dead_letter_stream"));
    if (s.dead_letter_stream == s.stream) return Error("dead_letter_stream", "must differ from the stream");
    s.create_if_missing = j.value("create_if_missing", false);
    if (j.contains("stream_shards")) {
      // Checked as JSON first: converting a fraction, a negative or a huge number straight to an
      // unsigned is undefined (the stream fuzzer found 8.9e27).
      const auto& n = j["stream_shards"];
      if (!n.is_number_unsigned() || n.get<uint64_t>() < 1 || n.get<uint64_t>() > kMaxShards) {
        return Error("stream_shards", "must be 1 to 1024");
      }
      s.stream_shards = static_cast<uint32_t>(n.get<uint64_t>());
    }
    if (!j.contains("targets") || !j["targets"].is_array() || j["targets"].empty())
      return Error("targets", "a non-empty array is required");
    for (size_t i = 0; i < j["targets"].size(); ++i) {
      FRESHET_ASSIGN_OR_RETURN(auto t, Target(j["targets"][i], "targets[" + std::to_string(i) + "]"));
      if (s.create_if_missing && !t.key_schema) {
        return Error("targets[" + std::to_string(i) + "]", "create_if_missing needs a key_schema");
      }
      s.targets.push_back(std::move(t));
    }
    return s;
  }
};

}  // namespace

Result<PipelineSpec> ParsePipelineSpec(std::string_view text, std::string_view source) {
  Parser parser{std::string(source)};
  try {
    return parser.Spec(json::parse(text));
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string(source) + ": not valid JSON: " + e.what());
  }
}

Result<PipelineSpec> LoadPipeline(std::string_view file_or_name) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(std::string(file_or_name), ec)) {
    std::ifstream in{std::string(file_or_name)};
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in) return Status::IOError("cannot read " + std::string(file_or_name));
    return ParsePipelineSpec(ss.str(), file_or_name);
  }
  auto builtin = BuiltinPipelineJson(file_or_name);
  if (!builtin.ok()) {
    std::string names;
    for (auto& n : BuiltinPipelineNames()) names += (names.empty() ? "" : ", ") + n;
    return Status::NotFound("pipeline '" + std::string(file_or_name) + "' is neither a file nor a built-in (" + names +
                            ")");
  }
  return ParsePipelineSpec(*builtin, "built-in pipeline " + std::string(file_or_name));
}

}  // namespace freshet::stream
