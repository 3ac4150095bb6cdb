// The subject vault: one random 256-bit key per data subject, kept in the
// subject_keys table outside the signed entries. Identifying fields are sealed
// with XChaCha20-Poly1305 under that key, the subject id as associated data,
// so a box cannot be moved to another subject. Deleting the key (erasure)
// makes the boxes unreadable while every hash and signature still verifies.
#ifndef PROBITY_LEDGER_VAULT_H_
#define PROBITY_LEDGER_VAULT_H_

#include <string>

#include "ledger/canonical_json.h"
#include "ledger/crypto.h"
#include "ledger/status.h"

namespace probity {

constexpr std::size_t kPiiFieldBytesMax = 512;

// The personal data of a donor. Empty optional fields are left out of the box.
struct DonorPii {
  std::string name;         // required
  std::string nationality;  // ISO 3166-1 alpha-2
  std::string residence;    // ISO 3166-1 alpha-2
  std::string address;
  std::string email;
  std::string employer;
  std::string occupation;
  // The same identity split as filings need it (FEC Schedule A, CNCCFP,
  // PPERA): optional, filled by imports and by `donor add` when given. The
  // default initialisers keep brace-initialisation of the fields above valid.
  std::string family_name = {};
  std::string given_name = {};
  std::string middle_name = {};
  std::string name_prefix = {};
  std::string name_suffix = {};
  std::string street = {};
  std::string street2 = {};
  std::string city = {};
  std::string region = {};  // US state, county, ...: as the address writes it
  std::string postcode = {};
};

[[nodiscard]] Status ValidatePii(const DonorPii& pii);
Json PiiToJson(const DonorPii& pii);
Result<DonorPii> PiiFromJson(const Json& json);

SecretBytes NewSubjectKey();
// Base64 of nonce || ciphertext || tag over the canonical JSON of the fields.
Result<std::string> SealPii(const SecretBytes& subject_key, const std::string& subject,
                            const DonorPii& pii);
// VerificationFailed if the box was altered or belongs to another subject.
Result<DonorPii> OpenPii(const SecretBytes& subject_key, const std::string& subject,
                         const std::string& box_base64);

}  // namespace probity

#endif  // PROBITY_LEDGER_VAULT_H_
