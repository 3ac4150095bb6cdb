// probity donor add / show / list
#include "cli/common.h"
#include "ledger/records.h"

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

struct AddOptions {
  std::string type = "person";
  DonorPii pii;
};

void RegisterAdd(CLI::App& donor, GlobalOptions& g, Action& action) {
  auto o = std::make_shared<AddOptions>();
  CLI::App* add = donor.add_subcommand(
      "add", "register a donor; prints the new subject id\n"
             "  example: probity donor add --name 'Jeanne Martin' --type person "
             "--nationality FR --residence FR --address '1 rue de la Paix, 75002 Paris'");
  add->add_option("--name", o->pii.name, "full name (or company name)")->required();
  add->add_option("--type", o->type,
                  "person, legal-person, party, union, association, foreign-state, other");
  add->add_option("--nationality", o->pii.nationality, "ISO 3166-1 alpha-2, e.g. FR");
  add->add_option("--residence", o->pii.residence, "country of residence, e.g. FR");
  add->add_option("--address", o->pii.address, "tax address");
  add->add_option("--email", o->pii.email, "e-mail address");
  add->add_option("--employer", o->pii.employer, "employer (US filings)");
  add->add_option("--occupation", o->pii.occupation, "occupation (US filings)");
  // The parts filings list separately (FEC Schedule A); `--name` and
  // `--address` stay the person's full name and address.
  add->add_option("--family-name", o->pii.family_name, "family (last) name, for filings");
  add->add_option("--given-name", o->pii.given_name, "given (first) name, for filings");
  add->add_option("--street", o->pii.street, "street line of the address, for filings");
  add->add_option("--city", o->pii.city, "town or city, for filings");
  add->add_option("--region", o->pii.region, "US state (2 letters) or region, for filings");
  add->add_option("--postcode", o->pii.postcode, "ZIP or postcode, for filings");
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

}  // namespace

void RegisterDonorCommands(CLI::App& app, GlobalOptions& g, Action& action) {
  CLI::App* donor = app.add_subcommand("donor", "donors (data subjects)");
  donor->require_subcommand(1);
  RegisterAdd(*donor, g, action);

  auto id = std::make_shared<std::string>();
  CLI::App* show = donor->add_subcommand(
      "show", "one donor, decrypted\n  example: probity donor show S-0123456789 --json");
  show->add_option("ID", *id, "subject id")->required();
  show->callback([&g, &action, id] {
    action = [&g, id]() -> Status {
      PROBITY_RETURN_IF_ERROR(ValidateSubjectId(*id));
      PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
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
