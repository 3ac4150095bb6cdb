// Donation listing, refunds and consents (see records.h).
#include <map>

#include "ledger/records.h"

namespace probity {
namespace {

// Sum of refunds per donation seq, for one subject (or all when empty).
Result<std::map<std::int64_t, std::int64_t>> RefundedBySeq(Store& store,
                                                           const std::string& subject) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs, store.FindEntries("refund", subject));
  std::map<std::int64_t, std::int64_t> refunded;
  for (std::int64_t seq : seqs) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
    refunded[e["donation_seq"].get<std::int64_t>()] += e["amount_minor"].get<std::int64_t>();
  }
  return refunded;
}

DonationRecord DonationFromEntry(const Json& e, std::int64_t refunded_minor) {
  DonationRecord d;
  d.seq = e["seq"].get<std::int64_t>();
  d.subject = e.value("subject", "");  // empty for an anonymous gift
  d.amount_minor = e["amount_minor"].get<std::int64_t>();
  d.refunded_minor = refunded_minor;
  d.currency = e["currency"].get<std::string>();
  d.method = e["method"].get<std::string>();
  d.date = e["date"].get<std::string>();
  d.scope = e["scope"].get<std::string>();
  return d;
}

Status CheckRefund(Store& store, const NewRefund& r, Json* donation) {
  Result<Json> found = ReadDecodedEntry(store, r.donation_seq);
  if (!found.ok() || found.value()["kind"] != "donation") {
    return Status::NotFound("entry " + std::to_string(r.donation_seq) +
                            " is not a donation; see `probity donation list`");
  }
  *donation = found.value();
  if (!donation->contains("subject")) {
    return Status::InvalidArgument("donation " + std::to_string(r.donation_seq) +
                                   " is anonymous: there is no donor to refund");
  }
  const std::string currency = (*donation)["currency"].get<std::string>();
  if (currency != r.amount.currency_code()) {
    return Status::InvalidArgument("donation " + std::to_string(r.donation_seq) + " is in " +
                                   currency + "; refund it in " + currency);
  }
  PROBITY_ASSIGN_OR_RETURN(Date donated, ParseDate((*donation)["date"].get<std::string>()));
  if (r.date < donated) {
    return Status::InvalidArgument("a refund cannot be dated before its donation (" +
                                   FormatDate(donated) + ")");
  }
  const std::string subject = (*donation)["subject"].get<std::string>();
  PROBITY_ASSIGN_OR_RETURN(auto refunded, RefundedBySeq(store, subject));
  const std::int64_t left = (*donation)["amount_minor"].get<std::int64_t>() -
                            refunded[r.donation_seq];
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

}  // namespace

Result<std::vector<DonationRecord>> ListDonations(Ledger& ledger, const std::string& scope,
                                                  const std::string& subject) {
  Store& store = ledger.store();
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs, store.FindEntries("donation", subject));
  PROBITY_ASSIGN_OR_RETURN(auto refunded, RefundedBySeq(store, subject));
  std::vector<DonationRecord> out;
  for (std::int64_t seq : seqs) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
    if (!scope.empty() && e["scope"] != scope) continue;
    out.push_back(DonationFromEntry(e, refunded[seq]));
  }
  return out;
}

Result<std::int64_t> AddRefund(Ledger& ledger, const NamedKey& key, const NewRefund& r) {
  if (r.amount.amount_minor() <= 0) return Status::InvalidArgument("the amount must be positive");
  if (!r.reason.empty()) PROBITY_RETURN_IF_ERROR(ValidateReasonText(r.reason));
  return AppendOne(ledger, key, [&](AppendBatch& batch) -> Result<EntryDraft> {
    Json donation;
    PROBITY_RETURN_IF_ERROR(CheckRefund(batch.store(), r, &donation));
    EntryDraft draft{"refund", Json::object()};
    draft.fields["subject"] = donation["subject"];
    draft.fields["donation_seq"] = r.donation_seq;
    draft.fields["amount_minor"] = r.amount.amount_minor_i64();
    draft.fields["currency"] = std::string(r.amount.currency_code());
    draft.fields["date"] = FormatDate(r.date);
    if (!r.reason.empty()) draft.fields["reason"] = r.reason;
    return draft;
  });
}

Result<std::int64_t> GrantConsent(Ledger& ledger, const NamedKey& key, const NewConsent& c) {
  PROBITY_RETURN_IF_ERROR(ValidateScopeId(c.purpose).WithContext("--purpose"));
  PROBITY_RETURN_IF_ERROR(ValidateScopeId(c.channel).WithContext("--channel"));
  return AppendOne(ledger, key, [&](AppendBatch& batch) -> Result<EntryDraft> {
    PROBITY_RETURN_IF_ERROR(RequireDonorExists(batch.store(), c.subject));
    EntryDraft draft{"consent", Json::object()};
    draft.fields["subject"] = c.subject;
    draft.fields["purpose"] = c.purpose;
    draft.fields["text_sha256"] = c.text_sha256;
    draft.fields["channel"] = c.channel;
    draft.fields["date"] = FormatDate(c.date);
    return draft;
  });
}

Result<std::int64_t> WithdrawConsent(Ledger& ledger, const NamedKey& key,
                                     const std::string& subject, const std::string& purpose,
                                     const Date& date) {
  PROBITY_RETURN_IF_ERROR(ValidateScopeId(purpose).WithContext("--purpose"));
  return AppendOne(ledger, key, [&](AppendBatch& batch) -> Result<EntryDraft> {
    PROBITY_RETURN_IF_ERROR(RequireDonorExists(batch.store(), subject));
    PROBITY_ASSIGN_OR_RETURN(std::int64_t active, ActiveConsent(batch.store(), subject, purpose));
    if (active < 0) {
      return Status::NotFound(subject + " has no consent in force for purpose \"" + purpose + "\"");
    }
    EntryDraft draft{"consent_withdrawal", Json::object()};
    draft.fields["subject"] = subject;
    draft.fields["purpose"] = purpose;
    draft.fields["consent_seq"] = active;
    draft.fields["date"] = FormatDate(date);
    return draft;
  });
}

}  // namespace probity
