// The [[rule]] tables of a pack: which keys each rule type takes, reading
// them, and the checks across keys (docs/policies.md, "Rules").
#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <vector>

#include "policies/pack_toml.h"

namespace probity::pack_toml {

namespace {

enum Key : std::uint32_t {
  kId = 1u << 0,
  kType = 1u << 1,
  kSource = 1u << 2,
  kSummary = 1u << 3,
  kAmount = 1u << 4,
  kWindow = 1u << 5,
  kDonorTypes = 1u << 6,
  kAllowedTypes = 1u << 7,
  kCountries = 1u << 8,
  kMethod = 1u << 9,
  kScopeParam = 1u << 10,
  kPercent = 1u << 11,
  kParamAtLeast = 1u << 12,
  kCounts = 1u << 13,
  kOnBreach = 1u << 14,
  kDeadlineDays = 1u << 15,
  kAction = 1u << 16,
  kCurrency = 1u << 17,
};

struct KeyName {
  const char* name;
  Key key;
};

constexpr std::array<KeyName, 18> kKeys = {{
    {"id", kId},
    {"type", kType},
    {"source", kSource},
    {"summary", kSummary},
    {"amount", kAmount},
    {"window", kWindow},
    {"donor_types", kDonorTypes},
    {"allowed_types", kAllowedTypes},
    {"countries", kCountries},
    {"method", kMethod},
    {"scope_param", kScopeParam},
    {"percent", kPercent},
    {"param_at_least", kParamAtLeast},
    {"counts", kCounts},
    {"on_breach", kOnBreach},
    {"deadline_days", kDeadlineDays},
    {"action", kAction},
    {"currency", kCurrency},
}};

constexpr std::uint32_t kCommon = kId | kType | kSource | kSummary;
constexpr std::uint32_t kBreach = kOnBreach | kDeadlineDays | kAction;

// Per rule type: the keys it must have and the keys it may have (which
// include the required ones). A key outside `allowed` is refused, so a pack
// never carries a figure that the engine would silently ignore.
struct TypeSpec {
  const char* name;
  RuleType type;
  std::uint32_t required;
  std::uint32_t allowed;
};

constexpr std::array<TypeSpec, 9> kTypes = {{
    {"cap", RuleType::kCap, kCommon | kAmount | kWindow,
     kCommon | kAmount | kWindow | kDonorTypes | kCounts | kCurrency | kBreach},
    {"method-per-gift", RuleType::kMethodPerGift, kCommon | kMethod | kAmount,
     kCommon | kMethod | kAmount | kDonorTypes | kCurrency | kBreach},
    {"method-total", RuleType::kMethodTotal, kCommon | kMethod | kScopeParam | kPercent,
     kCommon | kMethod | kScopeParam | kPercent | kParamAtLeast | kDonorTypes | kCurrency |
         kBreach},
    {"anonymous", RuleType::kAnonymous, kCommon, kCommon | kMethod | kAmount | kCurrency | kBreach},
    {"eligibility", RuleType::kEligibility, kCommon | kAllowedTypes,
     kCommon | kAllowedTypes | kCountries | kBreach},
    {"period", RuleType::kPeriod, kCommon, kCommon | kBreach},
    {"de-minimis", RuleType::kDeMinimis, kCommon | kAmount, kCommon | kAmount | kCurrency},
    {"itemisation", RuleType::kItemisation, kCommon | kAmount | kWindow,
     kCommon | kAmount | kWindow | kDonorTypes | kCurrency | kBreach},
    {"reporting-threshold", RuleType::kReportingThreshold, kCommon | kAmount | kWindow,
     kCommon | kAmount | kWindow | kDonorTypes | kCurrency},
}};

const KeyName* FindKey(std::string_view name) {
  for (const KeyName& k : kKeys) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

const char* KeyNameOf(Key key) {
  for (const KeyName& k : kKeys) {
    if (k.key == key) return k.name;
  }
  PROBITY_ASSERT(false);
}

std::string KeyList(std::uint32_t mask) {
  std::string out;
  for (const KeyName& k : kKeys) {
    if ((mask & k.key) != 0) out += std::string(out.empty() ? "" : ", ") + k.name;
  }
  return out;
}

// One rule being read: what it holds so far, which keys were present, and the
// line of each (for messages about a key).
struct Draft {
  Rule rule;
  const TypeSpec* spec = nullptr;
  std::uint32_t seen = 0;
  std::uint32_t table_line = 0;
  std::map<std::uint32_t, std::uint32_t> line_of;  // Key -> line
};

Result<const TypeSpec*> ReadType(const Context& ctx, const toml::table& table) {
  const toml::node* node = table.get("type");
  if (node == nullptr) {
    return Error(ctx, LineOf(table),
                 "this [[rule]] has no 'type'; add type = \"cap\" (or " +
                     std::string("another type listed in docs/policies.md)"));
  }
  PROBITY_ASSIGN_OR_RETURN(std::string name, ReadText(ctx, "type", *node, kPackIdBytesMax));
  for (const TypeSpec& spec : kTypes) {
    if (name == spec.name) return &spec;
  }
  return Error(ctx, LineOf(*node),
               "unknown rule type \"" + name + "\"; use cap, method-per-gift, method-total, " +
                   "anonymous, eligibility, period, de-minimis, itemisation or " +
                   "reporting-threshold");
}

Result<Window> ReadWindow(const Context& ctx, const toml::node& node) {
  PROBITY_ASSIGN_OR_RETURN(std::string name, ReadText(ctx, "window", node, kPackIdBytesMax));
  for (Window w : {Window::kScope, Window::kCalendarYear, Window::kElection, Window::kCycle}) {
    if (name == WindowName(w)) {
      if (w == Window::kElection && !ctx.requires_election) {
        return Error(ctx, LineOf(node),
                     "window \"election\" needs requires_election = true at " +
                         std::string("the top of the pack; add it"));
      }
      return w;
    }
  }
  return Error(ctx, LineOf(node),
               "unknown window \"" + name + "\"; use scope, calendar-year, election or cycle");
}

Result<OnBreach> ReadOnBreach(const Context& ctx, const toml::node& node) {
  PROBITY_ASSIGN_OR_RETURN(std::string name, ReadText(ctx, "on_breach", node, kPackIdBytesMax));
  if (name == "refuse") return OnBreach::kRefuse;
  if (name == "obligation") return OnBreach::kObligation;
  return Error(ctx, LineOf(node), "unknown on_breach \"" + name + "\"; use refuse or obligation");
}

Status ReadCurrency(const Context& ctx, const toml::node& node) {
  PROBITY_ASSIGN_OR_RETURN(std::string code, ReadText(ctx, "currency", node, kPackIdBytesMax));
  if (code == ctx.currency.code) return Status::OK();
  return Error(ctx, LineOf(node),
               "currency mismatch: this rule says " + code + " but the pack's currency is " +
                   ctx.currency.code + "; amounts in a pack are all in its currency");
}

Result<std::string> ReadScopeParamName(const Context& ctx, const toml::node& node) {
  PROBITY_ASSIGN_OR_RETURN(std::string name, ReadId(ctx, "scope_param", node, IdStyle::kParam));
  for (const std::string& declared : ctx.scope_params) {
    if (name == declared) return name;
  }
  return Error(ctx, LineOf(node),
               "scope_param \"" + name + "\" is not declared; add a " +
                   "[[scope_param]] table with name = \"" + name + "\"");
}

Result<std::string> ReadMethod(const Context& ctx, const toml::node& node) {
  PROBITY_ASSIGN_OR_RETURN(std::string method, ReadText(ctx, "method", node, kPackIdBytesMax));
  const std::string problem = CheckMethod(method);
  if (!problem.empty()) return Error(ctx, LineOf(node), "'method': " + problem);
  return method;
}

template <typename T>
Status Set(Result<T> result, T* out) {
  if (!result.ok()) return result.status();
  *out = std::move(result).value();
  return Status::OK();
}

Status SetAmount(Result<std::int64_t> result, std::optional<std::int64_t>* out) {
  if (!result.ok()) return result.status();
  *out = result.value();
  return Status::OK();
}

// Reads the value of one key into the rule.
Status ReadValue(const Context& ctx, Key key, const toml::node& node, Rule* r) {
  switch (key) {
    case kId:
      return Set(ReadId(ctx, "id", node, IdStyle::kRule), &r->id);
    case kType:
      return Status::OK();  // already read by ReadType
    case kSource:
      return Set(ReadText(ctx, "source", node, kPackStringBytesMax), &r->source);
    case kSummary:
      return Set(ReadText(ctx, "summary", node, kPackStringBytesMax), &r->summary);
    case kAmount:
      return SetAmount(ReadAmount(ctx, "amount", node), &r->amount_minor);
    case kWindow:
      return Set(ReadWindow(ctx, node), &r->window);
    case kDonorTypes:
      return Set(ReadList(ctx, "donor_types", node, CheckDonorType), &r->donor_types);
    case kAllowedTypes:
      return Set(ReadList(ctx, "allowed_types", node, CheckDonorType), &r->allowed_types);
    case kCountries:
      return Set(ReadList(ctx, "countries", node, CheckCountry), &r->countries);
    case kMethod:
      return Set(ReadMethod(ctx, node), &r->method);
    case kScopeParam:
      return Set(ReadScopeParamName(ctx, node), &r->scope_param);
    case kPercent:
      return Set(ReadInt(ctx, "percent", node, 1, 100), &r->percent);
    case kParamAtLeast:
      return SetAmount(ReadAmount(ctx, "param_at_least", node), &r->param_at_least_minor);
    case kCounts:
      return Set(ReadList(ctx, "counts", node, CheckCountedKind), &r->counts);
    case kOnBreach:
      return Set(ReadOnBreach(ctx, node), &r->on_breach);
    case kDeadlineDays:
      return Set(ReadInt(ctx, "deadline_days", node, 1, kPackDeadlineDaysMax), &r->deadline_days);
    case kAction:
      return Set(ReadText(ctx, "action", node, kPackStringBytesMax), &r->action);
    case kCurrency:
      return ReadCurrency(ctx, node);
  }
  PROBITY_ASSERT(false);
}

std::string RuleName(const Draft& d) {
  const std::string type = std::string("\"") + d.spec->name + "\"";
  return d.rule.id.empty() ? "this rule of type " + type
                           : "rule '" + d.rule.id + "' (type " + type + ")";
}

Status CheckRequired(const Context& ctx, const Draft& d) {
  for (const KeyName& k : kKeys) {
    if ((d.spec->required & k.key) != 0 && (d.seen & k.key) == 0) {
      return Error(ctx, d.table_line,
                   RuleName(d) + " has no '" + k.name + "'; add it (this " + "type needs " +
                       KeyList(d.spec->required) + ")");
    }
  }
  return Status::OK();
}

// Checks that involve more than one key.
Status CheckAcross(const Context& ctx, const Draft& d) {
  const Rule& r = d.rule;
  if (r.on_breach == OnBreach::kObligation) {
    for (Key k : {kDeadlineDays, kAction}) {
      if ((d.seen & k) != 0) continue;
      return Error(ctx, d.line_of.at(kOnBreach),
                   "on_breach = \"obligation\" needs '" + std::string(KeyNameOf(k)) +
                       "'; add deadline_days (days after the donation date, e.g. 30) and action");
    }
  } else {
    for (Key k : {kDeadlineDays, kAction}) {
      if ((d.seen & k) == 0) continue;
      return Error(ctx, d.line_of.at(k),
                   "'" + std::string(KeyNameOf(k)) +
                       "' is used only with on_breach = \"obligation\"; " +
                       "add that or remove the key");
    }
  }
  if (r.type == RuleType::kAnonymous && ((d.seen & kMethod) == 0) != ((d.seen & kAmount) == 0)) {
    return Error(ctx, d.table_line,
                 RuleName(d) + " needs both 'method' and 'amount' (anonymous " +
                     "gifts accepted up to amount in that method) or " +
                     "neither (anonymous gifts refused)");
  }
  return Status::OK();
}

struct Field {
  std::uint32_t line;
  std::string name;
  const toml::node* node;
};

// The table's keys in file order, so that the first error reported is the
// first in the file (toml++ keeps keys sorted by name).
std::vector<Field> FieldsInOrder(const toml::table& table) {
  std::vector<Field> fields;
  for (auto&& [key, node] : table)
    fields.push_back({LineOf(key, node), std::string(key.str()), &node});
  std::stable_sort(fields.begin(), fields.end(),
                   [](const Field& a, const Field& b) { return a.line < b.line; });
  return fields;
}

Status ReadRule(const Context& ctx, const toml::table& table, Draft* d) {
  PROBITY_ASSIGN_OR_RETURN(d->spec, ReadType(ctx, table));
  d->rule.type = d->spec->type;
  d->table_line = LineOf(table);
  for (const Field& f : FieldsInOrder(table)) {
    const KeyName* key = FindKey(f.name);
    if (key == nullptr) {
      return Error(ctx, f.line,
                   "unknown key '" + f.name + "' in a [[rule]]; the keys are " + KeyList(~0u) +
                       " (docs/policies.md)");
    }
    if ((d->spec->allowed & key->key) == 0) {
      return Error(ctx, f.line,
                   "'" + f.name + "' is not used by rules of type \"" + d->spec->name +
                       "\"; remove it (this type takes " + KeyList(d->spec->allowed) + ")");
    }
    PROBITY_RETURN_IF_ERROR(ReadValue(ctx, key->key, *f.node, &d->rule));
    d->seen |= key->key;
    d->line_of[key->key] = f.line;
  }
  PROBITY_RETURN_IF_ERROR(CheckRequired(ctx, *d));
  return CheckAcross(ctx, *d);
}

}  // namespace

Status ReadRules(const Context& ctx, const toml::node& node, Pack* pack) {
  const toml::array* rules = node.as_array();
  if (rules == nullptr || rules->empty() || !rules->is_array_of_tables()) {
    return Error(ctx, LineOf(node),
                 "'rule' must be one or more [[rule]] tables; write each " +
                     std::string("rule under a [[rule]] line"));
  }
  std::map<std::string, std::uint32_t> id_lines;
  for (const toml::node& entry : *rules) {
    if (pack->rules.size() == kPackRulesMax) {
      return Error(ctx, LineOf(entry),
                   "too many rules: a pack holds at most " + std::to_string(kPackRulesMax) +
                       "; split the pack");
    }
    Draft d;
    PROBITY_RETURN_IF_ERROR(ReadRule(ctx, *entry.as_table(), &d));
    const std::uint32_t line = d.line_of.at(kId);
    auto [it, inserted] = id_lines.emplace(d.rule.id, line);
    if (!inserted) {
      return Error(ctx, line,
                   "duplicate rule id '" + d.rule.id + "' (first on line " +
                       std::to_string(it->second) + "); give each rule its own id");
    }
    pack->rules.push_back(std::move(d.rule));
  }
  return Status::OK();
}

}  // namespace probity::pack_toml
