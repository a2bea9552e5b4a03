// QueryService: IAM and STS on `freshet serve --http`, in AWS's query protocol (query_protocol.h),
// running the registry's IAM_20100508 and STS_20110615 operations.
//
// Claims requests signed for the SigV4 service "iam" or "sts" (docs/http.md, "Routing"). The
// Action names the operation; an unknown one answers InvalidAction. Roles and policies are stored
// and returned as AWS returns them, never enforced (docs/iam.md).
//
// Thread-safety: Handle is called concurrently; the dispatcher is thread-safe.
#pragma once

#include "tools/protocol/dispatcher.h"
#include "tools/transport/http_service.h"

namespace freshet::iam {

class QueryService final : public transport::HttpService {
 public:
  // `dispatcher` is not owned and must outlive this.
  explicit QueryService(const protocol::Dispatcher* dispatcher) : dispatcher_(dispatcher) {}

  std::string_view name() const override { return "iam/sts"; }
  bool Claims(const transport::HttpCall& call) const override;
  http::Response Handle(const transport::HttpCall& call) override;

 private:
  const protocol::Dispatcher* const dispatcher_;
};

}  // namespace freshet::iam
