// The set of keys allowed to sign, replayed from the ledger's own entries:
// ledger_created authorises its founder (and is signed by it), signer_added
// and signer_revoked change the set from the next entry on.
// Owned by whoever replays; not thread safe.
#ifndef PROBITY_LEDGER_SIGNERS_H_
#define PROBITY_LEDGER_SIGNERS_H_

#include <map>
#include <string>

#include "ledger/canonical_json.h"
#include "ledger/entry_facts.h"
#include "ledger/note.h"
#include "ledger/status.h"

namespace probity {

struct Signer {
  std::string name;
  PublicKey key{};
  std::string key_id;  // 8 hex
  bool revoked = false;
  std::int64_t added_seq = 0;
  std::int64_t revoked_seq = -1;
};

class SignerSet {
 public:
  // The public key that must have signed `entry` (a validated entry), or
  // VerificationFailed if its signer was not authorised at that point.
  Result<PublicKey> KeyFor(const Json& entry) const;
  Result<PublicKey> KeyFor(const EntryFacts& entry) const;
  // Applies the entry's effect on the set (no-op for other kinds).
  // VerificationFailed for an impossible change (a second ledger_created,
  // a duplicate key id, revoking an unknown or revoked key, the last signer).
  [[nodiscard]] Status Apply(const Json& entry);
  [[nodiscard]] Status Apply(const EntryFacts& entry);

  // An active signer by key id, or nullptr.
  const Signer* FindActive(const std::string& key_id) const;
  const std::map<std::string, Signer>& all() const { return signers_; }
  bool empty() const { return signers_.empty(); }

 private:
  // `entry`: the whole entry, read only for the signer kinds (EntryFacts
  // keeps theirs).
  Result<PublicKey> KeyFor(const std::string& kind, const std::string& signer,
                           const Json& entry) const;
  [[nodiscard]] Status Apply(const std::string& kind, std::int64_t seq, const Json& entry);

  std::map<std::string, Signer> signers_;  // by key id
};

}  // namespace probity

#endif  // PROBITY_LEDGER_SIGNERS_H_
