// Shared by consumer tests: NOAA observation records as the ingest module writes them.
#pragma once

#include <string>

namespace freshet::stream {

inline std::string Observation(const std::string& station, const std::string& date, const std::string& element,
                               const std::string& value, const std::string& extra = "") {
  return R"({"station":")" + station + R"(","date":")" + date + R"(","element":")" + element + R"(","value":")" +
         value + "\"" + extra + "}";
}

}  // namespace freshet::stream
