#include "ledger/subjects.h"

#include "ledger/records.h"
#include "ledger/requests.h"

namespace probity {
namespace {

// The subject's donor_added and donor_corrected entries, in order
// (Store::DonorIdentityEntries): the registration first. NotFound
// (RequireDonorExists's) if the subject is not a donor.
Result<std::vector<IdentityEntry>> PiiEntries(Store& store, const std::string& subject) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<IdentityEntry> entries,
                           store.DonorIdentityEntries(subject));
  if (entries.empty() || entries.front().kind != "donor_added") {
    PROBITY_RETURN_IF_ERROR(RequireDonorExists(store, subject));  // says why
    return Status::Corruption(subject + " has a donor_corrected entry before its donor_added; "
                              "run probity verify");
  }
  return entries;
}

// The seqs of the subject's donor_added and donor_corrected entries, in order.
Result<std::vector<std::int64_t>> PiiSeqs(Store& store, const std::string& subject) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<IdentityEntry> entries, PiiEntries(store, subject));
  std::vector<std::int64_t> seqs;
  seqs.reserve(entries.size());
  for (const IdentityEntry& e : entries) seqs.push_back(e.seq);
  return seqs;
}

// Opens a box with the subject's key; nullopt when the key was erased.
Result<std::optional<DonorPii>> OpenBox(Store& store, const std::string& subject,
                                        const std::string& box) {
  Result<SecretBytes> key = store.GetSubjectKey(subject);
  if (!key.ok()) {
    if (key.status().IsNotFound()) return std::optional<DonorPii>();
    return key.status();
  }
  PROBITY_ASSIGN_OR_RETURN(DonorPii pii, OpenPii(key.value(), subject, box));
  return std::optional<DonorPii>(std::move(pii));
}

}  // namespace

Result<std::optional<ErasureRecord>> FindErasure(Store& store, const std::string& subject) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs, store.FindEntries("erasure", subject));
  if (seqs.empty()) return std::optional<ErasureRecord>();
  PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seqs.front()));
  return std::optional<ErasureRecord>(ErasureRecord{
      seqs.front(), e["date"].get<std::string>(), e["ground"].get<std::string>()});
}

Status RequireDonorNotErased(Store& store, const std::string& subject) {
  PROBITY_RETURN_IF_ERROR(RequireDonorExists(store, subject));
  PROBITY_ASSIGN_OR_RETURN(std::optional<ErasureRecord> erased, FindErasure(store, subject));
  if (!erased.has_value()) return Status::OK();
  return Status::InvalidArgument(subject + " was erased on " + erased->date + " (entry " +
                                 std::to_string(erased->seq) +
                                 "); nothing more is recorded about an erased person: register "
                                 "them again with `probity donor add` if they come back");
}

Result<std::int64_t> CurrentPiiSeq(Store& store, const std::string& subject) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs, PiiSeqs(store, subject));
  return seqs.back();
}

Result<std::optional<DonorPii>> LoadCurrentPii(Store& store, const std::string& subject) {
  PROBITY_ASSIGN_OR_RETURN(DonorIdentity identity, LoadDonorIdentity(store, subject));
  return std::move(identity.pii);
}

Result<DonorIdentity> LoadDonorIdentity(Store& store, const std::string& subject) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<IdentityEntry> entries, PiiEntries(store, subject));
  PROBITY_ASSIGN_OR_RETURN(Json added, DecodeEntry(entries.front().body));
  DonorIdentity out;
  out.donor_type = added["donor_type"].get<std::string>();
  if (entries.size() == 1) {
    PROBITY_ASSIGN_OR_RETURN(out.pii, OpenBox(store, subject, added["pii"].get<std::string>()));
    return out;
  }
  PROBITY_ASSIGN_OR_RETURN(Json current, DecodeEntry(entries.back().body));
  PROBITY_ASSIGN_OR_RETURN(out.pii, OpenBox(store, subject, current["pii"].get<std::string>()));
  return out;
}

Result<std::vector<PiiVersion>> LoadPiiHistory(Store& store, const std::string& subject) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<IdentityEntry> entries, PiiEntries(store, subject));
  std::vector<PiiVersion> out;
  for (const IdentityEntry& entry : entries) {
    PROBITY_ASSIGN_OR_RETURN(Json e, DecodeEntry(entry.body));
    PiiVersion v;
    v.seq = entry.seq;
    v.kind = e["kind"].get<std::string>();
    v.ts = e["ts"].get<std::string>();
    if (e.contains("request_seq")) v.request_seq = e["request_seq"].get<std::int64_t>();
    PROBITY_ASSIGN_OR_RETURN(v.pii, OpenBox(store, subject, e["pii"].get<std::string>()));
    out.push_back(std::move(v));
  }
  return out;
}

Status RequireOpenRequest(Store& store, std::int64_t request_seq, const std::string& subject,
                          const std::string& type) {
  PROBITY_ASSIGN_OR_RETURN(RequestRecord r, LoadRequest(store, request_seq));
  const std::string which = "request " + std::to_string(request_seq);
  if (r.subject != subject) {
    return Status::InvalidArgument(which + " was made by " + r.subject + ", not by " + subject +
                                   "; give the request of this subject");
  }
  if (r.type != type) {
    return Status::InvalidArgument(which + " is a request of type " + r.type + ", not " + type +
                                   "; open one with `probity gdpr request open --subject " +
                                   subject + " --type " + type + "`");
  }
  if (r.closed) {
    return Status::InvalidArgument(which + " was already closed (" + r.outcome + ", entry " +
                                   std::to_string(r.closed_seq) +
                                   "); open a new one with `probity gdpr request open`");
  }
  return Status::OK();
}

namespace {

// The current personal data with the changes applied; InvalidArgument if they
// change nothing or leave it invalid.
Result<DonorPii> Restate(const DonorPii& current, const Rectification& r) {
  Json fields = PiiToJson(current);
  for (const auto& [name, value] : r.changes) {
    if (value.empty()) fields.erase(name);
    else fields[name] = value;
  }
  Result<DonorPii> restated = PiiFromJson(fields);
  if (!restated.ok()) return Status::InvalidArgument(restated.status().message());
  PROBITY_RETURN_IF_ERROR(ValidatePii(*restated));
  if (PiiToJson(*restated) == PiiToJson(current)) {
    return Status::InvalidArgument("the data given is " + r.subject +
                                   "'s current data already; nothing to rectify");
  }
  return restated;
}

}  // namespace

Result<std::int64_t> RectifyDonor(Ledger& ledger, const NamedKey& key, const Rectification& r) {
  PROBITY_RETURN_IF_ERROR(ValidateSubjectId(r.subject));
  if (r.changes.empty()) {
    return Status::InvalidArgument("give the fields to rectify, e.g. --address '...'");
  }
  std::int64_t seq = -1;
  Result<std::vector<std::int64_t>> seqs = ledger.Append(key, [&](AppendBatch& batch) {
    Store& store = batch.store();
    PROBITY_RETURN_IF_ERROR(RequireDonorNotErased(store, r.subject));
    if (r.request_seq.has_value()) {
      PROBITY_RETURN_IF_ERROR(
          RequireOpenRequest(store, *r.request_seq, r.subject, "rectification"));
    }
    PROBITY_ASSIGN_OR_RETURN(std::optional<DonorPii> current, LoadCurrentPii(store, r.subject));
    if (!current.has_value()) {  // a key gone without an erasure entry
      return Status::Corruption("the vault key of " + r.subject + " is missing; run probity verify");
    }
    PROBITY_ASSIGN_OR_RETURN(DonorPii restated, Restate(*current, r));
    PROBITY_ASSIGN_OR_RETURN(SecretBytes subject_key, store.GetSubjectKey(r.subject));
    EntryDraft draft{"donor_corrected", Json::object()};
    draft.fields["subject"] = r.subject;
    PROBITY_ASSIGN_OR_RETURN(std::string box, SealPii(subject_key, r.subject, restated));
    draft.fields["pii"] = box;
    if (r.request_seq.has_value()) draft.fields["request_seq"] = *r.request_seq;
    PROBITY_ASSIGN_OR_RETURN(seq, batch.Add(draft));
    // The donor_names row follows the name in force (docs/format.md 12.4).
    PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> pii_seqs, PiiSeqs(store, r.subject));
    return store.PutDonorName(r.subject, pii_seqs.front(), NormaliseDonorName(restated.name));
  });
  if (!seqs.ok()) return seqs.status();
  return seq;
}

Result<std::int64_t> EraseSubjectInBatch(AppendBatch& batch, const Erasure& e) {
  PROBITY_ASSERT(e.ground == "request" || e.ground == "retention-ended");
  PROBITY_ASSERT(e.request_seq.has_value() == (e.ground == "request"));
  Store& store = batch.store();
  PROBITY_RETURN_IF_ERROR(RequireDonorExists(store, e.subject));
  PROBITY_ASSIGN_OR_RETURN(std::optional<ErasureRecord> erased, FindErasure(store, e.subject));
  if (erased.has_value()) {
    return Status::InvalidArgument(e.subject + " was already erased on " + erased->date +
                                   " (entry " + std::to_string(erased->seq) + ")");
  }
  EntryDraft draft{"erasure", Json::object()};
  draft.fields["subject"] = e.subject;
  draft.fields["date"] = FormatDate(e.date);
  draft.fields["ground"] = e.ground;
  if (e.request_seq.has_value()) draft.fields["request_seq"] = *e.request_seq;
  PROBITY_ASSIGN_OR_RETURN(std::int64_t seq, batch.Add(draft));
  PROBITY_RETURN_IF_ERROR(store.DeleteSubjectKey(e.subject));
  // The keyed hash of the name is personal data too: it goes with the key.
  PROBITY_RETURN_IF_ERROR(store.DeleteDonorName(e.subject));
  return seq;
}

}  // namespace probity
