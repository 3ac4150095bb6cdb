// gdpr_access_bench: how long one person's GDPR access answer takes in a
// large ledger (target: at most 50 ms at 1,000,000 entries). Not a test; run
// it through bench/run (BENCH=access).
//
//   gdpr_access_bench [N [P]]
//
// N (default 1,000,000) is the tree size, P (default 100) the number of
// people answered. The ledger is built as proof_bench builds its own:
//  - through the Ledger: ledger_created, the French presidential pack adopted
//    and its scope, and P donors with sealed identities and vault keys;
//  - straight in the store, in one untimed transaction: for each person, six
//    donations, a consent and an access request, real signed entries at
//    random seqs in the rest of [0, N); every other leaf is a filler hash
//    with no entry row; then the tree nodes and one signed checkpoint.
// Then, on the reopened ledger, per person (timed): BuildAccessAnswer (the
// subject index, entry decoding, the fold, purposes and scope, the letter,
// one inclusion proof per entry), and that plus WriteAccessAnswer (a 0700
// folder, every file created and fsynced).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>

#include "bench/bench_util.h"
#include "policies/scopes.h"
#include "reports/gdpr_access.h"

namespace probity {
namespace {

using bench::Check;
using bench::Clock;

constexpr const char* kOrigin = "bench.example/access";
constexpr const char* kScope = "fr-pres-2027";
constexpr int kEntriesPerPerson = 8;  // besides donor_added

SecretBytes Pass() { return SecretBytes::FromString("bench passphrase"); }

void CheckOk(const Status& st, const char* what) {
  if (!st.ok()) bench::Die(what, st);
}

double Millis(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

EntryDraft PersonEntry(const std::string& subject, int which, std::int64_t seq) {
  if (which < 6) {
    return {"donation", Json{{"subject", subject}, {"amount_minor", 1000 + seq % 9000},
                             {"currency", "EUR"}, {"method", "transfer"},
                             {"date", "2027-01-1" + std::to_string(which)}, {"scope", kScope}}};
  }
  if (which == 6) {
    return {"consent", Json{{"subject", subject}, {"purpose", "newsletter"},
                            {"text_sha256", std::string(64, 'a')}, {"channel", "web"},
                            {"date", "2027-01-10"}}};
  }
  return {"request_opened", Json{{"subject", subject}, {"request_type", "access"},
                                 {"received", "2027-02-01"}, {"channel", "email"},
                                 {"due", "2027-03-01"}}};
}

// Adds the people's entries and the filler leaves up to `n`, the nodes and the
// checkpoint. Returns the people.
std::vector<std::string> Build(Ledger& ledger, const NamedKey& key, std::uint64_t n,
                               std::int64_t people) {
  NewScope scope;
  scope.id = kScope;
  scope.pack_id = "fr-candidate-2027-presidential";
  scope.params["spending_ceiling"] = "16851000.00";
  const Pack pack = Check(LoadPackById(scope.pack_id), "pack");
  Check(AddScope(ledger, key, pack, scope), "scope");
  std::vector<std::string> subjects = bench::AddBenchDonors(ledger, key, people);
  Store& store = ledger.store();
  const auto stored_n = static_cast<std::uint64_t>(Check(store.EntryCount(), "count"));
  const std::uint64_t real = static_cast<std::uint64_t>(people) * kEntriesPerPerson;
  if (stored_n + real > n) {
    std::fprintf(stderr, "gdpr_access_bench: N is too small for %lld people\n",
                 static_cast<long long>(people));
    std::exit(2);
  }
  // Which seqs hold real entries: a random sample of the free leaves.
  std::vector<std::uint64_t> slots(n - stored_n);
  for (std::uint64_t i = 0; i < slots.size(); ++i) slots[i] = stored_n + i;
  std::mt19937_64 rng(42);
  std::shuffle(slots.begin(), slots.end(), rng);
  slots.resize(real);
  std::sort(slots.begin(), slots.end());
  std::vector<std::size_t> order(real);
  for (std::size_t i = 0; i < real; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);

  CheckOk(store.BeginWrite(), "begin");
  MemoryTree tree;
  for (std::uint64_t i = 0; i < stored_n; ++i) {
    tree.Append(Check(store.GetEntry(static_cast<std::int64_t>(i)), "entry").leaf_hash);
  }
  std::size_t next = 0;
  for (std::uint64_t i = stored_n; i < n; ++i) {
    if (next < slots.size() && slots[next] == i) {
      const std::size_t o = order[next++];
      const std::string& subject = subjects[o / kEntriesPerPerson];
      const EntryDraft draft = PersonEntry(subject, static_cast<int>(o % kEntriesPerPerson),
                                           static_cast<std::int64_t>(i));
      tree.Append(bench::StoreSignedEntry(store, key, static_cast<std::int64_t>(i), draft));
    } else {
      tree.Append(bench::FillerLeaf(i));
    }
  }
  bench::StoreTreeAndCheckpoint(store, key, kOrigin, tree, n, stored_n);
  CheckOk(store.Commit(), "commit");
  return subjects;
}

void Report(const char* what, std::uint64_t n, std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  std::printf("%s at N=%llu, %zu people: min %.1f / median %.1f / p99 %.1f / max %.1f ms "
              "(target <= 50 ms)\n",
              what, static_cast<unsigned long long>(n), ms.size(), ms.front(), ms[ms.size() / 2],
              ms[ms.size() * 99 / 100], ms.back());
  bench::IssueRow(bench::Fmt("%s for one person in %llu entries (%zu people), ms",
                             bench::Trimmed(what).c_str(),
                             static_cast<unsigned long long>(n), ms.size()),
                  bench::Fmt("median %.1f, max %.1f", ms[ms.size() / 2], ms.back()), "-", "-",
                  "<= 50 ms");
}

// Answers each person twice on the reopened ledger: in memory, then written.
int Measure(const std::string& path, const std::string& dir, std::uint64_t n,
            const std::vector<std::string>& subjects) {
  auto ledger = Check(Ledger::Open(path, Pass(), bench::CheapKdf()), "open");
  std::vector<double> build_ms, write_ms;
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    const AccessOptions o{subjects[i], AccessLang::kFr, TodayUtc(), std::nullopt};
    auto start = Clock::now();
    const AccessAnswer a = Check(BuildAccessAnswer(*ledger, o), "answer");
    build_ms.push_back(Millis(start));
    if (a.entries != kEntriesPerPerson + 1) {
      std::fprintf(stderr, "gdpr_access_bench: %zu entries for %s\n", a.entries,
                   subjects[i].c_str());
      return 1;
    }
    start = Clock::now();
    const AccessAnswer b = Check(BuildAccessAnswer(*ledger, o), "answer");
    CheckOk(WriteAccessAnswer(dir + "/answer-" + std::to_string(i), b), "write");
    write_ms.push_back(Millis(start));
  }
  Report("BuildAccessAnswer        ", n, build_ms);
  Report("BuildAccessAnswer + write", n, write_ms);
  return 0;
}

int Main(int argc, char** argv) {
  const std::uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const std::int64_t people = argc > 2 ? std::strtoll(argv[2], nullptr, 10) : 100;
  if (n < 100 || people < 1) {
    std::fprintf(stderr, "usage: gdpr_access_bench [N >= 100 [P >= 1]]\n");
    return 2;
  }
  CheckOk(InitCrypto(), "crypto");
  const NamedKey key{"dpo", Check(GenerateSigningKey(), "key")};
  const std::string dir = bench::NewBenchDir();
  const std::string path = dir + "/bench.ledger";
  auto start = Clock::now();
  std::vector<std::string> subjects;
  {
    auto ledger = Check(Ledger::Create(path, Pass(), kOrigin, key, bench::CheapKdf()), "create");
    subjects = Build(*ledger, key, n, people);
  }
  std::printf("built a tree of %llu leaves (%lld people, %d entries each) in %.1f s\n",
              static_cast<unsigned long long>(n), static_cast<long long>(people),
              kEntriesPerPerson + 1, Millis(start) / 1e3);
  const int rc = Measure(path, dir, n, subjects);
  std::filesystem::remove_all(dir);
  return rc;
}

}  // namespace
}  // namespace probity

int main(int argc, char** argv) { return probity::Main(argc, argv); }
