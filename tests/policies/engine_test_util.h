// Shared helpers for the engine tests: the shipped packs, exact amounts and
// dates from text, and donors, gifts and past gifts built in one line.
#ifndef PROBITY_TESTS_POLICIES_ENGINE_TEST_UTIL_H_
#define PROBITY_TESTS_POLICIES_ENGINE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ledger/assert.h"
#include "ledger/vault.h"
#include "policies/engine.h"

namespace probity::testing {

// A shipped pack, loaded once per test binary from the source tree.
inline const Pack& ShippedPack(const std::string& id) {
  static std::map<std::string, Pack> cache;
  auto it = cache.find(id);
  if (it != cache.end()) return it->second;
  Result<Pack> pack =
      LoadPackFile(std::string(PROBITY_SOURCE_DIR) + "/policies/packs/" + id + ".toml");
  PROBITY_ASSERT(pack.ok());
  return cache.emplace(id, std::move(pack).value()).first->second;
}

// What the engine knows of a registered donor, from the personal data given
// at registration (as LoadDonorFacts reads it from the ledger).
inline DonorFacts DonorFactsOf(const std::string& subject, const std::string& donor_type,
                               const DonorPii& pii) {
  DonorFacts facts;
  facts.subject = subject;
  facts.donor_type = donor_type;
  facts.nationality = pii.nationality;
  facts.residence = pii.residence;
  facts.has_employer_and_occupation = !pii.employer.empty() && !pii.occupation.empty();
  return facts;
}

inline const Rule* FindRule(const Pack& pack, const std::string& id) {
  for (const Rule& r : pack.rules) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

// "4600.00" -> 460000. Every shipped currency has two decimals.
inline std::int64_t Minor(const char* text) {
  Result<Money> m = ParseMoney(text, "EUR", Sign::kNonNegative);
  PROBITY_ASSERT(m.ok());
  return m.value().amount_minor_i64();
}

inline Date D(const char* text) {
  Result<Date> d = ParseDate(text);
  PROBITY_ASSERT(d.ok());
  return d.value();
}

inline DonorFacts Person(const char* nationality, const char* residence, bool employer = true) {
  DonorFacts d;
  d.subject = "S-test";
  d.donor_type = "person";
  d.nationality = nationality;
  d.residence = residence;
  d.has_employer_and_occupation = employer;
  return d;
}

// A donor that is not a natural person; nationality and residence are given
// to show that they do not save an ineligible type.
inline DonorFacts Typed(const char* donor_type, const char* country) {
  DonorFacts d = Person(country, country);
  d.donor_type = donor_type;
  return d;
}

inline DonorFacts Anonymous() {
  DonorFacts d;
  d.anonymous = true;
  return d;
}

inline GiftFacts Gift(const char* currency, const char* amount, const char* method,
                      const char* date, const char* election = "", const char* nature = "gift") {
  return GiftFacts{Minor(amount), currency, method, D(date), election, nature};
}

inline PastGift Past(const char* net, const char* date, const char* election = "",
                     const char* nature = "gift") {
  return PastGift{Minor(net), D(date), election, nature};
}

inline History H(std::vector<PastGift> gifts) { return History{std::move(gifts), {}}; }

// The French presidential pack, and a scope bound to it with a spending ceiling.
inline constexpr char kFrPres[] = "fr-candidate-2027-presidential";

inline ScopeInfo FrPresScope(const char* ceiling) {
  return ScopeInfo{"fr-pres-2027",
                   kFrPres,
                   D("2026-04-01"),
                   D("2027-06-30"),
                   {{"spending_ceiling", Minor(ceiling)}}};
}

// A gift in euros, by cheque on 2027-01-10 unless told otherwise.
inline GiftFacts Eur(const char* amount, const char* method = "cheque",
                     const char* date = "2027-01-10", const char* nature = "gift") {
  return Gift("EUR", amount, method, date, "", nature);
}

}  // namespace probity::testing

#endif  // PROBITY_TESTS_POLICIES_ENGINE_TEST_UTIL_H_
