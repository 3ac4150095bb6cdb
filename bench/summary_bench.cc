// summary_bench: the summary report (reports/summary_report.h BuildSummary:
// totals per month, per method and per scope, donors near a cap, open
// obligations, the HTML page) against `ledger balance` (ledger-cli) and
// `hledger balance` over a journal of the same donations. Not a test; run it
// through bench/run (BENCH=summary SUMMARY_ROWS=1000000).
//
//   summary_bench [N]        N donations (default 100,000)
//
// Set-up (not timed): a ledger with the French presidential pack, max(1000,
// N / 100) donors and N gifts imported from a CSV (as import_bench does), and
// a journal in the plain-text format both tools read, one transaction per gift:
//
//   2027-01-05 S-0000000001
//       Assets:Campaign:cheque  10.00 EUR
//       Income:Donations:fr-pres-2027
//
// Timed: BuildSummary in this process, median of 3 (the ledger file is
// SQLCipher, so this includes decrypting every page it reads); each tool's
// `balance` as a process, median of 3, from start to exit. `probity report
// summary` also derives the ledger key with Argon2id once per run (~0.23 s at
// the moderate setting), which BuildSummary does not include: the table shows
// the ratio with that cost added too. A tool that is not installed is skipped
// (`apt-get install ledger hledger`).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <filesystem>
#include <fstream>

#include "bench/bench_util.h"
#include "bench/import_util.h"
#include "policies/import.h"
#include "reports/summary_report.h"

namespace probity {
namespace {

using namespace bench;  // NOLINT: the shared benchmark helpers

constexpr double kArgon2idModerateSeconds = 0.23;  // the handbook's figure for this machine kind

// The CSV import_util.h wrote, restated as a journal; returns the total in cents.
std::int64_t WriteJournal(const std::string& csv_path, const std::string& journal_path) {
  std::ifstream in(csv_path, std::ios::binary);
  std::ofstream out(journal_path, std::ios::binary);
  std::string line;
  std::getline(in, line);  // header: donor,amount,currency,method,date
  std::int64_t total = 0;
  while (std::getline(in, line)) {
    std::string f[5];
    std::size_t start = 0;
    for (int i = 0; i < 5; ++i) {
      const std::size_t comma = i < 4 ? line.find(',', start) : line.size();
      f[i] = line.substr(start, comma - start);
      start = comma + 1;
    }
    const std::size_t dot = f[1].find('.');
    total += std::stoll(f[1].substr(0, dot)) * 100 + std::stoll(f[1].substr(dot + 1));
    out << f[4] << ' ' << f[0] << "\n    Assets:Campaign:" << f[3] << "  " << f[1] << ' ' << f[2]
        << "\n    Income:Donations:" << kImportScope << "\n\n";
  }
  if (!out) Die("write journal", Status::IoError(journal_path));
  return total;
}

bool HaveTool(const char* name) {
  const std::string cmd = std::string("command -v ") + name + " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Seconds from start to exit of `tool -f journal balance`, median of 3; its
// output goes to `out_path`.
double TimeTool(const char* tool, const std::string& journal, const std::string& out_path) {
  std::vector<double> runs;
  for (int i = 0; i < 3; ++i) {
    const std::string cmd =
        std::string(tool) + " -f '" + journal + "' balance > '" + out_path + "' 2>&1";
    const auto start = Clock::now();
    const int rc = std::system(cmd.c_str());
    runs.push_back(Seconds(start));
    if (rc != 0) {
      std::fprintf(stderr, "summary_bench: `%s` failed; its output is in %s\n", cmd.c_str(),
                   out_path.c_str());
      std::exit(1);
    }
  }
  return Median(runs);
}

std::string LastLine(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" -") != std::string::npos) last = line;
  }
  return last;
}

int Run(int argc, char** argv) {
  const std::int64_t n = argc > 1 ? std::strtoll(argv[1], nullptr, 10) : 100000;
  if (n < 1) {
    std::fprintf(stderr, "usage: summary_bench [N]\n");
    return 2;
  }
  if (!InitCrypto().ok()) return 1;
  const std::string dir = NewBenchDir();
  const NamedKey key{"treasurer", Check(GenerateSigningKey(), "key")};
  std::unique_ptr<Ledger> ledger =
      NewImportLedger(dir + "/summary.ledger", key, "bench.example/summary");
  const std::vector<std::string> donors =
      AddBenchDonors(*ledger, key, std::max<std::int64_t>(1000, n / 100));
  WriteGiftsCsv(dir + "/gifts.csv", donors, n);
  {
    std::ifstream csv(dir + "/gifts.csv", std::ios::binary);
    ImportOptions options;
    options.scope = kImportScope;
    const auto start = Clock::now();
    ImportProgress done = Check(ImportDonations(*ledger, key, csv, options), "import");
    std::fprintf(stderr, "set-up: imported %" PRId64 " gifts in %.1f s\n", done.recorded,
                 Seconds(start));
    if (done.recorded != n) Die("import", Status::Corruption("not every row was recorded"));
  }
  const std::int64_t expected_minor = WriteJournal(dir + "/gifts.csv", dir + "/gifts.journal");

  std::vector<double> ours_runs;
  Summary summary;
  for (int i = 0; i < 3; ++i) {
    const auto start = Clock::now();
    summary = Check(BuildSummary(*ledger, Date{2027, 6, 1}), "summary");
    ours_runs.push_back(Seconds(start));
  }
  const double ours = Median(ours_runs);
  if (summary.totals.donations != static_cast<std::size_t>(n) ||
      summary.totals.total["EUR"] != expected_minor) {
    std::fprintf(stderr, "summary_bench: the summary counts %zu gifts, %" PRId64
                 " cents; the file has %" PRId64 ", %" PRId64 "\n",
                 summary.totals.donations, summary.totals.total["EUR"], n, expected_minor);
    return 1;
  }

  std::printf("machine: %ld cores, %s\n", sysconf(_SC_NPROCESSORS_ONLN), CpuModel().c_str());
  std::printf("summary of %" PRId64 " donations, total %" PRId64 ".%02" PRId64
              " EUR: BuildSummary %.3f s (median of 3)\n",
              n, expected_minor / 100, expected_minor % 100, ours);
  std::printf("| figure | ours, s | tool, s | ratio (tool / ours) | ratio with Argon2id open |\n"
              "|---|---|---|---|---|\n");
  for (const char* tool : {"ledger", "hledger"}) {
    if (!HaveTool(tool)) {
      std::printf("| summary vs `%s balance` | %.3f | not installed | - | - |\n", tool, ours);
      continue;
    }
    const std::string out_path = dir + "/" + tool + ".out";
    const double theirs = TimeTool(tool, dir + "/gifts.journal", out_path);
    std::printf("| summary of %" PRId64 " donations vs `%s balance` | %.3f | %.3f | %.1f | %.1f |\n",
                n, tool, ours, theirs, theirs / ours, theirs / (ours + kArgon2idModerateSeconds));
    std::fprintf(stderr, "%s's total line: %s\n", tool, LastLine(out_path).c_str());
  }
  ledger.reset();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace probity

int main(int argc, char** argv) { return probity::Run(argc, argv); }
