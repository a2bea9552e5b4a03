#include "tools/protocol/engine.h"

#include "tools/lambda/function_runtime.h"

namespace freshet::protocol {

Engine::Engine(std::string dir, bool sync) : dir_(std::move(dir)), sync_(sync) {}

Engine::Engine(stream::StreamLog* log) : log_(log) { tables_ = std::make_unique<query::TableStore>(log->db()); }

Engine::~Engine() = default;

lambda::FunctionRuntime* Engine::Functions(storage::Db* db) {
  if (functions_) return functions_;
  // A one-shot command invoking a function runs its worker in this process, with no HTTP endpoint.
  lambda::RuntimeOptions options;
  options.data_dir = db->dir();
  own_functions_ = std::make_unique<lambda::FunctionRuntime>(db, options);
  functions_ = own_functions_.get();
  return functions_;
}

Result<Backend> Engine::Writer() {
  std::lock_guard lock(mu_);
  if (!log_) {
    storage::OpenOptions options;
    options.sync = sync_;
    FRESHET_ASSIGN_OR_RETURN(own_writer_, storage::Db::Open(dir_, options));
    own_log_ = std::make_unique<stream::StreamLog>(own_writer_.get());
    log_ = own_log_.get();
    tables_ = std::make_unique<query::TableStore>(own_writer_.get());
  }
  return Backend{log_->db(), log_, tables_.get(), Functions(log_->db())};
}

Result<Backend> Engine::Reader() {
  std::lock_guard lock(mu_);
  if (log_) return Backend{log_->db(), log_, tables_.get(), Functions(log_->db())};
  if (!own_reader_) {
    storage::OpenOptions options;
    options.mode = storage::OpenOptions::Mode::kReadOnly;
    FRESHET_ASSIGN_OR_RETURN(own_reader_, storage::Db::Open(dir_, options));
    reader_log_ = std::make_unique<stream::StreamLog>(own_reader_.get());
    reader_tables_ = std::make_unique<query::TableStore>(own_reader_.get());
  }
  return Backend{own_reader_.get(), reader_log_.get(), reader_tables_.get(), Functions(own_reader_.get())};
}

}  // namespace freshet::protocol
