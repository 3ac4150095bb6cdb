#include "ledger/sqlite.h"

#include <sqlite3.h>

#include <cstring>

namespace probity {

Stmt::Stmt(Stmt&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }

Stmt::~Stmt() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Stmt& Stmt::Bind(int index, std::int64_t value) {
  PROBITY_ASSERT(sqlite3_bind_int64(stmt_, index, value) == SQLITE_OK);
  return *this;
}

Stmt& Stmt::Bind(int index, std::string_view text) {
  PROBITY_ASSERT(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                                   SQLITE_TRANSIENT) == SQLITE_OK);
  return *this;
}

Stmt& Stmt::BindBlob(int index, ByteSpan blob) {
  PROBITY_ASSERT(sqlite3_bind_blob(stmt_, index, blob.data(), static_cast<int>(blob.size()),
                                   SQLITE_TRANSIENT) == SQLITE_OK);
  return *this;
}

Stmt& Stmt::BindNull(int index) {
  PROBITY_ASSERT(sqlite3_bind_null(stmt_, index) == SQLITE_OK);
  return *this;
}

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->Error("database step");
}

Status Stmt::Run() {
  Result<bool> row = Step();
  Reset();
  if (!row.ok()) return row.status();
  return Status::OK();
}

void Stmt::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Stmt::ColumnInt64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Stmt::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

Bytes Stmt::ColumnBlob(int column) const {
  const auto* blob = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  int size = sqlite3_column_bytes(stmt_, column);
  if (blob == nullptr) return {};
  return Bytes(blob, blob + size);
}

SecretBytes Stmt::ColumnSecret(int column) const {
  const auto* blob = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
  SecretBytes out(size);
  if (size > 0) std::memcpy(out.data(), blob, size);
  return out;
}

bool Stmt::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, bool create) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close(raw);
    return Status::IoError("cannot open " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(raw, 1);
  return std::unique_ptr<Db>(new Db(raw));
}

Db::~Db() {
  // Cached statements are finalized first, so the connection really closes
  // here rather than lingering as a zombie until they go.
  cache_.clear();
  sqlite3_close_v2(db_);
}

Status Db::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::OK();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return Error("database: " + msg);
}

Result<Stmt> Db::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return Error("prepare");
  return Stmt(this, stmt);
}

Result<CachedStmt> Db::PrepareCached(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    PROBITY_ASSERT(cache_.size() < kCachedStmtsMax);
    PROBITY_ASSIGN_OR_RETURN(Stmt stmt, Prepare(sql));
    it = cache_.emplace(std::string(sql), CacheSlot{std::make_unique<Stmt>(std::move(stmt))}).first;
  }
  CacheSlot& slot = it->second;
  if (slot.borrowed) {
    // Re-entered while the cached one is stepping: a private statement, so
    // neither caller resets the other's rows.
    PROBITY_ASSIGN_OR_RETURN(Stmt stmt, Prepare(sql));
    return CachedStmt(std::make_unique<Stmt>(std::move(stmt)));
  }
  slot.borrowed = true;
  return CachedStmt(slot.stmt.get(), &slot.borrowed);
}

CachedStmt::CachedStmt(CachedStmt&& other) noexcept
    : stmt_(other.stmt_), borrowed_(other.borrowed_), owned_(std::move(other.owned_)) {
  other.stmt_ = nullptr;
  other.borrowed_ = nullptr;
}

CachedStmt::~CachedStmt() {
  if (stmt_ == nullptr) return;  // moved from
  stmt_->Reset();                // ends its read transaction; see the class comment
  if (borrowed_ != nullptr) {
    PROBITY_ASSERT(*borrowed_);
    *borrowed_ = false;
  }
}

int Db::ErrorCode() const { return sqlite3_extended_errcode(db_) & 0xff; }

Status Db::Error(std::string_view what) const {
  int code = ErrorCode();
  std::string msg = std::string(what) + ": " + sqlite3_errmsg(db_);
  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
    return Status::Corruption(msg + " (the ledger file is damaged; restore it from a backup)");
  }
  return Status::IoError(msg);
}

Result<std::int64_t> QueryInt64(Db& db, std::string_view sql) {
  PROBITY_ASSIGN_OR_RETURN(Stmt stmt, db.Prepare(sql));
  PROBITY_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status::Corruption("query returned no row: " + std::string(sql));
  return stmt.ColumnInt64(0);
}

}  // namespace probity
