// The table and query commands, run as the real binary ($FRESHET_BIN) on a temporary directory.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "tests/test_util.h"

namespace freshet {
namespace {

struct RunResult {
  int code = -1;
  std::string out, err;
};

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bin = std::getenv("FRESHET_BIN");
    if (!bin) GTEST_SKIP() << "FRESHET_BIN is not set";
    bin_ = bin;
  }

  static std::string Quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  }

  RunResult Freshet(const std::vector<std::string>& args, const std::string& stdin_text = "") {
    const std::string in = dir_.path() + "/stdin", err = dir_.path() + "/stderr";
    std::ofstream(in) << stdin_text;
    std::string cmd = Quote(bin_) + " --data-dir " + Quote(dir_.path() + "/data");
    for (const auto& a : args) cmd += " " + Quote(a);
    cmd += " <" + Quote(in) + " 2>" + Quote(err);
    RunResult r;
    FILE* p = popen(cmd.c_str(), "r");
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof(buf), p)) > 0;) r.out.append(buf, n);
    const int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream e(err);
    std::stringstream ss;
    ss << e.rdbuf();
    r.err = ss.str();
    return r;
  }

  void CreateWeather() {
    const std::string spec = dir_.path() + "/spec.json";
    std::ofstream(spec) << R"({"TableName":"weather","BillingMode":"PAY_PER_REQUEST",
      "AttributeDefinitions":[{"AttributeName":"station","AttributeType":"S"},
                              {"AttributeName":"date","AttributeType":"S"}],
      "KeySchema":[{"AttributeName":"station","KeyType":"HASH"},{"AttributeName":"date","KeyType":"RANGE"}]})";
    RunResult r = Freshet({"table", "create", "--spec", spec});
    ASSERT_EQ(r.code, 0) << r.err;
    r = Freshet({"table", "put", "weather", "--file", "-"},
                R"({"station":"USW00093721","date":"2024-01-01","TMAX":22.80,"PRCP":25.4})"
                "\n"
                R"({"station":{"S":"USW00093721"},"date":{"S":"2024-01-02"},"TMAX":{"N":"-5"}})"
                "\n"
                R"({"station":"USW00093721","date":"2024-02-01","TMAX":1})"
                "\n");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "put 3 items into weather\n");
  }

  std::string bin_;
  test::TempDir dir_;
};

TEST_F(CliTest, CreatePutGetRoundTrip) {
  CreateWeather();
  const std::string typed = R"({"PRCP":{"N":"0.10"},"date":{"S":"2024-01-03"},"station":{"S":"USW00093721"}})";
  RunResult r = Freshet({"table", "put", "weather", "--item", typed});
  ASSERT_EQ(r.code, 0) << r.err;
  r = Freshet({"table", "get", "weather", "--key", R"({"station":"USW00093721","date":"2024-01-03"})"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, typed + "\n");
  r = Freshet({"table", "describe", "weather", "--output", "json"});
  EXPECT_NE(r.out.find(R"("item_count":4)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PAY_PER_REQUEST"), std::string::npos);
  r = Freshet({"table", "update", "weather", "--key", R"({"station":"USW00093721","date":"2024-01-03"})", "--set",
               R"({"TMIN":-1.5})", "--remove", "PRCP", "--plain"});
  EXPECT_EQ(r.out, R"({"TMIN":-1.5,"date":"2024-01-03","station":"USW00093721"})"
                   "\n");
  r = Freshet({"table", "delete-item", "weather", "--key", R"({"station":"USW00093721","date":"2024-01-03"})"});
  EXPECT_EQ(r.code, 0);
  r = Freshet({"table", "get", "weather", "--key", R"({"station":"USW00093721","date":"2024-01-03"})"});
  EXPECT_EQ(r.code, 3);
}

TEST_F(CliTest, QueryOutputFormats) {
  CreateWeather();
  RunResult r =
      Freshet({"table", "query", "weather", "--pk", "USW00093721", "--sk-begins-with", "2024-01", "--output", "jsonl"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, R"({"PRCP":25.4,"TMAX":22.80,"date":"2024-01-01","station":"USW00093721"})"
                   "\n"
                   R"({"TMAX":-5,"date":"2024-01-02","station":"USW00093721"})"
                   "\n");
  EXPECT_EQ(r.err, "");
  r = Freshet({"table", "query", "weather", "--pk", "USW00093721", "--limit", "1", "--output", "jsonl"});
  ASSERT_EQ(r.err.rfind("next: ", 0), 0u) << r.err;
  const std::string token = r.err.substr(6, r.err.size() - 7);
  r = Freshet(
      {"table", "query", "weather", "--pk", "USW00093721", "--start-after", token, "--reverse", "--output", "json"});
  // Reversed, the items after the token are those before its key: none.
  EXPECT_EQ(r.out, R"({"items":[],"count":0,"next_token":null})"
                   "\n");
  r = Freshet({"table", "query", "weather", "--pk", "USW00093721", "--start-after", token, "--output", "json",
               "--attributes", "date"});
  EXPECT_EQ(r.out, R"({"items":[{"date":"2024-01-02"},{"date":"2024-02-01"}],"count":2,"next_token":null})"
                   "\n");
  r = Freshet({"table", "scan", "weather", "--output", "csv"});
  EXPECT_EQ(r.out,
            "station,date,PRCP,TMAX\nUSW00093721,2024-01-01,25.4,22.80\n"
            "USW00093721,2024-01-02,,-5\nUSW00093721,2024-02-01,,1\n");
  r = Freshet({"table", "query", "weather", "--pk", "USW00093721", "--sk-lt", "2024-01-02"});
  EXPECT_EQ(r.out, "station      date        PRCP  TMAX\nUSW00093721  2024-01-01  25.4  22.80\n");
}

TEST_F(CliTest, WeatherQuery) {
  CreateWeather();
  RunResult r = Freshet({"query", "--station", "GHCND:USW00093721", "--from", "2024-01-01", "--to", "2024-01-31",
                         "--units", "standard", "--output", "csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "station,date,PRCP,TMAX\nUSW00093721,2024-01-01,1.00,73.0\nUSW00093721,2024-01-02,,23.0\n");
  r = Freshet({"query", "--station", "USW00093721", "--from", "2024-01-01", "--to", "2024-12-31", "--elements", "TMAX",
               "--output", "json"});
  EXPECT_EQ(r.out, R"({"items":[{"TMAX":22.80,"date":"2024-01-01","station":"USW00093721"},)"
                   R"({"TMAX":-5,"date":"2024-01-02","station":"USW00093721"},)"
                   R"({"TMAX":1,"date":"2024-02-01","station":"USW00093721"}],"count":3,"next_token":null})"
                   "\n");
  r = Freshet({"query", "--station", "USW00093721", "--from", "2024-01-01", "--to", "2024-01-31"});
  EXPECT_EQ(r.out,
            "station      date        PRCP (mm)  TMAX (C)\nUSW00093721  2024-01-01  25.4       22.80\n"
            "USW00093721  2024-01-02             -5\n");
}

TEST_F(CliTest, ErrorsExitWithCodesAndOneLine) {
  CreateWeather();
  auto expect_error = [&](const std::vector<std::string>& args, int code, const std::string& text) {
    RunResult r = Freshet(args);
    EXPECT_EQ(r.code, code) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find(text), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  };
  expect_error({"table", "get", "nope", "--key", "{}"}, 3, "table 'nope' does not exist");
  expect_error({"table", "create", "weather", "--partition-key", "a:S"}, 4, "already exists");
  // `table put --item` is DynamoDB's PutItem: its message is AWS's.
  expect_error({"table", "put", "weather", "--item", R"({"station":"x"})"}, 2, "Missing the key date in the item");
  expect_error({"table", "put", "weather", "--item", R"({"station":"x",)"}, 2, "--item: invalid JSON at byte");
  expect_error({"table", "query", "weather", "--pk", "x", "--start-after", "zz"}, 2, "invalid page token");
  expect_error({"table", "query", "weather", "--pk", "x", "--sk-lt", "a", "--sk-gt", "b"}, 2, "at most one");
  expect_error({"query", "--station", "x", "--from", "2024-01-32", "--to", "2024-02-01"}, 2, "--from");
  expect_error({"query", "--station", "x", "--from", "2024-02-01", "--to", "2024-01-01"}, 2, "after --to");
  // A bad line in a file writes nothing, and the message names the line.
  RunResult r = Freshet({"table", "put", "weather", "--file", "-"}, R"({"station":"new","date":"2024-05-05"})"
                                                                    "\n"
                                                                    R"({"station":"new"})"
                                                                    "\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("- line 2: missing key attribute 'date'"), std::string::npos) << r.err;
  r = Freshet({"table", "query", "weather", "--pk", "new", "--output", "jsonl"});
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace freshet
