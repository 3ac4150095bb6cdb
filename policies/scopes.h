// Scopes (an election or a financing period) and the policy packs they are
// bound to, as recorded in the ledger: policy_adopted holds the pack's exact
// text and SHA-256, scope_added binds a scope to an adopted pack. Decisions
// always use the ledger's own copy of a pack, never a file that may have
// changed since.
#ifndef PROBITY_POLICIES_SCOPES_H_
#define PROBITY_POLICIES_SCOPES_H_

#include <map>
#include <string>
#include <vector>

#include "ledger/ledger.h"
#include "policies/engine.h"

namespace probity {

struct NewScope {
  std::string id;
  std::string pack_id;
  std::optional<Date> valid_from;   // default: the pack's validity
  std::optional<Date> valid_until;
  std::map<std::string, std::string> params;  // name -> decimal text in the pack currency
};

// Adopts the pack if this ledger has not yet (same id and bytes), then adds
// the scope. Returns the seq of the scope_added entry. InvalidArgument if the
// scope exists, the pack id was adopted with other bytes, a required parameter
// is missing or an unknown one given, or the dates are outside the pack's.
Result<std::int64_t> AddScope(Ledger& ledger, const NamedKey& key, const Pack& pack,
                              const NewScope& scope);

struct BoundScope {
  ScopeInfo info;
  Pack pack;
  std::int64_t seq = 0;
};
// The scope a (validated) scope_added entry describes.
Result<ScopeInfo> ScopeInfoOf(const Json& scope_added);
// NotFound if the scope was never added.
Result<BoundScope> LoadScope(Store& store, const std::string& scope_id);
Result<std::vector<BoundScope>> ListScopes(Store& store);

}  // namespace probity

#endif  // PROBITY_POLICIES_SCOPES_H_
