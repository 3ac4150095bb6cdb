#include "reports/table.h"

#include "ledger/assert.h"
#include "reports/fec_text.h"

namespace probity {
namespace {

std::string CsvField(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string TsvField(std::string v) {
  for (char& c : v) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return v;
}

}  // namespace

std::string DecimalAmount(std::int64_t minor) { return fec::FormatAmount(minor); }

std::string RenderTable(const Table& table, const ReportCheckpoint& checkpoint,
                        TableFormat format) {
  const bool csv = format == TableFormat::kCsv;
  const char* sep = csv ? "," : "\t";
  const char* eol = csv ? "\r\n" : "\n";
  std::string out;
  auto line = [&](const std::vector<std::string>& fields, const std::string& a,
                  const std::string& b) {
    PROBITY_ASSERT(fields.size() == table.columns.size());
    for (const std::string& f : fields) out += (csv ? CsvField(f) : TsvField(f)) + sep;
    out += a + sep + b + eol;
  };
  line(table.columns, "checkpoint_tree_size", "checkpoint_root");
  for (const auto& row : table.rows) {
    line(row, std::to_string(checkpoint.tree_size), checkpoint.root_base64);
  }
  return out;
}

}  // namespace probity
