#include "tools/protocol/aws_error.h"

#include <gtest/gtest.h>

#include "tools/protocol/fields.h"

namespace freshet::protocol {
namespace {

TEST(AwsErrorTest, StatusesMapOntoEachServicesNames) {
  EXPECT_EQ(ErrorForStatus(Service::kKinesis, Status::InvalidArgument("x")).type, "InvalidArgumentException");
  EXPECT_EQ(ErrorForStatus(Service::kDynamoDb, Status::InvalidArgument("x")).type, "ValidationException");
  EXPECT_EQ(ErrorForStatus(Service::kKinesis, Status::NotFound("x")).type, "ResourceNotFoundException");
  EXPECT_EQ(ErrorForStatus(Service::kKinesis, Status::AlreadyExists("x")).type, "ResourceInUseException");
  AwsError io = ErrorForStatus(Service::kKinesis, Status::IOError("disk"));
  EXPECT_EQ(io.type, "InternalFailure");
  EXPECT_EQ(io.http_status, 500);
  EXPECT_EQ(ErrorForStatus(Service::kDynamoDb, Status::Corruption("x")).type, "InternalServerError");
}

TEST(AwsErrorTest, EnvelopeIsAwsShapeAndRoundTripsTheStatusForTheCli) {
  Json body = ErrorBody(ErrorForStatus(Service::kKinesis, Status::Corruption("malformed log key")));
  EXPECT_EQ(body.dump(), R"({"__type":"InternalFailure","freshetStatus":"corruption","message":"malformed log key"})");
  Status back = StatusForErrorBody(500, body);
  EXPECT_EQ(back.code(), Status::Code::kCorruption);
  EXPECT_EQ(back.message(), "malformed log key");
  // Errors from another AWS endpoint (no freshetStatus, namespaced type, "Message").
  Status s = StatusForErrorBody(
      400, {{"__type", "com.amazonaws.kinesis#ResourceNotFoundException"}, {"Message", "Stream x not found."}});
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  EXPECT_EQ(s.message(), "ResourceNotFoundException: Stream x not found.");
  EXPECT_EQ(StatusForErrorBody(400, {{"__type", "LimitExceededException"}}).code(), Status::Code::kLimitExceeded);
  EXPECT_EQ(ErrorForStatus(Service::kKinesis, Status::LimitExceeded("x")).type, "LimitExceededException");
  EXPECT_EQ(StatusForErrorBody(503, Json::object()).code(), Status::Code::kInternal);
}

TEST(AwsErrorTest, ValidationMessagesNameTheMemberAsAwsDoes) {
  EXPECT_EQ(MissingMember("StreamName").message,
            "1 validation error detected: Value null at 'streamName' failed to satisfy constraint: Member must "
            "not be null");
  auto limit = OptionalInteger({{"Limit", 10001}}, "Limit", 1, 10000);
  ASSERT_FALSE(limit.ok());
  EXPECT_EQ(limit.error().message,
            "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must "
            "have value less than or equal to 10000");
  auto wrong = RequiredString({{"StreamName", 5}}, "StreamName");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().type, "SerializationException");
}

}  // namespace
}  // namespace freshet::protocol
