// probity scope add / list, probity check, probity obligations [resolve]
#include "cli/common.h"
#include "policies/scopes.h"

namespace probity::cli {
namespace {

struct ScopeOptions {
  std::string id, pack, from, until;
  std::vector<std::string> params;  // name=amount
};

Result<NewScope> MakeScope(const ScopeOptions& o) {
  NewScope s;
  s.id = o.id;
  s.pack_id = o.pack;
  if (!o.from.empty()) {
    PROBITY_ASSIGN_OR_RETURN(s.valid_from, ParseDate(o.from));
  }
  if (!o.until.empty()) {
    PROBITY_ASSIGN_OR_RETURN(s.valid_until, ParseDate(o.until));
  }
  for (const std::string& p : o.params) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument("--param takes NAME=AMOUNT, e.g. spending_ceiling=22509000");
    }
    s.params[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return s;
}

Status RunScopeAdd(const GlobalOptions& g, const ScopeOptions& o) {
  PROBITY_RETURN_IF_ERROR(ValidateScopeId(o.id));
  PROBITY_ASSIGN_OR_RETURN(NewScope scope, MakeScope(o));
  PROBITY_ASSIGN_OR_RETURN(Pack pack, LoadPackById(o.pack));
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
  PROBITY_ASSIGN_OR_RETURN(std::int64_t seq, AddScope(*ledger, key, pack, scope));
  Warn("scope " + o.id + " bound to policy pack " + pack.id + " (entry " + std::to_string(seq) +
       ")");
  PrintOut(o.id);
  return Status::OK();
}

Status RunScopeList(const GlobalOptions& g) {
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(std::vector<BoundScope> scopes, ListScopes(ledger->store()));
  Json all = Json::array();
  for (const BoundScope& s : scopes) {
    Json j = {{"scope", s.info.id}, {"pack", s.info.pack_id},
              {"valid_from", FormatDate(s.info.valid_from)},
              {"valid_until", FormatDate(s.info.valid_until)}, {"params", s.info.params_minor}};
    if (g.json) { all.push_back(j); continue; }
    PrintOut(s.info.id + "  " + s.info.pack_id + "  " + FormatDate(s.info.valid_from) + " to " +
             FormatDate(s.info.valid_until));
  }
  if (g.json) PrintJson(all);
  return Status::OK();
}

Status RunCheck(const GlobalOptions& g, const DonationOptions& o) {
  PROBITY_ASSIGN_OR_RETURN(DonationRequest request, MakeDonationRequest(o));
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(Decision d, CheckDonation(*ledger, request));
  if (g.json) {
    Json j = {{"accepted", d.accepted}, {"message", d.message}, {"rule", d.rule_id},
              {"source", d.source}, {"flags", d.flags}, {"notes", d.notes}};
    if (d.max_acceptable_minor) j["max_acceptable_minor"] = *d.max_acceptable_minor;
    for (const Obligation& ob : d.obligations) {
      j["obligations"].push_back({{"rule", ob.rule_id}, {"due", FormatDate(ob.due)},
                                  {"action", ob.action}, {"source", ob.source}});
    }
    PrintJson(j);
  } else if (d.accepted) {
    PrintOut("accepted");
    for (const std::string& note : d.notes) PrintOut("  " + note);
  }
  return d.accepted ? Status::OK() : Status::PolicyViolation(d.message);
}

struct ObligationOptions {
  std::string today;
  std::int64_t donation = -1;
  std::string rule, how, date;
};

Status RunObligations(const GlobalOptions& g, const ObligationOptions& o) {
  Date today = TodayUtc();
  if (!o.today.empty()) {
    PROBITY_ASSIGN_OR_RETURN(today, ParseDate(o.today));
  }
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(std::vector<OpenObligation> open, ListObligations(*ledger, today));
  Json all = Json::array();
  for (const OpenObligation& ob : open) {
    if (g.json) {
      all.push_back({{"donation_seq", ob.donation_seq}, {"subject", ob.subject},
                     {"scope", ob.scope}, {"rule", ob.rule_id}, {"action", ob.action},
                     {"due", FormatDate(ob.due)}, {"overdue", ob.overdue}});
      continue;
    }
    PrintOut(std::string(ob.overdue ? "OVERDUE " : "due     ") + FormatDate(ob.due) +
             "  donation " + std::to_string(ob.donation_seq) + "  " + ob.subject + "  " +
             ob.scope + "  " + ob.rule_id + ": " + ob.action);
  }
  if (g.json) PrintJson(all);
  else if (open.empty()) Warn("no open obligations");
  return Status::OK();
}

Status RunResolve(const GlobalOptions& g, const ObligationOptions& o) {
  PROBITY_ASSIGN_OR_RETURN(Date date, ParseDate(o.date));
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
  PROBITY_ASSIGN_OR_RETURN(std::int64_t seq,
                           ResolveObligation(*ledger, key, o.donation, o.rule, o.how, date));
  PrintOut(std::to_string(seq));
  return Status::OK();
}

void RegisterScope(CLI::App& app, GlobalOptions& g, Action& action) {
  CLI::App* scope = app.add_subcommand("scope", "elections and financing periods");
  scope->require_subcommand(1);
  auto o = std::make_shared<ScopeOptions>();
  CLI::App* add = scope->add_subcommand(
      "add", "bind a scope to a policy pack (adopting the pack in the ledger)\n"
             "  example: probity scope add fr-pres-2027 --pack fr-candidate-2027-presidential "
             "--param spending_ceiling=22509000.00");
  add->add_option("ID", o->id, "scope id, [a-z0-9-]")->required();
  add->add_option("--pack", o->pack, "policy pack id (policies/packs/ID.toml)")->required();
  add->add_option("--from", o->from, "first day gifts count (default: the pack's)");
  add->add_option("--until", o->until, "last day gifts count (default: the pack's)");
  add->add_option("--param", o->params, "NAME=AMOUNT scope parameter the pack asks for");
  add->callback([&g, &action, o] { action = [&g, o] { return RunScopeAdd(g, *o); }; });
  CLI::App* list = scope->add_subcommand("list", "scopes and their packs\n  example: probity scope list --json");
  list->callback([&g, &action] { action = [&g] { return RunScopeList(g); }; });
}

}  // namespace

void RegisterPolicyCommands(CLI::App& app, GlobalOptions& g, Action& action) {
  RegisterScope(app, g, action);
  auto c = std::make_shared<DonationOptions>();
  CLI::App* check = app.add_subcommand(
      "check", "the policy decision for a donation, without writing (exit 3 if refused)\n"
               "  example: probity check --donor S-0123456789 --amount 300 --currency EUR "
               "--method cheque --date 2027-01-10 --scope fr-pres-2027");
  AddDonationOptions(check, *c);
  check->callback([&g, &action, c] { action = [&g, c] { return RunCheck(g, *c); }; });

  auto o = std::make_shared<ObligationOptions>();
  CLI::App* obligations = app.add_subcommand(
      "obligations", "what the law requires next, overdue first\n"
                     "  example: probity obligations --json");
  obligations->add_option("--today", o->today, "date to judge overdue by (default: today, UTC)");
  obligations->callback([&g, &action, o, obligations] {
    if (obligations->get_subcommands().empty()) {
      action = [&g, o] { return RunObligations(g, *o); };
    }
  });
  CLI::App* resolve = obligations->add_subcommand(
      "resolve", "record how an obligation was met\n  example: probity obligations resolve "
                 "--donation 12 --rule fec-excessive --how 'redesignated to G2026' --date "
                 "2026-06-01");
  resolve->add_option("--donation", o->donation, "entry number of the donation")->required();
  resolve->add_option("--rule", o->rule, "the rule id shown by `probity obligations`")->required();
  resolve->add_option("--how", o->how, "how it was met (no personal data)")->required();
  resolve->add_option("--date", o->date, "date it was met, YYYY-MM-DD")->required();
  resolve->callback([&g, &action, o] { action = [&g, o] { return RunResolve(g, *o); }; });
}

}  // namespace probity::cli
