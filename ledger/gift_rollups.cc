// The gift_rollups table (store.h, docs/format.md 12.5): the gift_deltas rows
// of the entries before `upto_seq`, summed by the groups the summary reads,
// so that a summary over a large ledger sums the latest rollup and the rows
// after it instead of every row again.
//
// Like gift_deltas, a rollup is derived and holds nothing the entries do
// not: `probity verify` sums the rows again for every rollup and compares.
// Nothing is ever updated: a new rollup is added beside the old ones, which
// stay (and are checked) but are no longer read.
#include <algorithm>
#include <tuple>
#include <vector>

#include "ledger/store.h"

namespace probity {
namespace {

#define PROBITY_GROUP_COLUMNS "scope, subject, month, method, election, currency"

// Every group of the rows of entries [?1, end), in group order: those rows
// in seq order from the primary key, then sorted. A plain WHERE seq >= ?
// would walk all of gift_deltas_summary instead, to skip the sort.
constexpr const char* kTailGroupsSql =
    "SELECT " PROBITY_GROUP_COLUMNS ", sum(delta_minor), sum(gifts_delta) "
    "FROM (SELECT * FROM gift_deltas WHERE seq >= ?1 ORDER BY seq) "
    "GROUP BY " PROBITY_GROUP_COLUMNS " ORDER BY " PROBITY_GROUP_COLUMNS;

// Every group of the rows of entries [0, ?1), in group order, from the
// covering index gift_deltas_summary (its column order: no sort).
constexpr const char* kHeadGroupsSql =
    "SELECT " PROBITY_GROUP_COLUMNS ", sum(delta_minor), sum(gifts_delta) "
    "FROM gift_deltas WHERE seq < ?1 "
    "GROUP BY " PROBITY_GROUP_COLUMNS " ORDER BY " PROBITY_GROUP_COLUMNS;

// The groups of the rollup at ?1, in group order (its primary key's).
constexpr const char* kRollupGroupsSql =
    "SELECT " PROBITY_GROUP_COLUMNS ", net_minor, gifts FROM gift_rollups "
    "WHERE upto_seq = ?1 ORDER BY " PROBITY_GROUP_COLUMNS;

#undef PROBITY_GROUP_COLUMNS

// The groups a statement of the three above gives, one at a time. A NULL
// subject or election reads as "" (gift_deltas holds NULL or a non-empty
// text; gift_rollups, whose key columns cannot be NULL, ""), which keeps
// SQLite's order: NULL first, then text by bytes, as std::string compares.
class GroupCursor {
 public:
  // `sql` with ?1 bound to `seq`.
  static Result<GroupCursor> Open(Db& db, const char* sql, std::int64_t seq) {
    PROBITY_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare(sql));
    stmt.Bind(1, seq);
    return GroupCursor(std::move(stmt));
  }
  // Moves to the next group; false at the end.
  Result<bool> Next() {
    PROBITY_ASSIGN_OR_RETURN(bool row, stmt_.Step());
    done_ = !row;
    if (done_) return false;
    g_.scope = stmt_.ColumnText(0);
    g_.subject = stmt_.ColumnText(1);
    g_.month = stmt_.ColumnText(2);
    g_.method = stmt_.ColumnText(3);
    g_.election = stmt_.ColumnText(4);
    g_.currency = stmt_.ColumnText(5);
    g_.net_minor = stmt_.ColumnInt64(6);
    g_.gifts = stmt_.ColumnInt64(7);
    return true;
  }
  bool done() const { return done_; }
  const GiftGroup& group() const { return g_; }

 private:
  explicit GroupCursor(Stmt stmt) : stmt_(std::move(stmt)) {}
  Stmt stmt_;
  GiftGroup g_;
  bool done_ = true;
};

auto Key(const GiftGroup& g) {
  return std::tie(g.scope, g.subject, g.month, g.method, g.election, g.currency);
}

std::string Describe(const GiftGroup& g) {
  return "(" + g.scope + ", " + (g.subject.empty() ? "anonymous" : g.subject) + ", " + g.month +
         ", " + g.method + ", " + (g.election.empty() ? "no election" : g.election) + ", " +
         g.currency + ")";
}

bool Zero(const GiftGroup& g) { return g.net_minor == 0 && g.gifts == 0; }

// Walks two cursors in group order together, calling `fn` with a group of
// each (equal keys) or of one (the other null). Stops at the first error.
Status Merge(GroupCursor& a, GroupCursor& b,
             const std::function<Status(const GiftGroup*, const GiftGroup*)>& fn) {
  PROBITY_RETURN_IF_ERROR(a.Next().status());
  PROBITY_RETURN_IF_ERROR(b.Next().status());
  while (!a.done() || !b.done()) {
    const bool take_a = !a.done() && (b.done() || Key(a.group()) <= Key(b.group()));
    const bool take_b = !b.done() && (a.done() || Key(b.group()) <= Key(a.group()));
    PROBITY_RETURN_IF_ERROR(fn(take_a ? &a.group() : nullptr, take_b ? &b.group() : nullptr));
    if (take_a) PROBITY_RETURN_IF_ERROR(a.Next().status());
    if (take_b) PROBITY_RETURN_IF_ERROR(b.Next().status());
  }
  return Status::OK();
}

}  // namespace

Result<std::int64_t> Store::LatestGiftRollup() {
  // Cached: every append asks (RollUpGifts).
  PROBITY_ASSIGN_OR_RETURN(
      CachedStmt stmt, db_->PrepareCached("SELECT coalesce(max(upto_seq), 0) FROM gift_rollups"));
  PROBITY_ASSIGN_OR_RETURN(bool row, stmt->Step());
  PROBITY_ASSERT(row);  // an aggregate always returns one row
  return stmt->ColumnInt64(0);
}

Status Store::ScanGiftGroups(const std::function<Status(const GiftGroup&)>& fn) {
  // The statements held while `fn` runs are not cached, so `fn` may re-enter
  // the store (EntryCount's and LatestGiftRollup's are released before).
  PROBITY_ASSIGN_OR_RETURN(std::int64_t count, EntryCount());
  PROBITY_ASSIGN_OR_RETURN(std::int64_t upto, LatestGiftRollup());
  // The rows after the rollup are sorted (kGiftRollupTailShare).
  // The GROUP BY follows gift_deltas_summary's column order, so SQLite walks
  // that covering index once, in order, with no sort and no table lookup
  // (tests/ledger/gift_deltas_test.cc checks the order).
  if (upto == 0 || (count - upto) * kGiftRollupTailShare > upto) {
    PROBITY_ASSIGN_OR_RETURN(GroupCursor all, GroupCursor::Open(*db_, kHeadGroupsSql, count));
    for (;;) {
      PROBITY_ASSIGN_OR_RETURN(bool more, all.Next());
      if (!more) return Status::OK();
      PROBITY_RETURN_IF_ERROR(fn(all.group()));
    }
  }
  PROBITY_ASSIGN_OR_RETURN(GroupCursor rollup, GroupCursor::Open(*db_, kRollupGroupsSql, upto));
  PROBITY_ASSIGN_OR_RETURN(GroupCursor tail, GroupCursor::Open(*db_, kTailGroupsSql, upto));
  GiftGroup sum;
  return Merge(rollup, tail, [&](const GiftGroup* r, const GiftGroup* t) {
    if (r == nullptr || t == nullptr) return fn(r != nullptr ? *r : *t);
    sum = *r;
    sum.net_minor += t->net_minor;
    sum.gifts += t->gifts;
    return fn(sum);
  });
}

Result<bool> Store::MaybeRollUpGifts(std::int64_t tail_min) {
  PROBITY_RETURN_IF_ERROR(BeginWrite());
  Result<bool> wrote = RollUpGifts(tail_min);
  if (!wrote.ok() || !wrote.value()) {
    Rollback();
    return wrote;
  }
  Status st = Commit();
  if (!st.ok()) {
    Rollback();
    return st;
  }
  return true;
}

Result<bool> Store::RollUpGifts(std::int64_t tail_min) {
  PROBITY_ASSIGN_OR_RETURN(std::int64_t count, EntryCount());
  PROBITY_ASSIGN_OR_RETURN(std::int64_t upto, LatestGiftRollup());
  const std::int64_t tail = count - upto;
  if (tail < std::max<std::int64_t>(tail_min, 1) || tail * kGiftRollupTailShare < upto) {
    return false;
  }
  // Read whole before writing: the rollup read goes on while rows are added
  // to the table it reads.
  std::vector<GiftGroup> groups;
  PROBITY_RETURN_IF_ERROR(ScanGiftGroups([&](const GiftGroup& g) {
    if (!Zero(g)) groups.push_back(g);
    return Status::OK();
  }));
  if (groups.empty()) return false;
  PROBITY_ASSIGN_OR_RETURN(
      Stmt insert,
      db_->Prepare("INSERT INTO gift_rollups(upto_seq, scope, subject, month, method, election, "
                   "currency, net_minor, gifts) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  for (const GiftGroup& g : groups) {
    insert.Bind(1, count).Bind(2, g.scope).Bind(3, g.subject).Bind(4, g.month);
    insert.Bind(5, g.method).Bind(6, g.election).Bind(7, g.currency);
    insert.Bind(8, g.net_minor).Bind(9, g.gifts);
    PROBITY_RETURN_IF_ERROR(insert.Run());
  }
  return true;
}

Result<std::string> Store::FirstGiftRollupMismatch() {
  PROBITY_ASSIGN_OR_RETURN(std::int64_t count, EntryCount());
  std::vector<std::int64_t> uptos;
  {
    PROBITY_ASSIGN_OR_RETURN(Stmt stmt,
                             db_->Prepare("SELECT DISTINCT upto_seq FROM gift_rollups "
                                          "ORDER BY upto_seq"));
    for (;;) {
      PROBITY_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      uptos.push_back(stmt.ColumnInt64(0));
    }
  }
  for (std::int64_t upto : uptos) {
    const std::string where = "gift rollup at entry " + std::to_string(upto) + ": ";
    if (upto < 1 || upto > count) {
      return where + "outside the entries 1 .. " + std::to_string(count);
    }
    PROBITY_ASSIGN_OR_RETURN(GroupCursor stored, GroupCursor::Open(*db_, kRollupGroupsSql, upto));
    PROBITY_ASSIGN_OR_RETURN(GroupCursor made, GroupCursor::Open(*db_, kHeadGroupsSql, upto));
    std::string why;
    Status walk = Merge(stored, made, [&](const GiftGroup* s, const GiftGroup* m) {
      if (s == nullptr && Zero(*m)) return Status::OK();  // a rollup leaves these out
      if (s == nullptr) {
        why = where + "group " + Describe(*m) + " is missing";
      } else if (m == nullptr) {
        why = where + "group " + Describe(*s) + " that the gift_deltas rows do not make";
      } else if (Zero(*s)) {
        why = where + "group " + Describe(*s) + " sums to zero, which no rollup writes";
      } else if (s->net_minor != m->net_minor || s->gifts != m->gifts) {
        why = where + "group " + Describe(*s) + " holds " + std::to_string(s->net_minor) +
              " minor units in " + std::to_string(s->gifts) + " gifts, the gift_deltas rows " +
              std::to_string(m->net_minor) + " in " + std::to_string(m->gifts);
      }
      // Stops the walk at the first disagreement.
      return why.empty() ? Status::OK() : Status::VerificationFailed(why);
    });
    if (!why.empty()) return why;
    PROBITY_RETURN_IF_ERROR(walk);
  }
  return std::string();
}

}  // namespace probity
