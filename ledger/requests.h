// The GDPR request register (Art. 12(3)), read back from the ledger.
//
// A request is a request_opened entry; its id is that entry's seq. Later
// request_extended entries move its deadline, and one request_closed entry
// closes it (answered, refused or withdrawn). An erasure entry that names the
// request also answers it. Every one of these entries carries the subject, so
// the subject index finds a person's whole register without a scan.
#ifndef PROBITY_LEDGER_REQUESTS_H_
#define PROBITY_LEDGER_REQUESTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/date.h"
#include "ledger/ledger.h"
#include "ledger/store.h"

namespace probity {

// GDPR Art. 12(3): one month from receipt, which may be extended "by two further
// months where necessary".
constexpr std::int64_t kRequestAnswerMonths = 1;
constexpr std::int64_t kRequestExtensionMonthsMax = 2;

struct RequestExtension {
  std::int64_t seq = 0;
  Date date;
  std::string reason;
  Date due;
};

struct RequestRecord {
  std::int64_t seq = 0;  // the request's id
  std::string subject;
  std::string type;      // access, erasure, rectification, restriction, objection, portability
  Date received;
  std::string channel;
  Date first_due;        // received + 1 month
  Date due;              // after the latest extension
  std::vector<RequestExtension> extensions;
  bool closed = false;
  std::int64_t closed_seq = 0;  // the request_closed (or erasure) entry
  Date closed_date;
  std::string outcome;          // answered, refused, withdrawn; empty while open
  std::string basis;            // a refusal's legal basis
  std::string possible_from;    // a refused erasure: when it becomes possible; may be empty
  std::string answer_sha256;    // an access answer: SHA-256 of the data.json handed over
  std::string note;

  // Open past its deadline on `today`, or closed after it.
  bool Late(const Date& today) const { return closed ? due < closed_date : due < today; }
  // Still open and past its deadline on `today` (the deadline day itself is in time).
  bool Overdue(const Date& today) const { return !closed && due < today; }
  // Days from `today` to the deadline: negative once it has passed.
  std::int64_t DaysToDue(const Date& today) const {
    return DaysFromCivil(due) - DaysFromCivil(today);
  }
};

// received + 1 month: the first deadline (section 3.3 of docs/format.md, "Months").
Date RequestFirstDue(const Date& received);
// received + 3 months: no extension may go past it.
Date RequestDueLimit(const Date& received);

// The register fold, shared with the verifier's replay (replay_gdpr.cc):
// a request from its request_opened entry, then each later entry naming it
// (request_extended, request_closed, or an erasure with request_seq) applied
// in seq order. Entries must have passed ValidateEntry.
RequestRecord RequestFromOpened(const Json& opened);
void ApplyRequestEntry(const Json& entry, RequestRecord* r);

// The rules an entry naming request `r` must keep (docs/format.md section 14,
// step 11). InvalidArgument saying what is wrong; the commands refuse with it
// and the replay turns it into a verification failure.
[[nodiscard]] Status CheckRequestExtension(const RequestRecord& r, const std::string& subject,
                                           const Date& date, const Date& new_due);
[[nodiscard]] Status CheckRequestClosing(const RequestRecord& r, const std::string& subject,
                                         const Date& date, const std::string& outcome,
                                         bool has_basis, bool has_possible_from);
[[nodiscard]] Status CheckRequestErasure(const RequestRecord& r, const std::string& subject);

// Writing the register. `today` bounds the dates: nothing is received, told or
// answered in the future.
struct NewRequest {
  std::string subject;
  std::string type;  // access, erasure, rectification, restriction, objection, portability
  Date received;
  std::string channel;  // email, letter, web, ...
};
Result<std::int64_t> OpenRequest(Ledger& ledger, const NamedKey& key, const NewRequest& r,
                                 const Date& today);
struct NewExtension {
  std::int64_t request_seq = 0;
  Date date;  // when the person was told
  std::string reason;
  std::int64_t months = 1;  // further months: 1 or 2, never past received + 3 months
};
Result<std::int64_t> ExtendRequest(Ledger& ledger, const NamedKey& key, const NewExtension& x,
                                   const Date& today);
struct NewClosing {
  std::int64_t request_seq = 0;
  Date date;  // when the answer was sent
  std::string outcome = "answered";  // answered, refused, withdrawn
  std::string basis;                 // required when refused
  std::string possible_from;         // a refused erasure: YYYY-MM-DD, or empty
  std::string answer_sha256;         // an access answer, or empty
  std::string note;
};
Result<std::int64_t> CloseRequest(Ledger& ledger, const NamedKey& key, const NewClosing& c,
                                  const Date& today);

// The register as a DPO reads it: overdue requests first (the longest overdue
// first), then the others by due date, then by id.
void OrderRegister(const Date& today, std::vector<RequestRecord>* requests);

// Every request, with its extensions and closing, in seq order; only the
// subject's when `subject` is not empty.
Result<std::vector<RequestRecord>> LoadRequests(Store& store, const std::string& subject);
// The request whose id is `seq`; NotFound (naming the seq) if there is none.
Result<RequestRecord> LoadRequest(Store& store, std::int64_t seq);

}  // namespace probity

#endif  // PROBITY_LEDGER_REQUESTS_H_
