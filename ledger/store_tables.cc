// Row-level access to the ledger's tables (see store.h). Every query here is
// a fixed SQL text run through the connection's statement cache
// (Db::PrepareCached): appends and cap checks run these many times a second,
// and preparing a statement costs more than running most of them. The
// CachedStmt lease resets each statement when the function returns, so none
// keeps a read transaction (and its WAL snapshot) open between calls.
#include <sqlite3.h>

#include <cstring>

#include "ledger/store.h"

namespace probity {
namespace {

template <std::size_t N>
Result<std::array<std::uint8_t, N>> FixedBlob(const Bytes& blob, const char* what,
                                              std::int64_t seq) {
  std::array<std::uint8_t, N> out{};
  if (blob.size() != N) {
    return Status::Corruption("entry " + std::to_string(seq) + ": stored " + what + " is " +
                              std::to_string(blob.size()) + " bytes, expected " +
                              std::to_string(N));
  }
  std::memcpy(out.data(), blob.data(), N);
  return out;
}

// The first column of every row: the seqs a FindEntries query selects.
Result<std::vector<std::int64_t>> CollectSeqs(Stmt& stmt) {
  std::vector<std::int64_t> seqs;
  for (;;) {
    PROBITY_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    seqs.push_back(stmt.ColumnInt64(0));
  }
  return seqs;
}

Result<StoredEntry> ReadEntryRow(const Stmt& stmt) {
  StoredEntry e;
  e.seq = stmt.ColumnInt64(0);
  Bytes body = stmt.ColumnBlob(1);
  e.body.assign(body.begin(), body.end());
  PROBITY_ASSIGN_OR_RETURN(e.sig,
                           FixedBlob<kSignatureBytes>(stmt.ColumnBlob(2), "signature", e.seq));
  PROBITY_ASSIGN_OR_RETURN(e.leaf_hash, FixedBlob<32>(stmt.ColumnBlob(3), "leaf hash", e.seq));
  return e;
}

EntryIndex ReadIndexColumns(const Stmt& stmt) {
  return EntryIndex{stmt.ColumnText(4), stmt.ColumnText(5), stmt.ColumnText(6),
                    stmt.ColumnText(7), stmt.ColumnInt64(8), stmt.ColumnText(9)};
}

constexpr const char* kSelectEntry =
    "SELECT seq, body, sig, leaf_hash, kind, subject, scope, method, amount_minor, external_id "
    "FROM entries ";

}  // namespace

Result<std::int64_t> Store::EntryCount() {
  // seq is dense from 0, so max + 1 is the count; verify checks density.
  PROBITY_ASSIGN_OR_RETURN(CachedStmt stmt,
                           db_->PrepareCached("SELECT coalesce(max(seq), -1) + 1 FROM entries"));
  PROBITY_ASSIGN_OR_RETURN(bool row, stmt->Step());
  PROBITY_ASSERT(row);  // an aggregate always returns one row
  return stmt->ColumnInt64(0);
}

Status Store::InsertEntry(const StoredEntry& entry, const EntryIndex& index) {
  PROBITY_ASSIGN_OR_RETURN(
      CachedStmt stmt,
      db_->PrepareCached("INSERT INTO entries(seq, body, sig, leaf_hash, kind, subject, scope, "
                         "method, amount_minor, external_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt->Bind(1, entry.seq).BindBlob(2, AsBytes(entry.body)).BindBlob(3, entry.sig);
  stmt->BindBlob(4, entry.leaf_hash).Bind(5, index.kind);
  if (index.subject.empty()) stmt->BindNull(6); else stmt->Bind(6, index.subject);
  if (index.scope.empty()) stmt->BindNull(7); else stmt->Bind(7, index.scope);
  if (index.method.empty()) stmt->BindNull(8); else stmt->Bind(8, index.method);
  stmt->Bind(9, index.amount_minor);
  if (index.external_id.empty()) stmt->BindNull(10); else stmt->Bind(10, index.external_id);
  PROBITY_RETURN_IF_ERROR(stmt->Run());
  return InsertGiftDeltas(entry.seq, index);  // gift_deltas.cc
}

Result<std::optional<std::int64_t>> Store::FindExternalId(const std::string& external_id) {
  PROBITY_ASSIGN_OR_RETURN(
      CachedStmt stmt, db_->PrepareCached("SELECT seq FROM entries WHERE external_id = ?"));
  stmt->Bind(1, external_id);
  PROBITY_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(stmt->ColumnInt64(0));
}

Result<StoredEntry> Store::GetEntry(std::int64_t seq) {
  static const std::string kSql = std::string(kSelectEntry) + "WHERE seq = ?";
  PROBITY_ASSIGN_OR_RETURN(CachedStmt stmt, db_->PrepareCached(kSql));
  stmt->Bind(1, seq);
  PROBITY_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return Status::NotFound("there is no entry " + std::to_string(seq));
  return ReadEntryRow(*stmt);
}

Result<std::optional<StoredEntry>> Store::LastEntry() {
  static const std::string kSql = std::string(kSelectEntry) + "ORDER BY seq DESC LIMIT 1";
  PROBITY_ASSIGN_OR_RETURN(CachedStmt stmt, db_->PrepareCached(kSql));
  PROBITY_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<StoredEntry>();
  PROBITY_ASSIGN_OR_RETURN(StoredEntry e, ReadEntryRow(*stmt));
  return std::optional<StoredEntry>(std::move(e));
}

// One query per combination of filters: with "(?1 = '' OR kind = ?1)" the
// planner cannot use an index and scans the whole table, which made every
// append (signer replay, donor check) cost time in proportion to the ledger.
// entries_by_subject is (subject, kind, seq): a subject's entries of one kind
// are one range of it, read without a table lookup. (Before version 7 it was
// (subject, seq), and each of the subject's entries was read from the table
// to test its kind: a random page each in a large file, on every cap check.)
const char* const kFindEntriesSql[2][2] = {
    {"SELECT seq FROM entries ORDER BY seq",
     "SELECT seq FROM entries WHERE subject = ?2 ORDER BY seq"},
    {"SELECT seq FROM entries WHERE kind = ?1 ORDER BY seq",
     "SELECT seq FROM entries WHERE subject = ?2 AND kind = ?1 ORDER BY seq"}};

Result<std::vector<std::int64_t>> Store::FindEntries(const std::string& kind,
                                                     const std::string& subject) {
  const char* sql = kFindEntriesSql[kind.empty() ? 0 : 1][subject.empty() ? 0 : 1];
  PROBITY_ASSIGN_OR_RETURN(CachedStmt stmt, db_->PrepareCached(sql));
  if (!kind.empty()) stmt->Bind(1, kind);
  if (!subject.empty()) stmt->Bind(2, subject);
  return CollectSeqs(*stmt);
}

const char* const kDonorIdentitySql =
    "SELECT seq, kind, body FROM entries WHERE subject = ?1 AND "
    "kind IN ('donor_added', 'donor_corrected') ORDER BY seq";

Result<std::vector<IdentityEntry>> Store::DonorIdentityEntries(const std::string& subject) {
  PROBITY_ASSIGN_OR_RETURN(CachedStmt stmt, db_->PrepareCached(kDonorIdentitySql));
  stmt->Bind(1, subject);
  std::vector<IdentityEntry> out;
  for (;;) {
    PROBITY_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return out;
    IdentityEntry e;
    e.seq = stmt->ColumnInt64(0);
    e.kind = stmt->ColumnText(1);
    Bytes body = stmt->ColumnBlob(2);
    e.body.assign(body.begin(), body.end());
    out.push_back(std::move(e));
  }
}

Result<std::vector<std::int64_t>> Store::FindScopeEntries(const std::string& scope,
                                                          const std::string& kind) {
  PROBITY_ASSIGN_OR_RETURN(
      CachedStmt stmt,
      db_->PrepareCached("SELECT seq FROM entries WHERE scope = ? AND kind = ? ORDER BY seq"));
  stmt->Bind(1, scope).Bind(2, kind);
  return CollectSeqs(*stmt);
}

Status Store::ScanEntries(std::int64_t from, std::int64_t to,
                          const std::function<Status(const StoredEntry&, const EntryIndex&)>& fn) {
  static const std::string kSql =
      std::string(kSelectEntry) + "WHERE seq >= ? AND seq < ? ORDER BY seq";
  PROBITY_ASSIGN_OR_RETURN(CachedStmt stmt, db_->PrepareCached(kSql));
  stmt->Bind(1, from).Bind(2, to);
  for (;;) {
    PROBITY_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return Status::OK();
    PROBITY_ASSIGN_OR_RETURN(StoredEntry e, ReadEntryRow(*stmt));
    PROBITY_RETURN_IF_ERROR(fn(e, ReadIndexColumns(*stmt)));
  }
}

Status Store::InsertTreeNodes(const std::vector<TreeNode>& nodes) {
  PROBITY_ASSIGN_OR_RETURN(
      CachedStmt stmt,
      db_->PrepareCached("INSERT INTO tree_nodes(level, idx, hash) VALUES(?, ?, ?)"));
  for (const TreeNode& n : nodes) {
    stmt->Bind(1, n.level).Bind(2, static_cast<std::int64_t>(n.index)).BindBlob(3, n.hash);
    PROBITY_RETURN_IF_ERROR(stmt->Run());
  }
  return Status::OK();
}

Result<Hash> Store::PerfectNode(int level, std::uint64_t index) const {
  PROBITY_ASSIGN_OR_RETURN(
      CachedStmt stmt,
      db_->PrepareCached("SELECT hash FROM tree_nodes WHERE level = ? AND idx = ?"));
  stmt->Bind(1, level).Bind(2, static_cast<std::int64_t>(index));
  PROBITY_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) {
    return Status::Corruption("tree node (level " + std::to_string(level) + ", index " +
                              std::to_string(index) + ") is missing from the ledger");
  }
  return FixedBlob<32>(stmt->ColumnBlob(0), "tree node", static_cast<std::int64_t>(index));
}

Status Store::ScanTreeNodes(const std::function<Status(const TreeNode&)>& fn) {
  PROBITY_ASSIGN_OR_RETURN(
      CachedStmt stmt,
      db_->PrepareCached("SELECT level, idx, hash FROM tree_nodes ORDER BY level, idx"));
  for (;;) {
    PROBITY_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return Status::OK();
    TreeNode node{static_cast<int>(stmt->ColumnInt64(0)),
                  static_cast<std::uint64_t>(stmt->ColumnInt64(1)), Hash{}};
    PROBITY_ASSIGN_OR_RETURN(node.hash,
                             FixedBlob<32>(stmt->ColumnBlob(2), "tree node", stmt->ColumnInt64(1)));
    PROBITY_RETURN_IF_ERROR(fn(node));
  }
}

Status Store::InsertCheckpoint(std::int64_t tree_size, const std::string& note) {
  PROBITY_ASSIGN_OR_RETURN(
      CachedStmt stmt,
      db_->PrepareCached("INSERT INTO checkpoints(tree_size, note) VALUES(?, ?)"));
  return stmt->Bind(1, tree_size).Bind(2, note).Run();
}

Result<std::vector<std::pair<std::int64_t, std::string>>> Store::AllCheckpoints() {
  PROBITY_ASSIGN_OR_RETURN(
      CachedStmt stmt,
      db_->PrepareCached("SELECT tree_size, note FROM checkpoints ORDER BY tree_size"));
  std::vector<std::pair<std::int64_t, std::string>> out;
  for (;;) {
    PROBITY_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return out;
    out.emplace_back(stmt->ColumnInt64(0), stmt->ColumnText(1));
  }
}

Result<std::optional<std::pair<std::int64_t, std::string>>> Store::LatestCheckpoint() {
  using Row = std::pair<std::int64_t, std::string>;
  PROBITY_ASSIGN_OR_RETURN(
      CachedStmt stmt,
      db_->PrepareCached(
          "SELECT tree_size, note FROM checkpoints ORDER BY tree_size DESC LIMIT 1"));
  PROBITY_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<Row>();
  return std::optional<Row>(Row(stmt->ColumnInt64(0), stmt->ColumnText(1)));
}

Status Store::PutSubjectKey(const std::string& subject, const SecretBytes& key) {
  PROBITY_ASSIGN_OR_RETURN(
      CachedStmt stmt,
      db_->PrepareCached("INSERT INTO subject_keys(subject, key) VALUES(?, ?)"));
  return stmt->Bind(1, subject).BindBlob(2, key.span()).Run();
}

Result<SecretBytes> Store::GetSubjectKey(const std::string& subject) {
  PROBITY_ASSIGN_OR_RETURN(CachedStmt stmt,
                           db_->PrepareCached("SELECT key FROM subject_keys WHERE subject = ?"));
  stmt->Bind(1, subject);
  PROBITY_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return Status::NotFound("no key for subject " + subject + " (erased, or never stored)");
  SecretBytes key = stmt->ColumnSecret(0);
  if (key.size() != kSymmetricKeyBytes) {
    return Status::Corruption("the vault key of subject " + subject + " has the wrong size");
  }
  return key;
}

Status Store::DeleteSubjectKey(const std::string& subject) {
  PROBITY_ASSIGN_OR_RETURN(CachedStmt stmt,
                           db_->PrepareCached("DELETE FROM subject_keys WHERE subject = ?"));
  PROBITY_RETURN_IF_ERROR(stmt->Bind(1, subject).Run());
  if (sqlite3_changes(db_->raw()) != 1) {
    return Status::NotFound("no key for subject " + subject + " (erased, or never stored)");
  }
  return Status::OK();
}

}  // namespace probity
