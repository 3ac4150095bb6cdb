// The ledger file: one SQLCipher database (docs/format.md, "The ledger file").
//
// The raw 256-bit database key is Argon2id(passphrase, salt); the salt is the
// 16 bytes SQLCipher keeps at the head of the file, so a ledger is one file.
// Tables that hold history (entries, tree_nodes, checkpoints, meta) refuse
// UPDATE and DELETE through triggers. The subject vault (subject_keys) allows
// DELETE only: that is erasure by crypto-shredding.
//
// A Store owns its connection, and through it the prepared statements of its
// queries (Db::PrepareCached): each is prepared on first use, reset when the
// call that ran it returns (so no read transaction stays open between calls),
// and finalized when the Store closes. Not thread safe; two processes are
// serialised by SQLite's write lock (BEGIN IMMEDIATE, with a busy timeout).
#ifndef PROBITY_LEDGER_STORE_H_
#define PROBITY_LEDGER_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/merkle.h"
#include "ledger/sqlite.h"
#include "ledger/status.h"
#include "ledger/wal_checkpointer.h"

namespace probity {

constexpr std::size_t kPageBytes = 4096;
constexpr int kBusyTimeoutMs = 60000;
constexpr const char* kLedgerMagic = "probity-ledger";
// 2: entries.external_id; 3: gift_deltas; 4: gift_deltas.date, .nature and
// gift_deltas_by_donor, donor_names (docs/format.md 12.3, 12.4); 5:
// gift_deltas_by_donor dropped, gift_deltas_by_donation covering what
// DonorGifts reads; 6: gift_rollups (docs/format.md 12.5), gift_deltas_summary
// covering what DonorGifts reads and gift_deltas_by_donation narrowed; 7:
// entries_by_subject covering the kind; 8: method_totals (docs/format.md
// 12.6), entries_by_scope narrowed to (scope, kind)
constexpr int kStoreSchemaVersion = 8;

// Store::DonorGifts's query; ?1 is the scope, ?2 the subject. Tests read its plan.
extern const char* const kDonorGiftsSql;
// Store::FindEntries's queries, [kind given][subject given]; ?1 is the kind,
// ?2 the subject. Tests read their plans.
extern const char* const kFindEntriesSql[2][2];
// Store::DonorIdentityEntries's query; ?1 is the subject. Tests read its plan.
extern const char* const kDonorIdentitySql;
// What the donor_names key is derived for (docs/format.md 12.4).
constexpr std::string_view kDonorIndexContext = "probity/donor_names/v1";
constexpr std::int64_t kAppendOnlyTriggers = 15;  // see kSchema in store.cc
// The fewest entries since the latest gift rollup for an append or an
// import to write another (Store::RollUpGifts).
constexpr std::int64_t kGiftRollupTailMin = 20000;
// The summary reads the latest rollup while the entries after it are at
// most 1/5 of those it covers, and a new one is written once they reach
// that: each row after it is sorted, about five times the cost of a row of
// the covering index (docs/performance.md), so past that share reading
// every row through the index is cheaper.
constexpr std::int64_t kGiftRollupTailShare = 5;

// One row of the entries table.
struct StoredEntry {
  std::int64_t seq = 0;
  std::string body;  // canonical JSON bytes, exactly as signed
  Signature sig{};
  Hash leaf_hash{};
};

// A donor_added or donor_corrected entry: what a donor's identity is read from.
struct IdentityEntry {
  std::int64_t seq = 0;
  std::string kind;  // donor_added, donor_corrected
  std::string body;  // canonical JSON bytes, exactly as signed
};

// The fields of a donation, refund or correction that its gift_deltas rows
// take beyond the index columns (docs/format.md 12.3). Not a column of the
// entries table: verify checks them through the rows they make.
struct GiftFields {
  std::int64_t donation_seq = -1;  // refunds and corrections: the donation named; -1 otherwise
  std::string currency;            // donations, refunds, corrections; empty otherwise
  std::string date;                // the same: YYYY-MM-DD
  std::string election;            // donations: the election designation; empty if none
  std::string nature;              // donations: gift or membership-fee; empty otherwise
  std::int64_t obligations = 0;    // donations, corrections: how many obligations it carries
  bool operator==(const GiftFields&) const = default;
};

// Columns kept beside the body so that queries need no JSON parsing. They are
// derived from the body; verify checks that they agree with it.
struct EntryIndex {
  std::string kind;
  std::string subject;  // empty if none
  std::string scope;    // empty if none
  std::string method;   // donations and corrections: payment method; empty otherwise
  std::int64_t amount_minor = 0;  // donations, corrections and refunds; 0 otherwise
  std::string external_id = {};  // donations: the import's row id; empty otherwise
  GiftFields gift = {};          // what InsertEntry needs for the gift_deltas rows
  bool operator==(const EntryIndex&) const = default;
  // The six columns of the entries table alone (what ScanEntries reads back).
  bool SameColumns(const EntryIndex& other) const;
};

// One row of the gift_deltas table (docs/format.md 12.3): a signed change, made
// by entry `seq`, to the net amount of donation `donation_seq` and to the
// count of gifts at one set of coordinates (currency, month, scope, method,
// subject, election). Summing the rows by any of the coordinates gives the net
// totals a summary shows, without decoding an entry.
enum class GiftRole : std::int64_t {
  kStated = 0,        // a donation: its amount, where it was given
  kRefunded = 1,      // a refund: its amount taken off, where the gift stands
  kRestatedOut = 2,   // a correction: the gift's net taken off where it stood
  kRestatedIn = 3,    // a correction: the restated net put where it now stands
};
struct GiftDelta {
  std::int64_t seq = 0;
  GiftRole role = GiftRole::kStated;
  std::int64_t donation_seq = 0;
  std::string currency;
  std::string month;     // YYYY-MM of the gift's date as stated
  std::string date;      // the gift's date as stated, YYYY-MM-DD
  std::string scope;
  std::string method;
  std::string subject;   // empty for an anonymous gift (NULL in the table)
  std::string election;  // empty if none (NULL in the table)
  std::string nature;    // gift or membership-fee, as the donation states it
  std::int64_t delta_minor = 0;  // change of the net amount, in minor units
  std::int64_t gifts_delta = 0;  // change of the number of gifts: +1, -1 or 0
  std::int64_t obligations = 0;  // kStated, kRestatedIn: the statement's obligations; else 0
  // Read back: false if a stored value is not of its column's type (a REAL
  // amount, say) or an empty string stands where NULL belongs.
  bool typed = true;
  bool operator==(const GiftDelta&) const = default;
};

// One donation as it stands now, read from the gift_deltas rows alone
// (Store::DonorGifts): what a policy decision needs of a donor's past gift.
struct StandingGift {
  std::int64_t donation_seq = 0;
  std::int64_t net_minor = 0;  // given - refunded, as last corrected
  std::string date;            // YYYY-MM-DD, as last corrected
  std::string election;        // empty if none
  std::string nature;          // gift or membership-fee
  bool operator==(const StandingGift&) const = default;
};

// What one entry changes in the total of a scope's donations by one payment
// method (docs/format.md 12.6): a donation adds its amount; a correction takes
// the gift's amount as it stood off its method as it stood and adds the
// restated amount to the restated method (one change when the method stays,
// none when neither moves). Refunds change nothing: the total is of what
// was given, as last corrected, not net of refunds.
struct MethodChange {
  std::string scope;
  std::string method;
  std::int64_t delta_minor = 0;
  bool operator==(const MethodChange&) const = default;
};

// One row of the method_totals table: after entry `seq`, the scope's
// donations by `method` sum to `total_minor`. A row for each scope and method
// an entry changes, so the latest row of (scope, method) is the total now.
struct MethodTotalRow {
  std::string scope;
  std::string method;
  std::int64_t seq = 0;
  std::int64_t total_minor = 0;
  bool operator==(const MethodTotalRow&) const = default;
};

// total + change.delta_minor; InvalidArgument if that overflows.
Result<std::int64_t> AddToMethodTotal(std::int64_t total, const MethodChange& change);

// The gift_deltas rows summed over one group of coordinates (Store::ScanGiftGroups).
struct GiftGroup {
  std::string scope, subject, month, method, election, currency;
  std::int64_t net_minor = 0;
  std::int64_t gifts = 0;  // how many donations stand here now
};

class Store : public NodeReader {
 public:
  // Creates a new ledger file; fails if `path` exists.
  static Result<std::unique_ptr<Store>> Create(const std::string& path,
                                               const SecretBytes& passphrase, KdfParams params);
  // Opens an existing ledger. WrongPassphrase if the key does not open it,
  // Corruption if it is not a ledger or is damaged.
  static Result<std::unique_ptr<Store>> Open(const std::string& path,
                                             const SecretBytes& passphrase, KdfParams params);

  // Write transactions: one per command (or per import batch).
  [[nodiscard]] Status BeginWrite();  // BEGIN IMMEDIATE: takes the write lock
  [[nodiscard]] Status Commit();
  void Rollback();
  // Checkpoints the write-ahead log on a thread and a connection of their own
  // until StopBackgroundCheckpoints (ledger/wal_checkpointer.h): for a long
  // run of commits. Opens the second connection with this store's key.
  [[nodiscard]] Status StartBackgroundCheckpoints();
  void StopBackgroundCheckpoints() { checkpointer_.reset(); }
  // Checkpoints run in the background so far (tests); 0 when not started.
  std::int64_t background_checkpoints() const;

  [[nodiscard]] Status PutMeta(const std::string& name, const std::string& value);
  Result<std::string> GetMeta(const std::string& name);

  // Number of entries; the next entry's seq.
  Result<std::int64_t> EntryCount();
  // Inserts the entry with its index columns and, for a donation, refund or
  // correction, its gift_deltas and method_totals rows (GiftDeltasFor), in
  // the caller's transaction. Entries must come in seq order for those rows
  // to be right.
  [[nodiscard]] Status InsertEntry(const StoredEntry& entry, const EntryIndex& index);
  Result<StoredEntry> GetEntry(std::int64_t seq);
  Result<std::optional<StoredEntry>> LastEntry();
  // Seqs of entries matching kind and/or subject (empty string: any), in order.
  Result<std::vector<std::int64_t>> FindEntries(const std::string& kind,
                                                const std::string& subject);
  // The subject's donor_added and donor_corrected entries, in seq order, found
  // through entries_by_subject: one index leaf, then the entries' own pages.
  Result<std::vector<IdentityEntry>> DonorIdentityEntries(const std::string& subject);
  // Seqs of entries of `kind` in `scope`, in order, from the scope index.
  Result<std::vector<std::int64_t>> FindScopeEntries(const std::string& scope,
                                                     const std::string& kind);
  // Streams entries [from, to) in order to `fn`; stops at the first error.
  [[nodiscard]] Status ScanEntries(std::int64_t from, std::int64_t to,
                                   const std::function<Status(const StoredEntry&,
                                                              const EntryIndex&)>& fn);

  // The seq of the entry whose external_id is `external_id`, if any (unique
  // index: O(log n)).
  Result<std::optional<std::int64_t>> FindExternalId(const std::string& external_id);

  // The gift_deltas rows that the entry `seq` with `index` makes, from the
  // rows of the entries before it (docs/format.md 12.3), and, when `changes`
  // is given, what it changes in method totals (from the same rows), in
  // method order. InsertEntry stores them; verify recomputes them to check
  // the stored ones.
  Result<std::vector<GiftDelta>> GiftDeltasFor(std::int64_t seq, const EntryIndex& index,
                                               std::vector<MethodChange>* changes = nullptr);
  // The total of the scope's donations by `method` after the last entry, as
  // last corrected and not net of refunds (docs/format.md 12.6): the latest
  // method_totals row of (scope, method), one probe of its primary key; 0 if
  // there is none.
  Result<std::int64_t> MethodTotal(const std::string& scope, const std::string& method);
  Result<std::int64_t> MethodTotalCount();
  // The stored rows of entries [from, to), by seq then role.
  Result<std::vector<GiftDelta>> ReadGiftDeltas(std::int64_t from, std::int64_t to);
  Result<std::int64_t> GiftDeltaCount();
  // The donations of `subject` (not empty) in `scope` as they stand, in
  // donation seq order (kDonorGiftsSql): the subject's rows in the scope,
  // next to each other in the covering index gift_deltas_summary, sorted
  // here; no entry decoded. Equal to what
  // decoding the subject's donations, refunds and corrections gives
  // (tests/policies/donor_history_test.cc holds the two to each other).
  Result<std::vector<StandingGift>> DonorGifts(const std::string& scope,
                                               const std::string& subject);
  // The rows summed by (scope, subject, month, method, election, currency),
  // in that order (a NULL subject or election is "" and comes first);
  // stops at the first error. From the latest gift_rollups plus the rows
  // after it (ledger/gift_rollups.cc) when those rows are fewer than the
  // ones it sums; otherwise from the covering index gift_deltas_summary.
  // Groups whose rows sum to zero gifts and zero net may or may not appear.
  [[nodiscard]] Status ScanGiftGroups(const std::function<Status(const GiftGroup&)>& fn);
  // The entry count at which the latest rollup was written; 0 if none.
  Result<std::int64_t> LatestGiftRollup();
  // In the caller's write transaction, writes a rollup at the entry count
  // (every group ScanGiftGroups gives, but those summing to zero) when the
  // entries since the latest rollup number at least `tail_min` and at least
  // 1 / kGiftRollupTailShare of those it covers. Returns whether it wrote one.
  Result<bool> RollUpGifts(std::int64_t tail_min);
  // The same in a write transaction of its own.
  Result<bool> MaybeRollUpGifts(std::int64_t tail_min);
  // Each rollup against the gift_deltas rows of the entries it covers: the
  // first disagreement, described; empty if every rollup agrees.
  Result<std::string> FirstGiftRollupMismatch();
  // Donations whose rows ever carried an obligation, in seq order (a partial
  // index: the cost grows with their number, not the ledger's).
  Result<std::vector<std::int64_t>> FindObligatedDonations();

  [[nodiscard]] Status InsertTreeNodes(const std::vector<TreeNode>& nodes);
  Result<Hash> PerfectNode(int level, std::uint64_t index) const override;
  // Every stored node, by level then index; stops at the first error.
  [[nodiscard]] Status ScanTreeNodes(const std::function<Status(const TreeNode&)>& fn);

  [[nodiscard]] Status InsertCheckpoint(std::int64_t tree_size, const std::string& note);
  // The latest checkpoint (largest tree size), if any.
  Result<std::optional<std::pair<std::int64_t, std::string>>> LatestCheckpoint();
  Result<std::vector<std::pair<std::int64_t, std::string>>> AllCheckpoints();

  // The subject vault.
  [[nodiscard]] Status PutSubjectKey(const std::string& subject, const SecretBytes& key);
  // NotFound if the subject has no key (never had one, or was erased).
  Result<SecretBytes> GetSubjectKey(const std::string& subject);
  // Erasure by crypto-shredding: deletes the subject's key, inside the
  // caller's write transaction. NotFound if there is none. secure_delete is on
  // for every connection (ApplyKey checks it), so SQLite overwrites the cell
  // with zeros; the old page image stays in the WAL until TruncateWal.
  [[nodiscard]] Status DeleteSubjectKey(const std::string& subject);
  // PRAGMA wal_checkpoint(TRUNCATE), outside any transaction: copies the WAL
  // into the file and truncates the WAL to zero bytes, so deleted keys leave
  // it. IoError, saying so, if another connection's reader or writer kept the
  // checkpoint from completing (the WAL then still holds old pages).
  [[nodiscard]] Status TruncateWal();

  // The donor-name index (docs/format.md 12.4): one row per donor not erased,
  // HMAC-SHA-256 of the normalised current name under a key derived from the
  // database key (never stored), for `donor add`'s duplicate warning in
  // O(log donors). Derived personal data, not history: rows are replaced on
  // rectification and deleted on erasure, in the caller's write transaction.
  // Verification never reads them.
  //
  // Sets the subject's row (INSERT OR REPLACE): `added_seq` is the seq of its
  // donor_added entry, which orders the results of FindDonorsByName.
  [[nodiscard]] Status PutDonorName(const std::string& subject, std::int64_t added_seq,
                                    std::string_view normalised_name);
  // Subjects whose row holds this normalised name, by added_seq.
  Result<std::vector<std::string>> FindDonorsByName(std::string_view normalised_name);
  // Deletes the subject's row, if any (secure_delete overwrites the cell).
  [[nodiscard]] Status DeleteDonorName(const std::string& subject);

  const std::string& path() const { return path_; }
  Db& db() { return *db_; }

 private:
  Store(std::string path, std::unique_ptr<Db> db) : path_(std::move(path)), db_(std::move(db)) {}
  // Keys `db`, a connection to `path`, and sets the PRAGMAs every one needs.
  [[nodiscard]] static Status ApplyKey(Db& db, const std::string& path, const SecretBytes& key,
                                       const Salt& salt);
  [[nodiscard]] Status ApplyKey(const SecretBytes& key, const Salt& salt);
  [[nodiscard]] Status CreateSchema();
  [[nodiscard]] Status CheckIsLedger();
  [[nodiscard]] Status InsertGiftDelta(const GiftDelta& row);
  // The entry's gift_deltas rows and method_totals rows.
  [[nodiscard]] Status InsertGiftDeltas(std::int64_t seq, const EntryIndex& index);
  Hash DonorNameMac(std::string_view normalised_name) const;  // donor_index.cc

  std::string path_;
  std::unique_ptr<Db> db_;
  SecretBytes donor_index_key_;  // DeriveSubkey(database key, kDonorIndexContext)
  SecretBytes key_;              // the database key, for a second connection
  Salt salt_{};
  std::unique_ptr<WalCheckpointer> checkpointer_;  // before db_ in destruction: it uses it
};

}  // namespace probity

#endif  // PROBITY_LEDGER_STORE_H_
