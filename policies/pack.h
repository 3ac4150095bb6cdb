// Policy packs: the legal rules of one jurisdiction and one election or
// period, as data (policies/packs/<id>.toml; the format is in docs/policies.md).
// Every rule carries the legal source that every refusal quotes. A pack is
// immutable: a new figure is a new pack id, and the ledger records the SHA-256
// of the exact bytes it adopted.
#ifndef PROBITY_POLICIES_PACK_H_
#define PROBITY_POLICIES_PACK_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/bytes.h"
#include "ledger/date.h"
#include "ledger/money.h"
#include "ledger/status.h"

namespace probity {

constexpr std::size_t kPackBytesMax = 32 * 1024;  // a pack travels inside a policy_adopted entry
constexpr std::size_t kPackRulesMax = 64;
constexpr std::size_t kPackScopeParamsMax = 16;
constexpr std::size_t kPackIdBytesMax = 64;        // pack, rule and scope-parameter ids
constexpr std::size_t kPackStringBytesMax = 512;   // title, source, summary, action
constexpr std::size_t kPackListEntriesMax = 16;    // donor_types, allowed_types, countries, counts
constexpr std::int64_t kPackDeadlineDaysMax = 3660;    // ten years
constexpr std::int64_t kPackRetentionDaysMax = 36600;  // a hundred years

// Over what a cap or threshold adds donations up.
enum class Window {
  kScope,         // the whole scope (an election: both rounds)
  kCalendarYear,  // by the calendar year of the donation date
  kElection,      // by the donation's election designation (P2026, G2026, ...)
  kCycle,         // the scope's whole cycle (same as kScope, named for the FEC)
};

// What happens when a rule is broken.
enum class OnBreach {
  kRefuse,      // nothing is written; exit 3
  kObligation,  // accepted, with an obligation due within `deadline_days`
};

enum class RuleType {
  kCap,               // amount per donor over a window
  kMethodPerGift,     // at most `amount` per gift with `method` (cash)
  kMethodTotal,       // total by `method` at most percent of a scope parameter
  kAnonymous,         // anonymous gifts: refused, or at most `amount` with `method`
  kEligibility,       // donor types allowed, and nationality/residence for persons
  kPeriod,            // gifts only within the scope's dates
  kDeMinimis,         // at or under `amount` is not a donation (recorded, not reportable)
  kItemisation,       // aggregate over `amount` in the window: itemise, need employer/occupation
  kReportingThreshold,  // aggregate over `amount` per calendar year is reportable (filings)
};

struct Rule {
  std::string id;       // unique within the pack, e.g. "L52-8-cap"
  RuleType type = RuleType::kCap;
  std::string source;   // legal source quoted by every decision, e.g. "Code électoral, art. L52-8"
  std::string summary;  // one line for people, e.g. "4,600 EUR per person for the election"
  std::optional<std::int64_t> amount_minor;      // caps, limits, thresholds (pack currency)
  Window window = Window::kScope;
  std::vector<std::string> donor_types;          // who the rule applies to (empty: everyone)
  std::vector<std::string> allowed_types;        // kEligibility: permissible donor types
  std::vector<std::string> countries;            // kEligibility: nationality or residence
  std::string method;                            // kMethodPerGift, kMethodTotal, kAnonymous
  std::string scope_param;                       // kMethodTotal: e.g. "spending_ceiling"
  std::int64_t percent = 0;                      // kMethodTotal
  std::optional<std::int64_t> param_at_least_minor;  // kMethodTotal applies from this ceiling
  // Kinds a cap adds up ("donation", "membership_fee"); empty: every kind.
  std::vector<std::string> counts;
  OnBreach on_breach = OnBreach::kRefuse;
  std::int64_t deadline_days = 0;                // kObligation: due date = donation date + days
  std::string action;  // kObligation: "refund, redesignate or reattribute"
};

struct ScopeParam {
  std::string name;    // e.g. "spending_ceiling"
  bool required = false;
  std::string source;
};

struct Pack {
  std::string id;             // [a-z0-9-], equals the file name without .toml
  std::string title;
  std::string jurisdiction;   // FR, US, GB
  Currency currency{};
  Date valid_from;
  Date valid_until;
  std::int64_t retention_days = 0;
  std::string retention_source;
  bool requires_election = false;  // donations must name an election designation (FEC)
  // Who the records are filed with (the recipient of GDPR Art. 15(1)(c)), and
  // the legal source that says so. Both empty when the pack names none.
  std::string authority;
  std::string authority_source;
  std::vector<ScopeParam> scope_params;
  std::vector<Rule> rules;
  Hash sha256{};              // of the exact file bytes
  std::string text;           // the exact file bytes (recorded in audit exports)
};

// Parses a pack from its bytes. `origin` (a file name) prefixes every error,
// with the line: "policies/packs/x.toml:12: unknown key 'capp'". Refuses
// unknown keys, missing keys, amounts not written as strings or negative,
// amounts with more decimals than the pack currency, unknown enum values,
// duplicate rule ids, and files over kPackBytesMax. Errors are InvalidArgument.
Result<Pack> ParsePack(std::string_view text, const std::string& origin);

// Reads the file (at most kPackBytesMax bytes) and parses it; the pack id must
// equal the file name without ".toml". IoError if the file cannot be read.
Result<Pack> LoadPackFile(const std::string& path);

// Finds <id>.toml in $PROBITY_PACKS_DIR if set and not empty, else in the
// source tree's policies/packs (PROBITY_SOURCE_PACKS_DIR, set by CMake).
// InvalidArgument for an ill-formed id; NotFound, listing the available ids,
// if there is no such file.
Result<Pack> LoadPackById(const std::string& id);

// The spellings used in pack files: "calendar-year", "method-per-gift", "obligation".
std::string WindowName(Window w);
std::string RuleTypeName(RuleType t);
std::string OnBreachName(OnBreach b);

}  // namespace probity

#endif  // PROBITY_POLICIES_PACK_H_
