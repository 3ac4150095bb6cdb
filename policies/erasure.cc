#include "policies/erasure.h"

#include <map>

#include "ledger/records.h"
#include "ledger/requests.h"
#include "ledger/subjects.h"
#include "policies/retention.h"
#include "policies/scopes.h"

namespace probity {
namespace {

Date EntryDate(const Json& e, const char* field) {
  Result<Date> d = ParseDate(e[field].get<std::string>());
  PROBITY_ASSERT(d.ok());  // entries read back passed ValidateEntry
  return *d;
}

// What a subject's consents say: purposes in force, and for each purpose the
// latest withdrawal.
struct ConsentState {
  bool any = false;
  std::map<std::string, std::int64_t> in_force;  // purpose -> consent seq
  std::map<std::string, Date> withdrawn;         // purpose -> latest withdrawal
};

Result<ConsentState> LoadConsentState(Store& store, const std::string& subject) {
  ConsentState c;
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs, store.FindEntries("", subject));
  for (std::int64_t seq : seqs) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
    const std::string kind = e["kind"].get<std::string>();
    if (kind != "consent" && kind != "consent_withdrawal") continue;
    c.any = true;
    const std::string purpose = e["purpose"].get<std::string>();
    if (kind == "consent") {
      c.in_force[purpose] = seq;
      continue;
    }
    c.in_force.erase(purpose);
    Date& last = c.withdrawn[purpose];
    if (last < EntryDate(e, "date")) last = EntryDate(e, "date");
  }
  return c;
}

// The retention period of each registered purpose (purpose_added; the latest
// entry of a purpose id counts).
Result<std::map<std::string, Period>> LoadPurposeRetention(Store& store) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs, store.FindEntries("purpose_added", ""));
  std::map<std::string, Period> out;
  for (std::int64_t seq : seqs) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
    PROBITY_ASSIGN_OR_RETURN(Period p, ParsePeriod(e["retention"].get<std::string>()));
    out[e["purpose"].get<std::string>()] = p;
  }
  return out;
}

// Why a subject is kept on `as_of` because of their consents; empty if not.
std::string ConsentHold(const ConsentState& c, const std::map<std::string, Period>& purposes,
                        const Date& as_of) {
  if (!c.in_force.empty()) {
    const auto& [purpose, seq] = *c.in_force.begin();
    return "kept: consent to purpose " + purpose + " is in force (entry " + std::to_string(seq) +
           "); it must be withdrawn, or the person asks for erasure";
  }
  for (const auto& [purpose, withdrawn] : c.withdrawn) {
    auto p = purposes.find(purpose);
    if (p == purposes.end()) {
      return "kept: purpose " + purpose + " has no purpose_added entry, so how long its data "
             "is kept is unknown; register it with its retention";
    }
    const Date from = AddDays(AddPeriod(withdrawn, p->second), 1);
    if (as_of < from) {
      return "kept: the consent to purpose " + purpose + " was withdrawn on " +
             FormatDate(withdrawn) + " and its data is kept " + FormatPeriod(p->second) +
             " (purpose_added); erasable from " + FormatDate(from);
    }
  }
  return "";
}

// Whether the subject's retention has ended on `as_of`, and why.
Result<PurgeItem> Judge(Store& store, const std::string& subject,
                        const std::map<std::string, Period>& purposes, const Date& as_of) {
  PurgeItem item;
  item.subject = subject;
  PROBITY_ASSIGN_OR_RETURN(Retention r, SubjectRetention(store, subject));
  PROBITY_ASSIGN_OR_RETURN(ConsentState c, LoadConsentState(store, subject));
  if (r.has_donations && as_of < r.possible_from) {
    item.why = "kept: " + r.Basis();
    return item;
  }
  item.why = ConsentHold(c, purposes, as_of);
  if (!item.why.empty()) return item;
  if (!r.has_donations && !c.any) {
    item.why = "kept: no donation and no consent, so no retention period applies; erase on "
               "request with `probity gdpr erase`";
    return item;
  }
  item.erase = true;
  item.why = r.has_donations ? "retention ended: donation " + std::to_string(r.donation_seq) +
                                   " (scope " + r.scope + ") was kept until " +
                                   FormatDate(AddDays(r.possible_from, -1)) + " (" +
                                   r.retention_source + ")"
                             : "retention ended: every consent was withdrawn and its "
                               "purpose's retention has passed";
  return item;
}

}  // namespace

std::string Retention::Basis() const {
  return "GDPR Art. 17(3)(b): donation " + std::to_string(donation_seq) + " (scope " + scope +
         ", pack " + pack_id + ") must be kept " + std::to_string(retention_days) +
         " days from " + FormatDate(runs_from) + " (" + retention_source +
         "); erasure is possible from " + FormatDate(possible_from);
}

Result<Retention> SubjectRetention(Store& store, const std::string& subject) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<DonationRecord> gifts, LoadDonations(store, "", subject));
  PROBITY_ASSIGN_OR_RETURN(auto refunds, LastRefundDates(store, subject));
  std::map<std::string, BoundScope> scopes;
  Retention out;
  for (const DonationRecord& g : gifts) {
    auto scope = scopes.find(g.scope);
    if (scope == scopes.end()) {
      PROBITY_ASSIGN_OR_RETURN(BoundScope b, LoadScope(store, g.scope));
      scope = scopes.emplace(g.scope, std::move(b)).first;
    }
    PROBITY_ASSIGN_OR_RETURN(Date given, ParseDate(g.date));
    auto refund = refunds.find(g.seq);
    const Date runs_from = RetentionRunsFrom(
        scope->second.info, given,
        refund == refunds.end() ? std::nullopt : std::optional<Date>(refund->second));
    const Pack& pack = scope->second.pack;
    const Date possible_from = RetentionEndDate(pack, runs_from);
    if (out.has_donations && possible_from <= out.possible_from) continue;
    out = Retention{true,           possible_from,       g.seq,
                    g.scope,        pack.id,             runs_from,
                    pack.retention_days, pack.retention_source};
  }
  return out;
}

Result<ErasureAnswer> EraseOnRequest(Ledger& ledger, const NamedKey& key,
                                     const std::string& subject, std::int64_t request_seq,
                                     const Date& date, const Date& today) {
  PROBITY_RETURN_IF_ERROR(ValidateSubjectId(subject).WithContext("--subject"));
  if (today < date) {
    return Status::InvalidArgument("--date " + FormatDate(date) + " is after today (" +
                                   FormatDate(today) + "); an erasure is dated when it is done");
  }
  ErasureAnswer answer;
  Result<std::vector<std::int64_t>> seqs = ledger.Append(key, [&](AppendBatch& batch) {
    Store& store = batch.store();
    PROBITY_RETURN_IF_ERROR(RequireDonorExists(store, subject));
    PROBITY_ASSIGN_OR_RETURN(std::optional<ErasureRecord> erased, FindErasure(store, subject));
    if (erased.has_value()) {
      return Status::InvalidArgument(subject + " was already erased on " + erased->date +
                                     " (entry " + std::to_string(erased->seq) + ")");
    }
    PROBITY_RETURN_IF_ERROR(RequireOpenRequest(store, request_seq, subject, "erasure"));
    PROBITY_ASSIGN_OR_RETURN(RequestRecord request, LoadRequest(store, request_seq));
    if (date < request.received) {
      return Status::InvalidArgument("--date " + FormatDate(date) + " is before request " +
                                     std::to_string(request_seq) + " was received (" +
                                     FormatDate(request.received) + ")");
    }
    PROBITY_ASSIGN_OR_RETURN(answer.retention, SubjectRetention(store, subject));
    answer.refused = answer.retention.has_donations && date < answer.retention.possible_from;
    if (!answer.refused) {
      PROBITY_ASSIGN_OR_RETURN(answer.seq,
                               EraseSubjectInBatch(batch, Erasure{subject, date, "request",
                                                                  request_seq}));
      return Status::OK();
    }
    EntryDraft draft{"request_closed", Json::object()};
    draft.fields["request_seq"] = request_seq;
    draft.fields["subject"] = subject;
    draft.fields["date"] = FormatDate(date);
    draft.fields["outcome"] = "refused";
    draft.fields["basis"] = answer.retention.Basis();
    draft.fields["possible_from"] = FormatDate(answer.retention.possible_from);
    PROBITY_ASSIGN_OR_RETURN(answer.seq, batch.Add(draft));
    return Status::OK();
  });
  if (!seqs.ok()) return seqs.status();
  if (!answer.refused) answer.wal = ledger.store().TruncateWal();
  return answer;
}

Result<PurgeReport> PurgeExpired(Ledger& ledger, const NamedKey* key, const Date& as_of,
                                 const Date& today, bool dry_run) {
  PROBITY_ASSERT(dry_run || key != nullptr);
  if (today < as_of) {
    return Status::InvalidArgument("--as-of " + FormatDate(as_of) + " is after today (" +
                                   FormatDate(today) +
                                   "): that would erase people whose retention has not ended");
  }
  Store& store = ledger.store();
  PROBITY_ASSIGN_OR_RETURN(std::vector<DonorRecord> donors, ListDonors(ledger));
  PROBITY_ASSIGN_OR_RETURN(auto purposes, LoadPurposeRetention(store));
  PurgeReport report;
  for (const DonorRecord& d : donors) {
    PROBITY_ASSIGN_OR_RETURN(std::optional<ErasureRecord> erased, FindErasure(store, d.subject));
    if (erased.has_value()) continue;
    PROBITY_ASSIGN_OR_RETURN(PurgeItem item, Judge(store, d.subject, purposes, as_of));
    report.items.push_back(std::move(item));
  }
  bool any = false;
  for (const PurgeItem& item : report.items) any = any || item.erase;
  if (!dry_run && any) {
    Result<std::vector<std::int64_t>> seqs = ledger.Append(*key, [&](AppendBatch& batch) {
      for (PurgeItem& item : report.items) {
        if (!item.erase) continue;
        // Judged again under the write lock: another process may have
        // recorded a gift or a consent since.
        PROBITY_ASSIGN_OR_RETURN(PurgeItem now,
                                 Judge(batch.store(), item.subject, purposes, as_of));
        if (!now.erase) {
          item = std::move(now);
          continue;
        }
        PROBITY_ASSIGN_OR_RETURN(
            item.seq, EraseSubjectInBatch(batch, Erasure{item.subject, as_of, "retention-ended",
                                                         std::nullopt}));
      }
      return Status::OK();
    });
    if (!seqs.ok()) return seqs.status();
  }
  if (!dry_run) report.wal = store.TruncateWal();
  return report;
}

}  // namespace probity
