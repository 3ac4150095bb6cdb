// VerifyAuditBundle reading a bundle a window at a time, twice (its shape,
// then its entries): the same report however the reads are split (a bad
// entry right at a read's edge included), a bundle that changes between the
// two reads, grows after them or is cut during them, and a read error.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>

#include "ledger/files.h"
#include "reports/bundle.h"
#include "reports/bundle_source.h"

namespace probity {
namespace {

// Serves `first` until the verifier goes back to an earlier offset (its
// second read), then `second`; each read ends at the next of `cuts`.
class SplitSource : public BundleSource {
 public:
  SplitSource(std::string first, std::string second, std::set<std::uint64_t> cuts = {})
      : first_(std::move(first)), second_(std::move(second)), cuts_(std::move(cuts)) {}
  Result<std::size_t> ReadAt(std::uint64_t offset, char* out, std::size_t bytes) override {
    if (offset < last_offset_) second_pass_ = true;
    last_offset_ = offset;
    if ((second_pass_ && fail_second_pass_) || offset >= fail_from_) {
      return Status::IoError("disk on fire");
    }
    const std::string& text = second_pass_ ? second_ : first_;
    if (offset >= text.size()) return std::size_t{0};
    auto cut = cuts_.upper_bound(offset);
    std::uint64_t end = std::min<std::uint64_t>(text.size(), offset + bytes);
    if (cut != cuts_.end()) end = std::min(end, *cut);
    std::copy(text.begin() + static_cast<std::ptrdiff_t>(offset),
              text.begin() + static_cast<std::ptrdiff_t>(end), out);
    return static_cast<std::size_t>(end - offset);
  }
  bool fail_second_pass_ = false;
  std::uint64_t fail_from_ = UINT64_MAX;  // every read from there fails

 private:
  std::string first_, second_;
  std::set<std::uint64_t> cuts_;
  std::uint64_t last_offset_ = 0;
  bool second_pass_ = false;
};

class BundleStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    const std::string dir = std::string(PROBITY_SOURCE_DIR) + "/docs/examples/audit-bundle/";
    bundle_ = ReadFileBounded(dir + "demo.probity", kBundleBytesMax, "bundle").value();
    std::string trust = ReadFileBounded(dir + "trust.txt", 1024, "key").value();
    trust.erase(trust.find_last_not_of('\n') + 1);
    options_ = BundleVerifyOptions{{ParseVerifierKey(trust).value()}, {}};
  }
  // The report as text: failure, first bad entry, entries checked.
  std::string Report(BundleSource& source) {
    Result<BundleReport> r = VerifyAuditBundle(source, options_);
    if (!r.ok()) return "error: " + r.status().ToString();
    return r->failure.ToString() + " | first bad " + std::to_string(r->first_bad_seq) +
           " | entries " + std::to_string(r->summary.entries);
  }
  std::string Whole(const std::string& text) {
    SplitSource source(text, text);
    return Report(source);
  }
  std::string Cut(const std::string& text, std::set<std::uint64_t> cuts) {
    SplitSource source(text, text, std::move(cuts));
    return Report(source);
  }
  std::size_t LineAt(const std::string& prefix) const {
    const std::size_t at = bundle_.find("\n" + prefix);
    PROBITY_ASSERT(at != std::string::npos);
    return at + 1;
  }

  std::string bundle_;
  BundleVerifyOptions options_;
};

TEST_F(BundleStreamTest, TheSameReportHoweverTheReadsAreSplit) {
  // Differential: every flipped byte of a sample and every cut, read in one
  // piece and in reads of 1 to 9 bytes, must give the same report.
  std::mt19937 rng(7);
  std::set<std::uint64_t> cuts;
  for (std::uint64_t at = 0; at < bundle_.size(); at += 1 + rng() % 9) cuts.insert(at);
  ASSERT_EQ(Whole(bundle_), "OK | first bad -1 | entries 10");
  ASSERT_EQ(Cut(bundle_, cuts), Whole(bundle_));
  for (std::size_t at = 0; at < bundle_.size(); at += 1 + rng() % 97) {
    std::string flipped = bundle_;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x04);
    ASSERT_EQ(Cut(flipped, cuts), Whole(flipped)) << "byte " << at;
    const std::string cut = bundle_.substr(0, at);
    ASSERT_EQ(Cut(cut, cuts), Whole(cut)) << "cut at " << at;
  }
}

TEST_F(BundleStreamTest, ABadEntryRightAtTheEdgeOfARead) {
  const std::size_t line = LineAt("entry 5 ");
  const std::size_t eol = bundle_.find('\n', line);
  std::string bad_body = bundle_;
  const std::size_t flip = bundle_.find("\"seq\":", line) + 6;
  bad_body[flip] = '7';  // entry 5 says it is entry 7
  std::string bad_seq = bundle_;
  bad_seq[line + 6] = '6';  // "entry 6" where entry 5 belongs
  const std::string whole_body = Whole(bad_body);
  EXPECT_NE(whole_body.find("entry 5: says it is entry 7"), std::string::npos) << whole_body;
  const std::string whole_seq = Whole(bad_seq);
  EXPECT_NE(whole_seq.find("entry 6 where entry 5 was expected"), std::string::npos) << whole_seq;
  for (std::uint64_t edge : {line - 1, line, line + 1, line + 6, line + 7, flip, flip + 1, eol,
                             eol + 1}) {
    EXPECT_EQ(Cut(bad_body, {edge}), whole_body) << "a read ends at " << edge;
    EXPECT_EQ(Cut(bad_seq, {edge}), whole_seq) << "a read ends at " << edge;
    EXPECT_EQ(Cut(bundle_, {edge}), "OK | first bad -1 | entries 10") << edge;
  }
}

TEST_F(BundleStreamTest, ABundleCutBetweenTheTwoReads) {
  // Shape checked whole, then the file loses its tail in the middle of entry 4.
  SplitSource source(bundle_, bundle_.substr(0, LineAt("entry 4 ") + 20));
  const std::string r = Report(source);
  EXPECT_NE(r.find("the bundle changed while it was being verified: bundle line"),
            std::string::npos)
      << r;
  EXPECT_NE(r.find("cut short"), std::string::npos) << r;
  EXPECT_NE(r.find("entries 4"), std::string::npos) << r;
}

TEST_F(BundleStreamTest, ABundleChangedBetweenTheTwoReads) {
  std::string renumbered = bundle_;
  renumbered[LineAt("entry 3 ") + 6] = '8';
  SplitSource moved(bundle_, renumbered);
  const std::string r = Report(moved);
  EXPECT_NE(r.find("changed while it was being verified"), std::string::npos) << r;
  EXPECT_NE(r.find("entry 8 where entry 3 was expected"), std::string::npos) << r;
  // A body changed in place: still checked, and refused as any forged entry.
  std::string forged = bundle_;
  forged[bundle_.find("\"amount_minor\":", LineAt("entry 7 ")) + 15] ^= 1;
  SplitSource swapped(bundle_, forged);
  const std::string f = Report(swapped);
  EXPECT_NE(f.find("entry 7:"), std::string::npos) << f;
  EXPECT_NE(f.find("first bad 7"), std::string::npos) << f;
}

TEST_F(BundleStreamTest, ABundleThatGrowsAfterItsEnd) {
  // Bytes written after the first read found "end" are never read: the
  // entries checked are the ones the shape check saw.
  SplitSource grown(bundle_, bundle_ + "entry 10 more\n");
  EXPECT_EQ(Report(grown), "OK | first bad -1 | entries 10");
  // Grown before the first read reached the end: refused.
  EXPECT_NE(Whole(bundle_ + "x\n").find("bytes after the \"end\" line"), std::string::npos);
}

TEST_F(BundleStreamTest, AReadErrorIsAnErrorNotAFailure) {
  SplitSource source(bundle_, bundle_);
  source.fail_second_pass_ = true;
  EXPECT_EQ(Report(source), "error: I/O error: disk on fire");
  // In the first read: where the reader looks ahead for more signers, packs
  // or entries, and in the middle of a line.
  for (const char* line : {"signer ", "pack ", "entry 0 ", "entry 9 ", "checkpoint "}) {
    for (std::size_t into : {0u, 3u}) {
      const std::uint64_t at = LineAt(line) + into;
      SplitSource failing(bundle_, bundle_, {at});
      failing.fail_from_ = at;
      EXPECT_EQ(Report(failing), "error: I/O error: disk on fire") << line << " + " << into;
    }
  }
}

TEST_F(BundleStreamTest, FromAFile) {
  const std::string path = ::testing::TempDir() + "/bundle_stream_test.probity";
  std::remove(path.c_str());
  ASSERT_TRUE(WriteNewFile(path, bundle_, "bundle").ok());
  ReadOnlyFile file = ReadOnlyFile::Open(path, kBundleBytesMax, "bundle").value();
  EXPECT_TRUE(file.regular());
  FileBundleSource source(file);
  EXPECT_EQ(Report(source), Whole(bundle_));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace probity
