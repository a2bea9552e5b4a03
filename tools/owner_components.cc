// The list of the owner's components (owner_component.h). A new component adds one line here.
#include "tools/owner_component.h"
#include "tools/s3/s3_component.h"

namespace freshet::cli {

Result<std::vector<std::unique_ptr<OwnerComponent>>> MakeOwnerComponents(const OwnerEnv& env) {
  std::vector<std::unique_ptr<OwnerComponent>> components;
  FRESHET_ASSIGN_OR_RETURN(auto s3, s3::MakeS3Component(env));
  components.push_back(std::move(s3));
  return components;
}

}  // namespace freshet::cli
