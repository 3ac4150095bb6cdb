// probity gdpr access: the answer to an access request (GDPR Art. 15, 20) for
// one person, written to a new folder (reports/gdpr_access.h).
#include "cli/common.h"
#include "reports/gdpr_access.h"

namespace probity::cli {
namespace {

struct AccessCmdOptions {
  std::string subject, out, lang = "en", date;
  std::int64_t request = -1;
};

Result<AccessOptions> MakeAccessOptions(const AccessCmdOptions& o) {
  AccessOptions a;
  PROBITY_RETURN_IF_ERROR(ValidateSubjectId(o.subject).WithContext("--subject"));
  a.subject = o.subject;
  PROBITY_ASSIGN_OR_RETURN(a.lang, ParseAccessLang(o.lang));
  if (o.date.empty()) {
    a.date = TodayUtc();
  } else {
    Result<Date> d = ParseDate(o.date);
    if (!d.ok()) return d.status().WithContext("--date");
    a.date = *d;
  }
  if (o.request >= 0) a.request_seq = o.request;
  return a;
}

Status RunAccess(const GlobalOptions& g, const AccessCmdOptions& o) {
  PROBITY_ASSIGN_OR_RETURN(AccessOptions a, MakeAccessOptions(o));
  PROBITY_RETURN_IF_ERROR(CheckAnswerDir(o.out).WithContext("--out"));
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(AccessAnswer answer, BuildAccessAnswer(*ledger, a));
  // The key before anything is written: a wrong passphrase leaves no folder.
  std::optional<NamedKey> key;
  if (a.request_seq.has_value()) {
    PROBITY_ASSIGN_OR_RETURN(key, LoadSigningKey(g));
  }
  PROBITY_RETURN_IF_ERROR(WriteAccessAnswer(o.out, answer));
  std::string closed;
  if (key.has_value()) {
    Result<std::int64_t> seq = CloseAnsweredRequest(*ledger, *key, a.subject, *a.request_seq,
                                                    answer.data_sha256, a.date);
    if (!seq.ok()) {
      RemoveAccessAnswer(o.out, answer);
      return seq.status();
    }
    PrintOut(std::to_string(*seq));
    closed = "; request " + std::to_string(*a.request_seq) + " closed as answered by entry " +
             std::to_string(*seq);
  }
  Warn("wrote the access answer for " + a.subject + " to " + o.out + ": data.json (SHA-256 " +
       answer.data_sha256 + "), index.html, and " + std::to_string(answer.entries) +
       " entries with their inclusion proofs in proofs/" + closed);
  return Status::OK();
}

// The `gdpr` group, shared with the other gdpr subcommands: found if one of
// them registered it first, else created.
CLI::App* GdprGroup(CLI::App& app) {
  std::vector<CLI::App*> found =
      app.get_subcommands([](CLI::App* sub) { return sub->get_name() == "gdpr"; });
  if (!found.empty()) return found.front();
  CLI::App* gdpr = app.add_subcommand("gdpr", "data-protection work (GDPR)");
  gdpr->require_subcommand(1);
  return gdpr;
}

}  // namespace

void RegisterGdprAccessCommand(CLI::App& app, GlobalOptions& g, Action& action) {
  auto o = std::make_shared<AccessCmdOptions>();
  CLI::App* access = GdprGroup(app)->add_subcommand(
      "access",
      "answer a person's access request (GDPR Art. 15, 20): writes to a new folder data.json\n"
      "(every fact held about them), index.html (a letter for them) and proofs/ (an inclusion\n"
      "proof of each of their entries); with --request, closes that request as answered\n"
      "  example: probity gdpr access --subject S-0123456789 --out answer-S-0123456789 "
      "--lang fr --request 42");
  access->add_option("--subject", o->subject, "the person's subject id")->required();
  access->add_option("--out", o->out, "folder to create (or an empty one); never overwritten")
      ->required();
  access->add_option("--lang", o->lang, "language of the letter: en (default) or fr");
  access->add_option("--request", o->request,
                     "the open access or portability request this answers (its entry number)")
      ->check(CLI::NonNegativeNumber);
  access->add_option("--date", o->date, "the answer's date, YYYY-MM-DD (default: today, UTC)");
  access->callback([&g, &action, o] { action = [&g, o] { return RunAccess(g, *o); }; });
}

}  // namespace probity::cli
