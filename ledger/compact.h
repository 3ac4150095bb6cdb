// Compact forms of what the replays (ledger/replay.h, policies/policy_replay.h)
// keep for every donor and every donation while they walk a ledger or a
// bundle: a string stored once and named by a small integer, and a date in
// one integer. A donation's record then holds ids and integers (a few bytes
// each) instead of strings (32 bytes each, plus a map node), so what the
// replays retain per entry is small, and compared as integers.
#ifndef PROBITY_LEDGER_COMPACT_H_
#define PROBITY_LEDGER_COMPACT_H_

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ledger/date.h"

namespace probity {

// Each distinct string once, named by a dense id (0, 1, 2 ... in the order
// of first Intern). Owns its strings; ids and the references Text returns
// stay valid as long as the table. Not thread safe.
class StringTable {
 public:
  using Id = std::uint32_t;
  static constexpr Id kNone = UINT32_MAX;  // "no string": never an id

  StringTable() = default;
  StringTable(const StringTable&) = delete;  // ids_ points into texts_
  StringTable& operator=(const StringTable&) = delete;

  // The id of `text`, adding it if it is new.
  Id Intern(std::string_view text);
  // The id of `text`, or kNone if it was never interned.
  Id Find(std::string_view text) const;
  const std::string& Text(Id id) const;
  std::size_t size() const { return texts_.size(); }

 private:
  std::deque<std::string> texts_;                 // by id; a deque never moves them
  std::unordered_map<std::string_view, Id> ids_;  // views of texts_
};

// A date as one integer that orders as the date does (and as its
// YYYY-MM-DD text does): year * 10000 + month * 100 + day. 0 is no date.
using PackedDate = std::int32_t;
PackedDate PackDate(const Date& d);  // asserts IsValidDate
Date UnpackDate(PackedDate packed);  // asserts it is a packed valid date
// The packed form of a YYYY-MM-DD text that ParseDate accepts (entries the
// replays read passed the schema); asserts that it does.
PackedDate PackDateText(std::string_view text);

}  // namespace probity

#endif  // PROBITY_LEDGER_COMPACT_H_
