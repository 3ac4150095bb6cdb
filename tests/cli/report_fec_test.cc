// FEC filings through the probity binary: `import fec` of the real filing
// 1229017.fec (85 itemised individual receipts among its 166 SA11AI lines),
// then `report fec` over the same period must give back every contributor,
// date, amount and aggregate; each record validates against the FEC's
// INDIVIDUAL_RECEIPT.json schema; malformed or refused imports write nothing.
#include <sys/stat.h>

#include <map>
#include <regex>
#include <sstream>

#include "tests/cli/cli_harness.h"

namespace probity::clitest {
namespace {

using Args = std::vector<std::string>;
constexpr const char* kSample = PROBITY_VENDOR_FEC_DIR "/samples/1229017.fec";
constexpr const char* kSchema = PROBITY_VENDOR_FEC_DIR "/INDIVIDUAL_RECEIPT.json";
constexpr const char* kUsScope = "us-2018";

using Record = std::vector<std::string>;

std::vector<Record> Records(const std::string& text) {
  std::vector<Record> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    Record r;
    std::size_t start = 0;
    for (std::size_t sep; (sep = line.find('\x1c', start)) != std::string::npos; start = sep + 1) {
      r.push_back(line.substr(start, sep - start));
    }
    r.push_back(line.substr(start));
    out.push_back(r);
  }
  return out;
}

// SA11AI records from individuals that are not memo lines, by transaction id.
std::map<std::string, Record> Itemised(const std::vector<Record>& records) {
  std::map<std::string, Record> out;
  for (const Record& r : records) {
    if (r[0] == "SA11AI" && r[5] == "IND" && r[42] != "X") out[r[2]] = r;
  }
  return out;
}

long long Cents(const std::string& amount) {  // "1234.56" -> 123456, exactly
  const std::size_t dot = amount.find('.');
  return std::stoll(amount.substr(0, dot)) * 100 + std::stoll(amount.substr(dot + 1));
}

class ReportFecTest : public PreparedLedgerTest {
 protected:
  void SetUp() override {
    PreparedLedgerTest::SetUp();
    Ok({"scope", "add", kUsScope, "--pack", "us-fec-2017-2018-candidate"});
  }
  std::string Ok(const Args& args, RunResult* result = nullptr) {
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, kExitOk) << args[0] << " " << args[1] << "\n" << r.Describe();
    if (result != nullptr) *result = r;
    if (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
    return r.out;
  }
  Args Report(const std::string& out, const std::string& from = "2018-04-01",
              const std::string& to = "2018-04-25") {
    return {"report", "fec", "--scope", kUsScope, "--committee", "C00215905", "--from", from,
            "--to", to, "--treasurer-last", "Green", "--treasurer-first", "Jef",
            "--date-signed", "2018-05-03", "--out", out};
  }
  // Runs a command that must fail with `code` and `problem` on stderr and
  // leave the ledger file exactly as it was.
  void Refused(const Args& args, int code, const std::string& problem) {
    const LedgerState before = StateOf(ws_.ledger);
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, code) << r.Describe();
    EXPECT_TRUE(Has(r.err, problem)) << "stderr should mention \"" << problem << "\"\n"
                                     << r.Describe();
    EXPECT_EQ(StateOf(ws_.ledger), before) << "the failed command changed the ledger";
  }
};

TEST_F(ReportFecTest, ImportThenReportGivesBackEveryReceipt) {
  RunResult imported;
  EXPECT_EQ(Ok({"import", "fec", kSample, "--scope", kUsScope}, &imported), "85");
  EXPECT_TRUE(Has(imported.err, "not imported: 80 SA11AI memo line")) << imported.err;
  EXPECT_TRUE(Has(imported.err, "not imported: 1 SA11AI from entity type ORG")) << imported.err;
  EXPECT_TRUE(Has(imported.err, "from 78 new donors")) << imported.err;
  Ok({"verify"});

  const std::string out = ws_.dir / "q.fec";
  const std::string checkpoint = Ok(Report(out));
  EXPECT_EQ(FileMode(out), 0600u);
  const std::vector<Record> ours = Records(ReadFile(out));
  const auto original = Itemised(Records(ReadFile(kSample)));
  const auto produced = Itemised(ours);
  ASSERT_EQ(original.size(), 85u);
  ASSERT_EQ(produced.size(), original.size());
  // Contributor, address, election, date, amount, aggregate, employer, occupation.
  const std::size_t compared[] = {7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 23, 24};
  long long itemised_cents = 0;
  for (const auto& [id, want] : original) {
    ASSERT_TRUE(produced.count(id)) << "transaction " << id << " is missing";
    const Record& got = produced.at(id);
    ASSERT_EQ(got.size(), 45u) << id;
    for (std::size_t i : compared) EXPECT_EQ(got[i], want[i]) << id << " field " << i;
    EXPECT_EQ(got[1], "C00215905");
    itemised_cents += Cents(got[20]);
  }
  // HDR ties the file to the checkpoint printed on stdout.
  ASSERT_GE(ours.size(), 2u);
  EXPECT_EQ(ours[0][0], "HDR");
  EXPECT_EQ(ours[0][2], "8.4");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(checkpoint, m, std::regex(
      "checkpoint \\S+ tree_size=([0-9]+) root=(\\S+)"))) << checkpoint;
  EXPECT_TRUE(Has(ours[0][7], "tree_size=" + m[1].str() + " root=" + m[2].str())) << ours[0][7];
  // The F3N cover: 93 fields, itemised total equal to the Schedule A lines.
  ASSERT_EQ(ours[1][0], "F3N");
  ASSERT_EQ(ours[1].size(), 93u);
  EXPECT_EQ(Cents(ours[1][32]), itemised_cents);  // L11ai itemised, period
  EXPECT_EQ(ours[1][33], "0.00");                  // L11aii unitemised, period
  EXPECT_EQ(Cents(ours[1][23]), itemised_cents);  // L6a total contributions
  EXPECT_EQ(ours[1][15], "20180401");
  EXPECT_EQ(ours[1][16], "20180425");

  // Every record against the FEC's JSON Schema, plus our own checks.
  RunResult check = RunProgram({"python3", PROBITY_SOURCE_DIR "/tests/reports/fec_schema_check.py",
                                out, kSchema}, {});
  EXPECT_EQ(check.exit_code, 0) << check.Describe();
  EXPECT_TRUE(Has(check.out, "checked 85 SA11AI records")) << check.Describe();

  // The checker can fail: an empty occupation over 200.00 is caught.
  std::string text = ReadFile(out);
  const std::size_t pos = text.find("LETTER CARRIER");
  ASSERT_NE(pos, std::string::npos);
  text.erase(pos, std::string("LETTER CARRIER").size());
  WriteFile(ws_.dir / "bad.fec", text);
  RunResult bad = RunProgram({"python3", PROBITY_SOURCE_DIR "/tests/reports/fec_schema_check.py",
                              ws_.dir / "bad.fec", kSchema}, {});
  EXPECT_EQ(bad.exit_code, 1) << bad.Describe();
  EXPECT_TRUE(Has(bad.out, "contributor_occupation")) << bad.Describe();

  // The same filing twice is refused.
  Refused({"import", "fec", kSample, "--scope", kUsScope}, kExitUsage, "already imported");
}

TEST_F(ReportFecTest, MalformedOrRefusedImportsWriteNothing) {
  // A date spoiled in the middle of the real file: nothing of the valid lines before it.
  std::string text = ReadFile(kSample);
  const std::size_t pos = text.find("20180418");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 8, "2018-4-18");
  WriteFile(ws_.dir / "bad-date.fec", text);
  Refused({"import", "fec", ws_.dir / "bad-date.fec", "--scope", kUsScope}, kExitUsage,
          "line 4: date \"2018-4-18\" is not YYYYMMDD; nothing was imported");
  WriteFile(ws_.dir / "comma.fec", "HDR,FEC,6.1,x\nSA11AI,C00215905\n");
  Refused({"import", "fec", ws_.dir / "comma.fec", "--scope", kUsScope}, kExitUsage,
          "separated by the byte 0x1C");
  Refused({"import", "fec", ws_.dir / "missing.fec", "--scope", kUsScope}, kExitUsage,
          "cannot read filing");
  // A foreign address (state ZZ) in the last line: the pack refuses it, so
  // the 85 good receipts before it are not written either.
  std::string foreign = ReadFile(kSample);
  std::string line = foreign.substr(foreign.find("\nSA11AI\x1c" "C00215905\x1c" "C11233017") + 1);
  line = line.substr(0, line.find('\n') + 1);
  line.replace(line.find("\x1cNY\x1c"), 4, "\x1cZZ\x1c");
  line.replace(line.find("C11233017"), 9, "C99999999");
  WriteFile(ws_.dir / "foreign.fec", ReadFile(kSample) + line);
  Refused({"import", "fec", ws_.dir / "foreign.fec", "--scope", kUsScope}, kExitRefused,
          "C99999999");
  // Wrong scope kinds.
  Refused({"import", "fec", kSample, "--scope", kScope}, kExitUsage, "");
  Refused({"import", "fec", kSample, "--scope", "no-such-scope"}, kExitUsage, "no-such-scope");
}

TEST_F(ReportFecTest, ItemisesOncePastTwoHundredAndRefusesRefundsItCannotFile) {
  const std::string donor = Ok({"donor", "add", "--name", "Ana Lopez", "--type", "person",
                                "--nationality", "US", "--residence", "US", "--address",
                                "1 Main St, Eugene, OR 97401", "--family-name", "López",
                                "--given-name", "Ana", "--street", "1 Main St", "--city",
                                "Eugene", "--region", "OR", "--postcode", "97401"});
  auto gift = [&](const std::string& amount, const std::string& date) {
    return Ok({"donation", "add", "--donor", donor, "--amount", amount, "--currency", "USD",
               "--method", "card", "--date", date, "--scope", kUsScope, "--election", "P2018"});
  };
  gift("150.00", "2018-01-10");
  gift("40.00", "2018-02-10");
  const std::string third = gift("20.01", "2018-03-10");  // aggregate 210.01: itemised
  gift("5.00", "2018-04-10");                             // next quarter
  const std::string out = ws_.dir / "q1.fec";
  Ok(Report(out, "2018-01-01", "2018-03-31"));
  const std::vector<Record> q1 = Records(ReadFile(out));
  ASSERT_EQ(q1.size(), 3u);  // HDR, F3N, one SA11AI
  const Record& sa = q1[2];
  EXPECT_EQ(sa[7], "Lopez");  // transliterated
  EXPECT_EQ(sa[19], "20180310");
  EXPECT_EQ(sa[20], "20.01");
  EXPECT_EQ(sa[21], "210.01");
  EXPECT_EQ(sa[23], "INFORMATION REQUESTED");
  EXPECT_EQ(sa[24], "INFORMATION REQUESTED");
  EXPECT_EQ(sa[2], "PRB" + third);
  EXPECT_EQ(q1[1][32], "20.01");   // itemised
  EXPECT_EQ(q1[1][33], "190.00");  // unitemised
  RunResult check = RunProgram({"python3", PROBITY_SOURCE_DIR "/tests/reports/fec_schema_check.py",
                                out, kSchema}, {});
  EXPECT_EQ(check.exit_code, 0) << check.Describe();

  Ok({"report", "fec", "--scope", kUsScope, "--committee", "C00215905", "--from", "2018-04-01",
      "--to", "2018-06-30", "--treasurer-last", "Green", "--treasurer-first", "Jef", "--out",
      ws_.dir / "q2.fec"});
  const std::vector<Record> q2 = Records(ReadFile(ws_.dir / "q2.fec"));
  ASSERT_EQ(q2.size(), 3u);
  EXPECT_EQ(q2[2][21], "215.01");  // running aggregate carries on

  Ok({"refund", "--donation", third, "--amount", "20.01", "--currency", "USD", "--date",
      "2018-03-20"});
  RunResult r = Run(Report(ws_.dir / "q1b.fec", "2018-01-01", "2018-03-31"));
  EXPECT_EQ(r.exit_code, kExitUsage) << r.Describe();
  EXPECT_TRUE(Has(r.err, "Schedule B line 20(a)")) << r.Describe();
  EXPECT_FALSE(FileExists(ws_.dir / "q1b.fec"));

  // Bad options: clear messages, exit 2, no file.
  Args bad = Report(ws_.dir / "x.fec");
  bad[5] = "123";
  r = Run(bad);
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_TRUE(Has(r.err, "not an FEC committee id")) << r.Describe();
  r = Run(Report(ws_.dir / "x.fec", "2018-05-01", "2018-04-01"));
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_TRUE(Has(r.err, "--to is before --from")) << r.Describe();
  Args eur = Report(ws_.dir / "x.fec");
  eur[3] = kScope;
  r = Run(eur);
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_TRUE(Has(r.err, "needs a US pack")) << r.Describe();
  EXPECT_FALSE(FileExists(ws_.dir / "x.fec"));
}

}  // namespace
}  // namespace probity::clitest
