#include "ledger/entry_facts.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "ledger/ascii.h"
#include "ledger/assert.h"
#include "ledger/date.h"
#include "ledger/entry.h"
#include "ledger/exact_reader.h"
#include "ledger/money.h"
#include "ledger/utf8.h"

namespace probity {
namespace {

// The member's string, moved out; empty if it is absent.
std::string TakeString(Json& entry, const char* field) {
  auto it = entry.find(field);
  if (it == entry.end()) return std::string();
  std::string& text = it->get_ref<std::string&>();
  PROBITY_ASSERT(!text.empty());  // the schema: a present member is never empty
  return std::move(text);
}

Json TakeMember(Json& entry, const char* field) {
  auto it = entry.find(field);
  return it == entry.end() ? Json() : std::move(*it);
}

std::int64_t IntOr(const Json& entry, const char* field, std::int64_t absent) {
  auto it = entry.find(field);
  return it == entry.end() ? absent : it->get<std::int64_t>();
}


// Exactly 2 * N lower-case hex digits, decoded into *out; false otherwise.
template <std::size_t N>
bool LowerHex(std::string_view hex, std::array<std::uint8_t, N>* out) {
  if (hex.size() != 2 * N) return false;
  for (std::size_t i = 0; i < N; ++i) {
    const int high = LowerHexValue(hex[2 * i]), low = LowerHexValue(hex[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    (*out)[i] = static_cast<std::uint8_t>(high * 16 + low);
  }
  return true;
}

Hash HashOfHex(const std::string& hex) {
  Hash out{};
  const bool decoded = LowerHex(hex, &out);
  PROBITY_ASSERT(decoded);  // the schema: 64 lower-case hex
  return out;
}

}  // namespace

EntryFacts TakeFacts(Json entry) {
  PROBITY_ASSERT(entry.is_object());
  EntryFacts f;
  f.seq = entry.at("seq").get<std::int64_t>();
  auto prev = entry.find("prev");
  if (prev != entry.end()) f.prev = HashOfHex(prev->get_ref<const std::string&>());
  const std::string& kind = entry.at("kind").get_ref<const std::string&>();
  f.gift_kind = kind == "donation" || kind == "refund" || kind == "correction";
  if (!f.gift_kind) {
    // Its checks read it whole: it is kept, and the common fields copied.
    f.ts = entry.value("ts", "");
    f.kind = kind;
    f.signer = entry.value("signer", "");
    f.entry = std::move(entry);
    return f;
  }
  f.ts = TakeString(entry, "ts");
  f.kind = TakeString(entry, "kind");
  f.signer = TakeString(entry, "signer");
  f.subject = TakeString(entry, "subject");
  f.currency = TakeString(entry, "currency");
  f.method = TakeString(entry, "method");
  f.date = TakeString(entry, "date");
  f.scope = TakeString(entry, "scope");
  f.election = TakeString(entry, "election");
  f.nature = TakeString(entry, "nature");
  f.amount_minor = entry.at("amount_minor").get<std::int64_t>();
  f.donation_seq = IntOr(entry, "donation_seq", -1);
  f.obligations = TakeMember(entry, "obligations");
  f.flags = TakeMember(entry, "flags");
  return f;
}

EntryFacts CopyFacts(const Json& entry) { return TakeFacts(entry); }

namespace {

// ---- ReadGiftFactsExact ----------------------------------------------------
//
// What DecodeEntry accepts of a gift kind, restricted to what one pass can
// check without building a value: the canonical form of docs/format.md §2 (no
// white space, members in strictly increasing key order, integers without a
// leading zero and within 2^53 - 1, strings of UTF-8 with no control byte),
// then the schema of entry.cc for the three kinds. Whatever it is unsure of
// (an escape, a minus sign, an array, an unknown member, a failed check) it
// leaves to DecodeEntry, so the messages are always that path's.

// Every member a donation, refund or correction may have but obligations and
// flags, in byte order: the canonical order of the keys, so a reader that only
// moves forward in this table also checks the order (and refuses duplicates).
enum GiftField : std::uint8_t {
  kAmountMinor, kAnonymous, kCapDeclared, kCurrency, kDate, kDonationSeq, kElection,
  kExternalId, kImportAggregateMinor, kImportRef, kKind, kMethod, kNature, kPrev, kReason,
  kReceipt, kScope, kSeq, kSigner, kSubject, kTs, kV, kGiftFieldCount
};
constexpr std::string_view kGiftFieldNames[kGiftFieldCount] = {
    "amount_minor", "anonymous", "cap_declared", "currency", "date", "donation_seq",
    "election", "external_id", "import_aggregate_minor", "import_ref", "kind", "method",
    "nature", "prev", "reason", "receipt", "scope", "seq", "signer", "subject", "ts", "v"};

using FieldSet = std::uint32_t;
constexpr FieldSet Bit(GiftField f) { return FieldSet{1} << f; }
constexpr FieldSet kCommon = Bit(kV) | Bit(kSeq) | Bit(kTs) | Bit(kKind) | Bit(kPrev) |
                             Bit(kSigner);
constexpr FieldSet kIntegers =
    Bit(kAmountMinor) | Bit(kDonationSeq) | Bit(kImportAggregateMinor) | Bit(kSeq) | Bit(kV);
constexpr FieldSet kTrues = Bit(kAnonymous) | Bit(kCapDeclared);

// Each kind's members (entry.cc, Kinds()) without obligations and flags.
struct GiftKindSpec {
  std::string_view kind;
  FieldSet allowed, required;
};
constexpr GiftKindSpec kGiftKinds[] = {
    {"donation",
     kCommon | Bit(kSubject) | Bit(kAnonymous) | Bit(kAmountMinor) | Bit(kCurrency) |
         Bit(kMethod) | Bit(kDate) | Bit(kScope) | Bit(kElection) | Bit(kNature) |
         Bit(kCapDeclared) | Bit(kImportRef) | Bit(kImportAggregateMinor) | Bit(kReceipt) |
         Bit(kExternalId),
     kCommon | Bit(kAmountMinor) | Bit(kCurrency) | Bit(kMethod) | Bit(kDate) | Bit(kScope)},
    {"refund",
     kCommon | Bit(kSubject) | Bit(kDonationSeq) | Bit(kAmountMinor) | Bit(kCurrency) |
         Bit(kDate) | Bit(kReason),
     kCommon | Bit(kSubject) | Bit(kDonationSeq) | Bit(kAmountMinor) | Bit(kCurrency) |
         Bit(kDate)},
    {"correction",
     kCommon | Bit(kDonationSeq) | Bit(kSubject) | Bit(kScope) | Bit(kCurrency) |
         Bit(kAmountMinor) | Bit(kMethod) | Bit(kDate) | Bit(kReason),
     kCommon | Bit(kDonationSeq) | Bit(kScope) | Bit(kCurrency) | Bit(kAmountMinor) |
         Bit(kMethod) | Bit(kDate) | Bit(kReason)},
};

// The members read: each string as its bytes (in `body`), each integer as its value.
struct GiftMembers {
  FieldSet present = 0;
  std::string_view text[kGiftFieldCount];
  std::int64_t number[kGiftFieldCount] = {};
};

class GiftReader : private ExactReader {
 public:
  explicit GiftReader(std::string_view body) : ExactReader(body) {}

  // The members of the one object `body` holds; false if the bytes are not
  // canonical, or not in the subset this reader takes.
  bool ReadAll(GiftMembers* out) {
    if (!Next('{')) return false;
    int last = -1;
    do {
      std::string_view key;
      if (!String(&key)) return false;
      // Forward from the last member only: the keys must increase.
      int field = last + 1;
      while (field < kGiftFieldCount && kGiftFieldNames[field] != key) ++field;
      if (field == kGiftFieldCount || !Next(':')) return false;
      const auto f = static_cast<GiftField>(field);
      const bool read = (Bit(f) & kIntegers) != 0 ? Integer(&out->number[f])
                        : (Bit(f) & kTrues) != 0  ? Word("true")
                                                  : String(&out->text[f]);
      if (!read) return false;
      out->present |= Bit(f);
      last = field;
    } while (Next(','));
    return Next('}') && pos_ == text_.size();
  }

 private:
  // A non-negative integer as Canonicalize writes it: "0", or no leading zero.
  bool Integer(std::int64_t* out) {
    if (pos_ >= text_.size() || !IsDigit(text_[pos_])) return false;
    if (text_[pos_] == '0') {
      ++pos_;
      *out = 0;
      return pos_ >= text_.size() || !IsDigit(text_[pos_]);
    }
    std::int64_t n = 0;
    int digits = 0;
    while (pos_ < text_.size() && IsDigit(text_[pos_])) {
      if (++digits > 16) return false;  // 2^53 - 1 has 16 digits
      n = n * 10 + (text_[pos_++] - '0');
    }
    if (n > kJsonIntegerAbsMax) return false;
    *out = n;
    return true;
  }

  // A string with no escape: UTF-8 with no byte under 0x20.
  bool String(std::string_view* out) {
    if (!Next('"')) return false;
    const std::size_t start = pos_;
    while (pos_ < text_.size()) {
      const auto byte = static_cast<unsigned char>(text_[pos_]);
      if (byte == '"') {
        *out = text_.substr(start, pos_++ - start);
        return true;
      }
      if (byte < 0x20 || byte == '\\') return false;
      if (byte < 0x80) {
        ++pos_;
      } else {
        std::uint32_t cp = 0;
        if (!DecodeUtf8(text_, &pos_, &cp)) return false;
      }
    }
    return false;
  }
};

// entry.cc's CheckText for a `text` member (1..256 bytes, no control byte).
bool IsText(std::string_view s) { return !s.empty() && s.size() <= 256 && !HasControlChar(s); }

bool IsElection(std::string_view s) {
  return s.size() == 5 && std::isupper(static_cast<unsigned char>(s[0])) &&
         std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The string members' checks of entry.cc (CheckString), each on its own type;
// an absent member passes (the kind's required set is checked apart).
// `prev` is decoded into *prev.
bool StringsValid(const GiftMembers& m, Hash* prev) {
  const auto has = [&](GiftField f) { return (m.present & Bit(f)) != 0; };
  const auto& t = m.text;
  KeyId signer{};
  return ParseTimestamp(t[kTs]).ok() && LowerHex(t[kPrev], prev) &&
         LowerHex(t[kSigner], &signer) &&
         (!has(kSubject) || ValidateSubjectId(t[kSubject]).ok()) &&
         (!has(kCurrency) || LookupCurrency(t[kCurrency]).ok()) &&
         (!has(kMethod) || ValidateMethod(t[kMethod]).ok()) &&
         (!has(kDate) || ParseDate(t[kDate]).ok()) &&
         (!has(kScope) || ValidateScopeId(t[kScope]).ok()) &&
         (!has(kElection) || IsElection(t[kElection])) &&
         (!has(kNature) || t[kNature] == "gift" || t[kNature] == "membership-fee") &&
         (!has(kReason) || IsText(t[kReason])) && (!has(kReceipt) || IsText(t[kReceipt])) &&
         (!has(kImportRef) || IsText(t[kImportRef])) &&
         (!has(kExternalId) || ValidateExternalId(t[kExternalId]).ok());
}

// The integers' ranges (entry.cc, CheckField): amounts from 1, the rest from
// 0, all at most kAmountMinorMax; and v is 1.
bool NumbersValid(const GiftMembers& m) {
  const auto& n = m.number;
  const bool amounts = n[kAmountMinor] >= 1 && n[kAmountMinor] <= kAmountMinorMax &&
                       ((m.present & Bit(kImportAggregateMinor)) == 0 ||
                        (n[kImportAggregateMinor] >= 1 && n[kImportAggregateMinor] <= kAmountMinorMax));
  return amounts && n[kV] == kEntryVersion && n[kSeq] <= kAmountMinorMax &&
         n[kDonationSeq] <= kAmountMinorMax;
}

std::string Owned(std::string_view s) { return std::string(s.data(), s.size()); }

}  // namespace

std::optional<EntryFacts> ReadGiftFactsExact(std::string_view body) {
  if (body.size() > kCanonicalBytesMax) return std::nullopt;
  GiftMembers m;
  if (!GiftReader(body).ReadAll(&m)) return std::nullopt;
  const GiftKindSpec* spec = nullptr;
  for (const GiftKindSpec& k : kGiftKinds) {
    if ((m.present & Bit(kKind)) != 0 && m.text[kKind] == k.kind) spec = &k;
  }
  if (spec == nullptr || (m.present & ~spec->allowed) != 0 ||
      (m.present & spec->required) != spec->required) {
    return std::nullopt;
  }
  const bool named = (m.present & Bit(kSubject)) != 0;
  if (spec->kind == "donation" && named == ((m.present & Bit(kAnonymous)) != 0)) {
    return std::nullopt;
  }
  EntryFacts f;
  if (!NumbersValid(m) || !StringsValid(m, &f.prev)) return std::nullopt;
  f.seq = m.number[kSeq];
  f.gift_kind = true;
  f.ts = Owned(m.text[kTs]);
  f.kind = Owned(m.text[kKind]);
  f.signer = Owned(m.text[kSigner]);
  f.subject = Owned(m.text[kSubject]);
  f.currency = Owned(m.text[kCurrency]);
  f.method = Owned(m.text[kMethod]);
  f.date = Owned(m.text[kDate]);
  f.scope = Owned(m.text[kScope]);
  f.election = Owned(m.text[kElection]);
  f.nature = Owned(m.text[kNature]);
  f.amount_minor = m.number[kAmountMinor];
  f.donation_seq = (m.present & Bit(kDonationSeq)) != 0 ? m.number[kDonationSeq] : -1;
  return f;
}

Result<EntryFacts> DecodeFacts(std::string_view body) {
  if (std::optional<EntryFacts> fast = ReadGiftFactsExact(body)) return std::move(*fast);
  PROBITY_ASSIGN_OR_RETURN(Json entry, DecodeEntry(body));
  return TakeFacts(std::move(entry));
}

}  // namespace probity
