// Shard routing as Kinesis does it: the 128-bit hash key space split evenly across shards.
//
// A record's hash key is the MD5 of its partition key read as a big-endian 128-bit integer,
// or the explicit hash key given with it. Shard i of n covers
// [i * floor(2^128 / n), (i + 1) * floor(2^128 / n) - 1]; the last shard ends at 2^128 - 1.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace freshet::stream {

using HashKey = unsigned __int128;

struct HashRange {
  HashKey start = 0;
  HashKey end = 0;  // inclusive
};

HashKey Md5HashKey(std::string_view partition_key);
HashRange ShardHashRange(uint32_t shard, uint32_t shard_count);
// REQUIRES: shard_count >= 1.
uint32_t ShardForHashKey(HashKey hash_key, uint32_t shard_count);

// Parses a decimal in [0, 2^128). InvalidArgument otherwise.
Result<HashKey> ParseHashKey(std::string_view decimal);
std::string FormatHashKey(HashKey key);
// 16 bytes, big-endian (the layout stored in the log).
std::string HashKeyBytes(HashKey key);
HashKey HashKeyFromBytes(std::string_view bytes16);

// "shardId-000000000007" for shard 7.
std::string ShardId(uint32_t shard);
// Accepts "shardId-000000000007" or "7". InvalidArgument unless < shard_count.
Result<uint32_t> ParseShardId(std::string_view id, uint32_t shard_count);

}  // namespace freshet::stream
