// The AWS managed policies freshet knows (iam_store.h, BuiltinPolicies): the ones scripts for
// Lambda, Kinesis, DynamoDB, Firehose and S3 pipelines attach to their roles. Their documents allow
// their services' actions; like everything in freshet's IAM, they are not enforced.
#include "storage/iam/iam_store.h"

namespace freshet::storage {
namespace {

IamPolicy Builtin(std::string path, std::string name, std::string id, std::string actions, std::string description) {
  IamPolicy p;
  p.name = std::move(name);
  p.path = std::move(path);
  p.id = std::move(id);
  p.arn = "arn:aws:iam::aws:policy" + p.path + p.name;
  p.created_ms = p.updated_ms = 1420070400000;  // 2015-01-01, a fixed date for fixed policies
  p.description = std::move(description);
  p.default_version = "v1";
  p.versions = {{"v1",
                 "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":" + actions +
                     ",\"Resource\":\"*\"}]}",
                 p.created_ms}};
  p.aws_managed = true;
  return p;
}

}  // namespace

const std::vector<IamPolicy>& BuiltinPolicies() {
  static const std::vector<IamPolicy> kPolicies = {
      Builtin("/", "AdministratorAccess", "ANPAIWMBCKSKIEE64ZLYK", "\"*\"",
              "Provides full access to AWS services and resources."),
      Builtin("/", "AmazonDynamoDBFullAccess", "ANPAINUGF2JSOSUY76KYA", "[\"dynamodb:*\"]",
              "Provides full access to Amazon DynamoDB."),
      Builtin("/", "AmazonKinesisFirehoseFullAccess", "ANPAJMZQMTZ7FRBFHHAHI", "[\"firehose:*\"]",
              "Provides full access to all Amazon Kinesis Firehose Delivery Streams."),
      Builtin("/", "AmazonKinesisFullAccess", "ANPAIVF32HAMOXCUYRAYE", "[\"kinesis:*\"]",
              "Provides full access to all streams via the AWS Management Console."),
      Builtin("/", "AmazonS3FullAccess", "ANPAIFIR6V6BVTRAHWINE", "[\"s3:*\"]",
              "Provides full access to all buckets via the AWS Management Console."),
      Builtin("/", "AmazonS3ReadOnlyAccess", "ANPAIZTJ4DXE7G6AGAE6M", "[\"s3:Get*\",\"s3:List*\"]",
              "Provides read only access to all buckets via the AWS Management Console."),
      Builtin("/", "CloudWatchLogsFullAccess", "ANPAJE5CCY3PQ4HZZCYAM", "[\"logs:*\"]",
              "Provides full access to CloudWatch Logs"),
      Builtin("/service-role/", "AWSLambdaBasicExecutionRole", "ANPAJNCQGXC42545SKXIK",
              "[\"logs:CreateLogGroup\",\"logs:CreateLogStream\",\"logs:PutLogEvents\"]",
              "Provides write permissions to CloudWatch Logs."),
      Builtin("/service-role/", "AWSLambdaDynamoDBExecutionRole", "ANPAIP7WNAGMIPYNW4WQG",
              "[\"dynamodb:DescribeStream\",\"dynamodb:GetRecords\",\"dynamodb:GetShardIterator\","
              "\"dynamodb:ListStreams\",\"logs:CreateLogGroup\",\"logs:CreateLogStream\",\"logs:PutLogEvents\"]",
              "Provides list and read access to DynamoDB streams and write permissions to CloudWatch logs."),
      Builtin("/service-role/", "AWSLambdaKinesisExecutionRole", "ANPAJHOLKJPXV4GBRMJUQ",
              "[\"kinesis:DescribeStream\",\"kinesis:DescribeStreamSummary\",\"kinesis:GetRecords\","
              "\"kinesis:GetShardIterator\",\"kinesis:ListShards\",\"kinesis:ListStreams\","
              "\"kinesis:SubscribeToShard\",\"logs:CreateLogGroup\",\"logs:CreateLogStream\",\"logs:PutLogEvents\"]",
              "Provides list and read access to Kinesis streams and write permissions to CloudWatch logs."),
      Builtin("/service-role/", "AWSLambdaRole", "ANPAJX4DPCRGTC4NFDUXI", "[\"lambda:InvokeFunction\"]",
              "Default policy for AWS Lambda service role."),
  };
  return kPolicies;
}

}  // namespace freshet::storage
