// How stream records and put acknowledgements are printed (shared by stream and consumer
// commands, and later by the owner's protocol).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "tools/api_client.h"

namespace freshet::cli {

// {"shard_id":…,"sequence_number":"…","partition_key":…,"arrival_ms":…,"data":…} with
// "encoding":"base64" when the data is not valid UTF-8.
nlohmann::json RecordJson(const ReadRecord& record);
// {"shard_id":…,"sequence_number":"…","partition_key":…}
nlohmann::json AckJson(const PutAck& ack, const std::string& partition_key);
// "2024-05-01T12:00:00.123Z"
std::string FormatIsoMs(uint64_t ms);

}  // namespace freshet::cli
