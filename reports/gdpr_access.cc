// Builds the GDPR access answer (see gdpr_access.h): reads the person's
// entries through the subject index, folds them into data.json, and attaches
// one inclusion proof per entry. The schema is documented in docs/gdpr.md.
#include "reports/gdpr_access.h"

#include <algorithm>
#include <map>
#include <set>

#include "ledger/crypto.h"
#include "ledger/encoding.h"
#include "ledger/entry.h"
#include "ledger/proof_file.h"
#include "ledger/records.h"
#include "policies/retention.h"
#include "policies/scopes.h"
#include "reports/source.h"

namespace probity {
namespace {

// One of the person's entries: its exact bytes and their decoding.
struct SubjectEntry {
  std::int64_t seq = 0;
  Json entry;
  std::string body;
};

Result<std::vector<SubjectEntry>> ReadSubjectEntries(Store& store, const std::string& subject) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs, store.FindEntries("", subject));
  if (seqs.size() > kAccessEntriesMax) {
    return Status::InvalidArgument(subject + " has " + std::to_string(seqs.size()) +
                                   " entries, over the " + std::to_string(kAccessEntriesMax) +
                                   " one answer holds; export an audit bundle instead");
  }
  std::vector<SubjectEntry> out;
  out.reserve(seqs.size());
  for (std::int64_t seq : seqs) {
    PROBITY_ASSIGN_OR_RETURN(StoredEntry stored, store.GetEntry(seq));
    PROBITY_ASSIGN_OR_RETURN(Json e, DecodeEntry(stored.body));
    out.push_back(SubjectEntry{seq, std::move(e), std::move(stored.body)});
  }
  return out;
}

std::vector<const SubjectEntry*> OfKind(const std::vector<SubjectEntry>& all, const char* kind) {
  std::vector<const SubjectEntry*> out;
  for (const SubjectEntry& e : all) {
    if (e.entry.at("kind") == kind) out.push_back(&e);
  }
  return out;
}

// Copies the members of `from` named in `names` that it has.
Json Pick(const Json& from, std::initializer_list<const char*> names) {
  Json out = Json::object();
  for (const char* n : names) {
    if (from.contains(n)) out[n] = from.at(n);
  }
  return out;
}

Json PersonalData(const DonorRecord& donor, const std::vector<SubjectEntry>& all) {
  Json out = {{"donor_type", donor.donor_type},
              {"registered", {{"seq", donor.seq}, {"ts", donor.ts}}},
              {"erased", !donor.pii.has_value()}};
  out["fields"] = donor.pii.has_value() ? PiiToJson(*donor.pii) : Json(nullptr);
  Json rectifications = Json::array();
  for (const SubjectEntry* e : OfKind(all, "donor_corrected")) {
    Json r = Pick(e->entry, {"seq", "ts", "request_seq"});
    rectifications.push_back(std::move(r));
  }
  out["rectifications"] = std::move(rectifications);
  return out;
}

Json DonationJson(const DonationRecord& d, const std::vector<SubjectEntry>& all) {
  Json out = {{"seq", d.seq},
              {"date", d.date},
              {"amount_minor", d.amount_minor},
              {"refunded_minor", d.refunded_minor},
              {"kept_minor", d.amount_minor - d.refunded_minor},
              {"currency", d.currency},
              {"method", d.method},
              {"scope", d.scope},
              {"nature", d.nature},
              {"obligations", d.obligations},
              {"flags", d.flags}};
  if (!d.election.empty()) out["election"] = d.election;
  if (!d.receipt.empty()) out["receipt"] = d.receipt;
  out["source"] = d.import_ref.empty() ? Json("recorded") : Json("import");
  if (!d.import_ref.empty()) out["import_ref"] = d.import_ref;
  Json refunds = Json::array(), corrections = Json::array(), seqs = Json::array({d.seq});
  for (const SubjectEntry& e : all) {
    if (e.entry.value("donation_seq", std::int64_t{-1}) != d.seq) continue;
    seqs.push_back(e.seq);
    if (e.entry.at("kind") == "refund") {
      refunds.push_back(Pick(e.entry, {"seq", "date", "amount_minor", "reason"}));
    } else {
      corrections.push_back(Pick(e.entry, {"seq", "date", "amount_minor", "method", "reason"}));
    }
  }
  out["refunds"] = std::move(refunds);
  out["corrections"] = std::move(corrections);
  out["entries"] = std::move(seqs);
  return out;
}

Json ConsentsJson(const std::vector<SubjectEntry>& all) {
  std::map<std::int64_t, Json> withdrawals;
  for (const SubjectEntry* e : OfKind(all, "consent_withdrawal")) {
    withdrawals[e->entry.at("consent_seq").get<std::int64_t>()] = Pick(e->entry, {"seq", "date"});
  }
  Json out = Json::array();
  for (const SubjectEntry* e : OfKind(all, "consent")) {
    Json c = Pick(e->entry, {"seq", "purpose", "date", "channel", "text_sha256", "text_version",
                             "evidence"});
    auto w = withdrawals.find(e->seq);
    c["withdrawal"] = w == withdrawals.end() ? Json(nullptr) : w->second;
    out.push_back(std::move(c));
  }
  return out;
}

// The purposes the person's consents name, from their purpose_added entries
// (kind index: a ledger has a handful). A purpose named but never added is
// listed with "registered": false.
Result<Json> PurposesJson(Store& store, const Json& consents) {
  std::set<std::string> named;
  for (const Json& c : consents) named.insert(c.at("purpose").get<std::string>());
  std::map<std::string, Json> found;
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs,
                           store.FindEntries("purpose_added", ""));
  for (std::int64_t seq : seqs) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
    const std::string id = e.at("purpose").get<std::string>();
    if (named.count(id) == 0) continue;
    Json p = Pick(e, {"purpose", "basis", "retention", "description", "seq"});
    p["registered"] = true;
    found[id] = std::move(p);  // the latest statement of a purpose wins
  }
  Json out = Json::array();
  for (const std::string& id : named) {
    auto it = found.find(id);
    out.push_back(it != found.end() ? it->second
                                    : Json{{"purpose", id}, {"registered", false}});
  }
  return out;
}

Json RequestJson(const RequestRecord& r) {
  Json out = {{"seq", r.seq},           {"type", r.type},
              {"received", FormatDate(r.received)}, {"channel", r.channel},
              {"first_due", FormatDate(r.first_due)}, {"due", FormatDate(r.due)}};
  Json ext = Json::array();
  for (const RequestExtension& x : r.extensions) {
    ext.push_back({{"seq", x.seq}, {"date", FormatDate(x.date)}, {"reason", x.reason},
                   {"due", FormatDate(x.due)}});
  }
  out["extensions"] = std::move(ext);
  if (!r.closed) {
    out["closed"] = nullptr;
    return out;
  }
  Json c = {{"seq", r.closed_seq}, {"date", FormatDate(r.closed_date)}, {"outcome", r.outcome}};
  if (!r.basis.empty()) c["basis"] = r.basis;
  if (!r.possible_from.empty()) c["possible_from"] = r.possible_from;
  if (!r.answer_sha256.empty()) c["answer_sha256"] = r.answer_sha256;
  if (!r.note.empty()) c["note"] = r.note;
  out["closed"] = std::move(c);
  return out;
}

// Per pack: its authority, its retention, and when retention ends for each of
// the person's gifts under it (policies/retention.h RetentionEndDate).
Result<Json> PacksJson(Store& store, const std::string& subject,
                       const std::vector<DonationRecord>& donations) {
  PROBITY_ASSIGN_OR_RETURN(auto last_refunds, LastRefundDates(store, subject));
  std::map<std::string, BoundScope> scopes;
  std::map<std::string, Json> packs;
  for (const DonationRecord& d : donations) {
    if (scopes.count(d.scope) == 0) {
      PROBITY_ASSIGN_OR_RETURN(BoundScope b, LoadScope(store, d.scope));
      scopes.emplace(d.scope, std::move(b));
    }
    const BoundScope& b = scopes.at(d.scope);
    Json& p = packs[b.pack.id];
    if (p.is_null()) {
      p = {{"pack_id", b.pack.id}, {"title", b.pack.title}, {"jurisdiction", b.pack.jurisdiction},
           {"pack_sha256", HexEncode(b.pack.sha256)}, {"retention_days", b.pack.retention_days},
           {"retention_source", b.pack.retention_source}, {"scopes", Json::object()},
           {"donations", Json::array()}, {"retention_ends", ""}};
      p["authority"] = b.pack.authority.empty() ? Json(nullptr) : Json(b.pack.authority);
      p["authority_source"] =
          b.pack.authority_source.empty() ? Json(nullptr) : Json(b.pack.authority_source);
    }
    p["scopes"][b.info.id] = {{"valid_from", FormatDate(b.info.valid_from)},
                              {"valid_until", FormatDate(b.info.valid_until)}};
    PROBITY_ASSIGN_OR_RETURN(Date given, ParseDate(d.date));
    auto refund = last_refunds.find(d.seq);
    const std::string ends = FormatDate(RetentionEndDate(
        b.pack, RetentionRunsFrom(b.info, given,
                                  refund == last_refunds.end()
                                      ? std::nullopt
                                      : std::optional<Date>(refund->second))));
    p["donations"].push_back({{"seq", d.seq}, {"retention_ends", ends}});
    if (p["retention_ends"].get<std::string>() < ends) p["retention_ends"] = ends;
  }
  Json out = Json::array();
  for (auto& [id, p] : packs) out.push_back(std::move(p));
  return out;
}

std::string ProofName(std::int64_t seq) { return "proofs/" + std::to_string(seq) + ".tlog-proof"; }
std::string EntryName(std::int64_t seq) { return "proofs/" + std::to_string(seq) + ".json"; }

Json EntriesJson(const std::vector<SubjectEntry>& all) {
  Json out = Json::array();
  for (const SubjectEntry& e : all) {
    out.push_back({{"seq", e.seq}, {"kind", e.entry.at("kind")}, {"ts", e.entry.at("ts")},
                   {"proof", ProofName(e.seq)}, {"entry_file", EntryName(e.seq)},
                   {"entry", e.entry}});
  }
  return out;
}

Result<Json> LedgerJson(Ledger& ledger, const std::string& checkpoint) {
  PROBITY_ASSIGN_OR_RETURN(ReportCheckpoint cp, CurrentCheckpoint(ledger));
  const std::string trust = CheckpointSignerKey(ledger);
  return Json{{"origin", ledger.origin()},
              {"ledger_id", ledger.ledger_id()},
              {"tree_size", cp.tree_size},
              {"checkpoint", checkpoint},
              {"trust", trust},
              {"verify_command", "probity verify-proof proofs/SEQ.tlog-proof --entry "
                                 "proofs/SEQ.json --origin " +
                                     ledger.origin() + " --trust " + trust}};
}

Json ErasureJson(const std::vector<SubjectEntry>& all) {
  std::vector<const SubjectEntry*> erasures = OfKind(all, "erasure");
  if (erasures.empty()) return nullptr;
  return Pick(erasures.back()->entry, {"seq", "ts", "date", "ground", "request_seq"});
}

Result<Json> BuildData(Ledger& ledger, const AccessOptions& o, const std::string& checkpoint,
                       const std::vector<SubjectEntry>& all,
                       const std::optional<RequestRecord>& answering) {
  Store& store = ledger.store();
  PROBITY_ASSIGN_OR_RETURN(DonorRecord donor, GetDonor(ledger, o.subject));
  PROBITY_ASSIGN_OR_RETURN(std::vector<DonationRecord> gifts,
                           LoadDonations(store, "", o.subject));
  PROBITY_ASSIGN_OR_RETURN(std::vector<RequestRecord> requests, LoadRequests(store, o.subject));
  Json data = {{"format", kAccessFormatName},
               {"format_version", kAccessFormatVersion},
               {"date", FormatDate(o.date)},
               {"lang", o.lang == AccessLang::kFr ? "fr" : "en"},
               {"subject", o.subject}};
  PROBITY_ASSIGN_OR_RETURN(data["ledger"], LedgerJson(ledger, checkpoint));
  data["request"] = answering.has_value() ? RequestJson(*answering) : Json(nullptr);
  data["erased"] = !donor.pii.has_value();
  data["erasure"] = ErasureJson(all);
  data["personal_data"] = PersonalData(donor, all);
  Json donations = Json::array();
  for (const DonationRecord& d : gifts) donations.push_back(DonationJson(d, all));
  data["donations"] = std::move(donations);
  data["consents"] = ConsentsJson(all);
  PROBITY_ASSIGN_OR_RETURN(data["purposes"], PurposesJson(store, data["consents"]));
  Json reqs = Json::array();
  for (const RequestRecord& r : requests) reqs.push_back(RequestJson(r));
  data["requests"] = std::move(reqs);
  PROBITY_ASSIGN_OR_RETURN(data["packs"], PacksJson(store, o.subject, gifts));
  data["entries"] = EntriesJson(all);
  return data;
}

}  // namespace

Result<AccessLang> ParseAccessLang(std::string_view text) {
  if (text == "en") return AccessLang::kEn;
  if (text == "fr") return AccessLang::kFr;
  return Status::InvalidArgument("--lang must be en or fr, not \"" + std::string(text) + "\"");
}

Result<RequestRecord> CheckAccessRequest(Store& store, const std::string& subject,
                                         std::int64_t request_seq) {
  PROBITY_ASSIGN_OR_RETURN(RequestRecord r, LoadRequest(store, request_seq));
  const std::string name = "request " + std::to_string(request_seq);
  if (r.subject != subject) {
    return Status::InvalidArgument(name + " was made by " + r.subject + ", not " + subject +
                                   "; answer it for its own subject");
  }
  if (r.type != "access" && r.type != "portability") {
    return Status::InvalidArgument(name + " is of type " + r.type +
                                   "; `gdpr access` answers access and portability requests "
                                   "only");
  }
  if (r.closed) {
    return Status::InvalidArgument(name + " was already closed (" + r.outcome + ", " +
                                   FormatDate(r.closed_date) + ", entry " +
                                   std::to_string(r.closed_seq) +
                                   "); leave out --request to send another copy");
  }
  return r;
}

Result<AccessAnswer> BuildAccessAnswer(Ledger& ledger, const AccessOptions& o) {
  Store& store = ledger.store();
  PROBITY_RETURN_IF_ERROR(RequireDonorExists(store, o.subject));
  std::optional<RequestRecord> answering;
  if (o.request_seq.has_value()) {
    PROBITY_ASSIGN_OR_RETURN(answering, CheckAccessRequest(store, o.subject, *o.request_seq));
    if (o.date < answering->received) {
      return Status::InvalidArgument("--date " + FormatDate(o.date) + " is before request " +
                                     std::to_string(answering->seq) + " was received (" +
                                     FormatDate(answering->received) + ")");
    }
  }
  PROBITY_ASSIGN_OR_RETURN(std::string checkpoint, ledger.LatestCheckpoint());
  PROBITY_ASSIGN_OR_RETURN(std::vector<SubjectEntry> all, ReadSubjectEntries(store, o.subject));
  PROBITY_ASSIGN_OR_RETURN(Json data, BuildData(ledger, o, checkpoint, all, answering));
  std::vector<std::int64_t> seqs;
  seqs.reserve(all.size());
  for (const SubjectEntry& e : all) seqs.push_back(e.seq);
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::string> proofs, MakeEntryProofs(ledger, seqs));
  PROBITY_ASSERT(proofs.size() == all.size());

  AccessAnswer answer;
  answer.entries = all.size();
  answer.files.push_back({"data.json", data.dump(2) + "\n"});
  answer.data_sha256 = HexEncode(Sha256(AsBytes(answer.files.front().bytes)));
  answer.files.push_back({"index.html", RenderAccessLetter(data, o.lang)});
  for (std::size_t i = 0; i < all.size(); ++i) {
    answer.files.push_back({ProofName(all[i].seq), std::move(proofs[i])});
    answer.files.push_back({EntryName(all[i].seq), std::move(all[i].body)});
  }
  return answer;
}

}  // namespace probity
