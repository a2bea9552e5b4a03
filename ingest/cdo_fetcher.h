// CdoFetcher (internal to ingest/): one CDO API request with rate limiting, retries and the API's
// own error messages. See cdo_source.h for the policy.
//
// Thread-safety: one thread.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "ingest/cdo_source.h"
#include "ingest/http_client.h"
#include "ingest/rate_limiter.h"

namespace freshet::ingest {

class CdoFetcher {
 public:
  CdoFetcher(const CdoOptions& options, CdoStats* stats);

  // GETs `url` (rate limited), retrying 429, 5xx, transport errors and bodies that fail to parse
  // as JSON or fail `check` (which returns a one-line reason). Returns the parsed body.
  Result<nlohmann::json> GetJson(const std::string& url, const std::function<Status(const nlohmann::json&)>& check);

 private:
  // The error for a non-retryable 4xx response.
  Status ClientError(const std::string& url, const HttpResponse& response) const;

  const CdoOptions& options_;
  CdoStats* stats_;
  HttpClient http_;
  RateLimiter limiter_;
  std::mt19937_64 rng_;
};

}  // namespace freshet::ingest
