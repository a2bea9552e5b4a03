// Fuzzes what ingest/ reads from outside, in memory: the NOAA and generic line parsers, CDO API
// responses, the station name cache, and the unit conversion. (IngestFile over real files is
// ingest_file_fuzzer.cc: about 50 times slower per input, so it has a target of its own.)
//
// The first byte of the input picks the mode ((byte - '0') mod kModes, so seeds stay readable);
// the rest is the payload:
//   0..6  the line parser of Format 0..6 over the payload's lines, as IngestFile drives it
//         (0 = auto: DetectFormat on the first non-blank line picks it)
//   7     CDO API responses, "\n---\n"-separated, answering IngestFromCdo's requests in order
//         (a response may start with "HTTP <status>\n"); see the fake HttpClient below
//   8     StationNameCache::Load of the payload
//   9     units: "ELEMENT,UNITS,VALUE" for ToMetric, and ParseDecimal / FormatDecimal round trip
//
// Thread-safety: libFuzzer calls LLVMFuzzerTestOneInput from one thread.
#include <unistd.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/cdo_source.h"
#include "ingest/formats.h"
#include "ingest/http_client.h"
#include "ingest/record_sink.h"
#include "ingest/units.h"
#include "tests/fuzz/ingest_fuzz_util.h"

namespace freshet::ingest {

// --- A fake HttpClient, linked instead of ingest/http_client.cc ---
// The fuzz target defines every HttpClient member, so the linker never pulls http_client.o out
// of libfreshet_ingest.a and the real CdoFetcher (retries, API error messages) and
// IngestFromCdo (paging, station names, row conversion) run over fuzzed responses, offline.
namespace {
std::vector<std::string_view> g_responses;  // the rest of the current input's responses
size_t g_next_response = 0;
}  // namespace

HttpClient::HttpClient(long timeout_ms) : curl_(nullptr), timeout_ms_(timeout_ms) {}
HttpClient::~HttpClient() {
  (void)curl_;  // the real client's fields, unused by the fake
  (void)timeout_ms_;
}

std::string HttpClient::Escape(const std::string& value) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<HttpResponse> HttpClient::Get(const std::string& url, const std::vector<std::string>& headers) {
  (void)headers;
  if (g_next_response >= g_responses.size()) return Status::IOError("GET " + url + ": no more fuzzed responses");
  std::string_view body = g_responses[g_next_response++];
  HttpResponse response;
  response.status = 200;
  if (body.substr(0, 5) == "HTTP " && body.size() >= 8) {
    response.status = std::strtol(std::string(body.substr(5, 3)).c_str(), nullptr, 10);
    size_t eol = body.find('\n');
    body = eol == std::string_view::npos ? std::string_view() : body.substr(eol + 1);
  }
  response.body.assign(body);
  return response;
}

namespace {

constexpr int kModes = 10;

using fuzz::CheckingSink;

const std::string& TempPath() { return fuzz::TempPath("ingest-fuzz"); }

bool WriteTemp(std::string_view payload) { return fuzz::WriteWholeFile(TempPath(), payload); }

// IngestFile's loop without the file: blank lines skipped, the first other line is the header
// if the parser has one, every other line parsed (a parser's library exception is a skipped
// line there, too). A line that fails appends nothing.
void FuzzParser(Format format, std::string_view payload) {
  Result<std::unique_ptr<LineParser>> parser = Status::NotFound("no line yet");
  bool header_pending = false;
  std::vector<PendingRecord> records;
  std::string line;
  while (!payload.empty()) {
    size_t eol = payload.find('\n');
    line.assign(payload.substr(0, eol));
    payload = eol == std::string_view::npos ? std::string_view() : payload.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (!parser.ok()) {
      if (format == Format::kAuto) format = DetectFormat(line);
      parser = MakeLineParser(format, ParserOptions{"station"});
      if (!parser.ok()) std::abort();
      header_pending = (*parser)->has_header();
    }
    records.clear();
    Status st;
    try {
      if (header_pending) {
        header_pending = false;
        if (!(*parser)->ParseHeader(line.data()).ok()) return;
        continue;
      }
      st = (*parser)->ParseLine(line.data(), &records);
    } catch (const std::exception&) {
      continue;
    }
    if (!st.ok()) {
      if (!records.empty()) std::abort();  // "then nothing was appended"
      continue;
    }
    // IngestFile skips a line with a record over the limits (ingest_file_fuzzer checks that it
    // does); the NOAA parsers leave that check to it.
    for (const PendingRecord& r : records) (void)CheckRecordLimits(r);
  }
}

void FuzzCdo(std::string_view payload) {
  g_responses.clear();
  g_next_response = 0;
  // By location when the payload starts with 'L' (the /stations?locationid= paging), else by
  // station ids (one /stations/GHCND:ID request each).
  bool by_location = !payload.empty() && payload[0] == 'L';
  if (by_location) payload.remove_prefix(1);
  for (size_t start = 0;;) {
    size_t sep = payload.find("\n---\n", start);
    g_responses.push_back(payload.substr(start, sep == std::string_view::npos ? sep : sep - start));
    if (sep == std::string_view::npos) break;
    start = sep + 5;
  }
  CdoOptions options;
  options.endpoint = "http://cdo.invalid/api/v2";
  options.token = "fuzz";
  if (by_location) {
    options.location_id = "FIPS:24031";
  } else {
    options.station_ids = {"USW00093721", "GHCND:US1MDMG0001"};
  }
  options.start_date = "2016-01-01";
  options.end_date = "2017-01-01";  // two date ranges
  options.max_retries = 1;
  options.retry_base_ms = 0;              // no sleeping between retries
  options.requests_per_second = 1 << 30;  // nor in the rate limiter
  StationNameCache cache("");
  CheckingSink sink;
  Result<CdoStats> stats = IngestFromCdo(options, &cache, &sink);
  if (stats.ok() && stats->records != sink.count) std::abort();
}

void FuzzStationCache(std::string_view payload) {
  if (!WriteTemp(payload)) std::abort();
  StationNameCache cache(TempPath());
  (void)cache.Load();
}

UnitSystem UnitsFrom(std::string_view name) {
  if (name == "raw") return UnitSystem::kGhcnRaw;
  if (name == "standard") return UnitSystem::kStandard;
  return UnitSystem::kMetric;
}

void FuzzUnits(std::string_view payload) {
  // "ELEMENT,UNITS,VALUE"; anything without two commas is a PRCP value in metric.
  std::string_view element = "PRCP", units = "metric", value = payload;
  size_t c1 = payload.find(',');
  size_t c2 = c1 == std::string_view::npos ? c1 : payload.find(',', c1 + 1);
  if (c2 != std::string_view::npos) {
    element = payload.substr(0, c1);
    units = payload.substr(c1 + 1, c2 - c1 - 1);
    value = payload.substr(c2 + 1);
  }
  Result<std::string> metric = ToMetric(element, value, UnitsFrom(units));
  // A metric value is canonical: converting it again from metric changes nothing.
  if (metric.ok() && !metric->empty()) {
    Result<Decimal> d = ParseDecimal(*metric);
    if (d.ok()) {
      Result<std::string> again = ToMetric(element, *metric, UnitSystem::kMetric);
      if (!again.ok() || *again != *metric) std::abort();
    }
  }
  (void)IsMissingValue(value);
  Result<Decimal> d = ParseDecimal(value);
  if (d.ok()) {
    std::string text = FormatDecimal(*d);
    Result<Decimal> back = ParseDecimal(text);
    if (!back.ok() || FormatDecimal(*back) != text) std::abort();
  }
}

}  // namespace
}  // namespace freshet::ingest

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace freshet::ingest;
  if (size == 0) return 0;
  int mode = static_cast<uint8_t>(data[0] - '0') % kModes;
  std::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);
  static const Format kFormats[] = {Format::kAuto, Format::kCdoCsv,    Format::kAccessCsv, Format::kGhcnCsv,
                                    Format::kDly,  Format::kJsonLines, Format::kCsv};
  if (mode < 7) {
    FuzzParser(kFormats[mode], payload);
  } else if (mode == 7) {
    FuzzCdo(payload);
  } else if (mode == 8) {
    FuzzStationCache(payload);
  } else {
    FuzzUnits(payload);
  }
  return 0;
}
