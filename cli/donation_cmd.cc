// probity donation add / list, probity refund
#include "cli/common.h"
#include "ledger/records.h"
#include "policies/donations.h"

namespace probity::cli {
Result<DonationRequest> MakeDonationRequest(const DonationOptions& o) {
  DonationRequest r;
  r.anonymous = o.anonymous;
  r.subject = o.donor;
  if (!o.anonymous) PROBITY_RETURN_IF_ERROR(ValidateSubjectId(o.donor).WithContext("--donor"));
  PROBITY_ASSIGN_OR_RETURN(Money amount, ParseMoney(o.amount, o.currency, Sign::kPositive));
  r.amount_minor = amount.amount_minor_i64();
  r.currency = o.currency;
  PROBITY_ASSIGN_OR_RETURN(r.date, ParseDate(o.date));
  PROBITY_RETURN_IF_ERROR(ValidateMethod(o.method));
  r.method = o.method;
  PROBITY_RETURN_IF_ERROR(ValidateScopeId(o.scope).WithContext("--scope"));
  r.scope = o.scope;
  r.election = o.election;
  if (o.nature != "gift" && o.nature != "membership-fee") {
    return Status::InvalidArgument("--nature is gift or membership-fee");
  }
  r.nature = o.nature;
  r.cap_declared = o.cap_declared;
  if (!o.receipt.empty()) {
    if (o.receipt.size() > 64 || HasControlChar(o.receipt)) {
      return Status::InvalidArgument("--receipt is the receipt's number: 1 to 64 characters, no "
                                     "control characters");
    }
    r.receipt = o.receipt;
  }
  return r;
}

void AddDonationOptions(CLI::App* cmd, DonationOptions& o) {
  cmd->add_option("--donor", o.donor, "subject id from `probity donor add`");
  cmd->add_flag("--anonymous", o.anonymous, "an unidentified gift (instead of --donor)");
  cmd->add_option("--amount", o.amount, "decimal amount, e.g. 150 or 150.00")->required();
  cmd->add_option("--currency", o.currency, "ISO 4217 code: EUR, USD, GBP, ...")->required();
  cmd->add_option("--method", o.method,
                  "cash, cheque, transfer, card, direct-debit, in-kind, other")
      ->required();
  cmd->add_option("--date", o.date, "date received, YYYY-MM-DD")->required();
  cmd->add_option("--scope", o.scope, "election or period id, e.g. fr-pres-2027")->required();
  cmd->add_option("--election", o.election, "FEC election designation: P2026, G2026, R2026");
  cmd->add_option("--nature", o.nature, "gift (default) or membership-fee");
  cmd->add_option("--receipt", o.receipt,
                  "number of the receipt issued to the donor (France: the CNCCFP's reçu-don)");
  cmd->add_flag("--cap-declared", o.cap_declared,
                "the donor declared their gifts to all parties stay within the cap (art. 11-4)");
}

namespace {

Json DonationJson(const DonationRecord& d) {
  return {{"seq", d.seq},
          {"subject", d.subject},
          {"amount_minor", d.amount_minor},
          {"refunded_minor", d.refunded_minor},
          {"currency", d.currency},
          {"method", d.method},
          {"date", d.date},
          {"scope", d.scope},
          {"corrections", d.corrections}};
}

Status PrintDonations(const std::vector<DonationRecord>& list, bool json) {
  Json all = Json::array();
  for (const DonationRecord& d : list) {
    if (json) {
      all.push_back(DonationJson(d));
      continue;
    }
    PROBITY_ASSIGN_OR_RETURN(Currency c, LookupCurrency(d.currency));
    std::string line = std::to_string(d.seq) + "  " + d.date + "  " + d.subject + "  " +
                       Money(d.amount_minor, c).ToDisplay() + "  " + d.method + "  " + d.scope;
    if (d.refunded_minor > 0) line += "  refunded " + Money(d.refunded_minor, c).ToDisplay();
    if (d.corrections > 0) line += "  (corrected)";
    PrintOut(line);
  }
  if (json) PrintJson(all);
  return Status::OK();
}

Status RunAdd(const GlobalOptions& g, const DonationOptions& o) {
  PROBITY_ASSIGN_OR_RETURN(DonationRequest request, MakeDonationRequest(o));
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
  PROBITY_ASSIGN_OR_RETURN(Recorded recorded, RecordDonation(*ledger, key, request));
  for (const std::string& note : recorded.decision.notes) Warn(note);
  PrintOut(std::to_string(recorded.seq));
  return Status::OK();
}

void RegisterAdd(CLI::App& donation, GlobalOptions& g, Action& action) {
  auto o = std::make_shared<DonationOptions>();
  CLI::App* add = donation.add_subcommand(
      "add",
      "record a donation after the scope's policy decides; prints its entry number\n"
      "  example: probity donation add --donor S-0123456789 --amount 150.00 "
      "--currency EUR --method cheque --date 2026-05-01 --scope fr-pres-2027");
  AddDonationOptions(add, *o);
  add->callback([&g, &action, o] { action = [&g, o] { return RunAdd(g, *o); }; });
}

struct RefundOptions {
  std::int64_t donation_seq = -1;
  std::string amount, currency, date, reason;
};

Status RunRefund(const GlobalOptions& g, const RefundOptions& o) {
  PROBITY_ASSIGN_OR_RETURN(Money amount, ParseMoney(o.amount, o.currency, Sign::kPositive));
  PROBITY_ASSIGN_OR_RETURN(Date date, ParseDate(o.date));
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
  PROBITY_ASSIGN_OR_RETURN(
      std::int64_t seq, AddRefund(*ledger, key, NewRefund{o.donation_seq, amount, date, o.reason}));
  PrintOut(std::to_string(seq));
  return Status::OK();
}

struct CorrectOptions {
  std::int64_t donation_seq = -1;
  std::string amount, currency, method, date, reason;
};

Status RunCorrect(const GlobalOptions& g, const CorrectOptions& o) {
  CorrectionRequest c;
  c.donation_seq = o.donation_seq;
  if (o.amount.empty() != o.currency.empty()) {
    return Status::InvalidArgument("give --amount with --currency (the donation's currency)");
  }
  if (!o.amount.empty()) {
    PROBITY_ASSIGN_OR_RETURN(c.amount, ParseMoney(o.amount, o.currency, Sign::kPositive));
  }
  if (!o.method.empty()) c.method = o.method;
  if (!o.date.empty()) {
    PROBITY_ASSIGN_OR_RETURN(c.date, ParseDate(o.date));
  }
  if (!c.amount && !c.method && !c.date) {
    return Status::InvalidArgument(
        "say what to correct: --amount with --currency, --method "
        "or --date");
  }
  c.reason = o.reason;
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
  PROBITY_ASSIGN_OR_RETURN(Recorded recorded, RecordCorrection(*ledger, key, c));
  for (const std::string& note : recorded.decision.notes) Warn(note);
  PrintOut(std::to_string(recorded.seq));
  return Status::OK();
}

void RegisterCorrect(CLI::App& donation, GlobalOptions& g, Action& action) {
  auto o = std::make_shared<CorrectOptions>();
  CLI::App* correct = donation.add_subcommand(
      "correct",
      "restate a donation recorded wrongly (amount, method or date); the scope's\n"
      "  policy decides the corrected gift again; prints the correction's entry number\n"
      "  example: probity donation correct --donation 7 --amount 30.00 --currency EUR "
      "--reason 'typed 300 for 30'");
  correct->add_option("--donation", o->donation_seq, "entry number of the donation")->required();
  correct->add_option("--amount", o->amount, "the right amount");
  correct->add_option("--currency", o->currency, "the donation's currency, with --amount");
  correct->add_option("--method", o->method, "the right payment method");
  correct->add_option("--date", o->date, "the right date received, YYYY-MM-DD");
  correct->add_option("--reason", o->reason, "what was wrong, no personal data")->required();
  correct->callback([&g, &action, o] { action = [&g, o] { return RunCorrect(g, *o); }; });
}

}  // namespace

void RegisterDonationCommands(CLI::App& app, GlobalOptions& g, Action& action) {
  CLI::App* donation = app.add_subcommand("donation", "donations");
  donation->require_subcommand(1);
  RegisterAdd(*donation, g, action);
  RegisterCorrect(*donation, g, action);
  RegisterImportCommand(*donation, g, action);

  struct ListOptions {
    std::string scope, donor;
  };
  auto lo = std::make_shared<ListOptions>();
  CLI::App* list = donation->add_subcommand(
      "list",
      "donations, with what was refunded\n  example: probity donation list --scope "
      "fr-pres-2027 --json");
  list->add_option("--scope", lo->scope, "only this scope");
  list->add_option("--donor", lo->donor, "only this subject");
  list->callback([&g, &action, lo] {
    action = [&g, lo]() -> Status {
      if (!lo->scope.empty()) PROBITY_RETURN_IF_ERROR(ValidateScopeId(lo->scope));
      if (!lo->donor.empty()) PROBITY_RETURN_IF_ERROR(ValidateSubjectId(lo->donor));
      PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
      PROBITY_ASSIGN_OR_RETURN(auto list, ListDonations(*ledger, lo->scope, lo->donor));
      return PrintDonations(list, g.json);
    };
  });

  auto ro = std::make_shared<RefundOptions>();
  CLI::App* refund =
      app.add_subcommand("refund",
                         "refund all or part of a donation; prints the refund's entry number\n"
                         "  example: probity refund --donation 7 --amount 50.00 --currency EUR "
                         "--date 2026-05-10 --reason 'over the cap'");
  refund->add_option("--donation", ro->donation_seq, "entry number of the donation")->required();
  refund->add_option("--amount", ro->amount, "amount refunded")->required();
  refund->add_option("--currency", ro->currency, "the donation's currency")->required();
  refund->add_option("--date", ro->date, "date refunded, YYYY-MM-DD")->required();
  refund->add_option("--reason", ro->reason, "short reason, no personal data");
  refund->callback([&g, &action, ro] { action = [&g, ro] { return RunRefund(g, *ro); }; });
}

}  // namespace probity::cli
