// Tables for the CSV and TSV filings (CNCCFP, PPERA): UTF-8 kept as is,
// amounts as decimal text from integer minor units, and every row carrying
// the checkpoint the report was produced from.
#ifndef PROBITY_REPORTS_TABLE_H_
#define PROBITY_REPORTS_TABLE_H_

#include <string>
#include <vector>

#include "reports/source.h"

namespace probity {

enum class TableFormat { kCsv, kTsv };

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

// RFC 4180 CSV (fields quoted when they hold a comma, quote or line break;
// CRLF line ends), or TSV (tabs and line breaks in a value become spaces).
// Two columns are appended: checkpoint_tree_size and checkpoint_root.
std::string RenderTable(const Table& table, const ReportCheckpoint& checkpoint,
                        TableFormat format);

// "4600.00" from minor units (2-decimal currencies; asserted).
std::string DecimalAmount(std::int64_t minor);

}  // namespace probity

#endif  // PROBITY_REPORTS_TABLE_H_
