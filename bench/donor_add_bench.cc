// donor_add_bench: does `probity donor add` (AddDonor: the duplicate lookup in
// the donor_names index, then one write transaction with its checkpoint) stay
// flat as the campaign's donors grow? Not a test; run it through bench/run.
//
//   donor_add_bench [N_SMALL [N_LARGE [REPS]]]     default 1000 100000 200
//
// For each size N a ledger is built with N donors, added 5,000 per write
// transaction through AddDonorInBatch (their donor_names rows with them), one
// name for every two donors ("Donor 17" twice). The ledger is closed and
// reopened (SQLite's page cache empty, the OS cache not), then REPS donors
// are added one AddDonor at a time, half of them under a name already there
// (the warning fires), and each add is timed, in wall time and in CPU time of
// the process (every thread). The ratio is the median add at N_LARGE over the
// median at N_SMALL: flat is 1. Each add commits with synchronous=FULL, so
// its wall time is mostly the disk's fsync: read the CPU ratio on a loaded
// machine.
//
// The same run times, once per size and after the adds, the check as it was
// before the index: every donor's box opened (ListDonors), which is what each
// add cost on top of its transaction.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "ledger/records.h"

namespace probity {
namespace {

using bench::Clock;
using bench::Die;
constexpr std::int64_t kDonorsPerCommit = 5000;

// CPU time of the process, every thread (the signing workers too): unlike
// the wall time it does not count fsync waits or other processes' turns.
double CpuMicros() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto us = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_usec);
  };
  return us(u.ru_utime) + us(u.ru_stime);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double MicrosSince(Clock::time_point from) {
  return std::chrono::duration<double, std::micro>(Clock::now() - from).count();
}

NewDonor Donor(std::int64_t i) {
  return NewDonor{"person",
                  DonorPii{"Donor " + std::to_string(i / 2), "FR", "FR", "1 rue X", "", "", ""}};
}

void AddDonors(Ledger& ledger, const NamedKey& key, std::int64_t n) {
  for (std::int64_t done = 0; done < n;) {
    const std::int64_t batch = std::min(kDonorsPerCommit, n - done);
    bench::Check(ledger.Append(key,
                               [&](AppendBatch& b) -> Status {
                                 for (std::int64_t i = done; i < done + batch; ++i) {
                                   PROBITY_RETURN_IF_ERROR(AddDonorInBatch(b, Donor(i)).status());
                                 }
                                 return Status::OK();
                               }),
                 "build");
    done += batch;
  }
}

struct SizeResult {
  double median_us = 0, p99_us = 0, cpu_median_us = 0, scan_us = 0, scan_cpu_us = 0;
  std::size_t warned = 0;
};

SizeResult Measure(std::int64_t n, int reps) {
  const std::string path = std::filesystem::temp_directory_path() / "probity-donor-add-bench";
  std::filesystem::remove(path);
  const NamedKey key{"bench", bench::Check(GenerateSigningKey(), "key")};
  const SecretBytes pass = SecretBytes::FromString("bench");
  const KdfParams kdf = bench::CheapKdf();
  {
    auto ledger = bench::Check(Ledger::Create(path, pass, "bench.example/log", key, kdf), "create");
    AddDonors(*ledger, key, n);
  }
  auto ledger = bench::Check(Ledger::Open(path, pass, kdf), "open");
  SizeResult out;
  std::vector<double> us, cpu_us;
  for (int r = 0; r < reps; ++r) {
    // Even reps: a name two donors already have; odd: a name nobody has.
    const NewDonor d = Donor(r % 2 == 0 ? (r * 7919) % n : n + 2 * r);
    const double cpu = CpuMicros();
    const auto start = Clock::now();
    AddedDonor added = bench::Check(AddDonor(*ledger, key, d), "add");
    us.push_back(MicrosSince(start));
    cpu_us.push_back(CpuMicros() - cpu);
    if (!added.likely_duplicates.empty()) ++out.warned;
  }
  std::sort(us.begin(), us.end());
  out.median_us = us[us.size() / 2];
  out.p99_us = us[std::min(us.size() - 1, us.size() * 99 / 100)];
  out.cpu_median_us = Median(cpu_us);
  // After the adds, so that it does not warm the cache for them.
  const double scan_cpu = CpuMicros();
  const auto scan_start = Clock::now();
  const std::size_t scanned = bench::Check(ListDonors(*ledger), "scan").size();
  out.scan_us = MicrosSince(scan_start);
  out.scan_cpu_us = CpuMicros() - scan_cpu;
  if (scanned != static_cast<std::size_t>(n + reps)) Die("scan", Status::Corruption("count"));
  ledger.reset();
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  return out;
}

}  // namespace
}  // namespace probity

int main(int argc, char** argv) {
  using namespace probity;
  if (!InitCrypto().ok()) return 1;
  const std::int64_t small = argc > 1 ? std::atoll(argv[1]) : 1000;
  const std::int64_t large = argc > 2 ? std::atoll(argv[2]) : 100000;
  const int reps = argc > 3 ? std::atoi(argv[3]) : 200;
  if (small < 2 || large < small || reps < 2) {
    std::fprintf(stderr, "usage: donor_add_bench [N_SMALL [N_LARGE [REPS]]]\n");
    return 2;
  }
  SizeResult r[2];
  const std::int64_t sizes[2] = {small, large};
  for (int i = 0; i < 2; ++i) {
    r[i] = Measure(sizes[i], reps);
    std::printf(
        "%lld donors: donor add median %.0f us (CPU %.0f us), p99 %.0f us (%zu of %d "
        "warned); the old scan alone (open every box) %.0f us (CPU %.0f us)\n",
        static_cast<long long>(sizes[i]), r[i].median_us, r[i].cpu_median_us, r[i].p99_us,
        r[i].warned, reps, r[i].scan_us, r[i].scan_cpu_us);
  }
  std::printf("donor add at %lld / at %lld donors: median %.2f, p99 %.2f, CPU median %.2f\n",
              static_cast<long long>(large), static_cast<long long>(small),
              r[1].median_us / r[0].median_us, r[1].p99_us / r[0].p99_us,
              r[1].cpu_median_us / r[0].cpu_median_us);
  return 0;
}
