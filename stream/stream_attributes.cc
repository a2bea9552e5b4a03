#include "stream/stream_attributes.h"

#include <mutex>
#include <nlohmann/json.hpp>

#include "storage/codec.h"

namespace freshet::stream {
namespace {

std::string AttributesKey(uint32_t stream_id) {
  std::string key(1, codec::kMetaStreamAttributes);
  codec::PutFixed32(&key, stream_id);
  return key;
}

std::mutex& UpdateMutex() {
  static std::mutex mu;
  return mu;
}

}  // namespace

Result<StreamAttributes> LoadStreamAttributes(const storage::Db& db, uint32_t stream_id) {
  std::string value;
  Status s = db.Get(storage::Cf::kMeta, AttributesKey(stream_id), &value);
  StreamAttributes out;
  if (s.IsNotFound()) return out;
  if (!s.ok()) return s;
  try {
    auto j = nlohmann::json::parse(value);
    out.mode = j.at("mode").get<std::string>();
    out.tags = j.at("tags").get<std::map<std::string, std::string>>();
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("stream attributes are malformed: ") + e.what());
  }
  return out;
}

Status SaveStreamAttributes(storage::Db* db, uint32_t stream_id, const StreamAttributes& attributes) {
  nlohmann::json j = {{"mode", attributes.mode}, {"tags", attributes.tags}};
  storage::Batch batch;
  batch.Put(storage::Cf::kMeta, AttributesKey(stream_id), j.dump());
  return db->Write(&batch);
}

Status UpdateStreamAttributes(storage::Db* db, uint32_t stream_id,
                              const std::function<Status(StreamAttributes*)>& change) {
  std::lock_guard lock(UpdateMutex());
  FRESHET_ASSIGN_OR_RETURN(StreamAttributes attributes, LoadStreamAttributes(*db, stream_id));
  FRESHET_RETURN_IF_ERROR(change(&attributes));
  return SaveStreamAttributes(db, stream_id, attributes);
}

}  // namespace freshet::stream
