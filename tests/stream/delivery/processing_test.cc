// A delivery stream's processing Lambda (stream/delivery/processing.h, deliverer.h "Processing"),
// with a fake processor (the configuration's checks are in processing_config_test.cc): the event, Ok / Dropped /
// ProcessingFailed and missing records, failed invocations and retries, chunks, the error object and its name, and
// redelivery after a crash.
#include "stream/delivery/processing.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "storage/text.h"
#include "stream/consumer/cursors.h"
#include "stream/delivery/deliverer.h"
#include "stream/delivery/object_naming.h"
#include "stream/delivery/processing_config.h"
#include "tests/stream/delivery/delivery_test_util.h"
#include "tests/stream/delivery/processing_test_util.h"

namespace freshet::stream::delivery {
namespace {

using Json = nlohmann::json;
using test::Config;
using test::kArn;
// Upper-cases records; "drop..." is Dropped, "fail..." ProcessingFailed, "skip..." left out of the
// answer. `fail_first` invocations answer a function error first; `mode` bends the answer.
class FakeProcessor : public RecordProcessor {
 public:
  enum class Mode { kNormal, kUnknownId, kNotJson, kAborted, kAllOk };
  Result<ProcessorAnswer> Invoke(const std::string& function, std::string event) override {
    functions.push_back(function);
    events.push_back(event);
    if (mode == Mode::kAborted) return Status::Aborted("runtime stopping");
    if (fail_first > 0) {
      --fail_first;
      return ProcessorAnswer{R"({"errorMessage":"boom","errorType":"Exception"})", "Unhandled"};
    }
    if (mode == Mode::kNotJson) return ProcessorAnswer{"not json", ""};
    Json in = Json::parse(event);
    Json out = Json::array();
    for (const Json& r : in["records"]) {
      std::string data;
      EXPECT_TRUE(text::DecodeBase64(r["data"].get<std::string>(), &data));
      std::string id = r["recordId"];
      if (mode == Mode::kUnknownId) id = "nope";
      if (mode == Mode::kAllOk) {
        out.push_back({{"recordId", id}, {"result", "Ok"}, {"data", text::EncodeBase64(data)}});
        continue;
      }
      if (data.rfind("skip", 0) == 0) continue;
      std::string result = data.rfind("drop", 0) == 0   ? "Dropped"
                           : data.rfind("fail", 0) == 0 ? "ProcessingFailed"
                                                        : "Ok";
      for (char& c : data) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.push_back({{"recordId", id}, {"result", result}, {"data", text::EncodeBase64(data)}});
    }
    return ProcessorAnswer{Json{{"records", out}}.dump(), ""};
  }
  Mode mode = Mode::kNormal;
  int fail_first = 0;
  std::vector<std::string> functions;
  std::vector<std::string> events;
};

std::vector<Json> Lines(const std::string& text) {
  std::vector<Json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(Json::parse(line));
  return out;
}

class Processing : public DeliveryFixture {
 protected:
  DeliverySpec CreateProcessed(const std::string& processing, const std::string& error_prefix = "",
                               const std::string& name = "d") {
    DeliverySpec s;
    s.name = name;
    s.destination.bucket_arn = "arn:aws:s3:::bkt";
    s.destination.bucket = "bkt";
    s.destination.size_mb = 5;
    s.destination.interval_seconds = 900;
    s.destination.error_output_prefix = error_prefix;
    s.destination.extended = true;
    s.destination.processing_json = processing;
    auto created = store_->Create(s);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? *created : s;
  }
  FirstRecord First(const DeliverySpec& spec, uint64_t sequence = 1) {
    return FirstRecord{log_->Get(spec.source_stream)->id, 0, sequence, kT0};
  }
  FakeProcessor fake_;
};

TEST_F(Processing, OkRecordsInOrderDroppedLeftOutFailedAndMissingToTheErrorObject) {
  DeliverySpec spec = CreateProcessed(Config());
  PutAt(spec.source_stream, kT0, {"a\n", "drop me\n", "fail me\n", "b\n", "skip me\n", "c\n"});
  Deliverer deliverer(log_.get(), buckets_.get(), spec);
  deliverer.SetProcessor(&fake_);
  ASSERT_EQ(*deliverer.Poll(kT0, true), 1u);
  ASSERT_EQ(fake_.events.size(), 1u);
  EXPECT_EQ(fake_.functions[0], "upper");
  // Firehose's event.
  Json event = Json::parse(fake_.events[0]);
  EXPECT_EQ(event["deliveryStreamArn"], "arn:aws:firehose:us-east-1:000000000000:deliverystream/d");
  EXPECT_EQ(event["region"], "us-east-1");
  EXPECT_EQ(event["invocationId"].get<std::string>().size(), 36u);
  ASSERT_EQ(event["records"].size(), 6u);
  EXPECT_EQ(event["records"][0]["recordId"], ProcessingRecordId(spec.id, 1));
  EXPECT_EQ(event["records"][0]["approximateArrivalTimestamp"], kT0);
  EXPECT_EQ(event["records"][3]["data"], text::EncodeBase64("b\n"));

  const std::string key = ObjectKey(spec, First(spec));
  const std::string error_key = ErrorObjectKey(spec, First(spec), kProcessingFailed);
  EXPECT_EQ(Object(key), "A\nB\nC\n");
  // The default error layout: Prefix (empty) + processing-failed/ + the hour path, own suffix.
  EXPECT_EQ(error_key.substr(0, 32), "processing-failed/2024/05/01/12/");
  EXPECT_NE(error_key.substr(error_key.size() - 36), key.substr(key.size() - 36));
  std::vector<Json> errors = Lines(Object(error_key));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0]["errorCode"], "Lambda.ProcessingFailedStatus");
  EXPECT_EQ(errors[0]["errorMessage"], "ProcessingFailed status set for record");
  EXPECT_EQ(errors[0]["rawData"], text::EncodeBase64("fail me\n"));
  EXPECT_EQ(errors[0]["attemptsMade"], 1);
  EXPECT_EQ(errors[0]["arrivalTimestamp"], kT0);
  EXPECT_EQ(errors[0]["lambdaArn"], kArn);
  EXPECT_GT(errors[0]["attemptEndingTimestamp"].get<uint64_t>(), 0u);
  EXPECT_EQ(errors[1]["errorCode"], "Lambda.MissingRecordId");
  EXPECT_EQ(errors[1]["rawData"], text::EncodeBase64("skip me\n"));
  EXPECT_EQ(Keys().size(), 2u);
  // One commit recorded both objects; the cursor moved past every record.
  auto manifest = store_->Objects(spec);
  ASSERT_TRUE(manifest.ok());
  ASSERT_EQ(manifest->size(), 1u);
  const ManifestEntry& m = (*manifest)[0];
  EXPECT_TRUE(m.object_written);
  EXPECT_TRUE(m.error_written);
  EXPECT_EQ(m.seal.error_key, error_key);
  EXPECT_EQ(m.processed_ok, 3u);
  EXPECT_EQ(m.dropped, 1u);
  EXPECT_EQ(m.failed, 2u);
  EXPECT_EQ(deliverer.stats().dropped, 1u);
  EXPECT_EQ(deliverer.stats().failed, 2u);
  EXPECT_EQ(*LoadCursor(*db_, spec.cursor_name(), log_->Get(spec.source_stream)->id, 0), std::optional<uint64_t>(6));
}

TEST_F(Processing, ErrorOutputPrefixWithExpressionsNamesTheErrorObject) {
  DeliverySpec spec = CreateProcessed(Config(), "errors/!{firehose:error-output-type}/!{timestamp:yyyy}/");
  PutAt(spec.source_stream, kT0, {"fail\n"});
  Deliverer deliverer(log_.get(), buckets_.get(), spec);
  deliverer.SetProcessor(&fake_);
  ASSERT_EQ(*deliverer.Poll(kT0, true), 1u);
  auto keys = Keys();
  ASSERT_EQ(keys.size(), 1u);  // nothing Ok: no object, only the error object
  EXPECT_EQ(keys[0].substr(0, 30), "errors/processing-failed/2024/");
  EXPECT_EQ(keys[0], ErrorObjectKey(spec, First(spec), kProcessingFailed));
  EXPECT_FALSE((*store_->Objects(spec))[0].object_written);
}

TEST_F(Processing, AFailingInvocationIsRetriedThenItsRecordsFail) {
  DeliverySpec spec = CreateProcessed(Config({{"NumberOfRetries", "2"}}));
  PutAt(spec.source_stream, kT0, {"x\n", "y\n"});
  fake_.fail_first = 100;
  Deliverer deliverer(log_.get(), buckets_.get(), spec);
  deliverer.SetProcessor(&fake_);
  ASSERT_EQ(*deliverer.Poll(kT0, true), 1u);
  EXPECT_EQ(fake_.events.size(), 3u);  // 1 + NumberOfRetries
  EXPECT_EQ(fake_.events[0], fake_.events[2]);
  std::vector<Json> errors = Lines(Object(ErrorObjectKey(spec, First(spec), kProcessingFailed)));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0]["errorCode"], "Lambda.FunctionError");
  EXPECT_EQ(errors[0]["attemptsMade"], 3);
  EXPECT_EQ(errors[1]["rawData"], text::EncodeBase64("y\n"));
  EXPECT_EQ(Keys().size(), 1u);
}

TEST_F(Processing, ARetryThatSucceedsDeliversAndCountsTheAttempts) {
  DeliverySpec spec = CreateProcessed(Config());
  PutAt(spec.source_stream, kT0, {"x\n", "fail\n"});
  fake_.fail_first = 2;
  Deliverer deliverer(log_.get(), buckets_.get(), spec);
  deliverer.SetProcessor(&fake_);
  ASSERT_EQ(*deliverer.Poll(kT0, true), 1u);
  EXPECT_EQ(fake_.events.size(), 3u);
  EXPECT_EQ(Object(ObjectKey(spec, First(spec))), "X\n");
  std::vector<Json> errors = Lines(Object(ErrorObjectKey(spec, First(spec), kProcessingFailed)));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]["attemptsMade"], 3);
}

TEST_F(Processing, UnknownRecordIdsAndMalformedAnswersFailTheInvocation) {
  for (auto mode : {FakeProcessor::Mode::kUnknownId, FakeProcessor::Mode::kNotJson}) {
    DeliverySpec spec = CreateProcessed(Config({{"NumberOfRetries", "1"}}), "",
                                        mode == FakeProcessor::Mode::kNotJson ? "notjson" : "unknown");
    PutAt(spec.source_stream, kT0, {"x\n"});
    FakeProcessor fake;
    fake.mode = mode;
    Deliverer deliverer(log_.get(), buckets_.get(), spec);
    deliverer.SetProcessor(&fake);
    ASSERT_EQ(*deliverer.Poll(kT0, true), 1u);
    EXPECT_EQ(fake.events.size(), 2u);
    std::vector<Json> errors = Lines(Object(ErrorObjectKey(spec, First(spec), kProcessingFailed)));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0]["errorCode"], "Lambda.JsonProcessingException");
    EXPECT_EQ(errors[0]["attemptsMade"], 2);
  }
}

TEST_F(Processing, InvocationsAreChunkedByBufferSizeInOrder) {
  DeliverySpec spec = CreateProcessed(Config({{"BufferSizeInMBs", "0.2"}}));  // 209,715 bytes
  std::vector<std::string> data;
  for (char c : std::string("abcde")) data.push_back(std::string(100000, c));
  PutAt(spec.source_stream, kT0, data);
  Deliverer deliverer(log_.get(), buckets_.get(), spec);
  deliverer.SetProcessor(&fake_);
  ASSERT_EQ(*deliverer.Poll(kT0, true), 1u);
  ASSERT_EQ(fake_.events.size(), 3u);  // 2 + 2 + 1 records
  EXPECT_EQ(Json::parse(fake_.events[0])["records"].size(), 2u);
  EXPECT_EQ(Json::parse(fake_.events[2])["records"].size(), 1u);
  EXPECT_NE(Json::parse(fake_.events[0])["invocationId"], Json::parse(fake_.events[1])["invocationId"]);
  std::string expected;
  for (char c : std::string("ABCDE")) expected += std::string(100000, c);
  EXPECT_EQ(Object(ObjectKey(spec, First(spec))), expected);
}

TEST_F(Processing, WithoutAProcessorTheDeliveryWaitsAndNothingIsCommitted) {
  DeliverySpec spec = CreateProcessed(Config());
  PutAt(spec.source_stream, kT0, {"a\n"});
  Deliverer deliverer(log_.get(), buckets_.get(), spec);
  auto polled = deliverer.Poll(kT0, true);
  ASSERT_FALSE(polled.ok());
  EXPECT_EQ(polled.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(polled.status().message().find("no function runtime"), std::string::npos);
  EXPECT_TRUE(Keys().empty());
  EXPECT_TRUE(store_->Objects(spec)->empty());
  deliverer.SetProcessor(&fake_);
  ASSERT_EQ(*deliverer.Poll(kT0, true), 1u);
  EXPECT_EQ(Object(ObjectKey(spec, First(spec))), "A\n");
}

TEST_F(Processing, AnAbortedProcessorLeavesTheSealForLater) {
  DeliverySpec spec = CreateProcessed(Config());
  PutAt(spec.source_stream, kT0, {"a\n"});
  fake_.mode = FakeProcessor::Mode::kAborted;
  Deliverer deliverer(log_.get(), buckets_.get(), spec);
  deliverer.SetProcessor(&fake_);
  auto polled = deliverer.Poll(kT0, true);
  ASSERT_FALSE(polled.ok());
  EXPECT_EQ(polled.status().code(), Status::Code::kAborted);
  EXPECT_EQ(fake_.events.size(), 1u);  // not retried: the runtime is stopping
  EXPECT_TRUE(Keys().empty());
  EXPECT_TRUE(LoadSeal(*db_, spec.id)->has_value());
  fake_.mode = FakeProcessor::Mode::kNormal;
  ASSERT_EQ(*deliverer.Poll(kT0 + 1000, false), 1u);  // the seal first
  EXPECT_EQ(Object(ObjectKey(spec, First(spec))), "A\n");
}

TEST_F(Processing, RedeliveryInvokesAgainAndReplacesTheSameObjects) {
  DeliverySpec spec = CreateProcessed(Config());
  PutAt(spec.source_stream, kT0, {"a\n", "fail\n", "b\n"});
  {
    Deliverer crashing(log_.get(), buckets_.get(), spec);
    crashing.SetProcessor(&fake_);
    crashing.SetCrashAfterObjectForTest([] { return true; });
    EXPECT_EQ(crashing.Poll(kT0, true).status().code(), Status::Code::kAborted);
  }
  const std::string key = ObjectKey(spec, First(spec));
  const std::string error_key = ErrorObjectKey(spec, First(spec), kProcessingFailed);
  const std::string first_object = Object(key);
  const std::vector<std::string> first_keys = Keys();
  ASSERT_EQ(first_keys.size(), 2u);
  EXPECT_TRUE(store_->Objects(spec)->empty());
  // A deterministic function: the same events, the same object bytes, under the same names.
  Deliverer again(log_.get(), buckets_.get(), spec);
  again.SetProcessor(&fake_);
  ASSERT_EQ(*again.Poll(kT0 + 1000, false), 1u);
  ASSERT_EQ(fake_.events.size(), 2u);
  EXPECT_EQ(fake_.events[0], fake_.events[1]);
  EXPECT_EQ(Keys(), first_keys);
  EXPECT_EQ(Object(key), first_object);
  std::vector<Json> errors = Lines(Object(error_key));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]["rawData"], text::EncodeBase64("fail\n"));
  auto manifest = store_->Objects(spec);
  ASSERT_EQ(manifest->size(), 1u);
  EXPECT_EQ((*manifest)[0].seal.error_key, error_key);
}

TEST_F(Processing, ARedeliveryWhoseAnswerChangedLeavesNoRecordInTwoObjects) {
  DeliverySpec spec = CreateProcessed(Config());
  PutAt(spec.source_stream, kT0, {"a\n", "fail\n"});
  {
    Deliverer crashing(log_.get(), buckets_.get(), spec);
    crashing.SetProcessor(&fake_);
    crashing.SetCrashAfterObjectForTest([] { return true; });
    EXPECT_FALSE(crashing.Poll(kT0, true).ok());
  }
  ASSERT_EQ(Keys().size(), 2u);
  // The function changed its mind: every record is Ok now, so the error object goes away.
  FakeProcessor all_ok;
  all_ok.mode = FakeProcessor::Mode::kAllOk;
  Deliverer again(log_.get(), buckets_.get(), spec);
  again.SetProcessor(&all_ok);
  ASSERT_EQ(*again.Poll(kT0 + 1000, false), 1u);
  auto keys = Keys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0], ObjectKey(spec, First(spec)));
  EXPECT_EQ(Object(keys[0]), "a\nfail\n");
  EXPECT_FALSE((*store_->Objects(spec))[0].error_written);
}

TEST_F(Processing, ASealKeepsTheProcessingItWasMadeWith) {
  DeliverySpec spec = CreateProcessed(Config());
  PutAt(spec.source_stream, kT0, {"a\n"});
  {
    Deliverer crashing(log_.get(), buckets_.get(), spec);
    crashing.SetProcessor(&fake_);
    crashing.SetCrashAfterObjectForTest([] { return true; });
    EXPECT_FALSE(crashing.Poll(kT0, true).ok());
  }
  auto seal = LoadSeal(*db_, spec.id);
  ASSERT_TRUE(seal.ok() && seal->has_value());
  EXPECT_EQ((*seal)->processing_json, Config());
  // Processing switched off meanwhile: the sealed object is still made with it.
  auto updated = store_->Update("d", [](DeliverySpec* s) {
    s->destination.processing_json = Config({}, false);
    s->version++;
    return Status::OK();
  });
  ASSERT_TRUE(updated.ok());
  Deliverer again(log_.get(), buckets_.get(), *updated);
  again.SetProcessor(&fake_);
  ASSERT_EQ(*again.Poll(kT0 + 1000, false), 1u);
  EXPECT_EQ(Object(ObjectKey(spec, First(spec))), "A\n");
  // Later buffers follow the new configuration.
  PutAt(updated->source_stream, kT0 + 2000, {"b\n"});
  ASSERT_EQ(*again.Poll(kT0 + 2000, true), 1u);
  EXPECT_EQ(fake_.events.size(), 2u);
  auto keys = Keys();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(Object(keys[1]), "b\n");
}

TEST_F(Processing, AStoredConfigurationNotEnabledIsIgnoredAndABadEnabledOneStops) {
  DeliverySpec spec = CreateProcessed("");
  auto store = [&](const std::string& json) {  // as stored before configurations were checked
    auto updated = store_->Update("d", [&](DeliverySpec* s) {
      s->destination.processing_json = json;
      return Status::OK();
    });
    EXPECT_TRUE(updated.ok());
    return *updated;
  };
  DeliverySpec off = store(R"({"Enabled": false, "Processors": [{"Type": "Decompression"}]})");
  PutAt(spec.source_stream, kT0, {"a\n"});
  Deliverer deliverer(log_.get(), buckets_.get(), off);
  ASSERT_EQ(*deliverer.Poll(kT0, true), 1u);
  EXPECT_EQ(Object(ObjectKey(spec, First(spec))), "a\n");
  DeliverySpec on = store(R"({"Enabled": true, "Processors": [{"Type": "Decompression"}]})");
  PutAt(spec.source_stream, kT0 + 1000, {"b\n"});
  Deliverer stopped(log_.get(), buckets_.get(), on);
  stopped.SetProcessor(&fake_);
  auto polled = stopped.Poll(kT0 + 1000, true);
  ASSERT_FALSE(polled.ok());
  EXPECT_EQ(polled.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(Keys().size(), 1u);
}

}  // namespace
}  // namespace freshet::stream::delivery
