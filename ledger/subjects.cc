#include "ledger/subjects.h"

#include <algorithm>

#include "ledger/records.h"
#include "ledger/requests.h"

namespace probity {
namespace {

// The seqs of the subject's donor_added and donor_corrected entries, in order.
Result<std::vector<std::int64_t>> PiiSeqs(Store& store, const std::string& subject) {
  PROBITY_RETURN_IF_ERROR(RequireDonorExists(store, subject));
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs,
                           store.FindEntries("donor_added", subject));
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> corrected,
                           store.FindEntries("donor_corrected", subject));
  seqs.insert(seqs.end(), corrected.begin(), corrected.end());
  std::sort(seqs.begin(), seqs.end());
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
  PROBITY_ASSIGN_OR_RETURN(std::int64_t seq, CurrentPiiSeq(store, subject));
  PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
  return OpenBox(store, subject, e["pii"].get<std::string>());
}

Result<std::vector<PiiVersion>> LoadPiiHistory(Store& store, const std::string& subject) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs, PiiSeqs(store, subject));
  std::vector<PiiVersion> out;
  for (std::int64_t seq : seqs) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
    PiiVersion v;
    v.seq = seq;
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
