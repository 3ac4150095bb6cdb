#include "ledger/vault.h"

#include "ledger/encoding.h"
#include "ledger/entry.h"
#include "ledger/wipe.h"

namespace probity {
namespace {

struct PiiField {
  const char* name;
  std::string DonorPii::*member;
};

constexpr PiiField kPiiFields[] = {
    {"name", &DonorPii::name},         {"nationality", &DonorPii::nationality},
    {"residence", &DonorPii::residence}, {"address", &DonorPii::address},
    {"email", &DonorPii::email},       {"employer", &DonorPii::employer},
    {"occupation", &DonorPii::occupation},
    {"family_name", &DonorPii::family_name}, {"given_name", &DonorPii::given_name},
    {"middle_name", &DonorPii::middle_name}, {"name_prefix", &DonorPii::name_prefix},
    {"name_suffix", &DonorPii::name_suffix}, {"street", &DonorPii::street},
    {"street2", &DonorPii::street2},         {"city", &DonorPii::city},
    {"region", &DonorPii::region},           {"postcode", &DonorPii::postcode},
};

Status CheckPiiText(const char* name, const std::string& value) {
  if (value.size() > kPiiFieldBytesMax) {
    return Status::InvalidArgument(std::string(name) + " is longer than " +
                                   std::to_string(kPiiFieldBytesMax) + " bytes");
  }
  if (HasControlChar(value)) {
    return Status::InvalidArgument(std::string(name) + " contains a control character");
  }
  return Status::OK();
}

}  // namespace

Status ValidatePii(const DonorPii& pii) {
  if (pii.name.empty()) return Status::InvalidArgument("a donor needs a --name");
  for (const PiiField& f : kPiiFields) PROBITY_RETURN_IF_ERROR(CheckPiiText(f.name, pii.*f.member));
  if (!pii.nationality.empty()) {
    PROBITY_RETURN_IF_ERROR(ValidateCountry(pii.nationality).WithContext("--nationality"));
  }
  if (!pii.residence.empty()) {
    PROBITY_RETURN_IF_ERROR(ValidateCountry(pii.residence).WithContext("--residence"));
  }
  return Status::OK();
}

Json PiiToJson(const DonorPii& pii) {
  Json out = Json::object();
  for (const PiiField& f : kPiiFields) {
    if (!(pii.*f.member).empty()) out[f.name] = pii.*f.member;
  }
  return out;
}

Result<DonorPii> PiiFromJson(const Json& json) {
  if (!json.is_object()) return Status::Corruption("personal data is not a JSON object");
  DonorPii pii;
  for (const auto& item : json.items()) {
    const PiiField* field = nullptr;
    for (const PiiField& f : kPiiFields) {
      if (item.key() == f.name) field = &f;
    }
    if (field == nullptr || !item.value().is_string()) {
      return Status::Corruption("unexpected personal data field \"" + item.key() + "\"");
    }
    pii.*(field->member) = item.value().get<std::string>();
  }
  Status st = ValidatePii(pii);
  if (!st.ok()) return Status::Corruption("decrypted personal data: " + st.message());
  return pii;
}

SecretBytes NewSubjectKey() {
  SecretBytes key(kSymmetricKeyBytes);
  RandomBytes({key.data(), key.size()});
  return key;
}

Result<std::string> SealPii(const SecretBytes& subject_key, const std::string& subject,
                            const DonorPii& pii) {
  PROBITY_RETURN_IF_ERROR(ValidatePii(pii));
  PROBITY_ASSIGN_OR_RETURN(std::string plain, Canonicalize(PiiToJson(pii)));
  Bytes box = AeadSeal(subject_key, AsBytes(plain), AsBytes(subject));
  Wipe(plain);
  return Base64Encode(box);
}

Result<DonorPii> OpenPii(const SecretBytes& subject_key, const std::string& subject,
                         const std::string& box_base64) {
  PROBITY_ASSIGN_OR_RETURN(Bytes box, Base64Decode(box_base64));
  PROBITY_ASSIGN_OR_RETURN(Bytes plain, AeadOpen(subject_key, box, AsBytes(subject)));
  std::string text(plain.begin(), plain.end());
  Wipe(plain);
  Result<Json> json = ParseCanonical(text);
  Wipe(text);
  if (!json.ok()) return json.status();
  return PiiFromJson(json.value());
}

}  // namespace probity
