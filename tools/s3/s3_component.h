// The S3 part of `freshet serve`: the bucket store at `<data dir>/buckets` and the S3 REST API on
// the HTTP port (an OwnerComponent, tools/owner_component.h).
//
// Thread-safety: made and stopped from the owner's main thread; the service it adds is thread-safe.
#pragma once

#include <memory>

#include "tools/owner_component.h"

namespace freshet::s3 {

// Adds the S3 service to env.front. The store opens (and clears stale temp files) here. Errors:
// the --credentials file cannot be read (SigV2 presigned URLs are verified against it).
Result<std::unique_ptr<cli::OwnerComponent>> MakeS3Component(const cli::OwnerEnv& env);

}  // namespace freshet::s3
