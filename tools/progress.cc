// Progress (see progress.h).
#include "tools/progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>

namespace freshet::cli {
namespace {

constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

std::string Duration(double seconds) {
  const uint64_t s = static_cast<uint64_t>(std::llround(std::max(0.0, seconds)));
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60) + "s";
  return std::to_string(s / 3600) + "h" + (s / 60 % 60 < 10 ? "0" : "") + std::to_string(s / 60 % 60) + "m";
}

}  // namespace

Progress::Progress(std::string label, std::string unit, uint64_t total)
    : Progress(std::move(label), std::move(unit), total, &std::cerr, StderrIsTerminal()) {}

Progress::Progress(std::string label, std::string unit, uint64_t total, std::ostream* out, bool enabled)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      out_(out),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { Finish(); }

bool Progress::StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

std::string Progress::Grouped(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Progress::Format(std::string_view label, std::string_view unit, uint64_t done, uint64_t total,
                             double seconds, double fraction) {
  std::string line = std::string(label) + ": " + Grouped(done);
  if (total > 0) {
    fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
    line += " / " + Grouped(total);
  }
  line += " " + std::string(unit);
  if (fraction >= 0) {
    fraction = std::min(1.0, fraction);
    line += " (" + std::to_string(static_cast<int>(std::floor(fraction * 100))) + "%)";
  }
  if (seconds >= 0.05) {
    const double rate = static_cast<double>(done) / seconds;
    line += ", " + Grouped(static_cast<uint64_t>(std::llround(rate))) + "/s";
    if (fraction > 0 && fraction < 1) line += ", ETA " + Duration(seconds * (1 - fraction) / fraction);
  }
  return line;
}

void Progress::Set(uint64_t done, double fraction) {
  done_ = done;
  fraction_ = fraction;
  if (!enabled_ || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < kRedrawEvery) return;
  if (!drawn_ && now - start_ < kRedrawEvery) return;  // a command that finishes at once draws nothing
  last_draw_ = now;
  Draw();
}

void Progress::Draw() {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  // \r back to the start of the line, \x1b[K clears what a longer previous line left.
  *out_ << '\r' << Format(label_, unit_, done_, total_, seconds, fraction_) << "\x1b[K" << std::flush;
  drawn_ = true;
}

void Progress::Finish() {
  if (finished_) return;
  finished_ = true;
  if (!enabled_ || !drawn_) return;
  Draw();
  *out_ << '\n' << std::flush;
}

}  // namespace freshet::cli
