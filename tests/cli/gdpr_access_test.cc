// `probity gdpr access` through the binary: the answer folder, a proof from it
// checked with `probity verify-proof` on a machine without the ledger, a
// request closed as answered, and bad input (unknown subject, requests that do
// not exist, are another person's, of another type or closed; a folder that
// is not empty) refused with its exit code and nothing written.
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "ledger/crypto.h"
#include "ledger/date.h"
#include "ledger/keyfile.h"
#include "ledger/ledger.h"
#include "ledger/requests.h"
#include "tests/cli/cli_harness.h"

namespace probity::clitest {
namespace {

using nlohmann::json;

class GdprAccessCliTest : public PreparedLedgerTest {
 protected:
  // The request register's command is another part of the work: requests are
  // opened here through the ledger API, as that command will write them.
  std::int64_t OpenRequest(const std::string& subject, const char* type) {
    auto ledger = Ledger::Open(ws_.ledger, SecretBytes::FromString(kLedgerPassphrase),
                               ProbityKdf());
    EXPECT_TRUE(ledger.ok()) << ledger.status().ToString();
    auto key = ReadKeyFile(ws_.key, SecretBytes::FromString(kKeyPassphrase));
    EXPECT_TRUE(key.ok()) << key.status().ToString();
    std::int64_t seq = -1;
    auto added = (*ledger)->Append(*key, [&](AppendBatch& batch) {
      EntryDraft d{"request_opened",
                   {{"subject", subject}, {"request_type", type}, {"received", "2026-06-01"},
                    {"channel", "email"}, {"due", "2026-07-01"}}};
      PROBITY_ASSIGN_OR_RETURN(seq, batch.Add(d));
      return Status::OK();
    });
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    prepared_entries_ = CountEntries(ws_.ledger);
    return seq;
  }
  // ExpectUnchanged (the copy may hold added requests), and no answer
  // folder created, or nothing put into an existing one.
  void ExpectRefused(const std::vector<std::string>& args, int exit_code,
                     const std::string& problem, const std::string& dir) {
    const bool existed = FileExists(dir);
    ExpectUnchanged(args, exit_code, problem);
    if (existed) {
      EXPECT_FALSE(FileExists(dir + "/data.json"));
    } else {
      EXPECT_FALSE(FileExists(dir)) << "a refused answer left a folder";
    }
  }
  std::vector<std::string> Access(const std::string& subject, const std::string& dir,
                                  std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"gdpr", "access", "--subject", subject, "--out", dir};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  std::int64_t prepared_entries_ = -1;
};

TEST_F(GdprAccessCliTest, AnswerRoundTripWithAProofCheckedOffline) {
  const Prepared& p = PreparedLedger();
  const std::string dir = ws_.dir / "answer";
  RunResult r = Run(Access(p.jeanne, dir, {"--lang", "fr", "--date", "2026-06-10"}));
  ASSERT_EQ(r.exit_code, kExitOk) << r.Describe();
  EXPECT_TRUE(r.out.empty()) << "a read: nothing created, no id printed\n" << r.Describe();
  EXPECT_TRUE(Has(r.err, "wrote the access answer for " + p.jeanne)) << r.Describe();
  EXPECT_EQ(CountEntries(ws_.ledger), p.entries) << "without --request nothing is appended";
  EXPECT_EQ(FileMode(dir), 0700u);
  EXPECT_EQ(FileMode(dir + "/data.json"), 0600u);
  EXPECT_EQ(FileMode(dir + "/index.html"), 0600u);

  json d = json::parse(ReadFile(dir + "/data.json"));
  EXPECT_EQ(d["subject"], p.jeanne);
  EXPECT_EQ(d["personal_data"]["fields"]["name"], "Jeanne Martin");
  EXPECT_EQ(d["donations"].size(), 1u);
  EXPECT_EQ(d["consents"][0]["seq"], p.consent_seq);
  EXPECT_EQ(d["ledger"]["origin"], kOrigin);
  EXPECT_EQ(d["ledger"]["trust"], p.verifier_key);
  EXPECT_FALSE(Has(ReadFile(dir + "/data.json"), "Paul"));
  EXPECT_FALSE(Has(ReadFile(dir + "/data.json"), p.paul));
  const std::string html = ReadFile(dir + "/index.html");
  EXPECT_TRUE(Has(html, "<html lang=\"fr\">")) << html.substr(0, 200);
  EXPECT_TRUE(Has(html, "CNCCFP"));

  // The person checks one proof with nothing but the two files and the
  // campaign's published origin and key.
  const std::string seq = std::to_string(p.gift_small_seq);
  RunResult v = Probity({"verify-proof", dir + "/proofs/" + seq + ".tlog-proof", "--entry",
                         dir + "/proofs/" + seq + ".json", "--origin", kOrigin, "--trust",
                         p.verifier_key},
                        {});
  ASSERT_EQ(v.exit_code, kExitOk) << v.Describe();
  EXPECT_TRUE(Has(v.out, "ok: entry " + seq + " is in " + kOrigin)) << v.Describe();
  // Another person's entry does not pass as hers.
  RunResult wrong = Probity({"verify-proof", dir + "/proofs/" + seq + ".tlog-proof", "--entry",
                             dir + "/proofs/" + std::to_string(p.consent_seq) + ".json",
                             "--origin", kOrigin, "--trust", p.verifier_key},
                            {});
  EXPECT_EQ(wrong.exit_code, kExitVerification) << wrong.Describe();
}

TEST_F(GdprAccessCliTest, RequestIsClosedAsAnswered) {
  const Prepared& p = PreparedLedger();
  const std::int64_t req = OpenRequest(p.jeanne, "access");
  const std::string dir = ws_.dir / "answer";
  RunResult r = Run(Access(p.jeanne, dir, {"--request", std::to_string(req), "--date",
                                           "2026-06-10"}));
  ASSERT_EQ(r.exit_code, kExitOk) << r.Describe();
  EXPECT_EQ(r.out, std::to_string(prepared_entries_) + "\n") << "the closing entry's number";
  EXPECT_EQ(CountEntries(ws_.ledger), prepared_entries_ + 1);
  const std::string sha = FileSha256Hex(dir + "/data.json");
  EXPECT_TRUE(Has(r.err, sha)) << r.Describe();
  RunResult log = Run({"log", "--json"});
  ASSERT_EQ(log.exit_code, kExitOk) << log.Describe();
  json entries = json::parse(log.out);
  const json& closing = entries.back()["entry"];
  EXPECT_EQ(closing["kind"], "request_closed");
  EXPECT_EQ(closing["request_seq"], req);
  EXPECT_EQ(closing["outcome"], "answered");
  EXPECT_EQ(closing["answer_sha256"], sha);
  EXPECT_EQ(closing["date"], "2026-06-10");
  EXPECT_EQ(json::parse(ReadFile(dir + "/data.json"))["request"]["seq"], req);

  // Answered once: the same request cannot be closed twice.
  ExpectRefused(Access(p.jeanne, ws_.dir / "again", {"--request", std::to_string(req)}),
                kExitUsage, "was already closed (answered, 2026-06-10", ws_.dir / "again");
  RunResult v = Run({"verify"});
  EXPECT_EQ(v.exit_code, kExitOk) << v.Describe();
}

TEST_F(GdprAccessCliTest, BadRequestsAreRefusedWithNothingWritten) {
  const Prepared& p = PreparedLedger();
  const std::int64_t erase = OpenRequest(p.jeanne, "erasure");
  const std::int64_t pauls = OpenRequest(p.paul, "portability");
  const std::string dir = ws_.dir / "answer";
  ExpectRefused(Access(p.jeanne, dir, {"--request", "999"}), kExitUsage,
                "there is no GDPR request 999", dir);
  ExpectRefused(Access(p.jeanne, dir, {"--request", std::to_string(p.gift_small_seq)}),
                kExitUsage, "there is no GDPR request", dir);
  ExpectRefused(Access(p.jeanne, dir, {"--request", std::to_string(pauls)}), kExitUsage,
                "was made by " + p.paul, dir);
  ExpectRefused(Access(p.jeanne, dir, {"--request", std::to_string(erase)}), kExitUsage,
                "is of type erasure", dir);
  ExpectRefused(Access(p.paul, dir, {"--request", std::to_string(pauls), "--date",
                                     "2026-05-31"}),
                kExitUsage, "before request", dir);
}

TEST_F(GdprAccessCliTest, BadSubjectsFoldersAndOptionsAreRefused) {
  const Prepared& p = PreparedLedger();
  const std::string dir = ws_.dir / "answer";
  ExpectRefused(Access("S-0000000000", dir), kExitUsage, "no donor S-0000000000", dir);
  ExpectRefused(Access("jeanne", dir), kExitUsage, "--subject", dir);
  ExpectRefused(Access(p.jeanne, dir, {"--lang", "de"}), kExitUsage, "--lang must be en or fr",
                dir);
  ExpectRefused(Access(p.jeanne, dir, {"--date", "2026-02-30"}), kExitUsage, "--date", dir);
  ExpectRefused(Access(p.jeanne, dir, {"--request", "-1"}), kExitUsage, "--request", dir);

  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  WriteFile(dir + "/keep.txt", "mine");
  ExpectRefused(Access(p.jeanne, dir), kExitUsage, "is not an empty folder", dir);
  EXPECT_EQ(ReadFile(dir + "/keep.txt"), "mine");
  const std::string file = ws_.dir / "a-file";
  WriteFile(file, "x");
  ExpectRefused(Access(p.jeanne, file), kExitUsage, "is not an empty folder", file);
  EXPECT_EQ(ReadFile(file), "x");

  const std::string empty = ws_.dir / "empty";
  ASSERT_EQ(mkdir(empty.c_str(), 0755), 0);
  RunResult ok = Run(Access(p.jeanne, empty));
  EXPECT_EQ(ok.exit_code, kExitOk) << ok.Describe();
  EXPECT_EQ(FileMode(empty), 0700u);
}

}  // namespace
}  // namespace probity::clitest
