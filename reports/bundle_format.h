// The audit bundle's text format (docs/format.md, section 17.1), shared by
// its writer and its verifier (bundle.cc): the parsed form and the strict,
// bounded reader. Internal to reports/.
#ifndef PROBITY_REPORTS_BUNDLE_FORMAT_H_
#define PROBITY_REPORTS_BUNDLE_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/note.h"
#include "ledger/status.h"
#include "reports/bundle_source.h"

namespace probity {

struct HeaderSigner {
  VerifierKey key;
  std::int64_t added = 0;
  std::int64_t revoked = -1;
};
// The header line of one signer, LF included.
std::string SignerLine(const HeaderSigner& s);

// One entry line, as the verifier holds it while the entry is checked.
struct EntryText {
  std::int64_t seq = 0;
  Signature sig{};
  std::string body;  // the canonical bytes as signed
};

struct Disclosure {
  std::string subject;
  bool erased = false;
  std::string key;  // raw 32 bytes
  std::string pii;  // canonical JSON text
};

struct ParsedBundle {
  std::string origin, ledger_id;
  std::int64_t count = 0;
  std::vector<HeaderSigner> signers;
  std::vector<std::pair<std::string, std::string>> packs;  // id, sha256 hex
  // Where the entry lines start, for EntryLineReader: they are checked by
  // ScanBundle, then read again one at a time, never held all at once.
  std::uint64_t entries_offset = 0;
  std::int64_t entries_line = 0;
  std::string checkpoint;
  std::vector<Disclosure> disclosures;
};

// Shape only (section 17.3, step 1): lines, order, counts, encodings, read
// one window at a time. VerificationFailed naming the line for anything else;
// the source's IoError as it is.
Result<ParsedBundle> ScanBundle(BundleSource& source);

// The entry lines of a bundle that ScanBundle accepted, read again in order.
// A line that is no longer what ScanBundle saw means the bundle changed
// between the two reads: VerificationFailed saying so. Not thread safe.
class EntryLineReader {
 public:
  EntryLineReader(BundleSource& source, const ParsedBundle& b)
      : lines_(source, b.entries_offset, b.entries_line), count_(b.count) {}
  // The next entry's number, signature and body (copied into `out`).
  [[nodiscard]] Status Next(EntryText& out);

 private:
  BundleLines lines_;
  std::int64_t count_;
  std::int64_t next_seq_ = 0;
};

}  // namespace probity

#endif  // PROBITY_REPORTS_BUNDLE_FORMAT_H_
