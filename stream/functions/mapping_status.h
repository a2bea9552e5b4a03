// MappingStatus: what the running mappings report about themselves (LastProcessingResult), for
// GetEventSourceMapping in the same process. Process-wide; empty where no mapping runs.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <map>
#include <mutex>
#include <string>

namespace freshet::stream {

class MappingStatus {
 public:
  static MappingStatus& Global();
  void SetLastResult(const std::string& uuid, std::string result);
  // The last result reported for `uuid`, or `fallback`.
  std::string LastResult(const std::string& uuid, const std::string& fallback) const;
  void Forget(const std::string& uuid);

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> results_;
};

}  // namespace freshet::stream
