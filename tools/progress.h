// Progress: one line on stderr, redrawn in place, for commands that can run for more than a couple
// of seconds (`ingest file|noaa`, `stream put --file`, `consume` drains): records done, the rate,
// and the percentage and ETA when the total is known.
//
// It draws only when stderr is a terminal (isatty), at most every 100 ms, and finishes its line
// with a newline on Finish (or destruction); when stderr is not a terminal it writes nothing at
// all, so logs and pipes stay clean.
//
// Thread-safety: one thread at a time (the command's).
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace freshet::cli {

class Progress {
 public:
  // `label` starts the line ("ingest"); `unit` names what is counted ("records"); `total` is 0
  // when unknown. Draws to `out` only if `enabled` (by default: whether stderr is a terminal).
  Progress(std::string label, std::string unit, uint64_t total = 0);
  Progress(std::string label, std::string unit, uint64_t total, std::ostream* out, bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void Add(uint64_t n) { Set(done_ + n); }
  void Set(uint64_t done) { Set(done, -1); }
  // With the fraction of the work done, in [0, 1], when it is known otherwise than by a total
  // (the bytes of a file read); negative when unknown.
  void Set(uint64_t done, double fraction);
  void SetTotal(uint64_t total) { total_ = total; }
  // Draws the final figures and ends the line (if anything was drawn). Idempotent.
  void Finish();

  bool enabled() const { return enabled_; }
  uint64_t done() const { return done_; }

  // The line for `done` of `total` (0: unknown) after `seconds`, e.g.
  // "ingest: 45,000 / 123,308 records (36%), 52,000/s, ETA 2s"; with a `fraction` in [0, 1] and no
  // total: "ingest: 45,000 records (36%), 52,000/s, ETA 2s". Pure, for tests.
  static std::string Format(std::string_view label, std::string_view unit, uint64_t done, uint64_t total,
                            double seconds, double fraction = -1);
  // 1234567 -> "1,234,567".
  static std::string Grouped(uint64_t n);
  // Whether stderr is a terminal.
  static bool StderrIsTerminal();

 private:
  void Draw();

  std::string label_, unit_;
  uint64_t total_ = 0, done_ = 0;
  double fraction_ = -1;
  std::ostream* out_;
  bool enabled_;
  bool drawn_ = false, finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace freshet::cli
