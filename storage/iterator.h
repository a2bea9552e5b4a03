// Iterator: an ordered cursor over one column family between a lower and an upper bound.
//
// The bounds are enforced by RocksDB (iterate_lower_bound / iterate_upper_bound), so a range
// scan stops by itself at the upper bound without reading the key beyond it more than once.
// key() and value() stay valid until the next move.
//
// Thread-safety: not thread-safe; one thread at a time. The Db must outlive the iterator.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "storage/status.h"

namespace freshet::storage {

class Iterator {
 public:
  virtual ~Iterator() = default;
  virtual bool Valid() const = 0;
  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  // Positions at the first key >= target.
  virtual void Seek(std::string_view target) = 0;
  // Positions at the last key <= target.
  virtual void SeekForPrev(std::string_view target) = 0;
  virtual void Next() = 0;
  virtual void Prev() = 0;
  // REQUIRES: Valid().
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // Not OK if iteration stopped because of an error (e.g. corruption), not the end.
  virtual Status status() const = 0;
};

}  // namespace freshet::storage
