// Policy packs through the probity binary, as a treasurer would use them:
// scopes bound to packs, donations decided before they are written (the
// issue's 4,800 EUR example), `check` that never writes, obligations listed,
// resolved and cured by refunds, for the French, US and UK packs.
//
// Each test works on its own copy of the prepared ledger and reuses it for a
// whole story; every refusal is checked to leave the file byte for byte as it
// was (entry count and SHA-256).
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/cli/cli_harness.h"

namespace probity::clitest {
namespace {

using nlohmann::json;
using Args = std::vector<std::string>;

constexpr const char* kFrPack = "fr-candidate-2027-presidential";
constexpr const char* kUsPack = "us-fec-2025-2026-candidate";
constexpr const char* kUkPack = "uk-ppera-party";

json ParsePolicyJson(const RunResult& r) {
  json j = json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << "stdout is not JSON\n" << r.Describe();
  return j;
}

class PolicyTest : public PreparedLedgerTest {
 protected:
  // Runs a command that must succeed; returns stdout without its last newline.
  std::string Ok(const Args& args, RunResult* result = nullptr) {
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, kExitOk) << Command(args) << r.Describe();
    if (result != nullptr) *result = r;
    if (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
    return r.out;
  }
  // A write that must print an entry number alone on stdout.
  std::int64_t OkSeq(const Args& args, RunResult* result = nullptr) {
    const std::string out = Ok(args, result);
    EXPECT_TRUE(std::regex_match(out, std::regex("[0-9]+")))
        << Command(args) << "\"" << out << "\"";
    return std::regex_match(out, std::regex("[0-9]+")) ? std::stoll(out) : -1;
  }
  json OkJson(const Args& args) {
    RunResult r;
    Ok(args, &r);
    return ParsePolicyJson(r);
  }
  // Runs a command that must fail with `exit_code`, naming each of `problems`
  // on stderr, and change nothing in the ledger file.
  RunResult Unchanged(const Args& args, int exit_code, const std::vector<std::string>& problems,
                      bool json_out = false) {
    const LedgerState before = StateOf(ws_.ledger);
    EXPECT_GT(before.entries, 0);
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, exit_code) << Command(args) << r.Describe();
    for (const std::string& p : problems) {
      EXPECT_TRUE(Has(r.err, p)) << Command(args) << "stderr should mention \"" << p << "\"\n"
                                 << r.Describe();
    }
    if (!json_out) {
      EXPECT_TRUE(r.out.empty()) << Command(args) << r.Describe();
    }
    EXPECT_EQ(StateOf(ws_.ledger), before) << Command(args) << "changed the ledger";
    EXPECT_FALSE(FileExists(ws_.ledger + "-wal"));
    return r;
  }
  std::string AddDonor(const std::string& name, const std::string& type,
                       const std::string& nationality, const std::string& residence,
                       const Args& extra = {}) {
    Args args{"donor",       "add",     "--name",        name,
              "--type",      type,      "--nationality", nationality,
              "--residence", residence, "--address",     "1 Example Street"};
    args.insert(args.end(), extra.begin(), extra.end());
    const std::string id = Ok(args);
    EXPECT_TRUE(std::regex_match(id, std::regex("S-[0-9a-f]+"))) << id;
    return id;
  }
  // `verb` is {"donation", "add"} or {"check"}; `who` is {"--donor", ID} or {"--anonymous"}.
  static Args Gift(const Args& verb, const Args& who, const std::string& amount,
                   const std::string& currency, const std::string& method, const std::string& date,
                   const std::string& scope, const Args& extra = {}) {
    Args args = verb;
    args.insert(args.end(), who.begin(), who.end());
    Args rest{"--amount", amount,   "--currency", currency,  "--method",
              method,     "--date", date,         "--scope", scope};
    args.insert(args.end(), rest.begin(), rest.end());
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  void ExpectVerifies() {
    RunResult r;
    Ok({"verify"}, &r);
  }
  static std::string Command(const Args& args) {
    std::string s = "`probity";
    for (const std::string& a : args) s += " " + a;
    return s + "`\n";
  }
};

const Args kAdd{"donation", "add"};
const Args kCheck{"check"};

TEST_F(PolicyTest, ScopeAddAdoptsThePackOnceAndRefusesBadScopes) {
  const Prepared& p = PreparedLedger();
  RunResult added;
  Ok({"scope", "add", "fr-pres-2027", "--pack", kFrPack, "--param", "spending_ceiling=16851000.00"},
     &added);
  EXPECT_EQ(added.out, "fr-pres-2027\n") << "the scope id alone on stdout";
  EXPECT_TRUE(Has(added.err, kFrPack)) << added.Describe();
  // A second scope on the same pack does not adopt it again.
  EXPECT_EQ(Ok({"scope", "add", "fr-pres-2027-r2", "--pack", kFrPack, "--param",
                "spending_ceiling=16851000.00", "--from", "2026-07-01", "--until", "2027-06-30"}),
            "fr-pres-2027-r2");

  json scopes = OkJson({"scope", "list", "--json"});
  ASSERT_TRUE(scopes.is_array());
  ASSERT_EQ(scopes.size(), 3u) << scopes.dump(2);
  EXPECT_EQ(scopes[0]["scope"], kScope);
  EXPECT_EQ(scopes[1]["scope"], "fr-pres-2027");
  EXPECT_EQ(scopes[1]["pack"], kFrPack);
  EXPECT_EQ(scopes[1]["valid_from"], "2026-04-01") << "the pack's dates by default";
  EXPECT_EQ(scopes[1]["valid_until"], "2027-12-31");
  EXPECT_EQ(scopes[1]["params"]["spending_ceiling"], 1685100000);
  EXPECT_EQ(scopes[2]["valid_from"], "2026-07-01");
  EXPECT_EQ(scopes[2]["valid_until"], "2027-06-30");

  json log = OkJson({"log", "--json", "--from", std::to_string(p.entries)});
  ASSERT_EQ(log.size(), 3u) << log.dump(2);
  const json& adopted = log[0]["entry"];
  EXPECT_EQ(adopted["kind"], "policy_adopted");
  EXPECT_EQ(adopted["pack_id"], kFrPack);
  const std::string pack_file =
      std::string(PROBITY_SOURCE_DIR) + "/policies/packs/" + kFrPack + ".toml";
  EXPECT_EQ(adopted["pack_sha256"], FileSha256Hex(pack_file)) << "the SHA-256 of the exact bytes";
  EXPECT_EQ(adopted["pack_toml"], ReadFile(pack_file));
  for (std::size_t i : {1u, 2u}) {
    EXPECT_EQ(log[i]["entry"]["kind"], "scope_added");
    EXPECT_EQ(log[i]["entry"]["pack_id"], kFrPack);
    EXPECT_EQ(log[i]["entry"]["pack_sha256"], adopted["pack_sha256"]);
  }
  EXPECT_EQ(log[1]["entry"]["scope"], "fr-pres-2027");

  Unchanged({"scope", "add", "fr-pres-2027", "--pack", kFrPack, "--param",
             "spending_ceiling=16851000.00"},
            kExitUsage, {"fr-pres-2027 already exists"});
  Unchanged({"scope", "add", "fr-pres-2032", "--pack", "fr-candidate-2032-presidential"},
            kExitUsage,
            {"no policy pack \"fr-candidate-2032-presidential\"", "available: ", kFrPack,
             "fr-party-annual", kUkPack, kUsPack});
  Unchanged({"scope", "add", "fr-pres-x", "--pack", kFrPack}, kExitUsage,
            {"needs --param spending_ceiling=AMOUNT"});
  Unchanged({"scope", "add", "fr-pres-x", "--pack", kFrPack, "--param", "spending_ceiling"},
            kExitUsage, {"NAME=AMOUNT"});
  Unchanged({"scope", "add", "fr-pres-x", "--pack", kFrPack, "--param", "spending_ceiling=lots"},
            kExitUsage, {"lots"});
  Unchanged({"scope", "add", "fr-pres-x", "--pack", kFrPack, "--param",
             "spending_ceiling=16851000.00", "--from", "2026-03-31"},
            kExitUsage, {"valid from 2026-04-01 to 2027-12-31"});
  Unchanged({"scope", "add", "fr-pres-x", "--pack", kFrPack, "--param",
             "spending_ceiling=16851000.00", "--until", "2028-01-01"},
            kExitUsage, {"valid from 2026-04-01 to 2027-12-31"});
  ExpectVerifies();
}

// The example, then the other French refusals. The scope's own dates
// (narrower than the pack's) bound the gifts.
TEST_F(PolicyTest, FrenchCandidateCapIsEnforcedBeforeWriting) {
  const Prepared& p = PreparedLedger();
  const std::string scope = "fr-pres-2027";
  Ok({"scope", "add", scope, "--pack", kFrPack, "--param", "spending_ceiling=16851000.00", "--from",
      "2026-07-01", "--until", "2027-06-30"});
  // Jeanne's 150.00 to the party (another scope) does not count here.
  OkSeq(Gift(kAdd, {"--donor", p.jeanne}, "4500.00", "EUR", "cheque", "2026-12-01", scope));

  const Args over =
      Gift(kAdd, {"--donor", p.jeanne}, "300.00", "EUR", "cheque", "2027-01-10", scope);
  const std::vector<std::string> why = {
      p.jeanne + " to 4,800.00 EUR for fr-pres-2027", "over the cap of 4,600.00 EUR",
      "(Code électoral, art. L52-8", "At most 100.00 EUR can be accepted"};
  RunResult refused = Unchanged(over, kExitRefused, why);
  Args check_over = over;
  check_over.erase(check_over.begin(), check_over.begin() + 2);
  check_over.insert(check_over.begin(), "check");
  RunResult checked = Unchanged(check_over, kExitRefused, why);
  EXPECT_EQ(checked.err, refused.err) << "check gives the same decision as donation add";

  RunResult fits =
      Unchanged(Gift(kCheck, {"--donor", p.jeanne}, "100.00", "EUR", "cheque", "2027-01-10", scope),
                kExitOk, {}, /*json_out=*/true);
  EXPECT_EQ(fits.out.rfind("accepted", 0), 0u) << fits.Describe();

  check_over.push_back("--json");
  RunResult j = Unchanged(check_over, kExitRefused, {"4,800.00 EUR"}, /*json_out=*/true);
  json d = ParsePolicyJson(j);
  EXPECT_EQ(d["accepted"], false);
  EXPECT_EQ(d["rule"], "L52-8-cap");
  EXPECT_EQ(d["source"], "Code électoral, art. L52-8 al. 1");
  EXPECT_EQ(d["max_acceptable_minor"], 10000);

  // Exactly at the cap is accepted.
  OkSeq(Gift(kAdd, {"--donor", p.jeanne}, "100.00", "EUR", "cheque", "2027-01-10", scope));

  Unchanged(Gift(kAdd, {"--donor", p.paul}, "150.01", "EUR", "cash", "2027-01-12", scope),
            kExitRefused, {"150.01 EUR", "150.00 EUR", "(Code électoral, art. L52-8 al. 3)"});
  const std::string company = AddDonor("Acme SARL", "legal-person", "FR", "FR");
  Unchanged(Gift(kAdd, {"--donor", company}, "100.00", "EUR", "transfer", "2027-01-12", scope),
            kExitRefused, {"is a legal-person", "(Code électoral, art. L52-8 (natural persons"});
  const std::string resident = AddDonor("Anna Schmidt", "person", "DE", "FR");
  OkSeq(Gift(kAdd, {"--donor", resident}, "200.00", "EUR", "cheque", "2027-01-12", scope));
  // Within the pack's dates, but before the scope's.
  Unchanged(Gift(kAdd, {"--donor", p.paul}, "50.00", "EUR", "cheque", "2026-06-15", scope),
            kExitRefused,
            {"outside the financing period", "2026-07-01 to 2027-06-30", "art. L52-4"});
  ExpectVerifies();
}

// A gift typed wrongly is restated by a correction, which the pack decides
// again; the cap then counts the corrected amount.
TEST_F(PolicyTest, CorrectionRestatesAGiftAndCountsInTheCap) {
  const Prepared& p = PreparedLedger();
  const std::string scope = "fr-pres-2027";
  Ok({"scope", "add", scope, "--pack", kFrPack, "--param", "spending_ceiling=16851000.00"});
  const std::int64_t typo =
      OkSeq(Gift(kAdd, {"--donor", p.paul}, "4000.00", "EUR", "cheque", "2027-01-10", scope));
  const std::string seq = std::to_string(typo);
  const Args correct{"donation", "correct", "--donation", seq, "--reason", "typed 4000 for 400"};
  auto with = [&correct](const Args& extra) {
    Args a = correct;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  Unchanged(with({"--amount", "4600.01", "--currency", "EUR"}), kExitRefused,
            {"over the cap of 4,600.00 EUR", "art. L52-8"});
  Unchanged(with({"--amount", "400.00"}), kExitUsage, {"--currency"});
  Unchanged(with({"--amount", "400.00", "--currency", "USD"}), kExitUsage, {"is in EUR"});
  Unchanged(with({}), kExitUsage, {"say what to correct"});
  Unchanged(with({"--amount", "4000.00", "--currency", "EUR"}), kExitUsage, {"changes nothing"});
  Unchanged({"donation", "correct", "--donation", "1", "--amount", "1", "--currency", "EUR",
             "--reason", "x"},
            kExitUsage, {"is not a donation"});
  Unchanged({"donation", "correct", "--donation", seq, "--amount", "1", "--currency", "EUR"},
            kExitUsage, {"--reason"});
  Unchanged(Gift(kAdd, {"--donor", p.paul}, "600.01", "EUR", "cheque", "2027-01-11", scope),
            kExitRefused, {"over the cap"});
  const std::int64_t fixed = OkSeq(with({"--amount", "400.00", "--currency", "EUR"}));
  EXPECT_GT(fixed, typo);
  OkSeq(Gift(kAdd, {"--donor", p.paul}, "4200.00", "EUR", "cheque", "2027-01-11", scope));
  Unchanged(Gift(kAdd, {"--donor", p.paul}, "0.01", "EUR", "cheque", "2027-01-11", scope),
            kExitRefused, {"over the cap"});
  json list = OkJson({"donation", "list", "--donor", p.paul, "--scope", scope, "--json"});
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["seq"], typo);
  EXPECT_EQ(list[0]["amount_minor"], 40000);
  EXPECT_EQ(list[0]["corrections"], 1);
  // The history keeps both: the donation as typed and its correction.
  json log = OkJson({"log", "--json"});
  bool found = false;
  for (const json& e : log) {
    if (e["entry"]["seq"] == fixed) {
      const json& body = e["entry"];
      EXPECT_EQ(body["kind"], "correction");
      EXPECT_EQ(body["donation_seq"], typo);
      EXPECT_EQ(body["amount_minor"], 40000);
      EXPECT_EQ(body["reason"], "typed 4000 for 400");
      found = true;
    }
  }
  EXPECT_TRUE(found);
  ExpectVerifies();
}

// The FEC pack: every gift names its election; an excess is accepted with a
// 60-day obligation, a missing employer with a 30-day best-efforts one.
TEST_F(PolicyTest, UsExcessiveContributionObligationIsListedAndResolved) {
  const std::string scope = "us-2026";
  EXPECT_EQ(Ok({"scope", "add", scope, "--pack", kUsPack}), scope);
  const std::string donor = AddDonor("John Smith", "person", "US", "US");
  const Args who{"--donor", donor};

  Unchanged(Gift(kAdd, who, "100.00", "USD", "cheque", "2026-03-01", scope), kExitUsage,
            {"--election P2026"});
  RunResult accepted;
  const std::int64_t gift = OkSeq(
      Gift(kAdd, who, "3500.01", "USD", "cheque", "2026-03-01", scope, {"--election", "P2026"}),
      &accepted);
  EXPECT_TRUE(Has(accepted.err, "over the cap of 3,500.00 USD")) << accepted.Describe();
  EXPECT_TRUE(Has(accepted.err, "refund, redesignate or reattribute by 2026-04-30"))
      << accepted.Describe();
  EXPECT_TRUE(Has(accepted.err, "best-efforts request for employer and occupation by 2026-03-31"))
      << accepted.Describe();

  json open = OkJson({"obligations", "--json", "--today", "2026-04-15"});
  ASSERT_EQ(open.size(), 2u) << open.dump(2);
  EXPECT_EQ(open[0]["rule"], "30104-itemise") << "overdue first";
  EXPECT_EQ(open[0]["due"], "2026-03-31");
  EXPECT_EQ(open[0]["overdue"], true);
  EXPECT_EQ(open[1]["rule"], "30116-cap");
  EXPECT_EQ(open[1]["due"], "2026-04-30");
  EXPECT_EQ(open[1]["overdue"], false);
  EXPECT_EQ(open[1]["action"], "refund, redesignate or reattribute");
  for (const json& o : open) {
    EXPECT_EQ(o["donation_seq"], gift);
    EXPECT_EQ(o["subject"], donor);
    EXPECT_EQ(o["scope"], scope);
  }
  RunResult text;
  Ok({"obligations", "--today", "2026-04-15"}, &text);
  EXPECT_EQ(text.out.rfind("OVERDUE 2026-03-31  donation " + std::to_string(gift), 0), 0u)
      << text.Describe();

  const Args resolve{"obligations", "resolve",   "--donation", std::to_string(gift),
                     "--rule",      "30116-cap", "--how",      "redesignated to G2026",
                     "--date",      "2026-04-10"};
  EXPECT_GT(OkSeq(resolve), gift);
  open = OkJson({"obligations", "--json", "--today", "2026-04-15"});
  ASSERT_EQ(open.size(), 1u) << open.dump(2);
  EXPECT_EQ(open[0]["rule"], "30104-itemise");
  Unchanged(resolve, kExitUsage, {"no open obligation under rule 30116-cap"});

  OkSeq(Gift(kAdd, {"--anonymous"}, "50.00", "USD", "cash", "2026-03-02", scope,
             {"--election", "P2026"}));
  Unchanged(Gift(kAdd, {"--anonymous"}, "50.01", "USD", "cash", "2026-03-02", scope,
                 {"--election", "P2026"}),
            kExitRefused, {"50.01 USD", "50.00 USD", "(11 CFR 110.4(c)(3))"});
  ExpectVerifies();
}

// PPERA: 500 GBP or less is recorded but is not a donation; an impermissible
// donor's gift is accepted with a 30-day return obligation, which only a
// refund of the whole gift clears.
TEST_F(PolicyTest, UkImpermissibleDonationIsClearedByAFullRefund) {
  const std::string scope = "uk-party";
  EXPECT_EQ(Ok({"scope", "add", scope, "--pack", kUkPack}), scope);
  const std::string member = AddDonor("Alice Jones", "person", "GB", "GB");
  RunResult small;
  const std::int64_t small_seq = OkSeq(
      Gift(kAdd, {"--donor", member}, "500.00", "GBP", "transfer", "2026-02-01", scope), &small);
  EXPECT_TRUE(Has(small.err, "not a donation")) << small.Describe();
  json log = OkJson({"log", "--json", "--kind", "donation", "--from", std::to_string(small_seq)});
  ASSERT_EQ(log.size(), 1u) << log.dump(2);
  EXPECT_EQ(log[0]["entry"]["flags"], json::array({"s52-de-minimis"}));
  EXPECT_FALSE(log[0]["entry"].contains("obligations"));

  const std::string foreigner = AddDonor("Bob Brown", "person", "US", "US");
  const std::int64_t gift =
      OkSeq(Gift(kAdd, {"--donor", foreigner}, "1000.00", "GBP", "transfer", "2026-02-10", scope),
            &small);
  EXPECT_TRUE(Has(small.err, "return to the donor by 2026-03-12")) << small.Describe();
  EXPECT_TRUE(Has(small.err, "PPERA 2000, s.54(2)")) << small.Describe();

  json open = OkJson({"obligations", "--json", "--today", "2026-02-20"});
  ASSERT_EQ(open.size(), 1u) << open.dump(2);
  EXPECT_EQ(open[0]["donation_seq"], gift);
  EXPECT_EQ(open[0]["rule"], "s54-permissible");
  EXPECT_EQ(open[0]["due"], "2026-03-12");
  EXPECT_EQ(open[0]["overdue"], false);

  const Args refund{
      "refund", "--donation", std::to_string(gift), "--amount", "400.00",       "--currency",
      "GBP",    "--date",     "2026-02-20",         "--reason", "impermissible"};
  OkSeq(refund);
  open = OkJson({"obligations", "--json", "--today", "2026-02-20"});
  EXPECT_EQ(open.size(), 1u) << "a part refund does not return the gift\n" << open.dump(2);
  Args rest = refund;
  rest[4] = "600.00";
  OkSeq(rest);
  open = OkJson({"obligations", "--json", "--today", "2026-03-20"});
  EXPECT_EQ(open, json::array()) << open.dump(2);
  ExpectVerifies();
}

}  // namespace
}  // namespace probity::clitest
