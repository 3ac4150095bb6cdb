// probity consent grant / withdraw
#include <fstream>
#include <sstream>

#include "cli/common.h"
#include "ledger/encoding.h"
#include "ledger/records.h"

namespace probity::cli {
namespace {

constexpr std::size_t kConsentTextBytesMax = 1 << 20;

struct ConsentOptions {
  std::string donor, purpose, text, text_file, channel = "paper", date;
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
  PROBITY_RETURN_IF_ERROR(ValidateSubjectId(o.donor).WithContext("--donor"));
  PROBITY_ASSIGN_OR_RETURN(std::string hash, WordingHash(o));
  PROBITY_ASSIGN_OR_RETURN(Date date, ParseDate(o.date));
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
  PROBITY_ASSIGN_OR_RETURN(std::int64_t seq,
                           GrantConsent(*ledger, key,
                                        NewConsent{o.donor, o.purpose, hash, o.channel, date}));
  PrintOut(std::to_string(seq));
  return Status::OK();
}

Status RunWithdraw(const GlobalOptions& g, const ConsentOptions& o) {
  PROBITY_RETURN_IF_ERROR(ValidateSubjectId(o.donor).WithContext("--donor"));
  PROBITY_ASSIGN_OR_RETURN(Date date, ParseDate(o.date));
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
  PROBITY_ASSIGN_OR_RETURN(std::int64_t seq,
                           WithdrawConsent(*ledger, key, o.donor, o.purpose, date));
  PrintOut(std::to_string(seq));
  return Status::OK();
}

}  // namespace

void RegisterConsentCommands(CLI::App& app, GlobalOptions& g, Action& action) {
  CLI::App* consent = app.add_subcommand("consent", "consents (GDPR Art. 7)");
  consent->require_subcommand(1);
  auto o = std::make_shared<ConsentOptions>();
  CLI::App* grant = consent->add_subcommand(
      "grant", "record a consent; prints its entry number\n"
               "  example: probity consent grant --donor S-0123456789 --purpose newsletter "
               "--text-file wording.txt --channel web --date 2026-05-01");
  grant->add_option("--donor", o->donor, "subject id")->required();
  grant->add_option("--purpose", o->purpose, "purpose id, e.g. newsletter")->required();
  grant->add_option("--text", o->text, "the wording the person agreed to");
  grant->add_option("--text-file", o->text_file, "file holding that wording");
  grant->add_option("--channel", o->channel, "how it was given: web, paper, email, oral, ...");
  grant->add_option("--date", o->date, "date given, YYYY-MM-DD")->required();
  grant->callback([&g, &action, o] { action = [&g, o] { return RunGrant(g, *o); }; });

  auto w = std::make_shared<ConsentOptions>();
  CLI::App* withdraw = consent->add_subcommand(
      "withdraw", "record the withdrawal of a consent in force\n"
                  "  example: probity consent withdraw --donor S-0123456789 --purpose "
                  "newsletter --date 2026-06-01");
  withdraw->add_option("--donor", w->donor, "subject id")->required();
  withdraw->add_option("--purpose", w->purpose, "purpose id")->required();
  withdraw->add_option("--date", w->date, "date withdrawn, YYYY-MM-DD")->required();
  withdraw->callback([&g, &action, w] { action = [&g, w] { return RunWithdraw(g, *w); }; });
}

}  // namespace probity::cli
