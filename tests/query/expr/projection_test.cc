// Tests for Project (query/expr/update.h) on weather items: top-level names, nested maps keeping
// their shape, list indexes picking elements, and paths that do not resolve.
#include <gtest/gtest.h>

#include "query/expr/parser.h"
#include "query/expr/update.h"
#include "query/item_json.h"
#include "tests/query/expr/expr_test_util.h"

namespace freshet::query::expr {
namespace {

std::string ProjectText(std::string_view text, const Item& item) {
  ExpressionAttributes attrs = Attrs({{"#d", "date"}, {"#s", "status"}, {"#src", "source"}});
  auto p = ParseProjection(text, &attrs);
  if (!p.ok()) return p.status().message();
  return ItemToTypedJson(Project(*p, item));
}

TEST(ProjectionTest, TopLevel) {
  EXPECT_EQ(ProjectText("station, #d, TMAX, nothing", WeatherItem()),
            R"({"TMAX":{"N":"31.7"},"date":{"S":"2024-07-01"},"station":{"S":"USW00093721"}})");
}

TEST(ProjectionTest, NestedMapsKeepTheirShape) {
  EXPECT_EQ(ProjectText("meta.qc.passed, meta.#src", WeatherItem()),
            R"({"meta":{"M":{"qc":{"M":{"passed":{"BOOL":true}}},"source":{"S":"GHCND"}}}})");
  EXPECT_EQ(ProjectText("meta.nothing, station.part", WeatherItem()), "{}");
}

TEST(ProjectionTest, ListIndexesPickElements) {
  EXPECT_EQ(ProjectText("readings[1]", WeatherItem()), R"({"readings":{"L":[{"N":"28.0"}]}})");
  EXPECT_EQ(ProjectText("readings[2], readings[0], readings[7]", WeatherItem()),
            R"({"readings":{"L":[{"N":"21.5"},{"S":"missing"}]}})");
  Item item = ItemFrom(R"({"l": {"L": [{"M": {"a": {"N": "1"}, "b": {"N": "2"}}}, {"L": [{"S": "x"}, {"S": "y"}]}]}})");
  EXPECT_EQ(ProjectText("l[0].b, l[1][1]", item), R"({"l":{"L":[{"M":{"b":{"N":"2"}}},{"L":[{"S":"y"}]}]}})");
  EXPECT_EQ(ProjectText("flags[0]", WeatherItem()), "{}");  // a set has no index
}

TEST(ProjectionTest, LegacyOverlappingPathsMerge) {
  // Paths built by hand (not through the parser) may overlap; the wider one wins.
  Projection p;
  p.paths.push_back(Path{PathElement{"meta", 0, false}, PathElement{"source", 0, false}});
  p.paths.push_back(TopLevelPath("meta"));
  Item out = Project(p, WeatherItem());
  ASSERT_NE(out.Find("meta"), nullptr);
  EXPECT_EQ(out.Find("meta")->map().size(), 2u);
}

}  // namespace
}  // namespace freshet::query::expr
