// Invocation and worker identifiers (invocation_ids.h).
#include "tools/lambda/invocation_ids.h"

#include <openssl/sha.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <random>

namespace freshet::lambda {

std::string NewRequestId() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t a = rng(), b = rng();
  char text[40];
  std::snprintf(text, sizeof(text), "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xFFFF), static_cast<unsigned>(a & 0x0FFF),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3FFF)),
                static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFULL));
  return text;
}

std::string WorkerAccessKey(const std::string& nonce, const std::string& function, int number) {
  std::string seed = nonce + "/" + function + "#" + std::to_string(number);
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest;
  SHA256(reinterpret_cast<const unsigned char*>(seed.data()), seed.size(), digest.data());
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string key = kWorkerKeyPrefix;
  for (int i = 0; i < 7; ++i) {
    key += kHex[digest[static_cast<size_t>(i)] >> 4];
    key += kHex[digest[static_cast<size_t>(i)] & 15];
  }
  return key;
}

bool IsWorkerAccessKey(std::string_view key) { return key.rfind(kWorkerKeyPrefix, 0) == 0; }

}  // namespace freshet::lambda
