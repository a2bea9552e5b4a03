// The IAM/STS part of `freshet serve`: the query-protocol service on the HTTP port (an
// OwnerComponent, tools/owner_component.h). Roles and policies live in the data directory's
// meta column family (storage/iam).
//
// Thread-safety: made and stopped from the owner's main thread.
#pragma once

#include <memory>

#include "tools/owner_component.h"

namespace freshet::iam {

// Adds the IAM/STS service to env.front.
std::unique_ptr<cli::OwnerComponent> MakeIamComponent(const cli::OwnerEnv& env);

}  // namespace freshet::iam
