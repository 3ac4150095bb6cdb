// Internal to the pack loader (pack.cc, pack_rules.cc): reading typed values
// out of toml++ nodes, each failure an InvalidArgument "FILE:LINE: what is
// wrong; what to do" (docs/policies.md). Not part of the policies API.
#ifndef PROBITY_POLICIES_PACK_TOML_H_
#define PROBITY_POLICIES_PACK_TOML_H_

#include <toml++/toml.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/date.h"
#include "ledger/money.h"
#include "ledger/status.h"
#include "policies/pack.h"

namespace probity::pack_toml {

// What every reader needs: where the text came from (for messages) and the
// pack-wide facts that rules are checked against.
struct Context {
  std::string origin;
  Currency currency{};
  bool requires_election = false;
  std::vector<std::string> scope_params;  // declared names, for method-total
};

// "origin:line: what". `what` already says what to do.
Status Error(const Context& ctx, std::uint32_t line, const std::string& what);
std::uint32_t LineOf(const toml::node& node);
std::uint32_t LineOf(const toml::key& key, const toml::node& node);
// "a string", "an integer", "a decimal number", ...: for "found ..." messages.
std::string TypeWord(const toml::node& node);

// A one-line string: not empty, at most `bytes_max`, no control characters.
Result<std::string> ReadText(const Context& ctx, std::string_view key, const toml::node& node,
                             std::size_t bytes_max);
// Identifier syntaxes, 1..kPackIdBytesMax bytes each.
enum class IdStyle {
  kPack,   // [a-z0-9-]: pack ids, which are also file names
  kRule,   // [A-Za-z0-9.-]: rule ids such as "L52-8-cap" or "110.4-cash"
  kParam,  // [a-z0-9_]: scope parameter names such as "spending_ceiling"
};
Result<std::string> ReadId(const Context& ctx, std::string_view key, const toml::node& node,
                           IdStyle style);
Result<std::int64_t> ReadInt(const Context& ctx, std::string_view key, const toml::node& node,
                             std::int64_t min, std::int64_t max);
Result<bool> ReadBool(const Context& ctx, std::string_view key, const toml::node& node);
Result<Date> ReadDate(const Context& ctx, std::string_view key, const toml::node& node);
// A positive amount written as a decimal string in the pack currency.
Result<std::int64_t> ReadAmount(const Context& ctx, std::string_view key, const toml::node& node);

// Checks one list entry, returning an error message (empty when fine).
using EntryCheck = std::string (*)(std::string_view entry);
// An array of strings, 1..kPackListEntriesMax entries, no duplicates, each
// passing `check`.
Result<std::vector<std::string>> ReadList(const Context& ctx, std::string_view key,
                                          const toml::node& node, EntryCheck check);
std::string CheckDonorType(std::string_view type);
std::string CheckMethod(std::string_view method);
std::string CheckCountry(std::string_view code);
std::string CheckCountedKind(std::string_view kind);

// Parses the [[rule]] array into pack->rules (pack_rules.cc).
Status ReadRules(const Context& ctx, const toml::node& node, Pack* pack);

}  // namespace probity::pack_toml

namespace probity::pack_internal {
// ParsePack, also refusing a pack whose id is not `expected_id` (the file name).
Result<Pack> ParsePackNamed(std::string_view text, const std::string& origin,
                            const std::string& expected_id);
}  // namespace probity::pack_internal

#endif  // PROBITY_POLICIES_PACK_TOML_H_
