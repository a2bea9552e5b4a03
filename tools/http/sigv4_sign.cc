// SignRequest (see sigv4.h): the client half of SigV4, on the same canonical forms the verifier
// uses (sigv4_canonical.h).
#include <time.h>

#include <algorithm>
#include <cctype>

#include "tools/http/sigv4.h"
#include "tools/http/sigv4_canonical.h"

namespace freshet::http {

std::vector<std::pair<std::string, std::string>> SignRequest(
    std::string_view method, std::string_view raw_target, std::string_view host,
    const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body,
    std::string_view access_key_id, std::string_view secret_access_key, std::string_view region,
    std::string_view service, std::chrono::system_clock::time_point now) {
  time_t seconds = std::chrono::system_clock::to_time_t(now);
  tm t{};
  gmtime_r(&seconds, &t);
  char amz_date[32];
  strftime(amz_date, sizeof(amz_date), "%Y%m%dT%H%M%SZ", &t);
  std::string date(amz_date, 8);
  bool s3 = service == "s3";
  std::string payload_hash = sigv4::Sha256Hex(body);

  std::vector<std::pair<std::string, std::string>> added = {{"X-Amz-Date", amz_date}};
  if (s3) added.emplace_back("X-Amz-Content-SHA256", payload_hash);

  std::vector<std::pair<std::string, std::string>> signed_headers = {{"host", std::string(host)}};
  for (const auto& list : {headers, added}) {
    for (const auto& [name, value] : list) {
      std::string lower = name;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      if (!lower.empty() && lower != "host") signed_headers.emplace_back(std::move(lower), value);
    }
  }
  std::stable_sort(signed_headers.begin(), signed_headers.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string names;
  for (size_t i = 0; i < signed_headers.size(); i++) {
    if (i > 0 && signed_headers[i].first == signed_headers[i - 1].first) continue;
    if (!names.empty()) names.push_back(';');
    names += signed_headers[i].first;
  }
  std::string canonical =
      sigv4::CanonicalRequest(method, raw_target, signed_headers, names, payload_hash, s3, /*skip_query_name=*/"");
  std::string scope = date + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
  std::string key = sigv4::SigningKey(secret_access_key, date, region, service);
  std::string signature = sigv4::HexEncode(sigv4::HmacSha256(key, sigv4::StringToSign(amz_date, scope, canonical)));
  added.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + std::string(access_key_id) + "/" + scope +
                                          ", SignedHeaders=" + names + ", Signature=" + signature);
  return added;
}

}  // namespace freshet::http
