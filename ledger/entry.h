// Entries: the signed records of the ledger (docs/format.md, "Entries").
//
// An entry is a canonical JSON object with the common fields v, seq, ts, kind,
// prev, signer and the fields of its kind. Every kind has a fixed schema here;
// an entry with a missing, unknown or ill-formed field is refused before it is
// signed and reported as corrupt when it is read back.
#ifndef PROBITY_LEDGER_ENTRY_H_
#define PROBITY_LEDGER_ENTRY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/canonical_json.h"
#include "ledger/note.h"
#include "ledger/status.h"
#include "ledger/store.h"

namespace probity {

constexpr int kEntryVersion = 1;
constexpr std::size_t kIdBytesMax = 64;  // scope ids, purposes
constexpr std::size_t kOriginBytesMax = 128;
constexpr std::size_t kPackTextBytesMax = 32 * 1024;
constexpr std::size_t kExternalIdBytesMax = 96;

// What a command asks to append: the kind and its own fields.
struct EntryDraft {
  std::string kind;
  Json fields = Json::object();
};

// Identifier syntax shared by the CLI and the validator.
[[nodiscard]] Status ValidateSubjectId(std::string_view id);  // "S-" + 10 lower-case hex
[[nodiscard]] Status ValidateScopeId(std::string_view id);    // [a-z0-9-]{1,64}
[[nodiscard]] Status ValidateOrigin(std::string_view origin);
[[nodiscard]] Status ValidateRuleId(std::string_view id);     // [A-Za-z0-9.-]{1,64}
[[nodiscard]] Status ValidateExternalId(std::string_view id);  // printable ASCII, 1..96
[[nodiscard]] Status ValidateMethod(std::string_view method);
[[nodiscard]] Status ValidateCountry(std::string_view code);  // ISO 3166-1 alpha-2 shape
[[nodiscard]] Status ValidateDonorType(std::string_view type);

// True if `s` holds a C0 control character or DEL.
bool HasControlChar(std::string_view s);

// Checks a whole entry (common fields and its kind's schema).
[[nodiscard]] Status ValidateEntry(const Json& entry);

// Adds the common fields to `draft`, validates, and returns canonical bytes.
struct EncodedEntry {
  Json entry;        // the validated entry
  std::string body;  // its canonical bytes
};
// The entry EncodeEntryWithJson encodes: the draft's fields (moved) with the
// common fields added, validated; not yet canonical bytes.
Result<Json> BuildEntry(EntryDraft draft, std::int64_t seq, std::int64_t ts_unix,
                        const Hash& prev, const KeyId& signer);
Result<EncodedEntry> EncodeEntryWithJson(const EntryDraft& draft, std::int64_t seq,
                                         std::int64_t ts_unix, const Hash& prev,
                                         const KeyId& signer);
Result<std::string> EncodeEntry(const EntryDraft& draft, std::int64_t seq, std::int64_t ts_unix,
                                const Hash& prev, const KeyId& signer);

// Parses stored bytes: canonical JSON, then ValidateEntry.
Result<Json> DecodeEntry(std::string_view body);

// Reads entry `seq` from the store and decodes it (NotFound, Corruption).
Result<Json> ReadDecodedEntry(Store& store, std::int64_t seq);

// The columns stored beside the body (store.h).
EntryIndex IndexOf(const Json& entry);

// The 64-zero `prev` of entry 0.
Hash ZeroHash();

}  // namespace probity

#endif  // PROBITY_LEDGER_ENTRY_H_
