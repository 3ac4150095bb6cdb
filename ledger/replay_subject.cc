// Replay rules for a subject's own data: rectification and erasure
// (docs/format.md, section 14, step 11).
#include "ledger/replay.h"

namespace probity {

// - erasure: the subject was not erased before.
// - After an erasure, the only entries that may name the subject are the
//   request register's (request_opened, request_extended, request_closed): a
//   person erased may still ask what is held about them, and be answered.
//   Nothing else, since any new record (a gift, a consent, a rectification, a
//   refund or correction of an old gift) would be data about a person whose
//   identity can no longer be read or checked.
// The generic rule before this one already requires the subject registered.
Status Replay::CheckSubjectRecord(const EntryFacts& e, StringTable::Id subject_id) {
  if (subject_id == StringTable::kNone) return Status::OK();  // names no subject
  const std::string& subject = donors_.Text(subject_id);
  const std::string& kind = e.kind;
  std::int64_t& erased_at = erased_.at(subject_id);
  if (erased_at >= 0) {
    if (kind == "request_opened" || kind == "request_extended" || kind == "request_closed") {
      return Status::OK();
    }
    return Status::VerificationFailed("an entry of kind " + kind + " names subject " + subject +
                                      ", who was erased at entry " + std::to_string(erased_at) +
                                      "; only GDPR requests may name an erased subject");
  }
  if (kind == "erasure") erased_at = e.seq;
  return Status::OK();
}

}  // namespace probity
