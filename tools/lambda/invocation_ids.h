// Invocation and worker identifiers: the request ids Lambda gives each invocation and the access key
// ids FunctionRuntime gives each worker (AWS_ACCESS_KEY_ID in its environment).
//
// Thread-safety: both functions may be called from any thread.
#pragma once

#include <string>
#include <string_view>

namespace freshet::lambda {

// A fresh random version-4 UUID, as Lambda's request ids ("8f1c...-...-4...-...").
std::string NewRequestId();

// Every worker access key starts with this (real temporary keys start "ASIA" too).
inline constexpr const char* kWorkerKeyPrefix = "ASIAFW";

// The access key id of worker `number` of `function`, given `nonce` (FunctionRuntime's own
// random secret): kWorkerKeyPrefix and 14 hex digits of a SHA-256 of the three. A key is unique to
// the runtime that made it, so a worker left running by a killed process is never taken for a
// worker of the next one (its requests are refused: IsWorkerAccessKey and not issued here).
std::string WorkerAccessKey(const std::string& nonce, const std::string& function, int number);

// True if `key` has the shape of a worker access key.
bool IsWorkerAccessKey(std::string_view key);

}  // namespace freshet::lambda
