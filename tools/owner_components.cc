// The list of the owner's components (owner_component.h). A new component adds one line here.
#include "tools/owner_component.h"

namespace freshet::cli {

std::unique_ptr<OwnerComponent> MakeMappingComponent();  // mapping_component.cc
Result<std::unique_ptr<OwnerComponent>> MakeFunctionComponent(const OwnerEnv& env);  // function_component.cc

Result<std::vector<std::unique_ptr<OwnerComponent>>> MakeOwnerComponents(const OwnerEnv& env) {
  std::vector<std::unique_ptr<OwnerComponent>> components;
  FRESHET_ASSIGN_OR_RETURN(auto functions, MakeFunctionComponent(env));
  if (functions) components.push_back(std::move(functions));
  components.push_back(MakeMappingComponent());
  return components;
}

}  // namespace freshet::cli
