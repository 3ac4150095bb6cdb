#include "ledger/entry.h"

#include <algorithm>
#include <vector>

#include "ledger/date.h"
#include "ledger/encoding.h"
#include "ledger/keyfile.h"
#include "ledger/money.h"

namespace probity {
namespace {

enum class FieldType {
  kUint,       // non-negative integer <= 2^53 - 1 (seq numbers)
  kAmount,     // positive integer minor units
  kCurrency,
  kDate,
  kTimestamp,
  kHash,       // 64 lower-case hex
  kKeyId,      // 8 lower-case hex
  kLedgerId,   // 32 lower-case hex
  kPublicKey,  // base64 of 32 bytes
  kKeyName,
  kOrigin,
  kSubject,
  kScope,      // also purposes
  kMethod,
  kDonorType,
  kBox,        // base64 AEAD box
  kText,       // short free text without control characters
  kTrue,       // the boolean true (a flag that is either present or absent)
  kElection,   // election designation: one upper-case letter and a year, e.g. P2026
  kNature,     // gift or membership-fee
  kPackText,   // a policy pack's TOML text
  kParams,     // object: id -> non-negative integer (minor units)
  kObligations,  // array of {rule, due, action}
  kFlags,      // array of rule ids
  kRuleId,     // a policy rule id: 1..64 of [A-Za-z0-9.-]
  kExternalId,  // an import's row id: 1..96 printable ASCII, no space
  kPeriod,     // "90d", "18m", "3y" (date.h ParsePeriod)
  kRequestType,  // GDPR request: access, erasure, rectification, restriction, objection, portability
  kOutcome,    // how a GDPR request was closed: answered, refused, withdrawn
  kErasureGround,  // why a subject was erased: request, retention-ended
  kLongText,   // free text up to 1024 bytes without control characters
};

struct FieldSpec {
  const char* name;
  FieldType type;
  bool required;
};

struct KindSpec {
  const char* kind;
  std::vector<FieldSpec> fields;
};

const std::vector<FieldSpec>& CommonFields() {
  static const std::vector<FieldSpec> fields = {
      {"v", FieldType::kUint, true},        {"seq", FieldType::kUint, true},
      {"ts", FieldType::kTimestamp, true},  {"kind", FieldType::kText, true},
      {"prev", FieldType::kHash, true},     {"signer", FieldType::kKeyId, true},
  };
  return fields;
}

// One schema per kind. A new kind is a format change: document it in
// docs/format.md in the same commit.
const std::vector<KindSpec>& Kinds() {
  static const std::vector<KindSpec> kinds = {
      {"ledger_created",
       {{"origin", FieldType::kOrigin, true}, {"ledger_id", FieldType::kLedgerId, true},
        {"signer_name", FieldType::kKeyName, true}, {"signer_key", FieldType::kPublicKey, true}}},
      {"signer_added",
       {{"signer_name", FieldType::kKeyName, true}, {"signer_key", FieldType::kPublicKey, true}}},
      {"signer_revoked", {{"key_id", FieldType::kKeyId, true}}},
      {"donor_added",
       {{"subject", FieldType::kSubject, true}, {"donor_type", FieldType::kDonorType, true},
        {"pii", FieldType::kBox, true}}},
      {"donation",
       {{"subject", FieldType::kSubject, false}, {"anonymous", FieldType::kTrue, false},
        {"amount_minor", FieldType::kAmount, true}, {"currency", FieldType::kCurrency, true},
        {"method", FieldType::kMethod, true}, {"date", FieldType::kDate, true},
        {"scope", FieldType::kScope, true}, {"election", FieldType::kElection, false},
        {"nature", FieldType::kNature, false}, {"cap_declared", FieldType::kTrue, false},
        {"obligations", FieldType::kObligations, false},
        {"flags", FieldType::kFlags, false}, {"import_ref", FieldType::kText, false},
        {"import_aggregate_minor", FieldType::kAmount, false}, {"receipt", FieldType::kText, false},
        {"external_id", FieldType::kExternalId, false}}},
      {"policy_adopted",
       {{"pack_id", FieldType::kScope, true}, {"pack_sha256", FieldType::kHash, true},
        {"pack_toml", FieldType::kPackText, true}}},
      {"scope_added",
       {{"scope", FieldType::kScope, true}, {"pack_id", FieldType::kScope, true},
        {"pack_sha256", FieldType::kHash, true}, {"valid_from", FieldType::kDate, true},
        {"valid_until", FieldType::kDate, true}, {"params", FieldType::kParams, false}}},
      {"obligation_resolved",
       {{"donation_seq", FieldType::kUint, true}, {"rule", FieldType::kRuleId, true},
        {"how", FieldType::kText, true}, {"date", FieldType::kDate, true}}},
      {"refund",
       {{"subject", FieldType::kSubject, true}, {"donation_seq", FieldType::kUint, true},
        {"amount_minor", FieldType::kAmount, true}, {"currency", FieldType::kCurrency, true},
        {"date", FieldType::kDate, true}, {"reason", FieldType::kText, false}}},
      // Restates a donation recorded wrongly (a typing error in the amount,
      // method or date): the latest correction of a donation gives its amount,
      // method, date, obligations and flags; the donation and earlier
      // corrections stay in the history. Subject, scope and currency are
      // copies of the donation's, so that the index columns can serve the
      // donor's and the scope's aggregates.
      {"correction",
       {{"donation_seq", FieldType::kUint, true}, {"subject", FieldType::kSubject, false},
        {"scope", FieldType::kScope, true}, {"currency", FieldType::kCurrency, true},
        {"amount_minor", FieldType::kAmount, true}, {"method", FieldType::kMethod, true},
        {"date", FieldType::kDate, true}, {"reason", FieldType::kText, true},
        {"obligations", FieldType::kObligations, false}, {"flags", FieldType::kFlags, false}}},
      // GDPR Art. 30(1)(b)-(f), Art. 13: a processing purpose, its legal basis,
      // how long its data is kept and what it is for. Consents name one.
      {"purpose_added",
       {{"purpose", FieldType::kScope, true}, {"basis", FieldType::kText, true},
        {"retention", FieldType::kPeriod, true}, {"description", FieldType::kLongText, true}}},
      {"consent",
       {{"subject", FieldType::kSubject, true}, {"purpose", FieldType::kScope, true},
        {"text_sha256", FieldType::kHash, true}, {"channel", FieldType::kScope, true},
        {"date", FieldType::kDate, true}, {"text_version", FieldType::kText, false},
        {"evidence", FieldType::kText, false}}},
      {"consent_withdrawal",
       {{"subject", FieldType::kSubject, true}, {"purpose", FieldType::kScope, true},
        {"consent_seq", FieldType::kUint, true}, {"date", FieldType::kDate, true},
        {"channel", FieldType::kScope, false}, {"evidence", FieldType::kText, false}}},
      // The GDPR request register (Art. 12(3)). A request's id is the seq of
      // its request_opened entry; the later entries name it and repeat its
      // subject, so the subject index finds a person's whole register.
      {"request_opened",
       {{"subject", FieldType::kSubject, true}, {"request_type", FieldType::kRequestType, true},
        {"received", FieldType::kDate, true}, {"channel", FieldType::kScope, true},
        {"due", FieldType::kDate, true}}},
      {"request_extended",
       {{"request_seq", FieldType::kUint, true}, {"subject", FieldType::kSubject, true},
        {"date", FieldType::kDate, true}, {"reason", FieldType::kText, true},
        {"due", FieldType::kDate, true}}},
      {"request_closed",
       {{"request_seq", FieldType::kUint, true}, {"subject", FieldType::kSubject, true},
        {"date", FieldType::kDate, true}, {"outcome", FieldType::kOutcome, true},
        {"basis", FieldType::kLongText, false}, {"possible_from", FieldType::kDate, false},
        {"answer_sha256", FieldType::kHash, false}, {"note", FieldType::kText, false}}},
      // Rectification (Art. 16): the subject's personal data restated, as a
      // new box under the same subject key. The latest one is in force.
      {"donor_corrected",
       {{"subject", FieldType::kSubject, true}, {"pii", FieldType::kBox, true},
        {"request_seq", FieldType::kUint, false}}},
      // Erasure (Art. 17) by crypto-shredding: the subject's vault key was
      // destroyed in the same transaction. No personal data in it.
      {"erasure",
       {{"subject", FieldType::kSubject, true}, {"date", FieldType::kDate, true},
        {"ground", FieldType::kErasureGround, true}, {"request_seq", FieldType::kUint, false}}},
  };
  return kinds;
}

const KindSpec* FindKind(std::string_view kind) {
  for (const KindSpec& k : Kinds()) {
    if (kind == k.kind) return &k;
  }
  return nullptr;
}

// Without a branch per character: hex digits are random, so a test that
// stops at the first range mispredicts about every other digit, and every
// entry's prev (64 digits) goes through here on the verifier's workers.
bool IsLowerHex(std::string_view s, std::size_t length) {
  if (s.size() != length) return false;
  bool all = true;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    all &= (static_cast<unsigned char>(c - '0') < 10) | (static_cast<unsigned char>(c - 'a') < 6);
  }
  return all;
}

Status CheckText(std::string_view s, std::size_t bytes_max) {
  if (s.empty() || s.size() > bytes_max) {
    return Status::InvalidArgument("must be 1 to " + std::to_string(bytes_max) + " bytes");
  }
  if (HasControlChar(s)) return Status::InvalidArgument("contains a control character");
  return Status::OK();
}

Status OneOf(std::string_view s, std::initializer_list<const char*> allowed) {
  std::string list;
  for (const char* a : allowed) {
    if (s == a) return Status::OK();
    list += list.empty() ? a : std::string(", ") + a;
  }
  return Status::InvalidArgument("must be one of " + list);
}

Status CheckString(FieldType type, const std::string& s) {
  switch (type) {
    case FieldType::kCurrency: return LookupCurrency(s).status();
    case FieldType::kDate: return ParseDate(s).status();
    case FieldType::kTimestamp: return ParseTimestamp(s).status();
    case FieldType::kHash:
      return IsLowerHex(s, 64) ? Status::OK() : Status::InvalidArgument("not 64 lower-case hex");
    case FieldType::kKeyId:
      return IsLowerHex(s, 8) ? Status::OK() : Status::InvalidArgument("not 8 lower-case hex");
    case FieldType::kLedgerId:
      return IsLowerHex(s, 32) ? Status::OK() : Status::InvalidArgument("not 32 lower-case hex");
    case FieldType::kPublicKey: return Base64DecodeFixed<kPublicKeyBytes>(s, "public key").status();
    case FieldType::kKeyName: return ValidateKeyName(s);
    case FieldType::kOrigin: return ValidateOrigin(s);
    case FieldType::kSubject: return ValidateSubjectId(s);
    case FieldType::kScope: return ValidateScopeId(s);
    case FieldType::kMethod: return ValidateMethod(s);
    case FieldType::kDonorType: return ValidateDonorType(s);
    case FieldType::kBox: {
      Result<Bytes> box = Base64Decode(s);
      if (!box.ok()) return box.status();
      if (box->size() < kAeadNonceBytes + kAeadTagBytes) {
        return Status::InvalidArgument("encrypted box too short");
      }
      return Status::OK();
    }
    case FieldType::kText: return CheckText(s, 256);
    case FieldType::kLongText: return CheckText(s, 1024);
    case FieldType::kPeriod: return ParsePeriod(s).status();
    case FieldType::kRequestType:
      return OneOf(s, {"access", "erasure", "rectification", "restriction", "objection",
                       "portability"});
    case FieldType::kOutcome: return OneOf(s, {"answered", "refused", "withdrawn"});
    case FieldType::kErasureGround: return OneOf(s, {"request", "retention-ended"});
    case FieldType::kRuleId: return ValidateRuleId(s);
    case FieldType::kExternalId: return ValidateExternalId(s);
    case FieldType::kElection:
      return s.size() == 5 && std::isupper(static_cast<unsigned char>(s[0])) &&
                     std::all_of(s.begin() + 1, s.end(),
                                 [](char c) { return c >= '0' && c <= '9'; })
                 ? Status::OK()
                 : Status::InvalidArgument("not an election designation such as P2026 or G2026");
    case FieldType::kNature:
      return s == "gift" || s == "membership-fee"
                 ? Status::OK()
                 : Status::InvalidArgument("must be gift or membership-fee");
    case FieldType::kPackText: {
      if (s.empty() || s.size() > kPackTextBytesMax) return Status::InvalidArgument("bad size");
      bool bad = std::any_of(s.begin(), s.end(), [](char ch) {
        auto c = static_cast<unsigned char>(ch);
        return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f;
      });
      return bad ? Status::InvalidArgument("control character") : Status::OK();
    }
    default: return Status::InvalidArgument("expected a number, found a string");
  }
}

Status CheckStructured(FieldType type, const Json& value);

Status CheckField(const FieldSpec& spec, const Json& value) {
  if (spec.type == FieldType::kTrue) {
    return value == Json(true) ? Status::OK() : Status::InvalidArgument("must be true");
  }
  if (spec.type == FieldType::kParams || spec.type == FieldType::kObligations ||
      spec.type == FieldType::kFlags) {
    return CheckStructured(spec.type, value);
  }
  if (spec.type == FieldType::kUint || spec.type == FieldType::kAmount) {
    if (!value.is_number_integer()) return Status::InvalidArgument("must be an integer");
    std::int64_t n = value.get<std::int64_t>();
    std::int64_t min = spec.type == FieldType::kAmount ? 1 : 0;
    if (n < min || n > kAmountMinorMax) return Status::InvalidArgument("out of range");
    return Status::OK();
  }
  if (!value.is_string()) return Status::InvalidArgument("must be a string");
  return CheckString(spec.type, value.get_ref<const std::string&>());
}

// Adds to *found the number of `specs` present in `entry`. The context of an
// error is built only on failure: this runs for every entry read.
Status CheckFields(const Json& entry, const std::vector<FieldSpec>& specs, std::size_t* found) {
  for (const FieldSpec& spec : specs) {
    auto it = entry.find(spec.name);
    if (it == entry.end()) {
      if (spec.required) return Status::InvalidArgument(std::string("missing field ") + spec.name);
      continue;
    }
    ++*found;
    Status st = CheckField(spec, *it);
    if (!st.ok()) return st.WithContext(std::string("field ") + spec.name);
  }
  return Status::OK();
}

bool IsIdChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

Status CheckParams(const Json& value) {
  if (!value.is_object() || value.size() > 16) return Status::InvalidArgument("must be an object");
  for (const auto& item : value.items()) {
    const std::string& name = item.key();
    bool ok = !name.empty() && name.size() <= kIdBytesMax &&
              std::all_of(name.begin(), name.end(), [](char c) { return IsIdChar(c) || c == '_'; });
    if (!ok) return Status::InvalidArgument("parameter name \"" + name + "\" is not [a-z0-9_-]");
    if (!item.value().is_number_integer() || item.value().get<std::int64_t>() < 0 ||
        item.value().get<std::int64_t>() > kAmountMinorMax) {
      return Status::InvalidArgument("parameter " + item.key() + " must be a non-negative integer");
    }
  }
  return Status::OK();
}

Status CheckObligations(const Json& value) {
  if (!value.is_array() || value.empty() || value.size() > 8) {
    return Status::InvalidArgument("must be an array of 1 to 8 obligations");
  }
  static const std::vector<FieldSpec> fields = {{"rule", FieldType::kRuleId, true},
                                                {"due", FieldType::kDate, true},
                                                {"action", FieldType::kText, true},
                                                {"cure_minor", FieldType::kAmount, false}};
  for (const Json& o : value) {
    if (!o.is_object()) return Status::InvalidArgument("an obligation is an object");
    std::size_t found = 0;
    PROBITY_RETURN_IF_ERROR(CheckFields(o, fields, &found));
    for (const auto& item : o.items()) {
      auto known = [&](const FieldSpec& f) { return item.key() == f.name; };
      if (std::none_of(fields.begin(), fields.end(), known)) {
        return Status::InvalidArgument("unknown obligation field \"" + item.key() + "\"");
      }
    }
  }
  return Status::OK();
}

Status CheckStructured(FieldType type, const Json& value) {
  if (type == FieldType::kParams) return CheckParams(value);
  if (type == FieldType::kObligations) return CheckObligations(value);
  if (!value.is_array() || value.empty() || value.size() > 8) {
    return Status::InvalidArgument("must be an array of 1 to 8 ids");
  }
  for (const Json& f : value) {
    if (!f.is_string()) return Status::InvalidArgument("flags are strings");
    PROBITY_RETURN_IF_ERROR(ValidateRuleId(f.get<std::string>()));
  }
  return Status::OK();
}

bool IsKnownField(const KindSpec& kind, const std::string& name) {
  auto same = [&](const FieldSpec& f) { return name == f.name; };
  return std::any_of(CommonFields().begin(), CommonFields().end(), same) ||
         std::any_of(kind.fields.begin(), kind.fields.end(), same);
}


}  // namespace

bool HasControlChar(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == 0x7f;
  });
}

Status ValidateSubjectId(std::string_view id) {
  if (id.size() == 12 && id.substr(0, 2) == "S-" && IsLowerHex(id.substr(2), 10)) {
    return Status::OK();
  }
  return Status::InvalidArgument("\"" + std::string(id) +
                                 "\" is not a subject id (S- and 10 lower-case hex digits, as "
                                 "printed by `probity donor add`)");
}

Status ValidateScopeId(std::string_view id) {
  if (!id.empty() && id.size() <= kIdBytesMax && std::all_of(id.begin(), id.end(), IsIdChar)) {
    return Status::OK();
  }
  return Status::InvalidArgument("\"" + std::string(id) + "\" is not a valid id: use 1 to " +
                                 std::to_string(kIdBytesMax) +
                                 " characters among a-z, 0-9 and '-' (e.g. fr-pres-2027)");
}

Status ValidateRuleId(std::string_view id) {
  auto ok = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.';
  };
  if (!id.empty() && id.size() <= kIdBytesMax && std::all_of(id.begin(), id.end(), ok)) {
    return Status::OK();
  }
  return Status::InvalidArgument("\"" + std::string(id) + "\" is not a rule id (letters, digits, "
                                 "'-' and '.', as in the policy pack)");
}

Status ValidateExternalId(std::string_view id) {
  bool printable = std::all_of(id.begin(), id.end(), [](char c) { return c > 0x20 && c < 0x7f; });
  if (!id.empty() && id.size() <= kExternalIdBytesMax && printable) return Status::OK();
  return Status::InvalidArgument("external id \"" + std::string(id) + "\" must be 1 to " +
                                 std::to_string(kExternalIdBytesMax) +
                                 " printable ASCII characters without spaces (e.g. the payment "
                                 "processor's transaction reference)");
}

Status ValidateOrigin(std::string_view origin) {
  bool printable = std::all_of(origin.begin(), origin.end(),
                               [](char c) { return c > 0x20 && c < 0x7f && c != '+'; });
  if (!origin.empty() && origin.size() <= kOriginBytesMax && printable) return Status::OK();
  return Status::InvalidArgument("origin \"" + std::string(origin) + "\" must be 1 to " +
                                 std::to_string(kOriginBytesMax) +
                                 " printable ASCII characters without spaces or '+' "
                                 "(e.g. example.org/campaign-2027)");
}

Status ValidateMethod(std::string_view method) {
  static const char* const kMethods[] = {"cash", "cheque", "transfer", "card", "direct-debit",
                                         "in-kind", "other"};
  for (const char* m : kMethods) {
    if (method == m) return Status::OK();
  }
  return Status::InvalidArgument("unknown payment method \"" + std::string(method) +
                                 "\"; use cash, cheque, transfer, card, direct-debit, in-kind "
                                 "or other");
}

Status ValidateDonorType(std::string_view type) {
  static const char* const kTypes[] = {"person", "legal-person", "party", "union",
                                       "foreign-state", "association", "other"};
  for (const char* t : kTypes) {
    if (type == t) return Status::OK();
  }
  return Status::InvalidArgument("unknown donor type \"" + std::string(type) +
                                 "\"; use person, legal-person, party, union, association, "
                                 "foreign-state or other");
}

Status ValidateCountry(std::string_view code) {
  if (code.size() == 2 && std::isupper(static_cast<unsigned char>(code[0])) &&
      std::isupper(static_cast<unsigned char>(code[1]))) {
    return Status::OK();
  }
  return Status::InvalidArgument("\"" + std::string(code) +
                                 "\" is not a country code; use ISO 3166-1 alpha-2 in upper "
                                 "case, e.g. FR, US, GB");
}

Status ValidateEntry(const Json& entry) {
  if (!entry.is_object()) return Status::InvalidArgument("an entry must be a JSON object");
  std::size_t found = 0;
  PROBITY_RETURN_IF_ERROR(CheckFields(entry, CommonFields(), &found));
  if (entry["v"].get<std::int64_t>() != kEntryVersion) {
    return Status::InvalidArgument("unknown entry version " + entry["v"].dump());
  }
  const std::string& kind = entry["kind"].get_ref<const std::string&>();
  const KindSpec* spec = FindKind(kind);
  if (spec == nullptr) return Status::InvalidArgument("unknown entry kind \"" + kind + "\"");
  PROBITY_RETURN_IF_ERROR(CheckFields(entry, spec->fields, &found));
  if (kind == "donation" && entry.contains("subject") == entry.contains("anonymous")) {
    return Status::InvalidArgument("a donation names a subject or is anonymous, not both");
  }
  // Every member was matched by a distinct field name of the schema: none is
  // unknown. Otherwise find the one to name.
  if (found == entry.size()) return Status::OK();
  for (const auto& item : entry.items()) {
    if (!IsKnownField(*spec, item.key())) {
      return Status::InvalidArgument("unknown field \"" + item.key() + "\" in a " + kind +
                                     " entry");
    }
  }
  return Status::OK();
}

Result<std::string> EncodeEntry(const EntryDraft& draft, std::int64_t seq, std::int64_t ts_unix,
                                const Hash& prev, const KeyId& signer) {
  PROBITY_ASSIGN_OR_RETURN(EncodedEntry encoded,
                           EncodeEntryWithJson(draft, seq, ts_unix, prev, signer));
  return std::move(encoded.body);
}

Result<Json> BuildEntry(EntryDraft draft, std::int64_t seq, std::int64_t ts_unix,
                        const Hash& prev, const KeyId& signer) {
  Json entry = std::move(draft.fields);
  PROBITY_ASSERT(entry.is_object());
  entry["v"] = kEntryVersion;
  entry["seq"] = seq;
  entry["ts"] = FormatTimestamp(ts_unix);
  entry["kind"] = draft.kind;
  entry["prev"] = HexEncode(prev);
  entry["signer"] = KeyIdHex(signer);
  PROBITY_RETURN_IF_ERROR(ValidateEntry(entry).WithContext("new " + draft.kind + " entry"));
  return entry;
}

Result<EncodedEntry> EncodeEntryWithJson(const EntryDraft& draft, std::int64_t seq,
                                         std::int64_t ts_unix, const Hash& prev,
                                         const KeyId& signer) {
  PROBITY_ASSIGN_OR_RETURN(Json entry, BuildEntry(draft, seq, ts_unix, prev, signer));
  PROBITY_ASSIGN_OR_RETURN(std::string body, Canonicalize(entry));
  return EncodedEntry{std::move(entry), std::move(body)};
}

Result<Json> DecodeEntry(std::string_view body) {
  PROBITY_ASSIGN_OR_RETURN(Json entry, ParseCanonical(body));
  Status st = ValidateEntry(entry);
  if (!st.ok()) return Status::Corruption(st.message());
  return entry;
}

Result<Json> ReadDecodedEntry(Store& store, std::int64_t seq) {
  PROBITY_ASSIGN_OR_RETURN(StoredEntry stored, store.GetEntry(seq));
  return DecodeEntry(stored.body);
}

EntryIndex IndexOf(const Json& entry) {
  EntryIndex index;
  index.kind = entry.value("kind", "");
  index.subject = entry.value("subject", "");
  index.scope = entry.value("scope", "");
  const bool restates = index.kind == "donation" || index.kind == "correction";
  if (restates) index.method = entry.value("method", "");
  if (index.kind == "donation") index.external_id = entry.value("external_id", "");
  if (restates || index.kind == "refund") {
    index.amount_minor = entry.value("amount_minor", std::int64_t{0});
    GiftFields& gift = index.gift;
    if (index.kind != "donation") gift.donation_seq = entry.value("donation_seq", std::int64_t{-1});
    gift.currency = entry.value("currency", "");
    gift.date = entry.value("date", "");
    gift.election = entry.value("election", "");
    if (index.kind == "donation") gift.nature = entry.value("nature", "gift");
    const auto obligations = entry.find("obligations");
    if (obligations != entry.end() && obligations->is_array()) {
      gift.obligations = static_cast<std::int64_t>(obligations->size());
    }
  }
  return index;
}

Hash ZeroHash() { return Hash{}; }

}  // namespace probity
