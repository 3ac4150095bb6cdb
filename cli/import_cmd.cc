// probity donation import FILE.csv --scope ID [--rejects FILE] [--batch-rows N]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/common.h"
#include "policies/import.h"

namespace probity::cli {
namespace {

struct ImportCmdOptions {
  std::string file, scope, rejects;
  std::size_t batch_rows = kImportBatchRowsDefault;
};

using Clock = std::chrono::steady_clock;

// "12,345"
std::string Grouped(std::int64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// One line on the terminal, redrawn after every batch: rows, share of the
// file, rate and time left (from the bytes still to read at the rate so far).
class ProgressBar {
 public:
  explicit ProgressBar(std::uint64_t file_bytes)
      : file_bytes_(file_bytes), start_(Clock::now()), shown_(isatty(STDERR_FILENO) == 1) {}
  void Update(const ImportProgress& p) {
    if (!shown_) return;
    const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    const double share = file_bytes_ == 0 ? 1.0
                                          : static_cast<double>(p.bytes_read) /
                                                static_cast<double>(file_bytes_);
    const int width = 30;
    const int filled = static_cast<int>(share * width);
    std::string bar(static_cast<std::size_t>(std::clamp(filled, 0, width)), '#');
    bar.resize(width, '.');
    const double rate = seconds > 0 ? static_cast<double>(p.rows) / seconds : 0;
    const double left = share > 0 ? seconds * (1 - share) / share : 0;
    std::fprintf(stderr, "\r[%s] %3d%%  %s rows  %s rows/s  ETA %d:%02d ", bar.c_str(),
                 static_cast<int>(share * 100), Grouped(p.rows).c_str(),
                 Grouped(static_cast<std::int64_t>(rate)).c_str(), static_cast<int>(left) / 60,
                 static_cast<int>(left) % 60);
    std::fflush(stderr);
  }
  void Done() {
    if (shown_) std::fputc('\n', stderr);
  }

 private:
  std::uint64_t file_bytes_;
  Clock::time_point start_;
  bool shown_;
};

// The rejects file: line, reason, then the row's own fields under the
// file's header, so the rows can be fixed and imported again.
class RejectsFile {
 public:
  Status Open(const std::string& path) {
    path_ = path;
    out_.open(path, std::ios::binary | std::ios::trunc);
    if (!out_) return Status::IoError("cannot write the rejects file " + path);
    return Status::OK();
  }
  Status Header(const std::vector<std::string>& columns) {
    out_ << "line,reason";
    for (const std::string& c : columns) out_ << ',' << CsvQuote(c);
    out_ << "\r\n";
    return Check();
  }
  Status Write(const ImportReject& r) {
    out_ << r.line << ',' << CsvQuote(r.reason);
    for (const std::string& f : r.fields) out_ << ',' << CsvQuote(f);
    out_ << "\r\n";
    return Check();
  }
  Status Flush() {
    out_.flush();
    return Check();
  }

 private:
  Status Check() {
    return out_ ? Status::OK() : Status::IoError("writing the rejects file " + path_ + " failed");
  }
  std::string path_;
  std::ofstream out_;
};

Status RunImport(const GlobalOptions& g, const ImportCmdOptions& o) {
  if (o.batch_rows < 1 || o.batch_rows > kImportBatchRowsMax) {
    return Status::InvalidArgument("--batch-rows must be 1 to " +
                                   std::to_string(kImportBatchRowsMax));
  }
  PROBITY_RETURN_IF_ERROR(ValidateScopeId(o.scope).WithContext("--scope"));
  std::ifstream csv(o.file, std::ios::binary | std::ios::ate);
  if (!csv) return Status::NotFound("cannot read " + o.file + "; check the path");
  const auto file_bytes = static_cast<std::uint64_t>(std::max<std::streamoff>(0, csv.tellg()));
  csv.seekg(0);
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
  const std::string rejects_path = o.rejects.empty() ? o.file + ".rejects.csv" : o.rejects;
  RejectsFile rejects;
  ProgressBar bar(file_bytes);
  ImportOptions options;
  options.scope = o.scope;
  options.batch_rows = o.batch_rows;
  options.on_header = [&](const std::vector<std::string>& columns) {
    PROBITY_RETURN_IF_ERROR(rejects.Open(rejects_path));
    return rejects.Header(columns);
  };
  options.on_reject = [&](const ImportReject& r) { return rejects.Write(r); };
  options.on_progress = [&](const ImportProgress& p) {
    (void)rejects.Flush();  // a failed write shows up in the next Write
    bar.Update(p);
  };
  Result<ImportProgress> done = ImportDonations(*ledger, key, csv, options);
  bar.Done();
  if (!done.ok()) return done.status();
  PROBITY_RETURN_IF_ERROR(rejects.Flush());
  const ImportProgress& p = done.value();
  Warn(Grouped(p.rows) + " rows: " + Grouped(p.recorded) + " recorded, " + Grouped(p.skipped) +
       " already in the ledger (skipped), " + Grouped(p.rejected) + " rejected (listed in " +
       rejects_path + ")");
  if (g.json) {
    PrintJson({{"rows", p.rows}, {"recorded", p.recorded}, {"skipped", p.skipped},
               {"rejected", p.rejected}, {"rejects_file", rejects_path}});
  }
  if (p.rejected > 0) {
    return Status::PolicyViolation(Grouped(p.rejected) + " rows were not recorded; " +
                                   rejects_path + " lists each with its line and the reason. "
                                   "Fix them and import that file, or a corrected copy, again");
  }
  return Status::OK();
}

}  // namespace

void RegisterImportCommand(CLI::App& donation, GlobalOptions& g, Action& action) {
  auto o = std::make_shared<ImportCmdOptions>();
  CLI::App* cmd = donation.add_subcommand(
      "import",
      "import donations from a CSV file, each decided by the scope's policy; resumable\n"
      "  columns (header line): donor, amount, currency, method, date; optional election,\n"
      "  nature, cap_declared, external_id (see README, \"Importing donations\")\n"
      "  exit 3 if some rows were rejected: they are in the rejects file, with line and reason\n"
      "  example: probity donation import gifts.csv --scope fr-pres-2027 --rejects rejects.csv");
  cmd->add_option("file", o->file, "the CSV file (UTF-8, RFC 4180)")->required();
  cmd->add_option("--scope", o->scope, "election or period id, e.g. fr-pres-2027")->required();
  cmd->add_option("--rejects", o->rejects,
                  "where to list rejected rows (default: FILE.rejects.csv; rewritten each run)");
  cmd->add_option("--batch-rows", o->batch_rows,
                  "rows per transaction (default 1000; a crash loses at most one batch)");
  cmd->callback([&g, &action, o] { action = [&g, o] { return RunImport(g, *o); }; });
}

}  // namespace probity::cli
