#include "ingest/observation.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace freshet::ingest {
namespace {

TEST(ObservationTest, CompactJsonWithOptionalFieldsLeftOut) {
  Observation obs;
  obs.station = "USC00181125";
  obs.date = "2012-01-07";
  obs.element = "PRCP";
  obs.value = "0";
  obs.sflag = "7";
  obs.obs_time = "0700";
  obs.station_name = "BRIGHTON DAM, MD US";
  obs.source = "cdo-csv";
  EXPECT_EQ(obs.ToJson(), R"({"station":"USC00181125","date":"2012-01-07","element":"PRCP","value":"0","sflag":"7",)"
                          R"("obs_time":"0700","station_name":"BRIGHTON DAM, MD US","source":"cdo-csv"})");
}

TEST(ObservationTest, StringsAreEscaped) {
  std::string out;
  AppendJsonString("a\"b\\c\n\x01 é", &out);
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001 é\"");
  EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), "a\"b\\c\n\x01 é");
}

TEST(ObservationTest, GhcndPrefixIsStripped) {
  EXPECT_EQ(StripGhcndPrefix("GHCND:USW00093721"), "USW00093721");
  EXPECT_EQ(StripGhcndPrefix("USW00093721"), "USW00093721");
}

}  // namespace
}  // namespace freshet::ingest
