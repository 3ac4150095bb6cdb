// Writing a report file: all or nothing (a temporary file in the same folder,
// flushed, then renamed over the target), mode 0600 whatever the umask,
// because filings name donors.
#ifndef PROBITY_REPORTS_OUTPUT_H_
#define PROBITY_REPORTS_OUTPUT_H_

#include <string>

#include "ledger/status.h"

namespace probity {

[[nodiscard]] Status WriteReportFile(const std::string& path, const std::string& bytes);

// A whole input file (a filing to import), refused over `bytes_max`.
// NotFound-style InvalidArgument when it cannot be opened.
Result<std::string> ReadInputFile(const std::string& path, std::size_t bytes_max);

}  // namespace probity

#endif  // PROBITY_REPORTS_OUTPUT_H_
