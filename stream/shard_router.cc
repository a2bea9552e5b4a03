#include "stream/shard_router.h"

#include <openssl/md5.h>

#include <cstdio>

namespace freshet::stream {
namespace {
constexpr HashKey kMaxHashKey = ~HashKey{0};
}

HashKey Md5HashKey(std::string_view partition_key) {
  unsigned char digest[MD5_DIGEST_LENGTH];
  // MD5() is deprecated in OpenSSL 3 in favour of EVP, but it is the one-shot form of the
  // same digest and far cheaper per call than an EVP context for 1..256-byte keys.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  MD5(reinterpret_cast<const unsigned char*>(partition_key.data()), partition_key.size(), digest);
#pragma GCC diagnostic pop
  return HashKeyFromBytes(std::string_view(reinterpret_cast<const char*>(digest), 16));
}

// floor(2^128 / n) for n >= 2, computed without overflow as floor((kMax + 1) / n).
HashKey ShardWidth(uint32_t n) { return kMaxHashKey / n + (kMaxHashKey % n == n - 1 ? 1 : 0); }

HashRange ShardHashRange(uint32_t shard, uint32_t shard_count) {
  if (shard_count <= 1) return HashRange{0, kMaxHashKey};
  const HashKey width = ShardWidth(shard_count);
  HashRange r;
  r.start = width * shard;
  r.end = shard + 1 == shard_count ? kMaxHashKey : width * (shard + 1) - 1;
  return r;
}

uint32_t ShardForHashKey(HashKey hash_key, uint32_t shard_count) {
  if (shard_count <= 1) return 0;
  HashKey shard = hash_key / ShardWidth(shard_count);
  return shard >= shard_count ? shard_count - 1 : static_cast<uint32_t>(shard);
}

Result<HashKey> ParseHashKey(std::string_view decimal) {
  if (decimal.empty() || decimal.size() > 39) {
    return Status::InvalidArgument("explicit hash key '" + std::string(decimal.substr(0, 64)) +
                                   "' is not a decimal in [0, 2^128)");
  }
  HashKey value = 0;
  for (char c : decimal) {
    if (c < '0' || c > '9') {
      return Status::InvalidArgument("explicit hash key '" + std::string(decimal) + "' is not a decimal");
    }
    HashKey digit = static_cast<HashKey>(c - '0');
    if (value > (kMaxHashKey - digit) / 10) {
      return Status::InvalidArgument("explicit hash key '" + std::string(decimal) + "' is not below 2^128");
    }
    value = value * 10 + digit;
  }
  return value;
}

std::string FormatHashKey(HashKey key) {
  if (key == 0) return "0";
  std::string s;
  while (key > 0) {
    s.push_back(static_cast<char>('0' + static_cast<int>(key % 10)));
    key /= 10;
  }
  return std::string(s.rbegin(), s.rend());
}

std::string HashKeyBytes(HashKey key) {
  std::string out(16, '\0');
  for (int i = 15; i >= 0; --i) {
    out[i] = static_cast<char>(static_cast<uint8_t>(key & 0xff));
    key >>= 8;
  }
  return out;
}

HashKey HashKeyFromBytes(std::string_view bytes16) {
  HashKey v = 0;
  for (size_t i = 0; i < 16 && i < bytes16.size(); ++i) v = (v << 8) | static_cast<uint8_t>(bytes16[i]);
  return v;
}

std::string ShardId(uint32_t shard) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "shardId-%012u", shard);
  return buf;
}

Result<uint32_t> ParseShardId(std::string_view id, uint32_t shard_count) {
  std::string_view digits = id;
  if (digits.substr(0, 8) == "shardId-") digits.remove_prefix(8);
  uint64_t value = 0;
  bool ok = !digits.empty() && digits.size() <= 12;
  for (char c : digits) {
    if (c < '0' || c > '9') ok = false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!ok || value >= shard_count) {
    return Status::InvalidArgument("shard '" + std::string(id) + "' does not exist (the stream has " +
                                   std::to_string(shard_count) + " shards: shardId-000000000000 to " +
                                   ShardId(shard_count - 1) + ")");
  }
  return static_cast<uint32_t>(value);
}

}  // namespace freshet::stream
