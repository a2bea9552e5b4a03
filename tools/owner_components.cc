// The list of the owner's components (owner_component.h). A new component adds one line here.
#include "tools/dashboard/dashboard_component.h"
#include "tools/delivery/delivery_component.h"
#include "tools/iam/iam_component.h"
#include "tools/owner_component.h"
#include "tools/s3/s3_component.h"

namespace freshet::cli {

std::unique_ptr<OwnerComponent> MakeTtlSweeper();                                    // ttl_sweeper.cc
std::unique_ptr<OwnerComponent> MakeMappingComponent();                              // mapping_component.cc
Result<std::unique_ptr<OwnerComponent>> MakeFunctionComponent(const OwnerEnv& env);  // function_component.cc

Result<std::vector<std::unique_ptr<OwnerComponent>>> MakeOwnerComponents(const OwnerEnv& env) {
  std::vector<std::unique_ptr<OwnerComponent>> components;
  // Functions first: their HTTP routes are asked first, so an unsigned request that matches a
  // route reaches the function, whatever the dashboard or a bucket name would claim.
  FRESHET_ASSIGN_OR_RETURN(auto functions, MakeFunctionComponent(env));
  if (functions) components.push_back(std::move(functions));
  components.push_back(dashboard::MakeDashboardComponent(env));  // the web dashboard at / (--http)
  components.push_back(MakeTtlSweeper());
  FRESHET_ASSIGN_OR_RETURN(auto s3, s3::MakeS3Component(env));
  components.push_back(std::move(s3));
  FRESHET_ASSIGN_OR_RETURN(auto delivery, delivery::MakeDeliveryComponent(env));
  components.push_back(std::move(delivery));
  components.push_back(iam::MakeIamComponent(env));
  components.push_back(MakeMappingComponent());
  return components;
}

}  // namespace freshet::cli
