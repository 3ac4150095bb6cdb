// `report summary` through the probity binary, then opened in headless
// Chromium (Debian's `chromium`): the rendered page must show the totals the
// ledger holds. A screenshot is kept as an artefact in
// build/test-artefacts/summary.png.
#include <filesystem>

#include "tests/cli/cli_harness.h"

namespace probity::clitest {
namespace {

class ReportSummaryTest : public PreparedLedgerTest {};

TEST_F(ReportSummaryTest, RendersTheLedgerTotalsInChromium) {
  // Paul reaches 6,000.00 of the 7,500.00 EUR party cap: listed as near it.
  RunResult gift = Run({"donation", "add", "--donor", PreparedLedger().paul, "--amount", "5000.00",
                        "--currency", "EUR", "--method", "transfer", "--date", "2026-12-01",
                        "--scope", kScope, "--cap-declared"});
  ASSERT_EQ(gift.exit_code, kExitOk) << gift.Describe();
  const std::string out = ws_.dir / "summary.html";
  RunResult r = Run({"report", "summary", "--out", out});
  ASSERT_EQ(r.exit_code, kExitOk) << r.Describe();
  EXPECT_EQ(FileMode(out), 0600u);
  const std::string html = ReadFile(out);
  // Self-contained: nothing fetched from elsewhere.
  EXPECT_FALSE(Has(html, "src=")) << "external asset";
  EXPECT_FALSE(Has(html, "href=")) << "external asset";
  EXPECT_FALSE(Has(html, "<script"));
  EXPECT_TRUE(Has(html, "<svg"));
  ASSERT_TRUE(HaveProgram("chromium")) << "install Debian's chromium (scripts/install-deps.sh)";
  // 150.00 + (1200.00 - 200.00 refunded) + 5000.00 = 6150.00 EUR net.
  RunResult dom = RunProgram({"chromium", "--headless", "--no-sandbox", "--disable-gpu",
                              "--user-data-dir=" + (ws_.dir / "chromium"), "--dump-dom",
                              "file://" + out}, {{"HOME", ws_.dir.path()}});
  ASSERT_EQ(dom.exit_code, 0) << dom.Describe();
  EXPECT_TRUE(Has(dom.out, "<li class=\"total\" data-currency=\"EUR\">6150.00 EUR</li>"))
      << dom.out.substr(0, 2000);
  EXPECT_TRUE(Has(dom.out, "<td>2026-12</td><td>EUR</td><td class=\"n\">5000.00</td>"));
  EXPECT_TRUE(Has(dom.out, "<td>" + PreparedLedger().paul + "</td>")) << "near-cap row";
  EXPECT_TRUE(Has(dom.out, "<td class=\"n\">6000.00</td><td class=\"n\">7500.00</td>"));
  EXPECT_TRUE(Has(dom.out, "<td>cheque</td><td>EUR</td><td class=\"n\">150.00</td>"));
  EXPECT_TRUE(Has(dom.out, "<td>transfer</td><td>EUR</td><td class=\"n\">6000.00</td>"));
  EXPECT_TRUE(Has(dom.out, "tree_size=" + std::to_string(PreparedLedger().entries + 1)));
  const std::string artefacts = std::string(PROBITY_BINARY_DIR) + "/test-artefacts";
  std::filesystem::create_directories(artefacts);
  RunResult shot = RunProgram({"chromium", "--headless", "--no-sandbox", "--disable-gpu",
                               "--user-data-dir=" + (ws_.dir / "chromium"),
                               "--window-size=900,1200", "--screenshot=" + artefacts + "/summary.png",
                               "file://" + out}, {{"HOME", ws_.dir.path()}});
  EXPECT_EQ(shot.exit_code, 0) << shot.Describe();
  EXPECT_TRUE(FileExists(artefacts + "/summary.png"));
}

}  // namespace
}  // namespace probity::clitest
