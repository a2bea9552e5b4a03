// The S3 owner component (s3_component.h).
#include "tools/s3/s3_component.h"

#include "storage/buckets/bucket_store.h"
#include "storage/db.h"
#include "tools/owner.h"
#include "tools/s3/s3_service.h"

namespace freshet::s3 {
namespace {

class S3Component final : public cli::OwnerComponent {
 public:
  S3Component(const cli::OwnerEnv& env, std::optional<http::CredentialStore> credentials)
      : buckets_(env.db->dir() + "/buckets"), service_(&buckets_, std::move(credentials)) {
    env.front->AddService(&service_);
  }
  std::string_view name() const override { return "s3"; }
  // Requests are served by the HTTP server's threads: nothing runs of its own.
  Status Start(const cli::OwnerEnv&) override { return Status::OK(); }
  void Stop() override {}

 private:
  storage::BucketStore buckets_;
  S3Service service_;
};

}  // namespace

Result<std::unique_ptr<cli::OwnerComponent>> MakeS3Component(const cli::OwnerEnv& env) {
  std::optional<http::CredentialStore> credentials;
  if (env.options && !env.options->credentials_file.empty()) {
    FRESHET_ASSIGN_OR_RETURN(credentials, http::LoadCredentialsFile(env.options->credentials_file));
  }
  return std::unique_ptr<cli::OwnerComponent>(std::make_unique<S3Component>(env, std::move(credentials)));
}

}  // namespace freshet::s3
