// The DPO's register through the real binary: purposes, consents per purpose
// (grant, withdraw, regrant, status), and the GDPR request register (open,
// extend, close, list, show, --fail-on-overdue for a cron job), each bad
// input refused with its exit code, a message naming the problem, and
// nothing written.
#include <nlohmann/json.hpp>

#include "tests/cli/cli_harness.h"

namespace probity::clitest {
namespace {

using nlohmann::json;
using Args = std::vector<std::string>;

class GdprRegisterTest : public PreparedLedgerTest {
 protected:
  json Json(const Args& args) {
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, kExitOk) << r.Describe();
    json j = json::parse(r.out, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << "stdout is not JSON\n" << r.Describe();
    return j;
  }
  // Runs a write that must succeed and print an entry number alone.
  std::string Write(const Args& args) {
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, kExitOk) << r.Describe();
    EXPECT_FALSE(r.out.empty()) << r.Describe();
    if (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
    EXPECT_EQ(r.out.find_first_not_of("0123456789"), std::string::npos) << r.Describe();
    return r.out;
  }
  std::string OpenRequest(const std::string& type, const std::string& received,
                          const std::string& subject = "") {
    return Write({"gdpr", "request", "open", "--subject",
                  subject.empty() ? PreparedLedger().jeanne : subject, "--type", type,
                  "--received", received, "--channel", "email"});
  }
  json Consent(const std::string& subject, const std::string& purpose) {
    json status = Json({"consent", "status", subject, "--json"});
    for (const json& row : status["purposes"]) {
      if (row["purpose"] == purpose) return row;
    }
    ADD_FAILURE() << "no row for " << purpose << " in " << status.dump();
    return json::object();
  }
};

TEST_F(GdprRegisterTest, PurposeAddAndList) {
  RunResult added = Run({"purpose", "add", "events", "--basis", "Art. 6(1)(f)", "--retention",
                         "18m", "--description", "Invitations to campaign meetings"});
  ASSERT_EQ(added.exit_code, kExitOk) << added.Describe();
  EXPECT_EQ(added.out, "events\n");
  EXPECT_EQ(CountEntries(ws_.ledger), PreparedLedger().entries + 1);
  RunResult list = Run({"purpose", "list"});
  ASSERT_EQ(list.exit_code, kExitOk) << list.Describe();
  EXPECT_TRUE(Has(list.out, "newsletter  kept 3y  basis: Art. 6(1)(a), Art. 9(2)(a)"))
      << list.Describe();
  EXPECT_TRUE(Has(list.out, "Invitations to campaign meetings")) << list.Describe();
  json all = Json({"purpose", "list", "--json"});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1]["purpose"], "events");
  EXPECT_EQ(all[1]["retention"], "18m");
  EXPECT_EQ(all[1]["basis"], "Art. 6(1)(f)");
}

TEST_F(GdprRegisterTest, PurposeAddRefusals) {
  const Args good{"--basis", "Art. 6(1)(a)", "--retention", "3y", "--description", "x"};
  auto with = [&](Args head, Args tail) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
  };
  ExpectNothingWritten(with({"purpose", "add", "newsletter"}, good), kExitUsage,
                       "already registered");
  ExpectNothingWritten({"purpose", "add", "events", "--basis", "Art. 6", "--retention",
                        "3 years", "--description", "x"},
                       kExitUsage, "--retention");
  ExpectNothingWritten({"purpose", "add", "events", "--basis", "Art. 6", "--retention", "0y",
                        "--description", "x"},
                       kExitUsage, "--retention");
  ExpectNothingWritten(with({"purpose", "add", "Events"}, good), kExitUsage, "purpose id");
  ExpectNothingWritten({"purpose", "add", "events", "--basis", "", "--retention", "3y",
                        "--description", "x"},
                       kExitUsage, "--basis is empty");
  ExpectNothingWritten({"purpose", "add", "events", "--retention", "3y", "--description", "x"},
                       kExitUsage, "--basis");
}

TEST_F(GdprRegisterTest, ConsentGrantWithdrawRegrantAndStatus) {
  const Prepared& p = PreparedLedger();
  json never = Consent(p.paul, "newsletter");
  EXPECT_EQ(never["state"], "never");
  WriteFile(ws_.dir / "wording.txt", "I agree to receive the newsletter.\n");
  const std::string granted =
      Write({"consent", "grant", "--subject", p.paul, "--purpose", "newsletter", "--text-file",
             ws_.dir / "wording.txt", "--text-version", "v2", "--channel", "email", "--evidence",
             "reply of 2026-11-03 kept in the DPO mailbox", "--date", "2026-11-03"});
  json given = Consent(p.paul, "newsletter");
  EXPECT_EQ(given["state"], "given");
  EXPECT_EQ(given["since"], "2026-11-03");
  EXPECT_EQ(given["consent_seq"], std::stoll(granted));
  EXPECT_EQ(given["text_version"], "v2");
  EXPECT_EQ(given["channel"], "email");
  EXPECT_EQ(given["evidence"], "reply of 2026-11-03 kept in the DPO mailbox");
  EXPECT_EQ(given["text_sha256"], FileSha256Hex(ws_.dir / "wording.txt"));

  const std::string withdrawn = Write({"consent", "withdraw", "--subject", p.paul, "--purpose",
                                       "newsletter", "--channel", "letter", "--date", "2026-11-20"});
  json off = Consent(p.paul, "newsletter");
  EXPECT_EQ(off["state"], "withdrawn");
  EXPECT_EQ(off["since"], "2026-11-20");
  EXPECT_EQ(off["withdrawal_seq"], std::stoll(withdrawn));
  EXPECT_EQ(off["withdrawal_channel"], "letter");
  ExpectUnchanged({"consent", "withdraw", "--subject", p.paul, "--purpose", "newsletter",
                   "--date", "2026-11-21"},
                  kExitUsage, "no consent in force");

  const std::string again = Write({"consent", "grant", "--donor", p.paul, "--purpose",
                                   "newsletter", "--text", "I agree.", "--date", "2026-11-21"});
  json back = Consent(p.paul, "newsletter");
  EXPECT_EQ(back["state"], "given");
  EXPECT_EQ(back["consent_seq"], std::stoll(again));
  EXPECT_EQ(back["grants"], 2);

  RunResult text = Run({"consent", "status", p.jeanne});
  ASSERT_EQ(text.exit_code, kExitOk) << text.Describe();
  EXPECT_TRUE(Has(text.out, "newsletter  given since 2026-11-02  (consent entry " +
                                std::to_string(p.consent_seq) + ")"))
      << text.Describe();
  RunResult verify = Run({"verify"});
  EXPECT_EQ(verify.exit_code, kExitOk) << verify.Describe();
}

TEST_F(GdprRegisterTest, ConsentRefusals) {
  const Prepared& p = PreparedLedger();
  ExpectNothingWritten({"consent", "grant", "--subject", p.paul, "--purpose", "events", "--text",
                        "I agree.", "--date", "2026-11-10"},
                       kExitUsage, "`probity purpose add events");
  ExpectNothingWritten({"consent", "withdraw", "--subject", p.jeanne, "--purpose", "events",
                        "--date", "2026-11-10"},
                       kExitUsage, "no purpose \"events\" is registered");
  ExpectNothingWritten({"consent", "grant", "--subject", "S-0000000000", "--purpose",
                        "newsletter", "--text", "I agree.", "--date", "2026-11-10"},
                       kExitUsage, "no donor S-0000000000");
  ExpectNothingWritten({"consent", "withdraw", "--subject", p.jeanne, "--purpose", "newsletter",
                        "--date", "2026-11-01"},
                       kExitUsage, "before the consent");
  ExpectNothingWritten({"consent", "grant", "--subject", p.paul, "--purpose", "newsletter",
                        "--text", "I agree.", "--date", "2026-11-31"},
                       kExitUsage, "2026-11-31");
  RunResult unknown = Run({"consent", "status", "S-0000000000"});
  EXPECT_EQ(unknown.exit_code, kExitUsage) << unknown.Describe();
  EXPECT_TRUE(Has(unknown.err, "no donor S-0000000000")) << unknown.Describe();
}

TEST_F(GdprRegisterTest, RequestOpenExtendCloseShow) {
  const Prepared& p = PreparedLedger();
  const std::string id = OpenRequest("access", "2026-10-31");
  EXPECT_EQ(id, std::to_string(p.entries));
  json opened = Json({"gdpr", "request", "show", id, "--json"});
  EXPECT_EQ(opened["due"], "2026-11-30");  // 31 October + 1 month
  EXPECT_EQ(opened["status"], "open");
  EXPECT_EQ(opened["subject"], p.jeanne);

  Write({"gdpr", "request", "extend", id, "--reason", "many requests this month", "--months",
         "2", "--date", "2026-11-10"});
  json extended = Json({"gdpr", "request", "show", id, "--json"});
  EXPECT_EQ(extended["due"], "2027-01-31");  // received + 3 months
  EXPECT_EQ(extended["first_due"], "2026-11-30");
  ASSERT_EQ(extended["extensions"].size(), 1u);
  EXPECT_EQ(extended["extensions"][0]["reason"], "many requests this month");

  const std::string closed =
      Write({"gdpr", "request", "close", id, "--note", "sent by e-mail", "--date", "2026-11-21"});
  json done = Json({"gdpr", "request", "show", id, "--json"});
  EXPECT_EQ(done["status"], "answered");
  EXPECT_EQ(done["closed_seq"], std::stoll(closed));
  EXPECT_EQ(done["note"], "sent by e-mail");
  RunResult show = Run({"gdpr", "request", "show", id});
  ASSERT_EQ(show.exit_code, kExitOk) << show.Describe();
  EXPECT_TRUE(Has(show.out, "request " + id + ": access by " + p.jeanne)) << show.Describe();
  EXPECT_TRUE(Has(show.out, "closed answered on 2026-11-21")) << show.Describe();

  const std::string erasure = OpenRequest("erasure", "2026-11-01", p.paul);
  Write({"gdpr", "request", "close", erasure, "--outcome", "refused", "--basis",
         "Art. 17(3)(b): loi 88-227 art. 11-4 requires keeping donor records",
         "--possible-from", "2032-01-01", "--date", "2026-11-15"});
  json refused = Json({"gdpr", "request", "show", erasure, "--json"});
  EXPECT_EQ(refused["status"], "refused");
  EXPECT_EQ(refused["possible_from"], "2032-01-01");

  // verify replays the register, and so does the auditor's bundle.
  RunResult verify = Run({"verify"});
  EXPECT_EQ(verify.exit_code, kExitOk) << verify.Describe();
  const std::string bundle = ws_.dir / "audit.probity";
  RunResult exported = Run({"export", "audit", "--out", bundle});
  ASSERT_EQ(exported.exit_code, kExitOk) << exported.Describe();
  RunResult offline = Probity({"verify", bundle, "--trust", p.verifier_key}, Env{});
  EXPECT_EQ(offline.exit_code, kExitOk) << offline.Describe();
  EXPECT_TRUE(Has(offline.out, std::to_string(p.entries + 5) + " entries")) << offline.Describe();
}

TEST_F(GdprRegisterTest, ListOverdueFirstAndFailOnOverdue) {
  const Prepared& p = PreparedLedger();
  const std::string late = OpenRequest("access", "2026-09-01");     // due 2026-10-01
  const std::string open = OpenRequest("erasure", "2026-11-01");    // due 2026-12-01
  const std::string answered = OpenRequest("portability", "2026-08-01", p.paul);
  Write({"gdpr", "request", "close", answered, "--date", "2026-08-20"});

  RunResult list = Run({"gdpr", "request", "list", "--as-of", "2026-11-15"});
  ASSERT_EQ(list.exit_code, kExitOk) << list.Describe();
  const std::size_t at_late = list.out.find(late + "  " + p.jeanne + "  access");
  const std::size_t at_answered = list.out.find(answered + "  " + p.paul + "  portability");
  const std::size_t at_open = list.out.find(open + "  " + p.jeanne + "  erasure");
  ASSERT_NE(at_late, std::string::npos) << list.Describe();
  ASSERT_NE(at_open, std::string::npos) << list.Describe();
  ASSERT_NE(at_answered, std::string::npos) << list.Describe();
  EXPECT_LT(at_late, at_answered);
  EXPECT_LT(at_answered, at_open);
  EXPECT_TRUE(Has(list.out, "due 2026-10-01  45 days late  OVERDUE")) << list.Describe();
  EXPECT_TRUE(Has(list.out, "due 2026-12-01  16 days left  open")) << list.Describe();
  EXPECT_TRUE(Has(list.out, "closed in time  answered")) << list.Describe();

  json overdue = Json({"gdpr", "request", "list", "--overdue", "--as-of", "2026-11-15", "--json"});
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0]["id"], std::stoll(late));
  EXPECT_EQ(overdue[0]["days_to_due"], -45);
  json only_open = Json({"gdpr", "request", "list", "--open", "--as-of", "2026-11-15", "--json"});
  EXPECT_EQ(only_open.size(), 2u);

  RunResult cron = Run({"gdpr", "request", "list", "--fail-on-overdue", "--as-of", "2026-11-15"});
  EXPECT_EQ(cron.exit_code, kExitVerification) << cron.Describe();
  EXPECT_TRUE(Has(cron.err, "1 open GDPR request(s) past their deadline")) << cron.Describe();
  EXPECT_TRUE(Has(cron.out, "OVERDUE")) << cron.Describe();
  RunResult early = Run({"gdpr", "request", "list", "--fail-on-overdue", "--as-of", "2026-10-01"});
  EXPECT_EQ(early.exit_code, kExitOk) << early.Describe();  // the due day itself is in time
  Write({"gdpr", "request", "close", late, "--date", "2026-11-15"});
  RunResult after = Run({"gdpr", "request", "list", "--fail-on-overdue", "--as-of", "2026-11-15"});
  EXPECT_EQ(after.exit_code, kExitOk) << after.Describe();
  EXPECT_TRUE(Has(after.out, "closed 45 days late")) << after.Describe();
  RunResult bad = Run({"gdpr", "request", "list", "--as-of", "2026-13-01"});
  EXPECT_EQ(bad.exit_code, kExitUsage) << bad.Describe();
  EXPECT_TRUE(Has(bad.err, "--as-of")) << bad.Describe();
}

TEST_F(GdprRegisterTest, RequestOpenRefusals) {
  const Prepared& p = PreparedLedger();
  const Args tail{"--type", "access", "--channel", "email", "--received"};
  auto open = [&](const std::string& subject, const std::string& received) {
    Args a{"gdpr", "request", "open", "--subject", subject};
    a.insert(a.end(), tail.begin(), tail.end());
    a.push_back(received);
    return a;
  };
  ExpectNothingWritten(open("S-0000000000", "2026-11-01"), kExitUsage, "no donor S-0000000000");
  ExpectNothingWritten(open("Jeanne", "2026-11-01"), kExitUsage, "--subject");
  ExpectNothingWritten(open(p.jeanne, "2099-01-01"), kExitUsage, "in the future");
  ExpectNothingWritten(open(p.jeanne, "2026-02-30"), kExitUsage, "--received");
  ExpectNothingWritten({"gdpr", "request", "open", "--subject", p.jeanne, "--type", "deletion",
                        "--received", "2026-11-01", "--channel", "email"},
                       kExitUsage, "--type");
  ExpectNothingWritten({"gdpr", "request", "open", "--subject", p.jeanne, "--type", "access",
                        "--received", "2026-11-01"},
                       kExitUsage, "--channel");
}

TEST_F(GdprRegisterTest, RequestIdsThatAreNotRequests) {
  const Prepared& p = PreparedLedger();
  const std::string gift = std::to_string(p.gift_small_seq);
  ExpectNothingWritten({"gdpr", "request", "extend", "999", "--reason", "x", "--date",
                        "2026-11-01"},
                       kExitUsage, "there is no GDPR request 999");
  ExpectNothingWritten({"gdpr", "request", "extend", gift, "--reason", "x", "--date",
                        "2026-11-01"},
                       kExitUsage, "there is no GDPR request " + gift);
  ExpectNothingWritten({"gdpr", "request", "close", gift, "--date", "2026-11-01"}, kExitUsage,
                       "there is no GDPR request " + gift);
  ExpectNothingWritten({"gdpr", "request", "close", "abc", "--date", "2026-11-01"}, kExitUsage,
                       "abc");
  RunResult show = Run({"gdpr", "request", "show", gift});
  EXPECT_EQ(show.exit_code, kExitUsage) << show.Describe();
  EXPECT_TRUE(Has(show.err, "gdpr request list")) << show.Describe();
}

TEST_F(GdprRegisterTest, ExtendAndCloseRefusals) {
  const std::string old = OpenRequest("access", "2026-09-15");  // due 2026-10-15
  ExpectUnchanged({"gdpr", "request", "extend", old, "--reason", "x", "--date", "2026-10-16"},
                  kExitUsage, "too late");
  const std::string id = OpenRequest("erasure", "2026-10-31");  // due 2026-11-30
  ExpectUnchanged({"gdpr", "request", "extend", id, "--reason", "x", "--months", "3", "--date",
                   "2026-11-01"},
                  kExitUsage, "--months");
  ExpectUnchanged({"gdpr", "request", "extend", id, "--reason", "x", "--date", "2026-10-30"},
                  kExitUsage, "before");
  ExpectUnchanged({"gdpr", "request", "close", id, "--outcome", "refused", "--date",
                   "2026-11-10"},
                  kExitUsage, "legal basis");
  ExpectUnchanged({"gdpr", "request", "close", id, "--date", "2026-10-30"}, kExitUsage,
                  "before it was received");
  ExpectUnchanged({"gdpr", "request", "close", id, "--possible-from", "2030-01-01", "--date",
                   "2026-11-10"},
                  kExitUsage, "only to a refused erasure");
  ExpectUnchanged({"gdpr", "request", "close", id, "--outcome", "lost", "--date", "2026-11-10"},
                  kExitUsage, "--outcome");
  ExpectUnchanged({"gdpr", "request", "close", id, "--date", "2099-11-10"}, kExitUsage,
                  "in the future");
  Write({"gdpr", "request", "extend", id, "--reason", "x", "--months", "2", "--date",
         "2026-11-10"});
  ExpectUnchanged({"gdpr", "request", "extend", id, "--reason", "x", "--date", "2026-11-10"},
                  kExitUsage, "received + 3 months");
  Write({"gdpr", "request", "close", id, "--date", "2026-11-20"});
  ExpectUnchanged({"gdpr", "request", "extend", id, "--reason", "x", "--date", "2026-11-20"},
                  kExitUsage, "was closed");
  ExpectUnchanged({"gdpr", "request", "close", id, "--date", "2026-11-21"}, kExitUsage,
                  "was closed");
}

TEST(GdprHelp, EveryCommandHasAnExample) {
  const std::vector<Args> commands = {
      {"purpose"},           {"purpose", "add"},          {"purpose", "list"},
      {"consent", "status"}, {"gdpr"},                    {"gdpr", "request"},
      {"gdpr", "request", "open"}, {"gdpr", "request", "extend"}, {"gdpr", "request", "close"},
      {"gdpr", "request", "list"}, {"gdpr", "request", "show"}};
  for (Args args : commands) {
    args.push_back("--help");
    RunResult r = Probity(args, {});
    EXPECT_EQ(r.exit_code, kExitOk) << r.Describe();
    EXPECT_TRUE(Has(r.out, "example")) << args[0] << " --help has no example\n" << r.Describe();
  }
  RunResult list = Probity({"gdpr", "request", "list", "--help"}, {});
  EXPECT_TRUE(Has(list.out, "exits with 4")) << list.Describe();
}

}  // namespace
}  // namespace probity::clitest
