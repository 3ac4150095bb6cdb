// The probity program: parses the command line, runs one library action, and
// maps its Status to the documented exit codes (DESIGN.md, "The command line").
#include <sys/stat.h>

#include <iostream>

#include "cli/common.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitOperational = 1;
constexpr int kExitUsage = 2;
constexpr int kExitRefused = 3;
constexpr int kExitVerification = 4;
constexpr int kExitPassphrase = 5;

int ExitCodeFor(const probity::Status& st) {
  using probity::StatusCode;
  switch (st.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound: return kExitUsage;
    case StatusCode::kPolicyViolation: return kExitRefused;
    case StatusCode::kVerificationFailed: return kExitVerification;
    case StatusCode::kWrongPassphrase:
    case StatusCode::kKeyRejected: return kExitPassphrase;
    case StatusCode::kCorruption:
    case StatusCode::kIoError: return kExitOperational;
  }
  return kExitOperational;
}

const char* kFooter = R"(
Where things come from (a passphrase is never a command-line argument):
  ledger file            --ledger PATH               PROBITY_LEDGER (default ./probity.ledger)
  ledger passphrase      --passphrase-file F         PROBITY_PASSPHRASE_FILE
  signing key            --key F                     PROBITY_KEY
  signing key passphrase --key-passphrase-file F     PROBITY_KEY_PASSPHRASE_FILE
Without them, passphrases are asked on the terminal without echo.

Exit codes: 0 done, 1 operational error (I/O, corrupt input), 2 usage error,
3 refused by a policy rule, 4 verification failed (also: `gdpr request list
--fail-on-overdue` found an open request past its deadline), 5 wrong passphrase or key.)";

}  // namespace

int main(int argc, char** argv) {
  using namespace probity;
  // Everything we create (ledger, its -wal and -shm files, key files) is for
  // the owner only.
  umask(077);
  if (!InitCrypto().ok()) {
    std::cerr << "probity: cannot initialise libsodium\n";
    return kExitOperational;
  }
  CLI::App app{"probity: a signed, encrypted donation and compliance ledger"};
  app.footer(kFooter);
#ifdef PROBITY_TEST_ONLY_WEAK_KDF
  app.set_version_flag("--version", std::string("probity ") + PROBITY_VERSION +
                                        " (TEST BUILD: minimum Argon2id cost; never use it for "
                                        "a real ledger)");
#else
  app.set_version_flag("--version", std::string("probity ") + PROBITY_VERSION);
#endif
  app.require_subcommand(1);
  app.fallthrough();
  cli::GlobalOptions g;
  app.add_option("--ledger", g.ledger_path, "ledger file (env PROBITY_LEDGER)");
  app.add_option("--passphrase-file", g.passphrase_file,
                 "file holding the ledger passphrase (env PROBITY_PASSPHRASE_FILE)");
  app.add_option("--key", g.key_path, "signing key file (env PROBITY_KEY)");
  app.add_option("--key-passphrase-file", g.key_passphrase_file,
                 "file holding the key's passphrase (env PROBITY_KEY_PASSPHRASE_FILE)");
  app.add_flag("--json", g.json, "machine-readable output on read commands");
  cli::Action action;
  cli::RegisterKeyCommands(app, g, action);
  cli::RegisterInitCommand(app, g, action);
  cli::RegisterSignerCommands(app, g, action);
  cli::RegisterDonorCommands(app, g, action);
  cli::RegisterDonationCommands(app, g, action);
  cli::RegisterConsentCommands(app, g, action);
  cli::RegisterPurposeCommands(app, g, action);
  cli::RegisterGdprRequestCommands(app, g, action);
  cli::RegisterGdprEraseCommands(app, g, action);
  cli::RegisterLogCommands(app, g, action);
  cli::RegisterPolicyCommands(app, g, action);
  cli::RegisterExportCommands(app, g, action);
  cli::RegisterProveCommands(app, g, action);
  cli::RegisterReportCommands(app, g, action);
  cli::RegisterGdprAccessCommand(app, g, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 reports "a subcommand is required" before it reports the word it
    // did not know; name that word, as every error must.
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr && !app.remaining().empty() &&
        std::string(e.what()).find("ubcommand") != std::string::npos) {
      std::cerr << "probity: unknown command \"" << app.remaining().front()
                << "\"; see probity --help\n";
      return kExitUsage;
    }
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (!action) {
    std::cerr << "probity: nothing to do; see probity --help\n";
    return kExitUsage;
  }
  Status st = action();
  if (!st.ok()) {
    std::cerr << "probity: " << st.ToString() << '\n';
    return ExitCodeFor(st);
  }
  return kExitOk;
}
