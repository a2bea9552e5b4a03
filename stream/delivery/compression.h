// Compressing a delivered object's bytes as Firehose's CompressionFormat says, deterministically:
// the same input always gives the same bytes (no times, no randomness), so a buffer redelivered
// after a crash replaces its object with identical content.
//
//   GZIP:          one gzip member (zlib, level 6, header mtime 0): `gzip -d` decompresses it.
//   ZIP:           a ZIP archive (libzip) with one deflated entry named `entry_name`, dated
//                  `mtime_s` (the first record's arrival).
//   Snappy:        the Snappy framing format (stream identifier, then chunks of at most 64 KiB
//                  of input compressed by libsnappy, each with its masked CRC-32C), which is
//                  what Firehose writes and python-snappy's `snappy -d` / StreamDecompressor read.
//   HADOOP_SNAPPY: Hadoop's BlockCompressorStream framing: per block of at most 256 KiB of input,
//                  u32 BE uncompressed length, u32 BE compressed length, libsnappy's raw block.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "storage/status.h"
#include "stream/delivery/delivery_spec.h"

namespace freshet::stream::delivery {

// Errors: Internal if a library refuses (out of memory).
Result<std::string> Compress(Compression format, std::string_view bytes, const std::string& entry_name,
                             uint64_t mtime_s);

// The inverse, for tests and tools (ZIP: the first entry's bytes). InvalidArgument on bad input.
Result<std::string> Decompress(Compression format, std::string_view bytes);

}  // namespace freshet::stream::delivery
