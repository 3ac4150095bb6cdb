// The main job, as the README shows it: init, donors, donations, refunds,
// consents, then log, checkpoint and verify, each output checked as a script
// would read it (ids alone on stdout, --json that parses).
#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <sstream>

#include "ledger/encoding.h"
#include "tests/cli/cli_harness.h"

namespace probity::clitest {
namespace {

using nlohmann::json;

json ParseJson(const RunResult& r) {
  json j = json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << "stdout is not JSON\n" << r.Describe();
  return j;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

TEST(InitCommand, CreatesALedgerPrintsItsIdAndNeverOverwrites) {
  const Prepared& p = PreparedLedger();
  ASSERT_TRUE(p.error.empty()) << p.error;
  // The prepared ledger's init printed its id alone on stdout.
  EXPECT_TRUE(std::regex_match(p.ledger_id, std::regex("[0-9a-f]{32}"))) << p.ledger_id;

  TempDir dir;
  CopyFile(p.key, dir / "treasurer.key");
  CopyFile(p.key_pass, dir / "key.pass");
  CopyFile(p.ledger_pass, dir / "ledger.pass");
  const Env env{{"PROBITY_LEDGER", dir / "new.ledger"},
                {"PROBITY_PASSPHRASE_FILE", dir / "ledger.pass"},
                {"PROBITY_KEY", dir / "treasurer.key"},
                {"PROBITY_KEY_PASSPHRASE_FILE", dir / "key.pass"}};
  RunResult init = Probity({"init"}, env);
  ASSERT_EQ(init.exit_code, kExitOk) << init.Describe();
  EXPECT_TRUE(std::regex_match(init.out, std::regex("[0-9a-f]{32}\n"))) << init.Describe();
  EXPECT_TRUE(Has(init.err, "created ledger")) << init.Describe();
  EXPECT_EQ(FileMode(dir / "new.ledger"), 0600u);
  const std::string id = init.out.substr(0, 32);

  const std::string before = FileSha256Hex(dir / "new.ledger");
  RunResult again = Probity({"init", "--origin", "example.org/other"}, env);
  EXPECT_EQ(again.exit_code, kExitUsage) << again.Describe();
  EXPECT_TRUE(Has(again.err, "already exists")) << again.Describe();
  EXPECT_TRUE(again.out.empty()) << again.Describe();
  EXPECT_EQ(FileSha256Hex(dir / "new.ledger"), before);

  RunResult verify = Probity({"verify", "--json"}, env);
  ASSERT_EQ(verify.exit_code, kExitOk) << verify.Describe();
  json v = ParseJson(verify);
  EXPECT_EQ(v["ok"], true);
  EXPECT_EQ(v["entries"], 1);
  EXPECT_EQ(v["origin"], "probity/" + id) << "the default origin is probity/<ledger id>";
}

TEST(InitCommand, RefusesABadOriginBeforeCreatingAnything) {
  TempDir dir;
  RunResult r = Probity({"init", "--origin", "bad\norigin"},
                        {{"PROBITY_LEDGER", dir / "x.ledger"}});
  EXPECT_EQ(r.exit_code, kExitUsage) << r.Describe();
  EXPECT_FALSE(FileExists(dir / "x.ledger"));
}

class HappyPathTest : public PreparedLedgerTest {};

TEST_F(HappyPathTest, DonorListAndShowDecryptTheFields) {
  const Prepared& p = PreparedLedger();
  RunResult list = Run({"--json", "donor", "list"});
  ASSERT_EQ(list.exit_code, kExitOk) << list.Describe();
  json donors = ParseJson(list);
  ASSERT_TRUE(donors.is_array());
  ASSERT_EQ(donors.size(), 2u);
  EXPECT_EQ(donors[0]["subject"], p.jeanne);
  EXPECT_EQ(donors[0]["pii"]["name"], "Jeanne Martin");
  EXPECT_EQ(donors[1]["subject"], p.paul);
  EXPECT_EQ(donors[1]["pii"]["address"], "3 place du Marché, 33000 Bordeaux");
  EXPECT_EQ(donors[1]["donor_type"], "person");

  RunResult show = Run({"donor", "show", p.jeanne, "--json"});
  ASSERT_EQ(show.exit_code, kExitOk) << show.Describe();
  json d = ParseJson(show);
  EXPECT_EQ(d["subject"], p.jeanne);
  ASSERT_TRUE(d["seq"].is_number_integer()) << show.Describe();
  EXPECT_LT(d["seq"].get<std::int64_t>(), p.gift_small_seq);
  EXPECT_EQ(d["pii"]["email"], "jeanne@example.org");
  EXPECT_EQ(d["pii"]["nationality"], "FR");

  RunResult text = Run({"donor", "show", p.paul});
  ASSERT_EQ(text.exit_code, kExitOk) << text.Describe();
  EXPECT_TRUE(Has(text.out, "Paul Durand")) << text.Describe();
  // Paul was registered right after Jeanne.
  EXPECT_TRUE(Has(text.out, "(entry " + std::to_string(d["seq"].get<std::int64_t>() + 1) + ")"))
      << text.Describe();
  EXPECT_TRUE(Has(text.out, "3 place du Marché")) << text.Describe();
}

TEST_F(HappyPathTest, PersonalDataIsNotInTheLedgerInClear) {
  // The file is encrypted as a whole, and names live in per-subject boxes.
  const std::string bytes = ReadFile(ws_.ledger);
  EXPECT_FALSE(Has(bytes, "Jeanne")) << "a donor's name is readable in the ledger file";
  EXPECT_FALSE(Has(bytes, "donation")) << "entry kinds are readable in the ledger file";
}

TEST_F(HappyPathTest, DonorAddPrintsTheIdAloneAndWarnsOfADuplicateName) {
  const Prepared& p = PreparedLedger();
  RunResult add = Run({"donor", "add", "--name", "Jeanne Martin", "--nationality", "FR",
                       "--residence", "FR", "--address", "1 rue de la Paix, 75002 Paris"});
  ASSERT_EQ(add.exit_code, kExitOk) << add.Describe();
  EXPECT_TRUE(std::regex_match(add.out, std::regex("S-[0-9a-f]{10}\n"))) << add.Describe();
  EXPECT_NE(add.out, p.jeanne + "\n") << "a new donor gets a new id";
  EXPECT_TRUE(Has(add.err, "warning")) << add.Describe();
  EXPECT_TRUE(Has(add.err, p.jeanne)) << "the warning names the other donor\n" << add.Describe();
  EXPECT_EQ(CountEntries(ws_.ledger), p.entries + 1);
}

TEST_F(HappyPathTest, DonationListShowsAmountsAndRefunds) {
  const Prepared& p = PreparedLedger();
  RunResult list = Run({"donation", "list", "--json"});
  ASSERT_EQ(list.exit_code, kExitOk) << list.Describe();
  json all = ParseJson(list);
  ASSERT_TRUE(all.is_array());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]["seq"], p.gift_small_seq);
  EXPECT_EQ(all[0]["subject"], p.jeanne);
  EXPECT_EQ(all[0]["amount_minor"], 15000);
  EXPECT_EQ(all[0]["refunded_minor"], 0);
  EXPECT_EQ(all[0]["method"], "cheque");
  EXPECT_EQ(all[1]["amount_minor"], 120000);
  EXPECT_EQ(all[1]["refunded_minor"], 20000);
  EXPECT_EQ(all[1]["currency"], "EUR");
  EXPECT_EQ(all[1]["date"], "2026-11-05");
  EXPECT_EQ(all[1]["scope"], kScope);

  RunResult by_donor = Run({"donation", "list", "--donor", p.paul});
  ASSERT_EQ(by_donor.exit_code, kExitOk) << by_donor.Describe();
  EXPECT_EQ(Lines(by_donor.out).size(), 1u) << by_donor.Describe();
  EXPECT_TRUE(Has(by_donor.out, "1,200.00 EUR")) << by_donor.Describe();
  EXPECT_TRUE(Has(by_donor.out, "refunded 200.00 EUR")) << by_donor.Describe();
}

TEST_F(HappyPathTest, DonationRefundConsentGrantAndWithdraw) {
  const Prepared& p = PreparedLedger();
  RunResult gift = Run({"donation", "add", "--donor", p.paul, "--amount", "4600.50",
                        "--currency", "EUR", "--method", "card", "--date", "2026-12-01",
                        "--scope", kScope});
  ASSERT_EQ(gift.exit_code, kExitOk) << gift.Describe();
  const std::string gift_seq = std::to_string(p.entries);
  EXPECT_EQ(gift.out, gift_seq + "\n");
  RunResult refund = Run({"refund", "--donation", gift_seq, "--amount", "4600.50", "--currency",
                          "EUR", "--date", "2026-12-02", "--reason", "over the cap"});
  ASSERT_EQ(refund.exit_code, kExitOk) << refund.Describe();
  EXPECT_EQ(refund.out, std::to_string(p.entries + 1) + "\n");
  RunResult withdraw = Run({"consent", "withdraw", "--donor", p.jeanne, "--purpose",
                            "newsletter", "--date", "2026-12-03"});
  ASSERT_EQ(withdraw.exit_code, kExitOk) << withdraw.Describe();
  EXPECT_EQ(withdraw.out, std::to_string(p.entries + 2) + "\n");
  EXPECT_EQ(CountEntries(ws_.ledger), p.entries + 3);

  // Withdrawn once, there is nothing left to withdraw.
  const LedgerState before = StateOf(ws_.ledger);
  RunResult twice = Run({"consent", "withdraw", "--donor", p.jeanne, "--purpose", "newsletter",
                         "--date", "2026-12-04"});
  EXPECT_EQ(twice.exit_code, kExitUsage) << twice.Describe();
  EXPECT_EQ(StateOf(ws_.ledger), before);

  RunResult verify = Run({"verify", "--json"});
  ASSERT_EQ(verify.exit_code, kExitOk) << verify.Describe();
  json v = ParseJson(verify);
  EXPECT_EQ(v["ok"], true);
  EXPECT_EQ(v["entries"], p.entries + 3);
}

TEST_F(HappyPathTest, LogListsEveryEntryAndFiltersByKind) {
  const Prepared& p = PreparedLedger();
  RunResult log = Run({"log", "--json"});
  ASSERT_EQ(log.exit_code, kExitOk) << log.Describe();
  json all = ParseJson(log);
  ASSERT_TRUE(all.is_array());
  ASSERT_EQ(all.size(), static_cast<std::size_t>(p.entries));
  std::map<std::int64_t, std::string> kinds = {{0, "ledger_created"},
                                                {p.gift_small_seq, "donation"},
                                                {p.gift_large_seq, "donation"},
                                                {p.refund_seq, "refund"},
                                                {p.consent_seq, "consent"}};
  for (std::size_t i = 0; i < all.size(); ++i) {
    const json& e = all[i];
    EXPECT_EQ(e["entry"]["seq"], i);
    const auto seq = static_cast<std::int64_t>(i);
    if (kinds.count(seq) != 0) {
      EXPECT_EQ(e["entry"]["kind"], kinds[seq]) << "entry " << i;
    }
    ASSERT_TRUE(e["body"].is_string());
    EXPECT_EQ(json::parse(e["body"].get<std::string>()), e["entry"]);
    EXPECT_EQ(e["leaf_hash"].get<std::string>().size(), 64u);
    EXPECT_EQ(e["sig"].get<std::string>().size(), 88u);
    if (i > 0) {
      EXPECT_EQ(e["entry"]["prev"], all[i - 1]["leaf_hash"]);
    }
  }
  EXPECT_EQ(all[0]["entry"]["origin"], kOrigin);
  EXPECT_FALSE(Has(log.out, "Jeanne")) << "names are never in an entry";

  RunResult donations = Run({"log", "--kind", "donation", "--json"});
  ASSERT_EQ(donations.exit_code, kExitOk) << donations.Describe();
  json d = ParseJson(donations);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0]["entry"]["seq"], p.gift_small_seq);
  EXPECT_EQ(d[1]["entry"]["seq"], p.gift_large_seq);

  RunResult refunds = Run({"log", "--kind", "refund"});
  ASSERT_EQ(refunds.exit_code, kExitOk) << refunds.Describe();
  ASSERT_EQ(Lines(refunds.out).size(), 1u) << refunds.Describe();
  EXPECT_EQ(refunds.out.rfind(std::to_string(p.refund_seq) + "  ", 0), 0u) << refunds.Describe();
  EXPECT_TRUE(Has(refunds.out, "donation_seq=" + std::to_string(p.gift_large_seq)))
      << refunds.Describe();
}

TEST_F(HappyPathTest, CheckpointIsAC2spSignedNote) {
  RunResult cp = Run({"checkpoint"});
  ASSERT_EQ(cp.exit_code, kExitOk) << cp.Describe();
  const std::vector<std::string> lines = Lines(cp.out);
  ASSERT_EQ(lines.size(), 5u) << cp.Describe();
  EXPECT_EQ(lines[0], kOrigin);
  EXPECT_EQ(lines[1], std::to_string(PreparedLedger().entries));
  Result<Bytes> root = Base64Decode(lines[2]);
  ASSERT_TRUE(root.ok()) << lines[2];
  EXPECT_EQ(root->size(), 32u);
  EXPECT_EQ(lines[3], "");
  EXPECT_EQ(lines[4].rfind("\xe2\x80\x94 treasurer ", 0), 0u) << lines[4];
  Result<Bytes> sig = Base64Decode(lines[4].substr(lines[4].rfind(' ') + 1));
  ASSERT_TRUE(sig.ok()) << lines[4];
  EXPECT_EQ(sig->size(), 4u + 64u) << "key hash and Ed25519 signature";

  RunResult cpj = Run({"checkpoint", "--json"});
  ASSERT_EQ(cpj.exit_code, kExitOk) << cpj.Describe();
  json j = ParseJson(cpj);
  EXPECT_EQ(j["origin"], kOrigin);
  EXPECT_EQ(j["tree_size"], PreparedLedger().entries);
  EXPECT_EQ(j["root_hash"], lines[2]);
  EXPECT_EQ(j["note"], cp.out);
}

TEST_F(HappyPathTest, VerifyPasses) {
  RunResult text = Run({"verify"});
  ASSERT_EQ(text.exit_code, kExitOk) << text.Describe();
  EXPECT_EQ(text.out.rfind(std::string("ok: ") + kOrigin + ": " +
                               std::to_string(PreparedLedger().entries) + " entries", 0),
            0u)
      << text.Describe();

  RunResult j = Run({"verify", "--json"});
  ASSERT_EQ(j.exit_code, kExitOk) << j.Describe();
  json v = ParseJson(j);
  EXPECT_EQ(v["ok"], true);
  EXPECT_EQ(v["entries"], PreparedLedger().entries);
  // One checkpoint per command; `scope add` writes two entries at once.
  EXPECT_GE(v["checkpoints"], 1);
  EXPECT_LE(v["checkpoints"], PreparedLedger().entries);
  EXPECT_EQ(v["signers"], 1);
  EXPECT_EQ(v["origin"], kOrigin);
  EXPECT_FALSE(v.contains("error"));
}

}  // namespace
}  // namespace probity::clitest
