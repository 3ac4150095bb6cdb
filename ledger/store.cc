#include "ledger/store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "ledger/encoding.h"
#include "ledger/wal_checkpointer.h"

namespace probity {
namespace {

// Triggers make history append-only even for someone who holds the key and
// uses the sqlcipher shell; verify catches anyone who drops them first.
constexpr const char* kSchema = R"sql(
CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE entries(
  seq INTEGER PRIMARY KEY,
  body BLOB NOT NULL,
  sig BLOB NOT NULL,
  leaf_hash BLOB NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT,
  scope TEXT,
  method TEXT,
  amount_minor INTEGER NOT NULL,
  external_id TEXT);
CREATE UNIQUE INDEX entries_by_external_id ON entries(external_id) WHERE external_id IS NOT NULL;
CREATE INDEX entries_by_subject ON entries(subject, kind, seq);
CREATE INDEX entries_by_kind ON entries(kind, seq);
CREATE INDEX entries_by_scope ON entries(scope, kind);
CREATE TABLE tree_nodes(level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,
  PRIMARY KEY(level, idx)) WITHOUT ROWID;
CREATE TABLE checkpoints(tree_size INTEGER PRIMARY KEY, note TEXT NOT NULL);
CREATE TABLE subject_keys(subject TEXT PRIMARY KEY, key BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE gift_deltas(
  seq INTEGER NOT NULL,
  role INTEGER NOT NULL,
  donation_seq INTEGER NOT NULL,
  currency TEXT NOT NULL,
  month TEXT NOT NULL,
  date TEXT NOT NULL,
  scope TEXT NOT NULL,
  method TEXT NOT NULL,
  subject TEXT,
  election TEXT,
  nature TEXT NOT NULL,
  delta_minor INTEGER NOT NULL,
  gifts_delta INTEGER NOT NULL,
  obligations INTEGER NOT NULL,
  PRIMARY KEY(seq, role)) WITHOUT ROWID;
CREATE INDEX gift_deltas_by_donation ON gift_deltas(donation_seq, seq, role, delta_minor);
CREATE INDEX gift_deltas_summary ON gift_deltas(scope, subject, month, method, election,
  currency, delta_minor, gifts_delta, donation_seq, date, nature);
CREATE INDEX gift_deltas_obligated ON gift_deltas(donation_seq) WHERE obligations > 0;
CREATE TABLE gift_rollups(
  upto_seq INTEGER NOT NULL,
  scope TEXT NOT NULL,
  subject TEXT NOT NULL,
  month TEXT NOT NULL,
  method TEXT NOT NULL,
  election TEXT NOT NULL,
  currency TEXT NOT NULL,
  net_minor INTEGER NOT NULL,
  gifts INTEGER NOT NULL,
  PRIMARY KEY(upto_seq, scope, subject, month, method, election, currency)) WITHOUT ROWID;
CREATE TABLE method_totals(
  scope TEXT NOT NULL,
  method TEXT NOT NULL,
  seq INTEGER NOT NULL,
  total_minor INTEGER NOT NULL,
  PRIMARY KEY(scope, method, seq)) WITHOUT ROWID;
CREATE TABLE donor_names(subject TEXT PRIMARY KEY, name_mac BLOB NOT NULL,
  added_seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX donor_names_by_mac ON donor_names(name_mac, added_seq);
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
  BEGIN SELECT RAISE(ABORT, 'probity: entries are append-only'); END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
  BEGIN SELECT RAISE(ABORT, 'probity: entries are append-only'); END;
CREATE TRIGGER tree_nodes_no_update BEFORE UPDATE ON tree_nodes
  BEGIN SELECT RAISE(ABORT, 'probity: tree nodes are append-only'); END;
CREATE TRIGGER tree_nodes_no_delete BEFORE DELETE ON tree_nodes
  BEGIN SELECT RAISE(ABORT, 'probity: tree nodes are append-only'); END;
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
  BEGIN SELECT RAISE(ABORT, 'probity: checkpoints are append-only'); END;
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
  BEGIN SELECT RAISE(ABORT, 'probity: checkpoints are append-only'); END;
CREATE TRIGGER meta_no_update BEFORE UPDATE ON meta
  BEGIN SELECT RAISE(ABORT, 'probity: ledger metadata is append-only'); END;
CREATE TRIGGER meta_no_delete BEFORE DELETE ON meta
  BEGIN SELECT RAISE(ABORT, 'probity: ledger metadata is append-only'); END;
CREATE TRIGGER subject_keys_no_update BEFORE UPDATE ON subject_keys
  BEGIN SELECT RAISE(ABORT, 'probity: subject keys are never changed, only erased'); END;
CREATE TRIGGER gift_deltas_no_update BEFORE UPDATE ON gift_deltas
  BEGIN SELECT RAISE(ABORT, 'probity: gift deltas are append-only'); END;
CREATE TRIGGER gift_deltas_no_delete BEFORE DELETE ON gift_deltas
  BEGIN SELECT RAISE(ABORT, 'probity: gift deltas are append-only'); END;
CREATE TRIGGER gift_rollups_no_update BEFORE UPDATE ON gift_rollups
  BEGIN SELECT RAISE(ABORT, 'probity: gift rollups are append-only'); END;
CREATE TRIGGER gift_rollups_no_delete BEFORE DELETE ON gift_rollups
  BEGIN SELECT RAISE(ABORT, 'probity: gift rollups are append-only'); END;
CREATE TRIGGER method_totals_no_update BEFORE UPDATE ON method_totals
  BEGIN SELECT RAISE(ABORT, 'probity: method totals are append-only'); END;
CREATE TRIGGER method_totals_no_delete BEFORE DELETE ON method_totals
  BEGIN SELECT RAISE(ABORT, 'probity: method totals are append-only'); END;
)sql";

constexpr char kPlainSqliteMagic[] = "SQLite format 3";

// Checks the file before spending a key derivation on it, and reads the salt.
Result<Salt> ReadSalt(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return Status::NotFound("no ledger at " + path +
                            "; create one with `probity init` or pass --ledger");
  }
  auto size = static_cast<std::uint64_t>(st.st_size);
  if (size < kPageBytes || size % kPageBytes != 0) {
    return Status::Corruption(path + " is not a Probity ledger, or it was truncated (its size, " +
                              std::to_string(size) + " bytes, is not a whole number of " +
                              std::to_string(kPageBytes) + "-byte pages)");
  }
  std::ifstream in(path, std::ios::binary);
  Salt salt{};
  if (!in.read(reinterpret_cast<char*>(salt.data()), salt.size())) {
    return Status::IoError("cannot read " + path);
  }
  if (std::memcmp(salt.data(), kPlainSqliteMagic, sizeof(kPlainSqliteMagic)) == 0) {
    return Status::Corruption(path + " is an unencrypted SQLite database, not a Probity ledger");
  }
  return salt;
}

}  // namespace

Status Store::ApplyKey(const SecretBytes& key, const Salt& salt) {
  PROBITY_RETURN_IF_ERROR(ApplyKey(*db_, path_, key, salt));
  key_ = SecretBytes(key.size());
  std::memcpy(key_.data(), key.data(), key.size());
  salt_ = salt;
  return Status::OK();
}

Status Store::StartBackgroundCheckpoints() {
  if (checkpointer_ != nullptr) return Status::OK();
  PROBITY_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path_, /*create=*/false));
  PROBITY_RETURN_IF_ERROR(ApplyKey(*db, path_, key_, salt_));
  checkpointer_ = std::make_unique<WalCheckpointer>(*db_, std::move(db));
  return Status::OK();
}

std::int64_t Store::background_checkpoints() const {
  return checkpointer_ == nullptr ? 0 : checkpointer_->checkpoints();
}

Status Store::ApplyKey(Db& db, const std::string& path, const SecretBytes& key, const Salt& salt) {
  // SQLCipher raw key with explicit salt: x'<64 hex key><32 hex salt>'.
  PROBITY_ASSERT(key.size() == kSymmetricKeyBytes);
  SecretBytes text(3 + 2 * (kSymmetricKeyBytes + kSaltBytes));
  static const char kHex[] = "0123456789abcdef";
  char* out = reinterpret_cast<char*>(text.data());
  *out++ = 'x';
  *out++ = '\'';
  for (std::size_t i = 0; i < key.size() + salt.size(); ++i) {
    std::uint8_t b = i < key.size() ? key.data()[i] : salt[i - key.size()];
    *out++ = kHex[b >> 4];
    *out++ = kHex[b & 0xf];
  }
  *out = '\'';
  if (sqlite3_key(db.raw(), text.data(), static_cast<int>(text.size())) != SQLITE_OK) {
    return db.Error("setting the database key");
  }
  PROBITY_RETURN_IF_ERROR(db.Exec("PRAGMA cipher_page_size = 4096;"));
  // Reading the schema is the first access that decrypts page 1.
  Result<std::int64_t> probe = QueryInt64(db, "SELECT count(*) FROM sqlite_master");
  if (!probe.ok()) {
    return Status::WrongPassphrase("the passphrase does not open " + path +
                                   " (or the file is not a Probity ledger, or its first page is "
                                   "damaged); check --passphrase-file / PROBITY_PASSPHRASE_FILE");
  }
  PROBITY_RETURN_IF_ERROR(db.Exec(
      "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;"
      "PRAGMA cache_size = -65536; PRAGMA busy_timeout = " +
      std::to_string(kBusyTimeoutMs) + ";"));
  // An unknown pragma is silently ignored, and a build may fix secure_delete
  // off: read it back, since erasure relies on it (SECURITY.md).
  PROBITY_ASSIGN_OR_RETURN(std::int64_t secure_delete,
                           QueryInt64(db, "PRAGMA secure_delete"));
  if (secure_delete != 1) {
    return Status::IoError("this SQLite build refuses PRAGMA secure_delete = ON; erased keys "
                           "could survive in free pages, so the ledger is not opened");
  }
  return Status::OK();
}

Status Store::TruncateWal() {
  // Returns one row: busy (1 if it could not finish), WAL frames, frames
  // checkpointed. TRUNCATE waits (busy_timeout) for writers and readers.
  PROBITY_ASSIGN_OR_RETURN(Stmt stmt, db_->Prepare("PRAGMA wal_checkpoint(TRUNCATE)"));
  PROBITY_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status::IoError("PRAGMA wal_checkpoint returned no row");
  const std::int64_t busy = stmt.ColumnInt64(0);
  const std::int64_t frames = stmt.ColumnInt64(1);
  const std::int64_t done = stmt.ColumnInt64(2);
  // Trust but check: after a truncating checkpoint the -wal file is empty.
  struct stat st {};
  const bool wal_empty = stat((path_ + "-wal").c_str(), &st) != 0 || st.st_size == 0;
  if (busy != 0 || frames != done || !wal_empty) {
    return Status::IoError(
        "the write-ahead log of " + path_ + " could not be truncated (another process has the "
        "ledger open: " + std::to_string(done) + " of " + std::to_string(frames) +
        " pages copied); old pages, and with them an erased key, stay in " + path_ +
        "-wal until it is: close the other process and run `probity gdpr purge-expired`");
  }
  return Status::OK();
}

Result<std::unique_ptr<Store>> Store::Create(const std::string& path, const SecretBytes& passphrase,
                                             KdfParams params) {
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) {
    return Status::InvalidArgument(path + " already exists; a ledger is never overwritten");
  }
  Salt salt{};
  RandomBytes(salt);
  PROBITY_ASSIGN_OR_RETURN(SecretBytes key, DeriveKey(passphrase, salt, params, kSymmetricKeyBytes));
  PROBITY_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path, /*create=*/true));
  std::unique_ptr<Store> store(new Store(path, std::move(db)));
  chmod(path.c_str(), 0600);
  PROBITY_RETURN_IF_ERROR(store->ApplyKey(key, salt));
  PROBITY_RETURN_IF_ERROR(store->CreateSchema());
  store->donor_index_key_ = DeriveSubkey(key, kDonorIndexContext);
  return store;
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, const SecretBytes& passphrase,
                                           KdfParams params) {
  PROBITY_ASSIGN_OR_RETURN(Salt salt, ReadSalt(path));
  PROBITY_ASSIGN_OR_RETURN(SecretBytes key, DeriveKey(passphrase, salt, params, kSymmetricKeyBytes));
  PROBITY_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::Open(path, /*create=*/false));
  std::unique_ptr<Store> store(new Store(path, std::move(db)));
  PROBITY_RETURN_IF_ERROR(store->ApplyKey(key, salt));
  PROBITY_RETURN_IF_ERROR(store->CheckIsLedger());
  store->donor_index_key_ = DeriveSubkey(key, kDonorIndexContext);
  return store;
}

Status Store::CreateSchema() {
  PROBITY_RETURN_IF_ERROR(BeginWrite());
  Status st = db_->Exec(kSchema);
  if (st.ok()) st = PutMeta("magic", kLedgerMagic);
  if (st.ok()) st = PutMeta("schema_version", std::to_string(kStoreSchemaVersion));
  if (!st.ok()) {
    Rollback();
    return st;
  }
  return Commit();
}

Status Store::CheckIsLedger() {
  Result<std::string> magic = GetMeta("magic");
  if (!magic.ok() || magic.value() != kLedgerMagic) {
    return Status::Corruption(path_ + " opens with this passphrase but is not a Probity ledger");
  }
  PROBITY_ASSIGN_OR_RETURN(std::string version, GetMeta("schema_version"));
  if (version == std::to_string(kStoreSchemaVersion)) return Status::OK();
  // Nothing in a ledger is rewritten in place, so an older file is not
  // upgraded on open: say which program can still read it. [v - 1]: the
  // first thing version v lacks that this program relies on.
  static const char* const kAddedAfter[] = {
      "the gift_deltas table, version 3, that reports sum from",
      "the gift_deltas table, version 3, that reports sum from",
      "the donor_names table and gift_deltas' dates, version 4, that `donor add` finds likely "
      "duplicates in and policy decisions read donors' histories from",
      "version 5's covering gift_deltas_by_donation, which policy decisions read donors' "
      "histories through",
      "version 6's gift_rollups, which the summary starts from, and its gift_deltas_summary "
      "covering what policy decisions read donors' histories through",
      "version 7's entries_by_subject covering the kind, which policy decisions find a donor's "
      "registration through",
      "version 8's method_totals, which policy decisions read a scope's cash total from"};
  static_assert(std::size(kAddedAfter) == kStoreSchemaVersion - 1);
  for (int v = 1; v < kStoreSchemaVersion; ++v) {
    if (version != std::to_string(v)) continue;
    return Status::Corruption(path_ + " has ledger schema version " + version +
                              ", made by an earlier probity (before " + kAddedAfter[v - 1] +
                              "); this program reads version " +
                              std::to_string(kStoreSchemaVersion) +
                              " only: open it with the probity release that created it");
  }
  return Status::Corruption(path_ + " has ledger schema version " + version +
                            ", this program reads version " +
                            std::to_string(kStoreSchemaVersion) + "; upgrade probity");
}

Status Store::BeginWrite() { return db_->Exec("BEGIN IMMEDIATE;"); }
Status Store::Commit() { return db_->Exec("COMMIT;"); }
void Store::Rollback() { (void)db_->Exec("ROLLBACK;"); }

Status Store::PutMeta(const std::string& name, const std::string& value) {
  PROBITY_ASSIGN_OR_RETURN(CachedStmt stmt,
                           db_->PrepareCached("INSERT INTO meta(name, value) VALUES(?, ?)"));
  return stmt->Bind(1, name).Bind(2, value).Run();
}

Result<std::string> Store::GetMeta(const std::string& name) {
  PROBITY_ASSIGN_OR_RETURN(CachedStmt stmt,
                           db_->PrepareCached("SELECT value FROM meta WHERE name = ?"));
  stmt->Bind(1, name);
  PROBITY_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return Status::NotFound("ledger metadata '" + name + "' is missing");
  return stmt->ColumnText(0);
}

}  // namespace probity
