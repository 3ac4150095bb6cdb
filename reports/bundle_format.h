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

namespace probity {

struct HeaderSigner {
  VerifierKey key;
  std::int64_t added = 0;
  std::int64_t revoked = -1;
};
// The header line of one signer, LF included.
std::string SignerLine(const HeaderSigner& s);

struct EntryLine {
  std::int64_t seq = 0;
  Signature sig{};
  std::string_view body;
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
  std::vector<EntryLine> entries;
  std::string checkpoint;
  std::vector<Disclosure> disclosures;
};

// Shape only (section 17.3, step 1): lines, order, counts, encodings.
// VerificationFailed naming the line for anything else.
Result<ParsedBundle> ParseBundle(std::string_view text);

}  // namespace probity

#endif  // PROBITY_REPORTS_BUNDLE_FORMAT_H_
