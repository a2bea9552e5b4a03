// The two S3 checksums no other library here computes: CRC-32C (x-amz-checksum-crc32c), through
// Intel ISA-L's crc32_iscsi (libisal.so.2 from libisal-dev, loaded on first use; SSE 4.2 / PCLMUL
// when the CPU has them), and
// CRC-64/NVME (x-amz-checksum-crc64nvme), which no Debian library has, table-driven. Both are
// computed piece by piece as a body arrives; Value() is what S3 sends, big-endian, in base64.
//
//   CRC-32C:     poly 0x1EDC6F41 reflected, init and xorout ~0; "123456789" -> E3069283
//   CRC-64/NVME: poly 0xAD93D23594C93659 reflected, init and xorout ~0; "123456789" -> AE8B14860A799888
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace freshet::s3 {

class Crc32c {
 public:
  // Whether ISA-L could be loaded; if not, *why says so. REQUIRES: true before Update is called.
  static bool Available(std::string* why);
  void Update(std::string_view bytes);
  uint32_t Value() const { return ~state_; }

 private:
  uint32_t state_ = 0xffffffffu;
};

class Crc64Nvme {
 public:
  void Update(std::string_view bytes);
  uint64_t Value() const { return ~state_; }

 private:
  uint64_t state_ = ~uint64_t{0};
};

}  // namespace freshet::s3
