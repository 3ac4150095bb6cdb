// cap_check_bench: does the cost of deciding a gift (CheckDonation: load the
// scope and its pack, the donor's facts, the donor's history and the scope's
// method totals) stay flat as the ledger grows? Not a test; run it through
// bench/run.
//
//   cap_check_bench [N_SMALL [N_LARGE [REPS [CASH_PERMILLE]]]]
//
// For each size N (default 10000 and 1000000) a ledger is built: one scope
// bound to the fr-candidate-2027-presidential pack through AddScope, then
// N - 3 entries written straight through Store::InsertEntry / InsertTreeNodes
// (valid canonical entries, signed, chained, with their Merkle nodes and one
// checkpoint per commit of kEntriesPerCommit): donors registered as the
// campaign goes, each with a sealed identity and a vault key, and gifts from
// random donors already registered, at most kGiftsPerDonorMax each (so one
// donor's entries are spread over the file, as in a real campaign).
// CASH_PERMILLE (default 20) of the gifts are cash, at most 150 EUR. After
// the transfers, REPS / 4 cash gifts of 50 EUR are timed the same way and
// printed apart: their decision also reads the scope's cash total (the
// latest method_totals row since schema 8; before, it summed every cash gift
// of the scope, and the ratio was 4.6 at 1,000,000 entries).
//
// Both ledgers are then closed and reopened (so the SQLite page caches start
// empty; the OS cache does not) and CheckDonation is timed for REPS (default
// 2000) random donors of each, after REPS / 10 untimed ones. The checks of the
// two ledgers alternate, one of each in turn, which goes first switching
// every turn: the machine's speed drifts by half over minutes here, so timing
// one size after the other measured the drift as much as the size.
#include <sodium.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "ledger/encoding.h"
#include "ledger/note.h"
#include "ledger/vault.h"
#include "policies/donations.h"
#include "policies/scopes.h"

namespace probity {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kPackId = "fr-candidate-2027-presidential";
constexpr const char* kScopeId = "fr-pres-2027";
constexpr std::int64_t kGiftsPerDonorMax = 6;
constexpr std::int64_t kEntriesPerCommit = 100000;  // bounds the WAL while building

[[noreturn]] void Die(const std::string& what, const Status& st) {
  std::fprintf(stderr, "cap_check_bench: %s: %s\n", what.c_str(), st.ToString().c_str());
  std::exit(1);
}

void Check(const Status& st, const std::string& what) {
  if (!st.ok()) Die(what, st);
}

template <typename T>
T Check(Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what, r.status());
  return std::move(r).value();
}

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

KdfParams CheapKdf() { return KdfParams{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN}; }
SecretBytes Pass() { return SecretBytes::FromString("bench passphrase"); }

// The write path of AppendBatch::Add without its read-back checks (the
// entries are built here, from known-good drafts): encode, sign, store the
// entry with its index columns and the Merkle nodes it completes.
class FastWriter {
 public:
  FastWriter(Store& store, const NamedKey& key) : store_(store), key_(key) {
    key_id_ = NoteKeyId(key.name, key.key.public_key);
    ts_ = NowUnixSeconds();
    auto last = Check(store.LastEntry(), "last entry");
    prev_ = last->leaf_hash;
    next_seq_ = last->seq + 1;
  }

  void Add(const EntryDraft& draft) {
    std::string body = Check(EncodeEntry(draft, next_seq_, ts_, prev_, key_id_), "encode");
    StoredEntry stored;
    stored.seq = next_seq_;
    stored.body = std::move(body);
    stored.sig = SignDetached(key_.key, AsBytes(stored.body));
    stored.leaf_hash = LeafHash(AsBytes(stored.body));
    Json fields = draft.fields;
    fields["kind"] = draft.kind;
    Check(store_.InsertEntry(stored, IndexOf(fields)), "insert entry");
    auto nodes = Check(NodesCompletedBy(store_, static_cast<std::uint64_t>(stored.seq),
                                        stored.leaf_hash),
                       "tree nodes");
    Check(store_.InsertTreeNodes(nodes), "insert nodes");
    prev_ = stored.leaf_hash;
    ++next_seq_;
  }

  // What Ledger::WriteCheckpoint writes at the end of an append.
  void Checkpoint(const std::string& origin) {
    probity::Checkpoint cp;
    cp.origin = origin;
    cp.tree_size = static_cast<std::uint64_t>(next_seq_);
    cp.root_hash = Check(TreeRoot(store_, cp.tree_size), "tree root");
    Check(store_.InsertCheckpoint(next_seq_, SignNote(FormatCheckpointBody(cp), key_.name,
                                                      key_.key)),
          "checkpoint");
  }

  std::int64_t next_seq() const { return next_seq_; }

 private:
  Store& store_;
  const NamedKey& key_;
  KeyId key_id_{};
  std::int64_t ts_ = 0;
  Hash prev_{};
  std::int64_t next_seq_ = 0;
};

std::string SubjectId(std::size_t d) {
  char id[16];
  std::snprintf(id, sizeof id, "S-%010llx", static_cast<unsigned long long>(d + 1));
  return id;
}

struct Campaign {
  std::vector<std::string> subjects;
  std::vector<std::int64_t> gifts;  // per donor
  std::int64_t cash_permille = 20;
  std::mt19937_64 rng{42};
};

void AddDonor(FastWriter& w, Store& store, Campaign& c) {
  const std::string id = SubjectId(c.subjects.size());
  SecretBytes subject_key = NewSubjectKey();
  DonorPii pii{"Donor " + id, "FR", "FR", "", "", "", ""};
  const std::string box = Check(SealPii(subject_key, id, pii), "seal");
  Check(store.PutSubjectKey(id, subject_key), "vault key");
  w.Add(EntryDraft{"donor_added", Json{{"subject", id}, {"donor_type", "person"}, {"pii", box}}});
  c.subjects.push_back(id);
  c.gifts.push_back(0);
}

void AddGift(FastWriter& w, Campaign& c, std::size_t donor) {
  const bool cash = static_cast<std::int64_t>(c.rng() % 1000) < c.cash_permille;
  // Whole euros; at most kGiftsPerDonorMax * 500 EUR a donor, under the cap.
  const auto amount_minor = static_cast<std::int64_t>(100 * (10 + c.rng() % (cash ? 141 : 491)));
  static const char* const kMethods[] = {"transfer", "card", "cheque"};
  const char* method = cash ? "cash" : kMethods[c.rng() % 3];
  const Date date = AddDays(Date{2026, 4, 1}, static_cast<std::int64_t>(c.rng() % 365));
  w.Add(EntryDraft{"donation", Json{{"subject", c.subjects[donor]},
                                    {"amount_minor", amount_minor},
                                    {"currency", "EUR"},
                                    {"method", method},
                                    {"date", FormatDate(date)},
                                    {"scope", kScopeId}}});
  ++c.gifts[donor];
}

// One entry: a gift from a random registered donor, or a new donor when
// there is none yet or the one drawn has given kGiftsPerDonorMax times.
void AddOne(FastWriter& w, Store& store, Campaign& c) {
  if (!c.subjects.empty()) {
    const auto donor = static_cast<std::size_t>(c.rng() % c.subjects.size());
    if (c.gifts[donor] < kGiftsPerDonorMax) return AddGift(w, c, donor);
  }
  AddDonor(w, store, c);
}

// A ledger of n entries; returns the donors.
Campaign BuildLedger(const std::string& path, const NamedKey& key, std::int64_t n,
                     std::int64_t cash_permille) {
  auto ledger = Check(Ledger::Create(path, Pass(), "bench.example/ledger", key, CheapKdf()),
                      "create");
  const Pack pack = Check(LoadPackById(kPackId), "pack");
  NewScope scope{kScopeId, kPackId, std::nullopt, std::nullopt,
                 {{"spending_ceiling", "16851000.00"}}};
  Check(AddScope(*ledger, key, pack, scope).status(), "add scope");
  Campaign c;
  c.cash_permille = cash_permille;
  Store& store = ledger->store();
  while (true) {
    Check(store.BeginWrite(), "begin");
    FastWriter w(store, key);
    if (w.next_seq() >= n) break;
    const std::int64_t end = std::min(n, w.next_seq() + kEntriesPerCommit);
    while (w.next_seq() < end) AddOne(w, store, c);
    w.Checkpoint(ledger->origin());
    Check(store.Commit(), "commit");
  }
  store.Rollback();
  return c;
}

struct Latency {
  double median_us = 0;
  double p99_us = 0;
  double mean_us = 0;
  double pages_read = 0;  // SQLite page-cache misses a check, mean: pages read and decrypted
};

// One ledger under test: its donors, the checks' random draws, and what
// they measured.
struct Timed {
  Timed(Ledger* l, const Campaign* c, std::uint64_t seed) : ledger(l), campaign(c), rng(seed) {}
  Ledger* ledger;
  const Campaign* campaign;
  std::mt19937_64 rng;
  std::vector<double> us;
  std::int64_t misses = 0;
  std::int64_t refused = 0;  // recorded checks the pack refused (cash only)
};

// One CheckDonation of a random donor of `t`; recorded when `record`. A
// transfer must be accepted (the bench's donors stay under the caps); a cash
// gift may be refused (a donor's cash is capped), and is timed all the same:
// the decision reads what it reads either way.
void CheckOne(Timed& t, DonationRequest& r, bool record) {
  const Campaign& c = *t.campaign;
  r.subject = c.subjects[static_cast<std::size_t>(t.rng() % c.subjects.size())];
  sqlite3* db = t.ledger->store().db().raw();
  int before = 0, high = 0;
  sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_MISS, &before, &high, 1);
  const auto start = Clock::now();
  Decision d = Check(CheckDonation(*t.ledger, r), "check donation");
  const double elapsed_us = Seconds(start) * 1e6;
  int missed = 0;
  sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_MISS, &missed, &high, 1);
  if (!d.accepted && r.method != "cash") {
    Die("check donation", Status::InvalidArgument("refused: " + d.message));
  }
  if (!record) return;
  t.us.push_back(elapsed_us);
  t.misses += missed;
  if (!d.accepted) ++t.refused;
}

Latency Summarise(Timed& t) {
  std::vector<double>& us = t.us;
  std::sort(us.begin(), us.end());
  Latency l;
  l.median_us = us[us.size() / 2];
  l.p99_us = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  for (double u : us) l.mean_us += u / static_cast<double>(us.size());
  l.pages_read = static_cast<double>(t.misses) / static_cast<double>(us.size());
  return l;
}

// Times `reps` checks of a gift of `amount_minor` EUR cents by `method` on
// each ledger, alternating (see the header).
void TimeChecks(Timed& a, Timed& b, std::int64_t reps, const char* method,
                std::int64_t amount_minor) {
  DonationRequest r;
  r.amount_minor = amount_minor;
  r.currency = "EUR";
  r.method = method;
  r.date = Date{2026, 6, 1};
  r.scope = kScopeId;
  for (std::int64_t i = -reps / 10; i < reps; ++i) {
    Timed& first = i % 2 == 0 ? a : b;
    Timed& second = i % 2 == 0 ? b : a;
    CheckOne(first, r, i >= 0);
    CheckOne(second, r, i >= 0);
  }
}

struct SizeResult {
  std::int64_t entries = 0;
  std::size_t donors = 0;
  double build_s = 0;
  std::uintmax_t file_bytes = 0;
  std::string path;
  Campaign campaign;
  Latency latency;
  Latency cash;
  std::int64_t cash_refused = 0;
};

SizeResult Build(const std::string& dir, const NamedKey& key, std::int64_t n,
                 std::int64_t cash_permille) {
  SizeResult out;
  out.path = dir + "/cap-" + std::to_string(n) + ".ledger";
  out.entries = n;
  const auto start = Clock::now();
  out.campaign = BuildLedger(out.path, key, n, cash_permille);
  out.build_s = Seconds(start);
  out.donors = out.campaign.subjects.size();
  std::fprintf(stderr, "built %lld entries (%zu donors) in %.1f s\n", static_cast<long long>(n),
               out.donors, out.build_s);
  return out;
}

std::unique_ptr<Ledger> Reopen(SizeResult& r) {
  auto ledger = Check(Ledger::Open(r.path, Pass(), CheapKdf()), "reopen");
  r.file_bytes = std::filesystem::file_size(r.path);
  return ledger;
}

void PrintRow(const SizeResult& r, const Latency& l) {
  std::printf("| %lld | %zu | %.0f MB | %.1f s | %.0f | %.0f | %.0f | %.2f |\n",
              static_cast<long long>(r.entries), r.donors,
              static_cast<double>(r.file_bytes) / 1e6, r.build_s, l.median_us, l.p99_us,
              l.mean_us, l.pages_read);
}

void PrintTable(const SizeResult& s, const Latency& ls, const SizeResult& l, const Latency& ll) {
  std::printf("| entries | donors | file | build | median us | p99 us | mean us | pages read |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  PrintRow(s, ls);
  PrintRow(l, ll);
}

int Run(int argc, char** argv) {
  std::vector<std::int64_t> a;
  for (int i = 1; i < argc; ++i) a.push_back(std::strtoll(argv[i], nullptr, 10));
  const std::int64_t small = a.size() > 0 ? a[0] : 10000;
  const std::int64_t large = a.size() > 1 ? a[1] : 1000000;
  const std::int64_t reps = a.size() > 2 ? a[2] : 2000;
  const std::int64_t cash_permille = a.size() > 3 ? a[3] : 20;
  if (small < 100 || large < small || reps < 10 || cash_permille < 0 || cash_permille > 1000) {
    std::fprintf(stderr, "usage: cap_check_bench [N_SMALL [N_LARGE [REPS [CASH_PERMILLE]]]]\n");
    return 2;
  }
  if (!InitCrypto().ok()) return 1;
  std::string tmpl = (std::filesystem::temp_directory_path() / "probity-capbench-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) return 1;
  const std::string dir = tmpl;
  const NamedKey key{"treasurer", Check(GenerateSigningKey(), "key")};

  SizeResult s = Build(dir, key, small, cash_permille);
  SizeResult l = Build(dir, key, large, cash_permille);
  {
    std::unique_ptr<Ledger> small_ledger = Reopen(s);
    std::unique_ptr<Ledger> large_ledger = Reopen(l);
    Timed ts(small_ledger.get(), &s.campaign, 7), tl(large_ledger.get(), &l.campaign, 7);
    TimeChecks(ts, tl, reps, "transfer", 10000);
    s.latency = Summarise(ts);
    l.latency = Summarise(tl);
    // Then cash gifts, whose decision also reads the scope's cash total (the
    // scope's cash rule): shown apart.
    // Another seed: other donors than the transfers' (whose pages are cached now).
    Timed cs(small_ledger.get(), &s.campaign, 8), cl(large_ledger.get(), &l.campaign, 8);
    TimeChecks(cs, cl, reps / 4, "cash", 5000);
    s.cash = Summarise(cs);
    l.cash = Summarise(cl);
    s.cash_refused = cs.refused;
    l.cash_refused = cl.refused;
  }
  std::filesystem::remove_all(dir);

  std::printf("\nCheckDonation latency, %lld random donors per size (the sizes' checks alternate), "
              "%lld permille cash gifts\n\n",
              static_cast<long long>(reps), static_cast<long long>(cash_permille));
  PrintTable(s, s.latency, l, l.latency);
  std::printf("\nratio %lld / %lld entries: median %.2f, p99 %.2f (target <= 1.2)\n",
              static_cast<long long>(large), static_cast<long long>(small),
              l.latency.median_us / s.latency.median_us, l.latency.p99_us / s.latency.p99_us);
  std::printf("\nThe same for a 50 EUR cash gift, %lld donors per size, after the transfers (page "
              "caches warm); refused: %lld and %lld\n\n",
              static_cast<long long>(reps / 4), static_cast<long long>(s.cash_refused),
              static_cast<long long>(l.cash_refused));
  PrintTable(s, s.cash, l, l.cash);
  std::printf("\ncash ratio %lld / %lld entries: median %.2f, p99 %.2f (target <= 1.2; the "
              "scope's cash total is one method_totals row)\n",
              static_cast<long long>(large), static_cast<long long>(small),
              l.cash.median_us / s.cash.median_us, l.cash.p99_us / s.cash.p99_us);
  const auto row = [&](const char* what, const Latency& at_large, const Latency& at_small) {
    bench::IssueRow(bench::Fmt("cap check (%s), median us at %lld entries / at %lld", what,
                               static_cast<long long>(large), static_cast<long long>(small)),
                    bench::Fmt("%.0f", at_large.median_us), bench::Fmt("%.0f", at_small.median_us),
                    bench::Fmt("%.2f", at_large.median_us / at_small.median_us), "<= 1.2");
  };
  row("transfer", l.latency, s.latency);
  row("cash", l.cash, s.cash);
  return 0;
}

}  // namespace
}  // namespace probity

int main(int argc, char** argv) { return probity::Run(argc, argv); }
