// Writing the GDPR request register, and the rules its entries keep (see
// requests.h). The same Check* functions guard the commands and the replay,
// so what a command refuses is exactly what `probity verify` refuses.
#include <algorithm>

#include "ledger/assert.h"
#include "ledger/entry.h"
#include "ledger/gdpr_records.h"
#include "ledger/records.h"
#include "ledger/requests.h"

namespace probity {
namespace {

std::string Id(const RequestRecord& r) { return "request " + std::to_string(r.seq); }

Status RequireOpen(const RequestRecord& r, const std::string& subject) {
  if (r.subject != subject) {
    return Status::InvalidArgument(Id(r) + " is " + r.subject + "'s, not " + subject + "'s");
  }
  if (r.closed) {
    return Status::InvalidArgument(Id(r) + " was closed (" + r.outcome + ") on " +
                                   FormatDate(r.closed_date) + " by entry " +
                                   std::to_string(r.closed_seq) + "; it can no longer change");
  }
  return Status::OK();
}

Status NotInFuture(const Date& date, const Date& today, const char* what) {
  if (date > today) {
    return Status::InvalidArgument(std::string(what) + " " + FormatDate(date) +
                                   " is in the future (today is " + FormatDate(today) + ")");
  }
  return Status::OK();
}

// Whole months the deadline already stands past the first one (0, 1 or 2),
// so that a further extension counts from received and not from a due date
// that was already cut short at a month's end (31 Jan -> 28 Feb -> 28 Mar
// would lose three days).
std::int64_t MonthsExtended(const RequestRecord& r) {
  std::int64_t months = 0;
  while (months < kRequestExtensionMonthsMax &&
         AddMonths(r.received, kRequestAnswerMonths + months + 1) <= r.due) {
    ++months;
  }
  return months;
}

}  // namespace

Status CheckRequestExtension(const RequestRecord& r, const std::string& subject, const Date& date,
                             const Date& new_due) {
  PROBITY_RETURN_IF_ERROR(RequireOpen(r, subject));
  if (date < r.received) {
    return Status::InvalidArgument("the person cannot be told on " + FormatDate(date) +
                                   ", before " + Id(r) + " was received (" +
                                   FormatDate(r.received) + ")");
  }
  if (date > r.first_due) {
    return Status::InvalidArgument(
        "too late to extend " + Id(r) + ": the person must be told within the first month, by " +
        FormatDate(r.first_due) + " (GDPR Art. 12(3))");
  }
  if (new_due <= r.due) {
    return Status::InvalidArgument("the new deadline " + FormatDate(new_due) +
                                   " does not move the current one (" + FormatDate(r.due) + ")");
  }
  if (new_due > RequestDueLimit(r.received)) {
    return Status::InvalidArgument("the new deadline " + FormatDate(new_due) + " is past " +
                                   FormatDate(RequestDueLimit(r.received)) +
                                   ", received + 3 months: Art. 12(3) allows two further "
                                   "months at most");
  }
  return Status::OK();
}

Status CheckRequestClosing(const RequestRecord& r, const std::string& subject, const Date& date,
                           const std::string& outcome, bool has_basis, bool has_possible_from) {
  PROBITY_RETURN_IF_ERROR(RequireOpen(r, subject));
  if (date < r.received) {
    return Status::InvalidArgument(Id(r) + " cannot be closed on " + FormatDate(date) +
                                   ", before it was received (" + FormatDate(r.received) + ")");
  }
  if (outcome == "refused" && !has_basis) {
    return Status::InvalidArgument("a refusal must state its legal basis (--basis), e.g. "
                                   "\"Art. 17(3)(b): Code électoral L52-12\"");
  }
  if (has_possible_from && (outcome != "refused" || r.type != "erasure")) {
    return Status::InvalidArgument(
        "a date from which erasure becomes possible belongs only to a refused erasure request; " +
        Id(r) + " is " + r.type + ", closed as " + outcome);
  }
  return Status::OK();
}

Status CheckRequestErasure(const RequestRecord& r, const std::string& subject) {
  PROBITY_RETURN_IF_ERROR(RequireOpen(r, subject));
  if (r.type != "erasure") {
    return Status::InvalidArgument("an erasure cannot answer " + Id(r) + ", which is a " + r.type +
                                   " request");
  }
  return Status::OK();
}

Result<std::int64_t> OpenRequest(Ledger& ledger, const NamedKey& key, const NewRequest& r,
                                 const Date& today) {
  PROBITY_RETURN_IF_ERROR(ValidateScopeId(r.channel).WithContext("--channel"));
  PROBITY_RETURN_IF_ERROR(NotInFuture(r.received, today, "--received"));
  const Date due = RequestFirstDue(r.received);
  PROBITY_ASSERT(IsValidDate(due));  // received <= today, far from year 9999
  return AppendOne(ledger, key, [&](AppendBatch& batch) -> Result<EntryDraft> {
    PROBITY_RETURN_IF_ERROR(RequireDonorExists(batch.store(), r.subject));
    return EntryDraft{"request_opened",
                      {{"subject", r.subject},
                       {"request_type", r.type},
                       {"received", FormatDate(r.received)},
                       {"channel", r.channel},
                       {"due", FormatDate(due)}}};
  });
}

Result<std::int64_t> ExtendRequest(Ledger& ledger, const NamedKey& key, const NewExtension& x,
                                   const Date& today) {
  if (x.months < 1 || x.months > kRequestExtensionMonthsMax) {
    return Status::InvalidArgument("--months must be 1 or 2 (Art. 12(3): two further months)");
  }
  PROBITY_RETURN_IF_ERROR(CheckFlagText(x.reason, "--reason", 256, false));
  PROBITY_RETURN_IF_ERROR(NotInFuture(x.date, today, "--date"));
  return AppendOne(ledger, key, [&](AppendBatch& batch) -> Result<EntryDraft> {
    PROBITY_ASSIGN_OR_RETURN(RequestRecord r, LoadRequest(batch.store(), x.request_seq));
    const std::int64_t months = kRequestAnswerMonths + MonthsExtended(r) + x.months;
    const Date new_due = AddMonths(r.received, months);
    PROBITY_RETURN_IF_ERROR(CheckRequestExtension(r, r.subject, x.date, new_due));
    return EntryDraft{"request_extended",
                      {{"request_seq", r.seq},
                       {"subject", r.subject},
                       {"date", FormatDate(x.date)},
                       {"reason", x.reason},
                       {"due", FormatDate(new_due)}}};
  });
}

Result<std::int64_t> CloseRequest(Ledger& ledger, const NamedKey& key, const NewClosing& c,
                                  const Date& today) {
  PROBITY_RETURN_IF_ERROR(NotInFuture(c.date, today, "--date"));
  PROBITY_RETURN_IF_ERROR(CheckFlagText(c.basis, "--basis", 1024, true));
  PROBITY_RETURN_IF_ERROR(CheckFlagText(c.note, "--note", 256, true));
  if (!c.possible_from.empty()) {
    PROBITY_RETURN_IF_ERROR(ParseDate(c.possible_from).status().WithContext("--possible-from"));
  }
  return AppendOne(ledger, key, [&](AppendBatch& batch) -> Result<EntryDraft> {
    PROBITY_ASSIGN_OR_RETURN(RequestRecord r, LoadRequest(batch.store(), c.request_seq));
    PROBITY_RETURN_IF_ERROR(CheckRequestClosing(r, r.subject, c.date, c.outcome, !c.basis.empty(),
                                                !c.possible_from.empty()));
    EntryDraft draft{"request_closed", Json::object()};
    draft.fields["request_seq"] = r.seq;
    draft.fields["subject"] = r.subject;
    draft.fields["date"] = FormatDate(c.date);
    draft.fields["outcome"] = c.outcome;
    if (!c.basis.empty()) draft.fields["basis"] = c.basis;
    if (!c.possible_from.empty()) draft.fields["possible_from"] = c.possible_from;
    if (!c.answer_sha256.empty()) draft.fields["answer_sha256"] = c.answer_sha256;
    if (!c.note.empty()) draft.fields["note"] = c.note;
    return draft;
  });
}

void OrderRegister(const Date& today, std::vector<RequestRecord>* requests) {
  std::stable_sort(requests->begin(), requests->end(),
                   [&](const RequestRecord& a, const RequestRecord& b) {
                     const bool a_over = a.Overdue(today), b_over = b.Overdue(today);
                     if (a_over != b_over) return a_over;
                     if (a.due != b.due) return a.due < b.due;
                     return a.seq < b.seq;
                   });
}

}  // namespace probity
