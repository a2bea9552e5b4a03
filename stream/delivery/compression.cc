// Object compression: zlib (GZIP), libzip (ZIP), libsnappy (Snappy framing, Hadoop blocks).
#include "stream/delivery/compression.h"

#include <snappy.h>
#include <zip.h>
#include <zlib.h>

#include <array>
#include <memory>

namespace freshet::stream::delivery {
namespace {

constexpr size_t kSnappyChunk = 64 << 10;   // the framing format's largest chunk of input
constexpr size_t kHadoopBlock = 256 << 10;  // Hadoop's io.compression.codec.snappy.buffersize

// CRC-32C (Castagnoli), reflected, as the Snappy framing format checks each chunk.
uint32_t Crc32c(std::string_view data) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char b : data) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

uint32_t MaskedCrc(std::string_view data) {
  uint32_t crc = Crc32c(data);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

void PutLe(std::string* out, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutBe32(std::string* out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint32_t GetLe(std::string_view in, size_t at, int bytes) {
  uint32_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= uint32_t{static_cast<unsigned char>(in[at + i])} << (8 * i);
  return v;
}
uint32_t GetBe32(std::string_view in, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(in[at + i]);
  return v;
}

Result<std::string> Gzip(std::string_view bytes) {
  z_stream z{};
  // windowBits 15 + 16: a gzip wrapper; zlib writes mtime 0 and no name, so the bytes are stable.
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::Internal("zlib deflateInit2 failed");
  }
  std::string out(deflateBound(&z, bytes.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  size_t n = z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return Status::Internal("zlib deflate failed (" + std::to_string(rc) + ")");
  out.resize(n);
  return out;
}

Result<std::string> Gunzip(std::string_view bytes) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) return Status::Internal("zlib inflateInit2 failed");
  std::string out;
  char buf[1 << 16];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return Status::InvalidArgument("not a complete gzip stream");
  return out;
}

std::string SnappyFramed(std::string_view bytes) {
  std::string out("\xff\x06\x00\x00sNaPpY", 10);
  std::string compressed;
  for (size_t at = 0; at < bytes.size(); at += kSnappyChunk) {
    std::string_view chunk = bytes.substr(at, kSnappyChunk);
    snappy::Compress(chunk.data(), chunk.size(), &compressed);
    out.push_back('\x00');
    PutLe(&out, static_cast<uint32_t>(compressed.size() + 4), 3);
    PutLe(&out, MaskedCrc(chunk), 4);
    out += compressed;
  }
  return out;
}

Result<std::string> SnappyUnframe(std::string_view in) {
  std::string out, chunk;
  size_t at = 0;
  while (at < in.size()) {
    if (in.size() - at < 4) return Status::InvalidArgument("truncated snappy frame header");
    uint8_t type = static_cast<uint8_t>(in[at]);
    uint32_t len = GetLe(in, at + 1, 3);
    if (in.size() - at - 4 < len) return Status::InvalidArgument("truncated snappy frame");
    std::string_view body = in.substr(at + 4, len);
    if (type == 0x00 || type == 0x01) {
      if (len < 4) return Status::InvalidArgument("snappy frame too short");
      if (type == 0x00) {
        if (!snappy::Uncompress(body.data() + 4, body.size() - 4, &chunk)) {
          return Status::InvalidArgument("bad snappy chunk");
        }
      } else {
        chunk.assign(body.substr(4));
      }
      if (MaskedCrc(chunk) != GetLe(body, 0, 4)) return Status::InvalidArgument("snappy chunk CRC mismatch");
      out += chunk;
    }
    at += 4 + len;
  }
  return out;
}

std::string HadoopSnappy(std::string_view bytes) {
  std::string out, compressed;
  for (size_t at = 0; at < bytes.size(); at += kHadoopBlock) {
    std::string_view block = bytes.substr(at, kHadoopBlock);
    snappy::Compress(block.data(), block.size(), &compressed);
    PutBe32(&out, static_cast<uint32_t>(block.size()));
    PutBe32(&out, static_cast<uint32_t>(compressed.size()));
    out += compressed;
  }
  return out;
}

Result<std::string> HadoopUnsnappy(std::string_view in) {
  std::string out, block;
  size_t at = 0;
  while (at < in.size()) {
    if (in.size() - at < 8) return Status::InvalidArgument("truncated hadoop-snappy block");
    uint32_t raw = GetBe32(in, at);
    size_t got = 0;
    at += 4;
    while (got < raw) {
      if (in.size() - at < 4) return Status::InvalidArgument("truncated hadoop-snappy chunk");
      uint32_t len = GetBe32(in, at);
      if (in.size() - at - 4 < len) return Status::InvalidArgument("truncated hadoop-snappy chunk");
      if (!snappy::Uncompress(in.data() + at + 4, len, &block)) return Status::InvalidArgument("bad snappy block");
      out += block;
      got += block.size();
      at += 4 + len;
    }
  }
  return out;
}

struct ZipSourceFree {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};

Result<std::string> Zip(std::string_view bytes, const std::string& entry_name, uint64_t mtime_s) {
  zip_error_t error;
  zip_error_init(&error);
  // The archive is built in a memory source; zip_source_keep holds it past zip_close.
  std::unique_ptr<zip_source_t, ZipSourceFree> archive(zip_source_buffer_create(nullptr, 0, 0, &error));
  if (!archive) return Status::Internal("libzip: cannot create a buffer source");
  zip_t* za = zip_open_from_source(archive.get(), ZIP_TRUNCATE, &error);
  if (za == nullptr) return Status::Internal(std::string("libzip: ") + zip_error_strerror(&error));
  zip_source_keep(archive.get());
  zip_source_t* entry = zip_source_buffer(za, bytes.data(), bytes.size(), 0);
  zip_int64_t index = entry ? zip_file_add(za, entry_name.c_str(), entry, ZIP_FL_ENC_UTF_8) : -1;
  if (index < 0) {
    if (entry) zip_source_free(entry);
    std::string message = zip_strerror(za);
    zip_discard(za);
    return Status::Internal("libzip: cannot add the entry: " + message);
  }
  zip_set_file_compression(za, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 6);
  zip_file_set_mtime(za, static_cast<zip_uint64_t>(index), static_cast<time_t>(mtime_s), 0);
  if (zip_close(za) != 0) {
    std::string message = zip_strerror(za);
    zip_discard(za);
    return Status::Internal("libzip: cannot write the archive: " + message);
  }
  zip_stat_t st;
  if (zip_source_stat(archive.get(), &st) != 0 || zip_source_open(archive.get()) != 0) {
    return Status::Internal("libzip: cannot read the archive back");
  }
  std::string out(st.size, '\0');
  zip_int64_t n = zip_source_read(archive.get(), out.data(), st.size);
  zip_source_close(archive.get());
  if (n < 0 || static_cast<zip_uint64_t>(n) != st.size) return Status::Internal("libzip: short read of the archive");
  return out;
}

Result<std::string> Unzip(std::string_view bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (!src) return Status::Internal("libzip: cannot create a buffer source");
  zip_t* za = zip_open_from_source(src, ZIP_RDONLY, &error);
  if (!za) {
    zip_source_free(src);
    return Status::InvalidArgument(std::string("not a zip archive: ") + zip_error_strerror(&error));
  }
  zip_stat_t st;
  zip_file_t* f = zip_stat_index(za, 0, 0, &st) == 0 ? zip_fopen_index(za, 0, 0) : nullptr;
  if (!f) {
    zip_discard(za);
    return Status::InvalidArgument("zip archive has no readable entry");
  }
  std::string out(st.size, '\0');
  zip_int64_t n = zip_fread(f, out.data(), st.size);
  zip_fclose(f);
  zip_discard(za);
  if (n < 0 || static_cast<zip_uint64_t>(n) != st.size) return Status::InvalidArgument("short zip entry");
  return out;
}

}  // namespace

Result<std::string> Compress(Compression format, std::string_view bytes, const std::string& entry_name,
                             uint64_t mtime_s) {
  switch (format) {
    case Compression::kUncompressed: return std::string(bytes);
    case Compression::kGzip: return Gzip(bytes);
    case Compression::kZip: return Zip(bytes, entry_name, mtime_s);
    case Compression::kSnappy: return SnappyFramed(bytes);
    case Compression::kHadoopSnappy: return HadoopSnappy(bytes);
  }
  return Status::Internal("unknown compression format");
}

Result<std::string> Decompress(Compression format, std::string_view bytes) {
  switch (format) {
    case Compression::kUncompressed: return std::string(bytes);
    case Compression::kGzip: return Gunzip(bytes);
    case Compression::kZip: return Unzip(bytes);
    case Compression::kSnappy: return SnappyUnframe(bytes);
    case Compression::kHadoopSnappy: return HadoopUnsnappy(bytes);
  }
  return Status::Internal("unknown compression format");
}

}  // namespace freshet::stream::delivery
