#include "policies/scopes.h"

#include "ledger/encoding.h"

namespace probity {
namespace {

// The adopted text of `pack_id`, if any, and the seq that adopted it.
Result<std::optional<std::pair<std::int64_t, Json>>> FindAdoption(Store& store,
                                                                  const std::string& pack_id) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs, store.FindEntries("policy_adopted", ""));
  for (std::int64_t seq : seqs) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
    if (e["pack_id"] == pack_id) return std::optional(std::make_pair(seq, e));
  }
  return std::optional<std::pair<std::int64_t, Json>>();
}

Result<std::map<std::string, std::int64_t>> ParseParams(const Pack& pack, const NewScope& s) {
  std::map<std::string, std::int64_t> out;
  for (const auto& [name, text] : s.params) {
    bool known = std::any_of(pack.scope_params.begin(), pack.scope_params.end(),
                             [&](const ScopeParam& p) { return p.name == name; });
    if (!known) {
      return Status::InvalidArgument("policy pack " + pack.id + " has no scope parameter \"" +
                                     name + "\"");
    }
    PROBITY_ASSIGN_OR_RETURN(Money m, ParseMoney(text, pack.currency.code, Sign::kNonNegative));
    out[name] = m.amount_minor_i64();
  }
  for (const ScopeParam& p : pack.scope_params) {
    if (p.required && out.count(p.name) == 0) {
      return Status::InvalidArgument("policy pack " + pack.id + " needs --param " + p.name +
                                     "=AMOUNT (" + p.source + ")");
    }
  }
  return out;
}

Status CheckDates(const Pack& pack, const Date& from, const Date& until) {
  if (until < from) return Status::InvalidArgument("the scope ends before it starts");
  if (from < pack.valid_from || pack.valid_until < until) {
    return Status::InvalidArgument("policy pack " + pack.id + " is valid from " +
                                   FormatDate(pack.valid_from) + " to " +
                                   FormatDate(pack.valid_until) +
                                   "; the scope's dates must lie within them");
  }
  return Status::OK();
}

// Appends policy_adopted unless the same bytes are already adopted.
Status Adopt(AppendBatch& batch, const Pack& pack) {
  PROBITY_ASSIGN_OR_RETURN(auto adopted, FindAdoption(batch.store(), pack.id));
  const std::string sha = HexEncode(pack.sha256);
  if (adopted.has_value()) {
    if (adopted->second["pack_sha256"] == sha) return Status::OK();
    return Status::InvalidArgument("policy pack " + pack.id + " was adopted with different "
                                   "contents; a changed pack needs a new id");
  }
  EntryDraft draft{"policy_adopted", Json::object()};
  draft.fields["pack_id"] = pack.id;
  draft.fields["pack_sha256"] = sha;
  draft.fields["pack_toml"] = pack.text;
  return batch.Add(draft).status();
}

Result<BoundScope> BindScope(Store& store, const Json& e) {
  BoundScope b;
  b.seq = e["seq"].get<std::int64_t>();
  PROBITY_ASSIGN_OR_RETURN(b.info, ScopeInfoOf(e));
  PROBITY_ASSIGN_OR_RETURN(auto adopted, FindAdoption(store, b.info.pack_id));
  if (!adopted.has_value() || adopted->second["pack_sha256"] != e["pack_sha256"]) {
    return Status::Corruption("scope " + b.info.id + " names a pack this ledger did not adopt");
  }
  PROBITY_ASSIGN_OR_RETURN(
      b.pack, ParsePack(adopted->second["pack_toml"].get<std::string>(),
                        "ledger entry " + std::to_string(adopted->first)));
  return b;
}

}  // namespace

Result<ScopeInfo> ScopeInfoOf(const Json& e) {
  ScopeInfo info;
  info.id = e["scope"].get<std::string>();
  info.pack_id = e["pack_id"].get<std::string>();
  PROBITY_ASSIGN_OR_RETURN(info.valid_from, ParseDate(e["valid_from"].get<std::string>()));
  PROBITY_ASSIGN_OR_RETURN(info.valid_until, ParseDate(e["valid_until"].get<std::string>()));
  if (e.contains("params")) {
    const Json& params = e["params"];
    for (auto it = params.begin(); it != params.end(); ++it) {
      info.params_minor[it.key()] = it.value().get<std::int64_t>();
    }
  }
  return info;
}

Result<std::int64_t> AddScope(Ledger& ledger, const NamedKey& key, const Pack& pack,
                              const NewScope& s) {
  PROBITY_RETURN_IF_ERROR(ValidateScopeId(s.id));
  const Date from = s.valid_from.value_or(pack.valid_from);
  const Date until = s.valid_until.value_or(pack.valid_until);
  PROBITY_RETURN_IF_ERROR(CheckDates(pack, from, until));
  PROBITY_ASSIGN_OR_RETURN(auto params, ParseParams(pack, s));
  std::int64_t seq = -1;
  Result<std::vector<std::int64_t>> seqs = ledger.Append(key, [&](AppendBatch& batch) -> Status {
    Result<BoundScope> existing = LoadScope(batch.store(), s.id);
    if (existing.ok()) return Status::InvalidArgument("scope " + s.id + " already exists");
    if (!existing.status().IsNotFound()) return existing.status();
    PROBITY_RETURN_IF_ERROR(Adopt(batch, pack));
    EntryDraft draft{"scope_added", Json::object()};
    draft.fields["scope"] = s.id;
    draft.fields["pack_id"] = pack.id;
    draft.fields["pack_sha256"] = HexEncode(pack.sha256);
    draft.fields["valid_from"] = FormatDate(from);
    draft.fields["valid_until"] = FormatDate(until);
    if (!params.empty()) draft.fields["params"] = params;
    PROBITY_ASSIGN_OR_RETURN(seq, batch.Add(draft));
    return Status::OK();
  });
  if (!seqs.ok()) return seqs.status();
  return seq;
}

Result<BoundScope> LoadScope(Store& store, const std::string& scope_id) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs, store.FindEntries("scope_added", ""));
  for (std::int64_t seq : seqs) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
    if (e["scope"] == scope_id) return BindScope(store, e);
  }
  return Status::NotFound("no scope " + scope_id + " in this ledger; add it with `probity scope "
                          "add " + scope_id + " --pack PACK`");
}

Result<std::vector<BoundScope>> ListScopes(Store& store) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs, store.FindEntries("scope_added", ""));
  std::vector<BoundScope> out;
  for (std::int64_t seq : seqs) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
    PROBITY_ASSIGN_OR_RETURN(BoundScope b, BindScope(store, e));
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace probity
