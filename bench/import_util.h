// What the import and summary benchmarks share: a ledger with the French
// presidential pack bound to one scope, and a CSV of gifts for it.
#ifndef PROBITY_BENCH_IMPORT_UTIL_H_
#define PROBITY_BENCH_IMPORT_UTIL_H_

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "policies/pack.h"
#include "policies/scopes.h"

namespace probity::bench {

constexpr const char* kImportScope = "fr-pres-2027";


inline std::unique_ptr<Ledger> NewImportLedger(const std::string& path, const NamedKey& key,
                                                const std::string& origin = "bench.example/import") {
  auto ledger = Check(Ledger::Create(path, SecretBytes::FromString("bench passphrase"),
                                     origin, key, CheapKdf()),
                      "create");
  Pack pack = Check(LoadPackById("fr-candidate-2027-presidential"), "pack");
  NewScope scope;
  scope.id = kImportScope;
  scope.pack_id = pack.id;
  scope.params = {{"spending_ceiling", "16851000.00"}};
  Check(AddScope(*ledger, key, pack, scope), "scope");
  return ledger;
}

// Row i: donor i % D, its (i / D)-th gift: a distinct amount, so no two rows
// are the same gift, and at most 100 x 34.75 EUR per donor, under the cap.
inline void WriteGiftsCsv(const std::string& path, const std::vector<std::string>& donors, std::int64_t n) {
  std::ofstream out(path, std::ios::binary);
  out << "donor,amount,currency,method,date\n";
  const char* const methods[] = {"cheque", "transfer", "card"};
  const auto d = static_cast<std::int64_t>(donors.size());
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t k = i / d;
    const std::int64_t minor = 1000 + (k % 100) * 25;
    char line[128];
    std::snprintf(line, sizeof line, "%s,%lld.%02lld,EUR,%s,2027-01-%02lld\n",
                  donors[static_cast<std::size_t>(i % d)].c_str(),
                  static_cast<long long>(minor / 100), static_cast<long long>(minor % 100),
                  methods[i % 3], static_cast<long long>(1 + k % 28));
    out << line;
  }
  if (!out) Die("write csv", Status::IoError(path));
}

}  // namespace probity::bench

#endif  // PROBITY_BENCH_IMPORT_UTIL_H_
