#include "ledger/entry_facts.h"

#include "ledger/assert.h"

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

int LowerHexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  PROBITY_ASSERT(c >= 'a' && c <= 'f');  // the schema: lower-case hex
  return c - 'a' + 10;
}

Hash HashOfHex(const std::string& hex) {
  Hash out{};
  PROBITY_ASSERT(hex.size() == 2 * out.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] =
        static_cast<std::uint8_t>(LowerHexDigit(hex[2 * i]) * 16 + LowerHexDigit(hex[2 * i + 1]));
  }
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

}  // namespace probity
