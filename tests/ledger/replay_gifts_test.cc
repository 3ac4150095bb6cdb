// The ledger replay keeps each donation as integers (subject, currency and
// scope as ids in its string tables, dates packed, the gifts in a vector by
// seq: ledger/compact.h). This holds it to the rules as they read on the
// strings, the way the replay kept them before: a generated stream of
// donations, refunds, corrections and erasures, often wrong on purpose (the
// other donor, another currency or scope, a scope or currency no donation
// has, an unregistered subject, a date before the gift or after its first
// refund, more than is left, a seq that is no donation or not yet written),
// must be accepted and refused entry for entry as the string rules say, with
// the same message.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ledger/date.h"
#include "ledger/replay.h"
#include "tests/ledger/replay_fixture.h"

namespace probity {
namespace {

using replaytest::kOther;
using replaytest::kSubject;

// The rules on strings: what Replay did with a std::map<seq, Gift> of
// strings, and a map of erased subjects.
class StringRules {
 public:
  struct Gift {
    std::string subject, currency, scope, date, first_refund_date;
    std::int64_t amount_minor = 0, refunded_minor = 0;
  };

  void Register(const std::string& subject) { registered_.insert(subject); }

  // The message the replay must give for `e` (a donation, refund, correction
  // or erasure at `seq`), or "" if it must accept it; applies it if so.
  std::string Apply(const char* kind, const Json& e, std::int64_t seq) {
    const std::string why = Check(kind, e);
    if (!why.empty()) return why;
    if (std::string(kind) == "donation") {
      gifts_[seq] = Gift{
          e.value("subject", ""), e["currency"], e["scope"], e["date"], "", e["amount_minor"], 0};
    } else if (std::string(kind) == "erasure") {
      erased_.emplace(e["subject"], seq);
    } else if (std::string(kind) == "refund") {
      Gift& g = gifts_.at(e["donation_seq"]);
      g.refunded_minor += e["amount_minor"].get<std::int64_t>();
      const std::string& date = e["date"].get_ref<const std::string&>();
      if (g.first_refund_date.empty() || date < g.first_refund_date) g.first_refund_date = date;
    } else {
      Gift& g = gifts_.at(e["donation_seq"]);
      g.amount_minor = e["amount_minor"];
      g.date = e["date"];
    }
    return "";
  }

  const std::map<std::int64_t, Gift>& gifts() const { return gifts_; }

 private:
  std::string Check(const std::string& kind, const Json& e) const {
    if (e.contains("subject")) {
      const std::string& subject = e["subject"].get_ref<const std::string&>();
      if (registered_.count(subject) == 0) {
        return "names subject " + subject + ", who was never registered";
      }
      auto erased = erased_.find(subject);
      if (erased != erased_.end()) {
        return "an entry of kind " + kind + " names subject " + subject +
               ", who was erased at entry " + std::to_string(erased->second) +
               "; only GDPR requests may name an erased subject";
      }
    }
    if (kind == "refund") return CheckRefund(e);
    if (kind == "correction") return CheckCorrection(e);
    return "";
  }

  std::string CheckRefund(const Json& e) const {
    auto it = gifts_.find(e["donation_seq"]);
    if (it == gifts_.end() || it->second.subject.empty() || it->second.subject != e["subject"] ||
        it->second.currency != e["currency"] || e["date"].get<std::string>() < it->second.date ||
        e["amount_minor"].get<std::int64_t>() >
            it->second.amount_minor - it->second.refunded_minor) {
      return "refund does not match an earlier donation (donor, currency, date or amount left)";
    }
    return "";
  }

  std::string CheckCorrection(const Json& e) const {
    auto it = gifts_.find(e["donation_seq"]);
    if (it == gifts_.end() || it->second.subject != e.value("subject", "") ||
        it->second.scope != e["scope"] || it->second.currency != e["currency"]) {
      return "correction does not match an earlier donation (donor, scope or currency)";
    }
    const Gift& g = it->second;
    if (e["amount_minor"].get<std::int64_t>() < g.refunded_minor ||
        (!g.first_refund_date.empty() && e["date"].get<std::string>() > g.first_refund_date)) {
      return "correction leaves the donation below what was refunded or dated after its first "
             "refund";
    }
    return "";
  }

  std::set<std::string> registered_;
  std::map<std::string, std::int64_t> erased_;
  std::map<std::int64_t, Gift> gifts_;
};

class ReplayGiftsTest : public replaytest::ReplayTest {
 protected:
  ReplayGiftsTest() : rng_(20261206) {}

  void SetUp() override {
    ReplayTest::SetUp();
    for (const char* s : {kSubject, kOther}) rules_.Register(s);
    for (const char* s : kMore) {
      Ok("donor_added",
         {{"subject", s}, {"donor_type", "person"}, {"pii", Base64Encode(Bytes(48, 1))}});
      rules_.Register(s);
    }
  }

  std::int64_t Pick(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }
  bool Chance(int percent) { return Pick(1, 100) <= percent; }
  template <std::size_t N>
  const char* OneOf(const char* const (&choices)[N]) {
    return choices[Pick(0, static_cast<std::int64_t>(N) - 1)];
  }

  // One of the donors (rarely one never registered), or null for none.
  const char* Subject(int none_percent) {
    if (Chance(none_percent)) return nullptr;
    if (Chance(3)) return "S-9999999999";
    static const char* const kAll[] = {kSubject, kOther, kMore[0], kMore[1]};
    return OneOf(kAll);
  }
  std::string RandomDate() { return FormatDate(Date{2027, 1, static_cast<int>(Pick(1, 20))}); }

  // A donation most of the time, or any seq written so far or soon.
  std::int64_t DonationSeq() {
    const auto& gifts = rules_.gifts();
    if (gifts.empty() || Chance(10)) return Pick(0, seq_ + 3);
    auto it = gifts.begin();
    std::advance(it, Pick(0, static_cast<std::int64_t>(gifts.size()) - 1));
    return it->first;
  }
  const StringRules::Gift* GiftAt(std::int64_t seq) {
    auto it = rules_.gifts().find(seq);
    return it == rules_.gifts().end() ? nullptr : &it->second;
  }

  Json Donation() {
    Json f = {{"amount_minor", Pick(1, 10000)},
              {"currency", OneOf(kGivenCurrencies)},
              {"method", "cheque"},
              {"date", RandomDate()},
              {"scope", OneOf(kGivenScopes)}};
    const char* subject = Subject(15);
    if (subject == nullptr) {
      f["anonymous"] = true;
    } else {
      f["subject"] = subject;
    }
    return f;
  }

  // Mostly the gift's own donor, currency and scope: the other checks then
  // decide (date, amount left, first refund).
  Json Refund() {
    const std::int64_t seq = DonationSeq();
    const StringRules::Gift* g = GiftAt(seq);
    const bool same = g != nullptr && !g->subject.empty() && Chance(80);
    const std::int64_t left = g == nullptr ? 5000 : g->amount_minor - g->refunded_minor;
    const char* subject = Subject(0);
    return {{"subject", same && Chance(90) ? g->subject : std::string(subject)},
            {"donation_seq", seq},
            {"amount_minor", Pick(1, std::max<std::int64_t>(1, left + 100))},
            {"currency", same && Chance(90) ? g->currency : std::string(OneOf(kCurrencies))},
            {"date", RandomDate()}};
  }

  Json Correction() {
    if (Chance(3)) {
      // Nothing in it has an id: no donor, and a scope and currency no
      // donation has, for an entry that is no donation (an empty row).
      return {{"donation_seq", Pick(0, 3)}, {"scope", "nowhere"}, {"currency", "GBP"},
              {"amount_minor", 100},        {"method", "cash"},   {"date", RandomDate()},
              {"reason", "typing error"}};
    }
    const std::int64_t seq = DonationSeq();
    const StringRules::Gift* g = GiftAt(seq);
    const bool same = g != nullptr && Chance(80);
    Json f = {{"donation_seq", seq},
              {"scope", same && Chance(90) ? g->scope : std::string(OneOf(kScopes))},
              {"currency", same && Chance(90) ? g->currency : std::string(OneOf(kCurrencies))},
              {"amount_minor", Pick(1, 12000)},
              {"method", "cash"},
              {"date", RandomDate()},
              {"reason", "typing error"}};
    const char* other = Subject(20);
    if (same && Chance(90)) {
      if (!g->subject.empty()) f["subject"] = g->subject;
    } else if (other != nullptr) {
      f["subject"] = other;
    }
    return f;
  }

  static constexpr const char* kMore[] = {"S-2222222222", "S-3333333333"};
  // Donations are in these; refunds and corrections may name GBP or
  // "nowhere" too, which no donation has: strings without an id.
  static constexpr const char* kGivenCurrencies[] = {"EUR", "USD"};
  static constexpr const char* kGivenScopes[] = {"fr-pres", "uk-party"};
  static constexpr const char* kCurrencies[] = {"EUR", "USD", "GBP"};
  static constexpr const char* kScopes[] = {"fr-pres", "uk-party", "nowhere"};

  std::mt19937_64 rng_;
  StringRules rules_;
};

TEST_F(ReplayGiftsTest, IdsDecideAsTheStrings) {
  std::map<std::string, int> outcomes;  // "kind: message" (or "kind: accepted") -> count
  for (int i = 0; i < 6000; ++i) {
    // Erasures only near the end: an erased donor gives nothing more.
    const std::int64_t roll = Pick(1, 1000);
    const char* kind = roll <= 450               ? "donation"
                       : roll <= 700             ? "refund"
                       : roll <= 980 || i < 5000 ? "correction"
                                                 : "erasure";
    Json f =
        std::string(kind) == "donation" ? Donation()
        : std::string(kind) == "refund" ? Refund()
        : std::string(kind) == "correction"
            ? Correction()
            : Json{{"subject", Subject(0)}, {"date", RandomDate()}, {"ground", "retention-ended"}};
    Json entry = f;
    entry["kind"] = kind;
    const std::string want = rules_.Apply(kind, entry, seq_);
    const Status got = Apply(kind, f);
    ASSERT_EQ(got.ok(), want.empty()) << "entry " << i << " (" << kind << ", " << f.dump()
                                      << "): " << got.ToString() << " / want: " << want;
    if (!got.ok()) {
      ASSERT_TRUE(got.IsVerificationFailed());
      ASSERT_EQ(got.message(), want) << kind << " " << f.dump();
    }
    ++outcomes[std::string(kind) + ": " + (want.empty() ? "accepted" : want)];
  }
  // The stream reaches every rule, both ways. (This seed: see the counts
  // printed when it fails.)
  struct Reached {
    const char* kind;
    const char* start;  // of the message
    int at_least;
  };
  const Reached kReached[] = {
      {"donation", "accepted", 100},
      {"refund", "accepted", 100},
      {"correction", "accepted", 100},
      {"erasure", "accepted", 2},
      {"refund", "refund does not match", 100},
      {"correction", "correction does not match", 100},
      {"correction", "correction leaves the donation", 20},
      {"donation", "an entry of kind donation names subject", 20},
      {"refund", "an entry of kind refund names subject", 5},
      {"refund", "names subject S-9999999999, who was never registered", 5},
  };
  for (const Reached& r : kReached) {
    const std::string prefix = std::string(r.kind) + ": " + r.start;
    int count = 0;
    for (const auto& [outcome, n] : outcomes) count += outcome.rfind(prefix, 0) == 0 ? n : 0;
    EXPECT_GE(count, r.at_least) << prefix;
  }
  if (HasFailure()) {
    for (const auto& [outcome, n] : outcomes) std::printf("%5d %s\n", n, outcome.c_str());
  }
}

}  // namespace
}  // namespace probity
