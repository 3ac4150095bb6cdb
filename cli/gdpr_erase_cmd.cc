// probity gdpr erase / purge-expired (GDPR Art. 17; policies/erasure.h)
#include <cstdlib>

#include "cli/common.h"
#include "policies/erasure.h"

namespace probity::cli {
namespace {

struct EraseOptions {
  std::string subject, date;
  std::int64_t request = -1;
};

Status RunErase(const GlobalOptions& g, const EraseOptions& o) {
  PROBITY_RETURN_IF_ERROR(ValidateSubjectId(o.subject).WithContext("--subject"));
  if (o.request < 0) {
    return Status::InvalidArgument(
        "an erasure answers the person's request: record it first with `probity gdpr request "
        "open --subject " + o.subject + " --type erasure ...`, then pass its id with --request");
  }
  PROBITY_ASSIGN_OR_RETURN(Date date, ParseDate(o.date));
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
  PROBITY_ASSIGN_OR_RETURN(ErasureAnswer a,
                           EraseOnRequest(*ledger, key, o.subject, o.request, date, TodayUtc()));
  if (a.refused) {
    Warn("refusal recorded as entry " + std::to_string(a.seq) + " (request " +
         std::to_string(o.request) + " closed, outcome refused)");
    return Status::PolicyViolation("the records of " + o.subject + " must still be kept, so "
                                   "they are not erased: " +
                                   a.retention.Basis() + ". Ask again from " +
                                   FormatDate(a.retention.possible_from) + ".");
  }
  PrintOut(std::to_string(a.seq));
  Warn("erased " + o.subject + ": the vault key is destroyed; its personal data can no "
       "longer be read (backups still hold the key: see SECURITY.md)");
  return a.wal;
}

struct PurgeOptions {
  std::string as_of;
  bool dry_run = false;
};

Status RunPurge(const GlobalOptions& g, const PurgeOptions& o) {
  const Date today = TodayUtc();
  Date as_of = today;
  if (!o.as_of.empty()) {
    PROBITY_ASSIGN_OR_RETURN(as_of, ParseDate(o.as_of));
  }
  if (today < as_of) {  // before asking for passphrases
    return Status::InvalidArgument("--as-of " + o.as_of + " is after today (" +
                                   FormatDate(today) +
                                   "): that would erase people whose retention has not ended");
  }
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  std::optional<NamedKey> key;
  if (!o.dry_run) {
    PROBITY_ASSIGN_OR_RETURN(key, LoadSigningKey(g));
  }
  PROBITY_ASSIGN_OR_RETURN(
      PurgeReport report,
      PurgeExpired(*ledger, key ? &*key : nullptr, as_of, today, o.dry_run));
  Json all = Json::array();
  for (const PurgeItem& item : report.items) {
    if (g.json) {
      Json j = {{"subject", item.subject}, {"erase", item.erase}, {"why", item.why}};
      if (item.seq >= 0) j["seq"] = item.seq;
      all.push_back(j);
      continue;
    }
    const char* verb = !item.erase ? "keep " : o.dry_run ? "would erase " : "erased ";
    PrintOut(verb + item.subject + "  " + item.why);
  }
  if (g.json) PrintJson(all);
  return report.wal;
}

}  // namespace

void RegisterGdprEraseCommands(CLI::App& app, GlobalOptions& g, Action& action) {
  CLI::App* gdpr = GdprCommand(app);
  auto e = std::make_shared<EraseOptions>();
  CLI::App* erase = gdpr->add_subcommand(
      "erase",
      "erase a person (Art. 17) on their erasure request: destroys their vault key; refused, "
      "and the refusal recorded, while a retention period still covers their donations; "
      "prints the erasure's entry number\n"
      "  example: probity gdpr erase --subject S-0123456789 --request 42 --date 2026-11-02");
  erase->add_option("--subject", e->subject, "subject id")->required();
  erase->add_option("--request", e->request, "id of the subject's open erasure request");
  erase->add_option("--date", e->date, "date of the erasure, YYYY-MM-DD (not after today)")
      ->required();
  erase->callback([&g, &action, e] { action = [&g, e] { return RunErase(g, *e); }; });

  auto p = std::make_shared<PurgeOptions>();
  CLI::App* purge = gdpr->add_subcommand(
      "purge-expired",
      "erase everyone whose retention has ended (Art. 5(1)(e)); prints who and why\n"
      "  example: probity gdpr purge-expired --dry-run");
  purge->add_option("--as-of", p->as_of, "judge on this date, YYYY-MM-DD (default today; not later)");
  purge->add_flag("--dry-run", p->dry_run, "say who would be erased, write nothing");
  purge->callback([&g, &action, p] { action = [&g, p] { return RunPurge(g, *p); }; });
}

}  // namespace probity::cli
