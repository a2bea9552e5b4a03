// IAM/STS over the query protocol: form parameters to requests (lists as .member.N), the XML reply
// and error shapes, and QueryService end to end on a dispatcher.
#include "tools/iam/query_service.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "tests/tools/protocol/protocol_test_util.h"
#include "tools/iam/query_protocol.h"

namespace freshet::iam {
namespace {

TEST(QueryProtocolTest, ParamsBecomeNestedRequests) {
  auto j = ParamsToJson({{"Action", "CreateRole"},
                         {"RoleName", "r"},
                         {"Tags.member.2.Key", "k2"},
                         {"Tags.member.1.Key", "k1"},
                         {"Tags.member.1.Value", "v1"},
                         {"PolicyArns.member.1", "arn:a"}});
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)["RoleName"], "r");
  ASSERT_EQ((*j)["Tags"].size(), 2u);
  EXPECT_EQ((*j)["Tags"][0]["Key"], "k1");
  EXPECT_EQ((*j)["Tags"][0]["Value"], "v1");
  EXPECT_EQ((*j)["Tags"][1]["Key"], "k2");
  EXPECT_EQ((*j)["PolicyArns"][0], "arn:a");
  EXPECT_FALSE(ParamsToJson({{"Tags.member.0.Key", "x"}}).ok());
}

TEST(QueryProtocolTest, RepliesInAwsShape) {
  Json result = {{"Roles", Json::array({{{"RoleName", "a"}}, {{"RoleName", "b"}}})}, {"IsTruncated", false}};
  auto r = QueryReply("ListRoles", result, "https://iam.amazonaws.com/doc/2010-05-08/", "RID");
  EXPECT_EQ(r.status, 200);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(r.body.c_str()));
  auto root = doc.child("ListRolesResponse");
  EXPECT_STREQ(root.attribute("xmlns").value(), "https://iam.amazonaws.com/doc/2010-05-08/");
  auto members = root.child("ListRolesResult").child("Roles").children("member");
  std::vector<std::string> names;
  for (auto m : members) names.push_back(m.child_value("RoleName"));
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b"}));
  EXPECT_STREQ(root.child("ListRolesResult").child_value("IsTruncated"), "false");
  EXPECT_STREQ(root.child("ResponseMetadata").child_value("RequestId"), "RID");
  // Nothing to return: no Result element.
  r = QueryReply("DeleteRole", Json::object(), "ns", "RID");
  doc.load_string(r.body.c_str());
  EXPECT_TRUE(doc.child("DeleteRoleResponse").child("DeleteRoleResult").empty());
  r = QueryError("NoSuchEntity", "gone", 404, "ns", "RID");
  doc.load_string(r.body.c_str());
  EXPECT_EQ(r.status, 404);
  EXPECT_STREQ(doc.child("ErrorResponse").child("Error").child_value("Type"), "Sender");
  EXPECT_STREQ(doc.child("ErrorResponse").child("Error").child_value("Code"), "NoSuchEntity");
  EXPECT_STREQ(doc.child("ErrorResponse").child_value("RequestId"), "RID");
}

class QueryServiceTest : public protocol::test::DispatcherTest {
 protected:
  http::Response Post(const std::string& service, const std::string& body) {
    http::Request r;
    r.method = "POST";
    r.path = "/";
    r.raw_target = "/";
    r.headers = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
    r.body = body;
    transport::HttpCall call{r, "RID", http::AuthInfo{"AKID", "20261129", "us-east-1", service}, {}, false, false, {}};
    call.context.now_ms = 1'800'000'000'000;
    QueryService svc(dispatcher_.get());
    EXPECT_TRUE(svc.Claims(call));
    return svc.Handle(call);
  }
  static pugi::xml_document Xml(const http::Response& r) {
    pugi::xml_document doc;
    EXPECT_TRUE(doc.load_string(r.body.c_str())) << r.body;
    return doc;
  }
};

TEST_F(QueryServiceTest, RolesThroughTheQueryProtocol) {
  auto r = Post("sts", "Action=GetCallerIdentity&Version=2011-06-15");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_STREQ(Xml(r).child("GetCallerIdentityResponse").child("GetCallerIdentityResult").child_value("Account"),
               "000000000000");
  r = Post("iam", "Action=GetRole&Version=2010-05-08&RoleName=r1");
  EXPECT_EQ(r.status, 404);
  EXPECT_STREQ(Xml(r).child("ErrorResponse").child("Error").child_value("Code"), "NoSuchEntity");
  r = Post("iam",
           "Action=CreateRole&Version=2010-05-08&RoleName=r1&AssumeRolePolicyDocument=%7B%22a%22%3A1%7D&"
           "Tags.member.1.Key=team&Tags.member.1.Value=data");
  ASSERT_EQ(r.status, 200) << r.body;
  auto created = Xml(r);  // the document must outlive the nodes read from it
  auto role = created.child("CreateRoleResponse").child("CreateRoleResult").child("Role");
  EXPECT_STREQ(role.child_value("Arn"), "arn:aws:iam::000000000000:role/r1");
  EXPECT_STREQ(role.child_value("AssumeRolePolicyDocument"), "%7B%22a%22%3A1%7D");  // url-encoded, as IAM
  EXPECT_STREQ(role.child("Tags").child("member").child_value("Value"), "data");
  r = Post("iam", "Action=CreateRole&Version=2010-05-08&RoleName=r1&AssumeRolePolicyDocument=%7B%7D");
  EXPECT_EQ(r.status, 409);
  EXPECT_STREQ(Xml(r).child("ErrorResponse").child("Error").child_value("Code"), "EntityAlreadyExists");
  r = Post("iam", "Action=CreateRole&Version=2010-05-08&RoleName=r2");
  EXPECT_EQ(r.status, 400);
  EXPECT_STREQ(Xml(r).child("ErrorResponse").child("Error").child_value("Code"), "ValidationError");
  r = Post("iam", "Action=CreateUser&Version=2010-05-08&UserName=u");
  EXPECT_STREQ(Xml(r).child("ErrorResponse").child("Error").child_value("Code"), "InvalidAction");
  r = Post("iam", "Version=2010-05-08");
  EXPECT_STREQ(Xml(r).child("ErrorResponse").child("Error").child_value("Code"), "MissingAction");
  // GetCallerIdentity is STS's, not IAM's.
  r = Post("iam", "Action=GetCallerIdentity&Version=2010-05-08");
  EXPECT_STREQ(Xml(r).child("ErrorResponse").child("Error").child_value("Code"), "InvalidAction");
}

TEST_F(QueryServiceTest, OnlySignedIamAndStsRequestsAreClaimed) {
  http::Request r;
  r.method = "POST";
  r.path = "/";
  QueryService svc(dispatcher_.get());
  transport::HttpCall unsigned_call{r, "RID", std::nullopt, std::nullopt, false, false, {}};
  EXPECT_FALSE(svc.Claims(unsigned_call));
  transport::HttpCall s3{r, "RID", http::AuthInfo{"AKID", "20261129", "us-east-1", "s3"}, {}, false, false, {}};
  EXPECT_FALSE(svc.Claims(s3));
  transport::HttpCall bad{r,
                          "RID",
                          http::AuthInfo{"AKID", "20261129", "us-east-1", "iam"},
                          http::AuthError{"InvalidSignatureException", "mismatch", 400},
                          false,
                          true,
                          {}};
  ASSERT_TRUE(svc.Claims(bad));
  auto reply = svc.Handle(bad);
  EXPECT_EQ(reply.status, 403);
  pugi::xml_document doc;
  doc.load_string(reply.body.c_str());
  EXPECT_STREQ(doc.child("ErrorResponse").child("Error").child_value("Code"), "SignatureDoesNotMatch");
}

}  // namespace
}  // namespace freshet::iam
