// Donation listing, refunds and consents (see records.h).
#include <algorithm>
#include <map>

#include "ledger/records.h"
#include "ledger/gdpr_records.h"
#include "ledger/subjects.h"

namespace probity {
namespace {

// The fields a donation or a correction states about the gift.
void Restate(DonationRecord& d, const Json& e) {
  d.amount_minor = e["amount_minor"].get<std::int64_t>();
  d.method = e["method"].get<std::string>();
  d.date = e["date"].get<std::string>();
  d.obligations = e.value("obligations", Json::array());
  d.flags = e.value("flags", Json::array());
}

// Folds donations, refunds and corrections, read in seq order, into records.
class DonationFold {
 public:
  void Apply(const Json& e) {
    const std::string kind = e["kind"].get<std::string>();
    if (kind == "donation") {
      DonationRecord& d = by_seq_[e["seq"].get<std::int64_t>()];
      d.seq = e["seq"].get<std::int64_t>();
      d.subject = e.value("subject", "");
      d.currency = e["currency"].get<std::string>();
      d.scope = e["scope"].get<std::string>();
      d.election = e.value("election", "");
      d.nature = e.value("nature", "gift");
      d.cap_declared = e.contains("cap_declared");
      d.receipt = e.value("receipt", "");
      d.import_ref = e.value("import_ref", "");
      d.import_aggregate_minor = e.value("import_aggregate_minor", std::int64_t{0});
      Restate(d, e);
      return;
    }
    if (kind != "refund" && kind != "correction") return;
    auto it = by_seq_.find(e["donation_seq"].get<std::int64_t>());
    if (it == by_seq_.end()) return;  // verify reports such an entry; listings skip it
    DonationRecord& d = it->second;
    if (kind == "correction") {
      Restate(d, e);
      ++d.corrections;
      return;
    }
    d.refunded_minor += e["amount_minor"].get<std::int64_t>();
    const std::string date = e["date"].get<std::string>();
    if (d.first_refund_date.empty() || date < d.first_refund_date) d.first_refund_date = date;
  }
  std::map<std::int64_t, DonationRecord>& records() { return by_seq_; }

 private:
  std::map<std::int64_t, DonationRecord> by_seq_;
};

Result<DonationFold> FoldEntries(Store& store, const std::vector<std::int64_t>& seqs) {
  DonationFold fold;
  for (std::int64_t seq : seqs) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
    fold.Apply(e);
  }
  return fold;
}

Status CheckRefund(Store& store, const NewRefund& r, DonationRecord* donation) {
  Result<DonationRecord> found = LoadDonation(store, r.donation_seq);
  if (!found.ok()) {
    if (!found.status().IsNotFound()) return found.status();
    return Status::NotFound("entry " + std::to_string(r.donation_seq) +
                            " is not a donation; see `probity donation list`");
  }
  *donation = std::move(found.value());
  if (donation->subject.empty()) {
    return Status::InvalidArgument("donation " + std::to_string(r.donation_seq) +
                                   " is anonymous: there is no donor to refund");
  }
  if (donation->currency != r.amount.currency_code()) {
    return Status::InvalidArgument("donation " + std::to_string(r.donation_seq) + " is in " +
                                   donation->currency + "; refund it in " + donation->currency);
  }
  PROBITY_ASSIGN_OR_RETURN(Date donated, ParseDate(donation->date));
  if (r.date < donated) {
    return Status::InvalidArgument("a refund cannot be dated before its donation (" +
                                   FormatDate(donated) + ")");
  }
  const std::int64_t left = donation->amount_minor - donation->refunded_minor;
  if (r.amount.amount_minor() > left) {
    return Status::InvalidArgument(
        "refund of " + r.amount.ToDisplay() + " is more than what is left of donation " +
        std::to_string(r.donation_seq) + " (" + Money(left, r.amount.currency()).ToDisplay() + ")");
  }
  return Status::OK();
}

// The seq of the consent currently in force for (subject, purpose), or -1.
Result<std::int64_t> ActiveConsent(Store& store, const std::string& subject,
                                   const std::string& purpose) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs, store.FindEntries("", subject));
  std::int64_t active = -1;
  for (std::int64_t seq : seqs) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
    if (e.value("purpose", "") != purpose) continue;
    if (e["kind"] == "consent") active = seq;
    if (e["kind"] == "consent_withdrawal") active = -1;
  }
  return active;
}

}  // namespace

Result<std::int64_t> AppendOne(Ledger& ledger, const NamedKey& key,
                               const std::function<Result<EntryDraft>(AppendBatch&)>& make) {
  std::int64_t seq = -1;
  Result<std::vector<std::int64_t>> seqs = ledger.Append(key, [&](AppendBatch& batch) {
    PROBITY_ASSIGN_OR_RETURN(EntryDraft draft, make(batch));
    PROBITY_ASSIGN_OR_RETURN(seq, batch.Add(draft));
    return Status::OK();
  });
  if (!seqs.ok()) return seqs.status();
  return seq;
}

Result<std::vector<DonationRecord>> LoadDonations(Store& store, const std::string& scope,
                                                  const std::string& subject) {
  std::vector<std::int64_t> seqs;
  if (!subject.empty()) {
    PROBITY_ASSIGN_OR_RETURN(seqs, store.FindEntries("", subject));
  } else {
    for (const char* kind : {"donation", "refund", "correction"}) {
      PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> some, store.FindEntries(kind, ""));
      seqs.insert(seqs.end(), some.begin(), some.end());
    }
    std::sort(seqs.begin(), seqs.end());
  }
  PROBITY_ASSIGN_OR_RETURN(DonationFold fold, FoldEntries(store, seqs));
  std::vector<DonationRecord> out;
  for (auto& [seq, d] : fold.records()) {
    if (scope.empty() || d.scope == scope) out.push_back(std::move(d));
  }
  return out;
}

Result<std::vector<DonationRecord>> ListDonations(Ledger& ledger, const std::string& scope,
                                                  const std::string& subject) {
  return LoadDonations(ledger.store(), scope, subject);
}

Result<DonationRecord> LoadDonation(Store& store, std::int64_t seq) {
  Result<Json> found = ReadDecodedEntry(store, seq);
  if (!found.ok() && !found.status().IsNotFound()) return found.status();
  if (!found.ok() || found.value()["kind"] != "donation") {
    return Status::NotFound("entry " + std::to_string(seq) + " is not a donation");
  }
  const Json& e = found.value();
  // An identified gift's refunds and corrections carry its subject; an
  // anonymous one cannot be refunded, and its corrections carry its scope.
  std::vector<std::int64_t> seqs;
  if (e.contains("subject")) {
    PROBITY_ASSIGN_OR_RETURN(seqs, store.FindEntries("", e["subject"].get<std::string>()));
  } else {
    PROBITY_ASSIGN_OR_RETURN(seqs,
                             store.FindScopeEntries(e["scope"].get<std::string>(), "correction"));
    seqs.insert(seqs.begin(), seq);
  }
  PROBITY_ASSIGN_OR_RETURN(DonationFold fold, FoldEntries(store, seqs));
  return std::move(fold.records().at(seq));
}

Result<std::int64_t> AddRefund(Ledger& ledger, const NamedKey& key, const NewRefund& r) {
  if (r.amount.amount_minor() <= 0) return Status::InvalidArgument("the amount must be positive");
  if (!r.reason.empty()) PROBITY_RETURN_IF_ERROR(ValidateReasonText(r.reason));
  return AppendOne(ledger, key, [&](AppendBatch& batch) -> Result<EntryDraft> {
    DonationRecord donation;
    PROBITY_RETURN_IF_ERROR(CheckRefund(batch.store(), r, &donation));
    EntryDraft draft{"refund", Json::object()};
    draft.fields["subject"] = donation.subject;
    draft.fields["donation_seq"] = r.donation_seq;
    draft.fields["amount_minor"] = r.amount.amount_minor_i64();
    draft.fields["currency"] = std::string(r.amount.currency_code());
    draft.fields["date"] = FormatDate(r.date);
    if (!r.reason.empty()) draft.fields["reason"] = r.reason;
    return draft;
  });
}

namespace {

// Fields both a consent and its withdrawal may carry; empty ones are left out.
Status AddConsentExtras(const std::string& channel, const std::string& evidence, Json* fields) {
  if (!channel.empty()) {
    PROBITY_RETURN_IF_ERROR(ValidateScopeId(channel).WithContext("--channel"));
    (*fields)["channel"] = channel;
  }
  if (!evidence.empty()) (*fields)["evidence"] = evidence;
  return Status::OK();
}

}  // namespace

Result<std::int64_t> GrantConsent(Ledger& ledger, const NamedKey& key, const NewConsent& c) {
  PROBITY_RETURN_IF_ERROR(ValidateScopeId(c.purpose).WithContext("--purpose"));
  if (c.channel.empty()) return Status::InvalidArgument("--channel: say how consent was given");
  return AppendOne(ledger, key, [&](AppendBatch& batch) -> Result<EntryDraft> {
    PROBITY_RETURN_IF_ERROR(RequireDonorNotErased(batch.store(), c.subject));
    PROBITY_RETURN_IF_ERROR(FindPurpose(batch.store(), c.purpose).status());
    EntryDraft draft{"consent", Json::object()};
    draft.fields["subject"] = c.subject;
    draft.fields["purpose"] = c.purpose;
    draft.fields["text_sha256"] = c.text_sha256;
    draft.fields["date"] = FormatDate(c.date);
    if (!c.text_version.empty()) draft.fields["text_version"] = c.text_version;
    PROBITY_RETURN_IF_ERROR(AddConsentExtras(c.channel, c.evidence, &draft.fields));
    return draft;
  });
}

Result<std::int64_t> WithdrawConsent(Ledger& ledger, const NamedKey& key, const NewWithdrawal& w) {
  PROBITY_RETURN_IF_ERROR(ValidateScopeId(w.purpose).WithContext("--purpose"));
  return AppendOne(ledger, key, [&](AppendBatch& batch) -> Result<EntryDraft> {
    PROBITY_RETURN_IF_ERROR(RequireDonorExists(batch.store(), w.subject));
    PROBITY_RETURN_IF_ERROR(FindPurpose(batch.store(), w.purpose).status());
    PROBITY_ASSIGN_OR_RETURN(std::int64_t active,
                             ActiveConsent(batch.store(), w.subject, w.purpose));
    if (active < 0) {
      return Status::NotFound(w.subject + " has no consent in force for purpose \"" + w.purpose +
                              "\"; `probity consent status " + w.subject + "` shows its consents");
    }
    PROBITY_ASSIGN_OR_RETURN(Json consent, ReadDecodedEntry(batch.store(), active));
    if (FormatDate(w.date) < consent["date"].get<std::string>()) {
      return Status::InvalidArgument("--date " + FormatDate(w.date) +
                                     " is before the consent it withdraws (" +
                                     consent["date"].get<std::string>() + ")");
    }
    EntryDraft draft{"consent_withdrawal", Json::object()};
    draft.fields["subject"] = w.subject;
    draft.fields["purpose"] = w.purpose;
    draft.fields["consent_seq"] = active;
    draft.fields["date"] = FormatDate(w.date);
    PROBITY_RETURN_IF_ERROR(AddConsentExtras(w.channel, w.evidence, &draft.fields));
    return draft;
  });
}

}  // namespace probity
