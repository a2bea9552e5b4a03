#include "stream/local_api.h"

namespace freshet::api {

LocalApi::LocalApi(std::string dir, bool sync) : dir_(std::move(dir)), sync_(sync) {}

LocalApi::LocalApi(stream::StreamLog* log) : log_(log) { tables_ = std::make_unique<query::TableStore>(log->db()); }

LocalApi::~LocalApi() = default;

Result<Backend> LocalApi::Writer() {
  std::lock_guard lock(mu_);
  if (!log_) {
    storage::OpenOptions options;
    options.sync = sync_;
    FRESHET_ASSIGN_OR_RETURN(own_writer_, storage::Db::Open(dir_, options));
    own_log_ = std::make_unique<stream::StreamLog>(own_writer_.get());
    log_ = own_log_.get();
    tables_ = std::make_unique<query::TableStore>(own_writer_.get());
  }
  return Backend{log_->db(), log_, tables_.get()};
}

Result<Backend> LocalApi::Reader() {
  std::lock_guard lock(mu_);
  if (log_) return Backend{log_->db(), log_, tables_.get()};
  if (!own_reader_) {
    storage::OpenOptions options;
    options.mode = storage::OpenOptions::Mode::kReadOnly;
    FRESHET_ASSIGN_OR_RETURN(own_reader_, storage::Db::Open(dir_, options));
    reader_log_ = std::make_unique<stream::StreamLog>(own_reader_.get());
    reader_tables_ = std::make_unique<query::TableStore>(own_reader_.get());
  }
  return Backend{own_reader_.get(), reader_log_.get(), reader_tables_.get()};
}

Result<Json> LocalApi::Call(std::string_view op, const Json& request) {
  if (!request.is_object()) return Status::InvalidArgument("a request must be a JSON object");
  FRESHET_ASSIGN_OR_RETURN(Backend b, IsWriteOp(op) ? Writer() : Reader());
  try {
    for (auto* family : {&CallStreamOp, &CallTableOp, &CallConsumerOp}) {
      auto result = (*family)(b, op, request);
      if (!result.ok() && result.status().IsNotFound() &&
          result.status().message() == "unknown operation " + std::string(op)) {
        continue;
      }
      return result;
    }
  } catch (const Json::exception& e) {
    return Status::InvalidArgument(std::string("malformed request: ") + e.what());
  }
  return Status::InvalidArgument("unknown operation '" + std::string(op) + "'");
}

}  // namespace freshet::api
