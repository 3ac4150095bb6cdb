// probity donor add / correct / show / list
#include <array>

#include "cli/common.h"
#include "ledger/records.h"
#include "ledger/subjects.h"

namespace probity::cli {
namespace {

Json DonorJson(const DonorRecord& d) {
  Json j = {{"subject", d.subject}, {"donor_type", d.donor_type}, {"seq", d.seq}, {"ts", d.ts}};
  if (d.pii.has_value()) j["pii"] = PiiToJson(*d.pii);
  else j["erased"] = true;
  return j;
}

void PrintDonor(const DonorRecord& d) {
  PrintOut("subject      " + d.subject);
  PrintOut("type         " + d.donor_type);
  PrintOut("registered   " + d.ts + " (entry " + std::to_string(d.seq) + ")");
  if (!d.pii.has_value()) {
    PrintOut("identity     erased (the subject's key was destroyed)");
    return;
  }
  // Named, not a temporary: items() refers to the object, which a range-for
  // would destroy before the loop body runs.
  const Json pii = PiiToJson(*d.pii);
  for (const auto& item : pii.items()) {
    std::string label = item.key();
    label.resize(13, ' ');
    PrintOut(label + item.value().get<std::string>());
  }
}

// The identity flags of `donor add` and `donor correct`, with the identity
// object's field each one sets (docs/format.md, section 10).
struct PiiFlag {
  const char* flag;
  const char* field;
  std::string DonorPii::*member;
  const char* help;
};
constexpr PiiFlag kPiiFlags[] = {
    {"--name", "name", &DonorPii::name, "full name (or company name)"},
    {"--nationality", "nationality", &DonorPii::nationality, "ISO 3166-1 alpha-2, e.g. FR"},
    {"--residence", "residence", &DonorPii::residence, "country of residence, e.g. FR"},
    {"--address", "address", &DonorPii::address, "tax address"},
    {"--email", "email", &DonorPii::email, "e-mail address"},
    {"--employer", "employer", &DonorPii::employer, "employer (US filings)"},
    {"--occupation", "occupation", &DonorPii::occupation, "occupation (US filings)"},
    // The parts filings list separately (FEC Schedule A); `--name` and
    // `--address` stay the person's full name and address.
    {"--family-name", "family_name", &DonorPii::family_name, "family (last) name, for filings"},
    {"--given-name", "given_name", &DonorPii::given_name, "given (first) name, for filings"},
    {"--street", "street", &DonorPii::street, "street line of the address, for filings"},
    {"--city", "city", &DonorPii::city, "town or city, for filings"},
    {"--region", "region", &DonorPii::region, "US state (2 letters) or region, for filings"},
    {"--postcode", "postcode", &DonorPii::postcode, "ZIP or postcode, for filings"},
};
constexpr std::size_t kPiiFlagCount = sizeof(kPiiFlags) / sizeof(kPiiFlags[0]);

struct AddOptions {
  std::string type = "person";
  DonorPii pii;
};

void RegisterDonorAdd(CLI::App& donor, GlobalOptions& g, Action& action) {
  auto o = std::make_shared<AddOptions>();
  CLI::App* add = donor.add_subcommand(
      "add", "register a donor; prints the new subject id\n"
             "  example: probity donor add --name 'Jeanne Martin' --type person "
             "--nationality FR --residence FR --address '1 rue de la Paix, 75002 Paris'");
  for (const PiiFlag& f : kPiiFlags) add->add_option(f.flag, o->pii.*f.member, f.help);
  add->get_option("--name")->required();
  add->add_option("--type", o->type,
                  "person, legal-person, party, union, association, foreign-state, other");
  add->callback([&g, &action, o] {
    action = [&g, o]() -> Status {
      PROBITY_RETURN_IF_ERROR(ValidateDonorType(o->type));
      PROBITY_RETURN_IF_ERROR(ValidatePii(o->pii));
      PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
      PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
      PROBITY_ASSIGN_OR_RETURN(AddedDonor added, AddDonor(*ledger, key, NewDonor{o->type, o->pii}));
      for (const std::string& other : added.likely_duplicates) {
        Warn("warning: " + other + " has the same name; if this is the same person, use " + other);
      }
      PrintOut(added.subject);
      return Status::OK();
    };
  });
}

struct DonorCorrectOptions {
  std::string subject;
  std::array<std::string, kPiiFlagCount> values;  // by index in kPiiFlags
  std::int64_t request = -1;
};

// Rectification (Art. 16): the flags given replace those fields; an empty
// value removes one.
void RegisterDonorCorrect(CLI::App& donor, GlobalOptions& g, Action& action) {
  auto o = std::make_shared<DonorCorrectOptions>();
  CLI::App* correct = donor.add_subcommand(
      "correct", "rectify a donor's personal data (GDPR Art. 16); the earlier data stays in the "
                 "history; prints the entry number\n"
                 "  example: probity donor correct S-0123456789 --address '2 rue Neuve, 75001 "
                 "Paris' --request 42");
  correct->add_option("ID", o->subject, "subject id")->required();
  for (std::size_t i = 0; i < kPiiFlagCount; ++i) {
    correct->add_option(kPiiFlags[i].flag, o->values[i], kPiiFlags[i].help);
  }
  correct->add_option("--request", o->request, "id of the subject's rectification request");
  correct->callback([&g, &action, o, correct] {
    Rectification r{o->subject, {}, std::nullopt};
    for (std::size_t i = 0; i < kPiiFlagCount; ++i) {
      if (correct->count(kPiiFlags[i].flag) > 0) r.changes[kPiiFlags[i].field] = o->values[i];
    }
    if (o->request >= 0) r.request_seq = o->request;
    action = [&g, r]() -> Status {
      PROBITY_RETURN_IF_ERROR(ValidateSubjectId(r.subject));
      PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
      PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
      PROBITY_ASSIGN_OR_RETURN(std::int64_t seq, RectifyDonor(*ledger, key, r));
      PrintOut(std::to_string(seq));
      return Status::OK();
    };
  });
}

Json VersionJson(const PiiVersion& v) {
  Json j = {{"seq", v.seq}, {"kind", v.kind}, {"ts", v.ts}};
  if (v.request_seq.has_value()) j["request_seq"] = *v.request_seq;
  if (v.pii.has_value()) j["pii"] = PiiToJson(*v.pii);
  else j["erased"] = true;
  return j;
}

Status ShowHistory(const GlobalOptions& g, Ledger& ledger, const std::string& subject) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<PiiVersion> history,
                           LoadPiiHistory(ledger.store(), subject));
  Json all = Json::array();
  for (const PiiVersion& v : history) {
    if (g.json) { all.push_back(VersionJson(v)); continue; }
    std::string line = "entry " + std::to_string(v.seq) + "  " + v.ts + "  " + v.kind;
    if (v.request_seq.has_value()) line += " (request " + std::to_string(*v.request_seq) + ")";
    PrintOut(line);
    if (!v.pii.has_value()) {
      PrintOut("  erased (the subject's key was destroyed)");
      continue;
    }
    const Json pii = PiiToJson(*v.pii);  // named: see PrintDonor
    for (const auto& item : pii.items()) {
      std::string label = item.key();
      label.resize(13, ' ');
      PrintOut("  " + label + item.value().get<std::string>());
    }
  }
  if (g.json) PrintJson(all);
  return Status::OK();
}

}  // namespace

void RegisterDonorCommands(CLI::App& app, GlobalOptions& g, Action& action) {
  CLI::App* donor = app.add_subcommand("donor", "donors (data subjects)");
  donor->require_subcommand(1);
  RegisterDonorAdd(*donor, g, action);

  RegisterDonorCorrect(*donor, g, action);

  auto id = std::make_shared<std::string>();
  auto history = std::make_shared<bool>(false);
  CLI::App* show = donor->add_subcommand(
      "show", "one donor, decrypted (the data in force; --history: every version)\n"
              "  example: probity donor show S-0123456789 --json");
  show->add_option("ID", *id, "subject id")->required();
  show->add_flag("--history", *history, "every version of the personal data, oldest first");
  show->callback([&g, &action, id, history] {
    action = [&g, id, history]() -> Status {
      PROBITY_RETURN_IF_ERROR(ValidateSubjectId(*id));
      PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
      if (*history) return ShowHistory(g, *ledger, *id);
      PROBITY_ASSIGN_OR_RETURN(DonorRecord d, GetDonor(*ledger, *id));
      if (g.json) PrintJson(DonorJson(d)); else PrintDonor(d);
      return Status::OK();
    };
  });

  CLI::App* list = donor->add_subcommand("list", "all donors\n  example: probity donor list");
  list->callback([&g, &action] {
    action = [&g]() -> Status {
      PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
      PROBITY_ASSIGN_OR_RETURN(std::vector<DonorRecord> donors, ListDonors(*ledger));
      Json all = Json::array();
      for (const DonorRecord& d : donors) {
        if (g.json) { all.push_back(DonorJson(d)); continue; }
        PrintOut(d.subject + "  " + d.donor_type + "  " +
                 (d.pii.has_value() ? d.pii->name : std::string("(erased)")));
      }
      if (g.json) PrintJson(all);
      return Status::OK();
    };
  });
}

}  // namespace probity::cli
