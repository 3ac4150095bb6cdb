// probity export audit, and probity verify BUNDLE (the auditor's side)
#include "cli/common.h"
#include "ledger/encoding.h"
#include "ledger/files.h"
#include "ledger/money.h"
#include "ledger/wipe.h"
#include "reports/bundle.h"
#include "reports/bundle_source.h"

namespace probity::cli {
namespace {

struct ExportOptions {
  std::string out, to;
};

Status RunExportAudit(const GlobalOptions& g, const ExportOptions& o) {
  std::optional<VerifierKey> to;
  if (!o.to.empty()) {
    Result<VerifierKey> key = ParseVerifierKey(o.to);
    if (!key.ok()) {
      return Status::InvalidArgument(
          "--to takes the auditor's key as `probity key public` "
          "prints it (NAME+KEYID+BASE64): " +
          key.status().message());
    }
    to = key.value();
  }
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(std::string bundle, BuildAuditBundle(*ledger));
  if (to.has_value()) {
    PROBITY_ASSIGN_OR_RETURN(std::string sealed, SealBundle(bundle, *to));
    Wipe(bundle);
    PROBITY_RETURN_IF_ERROR(WriteNewFile(o.out, sealed, "audit bundle"));
    Warn("wrote " + o.out + ", sealed to " + o.to + ": only that key opens it");
  } else {
    Status written = WriteNewFile(o.out, bundle, "audit bundle");
    Wipe(bundle);
    PROBITY_RETURN_IF_ERROR(written);
    Warn("warning: " + o.out +
         " holds the donors' personal data in clear (mode 0600); "
         "seal it to the auditor's key with --to NAME+KEYID+BASE64 before it leaves this "
         "machine");
  }
  return Status::OK();
}

std::string Amount(std::int64_t minor, const std::string& currency) {
  Result<Currency> c = LookupCurrency(currency);
  return c.ok() ? Money(minor, c.value()).ToDisplay() : std::to_string(minor) + " " + currency;
}

void PrintSummary(const BundleSummary& s) {
  PrintOut("ok: " + s.origin + ": " + std::to_string(s.entries) + " entries, " +
           std::to_string(s.signers) + " signers, " + std::to_string(s.donors) + " donors (" +
           std::to_string(s.disclosed) + " disclosed, " + std::to_string(s.erased) +
           " erased); root " + Base64Encode(s.root));
  for (const auto& [key, t] : s.totals) {
    PrintOut("  " + key.first + " " + key.second + ": " + std::to_string(t.gifts) + " gifts, " +
             Amount(t.gross_minor, key.second) + " given, " + Amount(t.refunded_minor, key.second) +
             " refunded, " + Amount(t.gross_minor - t.refunded_minor, key.second) + " kept; " +
             t.first_date + " to " + t.last_date);
  }
  PrintOut("  policy: " + std::to_string(s.decisions) +
           " decisions re-run with the adopted packs, every one accepted" +
           (s.decisions_skipped > 0 ? "; " + std::to_string(s.decisions_skipped) +
                                          " of erased donors not re-run (their facts are gone)"
                                    : std::string()));
  for (std::int64_t size : s.extends) {
    PrintOut("  extends the checkpoint at tree size " + std::to_string(size) +
             " (consistency proof verified)");
  }
}

Json SummaryJson(const BundleSummary& s) {
  Json totals = Json::array();
  for (const auto& [key, t] : s.totals) {
    totals.push_back({{"scope", key.first},
                      {"currency", key.second},
                      {"gifts", t.gifts},
                      {"given_minor", t.gross_minor},
                      {"refunded_minor", t.refunded_minor},
                      {"first_date", t.first_date},
                      {"last_date", t.last_date}});
  }
  return {{"origin", s.origin},
          {"ledger_id", s.ledger_id},
          {"entries", s.entries},
          {"signers", s.signers},
          {"donors", s.donors},
          {"disclosed", s.disclosed},
          {"erased", s.erased},
          {"decisions", s.decisions},
          {"decisions_skipped", s.decisions_skipped},
          {"root_hash", Base64Encode(s.root)},
          {"totals", totals},
          {"extends", s.extends}};
}

// A plain bundle in a regular file is verified from the file, a window at a
// time (its memory does not grow with it); a sealed one is opened whole (the
// seal covers the whole bundle), and a pipe is read whole (it cannot be read
// twice).
Result<BundleReport> VerifyBundleFile(const GlobalOptions& g, const std::string& path,
                                      const BundleVerifyOptions& options) {
  PROBITY_ASSIGN_OR_RETURN(ReadOnlyFile f, ReadOnlyFile::Open(path, kBundleBytesMax, "bundle"));
  if (f.regular()) {
    std::string head(std::string_view(kSealedBundleMagic).size() + 1, '\0');
    PROBITY_ASSIGN_OR_RETURN(std::size_t got, f.ReadAt(0, head.data(), head.size()));
    if (!IsSealedBundle(head.substr(0, got))) {
      FileBundleSource source(f);
      return VerifyAuditBundle(source, options);
    }
  }
  PROBITY_ASSIGN_OR_RETURN(std::string file, ReadFileBounded(path, kBundleBytesMax, "bundle"));
  if (IsSealedBundle(file)) {
    Result<VerifierKey> to = SealedBundleRecipient(file);
    if (!to.ok()) return to.status();
    Result<NamedKey> key = LoadSigningKey(g);
    if (!key.ok()) {
      return key.status().WithContext(path + " is sealed to " +
                                      FormatVerifierKey(to->name, to->key) +
                                      "; open it with that key (--key FILE or PROBITY_KEY)");
    }
    PROBITY_ASSIGN_OR_RETURN(file, OpenSealedBundle(file, key.value()));
  }
  Result<BundleReport> r = VerifyAuditBundle(file, options);
  Wipe(file);
  return r;
}

}  // namespace

Status RunVerifyBundle(const GlobalOptions& g, const std::string& path,
                       const std::vector<std::string>& trust,
                       const std::vector<std::string>& since) {
  BundleVerifyOptions options;
  if (trust.empty()) {
    return Status::InvalidArgument(
        "verifying a bundle needs the key you trust to have signed "
        "it: --trust NAME+KEYID+BASE64 (from `probity key public`)");
  }
  for (const std::string& t : trust) {
    Result<VerifierKey> key = ParseVerifierKey(t);
    if (!key.ok()) return key.status().WithContext("--trust");
    options.trusted.push_back(key.value());
  }
  for (const std::string& file : since) {
    PROBITY_ASSIGN_OR_RETURN(std::string text, ReadFileBounded(file, kNoteBytesMax, "checkpoint"));
    options.earlier_checkpoints.push_back(std::move(text));
  }
  PROBITY_ASSIGN_OR_RETURN(BundleReport r, VerifyBundleFile(g, path, options));
  if (g.json) {
    Json j = {{"ok", r.failure.ok()}, {"summary", SummaryJson(r.summary)}};
    if (!r.failure.ok()) {
      j["error"] = r.failure.message();
      if (r.first_bad_seq >= 0) j["first_bad_entry"] = r.first_bad_seq;
    }
    PrintJson(j);
  } else if (r.failure.ok()) {
    PrintSummary(r.summary);
  }
  return r.failure;
}

void RegisterExportCommands(CLI::App& app, GlobalOptions& g, Action& action) {
  CLI::App* exp = app.add_subcommand("export", "exports for auditors");
  exp->require_subcommand(1);
  auto o = std::make_shared<ExportOptions>();
  CLI::App* audit = exp->add_subcommand(
      "audit",
      "write the audit bundle: every entry and signature, the latest checkpoint, the\n"
      "  signers and packs, and the donors' personal data with the keys that open it;\n"
      "  with --to, sealed to the auditor's key\n"
      "  example: probity export audit --out 2027-q1.probity --to "
      "\"auditor+1a2b3c4d+BASE64\"");
  audit->add_option("--out", o->out, "bundle file to create (never overwritten)")->required();
  audit->add_option("--to", o->to, "the auditor's key, as `probity key public` prints it");
  audit->callback([&g, &action, o] { action = [&g, o] { return RunExportAudit(g, *o); }; });
}

}  // namespace probity::cli
