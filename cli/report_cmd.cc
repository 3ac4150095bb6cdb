// probity report fec / cnccfp / ppera / summary, probity import fec
#include "cli/common.h"
#include "reports/cnccfp_report.h"
#include "ledger/files.h"
#include "reports/fec_import.h"
#include "reports/fec_report.h"
#include "reports/fec_text.h"
#include "reports/output.h"
#include "reports/ppera_report.h"
#include "reports/summary_report.h"

namespace probity::cli {
namespace {

// Every report ends the same way: the file written whole, a line for the
// treasurer on stderr, and the checkpoint it covers on stdout.
Status Deliver(const std::string& path, const std::string& bytes, const std::string& what,
               const ReportCheckpoint& checkpoint) {
  PROBITY_RETURN_IF_ERROR(WriteReportFile(path, bytes));
  Warn("wrote " + path + ": " + what);
  PrintOut(checkpoint.Line());
  return Status::OK();
}

struct FecOptions {
  std::string scope, committee, committee_name, report_code = "Q1", from, to, out;
  std::string treasurer_last, treasurer_first, date_signed, election_state, election_district;
};

Result<fec::ReportOptions> MakeFecOptions(const FecOptions& o) {
  fec::ReportOptions r;
  PROBITY_RETURN_IF_ERROR(ValidateScopeId(o.scope).WithContext("--scope"));
  r.scope = o.scope;
  r.committee_id = o.committee;
  r.committee_name = o.committee_name;
  r.report_code = o.report_code;
  PROBITY_ASSIGN_OR_RETURN(r.from, ParseDate(o.from));
  PROBITY_ASSIGN_OR_RETURN(r.to, ParseDate(o.to));
  r.date_signed = TodayUtc();
  if (!o.date_signed.empty()) {
    PROBITY_ASSIGN_OR_RETURN(r.date_signed, ParseDate(o.date_signed));
  }
  r.treasurer_last = o.treasurer_last;
  r.treasurer_first = o.treasurer_first;
  r.election_state = o.election_state;
  r.election_district = o.election_district;
  return r;
}

Status RunReportFec(const GlobalOptions& g, const FecOptions& o) {
  PROBITY_ASSIGN_OR_RETURN(fec::ReportOptions options, MakeFecOptions(o));
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(fec::Report report, fec::BuildReport(*ledger, options));
  return Deliver(o.out, fec::RenderReport(report),
                 std::to_string(report.schedule_a.size()) + " itemised receipts (" +
                     fec::FormatAmount(report.itemised_cents) + " USD), unitemised " +
                     fec::FormatAmount(report.unitemised_cents) + " USD",
                 report.checkpoint);
}

void RegisterReportFec(CLI::App& report, GlobalOptions& g, Action& action) {
  auto o = std::make_shared<FecOptions>();
  CLI::App* cmd = report.add_subcommand(
      "fec", "FEC Form 3 with Schedule A (.fec, format 8.4); prints the checkpoint it covers\n"
             "  example: probity report fec --scope us-2026 --committee C00123456 --from "
             "2026-01-01 --to 2026-03-31 --treasurer-last Doe --treasurer-first Jane --out q1.fec");
  cmd->add_option("--scope", o->scope, "scope bound to a US pack")->required();
  cmd->add_option("--committee", o->committee, "FEC committee id, e.g. C00123456")->required();
  cmd->add_option("--from", o->from, "first day of the period, YYYY-MM-DD")->required();
  cmd->add_option("--to", o->to, "last day of the period, YYYY-MM-DD")->required();
  cmd->add_option("--out", o->out, "the .fec file to write (mode 0600)")->required();
  cmd->add_option("--treasurer-last", o->treasurer_last, "treasurer's last name")->required();
  cmd->add_option("--treasurer-first", o->treasurer_first, "treasurer's first name")->required();
  cmd->add_option("--committee-name", o->committee_name, "committee name on the cover");
  cmd->add_option("--report-code", o->report_code, "Q1 (default), Q2, Q3, YE, 12P, 30G, ...");
  cmd->add_option("--date-signed", o->date_signed, "YYYY-MM-DD (default: today, UTC)");
  cmd->add_option("--election-state", o->election_state, "state of the election, e.g. OR");
  cmd->add_option("--election-district", o->election_district, "district, e.g. 04");
  cmd->callback([&g, &action, o] { action = [&g, o] { return RunReportFec(g, *o); }; });
}

struct TableOptions {
  std::string scope, out, format = "csv";
  int year = 0, quarter = 0;
};

Status RunReportCnccfp(const GlobalOptions& g, const TableOptions& o) {
  PROBITY_RETURN_IF_ERROR(ValidateScopeId(o.scope).WithContext("--scope"));
  if (o.format != "csv" && o.format != "tsv") {
    return Status::InvalidArgument("--format is csv (statement) or tsv (donor receipts)");
  }
  const TableFormat format = o.format == "tsv" ? TableFormat::kTsv : TableFormat::kCsv;
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(CnccfpReport report, BuildCnccfpReport(*ledger, o.scope, format));
  return Deliver(o.out, RenderTable(report.table, report.checkpoint, format),
                 "total " + DecimalAmount(report.total_minor) + " EUR, cash " +
                     DecimalAmount(report.cash_minor) + " EUR",
                 report.checkpoint);
}

Status RunReportPpera(const GlobalOptions& g, const TableOptions& o) {
  if (!o.scope.empty()) PROBITY_RETURN_IF_ERROR(ValidateScopeId(o.scope).WithContext("--scope"));
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(PperaReport report,
                           BuildPperaReport(*ledger, PperaOptions{o.scope, o.year, o.quarter}));
  return Deliver(o.out, RenderTable(report.table, report.checkpoint, TableFormat::kCsv),
                 report.nil() ? "nil report, nothing to report this quarter"
                              : std::to_string(report.donations) + " reportable donations, " +
                                    std::to_string(report.impermissible) + " impermissible",
                 report.checkpoint);
}

void RegisterReportTables(CLI::App& report, GlobalOptions& g, Action& action) {
  auto o = std::make_shared<TableOptions>();
  CLI::App* cnccfp = report.add_subcommand(
      "cnccfp", "statement of donations for a French campaign account (CSV), or the party\n"
                "donor-receipt file (--format tsv); prints the checkpoint it covers\n"
                "  example: probity report cnccfp --scope fr-pres-2027 --out dons.csv");
  cnccfp->add_option("--scope", o->scope, "scope bound to a French pack")->required();
  cnccfp->add_option("--out", o->out, "file to write (mode 0600)")->required();
  cnccfp->add_option("--format", o->format, "csv (default) or tsv");
  cnccfp->callback([&g, &action, o] { action = [&g, o] { return RunReportCnccfp(g, *o); }; });
  auto p = std::make_shared<TableOptions>();
  CLI::App* ppera = report.add_subcommand(
      "ppera", "UK Electoral Commission quarterly donation report (CSV; a nil report when\n"
               "nothing is reportable); prints the checkpoint it covers\n"
               "  example: probity report ppera --year 2026 --quarter 3 --out q3.csv");
  ppera->add_option("--year", p->year, "calendar year, e.g. 2026")->required();
  ppera->add_option("--quarter", p->quarter, "1, 2, 3 or 4")->required();
  ppera->add_option("--out", p->out, "file to write (mode 0600)")->required();
  ppera->add_option("--scope", p->scope, "only this scope (default: every PPERA scope)");
  ppera->callback([&g, &action, p] { action = [&g, p] { return RunReportPpera(g, *p); }; });
}

void RegisterReportSummary(CLI::App& report, GlobalOptions& g, Action& action) {
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = report.add_subcommand(
      "summary", "one self-contained HTML page: totals per month, method and scope, donors\n"
                 "near a cap, open obligations, SVG charts; prints the checkpoint it covers\n"
                 "  example: probity report summary --out summary.html");
  cmd->add_option("--out", *out, "the .html file to write (mode 0600)")->required();
  cmd->callback([&g, &action, out] {
    action = [&g, out]() -> Status {
      PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
      PROBITY_ASSIGN_OR_RETURN(Summary summary, BuildSummary(*ledger, TodayUtc()));
      return Deliver(*out, summary.html, std::to_string(summary.totals.donations) + " donations",
                     summary.checkpoint);
    };
  });
}

struct ImportOptions {
  std::string file, scope, method = "other";
};

// The file name without its folder, as printable ASCII: part of import_ref.
std::string SourceLabel(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return fec::ToFecText(slash == std::string::npos ? path : path.substr(slash + 1), 64);
}

Status RunImportFec(const GlobalOptions& g, const ImportOptions& o) {
  PROBITY_RETURN_IF_ERROR(ValidateScopeId(o.scope).WithContext("--scope"));
  PROBITY_ASSIGN_OR_RETURN(std::string bytes, ReadFileBounded(o.file, fec::kFilingBytesMax, "filing"));
  PROBITY_ASSIGN_OR_RETURN(fec::Filing filing, fec::ParseFiling(bytes, o.file));
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
  fec::ImportOptions options{o.scope, o.method, SourceLabel(o.file)};
  PROBITY_ASSIGN_OR_RETURN(fec::ImportSummary summary,
                           fec::ImportFiling(*ledger, key, filing, options));
  for (const auto& [why, count] : filing.skipped) {
    Warn("not imported: " + std::to_string(count) + " " + why);
  }
  Warn("imported " + std::to_string(summary.donations) + " receipts from " +
       std::to_string(summary.donors) + " new donors (committee " + filing.committee_id + ")");
  PrintOut(std::to_string(summary.donations));
  return Status::OK();
}

void RegisterImportFec(CLI::App& app, GlobalOptions& g, Action& action) {
  CLI::App* import = app.add_subcommand("import", "bring records in from other software");
  import->require_subcommand(1);
  auto o = std::make_shared<ImportOptions>();
  CLI::App* cmd = import->add_subcommand(
      "fec", "import the itemised individual receipts (SA11AI, IND) of a .fec filing, each\n"
             "decided by the scope's pack; all or nothing; prints how many were imported\n"
             "  example: probity import fec 1229017.fec --scope us-2018");
  cmd->add_option("file", o->file, "the .fec file (format 8.x)")->required();
  cmd->add_option("--scope", o->scope, "scope bound to a US pack")->required();
  cmd->add_option("--method", o->method, "payment method to record (default other)");
  cmd->callback([&g, &action, o] { action = [&g, o] { return RunImportFec(g, *o); }; });
}

}  // namespace

void RegisterReportCommands(CLI::App& app, GlobalOptions& g, Action& action) {
  CLI::App* report = app.add_subcommand("report", "filings for the authorities");
  report->require_subcommand(1);
  RegisterReportFec(*report, g, action);
  RegisterReportTables(*report, g, action);
  RegisterReportSummary(*report, g, action);
  RegisterImportFec(app, g, action);
}

}  // namespace probity::cli
