// Erasure (GDPR Art. 17) decided against the retention periods of the policy
// packs: `probity gdpr erase` and `probity gdpr purge-expired`. The ledger
// layer (ledger/subjects.h) writes the erasure; this layer decides whether
// the law still requires keeping the records (Art. 17(3)(b)).
//
// When retention runs out. Each pack states `retention_days` and the source
// of that period (`retention_source`). The sources speak of records kept "3
// years after the report is filed" (FEC), or for 10 (accounting records) or 6
// (PPERA) years: periods that start when the accounts or the filing that
// contain the gift are closed, which is at the end of the scope, not on the
// day of the gift. So retention of a donation runs from the LATER of its
// scope's `valid_until`, its (corrected) date and its last refund's date, and
// covers `retention_days` days after that day: erasure becomes possible the
// day after (docs/gdpr.md, "Erasure and rectification"). A subject's
// retention ends when that of every one of their donations has ended.
#ifndef PROBITY_POLICIES_ERASURE_H_
#define PROBITY_POLICIES_ERASURE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/date.h"
#include "ledger/ledger.h"

namespace probity {

// The donation of a subject that is kept longest, and until when.
struct Retention {
  bool has_donations = false;  // false: no pack's retention applies
  Date possible_from;          // the first day erasure is possible
  std::int64_t donation_seq = -1;
  std::string scope;
  std::string pack_id;
  Date runs_from;  // later of the scope's end, the gift's date, its last refund
  std::int64_t retention_days = 0;
  std::string retention_source;
  // The legal basis of a refusal on `date`: Art. 17(3)(b) and the source.
  std::string Basis() const;
};
Result<Retention> SubjectRetention(Store& store, const std::string& subject);

struct ErasureAnswer {
  bool refused = false;
  std::int64_t seq = -1;  // the erasure entry, or the request_closed of a refusal
  Retention retention;
  Status wal;  // the WAL truncation after an erasure (Store::TruncateWal)
};
// Erases `subject` on their open erasure request `request_seq`, dated `date`
// (not after `today`, not before the request was received). If a donation is
// still within retention on `date`, records the refusal (request_closed,
// outcome refused, with the basis and the date erasure becomes possible) and
// returns refused. Errors (InvalidArgument / NotFound; nothing written): an
// unknown or erased subject, a request that is missing, of another type or
// subject, or closed.
Result<ErasureAnswer> EraseOnRequest(Ledger& ledger, const NamedKey& key,
                                     const std::string& subject, std::int64_t request_seq,
                                     const Date& date, const Date& today);

struct PurgeItem {
  std::string subject;
  bool erase = false;  // retention ended: erased (or would be, in a dry run)
  std::string why;     // for people: the rule that decided
  std::int64_t seq = -1;  // the erasure entry; -1 in a dry run or when kept
};
struct PurgeReport {
  std::vector<PurgeItem> items;  // every donor not yet erased, by subject id
  Status wal;                    // the WAL truncation (also run when nothing is erased)
};
// Erases (ground retention-ended, dated `as_of`) every subject not yet erased
// whose retention has ended on `as_of`, in one write transaction; with
// `dry_run`, only says who. InvalidArgument if `as_of` is after `today`.
// Subjects with consents: see docs/gdpr.md; a consent in force keeps them.
Result<PurgeReport> PurgeExpired(Ledger& ledger, const NamedKey* key, const Date& as_of,
                                 const Date& today, bool dry_run);

}  // namespace probity

#endif  // PROBITY_POLICIES_ERASURE_H_
