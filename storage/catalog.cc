#include "storage/catalog.h"

#include <mutex>

#include "storage/codec.h"

namespace freshet::storage {
namespace {
std::mutex& CreateMutex() {
  static std::mutex mu;  // creations are rare; one process-wide lock keeps the counter exact
  return mu;
}
}  // namespace

Result<uint32_t> CreateNamed(Db* db, char tag, std::string_view name,
                             const std::function<std::string(uint32_t id)>& describe,
                             const std::function<void(uint32_t id, Batch*)>& extra) {
  std::lock_guard lock(CreateMutex());
  const std::string key = codec::MetaKey(tag, name);
  std::string value;
  Status s = db->Get(Cf::kMeta, key, &value);
  if (s.ok()) return Status::AlreadyExists("'" + std::string(name) + "' already exists");
  if (!s.IsNotFound()) return s;

  const std::string counter_key = codec::MetaKey(codec::kMetaNextId, "");
  uint32_t id = 1;
  s = db->Get(Cf::kMeta, counter_key, &value);
  if (s.ok()) {
    if (value.size() != 4) return Status::Corruption("id counter in " + db->dir() + " is malformed");
    id = codec::DecodeFixed32(value.data());
  } else if (!s.IsNotFound()) {
    return s;
  }
  std::string next;
  codec::PutFixed32(&next, id + 1);
  Batch batch;
  batch.Put(Cf::kMeta, counter_key, next);
  batch.Put(Cf::kMeta, key, describe(id));
  if (extra) extra(id, &batch);
  FRESHET_RETURN_IF_ERROR(db->Write(&batch));
  return id;
}

Result<std::string> GetNamed(const Db& db, char tag, std::string_view name) {
  std::string value;
  Status s = db.Get(Cf::kMeta, codec::MetaKey(tag, name), &value);
  if (!s.ok()) return s;
  return value;
}

Result<std::vector<std::pair<std::string, std::string>>> ListNamed(const Db& db, char tag) {
  std::string lower(1, tag);
  auto it = db.NewIterator(Cf::kMeta, lower, codec::PrefixSuccessor(lower));
  std::vector<std::pair<std::string, std::string>> out;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    out.emplace_back(std::string(it->key().substr(1)), std::string(it->value()));
  }
  FRESHET_RETURN_IF_ERROR(it->status());
  return out;
}

}  // namespace freshet::storage
