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

#include "bench/bench_util.h"
#include "ledger/encoding.h"
#include "ledger/records.h"
#include "ledger/vault.h"

namespace probity {
namespace {

using namespace bench;  // NOLINT: the shared benchmark helpers

SecretBytes Pass() { return SecretBytes::FromString("bench passphrase"); }

// Donations are spread over this many donors, as in a real campaign: a
// donor's lookup then costs what it would in production, not a walk over
// every donation of a single donor.
constexpr std::int64_t kDonors = 1000;

struct BenchLedger {
  std::unique_ptr<Ledger> ledger;
  std::vector<std::string> subjects;
};

BenchLedger NewLedger(const std::string& path, const NamedKey& key) {
  BenchLedger b;
  b.ledger = Check(Ledger::Create(path, Pass(), "bench.example/ledger", key, CheapKdf()), "create");
  b.subjects = AddBenchDonors(*b.ledger, key, kDonors);
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
      // The donors were committed before the batch: no need to wait for the
      // donations still being signed (store() would) before looking them up.
      PROBITY_RETURN_IF_ERROR(RequireDonorExists(batch.store_unflushed(), subject));
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
  const std::string dir = NewBenchDir();
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

  RawRows rows = ReadRows(*batch.ledger, 0, kDonors + 1 + n);
  batch.ledger.reset();
  // The donation rows only: the donors before them were set-up.
  const auto first = static_cast<std::size_t>(kDonors) + 1;
  const auto count = static_cast<std::size_t>(n);
  const double raw_batch = RawInsert(dir + "/raw-batch.db", rows, first, count, count);
  const double raw_single = RawInsert(dir + "/raw-single.db", rows, first,
                                      std::min(count, static_cast<std::size_t>(m)), 1);
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
