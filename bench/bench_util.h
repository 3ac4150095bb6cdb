// What the benchmarks share: timing, the machine's description, and the
// raw SQLCipher limit: the very rows a ledger wrote (entries, tree nodes, a
// checkpoint per transaction), copied column by column and inserted through
// the sqlite3 C API with a raw key and the store's PRAGMAs and schema.
// Not a test; benchmarks run through bench/run.
#ifndef PROBITY_BENCH_BENCH_UTIL_H_
#define PROBITY_BENCH_BENCH_UTIL_H_

#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "ledger/date.h"
#include "ledger/encoding.h"
#include "ledger/ledger.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/records.h"
#include "ledger/vault.h"

namespace probity::bench {

using Clock = std::chrono::steady_clock;

// One row of issue 7's table: the figure, our value, the raw limit (or the
// other size) measured in the same run, the ratio, the target. Printed as
// it comes, and appended to the file named by ISSUE7_TABLE if that is set,
// from which bench/run prints the whole table at the end.
inline void IssueRow(const std::string& figure, const std::string& ours,
                     const std::string& limit, const std::string& ratio,
                     const std::string& target) {
  const std::string row =
      "| " + figure + " | " + ours + " | " + limit + " | " + ratio + " | " + target + " |\n";
  std::printf("issue 7 %s", row.c_str());
  if (const char* path = std::getenv("ISSUE7_TABLE"); path != nullptr && *path != '\0') {
    if (std::FILE* f = std::fopen(path, "a"); f != nullptr) {
      std::fputs(row.c_str(), f);
      std::fclose(f);
    }
  }
}

// `text` without its trailing spaces (names padded to line up on a terminal).
inline std::string Trimmed(std::string text) {
  text.erase(text.find_last_not_of(' ') + 1);
  return text;
}

// printf into a std::string, for IssueRow's cells.
template <typename... Args>
std::string Fmt(const char* format, Args... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

// One table's rows as SQLite values, copied column by column from the ledger
// file, so the raw inserts write byte-identical rows whatever the schema.
struct RawTable {
  std::string name;
  int columns = 0;
  std::vector<std::vector<sqlite3_value*>> rows;
};

// What the ledger wrote, read back for the raw runs (not timed).
struct RawRows {
  std::vector<std::string> schema;  // CREATE TABLE / INDEX of the tables below
  RawTable entries;
  RawTable nodes;
  std::vector<std::vector<std::size_t>> nodes_of_entry;  // rows of `nodes` each entry completed
  std::string checkpoint;  // the latest checkpoint note
  std::vector<std::string> bodies;
};

[[noreturn]] inline void Die(const std::string& what, const Status& st) {
  std::fprintf(stderr, "bench: %s: %s\n", what.c_str(), st.ToString().c_str());
  std::exit(1);
}

template <typename T>
inline T Check(Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what, r.status());
  return std::move(r).value();
}

inline double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

inline void Fail(sqlite3* db, const char* what) {
  std::fprintf(stderr, "bench: %s: %s\n", what, sqlite3_errmsg(db));
  std::exit(1);
}

inline RawTable CopyTable(sqlite3* db, const std::string& name, const std::string& where,
                          const std::string& order) {
  RawTable t;
  t.name = name;
  sqlite3_stmt* stmt = nullptr;
  const std::string sql = "SELECT * FROM " + name + " WHERE " + where + " ORDER BY " + order;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) Fail(db, "copy");
  t.columns = sqlite3_column_count(stmt);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::vector<sqlite3_value*> row;
    for (int c = 0; c < t.columns; ++c) row.push_back(sqlite3_value_dup(sqlite3_column_value(stmt, c)));
    t.rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  return t;
}

inline void FreeTable(RawTable& t) {
  for (auto& row : t.rows) {
    for (sqlite3_value* v : row) sqlite3_value_free(v);
  }
  t.rows.clear();
}

inline std::vector<std::string> CopySchema(sqlite3* db) {
  std::vector<std::string> schema;
  sqlite3_stmt* stmt = nullptr;
  const char* sql =
      "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND type IN ('table', 'index') "
      "AND tbl_name IN ('entries', 'tree_nodes', 'checkpoints') ORDER BY type DESC";
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) Fail(db, "schema");
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    schema.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  }
  sqlite3_finalize(stmt);
  return schema;
}

// Reads back what the ledger wrote for entries [from, to) and the tree nodes
// they completed, so the raw inserts use identical rows.
inline RawRows ReadRows(Ledger& ledger, std::int64_t from, std::int64_t to) {
  RawRows rows;
  sqlite3* db = ledger.store().db().raw();
  rows.schema = CopySchema(db);
  rows.entries = CopyTable(db, "entries",
                           "seq >= " + std::to_string(from) + " AND seq < " + std::to_string(to),
                           "seq");
  // Node (level, idx) is completed by leaf (idx + 1) * 2^level - 1. One
  // query per level: SQLite 3.15 scans the whole table for the OR of them,
  // which made the read-back of a 1,000,000-entry ledger take many minutes.
  rows.nodes.name = "tree_nodes";
  for (int level = 0; level < 40 && (std::int64_t{1} << level) <= to; ++level) {
    const std::int64_t lo = ((from + 1 + (std::int64_t{1} << level) - 1) >> level) - 1;
    const std::int64_t hi = (to >> level) - 1;
    RawTable part = CopyTable(db, "tree_nodes",
                              "level = " + std::to_string(level) + " AND idx BETWEEN " +
                                  std::to_string(lo) + " AND " + std::to_string(hi),
                              "idx");
    rows.nodes.columns = part.columns;
    for (auto& row : part.rows) rows.nodes.rows.push_back(std::move(row));
  }
  rows.nodes_of_entry.resize(rows.entries.rows.size());
  for (std::size_t r = 0; r < rows.nodes.rows.size(); ++r) {
    const auto level = sqlite3_value_int64(rows.nodes.rows[r][0]);
    const auto idx = sqlite3_value_int64(rows.nodes.rows[r][1]);
    rows.nodes_of_entry[static_cast<std::size_t>(((idx + 1) << level) - 1 - from)].push_back(r);
  }
  for (const auto& row : rows.entries.rows) {
    rows.bodies.emplace_back(static_cast<const char*>(sqlite3_value_blob(row[1])),
                             static_cast<std::size_t>(sqlite3_value_bytes(row[1])));
  }
  rows.checkpoint = Check(ledger.LatestCheckpoint(), "checkpoint");
  return rows;
}

// ---- Raw SQLCipher ---------------------------------------------------------

inline void RawExec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "bench: raw sqlite: %s: %s\n", sql, err ? err : "?");
    std::exit(1);
  }
}

inline sqlite3_stmt* RawPrepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "bench: prepare: %s\n", sqlite3_errmsg(db));
    std::exit(1);
  }
  return stmt;
}

inline void RawStep(sqlite3* db, sqlite3_stmt* stmt) {
  if (sqlite3_step(stmt) != SQLITE_DONE) {
    std::fprintf(stderr, "bench: step: %s\n", sqlite3_errmsg(db));
    std::exit(1);
  }
  sqlite3_reset(stmt);
}

// A new SQLCipher file keyed with a random raw key (no KDF), set up with the
// store's PRAGMAs (ledger/store.cc, Store::ApplyKey) and the same tables.
inline sqlite3* RawOpen(const std::string& path, const std::vector<std::string>& schema) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::fprintf(stderr, "bench: cannot open %s\n", path.c_str());
    std::exit(1);
  }
  std::array<std::uint8_t, kSymmetricKeyBytes + kSaltBytes> raw{};
  RandomBytes(raw);
  const std::string key = "x'" + HexEncode(raw) + "'";
  if (sqlite3_key(db, key.data(), static_cast<int>(key.size())) != SQLITE_OK) std::exit(1);
  RawExec(db, "PRAGMA cipher_page_size = 4096;");
  RawExec(db,
          "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;"
          "PRAGMA cache_size = -65536;");
  for (const std::string& sql : schema) RawExec(db, sql.c_str());
  return db;
}

inline sqlite3_stmt* PrepareInsert(sqlite3* db, const RawTable& t) {
  std::string sql = "INSERT INTO " + t.name + " VALUES(?";
  for (int c = 1; c < t.columns; ++c) sql += ", ?";
  return RawPrepare(db, (sql + ")").c_str());
}

inline void InsertRow(sqlite3* db, sqlite3_stmt* stmt, const std::vector<sqlite3_value*>& row) {
  for (std::size_t c = 0; c < row.size(); ++c) {
    sqlite3_bind_value(stmt, static_cast<int>(c) + 1, row[c]);
  }
  RawStep(db, stmt);
}

// Inserts rows.entries [from, from + count) with their nodes into an open raw
// database, `per_txn` entries per transaction, each ended by a checkpoint row
// (numbered from `tree_size`). Returns the seconds it took.
inline double RawInsertInto(sqlite3* db, const RawRows& rows, std::size_t from, std::size_t count,
                            std::size_t per_txn, std::int64_t tree_size) {
  sqlite3_stmt* entry = PrepareInsert(db, rows.entries);
  sqlite3_stmt* node = PrepareInsert(db, rows.nodes);
  sqlite3_stmt* cp = RawPrepare(db, "INSERT INTO checkpoints(tree_size, note) VALUES(?, ?)");
  const auto start = Clock::now();
  for (std::size_t i = from; i < from + count; ++i) {
    if ((i - from) % per_txn == 0) RawExec(db, "BEGIN IMMEDIATE;");
    InsertRow(db, entry, rows.entries.rows[i]);
    for (std::size_t r : rows.nodes_of_entry[i]) InsertRow(db, node, rows.nodes.rows[r]);
    if ((i - from + 1) % per_txn == 0 || i + 1 == from + count) {
      sqlite3_bind_int64(cp, 1, static_cast<sqlite3_int64>(tree_size + static_cast<std::int64_t>(i + 1)));
      sqlite3_bind_text(cp, 2, rows.checkpoint.data(), static_cast<int>(rows.checkpoint.size()),
                        SQLITE_STATIC);
      RawStep(db, cp);
      RawExec(db, "COMMIT;");
    }
  }
  const double secs = Seconds(start);
  sqlite3_finalize(entry);
  sqlite3_finalize(node);
  sqlite3_finalize(cp);
  return secs;
}

// The same into a new file. Returns entries/s.
inline double RawInsert(const std::string& path, const RawRows& rows, std::size_t from,
                        std::size_t count, std::size_t per_txn) {
  sqlite3* db = RawOpen(path, rows.schema);
  const double secs = RawInsertInto(db, rows, from, count, per_txn, 0);
  sqlite3_close(db);
  return static_cast<double>(count) / secs;
}

// The KDF only runs on open; it has no part in the rates measured.
inline KdfParams CheapKdf() {
  return KdfParams{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

// A new directory under TMPDIR for a benchmark's files; exits if it cannot.
inline std::string NewBenchDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "probity-bench-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) std::exit(1);
  return tmpl;
}

// Registers `count` donors S-0000000001... in one transaction (not timed),
// each with a sealed identity, a vault key and a donor_names row, as AddDonor
// writes them.
inline std::vector<std::string> AddBenchDonors(Ledger& ledger, const NamedKey& key,
                                               std::int64_t count) {
  std::vector<std::string> subjects;
  auto seqs = ledger.Append(key, [&](AppendBatch& batch) -> Status {
    for (std::int64_t d = 0; d < count; ++d) {
      char id[32];
      std::snprintf(id, sizeof id, "S-%010llx", static_cast<unsigned long long>(d + 1));
      SecretBytes subject_key = NewSubjectKey();
      DonorPii pii{"Donor " + std::to_string(d), "FR", "FR", "", "", "", ""};
      PROBITY_ASSIGN_OR_RETURN(std::string box, SealPii(subject_key, id, pii));
      PROBITY_RETURN_IF_ERROR(batch.store_unflushed().PutSubjectKey(id, subject_key));
      EntryDraft draft{"donor_added",
                       Json{{"subject", id}, {"donor_type", "person"}, {"pii", box}}};
      PROBITY_ASSIGN_OR_RETURN(std::int64_t seq, batch.Add(draft));
      PROBITY_RETURN_IF_ERROR(
          batch.store_unflushed().PutDonorName(id, seq, NormaliseDonorName(pii.name)));
      subjects.emplace_back(id);
    }
    return Status::OK();
  });
  if (!seqs.ok()) Die("add donors", seqs.status());
  return subjects;
}

inline std::string CpuModel() {
  std::FILE* f = std::fopen("/proc/cpuinfo", "r");
  if (f == nullptr) return "?";
  char line[512];
  std::string model = "?";
  while (std::fgets(line, sizeof line, f) != nullptr) {
    std::string s(line);
    if (s.rfind("model name", 0) == 0) {
      model = s.substr(s.find(':') + 2);
      if (!model.empty() && model.back() == '\n') model.pop_back();
      break;
    }
  }
  std::fclose(f);
  return model;
}


// Large ledgers built straight in their store (proof_bench, gdpr_access_bench):
// signing and storing a million real entries would measure the append path,
// which append_bench already does.

// Stores `draft` as a real signed entry at `seq` (untimed) and returns its
// leaf hash. Its `prev` is not the previous leaf, so `probity verify` would
// refuse such a ledger; proofs and indexed reads do not depend on the chain.
inline Hash StoreSignedEntry(Store& store, const NamedKey& key, std::int64_t seq,
                             const EntryDraft& draft) {
  const KeyId id = NoteKeyId(key.name, key.key.public_key);
  StoredEntry stored;
  stored.seq = seq;
  stored.body = Check(EncodeEntry(draft, seq, NowUnixSeconds(), Sha256(AsBytes("prev")), id),
                      "encode");
  stored.sig = SignDetached(key.key, AsBytes(stored.body));
  stored.leaf_hash = LeafHash(AsBytes(stored.body));
  const Status st = store.InsertEntry(stored, IndexOf(Check(DecodeEntry(stored.body), "decode")));
  if (!st.ok()) Die("insert", st);
  return stored.leaf_hash;
}

// A leaf with no entry row: its hash stands for an entry nobody reads.
inline Hash FillerLeaf(std::uint64_t index) {
  std::uint8_t index_bytes[8];
  for (int b = 0; b < 8; ++b) index_bytes[b] = static_cast<std::uint8_t>(index >> (8 * b));
  return Sha256(ByteSpan(index_bytes));
}

// Stores every perfect node of `tree` (of `n` leaves) that the ledger has not
// stored yet, i.e. not complete within its first `stored_n` leaves, then
// signs a checkpoint of size n over the root.
inline void StoreTreeAndCheckpoint(Store& store, const NamedKey& key, const std::string& origin,
                                   const MemoryTree& tree, std::uint64_t n,
                                   std::uint64_t stored_n) {
  std::vector<TreeNode> nodes;
  for (int level = 0; level < kTreeLevelsMax && (std::uint64_t{1} << level) <= n; ++level) {
    for (std::uint64_t i = stored_n >> level; ((i + 1) << level) <= n; ++i) {
      if (((i + 1) << level) <= stored_n) continue;
      nodes.push_back({level, i, Check(tree.PerfectNode(level, i), "node")});
    }
  }
  Status st = store.InsertTreeNodes(nodes);
  if (!st.ok()) Die("insert nodes", st);
  const Checkpoint cp{origin, n, Check(TreeRoot(store, n), "root")};
  PROBITY_ASSERT(cp.root_hash == Check(tree.Root(), "memory root"));
  st = store.InsertCheckpoint(static_cast<std::int64_t>(n),
                              SignNote(FormatCheckpointBody(cp), key.name, key.key));
  if (!st.ok()) Die("checkpoint", st);
}

}  // namespace probity::bench

#endif  // PROBITY_BENCH_BENCH_UTIL_H_
