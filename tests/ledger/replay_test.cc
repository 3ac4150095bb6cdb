// Replay: what each entry may do given those before it. The entries here are
// well formed (they pass the schema), so only the replay can refuse them: a
// signer that writes them directly, bypassing the records layer's checks,
// must still be caught by verify.
#include "ledger/replay.h"

#include <gtest/gtest.h>

#include "tests/ledger/replay_fixture.h"

namespace probity {
namespace {

using replaytest::kOther;
using replaytest::kSubject;
using replaytest::ReplayTest;

TEST_F(ReplayTest, RefundNeverExceedsWhatIsLeft) {
  const std::int64_t gift = Donation(kSubject, 10000, "2027-01-10");
  Ok("refund", Refund(gift, 6000, "2027-01-11"));
  Refused("refund", Refund(gift, 4001, "2027-01-12"), "amount left");
  Ok("refund", Refund(gift, 4000, "2027-01-12"));
  Refused("refund", Refund(gift, 1, "2027-01-12"), "amount left");
}

TEST_F(ReplayTest, RefundMustMatchItsDonation) {
  const std::int64_t gift = Donation(kSubject, 10000, "2027-01-10");
  const std::int64_t anonymous = Donation(nullptr, 1000, "2027-01-10");
  Refused("refund", Refund(gift, 100, "2027-01-09"), "date");
  Refused("refund", Refund(gift, 100, "2027-01-11", kOther), "donor");
  Refused("refund", Refund(anonymous, 100, "2027-01-11"), "donor");
  Refused("refund", Refund(seq_ + 5, 100, "2027-01-11"), "earlier donation");
}

TEST_F(ReplayTest, CorrectionRestatesTheAmountLeft) {
  const std::int64_t gift = Donation(kSubject, 30000, "2027-01-10");
  Ok("correction", Correction(gift, 3000, "2027-01-10"));
  Refused("refund", Refund(gift, 3001, "2027-01-11"), "amount left");
  Ok("refund", Refund(gift, 2000, "2027-01-11"));
  // Never below what was refunded, nor dated after the first refund.
  Refused("correction", Correction(gift, 1999, "2027-01-10"), "below what was refunded");
  Refused("correction", Correction(gift, 5000, "2027-01-12"), "after its first refund");
  Ok("correction", Correction(gift, 2000, "2027-01-11"));
  Refused("refund", Refund(gift, 1, "2027-01-12"), "amount left");
  Refused("refund", Refund(gift, 1, "2027-01-10"), "date");  // the gift now dates 01-11
}

TEST_F(ReplayTest, CorrectionMustMatchItsDonation) {
  const std::int64_t gift = Donation(kSubject, 30000, "2027-01-10");
  const std::int64_t anonymous = Donation(nullptr, 1000, "2027-01-10");
  Refused("correction", Correction(gift, 100, "2027-01-10", kOther), "donor");
  Refused("correction", Correction(gift, 100, "2027-01-10", nullptr), "donor");
  Refused("correction", Correction(gift, 100, "2027-01-10", kSubject, "other"), "scope");
  Refused("correction", Correction(gift, 100, "2027-01-10", kSubject, "fr-pres", "USD"),
          "currency");
  Refused("correction", Correction(seq_ + 3, 100, "2027-01-10"), "earlier donation");
  Ok("correction", Correction(anonymous, 500, "2027-01-10", nullptr));
  Refused("correction", Correction(anonymous, 500, "2027-01-10"), "donor");
}

TEST_F(ReplayTest, CorrectionObligationsCanBeResolved) {
  const std::int64_t gift = Donation(kSubject, 30000, "2027-01-10");
  Json resolved = {
      {"donation_seq", gift}, {"rule", "cap"}, {"how", "redesignated"}, {"date", "2027-01-20"}};
  Refused("obligation_resolved", resolved, "no donation carries");
  Json c = Correction(gift, 40000, "2027-01-10");
  c["obligations"] = Json::array({{{"rule", "cap"}, {"due", "2027-03-11"}, {"action", "refund"}}});
  Ok("correction", c);
  Ok("obligation_resolved", resolved);
}

}  // namespace
}  // namespace probity
