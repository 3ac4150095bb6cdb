// summary_bench: the summary report (reports/summary_report.h BuildSummary:
// totals per month, per method and per scope, donors near a cap, open
// obligations, the HTML page) against `ledger balance` (ledger-cli) and
// `hledger balance` over a journal of the same donations. Not a test; run it
// through bench/run (BENCH=summary SUMMARY_ROWS=1000000).
//
//   summary_bench [N]        N donations (default 100,000)
//
// With SUMMARY_BENCH_DIR=D the ledger is built in D and kept, or reused if D
// holds one (it must have been built with the same N).
//
// Set-up (not timed): a ledger with the French presidential pack, max(1000,
// N / 100) donors and N gifts imported from a CSV (as import_bench does), and
// a journal in the plain-text format both tools read, one transaction per gift:
//
//   2027-01-05 S-0000000001
//       Assets:Campaign:cheque  10.00 EUR
//       Income:Donations:fr-pres-2027
//
// Timed, best of 3 each: ours is a fresh connection to the ledger file
// (Ledger::Open with the cheap key derivation, so SQLite's page cache starts
// empty, as in a new `probity report summary` process) and BuildSummary: it
// sums the latest gift rollup, which the import wrote at its end, and the
// gift_deltas rows after it (none here); docs/format.md 12.5. The groups of
// every row through their covering index, what a ledger with no rollup
// costs, are timed too and shown on a line of their own.
// Theirs is each tool's `balance` as a process, from start to exit. The one
// Argon2id derivation `probity report summary` adds when it opens the ledger
// is timed apart, at the CLI's setting (KdfModerate), and the table shows the
// ratio with it added too. A tool that is not installed is skipped
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

constexpr int kRounds = 3;

double Best(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

// Seconds from start to exit of `tool -f journal balance`, best of 3; its
// output goes to `out_path`.
double TimeTool(const char* tool, const std::string& journal, const std::string& out_path) {
  std::vector<double> runs;
  for (int i = 0; i < kRounds; ++i) {
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
  return Best(runs);
}

// Seconds of one Argon2id derivation at the CLI's setting, best of 3.
double TimeArgon2id() {
  std::vector<double> runs;
  const SecretBytes passphrase = SecretBytes::FromString("bench passphrase");
  const Salt salt{};
  for (int i = 0; i < kRounds; ++i) {
    const auto start = Clock::now();
    Check(DeriveKey(passphrase, salt, KdfModerate(), kSymmetricKeyBytes), "argon2id");
    runs.push_back(Seconds(start));
  }
  return Best(runs);
}

// A fresh connection (empty page cache) and the summary, best of 3.
double TimeSummary(const std::string& path, Summary* summary) {
  std::vector<double> runs;
  for (int i = 0; i < kRounds; ++i) {
    const auto start = Clock::now();
    std::unique_ptr<Ledger> ledger =
        Check(Ledger::Open(path, SecretBytes::FromString("bench passphrase"), CheapKdf()), "open");
    *summary = Check(BuildSummary(*ledger, Date{2027, 6, 1}), "summary");
    runs.push_back(Seconds(start));
  }
  return Best(runs);
}

// The same over a ledger with no rollup: a fresh connection and the groups
// of every row through gift_deltas_summary, the query ScanGiftGroups runs
// then (ledger/gift_rollups.cc), stepped to the end; best of 3.
double TimeEveryRow(const std::string& path) {
  std::vector<double> runs;
  for (int i = 0; i < kRounds; ++i) {
    const auto start = Clock::now();
    std::unique_ptr<Ledger> ledger =
        Check(Ledger::Open(path, SecretBytes::FromString("bench passphrase"), CheapKdf()), "open");
    Stmt stmt = Check(ledger->store().db().Prepare(
                          "SELECT scope, subject, month, method, election, currency, "
                          "sum(delta_minor), sum(gifts_delta) FROM gift_deltas "
                          "GROUP BY scope, subject, month, method, election, currency "
                          "ORDER BY scope, subject, month, method, election, currency"),
                      "prepare");
    while (Check(stmt.Step(), "step")) {
    }
    runs.push_back(Seconds(start));
  }
  return Best(runs);
}

std::string LastLine(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" -") != std::string::npos) last = line;
  }
  return last;
}

// The ledger: N gifts imported from a CSV (kept beside it, for the journal).
void BuildLedger(const std::string& dir, std::int64_t n) {
  const NamedKey key{"treasurer", Check(GenerateSigningKey(), "key")};
  std::unique_ptr<Ledger> ledger =
      NewImportLedger(dir + "/summary.ledger", key, "bench.example/summary");
  const std::vector<std::string> donors =
      AddBenchDonors(*ledger, key, std::max<std::int64_t>(1000, n / 100));
  WriteGiftsCsv(dir + "/gifts.csv", donors, n);
  std::ifstream csv(dir + "/gifts.csv", std::ios::binary);
  ImportOptions options;
  options.scope = kImportScope;
  const auto start = Clock::now();
  ImportProgress done = Check(ImportDonations(*ledger, key, csv, options), "import");
  std::fprintf(stderr, "set-up: imported %" PRId64 " gifts in %.1f s\n", done.recorded,
               Seconds(start));
  if (done.recorded != n) Die("import", Status::Corruption("not every row was recorded"));
}

int Run(int argc, char** argv) {
  const std::int64_t n = argc > 1 ? std::strtoll(argv[1], nullptr, 10) : 100000;
  if (n < 1) {
    std::fprintf(stderr, "usage: summary_bench [N]\n");
    return 2;
  }
  if (!InitCrypto().ok()) return 1;
  // SUMMARY_BENCH_DIR keeps the ledger (building it is the slow part) and,
  // when it holds one already, reuses it.
  const char* keep = std::getenv("SUMMARY_BENCH_DIR");
  const std::string dir = keep != nullptr ? keep : NewBenchDir();
  if (!std::filesystem::exists(dir + "/summary.ledger")) {
    std::filesystem::create_directories(dir);
    BuildLedger(dir, n);
  } else {
    std::fprintf(stderr, "set-up: reusing %s/summary.ledger\n", dir.c_str());
  }
  const std::int64_t expected_minor = WriteJournal(dir + "/gifts.csv", dir + "/gifts.journal");

  Summary summary;
  const double ours = TimeSummary(dir + "/summary.ledger", &summary);
  const double argon2id = TimeArgon2id();
  const double every_row = TimeEveryRow(dir + "/summary.ledger");
  const std::int64_t rollup = Check(
      Check(Ledger::Open(dir + "/summary.ledger", SecretBytes::FromString("bench passphrase"),
                         CheapKdf()),
            "open")
          ->store()
          .LatestGiftRollup(),
      "rollup");
  if (summary.totals.donations != static_cast<std::size_t>(n) ||
      summary.totals.total["EUR"] != expected_minor) {
    std::fprintf(stderr, "summary_bench: the summary counts %zu gifts, %" PRId64
                 " cents; the file has %" PRId64 ", %" PRId64 "\n",
                 summary.totals.donations, summary.totals.total["EUR"], n, expected_minor);
    return 1;
  }

  std::printf("machine: %ld cores, %s\n", sysconf(_SC_NPROCESSORS_ONLN), CpuModel().c_str());
  std::printf("summary of %" PRId64 " donations, total %" PRId64 ".%02" PRId64
              " EUR: open + BuildSummary %.3f s, Argon2id (moderate) %.3f s (best of %d)\n",
              n, expected_minor / 100, expected_minor % 100, ours, argon2id, kRounds);
  std::printf("latest gift rollup at entry %" PRId64 "; the groups of every row through the "
              "index instead (a ledger with no rollup): %.3f s\n",
              rollup, every_row);
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
                n, tool, ours, theirs, theirs / ours, theirs / (ours + argon2id));
    std::printf("| the same, every row through the index (no rollup) | %.3f | %.3f | %.1f | %.1f |\n",
                every_row, theirs, theirs / every_row, theirs / (every_row + argon2id));
    std::fprintf(stderr, "%s's total line: %s\n", tool, LastLine(out_path).c_str());
    IssueRow(Fmt("summary of %lld donations, s, with the Argon2id open (other side: `%s "
                 "balance`)",
                 static_cast<long long>(n), tool),
             Fmt("%.3f", ours + argon2id), Fmt("%.3f", theirs),
             Fmt("%.1fx", theirs / (ours + argon2id)), ">= 10x");
  }
  if (keep == nullptr) std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace probity

int main(int argc, char** argv) { return probity::Run(argc, argv); }
