// Process-wide status of running mappings (mapping_status.h).
#include "stream/functions/mapping_status.h"

namespace freshet::stream {

MappingStatus& MappingStatus::Global() {
  static MappingStatus* status = new MappingStatus();
  return *status;
}

void MappingStatus::SetLastResult(const std::string& uuid, std::string result) {
  std::lock_guard lock(mu_);
  results_[uuid] = std::move(result);
}

std::string MappingStatus::LastResult(const std::string& uuid, const std::string& fallback) const {
  std::lock_guard lock(mu_);
  auto it = results_.find(uuid);
  return it == results_.end() ? fallback : it->second;
}

void MappingStatus::Forget(const std::string& uuid) {
  std::lock_guard lock(mu_);
  results_.erase(uuid);
}

}  // namespace freshet::stream
