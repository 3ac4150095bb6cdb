// probity key new / key public
#include "cli/common.h"
#include "ledger/note.h"

namespace probity::cli {

void RegisterKeyCommands(CLI::App& app, GlobalOptions& g, Action& action) {
  CLI::App* key = app.add_subcommand("key", "signing keys");
  key->require_subcommand(1);

  struct NewOptions {
    std::string name, out;
  };
  auto opts = std::make_shared<NewOptions>();
  CLI::App* create = key->add_subcommand(
      "new", "new Ed25519 signing key, encrypted with its own passphrase, mode 0600\n"
             "  example: probity key new --name alice --out alice.key");
  create->add_option("--name", opts->name, "key name, as it appears in signatures")->required();
  create->add_option("--out", opts->out, "key file to create (never overwritten)")->required();
  create->callback([&g, &action, opts] {
    action = [&g, opts]() -> Status {
      const std::string& name = opts->name;
      PROBITY_RETURN_IF_ERROR(ValidateKeyName(name));
      PROBITY_ASSIGN_OR_RETURN(SigningKey sk, GenerateSigningKey());
      PROBITY_ASSIGN_OR_RETURN(
          SecretBytes pass, ReadPassphrase(g.key_passphrase_file, "PROBITY_KEY_PASSPHRASE_FILE",
                                           "new passphrase for key " + name, true));
      if (pass.size() < kNewPassphraseBytesMin) {
        return Status::InvalidArgument("the key passphrase must be at least " +
                                       std::to_string(kNewPassphraseBytesMin) + " bytes");
      }
      NamedKey nk{name, std::move(sk)};
      PROBITY_RETURN_IF_ERROR(WriteKeyFile(opts->out, nk, pass, CliKdf()));
      PrintOut(FormatVerifierKey(nk.name, nk.key.public_key));
      return Status::OK();
    };
  });

  auto file = std::make_shared<std::string>();
  CLI::App* pub = key->add_subcommand(
      "public", "print the key's verifier key NAME+KEYID+BASE64 (needs no passphrase)\n"
                "  example: probity key public alice.key");
  pub->add_option("FILE", *file, "key file")->required();
  pub->callback([&action, file] {
    action = [file]() -> Status {
      PROBITY_ASSIGN_OR_RETURN(PublicKeyInfo info, ReadPublicKeyFromFile(*file));
      PrintOut(FormatVerifierKey(info.name, info.public_key));
      return Status::OK();
    };
  });
}

}  // namespace probity::cli
