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

Result<PublicKey> Replay::Apply(const EntryFacts& entry) {
  PROBITY_ASSIGN_OR_RETURN(std::int64_t ts, ParseTimestamp(entry.ts));
  if (ts < last_ts_) return Status::VerificationFailed("timestamp goes backwards");
  PROBITY_ASSIGN_OR_RETURN(PublicKey key, signers_.KeyFor(entry));
  PROBITY_RETURN_IF_ERROR(signers_.Apply(entry));
  PROBITY_RETURN_IF_ERROR(CheckRecord(entry));
  last_ts_ = ts;
  return key;
}

Status Replay::CheckRecord(const EntryFacts& f) {
  const std::string& kind = f.kind;
  const std::int64_t seq = f.seq;
  const Json& e = f.entry;  // null for a gift kind: its fields are in `f`
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
  // The subject the entry names, if any.
  const std::string* named = nullptr;
  if (f.gift_kind) {
    if (!f.subject.empty()) named = &f.subject;
  } else if (e.contains("subject")) {
    named = &Str(e, "subject");
  }
  StringTable::Id subject = StringTable::kNone;
  if (named != nullptr) {
    subject = donors_.Find(*named);
    if (subject == StringTable::kNone) {
      return Status::VerificationFailed("names subject " + *named + ", who was never registered");
    }
  }
  // The register first: a refused entry must leave the erased-subject state as it was.
  PROBITY_RETURN_IF_ERROR(CheckGdprRecord(kind, e));
  PROBITY_RETURN_IF_ERROR(CheckSubjectRecord(f, subject));
  if (kind == "donation") {
    AddGift(f, subject);
    AddObligations(f.obligations, seq);
  } else if (kind == "refund") {
    return CheckRefund(f, subject);
  } else if (kind == "correction") {
    return CheckCorrection(f, subject);
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
void Replay::AddGift(const EntryFacts& f, StringTable::Id subject) {
  PROBITY_ASSERT(f.seq >= 0);
  const auto at = static_cast<std::size_t>(f.seq);
  if (gifts_.size() <= at) gifts_.resize(at + 1);
  gifts_[at] =
      Gift{f.amount_minor,       0, subject, names_.Intern(f.currency), names_.Intern(f.scope),
           PackDateText(f.date), 0};
}

// The rules a donation (or a correction restating it) carries: an
// obligation_resolved must name one of them. `obligations`: null if none.
void Replay::AddObligations(const Json& obligations, std::int64_t donation_seq) {
  if (obligations.is_null()) return;
  for (const Json& o : obligations) obligations_.insert({donation_seq, Str(o, "rule")});
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
Status Replay::CheckRefund(const EntryFacts& f, StringTable::Id subject) {
  Gift* g = GiftAt(f.donation_seq);
  const PackedDate date = PackDateText(f.date);
  if (g == nullptr || g->subject == StringTable::kNone || g->subject != subject ||
      g->currency != names_.Find(f.currency) || date < g->date ||
      f.amount_minor > g->amount_minor - g->refunded_minor) {
    return Status::VerificationFailed(
        "refund does not match an earlier donation "
        "(donor, currency, date or amount left)");
  }
  g->refunded_minor += f.amount_minor;
  if (g->first_refund_date == 0 || date < g->first_refund_date) g->first_refund_date = date;
  return Status::OK();
}

// A correction restates an earlier donation with the same donor, scope and
// currency, never below what was refunded nor dated after the first refund.
// `subject`: the entry's, registered, or kNone if it names none (anonymous).
Status Replay::CheckCorrection(const EntryFacts& f, StringTable::Id subject) {
  Gift* g = GiftAt(f.donation_seq);
  if (g == nullptr || g->subject != subject || g->scope != names_.Find(f.scope) ||
      g->currency != names_.Find(f.currency)) {
    return Status::VerificationFailed(
        "correction does not match an earlier donation "
        "(donor, scope or currency)");
  }
  const PackedDate date = PackDateText(f.date);
  if (f.amount_minor < g->refunded_minor ||
      (g->first_refund_date != 0 && date > g->first_refund_date)) {
    return Status::VerificationFailed(
        "correction leaves the donation below what was refunded "
        "or dated after its first refund");
  }
  g->amount_minor = f.amount_minor;
  g->date = date;
  AddObligations(f.obligations, f.donation_seq);
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
