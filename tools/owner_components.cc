// The list of the owner's components (owner_component.h). A new component adds one line here.
#include "tools/owner_component.h"

namespace freshet::cli {

std::unique_ptr<OwnerComponent> MakeMappingComponent();  // mapping_component.cc

Result<std::vector<std::unique_ptr<OwnerComponent>>> MakeOwnerComponents(const OwnerEnv& env) {
  (void)env;
  std::vector<std::unique_ptr<OwnerComponent>> components;
  components.push_back(MakeMappingComponent());
  return components;
}

}  // namespace freshet::cli
