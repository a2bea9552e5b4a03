#include "ingest/cdo_fetcher.h"

#include <algorithm>
#include <chrono>
#include <ostream>
#include <thread>

namespace freshet::ingest {
namespace {

constexpr int kMaxBackoffMs = 60000;

std::string Snippet(const std::string& body) {
  std::string s = body.substr(0, 200);
  std::replace(s.begin(), s.end(), '\n', ' ');
  return body.size() > 200 ? s + "..." : s;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The API's own words: `message`, or `userMessage` and `developerMessage`; else the raw body.
std::string ApiMessage(const std::string& body) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_object()) {
    auto text = [&](const char* key) {
      auto it = doc.find(key);
      return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    std::string message = text("message");
    if (!message.empty()) return message;
    std::string user = text("userMessage");
    std::string developer = text("developerMessage");
    if (!user.empty() && !developer.empty()) return user + " " + developer;
    if (!user.empty() || !developer.empty()) return user + developer;
  }
  return Snippet(body);
}

}  // namespace

CdoFetcher::CdoFetcher(const CdoOptions& options, CdoStats* stats)
    : options_(options),
      stats_(stats),
      http_(options.timeout_ms),
      // NOAA counts requests per second at its side: a window and spacing 10% longer than the
      // limit's, measured from each response's end (see rate_limiter.h), keep a margin.
      limiter_(std::max(1, options.requests_per_second), std::chrono::milliseconds(1100),
               std::chrono::milliseconds(1100) / std::max(1, options.requests_per_second)),
      rng_(std::random_device{}()) {}

Status CdoFetcher::ClientError(const std::string& url, const HttpResponse& response) const {
  std::string message = ApiMessage(response.body);
  std::string status = std::to_string(response.status);
  if (response.status == 401 || response.status == 403 ||
      (response.status == 400 && Lower(message).find("token") != std::string::npos)) {
    return Status::InvalidArgument("NOAA refused the token (HTTP " + status + "): " + message +
                                   " (get a token at https://www.ncdc.noaa.gov/cdo-web/token; pass --token or set "
                                   "NOAA_TOKEN)");
  }
  if (response.status == 400) return Status::InvalidArgument("CDO API: " + message + " (GET " + url + ")");
  return Status::IOError("GET " + url + ": HTTP " + status + ": " + message);
}

Result<nlohmann::json> CdoFetcher::GetJson(const std::string& url,
                                           const std::function<Status(const nlohmann::json&)>& check) {
  const std::vector<std::string> headers = {"token: " + options_.token, "Accept: application/json"};
  Status last;
  for (int attempt = 0;; ++attempt) {
    if (options_.should_stop && options_.should_stop()) return Status::Aborted("interrupted");
    if (attempt > 0) {
      if (attempt > options_.max_retries) {
        return Status::IOError(last.message() + " (gave up after " + std::to_string(attempt) + " attempts)");
      }
      double base = static_cast<double>(options_.retry_base_ms) * static_cast<double>(1u << std::min(attempt - 1, 20));
      double jitter = std::uniform_real_distribution<double>(0.5, 1.5)(rng_);
      int delay_ms = static_cast<int>(std::min<double>(base * jitter, kMaxBackoffMs));
      if (options_.log) *options_.log << "freshet: " << last.message() << "; retrying in " << delay_ms << " ms\n";
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      ++stats_->retries;
    }
    ++stats_->requests;
    Result<HttpResponse> got = [&] {
      RateLimiter::Slot slot = limiter_.Acquire();  // held until the response has arrived
      return http_.Get(url, headers);
    }();
    if (!got.ok()) {  // transport error: retry
      last = got.status();
      continue;
    }
    const HttpResponse& response = *got;
    if (response.status == 429 || response.status >= 500) {
      last = Status::IOError("GET " + url + ": HTTP " + std::to_string(response.status) + ": " +
                             ApiMessage(response.body));
      continue;
    }
    if (response.status != 200) return ClientError(url, response);
    nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
      last = Status::IOError("GET " + url + ": the response is not JSON: " + Snippet(response.body));
      continue;
    }
    Status shape;
    try {
      shape = check(doc);
    } catch (const std::exception& e) {
      shape = Status::InvalidArgument(e.what());
    }
    if (!shape.ok()) {
      last = Status::IOError("GET " + url + ": unexpected response: " + shape.message());
      continue;
    }
    return doc;
  }
}

}  // namespace freshet::ingest
