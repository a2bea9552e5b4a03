// Shared by the processing tests: a ProcessingConfiguration naming one Lambda processor.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace freshet::stream::delivery::test {

inline constexpr const char* kArn = "arn:aws:lambda:us-east-1:000000000000:function:upper";

// ProcessingConfiguration JSON: the Lambda processor kArn with `extra` parameters.
inline std::string Config(const std::vector<std::pair<std::string, std::string>>& extra = {}, bool enabled = true) {
  using Json = nlohmann::json;
  Json params = Json::array({{{"ParameterName", "LambdaArn"}, {"ParameterValue", kArn}}});
  for (const auto& [k, v] : extra) params.push_back({{"ParameterName", k}, {"ParameterValue", v}});
  return Json{{"Enabled", enabled}, {"Processors", Json::array({{{"Type", "Lambda"}, {"Parameters", params}}})}}.dump();
}

}  // namespace freshet::stream::delivery::test
