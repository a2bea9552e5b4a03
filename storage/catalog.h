// Catalog: names of streams and tables mapped to u32 ids in the meta column family.
//
// Hot keys carry the id, not the name (see codec.h). Ids come from one counter (meta key 'n')
// and are never reused, so the leftovers of a deleted stream or table can never be mistaken
// for a new one's.
//
// Thread-safety: creations are serialized by a mutex per Db; safe to call concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/db.h"

namespace freshet::storage {

// Creates the entry `tag`+`name` with the description describe(new_id) and returns the id, in
// one atomic write together with whatever `extra` adds to the batch.
// Errors: AlreadyExists if the name is taken under `tag`; write errors.
Result<uint32_t> CreateNamed(Db* db, char tag, std::string_view name,
                             const std::function<std::string(uint32_t id)>& describe,
                             const std::function<void(uint32_t id, Batch*)>& extra = nullptr);

// The description stored for `tag`+`name`, or NotFound.
Result<std::string> GetNamed(const Db& db, char tag, std::string_view name);

// All (name, description) pairs under `tag`, in name order.
Result<std::vector<std::pair<std::string, std::string>>> ListNamed(const Db& db, char tag);

}  // namespace freshet::storage
