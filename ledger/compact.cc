#include "ledger/compact.h"

#include "ledger/assert.h"

namespace probity {

StringTable::Id StringTable::Intern(std::string_view text) {
  auto it = ids_.find(text);
  if (it != ids_.end()) return it->second;
  // Ids are 32 bits: a table holds at most one string per entry, and a
  // bundle at most kBundleEntriesMax (2^32) entries.
  PROBITY_ASSERT(texts_.size() < kNone);
  const auto id = static_cast<Id>(texts_.size());
  const std::string& stored = texts_.emplace_back(text);
  ids_.emplace(std::string_view(stored), id);
  return id;
}

StringTable::Id StringTable::Find(std::string_view text) const {
  auto it = ids_.find(text);
  return it == ids_.end() ? kNone : it->second;
}

const std::string& StringTable::Text(Id id) const {
  PROBITY_ASSERT(id < texts_.size());
  return texts_[id];
}

PackedDate PackDate(const Date& d) {
  PROBITY_ASSERT(IsValidDate(d));
  return d.year * 10000 + d.month * 100 + d.day;
}

Date UnpackDate(PackedDate packed) {
  const Date d{packed / 10000, packed / 100 % 100, packed % 100};
  PROBITY_ASSERT(IsValidDate(d));
  return d;
}

PackedDate PackDateText(std::string_view text) {
  Result<Date> d = ParseDate(text);
  PROBITY_ASSERT(d.ok());
  return PackDate(*d);
}

}  // namespace probity
