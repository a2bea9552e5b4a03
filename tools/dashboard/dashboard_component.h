// The dashboard as an OwnerComponent of `freshet serve` (owner_component.h): its HttpService is
// added to the HTTP front when the owner is made, and Start runs a sampler that reads the streams'
// put counters every 5 s, so the page shows a put rate over the last minute as soon as it opens.
//
// Thread-safety: as OwnerComponent.
#pragma once

#include <memory>

#include "tools/owner_component.h"

namespace freshet::dashboard {

class DashboardService;

// The component, its service already added to env.front. REQUIRES: env.front, env.dispatcher, env.db.
std::unique_ptr<cli::OwnerComponent> MakeDashboardComponent(const cli::OwnerEnv& env);

}  // namespace freshet::dashboard
