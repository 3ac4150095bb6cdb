// Writing a report file: all or nothing (a temporary file in the same folder,
// flushed, then renamed over the target), mode 0600 whatever the umask,
// because filings name donors.
#ifndef PROBITY_REPORTS_OUTPUT_H_
#define PROBITY_REPORTS_OUTPUT_H_

#include <string>

#include "ledger/status.h"

namespace probity {

[[nodiscard]] Status WriteReportFile(const std::string& path, const std::string& bytes);

}  // namespace probity

#endif  // PROBITY_REPORTS_OUTPUT_H_
