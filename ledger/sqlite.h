// A thin RAII layer over the SQLCipher C API: one connection (Db) and its
// prepared statements (Stmt). Every SQLite error becomes a Status here, so the
// rest of the ledger never sees a raw result code.
// Thread safety: a Db and its Stmts belong to one thread at a time.
#ifndef PROBITY_LEDGER_SQLITE_H_
#define PROBITY_LEDGER_SQLITE_H_

#include <cstdint>
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

class Db {
 public:
  // Opens (or creates, when `create`) the file with no key yet.
  static Result<std::unique_ptr<Db>> Open(const std::string& path, bool create);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  [[nodiscard]] Status Exec(const std::string& sql);
  Result<Stmt> Prepare(std::string_view sql);
  // A Status for the connection's last error, with `what` in front.
  Status Error(std::string_view what) const;
  int ErrorCode() const;
  sqlite3* raw() { return db_; }

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// Runs `sql` and returns the single integer of its first row.
Result<std::int64_t> QueryInt64(Db& db, std::string_view sql);

}  // namespace probity

#endif  // PROBITY_LEDGER_SQLITE_H_
