// What the law requires next (see donations.h).
#include <algorithm>
#include <map>
#include <set>

#include "ledger/records.h"
#include "policies/donations.h"

namespace probity {
namespace {

// Donation seqs whose obligations are met: refunded in full, or each rule
// resolved by an obligation_resolved entry.
struct Resolutions {
  std::map<std::int64_t, std::int64_t> refunded_minor;
  std::set<std::pair<std::int64_t, std::string>> resolved;
};

Result<Resolutions> LoadResolutions(Store& store) {
  Resolutions r;
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> refunds, store.FindEntries("refund", ""));
  for (std::int64_t seq : refunds) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
    r.refunded_minor[e["donation_seq"].get<std::int64_t>()] += e["amount_minor"].get<std::int64_t>();
  }
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> done,
                           store.FindEntries("obligation_resolved", ""));
  for (std::int64_t seq : done) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
    r.resolved.insert({e["donation_seq"].get<std::int64_t>(), e["rule"].get<std::string>()});
  }
  return r;
}

}  // namespace

Result<std::vector<OpenObligation>> ListObligations(Ledger& ledger, const Date& today) {
  Store& store = ledger.store();
  PROBITY_ASSIGN_OR_RETURN(Resolutions res, LoadResolutions(store));
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> gifts, store.FindEntries("donation", ""));
  std::vector<OpenObligation> out;
  for (std::int64_t seq : gifts) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
    if (!e.contains("obligations")) continue;
    const std::int64_t refunded = res.refunded_minor[seq];
    for (const Json& o : e["obligations"]) {
      if (res.resolved.count({seq, o["rule"].get<std::string>()})) continue;
      // A refund of the excess (or of the whole gift) cures it.
      const std::int64_t cure = o.value("cure_minor", std::int64_t{0});
      if (cure > 0 && refunded >= cure) continue;
      OpenObligation ob{seq, e.value("subject", ""), e["scope"].get<std::string>(),
                        o["rule"].get<std::string>(), o["action"].get<std::string>(),
                        ParseDate(o["due"].get<std::string>()).value(), false};
      ob.overdue = ob.due < today;
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
    PROBITY_ASSIGN_OR_RETURN(std::vector<OpenObligation> open,
                             ListObligations(ledger, date));
    bool found = std::any_of(open.begin(), open.end(), [&](const OpenObligation& o) {
      return o.donation_seq == donation_seq && o.rule_id == rule_id;
    });
    if (!found) {
      return Status::NotFound("donation " + std::to_string(donation_seq) +
                              " has no open obligation under rule " + rule_id +
                              "; see `probity obligations`");
    }
    PROBITY_ASSIGN_OR_RETURN(Json gift, ReadDecodedEntry(batch.store(), donation_seq));
    PROBITY_ASSIGN_OR_RETURN(Date given, ParseDate(gift["date"].get<std::string>()));
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
