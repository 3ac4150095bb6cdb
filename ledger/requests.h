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
};

// Every request, with its extensions and closing, in seq order; only the
// subject's when `subject` is not empty.
Result<std::vector<RequestRecord>> LoadRequests(Store& store, const std::string& subject);
// The request whose id is `seq`; NotFound (naming the seq) if there is none.
Result<RequestRecord> LoadRequest(Store& store, std::int64_t seq);

}  // namespace probity

#endif  // PROBITY_LEDGER_REQUESTS_H_
