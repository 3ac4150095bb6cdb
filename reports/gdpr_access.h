// The answer to a GDPR access request (Art. 15) and its portable copy
// (Art. 20) for one data subject: `probity gdpr access`.
//
// An answer is a folder:
//   data.json                 every fact the ledger holds about the person, in
//                             the documented schema (docs/gdpr.md, "Access
//                             requests"), format version kAccessFormatVersion;
//   index.html                a letter for the person (English or French),
//                             self-contained, covering Art. 15(1)(a)-(h);
//   proofs/SEQ.tlog-proof     for each of the person's entries, its inclusion
//   proofs/SEQ.json           proof against the latest checkpoint and its
//                             exact bytes, checked with `probity verify-proof`.
//
// Only indexed reads: the subject index for the person's entries, the kind
// index for purposes and scopes, stored tree nodes for the proofs. Nothing
// about another person is read into the answer (proofs hold only hashes).
#ifndef PROBITY_REPORTS_GDPR_ACCESS_H_
#define PROBITY_REPORTS_GDPR_ACCESS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/date.h"
#include "ledger/ledger.h"
#include "ledger/requests.h"

namespace probity {

constexpr int kAccessFormatVersion = 1;
constexpr const char* kAccessFormatName = "probity-gdpr-access";
// A bound on one answer: one person with more entries than this is refused
// (with the count) rather than answered partly.
constexpr std::size_t kAccessEntriesMax = 20000;

enum class AccessLang { kEn, kFr };
// "en" or "fr"; InvalidArgument otherwise.
Result<AccessLang> ParseAccessLang(std::string_view text);

struct AccessOptions {
  std::string subject;
  AccessLang lang = AccessLang::kEn;
  Date date;                                // the answer's date
  std::optional<std::int64_t> request_seq;  // the request it answers, if any
};

// One file of the answer, named relative to the answer's folder.
struct AccessFile {
  std::string name;
  std::string bytes;
};

struct AccessAnswer {
  std::vector<AccessFile> files;  // data.json first, then index.html, then proofs/
  std::string data_sha256;        // hex SHA-256 of data.json's bytes
  std::size_t entries = 0;        // the person's entries, each with a proof
};

// The request `request_seq`, if it is an open access or portability request
// of `subject`; otherwise InvalidArgument (NotFound if there is no such
// request), saying which condition failed.
Result<RequestRecord> CheckAccessRequest(Store& store, const std::string& subject,
                                         std::int64_t request_seq);

// Builds the whole answer in memory. NotFound for an unknown subject; checks
// the request as CheckAccessRequest does. Writes nothing.
Result<AccessAnswer> BuildAccessAnswer(Ledger& ledger, const AccessOptions& options);

// The letter, from data.json's content (so the two always agree).
std::string RenderAccessLetter(const Json& data, AccessLang lang);

// Refuses a `dir` that exists and is not an empty folder (InvalidArgument).
[[nodiscard]] Status CheckAnswerDir(const std::string& dir);
// Creates `dir` (mode 0700; an existing empty one is set to 0700) and writes
// every file with mode 0600, never replacing one. On failure removes what it
// wrote.
[[nodiscard]] Status WriteAccessAnswer(const std::string& dir, const AccessAnswer& answer);
// Removes the files WriteAccessAnswer wrote, and `dir` if it is then empty.
void RemoveAccessAnswer(const std::string& dir, const AccessAnswer& answer);

// Appends request_closed {outcome: answered, answer_sha256, date} for
// `request_seq`, re-checking inside the write transaction that it is still an
// open access or portability request of `subject`. Returns the new seq.
Result<std::int64_t> CloseAnsweredRequest(Ledger& ledger, const NamedKey& key,
                                          const std::string& subject, std::int64_t request_seq,
                                          const std::string& answer_sha256, const Date& date);

}  // namespace probity

#endif  // PROBITY_REPORTS_GDPR_ACCESS_H_
