#include "policies/pack.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ledger/crypto.h"

namespace probity {
namespace {

const std::string kPacksDir = std::string(PROBITY_SOURCE_DIR) + "/policies/packs";

// A small valid pack; tests change one line (1-based) or add lines at the end.
std::vector<std::string> BaseLines() {
  return {
      "id = \"test-pack\"",            // 1
      "title = \"Test\"",              // 2
      "jurisdiction = \"FR\"",         // 3
      "currency = \"EUR\"",            // 4
      "valid_from = \"2027-01-01\"",   // 5
      "valid_until = \"2027-12-31\"",  // 6
      "retention_days = 3653",         // 7
      "retention_source = \"test\"",   // 8
      "",                              // 9
      "[[scope_param]]",               // 10
      "name = \"spending_ceiling\"",   // 11
      "required = true",               // 12
      "source = \"L52-11\"",           // 13
      "",                              // 14
      "[[rule]]",                      // 15
      "id = \"cap\"",                  // 16
      "type = \"cap\"",                // 17
      "source = \"L52-8\"",            // 18
      "summary = \"cap\"",             // 19
      "amount = \"4600.00\"",          // 20
      "window = \"scope\"",            // 21
  };
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

std::string WithLine(int line, const std::string& text) {
  std::vector<std::string> lines = BaseLines();
  lines.at(static_cast<std::size_t>(line - 1)) = text;
  return Join(lines);
}

std::string WithExtra(const std::vector<std::string>& extra) {
  std::vector<std::string> lines = BaseLines();
  lines.insert(lines.end(), extra.begin(), extra.end());
  return Join(lines);
}

// Expects InvalidArgument "test.toml:<line>: ..." containing every one of `parts`.
void ExpectRefused(const std::string& text, int line, const std::vector<std::string>& parts) {
  Result<Pack> pack = ParsePack(text, "test.toml");
  ASSERT_FALSE(pack.ok()) << "accepted:\n" << text;
  EXPECT_TRUE(pack.status().IsInvalidArgument()) << pack.status().ToString();
  const std::string& m = pack.status().message();
  const std::string prefix = "test.toml:" + std::to_string(line) + ": ";
  EXPECT_EQ(m.rfind(prefix, 0), 0u) << "wanted " << prefix << " got: " << m;
  for (const std::string& part : parts) {
    EXPECT_NE(m.find(part), std::string::npos) << "message lacks \"" << part << "\": " << m;
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Pack LoadShipped(const std::string& id) {
  const std::string path = kPacksDir + "/" + id + ".toml";
  Result<Pack> pack = LoadPackFile(path);
  EXPECT_TRUE(pack.ok()) << pack.status().ToString();
  if (!pack.ok()) return Pack{};
  EXPECT_EQ(pack->id, id);
  const std::string bytes = ReadFile(path);
  EXPECT_EQ(pack->text, bytes);
  EXPECT_EQ(pack->sha256, Sha256(AsBytes(bytes)));
  return std::move(pack).value();
}

const Rule* RuleNamed(const Pack& pack, const std::string& id) {
  for (const Rule& r : pack.rules) {
    if (r.id == id) return &r;
  }
  ADD_FAILURE() << "no rule " << id << " in " << pack.id;
  return nullptr;
}

TEST(ShippedPacks, FrenchCandidate) {
  Pack p = LoadShipped("fr-candidate-2027-presidential");
  EXPECT_STREQ(p.currency.code, "EUR");
  EXPECT_EQ(p.rules.size(), 5u);
  EXPECT_FALSE(p.requires_election);
  ASSERT_EQ(p.scope_params.size(), 1u);
  EXPECT_EQ(p.scope_params[0].name, "spending_ceiling");
  const Rule* cap = RuleNamed(p, "L52-8-cap");
  ASSERT_NE(cap, nullptr);
  EXPECT_EQ(cap->type, RuleType::kCap);
  EXPECT_EQ(cap->amount_minor, 460000);
  EXPECT_EQ(cap->window, Window::kScope);
  EXPECT_EQ(cap->source, "Code électoral, art. L52-8 al. 1");
  const Rule* total = RuleNamed(p, "L52-8-cash-total");
  ASSERT_NE(total, nullptr);
  EXPECT_EQ(total->percent, 20);
  EXPECT_EQ(total->param_at_least_minor, 1500000);
  EXPECT_EQ(total->scope_param, "spending_ceiling");
  const Rule* cash = RuleNamed(p, "L52-8-cash-gift");
  ASSERT_NE(cash, nullptr);
  EXPECT_EQ(cash->amount_minor, 15000);
  EXPECT_EQ(cash->method, "cash");
  const Rule* who = RuleNamed(p, "L52-8-donors");
  ASSERT_NE(who, nullptr);
  EXPECT_EQ(who->allowed_types, (std::vector<std::string>{"person", "party"}));
  EXPECT_EQ(who->countries, (std::vector<std::string>{"FR"}));
  EXPECT_NE(RuleNamed(p, "L52-4-period"), nullptr);
}

TEST(ShippedPacks, FrenchParty) {
  Pack p = LoadShipped("fr-party-annual");
  EXPECT_EQ(p.rules.size(), 2u);
  const Rule* cap = RuleNamed(p, "11-4-cap");
  ASSERT_NE(cap, nullptr);
  EXPECT_EQ(cap->amount_minor, 750000);
  EXPECT_EQ(cap->window, Window::kCalendarYear);
  EXPECT_EQ(cap->counts, (std::vector<std::string>{"donation", "membership_fee"}));
}

TEST(ShippedPacks, UsFec) {
  Pack p = LoadShipped("us-fec-2025-2026-candidate");
  EXPECT_STREQ(p.currency.code, "USD");
  EXPECT_TRUE(p.requires_election);
  EXPECT_EQ(p.rules.size(), 5u);
  const Rule* cap = RuleNamed(p, "30116-cap");
  ASSERT_NE(cap, nullptr);
  EXPECT_EQ(cap->amount_minor, 350000);
  EXPECT_EQ(cap->window, Window::kElection);
  EXPECT_EQ(cap->on_breach, OnBreach::kObligation);
  EXPECT_EQ(cap->deadline_days, 60);
  EXPECT_EQ(cap->action, "refund, redesignate or reattribute");
  const Rule* anon = RuleNamed(p, "110.4-anonymous");
  ASSERT_NE(anon, nullptr);
  EXPECT_EQ(anon->amount_minor, 5000);
  EXPECT_EQ(anon->method, "cash");
  const Rule* item = RuleNamed(p, "30104-itemise");
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->amount_minor, 20000);
  EXPECT_EQ(item->window, Window::kCycle);
  EXPECT_EQ(item->deadline_days, 30);
  EXPECT_EQ(RuleNamed(p, "110.4-cash")->amount_minor, 10000);
}

TEST(ShippedPacks, UkPpera) {
  Pack p = LoadShipped("uk-ppera-party");
  EXPECT_STREQ(p.currency.code, "GBP");
  EXPECT_EQ(p.rules.size(), 5u);
  const Rule* who = RuleNamed(p, "s54-permissible");
  ASSERT_NE(who, nullptr);
  EXPECT_EQ(who->on_breach, OnBreach::kObligation);
  EXPECT_EQ(who->deadline_days, 30);
  EXPECT_EQ(who->countries, (std::vector<std::string>{"GB"}));
  EXPECT_FALSE(RuleNamed(p, "s54-anonymous")->amount_minor.has_value());
  EXPECT_EQ(RuleNamed(p, "s52-de-minimis")->amount_minor, 50000);
  EXPECT_EQ(RuleNamed(p, "s62-report-central")->amount_minor, 1118000);
  EXPECT_EQ(RuleNamed(p, "s62-report-units")->amount_minor, 223000);
}

TEST(PackParse, BaseIsValid) {
  Result<Pack> p = ParsePack(Join(BaseLines()), "test.toml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->rules[0].amount_minor, 460000);
  EXPECT_EQ(p->valid_from, (Date{2027, 1, 1}));
}

TEST(PackParse, MalformedToml) {
  ExpectRefused(WithLine(20, "amount = \"4600.00"), 20, {"malformed TOML"});
}

TEST(PackParse, UnknownTopLevelKey) {
  ExpectRefused(WithLine(9, "colour = \"red\""), 9, {"unknown top-level key 'colour'"});
}

TEST(PackParse, UnknownRuleKey) {
  ExpectRefused(WithExtra({"capp = \"1\""}), 22, {"unknown key 'capp'"});
}

TEST(PackParse, KeyNotForThisType) {
  ExpectRefused(WithExtra({"percent = 20"}), 22,
                {"'percent' is not used by rules of type \"cap\""});
}

TEST(PackParse, NegativeAmount) {
  ExpectRefused(WithLine(20, "amount = \"-4600.00\""), 20, {"negative"});
}

TEST(PackParse, NonStringAmounts) {
  ExpectRefused(WithLine(20, "amount = 4600.0"), 20, {"amounts are strings", "\"4600.00\""});
  ExpectRefused(WithLine(20, "amount = 4600"), 20, {"an integer", "amounts are strings"});
}

TEST(PackParse, TooManyDecimals) {
  ExpectRefused(WithLine(20, "amount = \"4600.001\""), 20, {"3 decimals"});
}

TEST(PackParse, CurrencyMismatch) {
  ExpectRefused(WithExtra({"currency = \"USD\""}), 22, {"currency mismatch", "EUR"});
  Result<Pack> same = ParsePack(WithExtra({"currency = \"EUR\""}), "test.toml");
  EXPECT_TRUE(same.ok()) << same.status().ToString();
}

TEST(PackParse, UnknownCurrency) {
  ExpectRefused(WithLine(4, "currency = \"XYZ\""), 4, {"unknown currency"});
}

TEST(PackParse, UnknownEnumValues) {
  ExpectRefused(WithLine(21, "window = \"decade\""), 21, {"unknown window \"decade\""});
  ExpectRefused(WithLine(17, "type = \"limit\""), 17, {"unknown rule type \"limit\""});
  ExpectRefused(WithExtra({"on_breach = \"ignore\""}), 22, {"unknown on_breach \"ignore\""});
  ExpectRefused(WithExtra({"donor_types = [\"person\", \"company\"]"}), 22,
                {"unknown donor type \"company\""});
  ExpectRefused(WithExtra({"counts = [\"loan\"]"}), 22, {"unknown entry kind \"loan\""});
  ExpectRefused(
      WithExtra({"", "[[rule]]", "id = \"c\"", "type = \"method-per-gift\"", "source = \"s\"",
                 "summary = \"s\"", "method = \"bitcoin\"", "amount = \"150.00\""}),
      28, {"unknown payment method \"bitcoin\""});
}

TEST(PackParse, DuplicateRuleId) {
  ExpectRefused(WithExtra({"", "[[rule]]", "id = \"cap\"", "type = \"period\"", "source = \"s\"",
                           "summary = \"s\""}),
                24, {"duplicate rule id 'cap'", "first on line 16"});
}

TEST(PackParse, MissingSource) {
  ExpectRefused(WithLine(18, ""), 15, {"rule 'cap'", "has no 'source'"});
}

TEST(PackParse, ObligationNeedsDeadline) {
  ExpectRefused(WithExtra({"on_breach = \"obligation\"", "action = \"refund\""}), 22,
                {"needs 'deadline_days'"});
  ExpectRefused(WithExtra({"deadline_days = 30"}), 22, {"only with on_breach = \"obligation\""});
  ExpectRefused(
      WithExtra({"on_breach = \"obligation\"", "action = \"refund\"", "deadline_days = 0"}), 24,
      {"'deadline_days' is 0"});
  Result<Pack> ok = ParsePack(
      WithExtra({"on_breach = \"obligation\"", "action = \"refund\"", "deadline_days = 60"}),
      "test.toml");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->rules[0].deadline_days, 60);
}

TEST(PackParse, OtherCrossChecks) {
  ExpectRefused(WithLine(21, "window = \"election\""), 21, {"requires_election = true"});
  ExpectRefused(WithLine(6, "valid_until = \"2026-12-31\""), 6, {"before valid_from"});
  ExpectRefused(WithLine(5, "valid_from = 2027-01-01"), 5, {"dates are strings"});
  ExpectRefused(WithExtra({"", "[[rule]]", "id = \"t\"", "type = \"method-total\"",
                           "source = \"s\"", "summary = \"s\"", "method = \"cash\"", "percent = 20",
                           "scope_param = \"ceiling\""}),
                30, {"scope_param \"ceiling\" is not declared"});
  ExpectRefused(WithExtra({"", "[[rule]]", "id = \"a\"", "type = \"anonymous\"", "source = \"s\"",
                           "summary = \"s\"", "amount = \"50.00\""}),
                23, {"both 'method' and 'amount'"});
  ExpectRefused(WithLine(1, "id = \"Test_Pack\""), 1, {"a-z, 0-9 and '-'"});
  ExpectRefused(WithLine(19, "summary = \"" + std::string(kPackStringBytesMax + 1, 'x') + "\""), 19,
                {"over the limit of 512"});
  ExpectRefused(WithLine(19, "summary = \"a\\tb\""), 19, {"control character"});
  ExpectRefused(WithLine(2, "title = \"Test\"\r"), 2, {"control character 0x0d"});
  ExpectRefused(WithLine(1, ""), 1, {"the pack has no 'id'"});
}

TEST(PackParse, SizeLimitEdge) {
  std::string text = Join(BaseLines());
  const std::string filler = "# " + std::string(97, 'x') + "\n";  // 100 bytes
  while (text.size() + filler.size() <= kPackBytesMax) text += filler;
  text += "#" + std::string(kPackBytesMax - text.size() - 2, 'y') + "\n";
  ASSERT_EQ(text.size(), kPackBytesMax);
  Result<Pack> at_limit = ParsePack(text, "test.toml");
  EXPECT_TRUE(at_limit.ok()) << at_limit.status().ToString();
  const std::string over = text + "\n";
  const auto lines = std::count(text.begin(), text.end(), '\n');
  ExpectRefused(over, static_cast<int>(lines) + 1, {"over the limit of 32768 bytes"});
}

std::string Rules(std::size_t n) {
  std::string text = Join(BaseLines());
  for (std::size_t i = 1; i < n; ++i) {
    text += "[[rule]]\nid = \"r" + std::to_string(i) +
            "\"\ntype = \"period\"\nsource = \"s\"\nsummary = \"s\"\n";
  }
  return text;
}

TEST(PackParse, RuleCountLimitEdge) {
  Result<Pack> at_limit = ParsePack(Rules(kPackRulesMax), "test.toml");
  ASSERT_TRUE(at_limit.ok()) << at_limit.status().ToString();
  EXPECT_EQ(at_limit->rules.size(), kPackRulesMax);
  // Base rule ends on line 21; each further rule takes 5 lines.
  const int line = 21 + 5 * static_cast<int>(kPackRulesMax - 1) + 1;
  ExpectRefused(Rules(kPackRulesMax + 1), line, {"too many rules"});
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("probity-pack-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string p = (path_ / name).string();
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST(PackFile, IdMustMatchFileName) {
  TempDir dir;
  const std::string path = dir.Write("other-pack.toml", Join(BaseLines()));
  Result<Pack> p = LoadPackFile(path);
  ASSERT_FALSE(p.ok());
  EXPECT_TRUE(p.status().IsInvalidArgument());
  EXPECT_EQ(p.status().message().rfind(path + ":1: ", 0), 0u) << p.status().message();
  EXPECT_NE(p.status().message().find("differs from the file name"), std::string::npos);
  EXPECT_TRUE(LoadPackFile(dir.Write("test-pack.toml", Join(BaseLines()))).ok());
  EXPECT_FALSE(LoadPackFile(dir.Write("test-pack.txt", Join(BaseLines()))).ok());
  EXPECT_EQ(LoadPackFile(dir.path() + "/missing.toml").status().code(), StatusCode::kIoError);
}

TEST(PackFile, LoadById) {
  TempDir dir;
  dir.Write("test-pack.toml", Join(BaseLines()));
  ASSERT_EQ(setenv("PROBITY_PACKS_DIR", dir.path().c_str(), 1), 0);
  EXPECT_TRUE(LoadPackById("test-pack").ok());
  Result<Pack> missing = LoadPackById("nope");
  EXPECT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find("available: test-pack"), std::string::npos)
      << missing.status().message();
  EXPECT_TRUE(LoadPackById("../etc/passwd").status().IsInvalidArgument());
  EXPECT_TRUE(LoadPackById("").status().IsInvalidArgument());
  ASSERT_EQ(unsetenv("PROBITY_PACKS_DIR"), 0);
  Result<Pack> shipped = LoadPackById("uk-ppera-party");
  EXPECT_TRUE(shipped.ok()) << shipped.status().ToString();
}

TEST(PackNames, RoundTrip) {
  EXPECT_EQ(WindowName(Window::kCalendarYear), "calendar-year");
  EXPECT_EQ(RuleTypeName(RuleType::kMethodPerGift), "method-per-gift");
  EXPECT_EQ(RuleTypeName(RuleType::kReportingThreshold), "reporting-threshold");
  EXPECT_EQ(OnBreachName(OnBreach::kObligation), "obligation");
}

}  // namespace
}  // namespace probity

namespace probity {
namespace {

// authority and authority_source (the recipient of GDPR Art. 15(1)(c)): both
// or neither, each one line of text.
TEST(PackParse, Authority) {
  const std::string both = "retention_source = \"test\"\nauthority = \"CNCCFP\"\n"
                           "authority_source = \"Code électoral, art. L52-12\"";
  Result<Pack> pack = ParsePack(WithLine(8, both), "test.toml");
  ASSERT_TRUE(pack.ok()) << pack.status().ToString();
  EXPECT_EQ(pack->authority, "CNCCFP");
  EXPECT_EQ(pack->authority_source, "Code électoral, art. L52-12");

  Result<Pack> none = ParsePack(Join(BaseLines()), "test.toml");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->authority.empty());
  EXPECT_TRUE(none->authority_source.empty());

  ExpectRefused(WithLine(8, "retention_source = \"test\"\nauthority = \"CNCCFP\""), 9,
                {"'authority' and 'authority_source' go together"});
  ExpectRefused(WithLine(8, "retention_source = \"test\"\nauthority_source = \"L52-12\""), 9,
                {"go together"});
  ExpectRefused(WithLine(8, "retention_source = \"test\"\nauthority = 3\n"
                            "authority_source = \"L52-12\""),
                9, {"authority"});
  ExpectRefused(WithLine(8, "retention_source = \"test\"\nauthority = \"\"\n"
                            "authority_source = \"L52-12\""),
                9, {"authority"});
  ExpectRefused(WithLine(8, "retention_source = \"test\"\nauthority = \"C\"\n"
                            "authority_source = \"" + std::string(513, 'x') + "\""),
                10, {"authority_source"});
}

TEST(ShippedPacks, EveryPackNamesItsAuthority) {
  for (const auto& file : std::filesystem::directory_iterator(kPacksDir)) {
    Result<Pack> pack = LoadPackFile(file.path().string());
    ASSERT_TRUE(pack.ok()) << pack.status().ToString();
    EXPECT_FALSE(pack->authority.empty()) << file.path();
    EXPECT_FALSE(pack->authority_source.empty()) << file.path();
    const std::string want = pack->jurisdiction == "FR"   ? "CNCCFP"
                             : pack->jurisdiction == "US" ? "Federal Election Commission"
                                                          : "Electoral Commission";
    EXPECT_NE(pack->authority.find(want), std::string::npos) << pack->authority;
  }
}

}  // namespace
}  // namespace probity
