// probity init / signer add / signer revoke
#include "cli/common.h"
#include "ledger/encoding.h"

namespace probity::cli {

void RegisterInitCommand(CLI::App& app, GlobalOptions& g, Action& action) {
  auto origin = std::make_shared<std::string>();
  CLI::App* init = app.add_subcommand(
      "init", "create an encrypted ledger and register your key as its first signer\n"
              "  example: probity init --ledger campaign.ledger --key alice.key "
              "--origin example.org/campaign-2027");
  init->add_option("--origin", *origin,
                   "the log's origin line in checkpoints (default probity/<ledger id>)");
  init->callback([&g, &action, origin] {
    action = [&g, origin]() -> Status {
      if (!origin->empty()) PROBITY_RETURN_IF_ERROR(ValidateOrigin(*origin));
      const std::string path = LedgerPath(g);
      PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
      PROBITY_ASSIGN_OR_RETURN(SecretBytes pass,
                               ReadPassphrase(g.passphrase_file, "PROBITY_PASSPHRASE_FILE",
                                              "new ledger passphrase", true));
      if (pass.size() < kNewPassphraseBytesMin) {
        return Status::InvalidArgument("the ledger passphrase must be at least " +
                                       std::to_string(kNewPassphraseBytesMin) + " bytes");
      }
      PROBITY_ASSIGN_OR_RETURN(auto ledger,
                               Ledger::Create(path, pass, *origin, key, CliKdf()));
      Warn("created ledger " + path + " (origin " + ledger->origin() + "), first signer " +
           key.name);
      PrintOut(ledger->ledger_id());
      return Status::OK();
    };
  });
}

void RegisterSignerCommands(CLI::App& app, GlobalOptions& g, Action& action) {
  CLI::App* signer = app.add_subcommand("signer", "keys allowed to sign this ledger");
  signer->require_subcommand(1);
  auto vkey = std::make_shared<std::string>();
  CLI::App* add = signer->add_subcommand(
      "add", "authorise another key (its `probity key public` line)\n"
             "  example: probity signer add 'bob+1a2b3c4d+AU...'");
  add->add_option("VERIFIER_KEY", *vkey, "NAME+KEYID+BASE64")->required();
  add->callback([&g, &action, vkey] {
    action = [&g, vkey]() -> Status {
      PROBITY_ASSIGN_OR_RETURN(VerifierKey vk, ParseVerifierKey(*vkey));
      PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
      PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
      EntryDraft draft{"signer_added", Json::object()};
      draft.fields["signer_name"] = vk.name;
      draft.fields["signer_key"] = Base64Encode(vk.key);
      PROBITY_ASSIGN_OR_RETURN(auto seqs, ledger->Append(key, [&](AppendBatch& b) {
        return b.Add(draft).status();
      }));
      PrintOut(KeyIdHex(vk.id));
      return Status::OK();
    };
  });
  auto key_id = std::make_shared<std::string>();
  CLI::App* revoke = signer->add_subcommand(
      "revoke", "stop a key from signing from now on\n  example: probity signer revoke 1a2b3c4d");
  revoke->add_option("KEYID", *key_id, "8 hex digits")->required();
  revoke->callback([&g, &action, key_id] {
    action = [&g, key_id]() -> Status {
      PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
      PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
      EntryDraft draft{"signer_revoked", Json::object()};
      draft.fields["key_id"] = *key_id;
      PROBITY_ASSIGN_OR_RETURN(auto seqs, ledger->Append(key, [&](AppendBatch& b) {
        return b.Add(draft).status();
      }));
      PrintOut(std::to_string(seqs.front()));
      return Status::OK();
    };
  });
}

}  // namespace probity::cli
