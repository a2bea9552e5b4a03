// query/sql ResultWriter: json, jsonl, csv and table forms of a result.
#include <gtest/gtest.h>

#include <sstream>

#include "query/sql/sql_output.h"

namespace freshet::query::sql {
namespace {

std::vector<SqlRow> Rows() {
  SqlValue i{SqlValue::Kind::kInteger, 42, 0, ""}, r{SqlValue::Kind::kReal, 0, 2.5, ""},
      t{SqlValue::Kind::kText, 0, 0, "a,\"b\""}, b{SqlValue::Kind::kBlob, 0, 0, std::string("\0\1", 2)}, n{};
  return {{i, r, t, b, n}};
}

std::string Write(OutputFormat format) {
  std::ostringstream out;
  ResultWriter w(&out, format);
  w.Begin({"i", "r", "t", "b", "i"});
  for (const auto& row : Rows()) w.Row(row);
  w.End();
  return out.str();
}

TEST(ResultWriterTest, JsonKeepsColumnOrderAndTypes) {
  EXPECT_EQ(
      Write(OutputFormat::kJson),
      R"({"columns":["i","r","t","b","i"],"items":[{"i":42,"r":2.5,"t":"a,\"b\"","b":"AAE=","i:2":null}],"count":1})"
      "\n");
  EXPECT_EQ(Write(OutputFormat::kJsonl), R"({"i":42,"r":2.5,"t":"a,\"b\"","b":"AAE=","i:2":null})"
                                         "\n");
}

TEST(ResultWriterTest, CsvQuotesAndTableKeepsCells) {
  EXPECT_EQ(Write(OutputFormat::kCsv), "i,r,t,b,i\n42,2.5,\"a,\"\"b\"\"\",AAE=,\n");
  std::ostringstream out;
  ResultWriter w(&out, OutputFormat::kTable);
  w.Begin({"i", "t"});
  w.Row({SqlValue{SqlValue::Kind::kInteger, 7, 0, ""}, SqlValue{}});
  w.End();
  EXPECT_EQ(out.str(), "");
  ASSERT_EQ(w.table_rows().size(), 1u);
  EXPECT_EQ(w.table_rows()[0], (std::vector<std::string>{"7", ""}));
}

}  // namespace
}  // namespace freshet::query::sql
