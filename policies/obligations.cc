// What the law requires next (see donations.h).
#include <algorithm>
#include <map>
#include <set>

#include "ledger/records.h"
#include "policies/donations.h"

namespace probity {
namespace {

// (donation seq, rule) pairs met by an obligation_resolved entry.
Result<std::set<std::pair<std::int64_t, std::string>>> LoadResolved(Store& store) {
  std::set<std::pair<std::int64_t, std::string>> resolved;
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> done,
                           store.FindEntries("obligation_resolved", ""));
  for (std::int64_t seq : done) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
    resolved.insert({e["donation_seq"].get<std::int64_t>(), e["rule"].get<std::string>()});
  }
  return resolved;
}

}  // namespace

// A donation's obligations are those of its latest decision (the donation's,
// or its latest correction's); each is met by an obligation_resolved entry
// or, when money cures it, by refunds reaching its cure_minor. Only the
// donations whose donation or a correction carried obligations are read (the
// gift_deltas table finds them from a partial index), not every donation.
Result<std::vector<OpenObligation>> ListObligations(Ledger& ledger, const Date& today) {
  Store& store = ledger.store();
  PROBITY_ASSIGN_OR_RETURN(auto resolved, LoadResolved(store));
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs, store.FindObligatedDonations());
  std::vector<OpenObligation> out;
  for (std::int64_t seq : seqs) {
    PROBITY_ASSIGN_OR_RETURN(DonationRecord d, LoadDonation(store, seq));
    for (const Json& o : d.obligations) {
      if (resolved.count({d.seq, o["rule"].get<std::string>()})) continue;
      const std::int64_t cure = o.value("cure_minor", std::int64_t{0});
      if (cure > 0 && d.refunded_minor >= cure) continue;
      PROBITY_ASSIGN_OR_RETURN(Date due, ParseDate(o["due"].get<std::string>()));
      OpenObligation ob{
          d.seq, d.subject,  d.scope, o["rule"].get<std::string>(), o["action"].get<std::string>(),
          due,   due < today};
      out.push_back(std::move(ob));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const OpenObligation& a, const OpenObligation& b) {
    if (a.overdue != b.overdue) return a.overdue;
    return a.due < b.due;
  });
  return out;
}

Result<std::int64_t> ResolveObligation(Ledger& ledger, const NamedKey& key,
                                       std::int64_t donation_seq, const std::string& rule_id,
                                       const std::string& how, const Date& date) {
  PROBITY_RETURN_IF_ERROR(ValidateReasonText(how).WithContext("--how"));
  if (how.empty()) return Status::InvalidArgument("say how the obligation was met, with --how");
  std::int64_t seq = -1;
  Result<std::vector<std::int64_t>> seqs = ledger.Append(key, [&](AppendBatch& batch) -> Status {
    PROBITY_ASSIGN_OR_RETURN(std::vector<OpenObligation> open, ListObligations(ledger, date));
    bool found = std::any_of(open.begin(), open.end(), [&](const OpenObligation& o) {
      return o.donation_seq == donation_seq && o.rule_id == rule_id;
    });
    if (!found) {
      return Status::NotFound("donation " + std::to_string(donation_seq) +
                              " has no open obligation under rule " + rule_id +
                              "; see `probity obligations`");
    }
    PROBITY_ASSIGN_OR_RETURN(DonationRecord gift, LoadDonation(batch.store(), donation_seq));
    PROBITY_ASSIGN_OR_RETURN(Date given, ParseDate(gift.date));
    if (date < given) {
      return Status::InvalidArgument("an obligation cannot be met before its donation (" +
                                     FormatDate(given) + ")");
    }
    EntryDraft draft{"obligation_resolved", Json::object()};
    draft.fields["donation_seq"] = donation_seq;
    draft.fields["rule"] = rule_id;
    draft.fields["how"] = how;
    draft.fields["date"] = FormatDate(date);
    PROBITY_ASSIGN_OR_RETURN(seq, batch.Add(draft));
    return Status::OK();
  });
  if (!seqs.ok()) return seqs.status();
  return seq;
}

}  // namespace probity
