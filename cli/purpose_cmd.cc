// probity purpose add / list: the processing purposes (GDPR Art. 13, Art. 30)
#include "cli/common.h"
#include "ledger/gdpr_records.h"

namespace probity::cli {
namespace {

struct PurposeOptions {
  std::string id, basis, retention, description;
};

Status RunPurposeAdd(const GlobalOptions& g, const PurposeOptions& o) {
  PROBITY_RETURN_IF_ERROR(ValidateScopeId(o.id).WithContext("purpose id"));
  Result<Period> retention = ParsePeriod(o.retention);
  if (!retention.ok()) {
    return retention.status().WithContext("--retention (e.g. 90d, 18m, 3y)");
  }
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
  PROBITY_ASSIGN_OR_RETURN(
      std::int64_t seq,
      AddPurpose(*ledger, key, NewPurpose{o.id, o.basis, *retention, o.description}));
  Warn("purpose " + o.id + " registered (entry " + std::to_string(seq) + ")");
  PrintOut(o.id);
  return Status::OK();
}

Json PurposeJson(const PurposeRecord& p) {
  return {{"purpose", p.purpose},         {"basis", p.basis},
          {"retention", FormatPeriod(p.retention)}, {"description", p.description},
          {"seq", p.seq},                 {"ts", p.ts}};
}

Status RunPurposeList(const GlobalOptions& g) {
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(std::vector<PurposeRecord> purposes, LoadPurposes(ledger->store()));
  Json all = Json::array();
  for (const PurposeRecord& p : purposes) {
    if (g.json) {
      all.push_back(PurposeJson(p));
      continue;
    }
    PrintOut(p.purpose + "  kept " + FormatPeriod(p.retention) + "  basis: " + p.basis);
    PrintOut("    " + p.description);
  }
  if (g.json) PrintJson(all);
  if (!g.json && purposes.empty()) Warn("no purpose registered; see `probity purpose add --help`");
  return Status::OK();
}

}  // namespace

void RegisterPurposeCommands(CLI::App& app, GlobalOptions& g, Action& action) {
  CLI::App* purpose = app.add_subcommand("purpose", "processing purposes (GDPR Art. 13, 30)");
  purpose->require_subcommand(1);
  auto o = std::make_shared<PurposeOptions>();
  CLI::App* add = purpose->add_subcommand(
      "add",
      "register a purpose; prints its id. A purpose is never changed: register a new one\n"
      "  example: probity purpose add newsletter --basis \"Art. 6(1)(a), Art. 9(2)(a)\" "
      "--retention 3y --description \"The campaign newsletter, by e-mail\"");
  add->add_option("id", o->id, "purpose id: lower-case letters, digits, '-'")->required();
  add->add_option("--basis", o->basis, "legal basis, e.g. \"Art. 6(1)(a), Art. 9(2)(a)\"")
      ->required();
  add->add_option("--retention", o->retention, "how long its data is kept: 90d, 18m, 3y")
      ->required();
  add->add_option("--description", o->description, "what it is for, as the person reads it")
      ->required();
  add->callback([&g, &action, o] { action = [&g, o] { return RunPurposeAdd(g, *o); }; });

  CLI::App* list = purpose->add_subcommand(
      "list", "the registered purposes\n  example: probity purpose list --json");
  list->callback([&g, &action] { action = [&g] { return RunPurposeList(g); }; });
}

}  // namespace probity::cli
