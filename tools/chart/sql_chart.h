// A SQL result as a chart (`freshet chart --sql`, the dashboard's SQL panel): the first column is
// x, every other column a series.
//
// x is read as days when every x is a "YYYY-MM-DD" text, as months when every x is "YYYY-MM", as
// numbers when every x is a number; rows are then sorted by x, and two rows with the same x are
// an error. Otherwise x values are categories in the result's order and series are drawn as bars.
// A cell that is NULL or not a number is missing (a gap). Columns with no number at all are left out.
//
// Thread-safety: pure.
#pragma once

#include <string>

#include "query/sql/engine.h"
#include "storage/status.h"
#include "tools/chart/chart.h"

namespace freshet::chart {

// Errors: InvalidArgument when the result has fewer than two columns, no numeric column after
// the first, a NULL x, or a repeated x on a day, month or number axis.
Result<ChartSpec> BuildSqlChart(const query::sql::SqlResult& result, const std::string& title, int width = 960,
                                int height = 480);

}  // namespace freshet::chart
