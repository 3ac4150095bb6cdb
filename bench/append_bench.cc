// append_bench: how fast the ledger appends signed donations, against the
// limits set by what it is built on. Not a test; run it through bench/run.
//
//   append_bench [--batch-only] [N [M]]
//
// N (default 100000) donations are appended in one Ledger::Append
// transaction, the way an import would: each is checked against the donor
// table (as AddDonation does) and added with AppendBatch::Add. M (default
// 2000) donations are then appended through AddDonation, one transaction
// (and so one fsync) each. The raw limits use the very rows the ledger wrote:
//  - SQLCipher: the same entries rows (same body, sig, leaf_hash, index
//    columns and schema) plus the same Merkle node rows and one checkpoint,
//    inserted through the sqlite3 C API with a raw key and the store's
//    PRAGMAs, in one transaction (and, for M, one transaction per entry);
//  - Ed25519: crypto_sign_detached over the same bodies, on one core;
//  - DecodeEntry over the same bodies (the read-back check of Add), one core.
// --batch-only runs the batch append alone, for profiling it.
#include <sodium.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "ledger/encoding.h"
#include "ledger/records.h"
#include "ledger/vault.h"

namespace probity {
namespace {

using Clock = std::chrono::steady_clock;

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

[[noreturn]] void Die(const std::string& what, const Status& st) {
  std::fprintf(stderr, "append_bench: %s: %s\n", what.c_str(), st.ToString().c_str());
  std::exit(1);
}

template <typename T>
T Check(Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what, r.status());
  return std::move(r).value();
}

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The KDF only runs on open; it has no part in the append rates measured.
KdfParams CheapKdf() { return KdfParams{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }
SecretBytes Pass() { return SecretBytes::FromString("bench passphrase"); }

// Donations are spread over this many donors, as in a real campaign: a
// donor's lookup then costs what it would in production, not a walk over
// every donation of a single donor.
constexpr std::int64_t kDonors = 1000;

struct BenchLedger {
  std::unique_ptr<Ledger> ledger;
  std::vector<std::string> subjects;
};

// Registers the donors in one transaction (untimed), each with a sealed PII
// box and a vault key, as AddDonor writes them.
BenchLedger NewLedger(const std::string& path, const NamedKey& key) {
  BenchLedger b;
  b.ledger = Check(Ledger::Create(path, Pass(), "bench.example/ledger", key, CheapKdf()), "create");
  auto seqs = b.ledger->Append(key, [&](AppendBatch& batch) -> Status {
    for (std::int64_t d = 0; d < kDonors; ++d) {
      char id[16];
      std::snprintf(id, sizeof id, "S-%010llx", static_cast<unsigned long long>(d + 1));
      SecretBytes subject_key = NewSubjectKey();
      DonorPii pii{"Donor " + std::to_string(d), "FR", "FR", "", "", "", ""};
      PROBITY_ASSIGN_OR_RETURN(std::string box, SealPii(subject_key, id, pii));
      PROBITY_RETURN_IF_ERROR(batch.store().PutSubjectKey(id, subject_key));
      EntryDraft draft{"donor_added", Json{{"subject", id}, {"donor_type", "person"},
                                          {"pii", box}}};
      PROBITY_RETURN_IF_ERROR(batch.Add(draft).status());
      b.subjects.emplace_back(id);
    }
    return Status::OK();
  });
  if (!seqs.ok()) Die("add donors", seqs.status());
  return b;
}

EntryDraft DonationDraft(const std::string& subject, std::int64_t i) {
  return EntryDraft{"donation", Json{{"subject", subject}, {"amount_minor", 1000 + i % 9000},
                                     {"currency", "EUR"}, {"method", "transfer"},
                                     {"date", "2026-05-01"}, {"scope", "fr-pres-2027"}}};
}

// Entries/s of N donations in one transaction.
double OursBatch(BenchLedger& b, const NamedKey& key, std::int64_t n) {
  const auto start = Clock::now();
  auto seqs = b.ledger->Append(key, [&](AppendBatch& batch) -> Status {
    for (std::int64_t i = 0; i < n; ++i) {
      const std::string& subject = b.subjects[static_cast<std::size_t>(i % kDonors)];
      PROBITY_RETURN_IF_ERROR(RequireDonorExists(batch.store(), subject));
      PROBITY_RETURN_IF_ERROR(batch.Add(DonationDraft(subject, i)).status());
    }
    return Status::OK();
  });
  const double secs = Seconds(start);
  if (!seqs.ok()) Die("batch append", seqs.status());
  return static_cast<double>(n) / secs;
}

// Entries/s of M donations through AddDonation, one transaction each.
double OursPerEntry(BenchLedger& b, const NamedKey& key, std::int64_t m) {
  const Money amount = Check(ParseMoney("25.00", "EUR", Sign::kPositive), "money");
  const Date date = Check(ParseDate("2026-05-01"), "date");
  const auto start = Clock::now();
  for (std::int64_t i = 0; i < m; ++i) {
    const std::string& subject = b.subjects[static_cast<std::size_t>(i % kDonors)];
    Check(AddDonation(*b.ledger, key, NewDonation{subject, amount, "transfer", date,
                                                  "fr-pres-2027"}),
          "add donation");
  }
  return static_cast<double>(m) / Seconds(start);
}

void Fail(sqlite3* db, const char* what) {
  std::fprintf(stderr, "append_bench: %s: %s\n", what, sqlite3_errmsg(db));
  std::exit(1);
}

RawTable CopyTable(sqlite3* db, const std::string& name, const std::string& order) {
  RawTable t;
  t.name = name;
  sqlite3_stmt* stmt = nullptr;
  const std::string sql = "SELECT * FROM " + name + " ORDER BY " + order;
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

void FreeTable(RawTable& t) {
  for (auto& row : t.rows) {
    for (sqlite3_value* v : row) sqlite3_value_free(v);
  }
  t.rows.clear();
}

std::vector<std::string> CopySchema(sqlite3* db) {
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

// Reads back what the ledger wrote, so the raw inserts use identical rows.
RawRows ReadRows(Ledger& ledger) {
  RawRows rows;
  sqlite3* db = ledger.store().db().raw();
  rows.schema = CopySchema(db);
  rows.entries = CopyTable(db, "entries", "seq");
  rows.nodes = CopyTable(db, "tree_nodes", "level, idx");
  rows.nodes_of_entry.resize(rows.entries.rows.size());
  for (std::size_t r = 0; r < rows.nodes.rows.size(); ++r) {
    // Node (level, idx) is completed by leaf (idx + 1) * 2^level - 1.
    const auto level = sqlite3_value_int64(rows.nodes.rows[r][0]);
    const auto idx = static_cast<std::uint64_t>(sqlite3_value_int64(rows.nodes.rows[r][1]));
    rows.nodes_of_entry[((idx + 1) << level) - 1].push_back(r);
  }
  for (const auto& row : rows.entries.rows) {
    rows.bodies.emplace_back(static_cast<const char*>(sqlite3_value_blob(row[1])),
                             static_cast<std::size_t>(sqlite3_value_bytes(row[1])));
  }
  rows.checkpoint = Check(ledger.LatestCheckpoint(), "checkpoint");
  return rows;
}

// ---- Raw SQLCipher ---------------------------------------------------------

void RawExec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "append_bench: raw sqlite: %s: %s\n", sql, err ? err : "?");
    std::exit(1);
  }
}

sqlite3_stmt* RawPrepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "append_bench: prepare: %s\n", sqlite3_errmsg(db));
    std::exit(1);
  }
  return stmt;
}

void RawStep(sqlite3* db, sqlite3_stmt* stmt) {
  if (sqlite3_step(stmt) != SQLITE_DONE) {
    std::fprintf(stderr, "append_bench: step: %s\n", sqlite3_errmsg(db));
    std::exit(1);
  }
  sqlite3_reset(stmt);
}

// A new SQLCipher file keyed with a random raw key (no KDF), set up with the
// store's PRAGMAs (ledger/store.cc, Store::ApplyKey) and the same tables.
sqlite3* RawOpen(const std::string& path, const std::vector<std::string>& schema) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::fprintf(stderr, "append_bench: cannot open %s\n", path.c_str());
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

sqlite3_stmt* PrepareInsert(sqlite3* db, const RawTable& t) {
  std::string sql = "INSERT INTO " + t.name + " VALUES(?";
  for (int c = 1; c < t.columns; ++c) sql += ", ?";
  return RawPrepare(db, (sql + ")").c_str());
}

void InsertRow(sqlite3* db, sqlite3_stmt* stmt, const std::vector<sqlite3_value*>& row) {
  for (std::size_t c = 0; c < row.size(); ++c) {
    sqlite3_bind_value(stmt, static_cast<int>(c) + 1, row[c]);
  }
  RawStep(db, stmt);
}

// Inserts entries [from, from + count) with their nodes; one transaction for all, or
// one per entry. Returns entries/s.
double RawInsert(const std::string& path, const RawRows& rows, std::size_t from,
                 std::size_t count, bool txn_per_entry) {
  sqlite3* db = RawOpen(path, rows.schema);
  sqlite3_stmt* entry = PrepareInsert(db, rows.entries);
  sqlite3_stmt* node = PrepareInsert(db, rows.nodes);
  sqlite3_stmt* cp = RawPrepare(db, "INSERT INTO checkpoints(tree_size, note) VALUES(?, ?)");
  const auto start = Clock::now();
  if (!txn_per_entry) RawExec(db, "BEGIN IMMEDIATE;");
  for (std::size_t i = from; i < from + count; ++i) {
    if (txn_per_entry) RawExec(db, "BEGIN IMMEDIATE;");
    InsertRow(db, entry, rows.entries.rows[i]);
    for (std::size_t r : rows.nodes_of_entry[i]) InsertRow(db, node, rows.nodes.rows[r]);
    if (txn_per_entry || i + 1 == from + count) {
      sqlite3_bind_int64(cp, 1, static_cast<sqlite3_int64>(i + 1));
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
  sqlite3_close(db);
  return static_cast<double>(count) / secs;
}

// ---- Raw Ed25519 -------------------------------------------------------------

double RawSign(const NamedKey& key, const RawRows& rows, std::size_t from, bool and_verify) {
  Signature sig{};
  std::size_t good = 0;
  const auto start = Clock::now();
  for (std::size_t i = from; i < rows.bodies.size(); ++i) {
    const std::string& b = rows.bodies[i];
    const auto* body = reinterpret_cast<const unsigned char*>(b.data());
    crypto_sign_detached(sig.data(), nullptr, body, b.size(), key.key.secret.data());
    if (and_verify) {
      good += crypto_sign_verify_detached(sig.data(), body, b.size(), key.key.public_key.data()) ==
              0;
    }
  }
  const double secs = Seconds(start);
  if (and_verify && good != rows.bodies.size() - from) std::exit(1);
  return static_cast<double>(rows.bodies.size() - from) / secs;
}

// The read-back check of AppendBatch::Add on its own: DecodeEntry (canonical
// JSON parse and the kind's schema) over the same bodies. Entries/s.
double RawDecode(const RawRows& rows, std::size_t from) {
  std::size_t good = 0;
  const auto start = Clock::now();
  for (std::size_t i = from; i < rows.bodies.size(); ++i) good += DecodeEntry(rows.bodies[i]).ok();
  const double secs = Seconds(start);
  if (good != rows.bodies.size() - from) std::exit(1);
  return static_cast<double>(rows.bodies.size() - from) / secs;
}

// ---- Report -------------------------------------------------------------------

void PrintRow(const std::string& figure, double ours, double raw) {
  std::printf("| %s | %.0f | %.0f | %.3f |\n", figure.c_str(), ours, raw, ours / raw);
}

std::string CpuModel() {
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

std::size_t AvgBodyBytes(const RawRows& rows, std::size_t from) {
  std::size_t total = 0;
  for (std::size_t i = from; i < rows.bodies.size(); ++i) total += rows.bodies[i].size();
  return rows.bodies.size() > from ? total / (rows.bodies.size() - from) : 0;
}

int Run(int argc, char** argv) {
  bool batch_only = false;
  std::vector<std::int64_t> numbers;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--batch-only") {
      batch_only = true;
    } else {
      numbers.push_back(std::strtoll(arg.c_str(), nullptr, 10));
    }
  }
  const std::int64_t n = numbers.size() > 0 ? numbers[0] : 100000;
  const std::int64_t m = numbers.size() > 1 ? numbers[1] : 2000;
  if (n < 1 || m < 1) {
    std::fprintf(stderr, "usage: append_bench [--batch-only] [N [M]]\n");
    return 2;
  }
  if (!InitCrypto().ok()) return 1;
  std::string tmpl = (std::filesystem::temp_directory_path() / "probity-bench-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) return 1;
  const std::string dir = tmpl;
  const NamedKey key{"treasurer", Check(GenerateSigningKey(), "key")};

  BenchLedger batch = NewLedger(dir + "/batch.ledger", key);
  const double ours_batch = OursBatch(batch, key, n);
  std::printf("batch append of %lld donations: %.0f entries/s\n", static_cast<long long>(n),
              ours_batch);
  if (batch_only) {
    std::filesystem::remove_all(dir);
    return 0;
  }
  BenchLedger single = NewLedger(dir + "/single.ledger", key);
  const double ours_single = OursPerEntry(single, key, m);
  single.ledger.reset();

  RawRows rows = ReadRows(*batch.ledger);
  batch.ledger.reset();
  // The donation rows only: the donors before them were set-up.
  const auto first = static_cast<std::size_t>(kDonors) + 1;
  const auto count = static_cast<std::size_t>(n);
  const double raw_batch = RawInsert(dir + "/raw-batch.db", rows, first, count, false);
  const double raw_single = RawInsert(dir + "/raw-single.db", rows, first,
                                      std::min(count, static_cast<std::size_t>(m)), true);
  const double raw_sign = RawSign(key, rows, first, false);
  const double raw_sign_verify = RawSign(key, rows, first, true);
  const double raw_decode = RawDecode(rows, first);
  FreeTable(rows.entries);
  FreeTable(rows.nodes);
  std::filesystem::remove_all(dir);

  std::printf("\nmachine: %ld cores, %s; donation body %zu bytes on average\n\n",
              sysconf(_SC_NPROCESSORS_ONLN), CpuModel().c_str(), AvgBodyBytes(rows, kDonors + 1));
  std::printf("| figure (entries/s) | ours | raw limit | ratio |\n|---|---|---|---|\n");
  PrintRow("one transaction, N=" + std::to_string(n) + " vs raw SQLCipher insert", ours_batch,
           raw_batch);
  PrintRow("one transaction, N=" + std::to_string(n) + " vs raw Ed25519 sign (1 core)",
           ours_batch, raw_sign);
  PrintRow("one transaction, N=" + std::to_string(n) + " vs raw Ed25519 sign+verify (1 core)",
           ours_batch, raw_sign_verify);
  PrintRow("one transaction, N=" + std::to_string(n) + " vs DecodeEntry alone (1 core)",
           ours_batch, raw_decode);
  PrintRow("transaction per entry, M=" + std::to_string(m) + " vs raw SQLCipher, commit per row",
           ours_single, raw_single);
  return 0;
}

}  // namespace
}  // namespace probity

int main(int argc, char** argv) { return probity::Run(argc, argv); }
