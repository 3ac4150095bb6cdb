// Replay of the GDPR records (replay_gdpr.cc): each entry here passes the
// schema, so only the replay can refuse it, as it must when a signer writes
// entries directly, bypassing the commands' checks.
#include <gtest/gtest.h>

#include "ledger/replay.h"
#include "tests/ledger/replay_fixture.h"

namespace probity {
namespace {

using replaytest::kOther;
using replaytest::kSubject;

class ReplayGdprTest : public replaytest::ReplayTest {
 protected:
  static Json Purpose(const char* id) {
    return {{"purpose", id},
            {"basis", "Art. 6(1)(a)"},
            {"retention", "3y"},
            {"description", "The campaign newsletter"}};
  }
  static Json Consent(const char* purpose, const char* subject = kSubject) {
    return {{"subject", subject},     {"purpose", purpose},
            {"text_sha256", std::string(64, 'a')}, {"channel", "web"},
            {"date", "2027-01-10"}};
  }
  // Opens a request received on `received` (due one month later) and returns its id.
  std::int64_t Open(const char* type, const char* received, const char* due,
                    const char* subject = kSubject) {
    const std::int64_t seq = seq_;
    Ok("request_opened", Opened(type, received, due, subject));
    return seq;
  }
  static Json Opened(const char* type, const char* received, const char* due,
                     const char* subject = kSubject) {
    return {{"subject", subject}, {"request_type", type}, {"received", received},
            {"channel", "email"}, {"due", due}};
  }
  static Json Extended(std::int64_t request, const char* date, const char* due,
                       const char* subject = kSubject) {
    return {{"request_seq", request}, {"subject", subject}, {"date", date},
            {"reason", "many requests"}, {"due", due}};
  }
  static Json Closed(std::int64_t request, const char* date, const char* outcome = "answered",
                     const char* subject = kSubject) {
    return {{"request_seq", request}, {"subject", subject}, {"date", date}, {"outcome", outcome}};
  }
  static Json Erasure(std::int64_t request, const char* subject = kSubject) {
    return {{"subject", subject}, {"date", "2027-02-01"}, {"ground", "request"},
            {"request_seq", request}};
  }
};

TEST_F(ReplayGdprTest, PurposeIsRegisteredOnce) {
  Ok("purpose_added", Purpose("newsletter"));
  Refused("purpose_added", Purpose("newsletter"), "registered twice");
  Ok("purpose_added", Purpose("events"));
}

TEST_F(ReplayGdprTest, ConsentNamesARegisteredPurpose) {
  Refused("consent", Consent("newsletter"), "never registered");
  Ok("purpose_added", Purpose("newsletter"));
  Ok("consent", Consent("newsletter"));
  // A regrant while in force replaces it; the withdrawal names the latest.
  const std::int64_t latest = seq_;
  Ok("consent", Consent("newsletter"));
  Refused("consent_withdrawal",
          {{"subject", kSubject}, {"purpose", "newsletter"}, {"consent_seq", latest - 1},
           {"date", "2027-01-11"}},
          "not in force");
  Ok("consent_withdrawal", {{"subject", kSubject}, {"purpose", "newsletter"},
                            {"consent_seq", latest}, {"date", "2027-01-11"},
                            {"channel", "email"}});
  Refused("consent", Consent("events"), "never registered");
}

TEST_F(ReplayGdprTest, RequestDueIsReceivedPlusOneMonth) {
  Ok("request_opened", Opened("access", "2027-01-31", "2027-02-28"));
  Ok("request_opened", Opened("access", "2028-01-31", "2028-02-29"));
  Ok("request_opened", Opened("access", "2100-01-31", "2100-02-28"));  // 2100 is not leap
  Refused("request_opened", Opened("access", "2027-01-31", "2027-03-03"), "received + 1 month");
  Refused("request_opened", Opened("access", "2027-01-31", "2027-02-27"), "received + 1 month");
  Refused("request_opened", Opened("access", "2027-01-15", "2027-02-14"), "received + 1 month");
}

TEST_F(ReplayGdprTest, ExtensionRules) {
  const std::int64_t r = Open("access", "2027-01-31", "2027-02-28");
  Refused("request_extended", Extended(r, "2027-03-01", "2027-03-31"), "too late");
  Refused("request_extended", Extended(r, "2027-01-30", "2027-03-31"), "before");
  Refused("request_extended", Extended(r, "2027-02-10", "2027-02-28"), "does not move");
  Refused("request_extended", Extended(r, "2027-02-10", "2027-05-01"), "received + 3 months");
  Refused("request_extended", Extended(r, "2027-02-10", "2027-03-31", kOther), "not S-abcdef0123");
  Refused("request_extended", Extended(seq_ + 3, "2027-02-10", "2027-03-31"), "not an earlier");
  Ok("request_extended", Extended(r, "2027-02-28", "2027-03-31"));  // told on the last day
  // Twice, but never past received + 3 months (30 April).
  Refused("request_extended", Extended(r, "2027-02-28", "2027-05-31"), "received + 3 months");
  Ok("request_extended", Extended(r, "2027-02-28", "2027-04-30"));
  Ok("request_closed", Closed(r, "2027-04-30"));
  Refused("request_extended", Extended(r, "2027-02-20", "2027-04-30"), "was closed");
}

TEST_F(ReplayGdprTest, ExtensionMustNameARequest) {
  const std::int64_t gift = Donation(kSubject, 1000, "2027-01-10");
  Refused("request_extended", Extended(gift, "2027-02-10", "2027-03-31"), "not an earlier");
}

TEST_F(ReplayGdprTest, ClosingRules) {
  const std::int64_t access = Open("access", "2027-01-10", "2027-02-10");
  const std::int64_t erasure = Open("erasure", "2027-01-10", "2027-02-10");
  Refused("request_closed", Closed(access, "2027-01-09"), "before it was received");
  Refused("request_closed", Closed(access, "2027-01-20", "answered", kOther), "not S-abcdef0123");
  Refused("request_closed", Closed(access, "2027-01-20", "refused"), "legal basis");
  Json possible = Closed(access, "2027-01-20", "refused");
  possible["basis"] = "Art. 17(3)(b)";
  possible["possible_from"] = "2032-01-01";
  Refused("request_closed", possible, "only to a refused erasure");
  Json answered = Closed(erasure, "2027-01-20");
  answered["possible_from"] = "2032-01-01";
  Refused("request_closed", answered, "only to a refused erasure");
  possible["request_seq"] = erasure;
  Ok("request_closed", possible);
  Ok("request_closed", Closed(access, "2027-03-01"));  // late, but closing is allowed
  Refused("request_closed", Closed(access, "2027-03-02"), "was closed");
}

TEST_F(ReplayGdprTest, ErasureAnswersAnOpenErasureRequest) {
  const std::int64_t access = Open("access", "2027-01-10", "2027-02-10");
  const std::int64_t other = Open("erasure", "2027-01-10", "2027-02-10", kOther);
  const std::int64_t erasure = Open("erasure", "2027-01-10", "2027-02-10");
  Refused("erasure", Erasure(access), "access request");
  Refused("erasure", Erasure(other), "not S-0123456789");
  Refused("erasure", Erasure(seq_ + 2), "not an earlier");
  Ok("erasure", Erasure(erasure));
  Refused("request_closed", Closed(erasure, "2027-02-02"), "was closed");
}

}  // namespace
}  // namespace probity
