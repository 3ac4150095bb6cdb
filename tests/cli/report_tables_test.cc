// The CSV/TSV filings through the probity binary: the CNCCFP statement of
// donations (gifts, refunds, totals per method, cash against its limit) and
// donor-receipt TSV on the prepared French ledger, and the PPERA quarterly
// report's aggregation per source and calendar year, impermissible gifts and
// nil reports.
#include <sstream>

#include "tests/cli/cli_harness.h"

namespace probity::clitest {
namespace {

using Args = std::vector<std::string>;
using Rows = std::vector<std::vector<std::string>>;

// RFC 4180 fields (quoted when they hold the separator or a quote), rows
// ending in CRLF or LF.
Rows Parse(const std::string& text, char sep) {
  Rows rows(1);
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') { field += '"'; ++i; }
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"' && field.empty()) {
      quoted = true;
    } else if (c == sep) {
      rows.back().push_back(field);
      field.clear();
    } else if (c == '\n') {
      rows.back().push_back(field);
      field.clear();
      rows.emplace_back();
    } else if (c != '\r') {
      field += c;
    }
  }
  if (!rows.back().empty() || !field.empty()) rows.back().push_back(field);
  else rows.pop_back();
  return rows;
}

class ReportTablesTest : public PreparedLedgerTest {
 protected:
  std::string Ok(const Args& args) {
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, kExitOk) << args[0] << " " << args[1] << "\n" << r.Describe();
    if (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
    return r.out;
  }
  // Rows of a report whose first column is `type`, by header name.
  static std::vector<std::map<std::string, std::string>> OfType(const Rows& rows,
                                                                const std::string& type) {
    std::vector<std::map<std::string, std::string>> out;
    for (std::size_t i = 1; i < rows.size(); ++i) {
      if (rows[i][0] != type) continue;
      std::map<std::string, std::string> m;
      for (std::size_t c = 0; c < rows[0].size() && c < rows[i].size(); ++c) m[rows[0][c]] = rows[i][c];
      out.push_back(m);
    }
    return out;
  }
};

TEST_F(ReportTablesTest, CnccfpStatementAndDonorReceipts) {
  const Prepared& p = PreparedLedger();
  const std::string helene = Ok({"donor", "add", "--name", "Hélène Dupré", "--type", "person",
                                 "--nationality", "FR", "--residence", "FR", "--address",
                                 "5 rue Émile Zola, 69003 Lyon", "--family-name", "Dupré",
                                 "--given-name", "Hélène", "--postcode", "69003", "--city", "Lyon"});
  Ok({"donation", "add", "--donor", helene, "--amount", "100.00", "--currency", "EUR", "--method",
      "cash", "--date", "2026-06-01", "--scope", kScope, "--receipt", "2026-0042"});
  RunResult bad_receipt = Run({"donation", "add", "--donor", helene, "--amount", "1", "--currency",
                               "EUR", "--method", "cash", "--date", "2026-06-01", "--scope",
                               kScope, "--receipt", std::string(65, '7')});
  EXPECT_EQ(bad_receipt.exit_code, kExitUsage) << bad_receipt.Describe();
  EXPECT_TRUE(Has(bad_receipt.err, "--receipt")) << bad_receipt.Describe();
  const std::string out = ws_.dir / "dons.csv";
  const std::string checkpoint = Ok({"report", "cnccfp", "--scope", kScope, "--out", out});
  EXPECT_EQ(FileMode(out), 0600u);
  const Rows rows = Parse(ReadFile(out), ',');
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0].back(), "checkpoint_root");
  EXPECT_TRUE(Has(checkpoint, "root=" + rows[1].back())) << checkpoint;
  const auto gifts = OfType(rows, "gift");
  ASSERT_EQ(gifts.size(), 3u);
  EXPECT_EQ(gifts[0].at("donor_id"), p.jeanne);
  EXPECT_EQ(gifts[0].at("amount_eur"), "150.00");
  EXPECT_EQ(gifts[1].at("refunded_eur"), "200.00");
  EXPECT_EQ(gifts[2].at("name"), "Hélène Dupré");  // UTF-8 kept
  EXPECT_EQ(gifts[2].at("family_name"), "Dupré");
  EXPECT_EQ(gifts[2].at("town"), "Lyon");
  EXPECT_EQ(gifts[2].at("receipt_number"), "2026-0042");
  EXPECT_EQ(gifts[0].at("receipt_number"), "");
  const auto refunds = OfType(rows, "refund");
  ASSERT_EQ(refunds.size(), 1u);
  EXPECT_EQ(refunds[0].at("ledger_seq"), std::to_string(p.refund_seq));
  EXPECT_EQ(refunds[0].at("refers_to"), std::to_string(p.gift_large_seq));
  EXPECT_EQ(refunds[0].at("amount_eur"), "200.00");
  std::map<std::string, std::string> per_method;
  for (const auto& m : OfType(rows, "total-method")) per_method[m.at("method")] = m.at("amount_eur");
  EXPECT_EQ(per_method["cheque"], "150.00");
  EXPECT_EQ(per_method["transfer"], "1200.00");
  EXPECT_EQ(per_method["cash"], "100.00");
  ASSERT_EQ(OfType(rows, "total-cash").size(), 1u);
  EXPECT_EQ(OfType(rows, "total-cash")[0].at("amount_eur"), "100.00");
  EXPECT_EQ(OfType(rows, "total")[0].at("amount_eur"), "1450.00");

  const std::string tsv = ws_.dir / "recus.tsv";
  Ok({"report", "cnccfp", "--scope", kScope, "--format", "tsv", "--out", tsv});
  const Rows receipts = Parse(ReadFile(tsv), '\t');
  ASSERT_EQ(receipts.size(), 4u);
  EXPECT_EQ(receipts[0][0], "record_id");
  EXPECT_EQ(receipts[3][5], "Dupré");
  EXPECT_EQ(receipts[3][11], "100.00");

  RunResult r = Run({"report", "cnccfp", "--scope", kScope, "--format", "xls", "--out", tsv});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_TRUE(Has(r.err, "--format is csv")) << r.Describe();
  r = Run({"report", "cnccfp", "--scope", "nope", "--out", ws_.dir / "x.csv"});
  EXPECT_EQ(r.exit_code, kExitUsage) << r.Describe();
  EXPECT_FALSE(FileExists(ws_.dir / "x.csv"));
}

TEST_F(ReportTablesTest, PperaAggregatesPerSourceAndYearAndFilesNilReports) {
  Ok({"scope", "add", "uk-2026", "--pack", "uk-ppera-party"});
  auto donor = [&](const std::string& name, const std::string& country) {
    return Ok({"donor", "add", "--name", name, "--type", "person", "--nationality", country,
               "--residence", country, "--address", "1 High St, London", "--postcode", "SW1A 1AA"});
  };
  const std::string ann = donor("Ann Smith", "GB");
  const std::string pierre = donor("Pierre Roux", "FR");
  auto gift = [&](const std::string& who, const std::string& amount, const std::string& date) {
    return Ok({"donation", "add", "--donor", who, "--amount", amount, "--currency", "GBP",
               "--method", "transfer", "--date", date, "--scope", "uk-2026"});
  };
  gift(ann, "400.00", "2026-01-15");   // de minimis: not a donation
  const std::string feb = gift(ann, "6000.00", "2026-02-01");
  const std::string may = gift(ann, "6000.00", "2026-05-01");  // 12,000 > 11,180: Q2
  const std::string jul = gift(ann, "2000.00", "2026-07-01");  // 2,000 <= 2,230: waits
  const std::string aug = gift(ann, "1000.00", "2026-08-01");  // 3,000 > 2,230: Q3
  const std::string bad = gift(pierre, "1000.00", "2026-09-01");  // impermissible
  auto report = [&](const std::string& quarter) {
    const std::string out = ws_.dir / ("q" + quarter + ".csv");
    Ok({"report", "ppera", "--year", "2026", "--quarter", quarter, "--out", out});
    return Parse(ReadFile(out), ',');
  };
  const Rows q1 = report("1");
  ASSERT_EQ(OfType(q1, "nil").size(), 1u);
  EXPECT_EQ(q1.size(), 2u);
  const Rows q2 = report("2");
  const auto q2d = OfType(q2, "donation");
  ASSERT_EQ(q2d.size(), 2u);
  EXPECT_EQ(q2d[0].at("ledger_seq"), feb);
  EXPECT_EQ(q2d[0].at("aggregated"), "yes");
  EXPECT_EQ(q2d[1].at("ledger_seq"), may);
  EXPECT_EQ(q2d[1].at("amount_gbp"), "6000.00");
  const Rows q3 = report("3");
  const auto q3d = OfType(q3, "donation");
  ASSERT_EQ(q3d.size(), 2u);
  EXPECT_EQ(q3d[0].at("ledger_seq"), jul);
  EXPECT_EQ(q3d[1].at("ledger_seq"), aug);
  const auto q3i = OfType(q3, "impermissible");
  ASSERT_EQ(q3i.size(), 1u);
  EXPECT_EQ(q3i[0].at("ledger_seq"), bad);
  EXPECT_EQ(q3i[0].at("status"), "not returned");
  EXPECT_EQ(OfType(report("4"), "nil").size(), 1u);

  RunResult r = Run({"report", "ppera", "--year", "2026", "--quarter", "5", "--out", ws_.dir / "x.csv"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_TRUE(Has(r.err, "--quarter is 1, 2, 3 or 4")) << r.Describe();
  EXPECT_FALSE(FileExists(ws_.dir / "x.csv"));
}

}  // namespace
}  // namespace probity::clitest
