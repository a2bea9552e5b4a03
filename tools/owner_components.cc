// The list of the owner's components (owner_component.h). A new component adds one line here.
#include "tools/owner_component.h"

#include "tools/dashboard/dashboard_component.h"

namespace freshet::cli {

std::unique_ptr<OwnerComponent> MakeTtlSweeper();  // ttl_sweeper.cc

Result<std::vector<std::unique_ptr<OwnerComponent>>> MakeOwnerComponents(const OwnerEnv& env) {
  std::vector<std::unique_ptr<OwnerComponent>> components;
  components.push_back(dashboard::MakeDashboardComponent(env));  // the web dashboard at / (--http)
  components.push_back(MakeTtlSweeper());
  return components;
}

}  // namespace freshet::cli
