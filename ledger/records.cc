#include "ledger/records.h"

#include <algorithm>
#include <cctype>

#include "ledger/subjects.h"
#include "ledger/wipe.h"

namespace probity {
namespace {

std::string NewSubjectId() {
  std::array<std::uint8_t, 5> bytes{};
  RandomBytes(bytes);
  static const char kHex[] = "0123456789abcdef";
  std::string id = "S-";
  for (std::uint8_t b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 0xf];
  }
  return id;
}

}  // namespace

std::string NormaliseDonorName(const std::string& name) {
  std::string out;
  bool space = false;
  for (char ch : name) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isspace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(c));
  }
  return out;
}

Status RequireDonorExists(Store& store, const std::string& subject) {
  PROBITY_RETURN_IF_ERROR(ValidateSubjectId(subject));
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs,
                           store.FindEntries("donor_added", subject));
  if (seqs.empty()) {
    return Status::NotFound("no donor " + subject + " in this ledger; see `probity donor list`");
  }
  return Status::OK();
}

Status ValidateReasonText(const std::string& reason) {
  if (reason.size() > 256) return Status::InvalidArgument("--reason is longer than 256 bytes");
  if (HasControlChar(reason)) return Status::InvalidArgument("--reason has a control character");
  return Status::OK();
}

namespace {

Result<DonorRecord> DonorFromEntry(Store& store, const Json& entry) {
  DonorRecord d;
  d.subject = entry["subject"].get<std::string>();
  d.donor_type = entry["donor_type"].get<std::string>();
  d.seq = entry["seq"].get<std::int64_t>();
  d.ts = entry["ts"].get<std::string>();
  // The latest donor_corrected's box, else this one (rectification, Art. 16);
  // nullopt once erased: the identity is gone for good.
  PROBITY_ASSIGN_OR_RETURN(d.pii, LoadCurrentPii(store, d.subject));
  return d;
}

Status CheckPositive(const Money& amount) {
  if (amount.amount_minor() <= 0) return Status::InvalidArgument("the amount must be positive");
  return Status::OK();
}

}  // namespace

Result<std::string> AddDonorInBatch(AppendBatch& batch, const NewDonor& donor) {
  PROBITY_RETURN_IF_ERROR(ValidateDonorType(donor.donor_type));
  PROBITY_RETURN_IF_ERROR(ValidatePii(donor.pii));
  std::string subject;
  do {  // 40 random bits: collisions are rare but must never merge two people
    subject = NewSubjectId();
    PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> used, batch.store().FindEntries("", subject));
    if (used.empty()) break;
  } while (true);
  SecretBytes subject_key = NewSubjectKey();
  PROBITY_ASSIGN_OR_RETURN(std::string box, SealPii(subject_key, subject, donor.pii));
  PROBITY_RETURN_IF_ERROR(batch.store().PutSubjectKey(subject, subject_key));
  EntryDraft draft{"donor_added", Json::object()};
  draft.fields["subject"] = subject;
  draft.fields["donor_type"] = donor.donor_type;
  draft.fields["pii"] = box;
  PROBITY_ASSIGN_OR_RETURN(std::int64_t seq, batch.Add(draft));
  // The index row needs no entry stored yet: no flush.
  PROBITY_RETURN_IF_ERROR(
      batch.store_unflushed().PutDonorName(subject, seq, NormaliseDonorName(donor.pii.name)));
  return subject;
}

Result<AddedDonor> AddDonor(Ledger& ledger, const NamedKey& key, const NewDonor& donor) {
  PROBITY_RETURN_IF_ERROR(ValidateDonorType(donor.donor_type));
  PROBITY_RETURN_IF_ERROR(ValidatePii(donor.pii));
  AddedDonor added;
  const std::string name = NormaliseDonorName(donor.pii.name);
  Result<std::vector<std::int64_t>> seqs = ledger.Append(key, [&](AppendBatch& batch) {
    // From the donor_names index (O(log donors)), inside the write
    // transaction, so the answer is the ledger as this donor joins it.
    PROBITY_ASSIGN_OR_RETURN(added.likely_duplicates, batch.store().FindDonorsByName(name));
    PROBITY_ASSIGN_OR_RETURN(added.subject, AddDonorInBatch(batch, donor));
    return Status::OK();
  });
  if (!seqs.ok()) return seqs.status();
  return added;
}

Result<DonorRecord> GetDonor(Ledger& ledger, const std::string& subject) {
  PROBITY_RETURN_IF_ERROR(RequireDonorExists(ledger.store(), subject));
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs,
                           ledger.store().FindEntries("donor_added", subject));
  PROBITY_ASSIGN_OR_RETURN(Json entry, ReadDecodedEntry(ledger.store(), seqs.front()));
  return DonorFromEntry(ledger.store(), entry);
}

Result<std::vector<DonorRecord>> ListDonors(Ledger& ledger) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs,
                           ledger.store().FindEntries("donor_added", ""));
  std::vector<DonorRecord> out;
  for (std::int64_t seq : seqs) {
    PROBITY_ASSIGN_OR_RETURN(Json entry, ReadDecodedEntry(ledger.store(), seq));
    PROBITY_ASSIGN_OR_RETURN(DonorRecord d, DonorFromEntry(ledger.store(), entry));
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::int64_t> AddDonation(Ledger& ledger, const NamedKey& key, const NewDonation& d) {
  PROBITY_RETURN_IF_ERROR(CheckPositive(d.amount));
  PROBITY_RETURN_IF_ERROR(ValidateMethod(d.method));
  PROBITY_RETURN_IF_ERROR(ValidateScopeId(d.scope).WithContext("--scope"));
  std::int64_t seq = -1;
  Result<std::vector<std::int64_t>> seqs = ledger.Append(key, [&](AppendBatch& batch) {
    PROBITY_RETURN_IF_ERROR(RequireDonorExists(batch.store(), d.subject));
    EntryDraft draft{"donation", Json::object()};
    draft.fields["subject"] = d.subject;
    draft.fields["amount_minor"] = d.amount.amount_minor_i64();
    draft.fields["currency"] = std::string(d.amount.currency_code());
    draft.fields["method"] = d.method;
    draft.fields["date"] = FormatDate(d.date);
    draft.fields["scope"] = d.scope;
    PROBITY_ASSIGN_OR_RETURN(seq, batch.Add(draft));
    return Status::OK();
  });
  if (!seqs.ok()) return seqs.status();
  return seq;
}

}  // namespace probity
