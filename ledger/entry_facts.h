// What the replays (ledger/replay.h, policies/policy_replay.h, the signer
// set) and the bundle verifier's ordered checks read of a validated entry,
// taken out of its decoded JSON once. A verifier decodes entries on several
// threads and checks them in order on one: the gift kinds (donation, refund,
// correction: nearly every entry of a real ledger) travel to that thread as
// these few fields, their JSON freed where it was decoded, instead of a whole
// nlohmann::json looked up by name a few dozen times and freed there. Every
// other kind keeps its JSON (they are rare, and their checks read more).
#ifndef PROBITY_LEDGER_ENTRY_FACTS_H_
#define PROBITY_LEDGER_ENTRY_FACTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/canonical_json.h"
#include "ledger/merkle.h"
#include "ledger/status.h"

namespace probity {

struct EntryFacts {
  // The common fields (entry.h).
  std::int64_t seq = 0;
  std::string ts;
  std::string kind;
  Hash prev{};         // the 64 hex digits of `prev`, decoded
  std::string signer;  // key id, 8 hex digits

  // The gift kinds' fields, as the entry holds them; empty (or 0, -1, null)
  // when the kind has no such member. The schema makes a member that is
  // present non-empty, so an empty string here means absent.
  bool gift_kind = false;  // donation, refund or correction
  std::string subject;     // empty: none (an anonymous donation or correction)
  std::string currency, method, date, scope, election, nature;
  std::int64_t amount_minor = 0;
  std::int64_t donation_seq = -1;  // refund, correction
  Json obligations;                // the member, or null when absent
  Json flags;                      // the member, or null when absent

  // Any other kind: the whole validated entry. Null for the gift kinds.
  Json entry;
};

// The facts of `entry` (it passed ValidateEntry): its strings moved out, and
// for a gift kind the rest of it freed here (pass it moved). A member it
// lacks reads as absent, `seq` and `kind` excepted: the replays' unit tests
// give them only the members they read.
EntryFacts TakeFacts(Json entry);
// The same from a copy, for callers that keep the JSON.
EntryFacts CopyFacts(const Json& entry);

// The facts of the entry stored as `body`: DecodeEntry then TakeFacts, the
// same result and the same error for any bytes. Most entries of a ledger (a
// gift kind with no obligations or flags, every string unescaped) are read
// straight from the bytes by ReadGiftFactsExact, with no JSON built.
Result<EntryFacts> DecodeFacts(std::string_view body);

// The facts of `body` if it is a donation, refund or correction that
// DecodeEntry accepts and that this reader can take in one pass: no
// `obligations` or `flags`, no escape in any string, no negative number.
// nullopt otherwise, without a reason: then DecodeEntry decides (and says
// why it refuses). It never accepts bytes DecodeEntry refuses, and what it
// accepts reads as TakeFacts reads it (tests/ledger/entry_facts_read_test.cc).
std::optional<EntryFacts> ReadGiftFactsExact(std::string_view body);

}  // namespace probity

#endif  // PROBITY_LEDGER_ENTRY_FACTS_H_
