// What every subcommand shares: where the ledger, key and passphrases come
// from (flags, then environment, then a no-echo prompt), and output helpers.
// No business logic lives in cli/.
#ifndef PROBITY_CLI_COMMON_H_
#define PROBITY_CLI_COMMON_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ledger/ledger.h"
#include "policies/donations.h"

namespace probity::cli {

constexpr std::size_t kPassphraseBytesMax = 1024;
constexpr std::size_t kNewPassphraseBytesMin = 8;

struct GlobalOptions {
  std::string ledger_path;
  std::string passphrase_file;
  std::string key_path;
  std::string key_passphrase_file;
  bool json = false;
};

// The action chosen on the command line; set by the subcommand's callback.
using Action = std::function<Status()>;

// The fields of a gift, shared by `donation add` and `check`.
struct DonationOptions {
  std::string donor, amount, currency, method, date, scope, election, nature = "gift", receipt;
  bool anonymous = false;
  bool cap_declared = false;
};
void AddDonationOptions(CLI::App* cmd, DonationOptions& o);
Result<DonationRequest> MakeDonationRequest(const DonationOptions& o);

// Each subcommand group registers itself here (one file per group).
void RegisterKeyCommands(CLI::App& app, GlobalOptions& g, Action& action);
void RegisterInitCommand(CLI::App& app, GlobalOptions& g, Action& action);
void RegisterSignerCommands(CLI::App& app, GlobalOptions& g, Action& action);
// The Argon2id cost of the ledger and of new key files: libsodium's "moderate"
// (about 230 ms, 256 MiB). A build configured with
// -DPROBITY_TEST_ONLY_WEAK_KDF=ON (scripts/test.sh's sanitizer build, so that
// hundreds of end-to-end runs fit in CI's time) uses libsodium's minimum
// instead: its files cannot be opened by a normal build, and it must never be
// used for real ledgers (SECURITY.md). `probity --version` says which.
KdfParams CliKdf();

void RegisterDonorCommands(CLI::App& app, GlobalOptions& g, Action& action);
void RegisterDonationCommands(CLI::App& app, GlobalOptions& g, Action& action);
void RegisterImportCommand(CLI::App& donation, GlobalOptions& g, Action& action);
void RegisterConsentCommands(CLI::App& app, GlobalOptions& g, Action& action);
void RegisterPurposeCommands(CLI::App& app, GlobalOptions& g, Action& action);
// `probity gdpr`, created by the first group that asks for it, so each GDPR
// group (request, access, erase, ...) registers itself from its own file.
CLI::App* GdprCommand(CLI::App& app);
void RegisterGdprRequestCommands(CLI::App& app, GlobalOptions& g, Action& action);
void RegisterGdprEraseCommands(CLI::App& app, GlobalOptions& g, Action& action);
void RegisterLogCommands(CLI::App& app, GlobalOptions& g, Action& action);
void RegisterPolicyCommands(CLI::App& app, GlobalOptions& g, Action& action);
void RegisterExportCommands(CLI::App& app, GlobalOptions& g, Action& action);

// `probity verify BUNDLE`: the auditor's offline check (export_cmd.cc).
Status RunVerifyBundle(const GlobalOptions& g, const std::string& path,
                       const std::vector<std::string>& trust,
                       const std::vector<std::string>& since);
void RegisterProveCommands(CLI::App& app, GlobalOptions& g, Action& action);
void RegisterReportCommands(CLI::App& app, GlobalOptions& g, Action& action);  // and import
void RegisterGdprAccessCommand(CLI::App& app, GlobalOptions& g, Action& action);

// Passphrase from `file` (flag), else the file named by `env_name`, else a
// prompt on the terminal. `confirm` asks twice (for new secrets).
Result<SecretBytes> ReadPassphrase(const std::string& file, const char* env_name,
                                   const std::string& prompt, bool confirm);

std::string LedgerPath(const GlobalOptions& g);
Result<std::unique_ptr<Ledger>> OpenLedger(const GlobalOptions& g);
Result<NamedKey> LoadSigningKey(const GlobalOptions& g);

// Output: ids and data on stdout, messages on stderr.
void PrintOut(const std::string& line);
void Warn(const std::string& line);
void PrintJson(const Json& value);

}  // namespace probity::cli

#endif  // PROBITY_CLI_COMMON_H_
