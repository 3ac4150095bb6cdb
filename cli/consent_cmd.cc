// probity consent grant / withdraw / status
#include <fstream>
#include <sstream>

#include "cli/common.h"
#include "ledger/encoding.h"
#include "ledger/gdpr_records.h"
#include "ledger/records.h"

namespace probity::cli {
namespace {

constexpr std::size_t kConsentTextBytesMax = 1 << 20;

struct ConsentOptions {
  std::string subject, purpose, text, text_file, text_version, channel, evidence, date;
};

// The consent records the SHA-256 of the wording the person agreed to, so the
// exact text can be shown later without storing it in the ledger.
Result<std::string> WordingHash(const ConsentOptions& o) {
  if (o.text.empty() == o.text_file.empty()) {
    return Status::InvalidArgument("give the wording the person saw, with --text or --text-file");
  }
  std::string text = o.text;
  if (!o.text_file.empty()) {
    std::ifstream in(o.text_file, std::ios::binary);
    if (!in) return Status::IoError("cannot read " + o.text_file);
    std::ostringstream buf;
    buf << in.rdbuf();
    text = buf.str();
  }
  if (text.size() > kConsentTextBytesMax) {
    return Status::InvalidArgument("the consent wording is longer than 1 MiB");
  }
  return HexEncode(Sha256(AsBytes(text)));
}

Status RunGrant(const GlobalOptions& g, const ConsentOptions& o) {
  PROBITY_RETURN_IF_ERROR(ValidateSubjectId(o.subject).WithContext("--subject"));
  PROBITY_ASSIGN_OR_RETURN(std::string hash, WordingHash(o));
  PROBITY_ASSIGN_OR_RETURN(Date date, ParseDate(o.date));
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
  const NewConsent c{o.subject, o.purpose,        hash,      o.channel.empty() ? "paper" : o.channel,
                     date,      o.text_version, o.evidence};
  PROBITY_ASSIGN_OR_RETURN(std::int64_t seq, GrantConsent(*ledger, key, c));
  PrintOut(std::to_string(seq));
  return Status::OK();
}

Status RunWithdraw(const GlobalOptions& g, const ConsentOptions& o) {
  PROBITY_RETURN_IF_ERROR(ValidateSubjectId(o.subject).WithContext("--subject"));
  PROBITY_ASSIGN_OR_RETURN(Date date, ParseDate(o.date));
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
  PROBITY_ASSIGN_OR_RETURN(
      std::int64_t seq,
      WithdrawConsent(*ledger, key, NewWithdrawal{o.subject, o.purpose, date, o.channel, o.evidence}));
  PrintOut(std::to_string(seq));
  return Status::OK();
}

Json StatusJson(const ConsentStatus& s) {
  Json j = {{"purpose", s.purpose}, {"state", s.state}, {"grants", s.grants}};
  if (s.state == "never") return j;
  j["since"] = s.since;
  j["consent_seq"] = s.consent_seq;
  j["text_sha256"] = s.text_sha256;
  j["text_version"] = s.text_version;
  j["channel"] = s.channel;
  j["evidence"] = s.evidence;
  if (s.state == "withdrawn") {
    j["withdrawal_seq"] = s.withdrawal_seq;
    j["withdrawal_channel"] = s.withdrawal_channel;
    j["withdrawal_evidence"] = s.withdrawal_evidence;
  }
  return j;
}

void PrintStatus(const ConsentStatus& s) {
  if (s.state == "never") {
    PrintOut(s.purpose + "  never given");
    return;
  }
  PrintOut(s.purpose + "  " + s.state + " since " + s.since + "  (consent entry " +
           std::to_string(s.consent_seq) +
           (s.state == "withdrawn" ? ", withdrawal entry " + std::to_string(s.withdrawal_seq)
                                   : std::string()) +
           ")");
  PrintOut("    text sha256 " + s.text_sha256 +
           (s.text_version.empty() ? std::string() : ", version " + s.text_version) +
           "; channel " + s.channel +
           (s.evidence.empty() ? std::string() : "; evidence: " + s.evidence));
}

Status RunStatus(const GlobalOptions& g, const std::string& subject) {
  PROBITY_RETURN_IF_ERROR(ValidateSubjectId(subject).WithContext("subject"));
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(std::vector<ConsentStatus> all,
                           LoadConsentStatus(ledger->store(), subject));
  if (g.json) {
    Json out = Json::array();
    for (const ConsentStatus& s : all) out.push_back(StatusJson(s));
    PrintJson(Json{{"subject", subject}, {"purposes", out}});
    return Status::OK();
  }
  for (const ConsentStatus& s : all) PrintStatus(s);
  if (all.empty()) Warn("no purpose registered; see `probity purpose add --help`");
  return Status::OK();
}

// The flags grant and withdraw share, so withdrawing is as easy as granting
// (Art. 7(3)).
void AddCommonFlags(CLI::App* cmd, ConsentOptions& o, const char* date_help) {
  cmd->add_option("--subject,--donor", o.subject, "subject id (--donor is the older name)")
      ->required();
  cmd->add_option("--purpose", o.purpose, "a registered purpose id (probity purpose list)")
      ->required();
  cmd->add_option("--channel", o.channel, "how: web, paper, email, oral, ...");
  cmd->add_option("--evidence", o.evidence,
                  "where the proof is kept, e.g. \"form 2027-01-10 12:03 UTC\" (no personal data)");
  cmd->add_option("--date", o.date, date_help)->required();
}

}  // namespace

void RegisterConsentCommands(CLI::App& app, GlobalOptions& g, Action& action) {
  CLI::App* consent = app.add_subcommand("consent", "consents (GDPR Art. 7)");
  consent->require_subcommand(1);
  auto o = std::make_shared<ConsentOptions>();
  CLI::App* grant = consent->add_subcommand(
      "grant", "record a consent to a registered purpose; prints its entry number. A consent\n"
               "  already in force for that purpose is replaced by the new one.\n"
               "  example: probity consent grant --subject S-0123456789 --purpose newsletter "
               "--text-file wording.txt --text-version v3 --channel web --date 2026-05-01");
  AddCommonFlags(grant, *o, "date given, YYYY-MM-DD");
  grant->add_option("--text", o->text, "the wording the person agreed to");
  grant->add_option("--text-file", o->text_file, "file holding that wording (SHA-256 recorded)");
  grant->add_option("--text-version", o->text_version, "the wording's version label, e.g. v3");
  grant->callback([&g, &action, o] { action = [&g, o] { return RunGrant(g, *o); }; });

  auto w = std::make_shared<ConsentOptions>();
  CLI::App* withdraw = consent->add_subcommand(
      "withdraw", "record the withdrawal of the consent in force; prints its entry number\n"
                  "  example: probity consent withdraw --subject S-0123456789 --purpose "
                  "newsletter --channel email --date 2026-06-01");
  AddCommonFlags(withdraw, *w, "date withdrawn, YYYY-MM-DD");
  withdraw->callback([&g, &action, w] { action = [&g, w] { return RunWithdraw(g, *w); }; });

  auto subject = std::make_shared<std::string>();
  CLI::App* status = consent->add_subcommand(
      "status", "per registered purpose: given, withdrawn or never, since when, and the proof\n"
                "  example: probity consent status S-0123456789 --json");
  status->add_option("subject", *subject, "subject id")->required();
  status->callback([&g, &action, subject] {
    action = [&g, subject] { return RunStatus(g, *subject); };
  });
}

}  // namespace probity::cli
