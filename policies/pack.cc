// Policy packs: the top of a pack file, loading files, and enum names. The
// format is described key by key in docs/policies.md; rules are read in
// pack_rules.cc and typed values in pack_toml.cc.
#include "policies/pack.h"

#include <algorithm>
#include <array>
#include <optional>

#include "ledger/crypto.h"
#include "policies/pack_toml.h"

namespace probity {

namespace {

using pack_toml::Context;
using pack_toml::Error;
using pack_toml::LineOf;

constexpr std::array<const char*, 13> kTopKeys = {
    "id",          "title",          "jurisdiction",     "currency",          "valid_from",
    "valid_until", "retention_days", "retention_source", "requires_election", "authority",
    "authority_source", "scope_param", "rule"};
constexpr std::array<const char*, 9> kTopRequired = {
    "id",          "title",          "jurisdiction",     "currency", "valid_from",
    "valid_until", "retention_days", "retention_source", "rule"};

// The line on which byte `offset` of `text` lies (1-based).
std::uint32_t LineAt(std::string_view text, std::size_t offset) {
  const auto newlines =
      std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
  return static_cast<std::uint32_t>(newlines) + 1;
}

// Size and bytes before parsing: the text must fit, and must be storable in a
// policy_adopted entry, which refuses control characters other than tab and
// line feed (a Windows line ending's carriage return among them).
Status CheckBytes(const Context& ctx, std::string_view text) {
  if (text.size() > kPackBytesMax) {
    return Error(ctx, LineAt(text, kPackBytesMax),
                 "the pack is over the limit of " + std::to_string(kPackBytesMax) +
                     " bytes (reached on this line); shorten it or split the pack");
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      return Error(ctx, LineAt(text, i),
                   "control character 0x" + std::string(1, "0123456789abcdef"[c >> 4]) +
                       std::string(1, "0123456789abcdef"[c & 0xf]) +
                       "; save the file as plain UTF-8 with Unix line endings");
    }
  }
  return Status::OK();
}

Result<toml::table> ParseToml(const Context& ctx, std::string_view text) {
  try {
    return toml::parse(text, ctx.origin);
  } catch (const toml::parse_error& e) {
    return Error(ctx, e.source().begin.line,
                 "malformed TOML: " + std::string(e.description()) + "; fix the syntax");
  }
}

Status CheckTopKeys(const Context& ctx, const toml::table& top) {
  for (auto&& [key, node] : top) {
    if (std::find(kTopKeys.begin(), kTopKeys.end(), key.str()) != kTopKeys.end()) continue;
    return Error(ctx, LineOf(key, node),
                 "unknown top-level key '" + std::string(key.str()) +
                     "'; the keys are id, title, jurisdiction, currency, valid_from, " +
                     "valid_until, retention_days, retention_source, requires_election, " +
                     "authority, authority_source, [[scope_param]] and [[rule]] " +
                     "(docs/policies.md)");
  }
  for (const char* name : kTopRequired) {
    if (top.contains(name)) continue;
    return Error(ctx, 1, "the pack has no '" + std::string(name) + "'; add it (docs/policies.md)");
  }
  return Status::OK();
}

Status ReadIdentity(const Context& ctx, const toml::table& top,
                    const std::optional<std::string>& expected_id, Pack* pack) {
  const toml::node& id = *top.get("id");
  PROBITY_ASSIGN_OR_RETURN(pack->id, pack_toml::ReadId(ctx, "id", id, pack_toml::IdStyle::kPack));
  if (expected_id.has_value() && pack->id != *expected_id) {
    return Error(ctx, LineOf(id),
                 "id \"" + pack->id + "\" differs from the file name \"" + *expected_id +
                     ".toml\"; rename one to match the other");
  }
  PROBITY_ASSIGN_OR_RETURN(
      pack->title, pack_toml::ReadText(ctx, "title", *top.get("title"), kPackStringBytesMax));
  const toml::node& jurisdiction = *top.get("jurisdiction");
  PROBITY_ASSIGN_OR_RETURN(pack->jurisdiction,
                           pack_toml::ReadText(ctx, "jurisdiction", jurisdiction, 2));
  const std::string problem = pack_toml::CheckCountry(pack->jurisdiction);
  if (!problem.empty()) return Error(ctx, LineOf(jurisdiction), "'jurisdiction': " + problem);
  return Status::OK();
}

Status ReadCurrencyAndDates(Context* ctx, const toml::table& top, Pack* pack) {
  const toml::node& currency = *top.get("currency");
  PROBITY_ASSIGN_OR_RETURN(std::string code,
                           pack_toml::ReadText(*ctx, "currency", currency, kPackIdBytesMax));
  Result<Currency> known = LookupCurrency(code);
  if (!known.ok()) {
    return Error(*ctx, LineOf(currency), "unknown currency: " + known.status().message());
  }
  pack->currency = ctx->currency = known.value();
  const toml::node& until = *top.get("valid_until");
  PROBITY_ASSIGN_OR_RETURN(pack->valid_from,
                           pack_toml::ReadDate(*ctx, "valid_from", *top.get("valid_from")));
  PROBITY_ASSIGN_OR_RETURN(pack->valid_until, pack_toml::ReadDate(*ctx, "valid_until", until));
  if (pack->valid_until < pack->valid_from) {
    return Error(*ctx, LineOf(until), "valid_until is before valid_from; swap or fix them");
  }
  return Status::OK();
}

Status ReadRetention(Context* ctx, const toml::table& top, Pack* pack) {
  PROBITY_ASSIGN_OR_RETURN(pack->retention_days,
                           pack_toml::ReadInt(*ctx, "retention_days", *top.get("retention_days"), 1,
                                              kPackRetentionDaysMax));
  PROBITY_ASSIGN_OR_RETURN(pack->retention_source,
                           pack_toml::ReadText(*ctx, "retention_source",
                                               *top.get("retention_source"), kPackStringBytesMax));
  if (const toml::node* node = top.get("requires_election")) {
    PROBITY_ASSIGN_OR_RETURN(pack->requires_election,
                             pack_toml::ReadBool(*ctx, "requires_election", *node));
  }
  ctx->requires_election = pack->requires_election;
  return Status::OK();
}

// The authority the records go to (GDPR Art. 15(1)(c): recipients), with the
// legal source that makes it the recipient. Optional, as older packs lack it;
// given one, the other is required.
Status ReadAuthority(const Context& ctx, const toml::table& top, Pack* pack) {
  const toml::node* name = top.get("authority");
  const toml::node* source = top.get("authority_source");
  if (name == nullptr && source == nullptr) return Status::OK();
  if (name == nullptr || source == nullptr) {
    return Error(ctx, LineOf(name != nullptr ? *name : *source),
                 "'authority' and 'authority_source' go together: name the authority the "
                 "records are filed with and the legal source that says so");
  }
  PROBITY_ASSIGN_OR_RETURN(pack->authority,
                           pack_toml::ReadText(ctx, "authority", *name, kPackStringBytesMax));
  PROBITY_ASSIGN_OR_RETURN(pack->authority_source, pack_toml::ReadText(ctx, "authority_source",
                                                                       *source,
                                                                       kPackStringBytesMax));
  return Status::OK();
}

Result<ScopeParam> ReadScopeParam(const Context& ctx, const toml::table& table) {
  ScopeParam param;
  for (auto&& [key, node] : table) {
    const std::string name(key.str());
    if (name == "name") {
      PROBITY_ASSIGN_OR_RETURN(param.name,
                               pack_toml::ReadId(ctx, "name", node, pack_toml::IdStyle::kParam));
    } else if (name == "required") {
      PROBITY_ASSIGN_OR_RETURN(param.required, pack_toml::ReadBool(ctx, "required", node));
    } else if (name == "source") {
      PROBITY_ASSIGN_OR_RETURN(param.source,
                               pack_toml::ReadText(ctx, "source", node, kPackStringBytesMax));
    } else {
      return Error(ctx, LineOf(key, node),
                   "unknown key '" + name + "' in a [[scope_param]]; the keys are name, " +
                       "required and source");
    }
  }
  if (param.name.empty() || param.source.empty()) {
    return Error(ctx, LineOf(table), "a [[scope_param]] needs 'name' and 'source'; add them");
  }
  return param;
}

Status ReadScopeParams(Context* ctx, const toml::table& top, Pack* pack) {
  const toml::node* node = top.get("scope_param");
  if (node == nullptr) return Status::OK();
  const toml::array* params = node->as_array();
  if (params == nullptr || params->empty() || !params->is_array_of_tables()) {
    return Error(*ctx, LineOf(*node), "'scope_param' must be [[scope_param]] tables");
  }
  for (const toml::node& entry : *params) {
    if (pack->scope_params.size() == kPackScopeParamsMax) {
      return Error(
          *ctx, LineOf(entry),
          "too many [[scope_param]] tables; at most " + std::to_string(kPackScopeParamsMax));
    }
    PROBITY_ASSIGN_OR_RETURN(ScopeParam param, ReadScopeParam(*ctx, *entry.as_table()));
    for (const std::string& seen : ctx->scope_params) {
      if (seen == param.name) {
        return Error(*ctx, LineOf(entry), "scope_param \"" + seen + "\" is declared twice");
      }
    }
    ctx->scope_params.push_back(param.name);
    pack->scope_params.push_back(std::move(param));
  }
  return Status::OK();
}

Result<Pack> ParseNamed(std::string_view text, const std::string& origin,
                        const std::optional<std::string>& expected_id) {
  Context ctx;
  ctx.origin = origin;
  PROBITY_RETURN_IF_ERROR(CheckBytes(ctx, text));
  PROBITY_ASSIGN_OR_RETURN(toml::table top, ParseToml(ctx, text));
  PROBITY_RETURN_IF_ERROR(CheckTopKeys(ctx, top));
  Pack pack;
  PROBITY_RETURN_IF_ERROR(ReadIdentity(ctx, top, expected_id, &pack));
  PROBITY_RETURN_IF_ERROR(ReadCurrencyAndDates(&ctx, top, &pack));
  PROBITY_RETURN_IF_ERROR(ReadRetention(&ctx, top, &pack));
  PROBITY_RETURN_IF_ERROR(ReadAuthority(ctx, top, &pack));
  PROBITY_RETURN_IF_ERROR(ReadScopeParams(&ctx, top, &pack));
  PROBITY_RETURN_IF_ERROR(pack_toml::ReadRules(ctx, *top.get("rule"), &pack));
  pack.sha256 = Sha256(AsBytes(text));
  pack.text = std::string(text);
  return pack;
}

}  // namespace

Result<Pack> ParsePack(std::string_view text, const std::string& origin) {
  return ParseNamed(text, origin, std::nullopt);
}

namespace pack_internal {
Result<Pack> ParsePackNamed(std::string_view text, const std::string& origin,
                            const std::string& expected_id) {
  return ParseNamed(text, origin, expected_id);
}
}  // namespace pack_internal

std::string WindowName(Window w) {
  switch (w) {
    case Window::kScope:
      return "scope";
    case Window::kCalendarYear:
      return "calendar-year";
    case Window::kElection:
      return "election";
    case Window::kCycle:
      return "cycle";
  }
  PROBITY_ASSERT(false);
}

std::string RuleTypeName(RuleType t) {
  switch (t) {
    case RuleType::kCap:
      return "cap";
    case RuleType::kMethodPerGift:
      return "method-per-gift";
    case RuleType::kMethodTotal:
      return "method-total";
    case RuleType::kAnonymous:
      return "anonymous";
    case RuleType::kEligibility:
      return "eligibility";
    case RuleType::kPeriod:
      return "period";
    case RuleType::kDeMinimis:
      return "de-minimis";
    case RuleType::kItemisation:
      return "itemisation";
    case RuleType::kReportingThreshold:
      return "reporting-threshold";
  }
  PROBITY_ASSERT(false);
}

std::string OnBreachName(OnBreach b) {
  return b == OnBreach::kObligation ? "obligation" : "refuse";
}

}  // namespace probity
