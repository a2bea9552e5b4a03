// The list of the owner's components (owner_component.h). A new component adds one line here.
#include "tools/owner_component.h"

#include "tools/dashboard/dashboard_component.h"

namespace freshet::cli {

Result<std::vector<std::unique_ptr<OwnerComponent>>> MakeOwnerComponents(const OwnerEnv& env) {
  std::vector<std::unique_ptr<OwnerComponent>> components;
  components.push_back(dashboard::MakeDashboardComponent(env));  // the web dashboard at / (--http)
  return components;
}

}  // namespace freshet::cli
