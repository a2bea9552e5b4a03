#include "storage/status.h"

#include <gtest/gtest.h>

namespace freshet {
namespace {

TEST(StatusTest, OkIsCheapAndEmpty) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_TRUE(s.message().empty());
  EXPECT_TRUE(s.WithContext("ctx").ok());
}

TEST(StatusTest, CarriesCodeAndMessage) {
  Status s = Status::NotFound("stream 'x' does not exist").WithContext("describe");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.message(), "describe: stream 'x' does not exist");
  EXPECT_EQ(s.ToString(), "not found: describe: stream 'x' does not exist");
}

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd");
  return x / 2;
}

Status UseHalf(int x, int* out) {
  FRESHET_ASSIGN_OR_RETURN(int h, Half(x));
  *out = h;
  return Status::OK();
}

TEST(StatusTest, ResultAndMacros) {
  int out = 0;
  EXPECT_TRUE(UseHalf(8, &out).ok());
  EXPECT_EQ(out, 4);
  Status s = UseHalf(3, &out);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(out, 4);
  Result<int> r = Half(3);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd");
}

}  // namespace
}  // namespace freshet
