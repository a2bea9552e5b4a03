// Invocation and worker identifiers: the request ids Lambda gives each invocation and the access key
// ids FunctionRuntime gives each worker (AWS_ACCESS_KEY_ID in its environment).
//
// Thread-safety: both functions may be called from any thread.
#pragma once

#include <string>

namespace freshet::lambda {

// A fresh random version-4 UUID, as Lambda's request ids ("8f1c...-...-4...-...").
std::string NewRequestId();

// The access key id of worker `number` of `function`: "ASIA" and 16 hex digits of a SHA-256 of the
// two, so the same worker slot always has the same key (its requests are recognized by it).
std::string WorkerAccessKey(const std::string& function, int number);

}  // namespace freshet::lambda
