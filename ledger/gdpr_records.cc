#include "ledger/gdpr_records.h"

#include <map>

#include "ledger/assert.h"
#include "ledger/entry.h"
#include "ledger/records.h"

namespace probity {
namespace {

constexpr std::size_t kPurposeBasisBytesMax = 256;
constexpr std::size_t kPurposeDescriptionBytesMax = 1024;

PurposeRecord PurposeFromEntry(const Json& e) {
  PurposeRecord p;
  p.seq = e.at("seq").get<std::int64_t>();
  p.ts = e.at("ts").get<std::string>();
  p.purpose = e.at("purpose").get<std::string>();
  p.basis = e.at("basis").get<std::string>();
  // Entries read back passed ValidateEntry, so the period parses.
  Result<Period> retention = ParsePeriod(e.at("retention").get<std::string>());
  PROBITY_ASSERT(retention.ok());
  p.retention = *retention;
  p.description = e.at("description").get<std::string>();
  return p;
}

void ApplyConsentEntry(const Json& e, ConsentStatus* s) {
  if (e.at("kind") == "consent") {
    s->state = "given";
    s->since = e.at("date").get<std::string>();
    s->consent_seq = e.at("seq").get<std::int64_t>();
    s->withdrawal_seq = -1;
    s->text_sha256 = e.at("text_sha256").get<std::string>();
    s->text_version = e.value("text_version", "");
    s->channel = e.at("channel").get<std::string>();
    s->evidence = e.value("evidence", "");
    s->withdrawal_channel.clear();
    s->withdrawal_evidence.clear();
    ++s->grants;
    return;
  }
  s->state = "withdrawn";
  s->since = e.at("date").get<std::string>();
  s->withdrawal_seq = e.at("seq").get<std::int64_t>();
  s->withdrawal_channel = e.value("channel", "");
  s->withdrawal_evidence = e.value("evidence", "");
}

}  // namespace

Status CheckFlagText(const std::string& text, const char* flag, std::size_t bytes_max,
                     bool may_be_empty) {
  if (text.empty() && !may_be_empty) {
    return Status::InvalidArgument(std::string(flag) + " is empty");
  }
  if (text.size() > bytes_max) {
    return Status::InvalidArgument(std::string(flag) + " is longer than " +
                                   std::to_string(bytes_max) + " bytes");
  }
  if (HasControlChar(text)) {
    return Status::InvalidArgument(std::string(flag) + " has a control character");
  }
  return Status::OK();
}

Result<std::int64_t> AddPurpose(Ledger& ledger, const NamedKey& key, const NewPurpose& p) {
  PROBITY_RETURN_IF_ERROR(ValidateScopeId(p.purpose).WithContext("purpose id"));
  PROBITY_RETURN_IF_ERROR(CheckFlagText(p.basis, "--basis", kPurposeBasisBytesMax, false));
  PROBITY_RETURN_IF_ERROR(
      CheckFlagText(p.description, "--description", kPurposeDescriptionBytesMax, false));
  return AppendOne(ledger, key, [&](AppendBatch& batch) -> Result<EntryDraft> {
    Result<PurposeRecord> existing = FindPurpose(batch.store(), p.purpose);
    if (existing.ok()) {
      return Status::InvalidArgument("purpose " + p.purpose + " is already registered (entry " +
                                     std::to_string(existing->seq) +
                                     "); a purpose is never changed: add one with a new id");
    }
    if (!existing.status().IsNotFound()) return existing.status();
    EntryDraft draft{"purpose_added", Json::object()};
    draft.fields["purpose"] = p.purpose;
    draft.fields["basis"] = p.basis;
    draft.fields["retention"] = FormatPeriod(p.retention);
    draft.fields["description"] = p.description;
    return draft;
  });
}

Result<std::vector<PurposeRecord>> LoadPurposes(Store& store) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs, store.FindEntries("purpose_added", ""));
  std::vector<PurposeRecord> out;
  out.reserve(seqs.size());
  for (std::int64_t seq : seqs) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
    out.push_back(PurposeFromEntry(e));
  }
  return out;
}

Result<PurposeRecord> FindPurpose(Store& store, const std::string& purpose) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<PurposeRecord> all, LoadPurposes(store));
  for (PurposeRecord& p : all) {
    if (p.purpose == purpose) return std::move(p);
  }
  return Status::NotFound("no purpose \"" + purpose + "\" is registered; register it first with " +
                          "`probity purpose add " + purpose +
                          " --basis ... --retention ... --description ...` "
                          "(`probity purpose list` shows those registered)");
}

Result<std::vector<ConsentStatus>> LoadConsentStatus(Store& store, const std::string& subject) {
  PROBITY_RETURN_IF_ERROR(RequireDonorExists(store, subject));
  PROBITY_ASSIGN_OR_RETURN(std::vector<PurposeRecord> purposes, LoadPurposes(store));
  std::vector<ConsentStatus> out;
  std::map<std::string, std::size_t> row_of;
  for (const PurposeRecord& p : purposes) {
    row_of.emplace(p.purpose, out.size());
    out.emplace_back().purpose = p.purpose;
  }
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs, store.FindEntries("", subject));
  for (std::int64_t seq : seqs) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
    if (e.at("kind") != "consent" && e.at("kind") != "consent_withdrawal") continue;
    const std::string purpose = e.at("purpose").get<std::string>();
    auto [it, added] = row_of.emplace(purpose, out.size());
    if (added) out.emplace_back().purpose = purpose;
    ApplyConsentEntry(e, &out[it->second]);
  }
  return out;
}

}  // namespace probity
