// Socket helpers of the HTTP server's connection loop (http_server.cc): bounded waits with poll()
// and printable peer addresses. Kept apart so http_server.cc holds only the httplib glue.
//
// Thread-safety: pure functions over the caller's descriptor.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <string>

namespace freshet::http {

using Clock = std::chrono::steady_clock;

// Milliseconds left until `deadline`, at least 0.
int MillisUntil(Clock::time_point deadline);

// poll() for `events` on fd, retrying on EINTR until `timeout_ms` has passed. True when ready (or
// the peer hung up / errored, which the next read or write reports).
bool WaitFor(int fd, short events, int timeout_ms);

// The IPv4 or IPv6 address in `addr` as text, and its port in *port ("" for other families).
std::string SocketAddressString(const sockaddr_storage& addr, int* port);

}  // namespace freshet::http
