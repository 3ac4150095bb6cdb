#include "ledger/replay.h"

#include "ledger/assert.h"
#include "ledger/crypto.h"
#include "ledger/date.h"
#include "ledger/encoding.h"

namespace probity {
namespace {

const std::string& Str(const Json& e, const char* field) {
  return e[field].get_ref<const std::string&>();
}
std::int64_t Int(const Json& e, const char* field) { return e[field].get<std::int64_t>(); }

}  // namespace

Result<PublicKey> Replay::Apply(const Json& entry) {
  PROBITY_ASSIGN_OR_RETURN(std::int64_t ts, ParseTimestamp(Str(entry, "ts")));
  if (ts < last_ts_) return Status::VerificationFailed("timestamp goes backwards");
  PROBITY_ASSIGN_OR_RETURN(PublicKey key, signers_.KeyFor(entry));
  PROBITY_RETURN_IF_ERROR(signers_.Apply(entry));
  PROBITY_RETURN_IF_ERROR(CheckRecord(entry));
  last_ts_ = ts;
  return key;
}

Status Replay::CheckRecord(const Json& e) {
  const std::string& kind = Str(e, "kind");
  const std::int64_t seq = Int(e, "seq");
  if (kind == "policy_adopted" || kind == "scope_added" || kind == "obligation_resolved") {
    return CheckPolicyRecord(e);
  }
  if (kind == "donor_added") {
    const std::size_t before = donors_.size();
    donors_.Intern(Str(e, "subject"));
    if (donors_.size() == before) {
      return Status::VerificationFailed("subject " + Str(e, "subject") + " registered twice");
    }
    erased_.push_back(-1);
    return Status::OK();
  }
  StringTable::Id subject = StringTable::kNone;
  if (e.contains("subject")) {
    subject = donors_.Find(Str(e, "subject"));
    if (subject == StringTable::kNone) {
      return Status::VerificationFailed("names subject " + Str(e, "subject") +
                                        ", who was never registered");
    }
  }
  // The register first: a refused entry must leave the erased-subject state as it was.
  PROBITY_RETURN_IF_ERROR(CheckGdprRecord(e));
  PROBITY_RETURN_IF_ERROR(CheckSubjectRecord(e, subject));
  if (kind == "donation") {
    AddGift(e, seq, subject);
    if (e.contains("obligations")) {
      for (const Json& o : e["obligations"]) obligations_.insert({seq, Str(o, "rule")});
    }
  } else if (kind == "refund") {
    return CheckRefund(e, subject);
  } else if (kind == "correction") {
    return CheckCorrection(e, subject);
  } else if (kind == "consent") {
    consents_[{Str(e, "subject"), Str(e, "purpose")}] = seq;
  } else if (kind == "consent_withdrawal") {
    auto it = consents_.find({Str(e, "subject"), Str(e, "purpose")});
    if (it == consents_.end() || it->second != Int(e, "consent_seq")) {
      return Status::VerificationFailed("withdraws a consent that is not in force");
    }
    consents_.erase(it);
  }
  return Status::OK();
}

// Entries come in seq order, so the new donation goes at the end.
void Replay::AddGift(const Json& e, std::int64_t seq, StringTable::Id subject) {
  PROBITY_ASSERT(seq >= 0);
  const auto at = static_cast<std::size_t>(seq);
  if (gifts_.size() <= at) gifts_.resize(at + 1);
  gifts_[at] = Gift{Int(e, "amount_minor"),
                    0,
                    subject,
                    names_.Intern(Str(e, "currency")),
                    names_.Intern(Str(e, "scope")),
                    PackDateText(Str(e, "date")),
                    0};
}

Replay::Gift* Replay::GiftAt(std::int64_t seq) {
  if (seq < 0 || static_cast<std::uint64_t>(seq) >= gifts_.size()) return nullptr;
  Gift& g = gifts_[static_cast<std::size_t>(seq)];
  return g.scope == StringTable::kNone ? nullptr : &g;
}

// A refund names an earlier identified donation, in its currency, dated no
// earlier, and never takes back more than is left of it. (Ids compare as
// their strings: `subject` is the entry's, registered; a currency that no
// donation has has no id.)
Status Replay::CheckRefund(const Json& e, StringTable::Id subject) {
  Gift* g = GiftAt(Int(e, "donation_seq"));
  const PackedDate date = PackDateText(Str(e, "date"));
  if (g == nullptr || g->subject == StringTable::kNone || g->subject != subject ||
      g->currency != names_.Find(Str(e, "currency")) || date < g->date ||
      Int(e, "amount_minor") > g->amount_minor - g->refunded_minor) {
    return Status::VerificationFailed(
        "refund does not match an earlier donation "
        "(donor, currency, date or amount left)");
  }
  g->refunded_minor += Int(e, "amount_minor");
  if (g->first_refund_date == 0 || date < g->first_refund_date) g->first_refund_date = date;
  return Status::OK();
}

// A correction restates an earlier donation with the same donor, scope and
// currency, never below what was refunded nor dated after the first refund.
// `subject`: the entry's, registered, or kNone if it names none (anonymous).
Status Replay::CheckCorrection(const Json& e, StringTable::Id subject) {
  Gift* g = GiftAt(Int(e, "donation_seq"));
  if (g == nullptr || g->subject != subject || g->scope != names_.Find(Str(e, "scope")) ||
      g->currency != names_.Find(Str(e, "currency"))) {
    return Status::VerificationFailed(
        "correction does not match an earlier donation "
        "(donor, scope or currency)");
  }
  const PackedDate date = PackDateText(Str(e, "date"));
  if (Int(e, "amount_minor") < g->refunded_minor ||
      (g->first_refund_date != 0 && date > g->first_refund_date)) {
    return Status::VerificationFailed(
        "correction leaves the donation below what was refunded "
        "or dated after its first refund");
  }
  g->amount_minor = Int(e, "amount_minor");
  g->date = date;
  if (e.contains("obligations")) {
    for (const Json& o : e["obligations"]) {
      obligations_.insert({Int(e, "donation_seq"), Str(o, "rule")});
    }
  }
  return Status::OK();
}

// Packs, scopes and obligations: a scope names a pack adopted earlier with the
// same bytes, and the adopted text hashes to the recorded SHA-256.
Status Replay::CheckPolicyRecord(const Json& e) {
  const std::string& kind = Str(e, "kind");
  if (kind == "policy_adopted") {
    if (HexEncode(Sha256(AsBytes(Str(e, "pack_toml")))) != Str(e, "pack_sha256")) {
      return Status::VerificationFailed("the adopted pack's text does not match its SHA-256");
    }
    if (!packs_.emplace(Str(e, "pack_id"), Str(e, "pack_sha256")).second) {
      return Status::VerificationFailed("pack " + Str(e, "pack_id") + " adopted twice");
    }
  } else if (kind == "scope_added") {
    auto pack = packs_.find(Str(e, "pack_id"));
    if (pack == packs_.end() || pack->second != Str(e, "pack_sha256")) {
      return Status::VerificationFailed("scope " + Str(e, "scope") +
                                        " names a pack that was not adopted");
    }
    if (!scopes_.insert(Str(e, "scope")).second) {
      return Status::VerificationFailed("scope " + Str(e, "scope") + " added twice");
    }
  } else if (obligations_.count({Int(e, "donation_seq"), Str(e, "rule")}) == 0) {
    return Status::VerificationFailed("resolves an obligation that no donation carries");
  }
  return Status::OK();
}

}  // namespace probity
