#include "ledger/signers.h"

#include "ledger/encoding.h"

namespace probity {
namespace {

Result<Signer> SignerFromEntry(const Json& entry) {
  Signer s;
  s.name = entry["signer_name"].get<std::string>();
  PROBITY_ASSIGN_OR_RETURN(
      s.key, Base64DecodeFixed<kPublicKeyBytes>(entry["signer_key"].get<std::string>(), "key"));
  s.key_id = KeyIdHex(NoteKeyId(s.name, s.key));
  s.added_seq = entry["seq"].get<std::int64_t>();
  return s;
}

}  // namespace

Result<PublicKey> SignerSet::KeyFor(const Json& entry) const {
  return KeyFor(entry["kind"].get_ref<const std::string&>(),
                entry["signer"].get_ref<const std::string&>(), entry);
}

Result<PublicKey> SignerSet::KeyFor(const EntryFacts& entry) const {
  return KeyFor(entry.kind, entry.signer, entry.entry);
}

Result<PublicKey> SignerSet::KeyFor(const std::string& kind, const std::string& signer,
                                    const Json& entry) const {
  if (kind == "ledger_created") {
    // The founding entry authorises the key it names, and only that key may sign it.
    PROBITY_ASSIGN_OR_RETURN(Signer founder, SignerFromEntry(entry));
    if (founder.key_id != signer) {
      return Status::VerificationFailed("ledger_created is not signed by the key it names");
    }
    return founder.key;
  }
  const Signer* s = FindActive(signer);
  if (s == nullptr) {
    return Status::VerificationFailed("signer " + signer +
                                      " was not an authorised signer of this ledger at that point");
  }
  return s->key;
}

Status SignerSet::Apply(const Json& entry) {
  return Apply(entry["kind"].get_ref<const std::string&>(), entry["seq"].get<std::int64_t>(),
               entry);
}

Status SignerSet::Apply(const EntryFacts& entry) {
  return Apply(entry.kind, entry.seq, entry.entry);
}

Status SignerSet::Apply(const std::string& kind, std::int64_t seq, const Json& entry) {
  if ((kind == "ledger_created") != (seq == 0)) {
    return Status::VerificationFailed("entry 0, and only entry 0, must be ledger_created");
  }
  if (kind == "ledger_created" || kind == "signer_added") {
    PROBITY_ASSIGN_OR_RETURN(Signer s, SignerFromEntry(entry));
    if (signers_.count(s.key_id) != 0) {
      return Status::VerificationFailed("signer key id " + s.key_id + " is already registered");
    }
    // One public key under two names would be two ids: revoking one would
    // leave the same key signing under the other.
    for (const auto& [id, other] : signers_) {
      if (other.key == s.key) {
        return Status::VerificationFailed("this public key is already registered as " +
                                          other.name + " (" + id + ")");
      }
    }
    signers_.emplace(s.key_id, s);
    return Status::OK();
  }
  if (kind == "signer_revoked") {
    const std::string id = entry["key_id"].get<std::string>();
    auto it = signers_.find(id);
    if (it == signers_.end() || it->second.revoked) {
      return Status::VerificationFailed("signer_revoked names " + id +
                                        ", which is not an active signer");
    }
    // The checkpoint written with this entry is signed by the entry's signer,
    // which must still be authorised after it: a key cannot revoke itself.
    if (id == entry["signer"].get<std::string>()) {
      return Status::VerificationFailed("a key cannot revoke itself; another signer must do it");
    }
    std::size_t active = 0;
    for (const auto& [key_id, s] : signers_) active += s.revoked ? 0 : 1;
    if (active == 1) {
      return Status::VerificationFailed("the last active signer cannot be revoked");
    }
    it->second.revoked = true;
    it->second.revoked_seq = seq;
  }
  return Status::OK();
}

const Signer* SignerSet::FindActive(const std::string& key_id) const {
  auto it = signers_.find(key_id);
  if (it == signers_.end() || it->second.revoked) return nullptr;
  return &it->second;
}

}  // namespace probity
