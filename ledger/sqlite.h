// A thin RAII layer over the SQLCipher C API: one connection (Db) and its
// prepared statements (Stmt). Every SQLite error becomes a Status here, so the
// rest of the ledger never sees a raw result code.
//
// Ownership: a Stmt from Db::Prepare is owned by its caller and must not
// outlive its Db. A statement from Db::PrepareCached is owned by the Db (it
// lives until the Db closes); the caller only borrows it through a CachedStmt,
// which must not outlive the Db either.
// Thread safety: a Db and its Stmts belong to one thread at a time.
#ifndef PROBITY_LEDGER_SQLITE_H_
#define PROBITY_LEDGER_SQLITE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "ledger/bytes.h"
#include "ledger/crypto.h"
#include "ledger/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace probity {

class Db;

// A prepared statement. Owned by its caller; must not outlive its Db.
class Stmt {
 public:
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&&) = delete;
  Stmt(const Stmt&) = delete;
  ~Stmt();

  Stmt& Bind(int index, std::int64_t value);
  Stmt& Bind(int index, std::string_view text);
  Stmt& BindBlob(int index, ByteSpan blob);
  Stmt& BindNull(int index);
  // True while a row is available; false when done.
  Result<bool> Step();
  // Runs a statement that returns no rows, then resets it.
  [[nodiscard]] Status Run();
  void Reset();

  std::int64_t ColumnInt64(int column) const;
  std::string ColumnText(int column) const;
  Bytes ColumnBlob(int column) const;
  // Copies a blob straight into guarded memory, for keys.
  SecretBytes ColumnSecret(int column) const;
  bool ColumnIsNull(int column) const;

 private:
  friend class Db;
  Stmt(Db* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Db* db_;
  sqlite3_stmt* stmt_;
};

// A statement borrowed from its Db's cache (Db::PrepareCached). When the
// borrower is done with it (the destructor), the statement is reset and its
// bindings cleared, so a borrowed statement never holds a read transaction
// open: in WAL mode an unreset reader pins its snapshot, so it would keep
// reading an old version after another process commits, and would stop
// checkpoints from completing.
// If the cached statement is already out (a caller re-entered the store while
// stepping through rows), the lease holds a freshly prepared statement
// instead, finalized on release. Must not outlive its Db.
class CachedStmt {
 public:
  CachedStmt(CachedStmt&& other) noexcept;
  CachedStmt& operator=(CachedStmt&&) = delete;
  CachedStmt(const CachedStmt&) = delete;
  ~CachedStmt();

  Stmt& operator*() const { return *stmt_; }
  Stmt* operator->() const { return stmt_; }

 private:
  friend class Db;
  CachedStmt(Stmt* stmt, bool* borrowed) : stmt_(stmt), borrowed_(borrowed) {}
  explicit CachedStmt(std::unique_ptr<Stmt> owned)
      : stmt_(owned.get()), borrowed_(nullptr), owned_(std::move(owned)) {}
  Stmt* stmt_;
  bool* borrowed_;               // the cache slot's flag; null for an uncached statement
  std::unique_ptr<Stmt> owned_;  // set when the cached statement was already out
};

// The most statements one Db caches. The store caches only its own fixed SQL
// texts (fewer than 30 as of schema 3: 23 call sites, one of them a table), so the
// bound is there to catch built SQL passed to PrepareCached, a programmer
// error, not to be reached: it aborts. Keep it well above the count.
constexpr std::size_t kCachedStmtsMax = 64;

class Db {
 public:
  // Opens (or creates, when `create`) the file with no key yet.
  static Result<std::unique_ptr<Db>> Open(const std::string& path, bool create);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  [[nodiscard]] Status Exec(const std::string& sql);
  Result<Stmt> Prepare(std::string_view sql);
  // The statement for `sql`, prepared on first use and kept, ready to run
  // again, until the Db closes. For hot paths with a fixed SQL text; at most
  // kCachedStmtsMax distinct texts per Db.
  Result<CachedStmt> PrepareCached(std::string_view sql);
  // A Status for the connection's last error, with `what` in front.
  Status Error(std::string_view what) const;
  int ErrorCode() const;
  sqlite3* raw() { return db_; }

 private:
  struct CacheSlot {
    std::unique_ptr<Stmt> stmt;
    bool borrowed = false;  // a CachedStmt holds it now
  };
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  // By SQL text. std::map: slots never move, so a CachedStmt may point into one.
  std::map<std::string, CacheSlot, std::less<>> cache_;
};

// Runs `sql` and returns the single integer of its first row.
Result<std::int64_t> QueryInt64(Db& db, std::string_view sql);

}  // namespace probity

#endif  // PROBITY_LEDGER_SQLITE_H_
