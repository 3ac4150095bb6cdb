// The gift_deltas table (store.h, docs/format.md 12.3): what each donation,
// refund and correction changes in the net totals, so that a summary sums
// rows of a covering index instead of decoding every entry.
//
// The rows are derived, like the index columns of the entries table: the
// entry is the record, and `probity verify` recomputes every row from the
// entries (GiftDeltasFor on the rows before it, which it has already checked)
// and compares. Nothing here is ever updated: a correction adds a row that
// takes the gift's net out where it stood and one that puts it where it now
// stands.
#include <sqlite3.h>

#include <algorithm>
#include <limits>
#include <tuple>

#include "ledger/store.h"

namespace probity {
namespace {

// Where a gift stands before entry `seq`: the coordinates of its latest row
// (a refund's row and a correction's second row are where the gift stands),
// its net, and what was refunded.
struct GiftStanding {
  GiftDelta latest;
  std::int64_t net_minor = 0;
  std::int64_t refunded_minor = 0;
};

std::string MonthOf(const std::string& date) { return date.substr(0, 7); }

constexpr const char* kSelectGiftDelta =
    "SELECT seq, role, donation_seq, currency, month, date, scope, method, subject, election, "
    "nature, delta_minor, gifts_delta, obligations, "
    // A value of another type (a REAL amount, a TEXT seq) or an empty string
    // where NULL belongs would read back as an equal value: flag it instead.
    "typeof(seq) = 'integer' AND typeof(role) = 'integer' AND typeof(donation_seq) = 'integer' "
    "AND typeof(currency) = 'text' AND typeof(month) = 'text' AND typeof(date) = 'text' "
    "AND typeof(scope) = 'text' AND typeof(method) = 'text' AND typeof(nature) = 'text' "
    "AND (subject IS NULL OR (typeof(subject) = 'text' AND subject <> '')) "
    "AND (election IS NULL OR (typeof(election) = 'text' AND election <> '')) "
    "AND typeof(delta_minor) = 'integer' AND typeof(gifts_delta) = 'integer' "
    "AND typeof(obligations) = 'integer' "
    "FROM gift_deltas ";

GiftDelta ReadGiftDeltaRow(const Stmt& stmt) {
  GiftDelta row;
  row.seq = stmt.ColumnInt64(0);
  row.role = static_cast<GiftRole>(stmt.ColumnInt64(1));
  row.donation_seq = stmt.ColumnInt64(2);
  row.currency = stmt.ColumnText(3);
  row.month = stmt.ColumnText(4);
  row.date = stmt.ColumnText(5);
  row.scope = stmt.ColumnText(6);
  row.method = stmt.ColumnText(7);
  row.subject = stmt.ColumnText(8);
  row.election = stmt.ColumnText(9);
  row.nature = stmt.ColumnText(10);
  row.delta_minor = stmt.ColumnInt64(11);
  row.gifts_delta = stmt.ColumnInt64(12);
  row.obligations = stmt.ColumnInt64(13);
  row.typed = stmt.ColumnInt64(14) == 1;
  return row;
}

Result<std::optional<GiftStanding>> StandingBefore(Db& db, std::int64_t donation_seq,
                                                   std::int64_t seq) {
  static const std::string kLatest = std::string(kSelectGiftDelta) +
                                     "WHERE donation_seq = ? AND seq < ? "
                                     "ORDER BY seq DESC, role DESC LIMIT 1";
  GiftStanding standing;
  {
    PROBITY_ASSIGN_OR_RETURN(CachedStmt stmt, db.PrepareCached(kLatest));
    stmt->Bind(1, donation_seq).Bind(2, seq);
    PROBITY_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return std::optional<GiftStanding>();
    standing.latest = ReadGiftDeltaRow(*stmt);
  }
  PROBITY_ASSIGN_OR_RETURN(
      CachedStmt sums,
      db.PrepareCached("SELECT coalesce(sum(delta_minor), 0), "
                       "coalesce(sum(CASE WHEN role = 1 THEN delta_minor ELSE 0 END), 0) "
                       "FROM gift_deltas WHERE donation_seq = ? AND seq < ?"));
  sums->Bind(1, donation_seq).Bind(2, seq);
  PROBITY_ASSIGN_OR_RETURN(bool row, sums->Step());
  PROBITY_ASSERT(row);  // an aggregate always returns one row
  standing.net_minor = sums->ColumnInt64(0);
  if (sums->ColumnInt64(1) == std::numeric_limits<std::int64_t>::min()) {  // negated below
    return Status::Corruption("the gift_deltas rows of donation " + std::to_string(donation_seq) +
                              " sum beyond 64 bits");
  }
  standing.refunded_minor = -sums->ColumnInt64(1);
  return std::optional<GiftStanding>(std::move(standing));
}

GiftDelta StatedRow(std::int64_t seq, const EntryIndex& index) {
  GiftDelta row;
  row.seq = seq;
  row.role = GiftRole::kStated;
  row.donation_seq = seq;
  row.currency = index.gift.currency;
  row.month = MonthOf(index.gift.date);
  row.date = index.gift.date;
  row.scope = index.scope;
  row.method = index.method;
  row.subject = index.subject;
  row.election = index.gift.election;
  row.nature = index.gift.nature;
  row.delta_minor = index.amount_minor;
  row.gifts_delta = 1;
  row.obligations = index.gift.obligations;
  return row;
}

// A refund takes its amount off where the gift stands; a correction moves the
// gift's net from where it stood to its restated month and method, restated
// as the new amount less what was refunded.
std::vector<GiftDelta> ChangedRows(std::int64_t seq, const EntryIndex& index,
                                   const GiftStanding& standing) {
  GiftDelta row = standing.latest;
  row.seq = seq;
  row.obligations = 0;
  row.typed = true;
  if (index.kind == "refund") {
    row.role = GiftRole::kRefunded;
    row.delta_minor = -index.amount_minor;
    row.gifts_delta = 0;
    return {row};
  }
  GiftDelta out = row;
  out.role = GiftRole::kRestatedOut;
  out.delta_minor = -standing.net_minor;
  out.gifts_delta = -1;
  GiftDelta in = row;
  in.role = GiftRole::kRestatedIn;
  in.month = MonthOf(index.gift.date);
  in.date = index.gift.date;
  in.method = index.method;
  in.delta_minor = index.amount_minor - standing.refunded_minor;
  in.gifts_delta = 1;
  in.obligations = index.gift.obligations;
  return {out, in};
}

// What a donation or correction changes in method totals (MethodChange).
// A correction's gift stood at `standing`: its amount as last stated is its
// net plus what was refunded. Honest rows keep every figure within an
// amount's range (2^53 - 1); rows whose figures overflow (edited by hand:
// verify compares them after this) are Corruption, not undefined behaviour.
Result<std::vector<MethodChange>> MethodChanges(const EntryIndex& index,
                                                const GiftStanding* standing) {
  using Changes = std::vector<MethodChange>;
  if (standing == nullptr) return Changes{{index.scope, index.method, index.amount_minor}};
  const GiftDelta& was = standing->latest;
  std::int64_t stated = 0;
  std::int64_t moved = 0;
  if (__builtin_add_overflow(standing->net_minor, standing->refunded_minor, &stated) ||
      __builtin_sub_overflow(index.amount_minor, stated, &moved) ||
      stated == std::numeric_limits<std::int64_t>::min()) {  // -stated below
    return Status::Corruption("the gift_deltas rows of donation " +
                              std::to_string(was.donation_seq) + " sum beyond 64 bits");
  }
  if (was.method == index.method) {
    if (moved == 0) return Changes{};
    return Changes{{was.scope, was.method, moved}};
  }
  Changes out{{was.scope, was.method, -stated}, {was.scope, index.method, index.amount_minor}};
  if (out[1].method < out[0].method) std::swap(out[0], out[1]);
  return out;
}

}  // namespace

// The subject's rows in the scope: next to each other in
// gift_deltas_summary, which is led by (scope, subject) and covers the
// columns read (seq and role, the primary key, are in every index of the
// table), so a decision reads a leaf page or two for a donor's history
// wherever in the file the gifts were made. Every row of a donation carries
// the donation's subject and scope (StatedRow, then ChangedRows copying
// them), so these are all the rows of the subject's donations in the scope.
// Before version 6 the rows were found through entries_by_subject and then
// one probe of gift_deltas_by_donation per entry: a random leaf each, once
// the file outgrows the page cache (docs/performance.md).
const char* const kDonorGiftsSql =
    "SELECT donation_seq, seq, role, date, nature, election, delta_minor "
    "FROM gift_deltas WHERE scope = ?1 AND subject = ?2";

bool EntryIndex::SameColumns(const EntryIndex& other) const {
  return kind == other.kind && subject == other.subject && scope == other.scope &&
         method == other.method && amount_minor == other.amount_minor &&
         external_id == other.external_id;
}

Result<std::vector<GiftDelta>> Store::GiftDeltasFor(std::int64_t seq, const EntryIndex& index,
                                                    std::vector<MethodChange>* changes) {
  if (changes != nullptr) changes->clear();
  if (index.kind == "donation") {
    if (changes != nullptr) {
      PROBITY_ASSIGN_OR_RETURN(*changes, MethodChanges(index, nullptr));
    }
    return std::vector<GiftDelta>{StatedRow(seq, index)};
  }
  if (index.kind != "refund" && index.kind != "correction") return std::vector<GiftDelta>{};
  PROBITY_ASSIGN_OR_RETURN(std::optional<GiftStanding> standing,
                           StandingBefore(*db_, index.gift.donation_seq, seq));
  // An entry that names no earlier donation changes no total (the listings
  // skip it too); verify's replay refuses it.
  if (!standing.has_value()) return std::vector<GiftDelta>{};
  if (changes != nullptr && index.kind == "correction") {
    PROBITY_ASSIGN_OR_RETURN(*changes, MethodChanges(index, &*standing));
  }
  return ChangedRows(seq, index, *standing);
}

Result<std::int64_t> AddToMethodTotal(std::int64_t total, const MethodChange& change) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(total, change.delta_minor, &sum)) {
    return Status::InvalidArgument("the total of scope " + change.scope + "'s gifts by " +
                                   change.method + " would overflow 64 bits");
  }
  return sum;
}

Result<std::int64_t> Store::MethodTotal(const std::string& scope, const std::string& method) {
  PROBITY_ASSIGN_OR_RETURN(
      CachedStmt stmt,
      db_->PrepareCached("SELECT total_minor FROM method_totals WHERE scope = ? AND method = ? "
                         "ORDER BY seq DESC LIMIT 1"));
  stmt->Bind(1, scope).Bind(2, method);
  PROBITY_ASSIGN_OR_RETURN(bool row, stmt->Step());
  return row ? stmt->ColumnInt64(0) : 0;
}

Result<std::int64_t> Store::MethodTotalCount() {
  return QueryInt64(*db_, "SELECT count(*) FROM method_totals");
}

Status Store::InsertGiftDelta(const GiftDelta& row) {
  PROBITY_ASSIGN_OR_RETURN(
      CachedStmt stmt,
      db_->PrepareCached("INSERT INTO gift_deltas(seq, role, donation_seq, currency, month, "
                         "date, scope, method, subject, election, nature, delta_minor, "
                         "gifts_delta, obligations) "
                         "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt->Bind(1, row.seq).Bind(2, static_cast<std::int64_t>(row.role)).Bind(3, row.donation_seq);
  stmt->Bind(4, row.currency).Bind(5, row.month).Bind(6, row.date).Bind(7, row.scope);
  stmt->Bind(8, row.method);
  if (row.subject.empty()) stmt->BindNull(9); else stmt->Bind(9, row.subject);
  if (row.election.empty()) stmt->BindNull(10); else stmt->Bind(10, row.election);
  stmt->Bind(11, row.nature).Bind(12, row.delta_minor).Bind(13, row.gifts_delta);
  stmt->Bind(14, row.obligations);
  return stmt->Run();
}

Status Store::InsertGiftDeltas(std::int64_t seq, const EntryIndex& index) {
  std::vector<MethodChange> changes;
  PROBITY_ASSIGN_OR_RETURN(std::vector<GiftDelta> rows, GiftDeltasFor(seq, index, &changes));
  for (const GiftDelta& row : rows) PROBITY_RETURN_IF_ERROR(InsertGiftDelta(row));
  for (const MethodChange& c : changes) {
    PROBITY_ASSIGN_OR_RETURN(std::int64_t total, MethodTotal(c.scope, c.method));
    PROBITY_ASSIGN_OR_RETURN(total, AddToMethodTotal(total, c));
    PROBITY_ASSIGN_OR_RETURN(
        CachedStmt stmt,
        db_->PrepareCached("INSERT INTO method_totals(scope, method, seq, total_minor) "
                           "VALUES(?, ?, ?, ?)"));
    PROBITY_RETURN_IF_ERROR(
        stmt->Bind(1, c.scope).Bind(2, c.method).Bind(3, seq).Bind(4, total).Run());
  }
  return Status::OK();
}

Result<std::vector<GiftDelta>> Store::ReadGiftDeltas(std::int64_t from, std::int64_t to) {
  // Once per verify chunk: not worth a slot in the statement cache.
  PROBITY_ASSIGN_OR_RETURN(
      Stmt stmt,
      db_->Prepare(std::string(kSelectGiftDelta) + "WHERE seq >= ? AND seq < ? ORDER BY seq, role"));
  stmt.Bind(1, from).Bind(2, to);
  std::vector<GiftDelta> rows;
  for (;;) {
    PROBITY_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return rows;
    rows.push_back(ReadGiftDeltaRow(stmt));
  }
}

Result<std::vector<StandingGift>> Store::DonorGifts(const std::string& scope,
                                                    const std::string& subject) {
  PROBITY_ASSERT(!subject.empty());  // anonymous gifts have no history to read
  struct Row {
    std::int64_t donation_seq, seq, role;
    std::string date, nature, election;
    std::int64_t delta_minor;
  };
  std::vector<Row> rows;
  {
    PROBITY_ASSIGN_OR_RETURN(CachedStmt stmt, db_->PrepareCached(kDonorGiftsSql));
    stmt->Bind(1, scope).Bind(2, subject);
    for (;;) {
      PROBITY_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      rows.push_back(Row{stmt->ColumnInt64(0), stmt->ColumnInt64(1), stmt->ColumnInt64(2),
                         stmt->ColumnText(3), stmt->ColumnText(4), stmt->ColumnText(5),
                         stmt->ColumnInt64(6)});
    }
  }
  // The index gives them by month and method: put each donation's rows
  // together, in the order they were written.
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.donation_seq, a.seq, a.role) < std::tie(b.donation_seq, b.seq, b.role);
  });
  std::vector<StandingGift> gifts;
  for (Row& r : rows) {
    if (gifts.empty() || gifts.back().donation_seq != r.donation_seq) {
      gifts.push_back(StandingGift{r.donation_seq, 0, {}, {}, {}});
    }
    StandingGift& g = gifts.back();
    // Every row of a donation copies where it stands (docs/format.md 12.3):
    // the last one gives the date as last corrected.
    g.date = std::move(r.date);
    g.nature = std::move(r.nature);
    g.election = std::move(r.election);
    g.net_minor += r.delta_minor;
  }
  return gifts;
}

Result<std::int64_t> Store::GiftDeltaCount() {
  return QueryInt64(*db_, "SELECT count(*) FROM gift_deltas");
}

Result<std::vector<std::int64_t>> Store::FindObligatedDonations() {
  PROBITY_ASSIGN_OR_RETURN(
      Stmt stmt, db_->Prepare("SELECT DISTINCT donation_seq FROM gift_deltas "
                              "WHERE obligations > 0 ORDER BY donation_seq"));
  std::vector<std::int64_t> seqs;
  for (;;) {
    PROBITY_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return seqs;
    seqs.push_back(stmt.ColumnInt64(0));
  }
}

}  // namespace probity
