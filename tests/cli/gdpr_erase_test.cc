// probity gdpr erase / purge-expired and donor correct, end to end: the real
// binary on a copy of the prepared ledger. GDPR requests are opened through
// the library (the register's CLI is another command's), as the register
// would write them.
#include <nlohmann/json.hpp>

#include "ledger/date.h"
#include "ledger/encoding.h"
#include "ledger/keyfile.h"
#include "ledger/ledger.h"
#include "tests/cli/cli_harness.h"

namespace probity::clitest {
namespace {

using nlohmann::json;

// A pack like fr-party-annual with a 30-day retention, so that a 2019 scope's
// retention has ended by now.
std::string ShortPack() {
  std::string text = ReadFile(std::string(PROBITY_SOURCE_DIR) +
                              "/policies/packs/fr-party-annual.toml");
  const auto swap = [&](const std::string& from, const std::string& to) {
    const std::size_t at = text.find(from);
    if (at != std::string::npos) text.replace(at, from.size(), to);
  };
  swap("id = \"fr-party-annual\"", "id = \"fr-party-short\"");
  swap("retention_days = 3653", "retention_days = 30");
  return text;
}

class GdprEraseTest : public PreparedLedgerTest {
 protected:
  // Opens the ledger and the signing key as the CLI does.
  std::unique_ptr<Ledger> OpenLibrary(NamedKey* key) {
    Result<std::unique_ptr<Ledger>> ledger =
        Ledger::Open(ws_.ledger, SecretBytes::FromString(kLedgerPassphrase), ProbityKdf());
    EXPECT_TRUE(ledger.ok()) << ledger.status().ToString();
    Result<NamedKey> k = ReadKeyFile(ws_.key, SecretBytes::FromString(kKeyPassphrase));
    EXPECT_TRUE(k.ok()) << k.status().ToString();
    *key = std::move(k).value();
    return std::move(ledger).value();
  }
  std::int64_t AppendOne(const EntryDraft& draft) {
    NamedKey key;
    std::unique_ptr<Ledger> ledger = OpenLibrary(&key);
    std::int64_t seq = -1;
    auto seqs = ledger->Append(key, [&](AppendBatch& batch) {
      PROBITY_ASSIGN_OR_RETURN(seq, batch.Add(draft));
      return Status::OK();
    });
    EXPECT_TRUE(seqs.ok()) << seqs.status().ToString();
    return seq;
  }
  std::int64_t OpenRequest(const std::string& subject, const char* type) {
    return AppendOne(EntryDraft{"request_opened", Json{{"subject", subject},
                                                       {"request_type", type},
                                                       {"received", "2026-11-10"},
                                                       {"channel", "email"},
                                                       {"due", "2026-12-10"}}});
  }
  // A donor whose only gift (2019, scope short-2019, 30-day retention) can be
  // erased now; returns the subject id.
  std::string AddExpiredDonor() {
    WriteFile(ws_.dir / "fr-party-short.toml", ShortPack());
    Env env = ws_.env;
    env["PROBITY_PACKS_DIR"] = ws_.dir.path();
    RunResult scope = Probity({"scope", "add", "short-2019", "--pack", "fr-party-short", "--from",
                               "2019-01-01", "--until", "2019-12-31"},
                              env);
    EXPECT_EQ(scope.exit_code, kExitOk) << scope.Describe();
    RunResult ana = Run({"donor", "add", "--name", "Ana Oldgift", "--nationality", "FR",
                         "--residence", "FR", "--address", "9 rue Ancienne, 75005 Paris"});
    EXPECT_EQ(ana.exit_code, kExitOk) << ana.Describe();
    const std::string subject = ana.out.substr(0, ana.out.size() - 1);
    RunResult gift = Run({"donation", "add", "--donor", subject, "--amount", "80.00",
                          "--currency", "EUR", "--method", "cheque", "--date", "2019-06-01",
                          "--scope", "short-2019"});
    EXPECT_EQ(gift.exit_code, kExitOk) << gift.Describe();
    return subject;
  }
  json LastEntry() {
    RunResult log = Run({"log", "--json"});
    EXPECT_EQ(log.exit_code, kExitOk) << log.Describe();
    json all = json::parse(log.out);
    return all.back()["entry"];
  }
  std::vector<std::string> Erase(const std::string& subject, std::int64_t request,
                                 const char* date = "2026-11-20") {
    return {"gdpr", "erase", "--subject", subject, "--request", std::to_string(request),
            "--date", date};
  }
};

TEST_F(GdprEraseTest, BadRequestsAreRefusedAndWriteNothing) {
  const Prepared& p = PreparedLedger();
  ExpectNothingWritten({"gdpr", "erase", "--subject", p.jeanne, "--date", "2026-11-20"},
                       kExitUsage, "gdpr request open --subject " + p.jeanne + " --type erasure");
  ExpectNothingWritten(Erase("S-00000000ff", 1), kExitUsage, "no donor S-00000000ff");
  ExpectNothingWritten(Erase("nobody", 1), kExitUsage, "--subject");
  ExpectNothingWritten(Erase(p.jeanne, 999), kExitUsage, "there is no GDPR request 999");
  ExpectNothingWritten(Erase(p.jeanne, p.gift_small_seq), kExitUsage,
                       "there is no GDPR request " + std::to_string(p.gift_small_seq));
  ExpectNothingWritten(Erase(p.jeanne, 1, "2026-13-01"), kExitUsage, "2026-13-01");
  ExpectNothingWritten(Erase(p.jeanne, 1, "2999-01-01"), kExitUsage, "after today");

  const std::int64_t access = OpenRequest(p.jeanne, "access");
  const std::int64_t pauls = OpenRequest(p.paul, "erasure");
  const std::int64_t withdrawn = OpenRequest(p.jeanne, "erasure");
  AppendOne(EntryDraft{"request_closed", Json{{"request_seq", withdrawn},
                                              {"subject", p.jeanne},
                                              {"date", "2026-11-11"},
                                              {"outcome", "withdrawn"}}});
  ExpectUnchanged(Erase(p.jeanne, access), kExitUsage, "of type access, not erasure");
  ExpectUnchanged(Erase(p.jeanne, pauls), kExitUsage, "was made by " + p.paul);
  ExpectUnchanged(Erase(p.jeanne, withdrawn), kExitUsage, "already closed (withdrawn");
  const std::int64_t open = OpenRequest(p.jeanne, "erasure");
  ExpectUnchanged(Erase(p.jeanne, open, "2026-11-09"), kExitUsage, "before request");
}

TEST_F(GdprEraseTest, ErasureDuringRetentionIsRefusedAndTheRefusalRecorded) {
  const Prepared& p = PreparedLedger();
  const std::int64_t request = OpenRequest(p.jeanne, "erasure");
  const LedgerState before = StateOf(ws_.ledger);
  RunResult r = Run(Erase(p.jeanne, request));
  EXPECT_EQ(r.exit_code, kExitRefused) << r.Describe();
  EXPECT_TRUE(r.out.empty()) << r.Describe();
  // The scope runs to the pack's end (2099-12-31): retention runs 3653 days
  // from that day, so erasure is possible the day after.
  const std::string from = FormatDate(AddDays(Date{2099, 12, 31}, 3654));
  EXPECT_TRUE(Has(r.err, "GDPR Art. 17(3)(b)")) << r.Describe();
  EXPECT_TRUE(Has(r.err, "Code de commerce, art. L123-22")) << r.Describe();
  EXPECT_TRUE(Has(r.err, "Ask again from " + from)) << r.Describe();
  EXPECT_TRUE(Has(r.err, "donation " + std::to_string(p.gift_small_seq))) << r.Describe();
  EXPECT_EQ(StateOf(ws_.ledger).entries, before.entries + 1);

  json closed = LastEntry();
  EXPECT_EQ(closed["kind"], "request_closed");
  EXPECT_EQ(closed["request_seq"], request);
  EXPECT_EQ(closed["subject"], p.jeanne);
  EXPECT_EQ(closed["outcome"], "refused");
  EXPECT_EQ(closed["possible_from"], from);
  EXPECT_TRUE(Has(closed["basis"].get<std::string>(), "Art. 17(3)(b)"));
  RunResult show = Run({"donor", "show", p.jeanne});
  EXPECT_TRUE(Has(show.out, "Jeanne Martin")) << show.Describe();  // not erased
  RunResult verify = Run({"verify"});
  EXPECT_EQ(verify.exit_code, kExitOk) << verify.Describe();
  // The refusal closed the request: asking again needs a new one.
  ExpectUnchanged(Erase(p.jeanne, request), kExitUsage, "already closed (refused");
}

TEST_F(GdprEraseTest, ErasureAfterRetentionShredsTheKeyAndEverythingStillWorks) {
  const Prepared& p = PreparedLedger();
  const std::string ana = AddExpiredDonor();
  const std::int64_t request = OpenRequest(ana, "erasure");
  RunResult r = Run(Erase(ana, request));
  ASSERT_EQ(r.exit_code, kExitOk) << r.Describe();
  json erasure = LastEntry();
  EXPECT_EQ(r.out, erasure["seq"].dump() + "\n");
  EXPECT_EQ(erasure["kind"], "erasure");
  EXPECT_EQ(erasure["subject"], ana);
  EXPECT_EQ(erasure["ground"], "request");
  EXPECT_EQ(erasure["request_seq"], request);
  EXPECT_FALSE(FileExists(ws_.ledger + "-wal") && !ReadFile(ws_.ledger + "-wal").empty());

  RunResult verify = Run({"verify"});
  EXPECT_EQ(verify.exit_code, kExitOk) << verify.Describe();
  RunResult show = Run({"donor", "show", ana});
  EXPECT_EQ(show.exit_code, kExitOk) << show.Describe();
  EXPECT_TRUE(Has(show.out, "erased")) << show.Describe();
  EXPECT_FALSE(Has(show.out, "Ana")) << show.Describe();
  RunResult list = Run({"donor", "list"});
  EXPECT_TRUE(Has(list.out, ana + "  person  (erased)")) << list.Describe();
  EXPECT_TRUE(Has(list.out, "Jeanne Martin")) << list.Describe();
  RunResult history = Run({"donor", "show", ana, "--history"});
  EXPECT_TRUE(Has(history.out, "erased")) << history.Describe();

  // Reports still run; the erased donor appears as erased, never by name.
  RunResult cnccfp =
      Run({"report", "cnccfp", "--scope", "short-2019", "--out", ws_.dir / "c.csv"});
  EXPECT_EQ(cnccfp.exit_code, kExitOk) << cnccfp.Describe();
  EXPECT_TRUE(Has(ReadFile(ws_.dir / "c.csv"), "(erased)"));
  EXPECT_FALSE(Has(ReadFile(ws_.dir / "c.csv"), "Ana"));
  RunResult summary = Run({"report", "summary", "--out", ws_.dir / "s.html"});
  EXPECT_EQ(summary.exit_code, kExitOk) << summary.Describe();
  EXPECT_FALSE(Has(ReadFile(ws_.dir / "s.html"), "Oldgift"));

  RunResult exported = Run({"export", "audit", "--out", ws_.dir / "a.probity"});
  ASSERT_EQ(exported.exit_code, kExitOk) << exported.Describe();
  const std::string bundle = ReadFile(ws_.dir / "a.probity");
  EXPECT_TRUE(Has(bundle, "disclosure " + ana + " erased\n"));
  EXPECT_FALSE(Has(bundle, "Oldgift"));
  RunResult offline = Probity({"verify", ws_.dir / "a.probity", "--trust", p.verifier_key}, {});
  EXPECT_EQ(offline.exit_code, kExitOk) << offline.Describe();

  // Nothing new about an erased person; erasing twice is an error.
  ExpectUnchanged({"donation", "add", "--donor", ana, "--amount", "10.00", "--currency", "EUR",
                   "--method", "cheque", "--date", "2026-11-20", "--scope", kScope},
                  kExitUsage, "was erased");
  ExpectUnchanged({"consent", "grant", "--donor", ana, "--purpose", "newsletter", "--text", "ok",
                   "--date", "2026-11-20"},
                  kExitUsage, "was erased on 2026-11-20");
  ExpectUnchanged({"donor", "correct", ana, "--address", "1 rue Neuve"}, kExitUsage,
                  "was erased on 2026-11-20");
  const std::int64_t again = OpenRequest(ana, "erasure");
  ExpectUnchanged(Erase(ana, again), kExitUsage, "already erased on 2026-11-20");
}

TEST_F(GdprEraseTest, PurgeExpiredErasesOnlyWhoseRetentionEnded) {
  const Prepared& p = PreparedLedger();
  const std::string ana = AddExpiredDonor();
  RunResult bob = Run({"donor", "add", "--name", "Bob Nogift", "--nationality", "FR"});
  ASSERT_EQ(bob.exit_code, kExitOk) << bob.Describe();
  const std::string bob_id = bob.out.substr(0, bob.out.size() - 1);

  ExpectUnchanged({"gdpr", "purge-expired", "--as-of", "2999-01-01"}, kExitUsage, "after today");
  ExpectUnchanged({"gdpr", "purge-expired", "--as-of", "2026-02-30"}, kExitUsage, "2026-02-30");
  const LedgerState before = StateOf(ws_.ledger);
  RunResult dry = Run({"gdpr", "purge-expired", "--as-of", "2026-11-20", "--dry-run"});
  ASSERT_EQ(dry.exit_code, kExitOk) << dry.Describe();
  EXPECT_EQ(StateOf(ws_.ledger), before) << "a dry run wrote";
  EXPECT_TRUE(Has(dry.out, "would erase " + ana + "  retention ended: donation")) << dry.Describe();
  EXPECT_TRUE(Has(dry.out, "keep " + p.jeanne + "  kept: GDPR Art. 17(3)(b)")) << dry.Describe();
  EXPECT_TRUE(Has(dry.out, "keep " + p.paul)) << dry.Describe();
  EXPECT_TRUE(Has(dry.out, "keep " + bob_id + "  kept: no donation and no consent"))
      << dry.Describe();
  // Before the 2019 scope's retention ended (2019-12-31 + 30 days), Ana is kept too.
  RunResult early = Run({"gdpr", "purge-expired", "--as-of", "2020-01-30", "--dry-run"});
  EXPECT_TRUE(Has(early.out, "keep " + ana + "  kept:")) << early.Describe();
  EXPECT_TRUE(Has(early.out, "erasure is possible from 2020-01-31")) << early.Describe();

  RunResult purge = Run({"gdpr", "purge-expired", "--as-of", "2026-11-20", "--json"});
  ASSERT_EQ(purge.exit_code, kExitOk) << purge.Describe();
  json items = json::parse(purge.out);
  ASSERT_EQ(items.size(), 4u);
  int erased = 0;
  for (const json& item : items) {
    if (item["erase"] == true) {
      ++erased;
      EXPECT_EQ(item["subject"], ana);
      EXPECT_TRUE(item.contains("seq"));
    }
  }
  EXPECT_EQ(erased, 1);
  json erasure = LastEntry();
  EXPECT_EQ(erasure["kind"], "erasure");
  EXPECT_EQ(erasure["subject"], ana);
  EXPECT_EQ(erasure["ground"], "retention-ended");
  EXPECT_EQ(erasure["date"], "2026-11-20");
  EXPECT_FALSE(erasure.contains("request_seq"));
  EXPECT_EQ(Run({"verify"}).exit_code, kExitOk);
  // Once more: nothing left to erase, nothing written.
  const LedgerState after = StateOf(ws_.ledger);
  RunResult again = Run({"gdpr", "purge-expired", "--as-of", "2026-11-20"});
  EXPECT_EQ(again.exit_code, kExitOk) << again.Describe();
  EXPECT_FALSE(Has(again.out, ana)) << again.Describe();
  EXPECT_EQ(StateOf(ws_.ledger).entries, after.entries);
}

// `donor add` warns (stderr, exit 0, the new id alone on stdout) about donors
// whose name IN FORCE is the same, and a rectified name moves the warning.
TEST_F(GdprEraseTest, DonorAddWarnsAboutTheNameInForce) {
  const Prepared& p = PreparedLedger();
  RunResult twin = Run({"donor", "add", "--name", "  JEANNE   martin"});
  ASSERT_EQ(twin.exit_code, kExitOk) << twin.Describe();
  const std::string twin_id = twin.out.substr(0, twin.out.size() - 1);
  EXPECT_TRUE(Has(twin.err, "warning: " + p.jeanne +
                                " has the same name; if this is the same "
                                "person, use " +
                                p.jeanne))
      << twin.Describe();
  EXPECT_EQ(twin.out.find('\n'), twin.out.size() - 1) << twin.Describe();
  RunResult other = Run({"donor", "add", "--name", "Jeanne Martine"});
  ASSERT_EQ(other.exit_code, kExitOk) << other.Describe();
  EXPECT_FALSE(Has(other.err, "warning")) << other.Describe();

  ASSERT_EQ(Run({"donor", "correct", p.jeanne, "--name", "Jeanne Dupont"}).exit_code, kExitOk);
  RunResult old_name = Run({"donor", "add", "--name", "Jeanne Martin"});
  ASSERT_EQ(old_name.exit_code, kExitOk) << old_name.Describe();
  EXPECT_FALSE(Has(old_name.err, p.jeanne)) << old_name.Describe();
  EXPECT_TRUE(Has(old_name.err, "warning: " + twin_id + " has the same name"))
      << old_name.Describe();
  RunResult new_name = Run({"donor", "add", "--name", "jeanne dupont"});
  ASSERT_EQ(new_name.exit_code, kExitOk) << new_name.Describe();
  EXPECT_TRUE(Has(new_name.err, "warning: " + p.jeanne + " has the same name"))
      << new_name.Describe();
  EXPECT_EQ(Run({"verify"}).exit_code, kExitOk);
}

TEST_F(GdprEraseTest, RectificationShowsTheNewDataAndKeepsTheOld) {
  const Prepared& p = PreparedLedger();
  const std::int64_t request = OpenRequest(p.jeanne, "rectification");
  RunResult r = Run({"donor", "correct", p.jeanne, "--address", "5 quai Neuf, 69002 Lyon",
                     "--email", "", "--request", std::to_string(request)});
  ASSERT_EQ(r.exit_code, kExitOk) << r.Describe();
  json corrected = LastEntry();
  EXPECT_EQ(r.out, corrected["seq"].dump() + "\n");
  EXPECT_EQ(corrected["kind"], "donor_corrected");
  EXPECT_EQ(corrected["request_seq"], request);
  EXPECT_FALSE(Has(corrected.dump(), "quai")) << "personal data is sealed";

  RunResult show = Run({"donor", "show", p.jeanne, "--json"});
  json d = json::parse(show.out);
  EXPECT_EQ(d["pii"]["address"], "5 quai Neuf, 69002 Lyon");
  EXPECT_EQ(d["pii"]["name"], "Jeanne Martin");
  EXPECT_FALSE(d["pii"].contains("email"));
  RunResult history = Run({"donor", "show", p.jeanne, "--history", "--json"});
  json h = json::parse(history.out);
  ASSERT_EQ(h.size(), 2u) << history.Describe();
  EXPECT_EQ(h[0]["pii"]["address"], "12 rue des Lilas, 69003 Lyon");
  EXPECT_EQ(h[0]["pii"]["email"], "jeanne@example.org");
  EXPECT_EQ(h[1]["kind"], "donor_corrected");
  EXPECT_EQ(h[1]["pii"]["address"], "5 quai Neuf, 69002 Lyon");
  EXPECT_EQ(Run({"verify"}).exit_code, kExitOk);

  // The audit bundle discloses the data in force, and verifies.
  RunResult exported = Run({"export", "audit", "--out", ws_.dir / "a.probity"});
  ASSERT_EQ(exported.exit_code, kExitOk) << exported.Describe();
  EXPECT_TRUE(Has(ReadFile(ws_.dir / "a.probity"), "5 quai Neuf"));
  RunResult offline = Probity({"verify", ws_.dir / "a.probity", "--trust", p.verifier_key}, {});
  EXPECT_EQ(offline.exit_code, kExitOk) << offline.Describe();

  ExpectUnchanged({"donor", "correct", p.jeanne}, kExitUsage, "give the fields");
  ExpectUnchanged({"donor", "correct", p.jeanne, "--address", "5 quai Neuf, 69002 Lyon"},
                  kExitUsage, "nothing to rectify");
  ExpectUnchanged({"donor", "correct", p.jeanne, "--nationality", "France"}, kExitUsage,
                  "--nationality");
  ExpectUnchanged({"donor", "correct", p.jeanne, "--name", ""}, kExitUsage, "--name");
  const std::int64_t access = OpenRequest(p.jeanne, "access");
  ExpectUnchanged({"donor", "correct", p.jeanne, "--city", "x", "--request",
                   std::to_string(access)},
                  kExitUsage, "of type access, not rectification");
  ExpectUnchanged({"donor", "correct", "S-00000000ff", "--city", "x"}, kExitUsage, "no donor");
}

TEST_F(GdprEraseTest, RectificationOfAPristineLedgerWritesNothingOnBadInput) {
  const Prepared& p = PreparedLedger();
  ExpectNothingWritten({"donor", "correct", p.jeanne, "--address", "12 rue des Lilas, 69003 Lyon"},
                       kExitUsage, "nothing to rectify");
  ExpectNothingWritten({"donor", "correct", p.jeanne, "--city", "Lyon", "--request", "999"},
                       kExitUsage, "no GDPR request 999");
  ExpectNothingWritten({"donor", "correct", "nobody", "--city", "Lyon"}, kExitUsage, "nobody");
}

}  // namespace
}  // namespace probity::clitest
