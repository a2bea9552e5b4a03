// The pieces of AWS Signature Version 4 both sides compute: hashing, the signing key, and the
// canonical forms of a request's URI, query string and headers (AWS's "Create a canonical request"
// rules; sigv4.cc assembles them into the canonical request and verifies a signature with them).
//
// Thread-safety: pure functions (OpenSSL's one-shot digests are thread-safe).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace freshet::http::sigv4 {

// Lower-case hex of SHA-256(data).
std::string Sha256Hex(std::string_view data);
// Raw HMAC-SHA256(key, data) (32 bytes).
std::string HmacSha256(std::string_view key, std::string_view data);
std::string HexEncode(std::string_view bytes);
// kSigning = HMAC chain over "AWS4" + secret, date (YYYYMMDD), region, service, "aws4_request".
std::string SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service);

// AWS's URI encoding: every byte but A-Z a-z 0-9 - _ . ~ becomes %XX (upper-case hex); "/" is
// kept when keep_slash.
std::string UriEncode(std::string_view bytes, bool keep_slash);

// The canonical URI from the undecoded path as sent. Every service but S3: dot segments and empty
// segments removed, then the (already encoded) path encoded again ("double encoding"). S3: the path
// encoded once, as AWS's rules would encode the key the client meant (escapes of unreserved
// characters decoded, other escapes kept with upper-case hex, unescaped reserved bytes escaped);
// no normalization.
std::string CanonicalUri(std::string_view raw_path, bool s3);

// The canonical query string from the undecoded query as sent: each name and value decoded then
// encoded with UriEncode, pairs sorted by name then value, joined with "&". `skip_name` (e.g.
// "X-Amz-Signature" for presigned URLs) is left out.
std::string CanonicalQuery(std::string_view raw_query, std::string_view skip_name);

// A header value as signed: leading/trailing spaces and tabs trimmed, inner runs of them collapsed
// to one space.
std::string CanonicalHeaderValue(std::string_view value);

// The canonical request: method, canonical URI and query of `raw_target` (path "?" query as sent),
// the canonical headers named in `signed_headers` ("host;x-amz-date"; values of repeated headers
// joined with ","; a signed header the request lacks has an empty value), `signed_headers`, and
// `payload_hash`. `headers` have lower-case names. `skip_query_name` as for CanonicalQuery.
std::string CanonicalRequest(std::string_view method, std::string_view raw_target,
                             const std::vector<std::pair<std::string, std::string>>& headers,
                             std::string_view signed_headers, std::string_view payload_hash, bool s3,
                             std::string_view skip_query_name);

// "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + hex(SHA-256(canonical_request)).
std::string StringToSign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request);

// Constant-time equality of two strings (false when the lengths differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace freshet::http::sigv4
