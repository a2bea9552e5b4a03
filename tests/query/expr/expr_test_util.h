// Helpers for the expression tests: items and values from DynamoDB typed JSON, request
// attributes, and a realistic weather item.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "query/expr/attributes.h"
#include "query/item.h"
#include "query/item_json.h"

namespace freshet::query::expr {

// An item from typed JSON; aborts the test on a malformed literal.
inline Item ItemFrom(std::string_view typed_json) {
  auto item = ParseItemJson(typed_json);
  EXPECT_TRUE(item.ok()) << item.status().ToString() << " in " << typed_json;
  return item.ok() ? *item : Item();
}

// One value from typed JSON, e.g. V(R"({"N":"1"})").
inline AttributeValue V(std::string_view typed_json) {
  Item item = ItemFrom("{\"v\":" + std::string(typed_json) + "}");
  const AttributeValue* v = item.Find("v");
  return v ? *v : AttributeValue();
}

// ExpressionAttributes from a names map and a typed-JSON object of values
// ({":v":{"N":"1"}}); either may be empty.
inline ExpressionAttributes Attrs(AttributeNames names, std::string_view values_json = "{}") {
  AttributeValues values;
  for (const auto& [name, value] : ItemFrom(values_json)) values.emplace(name, value);
  return ExpressionAttributes(std::move(names), std::move(values));
}

// A GHCN-daily observation as the weather pipeline writes it, with a few nested attributes.
inline Item WeatherItem() {
  return ItemFrom(R"({
    "station": {"S": "USW00093721"},
    "date": {"S": "2024-07-01"},
    "PRCP": {"N": "0.25"},
    "TMAX": {"N": "31.7"},
    "TMIN": {"N": "18.9"},
    "SNOW": {"N": "0"},
    "flags": {"SS": ["M", "Q"]},
    "hours": {"NS": ["6", "12", "18"]},
    "readings": {"L": [{"N": "21.5"}, {"N": "28.0"}, {"S": "missing"}]},
    "meta": {"M": {"source": {"S": "GHCND"}, "qc": {"M": {"passed": {"BOOL": true}, "checks": {"N": "12"}}}}},
    "status": {"S": "final"},
    "wire": {"B": "AAEC"},
    "note": {"NULL": true}
  })");
}

}  // namespace freshet::query::expr
