#include "tools/s3/s3_crc.h"

#include <algorithm>
#include <array>
#include <string>

#include "storage/shared_library.h"

namespace freshet::s3 {
namespace {

constexpr uint64_t kCrc64NvmeReflected = 0x9a6c9329ac4bc9b5ull;  // 0xAD93D23594C93659, bits reversed

constexpr std::array<uint64_t, 256> MakeCrc64Table() {
  std::array<uint64_t, 256> table{};
  for (uint64_t i = 0; i < 256; ++i) {
    uint64_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kCrc64NvmeReflected : c >> 1;
    table[i] = c;
  }
  return table;
}
constexpr std::array<uint64_t, 256> kCrc64Table = MakeCrc64Table();

// ISA-L, loaded on first use (storage/shared_library.h): linked, it would be one more library
// every freshet command loads at start, for a checksum few requests carry.
struct IsalApi {
  unsigned int (*crc32_iscsi)(unsigned char* buffer, int len, unsigned int init_crc) = nullptr;
  std::string error;
};

const IsalApi& Isal() {
  static const IsalApi kApi = [] {
    IsalApi api;
    storage::SharedLibrary lib("libisal.so.2", "Intel ISA-L for CRC-32C", &api.error);
    lib.Resolve("crc32_iscsi", &api.crc32_iscsi);
    return api;
  }();
  return kApi;
}

}  // namespace

bool Crc32c::Available(std::string* why) {
  if (Isal().error.empty()) return true;
  *why = Isal().error;
  return false;
}

void Crc32c::Update(std::string_view bytes) {
  const auto crc32_iscsi = Isal().crc32_iscsi;
  for (size_t done = 0; done < bytes.size();) {  // ISA-L takes int lengths
    const size_t n = std::min<size_t>(bytes.size() - done, size_t{1} << 30);
    // crc32_iscsi only reads the buffer; its parameter is not const.
    auto* data = reinterpret_cast<unsigned char*>(const_cast<char*>(bytes.data() + done));
    state_ = crc32_iscsi(data, static_cast<int>(n), state_);
    done += n;
  }
}

void Crc64Nvme::Update(std::string_view bytes) {
  uint64_t c = state_;
  for (const char b : bytes) c = kCrc64Table[(c ^ static_cast<unsigned char>(b)) & 0xff] ^ (c >> 8);
  state_ = c;
}

}  // namespace freshet::s3
