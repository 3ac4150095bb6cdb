// proof_bench: how long `probity prove` and `probity verify-proof` take on a
// large ledger. Not a test; run it through bench/run (BENCH=proof).
//
//   proof_bench [N [K]]
//
// N (default 1,000,000) is the tree size, K (default 1000) the number of
// entries proved. Signing and storing a million real entries would take
// minutes and measure the append path, which append_bench already does, so
// the ledger is built directly in its store, in one untimed transaction:
//  - entry 0 is the real ledger_created written by Ledger::Create;
//  - K entries at random seqs in [1, N) are real, signed donation entries
//    (EncodeEntry + SignDetached, stored with InsertEntry); their `prev` is
//    not the previous leaf, so `probity verify` would refuse this ledger, but
//    a proof does not depend on the chain;
//  - the other leaves have no entry row, only a leaf hash (SHA-256 of the
//    index): the tree nodes of all N leaves are computed in memory and
//    inserted as the append path would have stored them, and one checkpoint
//    of size N is signed over their root.
// Then, on the reopened ledger (timed per call): MakeEntryProof for each of
// the K entries (latest checkpoint read, entry read, O(log N) node reads,
// self-check), and VerifyEntryProof of each proof (parse, entry decode,
// checkpoint signature, entry signature, inclusion path). The target is at
// most 1 ms each. The raw Ed25519 verify time is measured beside them, since
// a verification runs two.
#include <sodium.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "ledger/date.h"
#include "ledger/encoding.h"
#include "ledger/proof_file.h"

namespace probity {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& what, const Status& st) {
  std::fprintf(stderr, "proof_bench: %s: %s\n", what.c_str(), st.ToString().c_str());
  std::exit(1);
}

template <typename T>
T Check(Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what, r.status());
  return std::move(r).value();
}

void CheckOk(const Status& st, const std::string& what) {
  if (!st.ok()) Die(what, st);
}

KdfParams CheapKdf() { return KdfParams{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }
SecretBytes Pass() { return SecretBytes::FromString("bench passphrase"); }
constexpr const char* kOrigin = "bench.example/proof";

double Micros(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

// CPU time of this thread: on a shared machine, wall time also counts the
// time other processes held the core.
double ThreadCpuMicros() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

struct Stats {
  double min_us, median_us, p99_us, max_us;
};
Stats Summarise(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  return {us.front(), us[us.size() / 2], us[us.size() * 99 / 100], us.back()};
}

void Report(const char* what, std::uint64_t n, std::size_t k, const std::vector<double>& wall,
            const std::vector<double>& cpu) {
  const Stats w = Summarise(wall);
  const Stats c = Summarise(cpu);
  std::printf("%s at N=%llu, %zu entries: wall min %.0f / median %.0f / p99 %.0f / max %.0f us;"
              " thread CPU median %.0f / p99 %.0f us (target <= 1000 us)\n",
              what, static_cast<unsigned long long>(n), k, w.min_us, w.median_us, w.p99_us,
              w.max_us, c.median_us, c.p99_us);
  bench::IssueRow(bench::Fmt("%s at %llu entries, us", bench::Trimmed(what).c_str(), static_cast<unsigned long long>(n)),
                  bench::Fmt("median %.0f, p99 %.0f, max %.0f", w.median_us, w.p99_us, w.max_us),
                  "-", "-", "<= 1000 us");
}

// A real signed donation entry at `seq`, stored (untimed).
Hash StoreEntry(Store& store, const NamedKey& key, std::int64_t seq) {
  EntryDraft draft{"donation", Json{{"subject", "S-00000000a1"}, {"amount_minor", 1000 + seq % 9000},
                                    {"currency", "EUR"}, {"method", "transfer"},
                                    {"date", "2026-05-01"}, {"scope", "fr-pres-2027"}}};
  return bench::StoreSignedEntry(store, key, seq, draft);
}

std::vector<std::int64_t> Build(const std::string& path, const NamedKey& key, std::uint64_t n,
                                std::size_t k) {
  auto ledger = Check(Ledger::Create(path, Pass(), kOrigin, key, CheapKdf()), "create");
  Store& store = ledger->store();
  std::mt19937_64 rng(42);
  std::vector<std::int64_t> seqs;
  while (seqs.size() < k) {
    const auto seq = static_cast<std::int64_t>(1 + rng() % (n - 1));
    if (std::find(seqs.begin(), seqs.end(), seq) == seqs.end()) seqs.push_back(seq);
  }
  std::vector<std::int64_t> sorted = seqs;
  std::sort(sorted.begin(), sorted.end());
  CheckOk(store.BeginWrite(), "begin");
  MemoryTree tree;
  tree.Append(Check(store.GetEntry(0), "entry 0").leaf_hash);
  std::size_t next = 0;
  for (std::uint64_t i = 1; i < n; ++i) {
    if (next < sorted.size() && static_cast<std::uint64_t>(sorted[next]) == i) {
      tree.Append(StoreEntry(store, key, sorted[next++]));
    } else {
      tree.Append(bench::FillerLeaf(i));
    }
  }
  bench::StoreTreeAndCheckpoint(store, key, kOrigin, tree, n, 1);
  CheckOk(store.Commit(), "commit");
  return seqs;
}

double RawVerifyMicros(const NamedKey& key, std::size_t count) {
  const std::string msg(300, 'x');
  const Signature sig = SignDetached(key.key, AsBytes(msg));
  const auto start = Clock::now();
  for (std::size_t i = 0; i < count; ++i) {
    if (!VerifyDetached(key.key.public_key, AsBytes(msg), sig)) std::exit(1);
  }
  return Micros(start) / static_cast<double>(count);
}

int Main(int argc, char** argv) {
  const std::uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const std::size_t k = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000;
  if (n < 2 || k == 0 || k >= n) {
    std::fprintf(stderr, "usage: proof_bench [N >= 2 [K < N]]\n");
    return 2;
  }
  CheckOk(InitCrypto(), "crypto");
  const NamedKey key{"treasurer", Check(GenerateSigningKey(), "key")};
  const std::string dir = (std::filesystem::temp_directory_path() / "probity-proof-bench").string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/bench.ledger";
  auto start = Clock::now();
  const std::vector<std::int64_t> seqs = Build(path, key, n, k);
  std::printf("built a tree of %llu leaves (%zu real entries) in %.1f s\n",
              static_cast<unsigned long long>(n), k + 1, Micros(start) / 1e6);

  auto ledger = Check(Ledger::Open(path, Pass(), CheapKdf()), "open");
  const ProofTrust trust{{Check(ParseVerifierKey(FormatVerifierKey(key.name, key.key.public_key)),
                                "verifier key")},
                         kOrigin};
  std::vector<double> make_us, make_cpu_us, verify_us, verify_cpu_us;
  for (std::int64_t seq : seqs) {
    start = Clock::now();
    double cpu = ThreadCpuMicros();
    const std::string proof = Check(MakeEntryProof(*ledger, seq), "prove");
    make_cpu_us.push_back(ThreadCpuMicros() - cpu);
    make_us.push_back(Micros(start));
    const std::string body = Check(ledger->store().GetEntry(seq), "entry").body;
    start = Clock::now();
    cpu = ThreadCpuMicros();
    CheckOk(VerifyEntryProof(proof, body, trust), "verify");
    verify_cpu_us.push_back(ThreadCpuMicros() - cpu);
    verify_us.push_back(Micros(start));
  }
  Report("MakeEntryProof  ", n, k, make_us, make_cpu_us);
  Report("VerifyEntryProof", n, k, verify_us, verify_cpu_us);
  std::printf("raw Ed25519 verify (VerifyEntryProof runs two): %.0f us each, wall\n",
              RawVerifyMicros(key, 2000));
  ledger.reset();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace probity

int main(int argc, char** argv) { return probity::Main(argc, argv); }
