// Helpers shared by the Kinesis handlers (internal to tools/protocol).
#pragma once

#include <string>

#include "stream/stream_description.h"
#include "tools/protocol/fields.h"
#include "tools/protocol/kinesis_codec.h"
#include "tools/protocol/registry.h"

namespace freshet::protocol::kinesis {

// The stream a request names (StreamName or StreamARN), or ResourceNotFoundException.
Checked<stream::StreamDescription> LoadStream(const Call& call);
Checked<stream::StreamDescription> LoadStreamNamed(const Call& call, const std::string& name);
// Open shards of every stream: what the account shard limit counts.
Result<uint64_t> AccountOpenShards(const Backend& backend);
// Opaque paging tokens: base64 of a small JSON object, expiring after 300 s as AWS's do.
std::string EncodeToken(const Json& state, uint64_t now_ms);
Checked<Json> DecodeToken(const std::string& token, uint64_t now_ms);

}  // namespace freshet::protocol::kinesis
