// BundleLines, the audit bundle's windowed line reader: the same lines and the
// same failures whatever the window's size and however the source splits its
// reads (a file still being written, a slow pipe), including a last line cut
// short, a line longer than the limit, and a source that fails.
#include "reports/bundle_source.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace probity {
namespace {

// Gives at most `read_max` bytes per read, and nothing at or past `end_at`
// (a file that ends there for now).
class ShortReadSource : public BundleSource {
 public:
  ShortReadSource(std::string text, std::size_t read_max)
      : text_(std::move(text)), read_max_(read_max), end_at_(text_.size()) {}
  Result<std::size_t> ReadAt(std::uint64_t offset, char* out, std::size_t bytes) override {
    ++reads_;
    if (fail_) return Status::IoError("disk on fire");
    if (offset >= end_at_) return std::size_t{0};
    const std::size_t n =
        std::min({bytes, read_max_, end_at_ - static_cast<std::size_t>(offset)});
    std::copy_n(text_.data() + offset, n, out);
    return n;
  }
  std::string text_;
  std::size_t read_max_;
  std::size_t end_at_;
  bool fail_ = false;
  int reads_ = 0;
};

// Every line of `lines` until the first failure, which ends the list as
// "FAIL: message".
std::vector<std::string> ReadAll(BundleLines& lines) {
  std::vector<std::string> out;
  for (;;) {
    Result<bool> end = lines.AtEnd();
    if (!end.ok()) return out.push_back("FAIL: " + end.status().message()), out;
    if (end.value()) return out;
    Result<std::string_view> line = lines.Next("a line");
    if (!line.ok()) return out.push_back("FAIL: " + line.status().message()), out;
    out.emplace_back(line.value());
  }
}

// The lines of `text` read with every small window and read size against a
// window and reads larger than the text: the same lines, the same failure.
void ExpectSameWhateverTheWindow(const std::string& text, std::size_t line_max) {
  ShortReadSource whole(text, text.size() + 1);
  BundleLines reference(whole, 0, 1, BundleLinesLimits{text.size() + 1, line_max});
  const std::vector<std::string> want = ReadAll(reference);
  for (std::size_t window : {1u, 2u, 3u, 7u, 16u, 64u}) {
    for (std::size_t read_max : {1u, 2u, 5u, 13u, 1000u}) {
      ShortReadSource source(text, read_max);
      BundleLines lines(source, 0, 1, BundleLinesLimits{window, line_max});
      EXPECT_EQ(ReadAll(lines), want) << "window " << window << ", reads of " << read_max;
    }
  }
}

TEST(BundleLines, SameLinesWhateverTheWindowAndTheReads) {
  std::string text;
  for (int i = 0; i < 40; ++i) {
    text += std::string(static_cast<std::size_t>(i % 23), static_cast<char>('a' + i % 26)) + "\n";
  }
  ShortReadSource whole(text, text.size());
  BundleLines lines(whole, 0, 1);
  const std::vector<std::string> all = ReadAll(lines);
  ASSERT_EQ(all.size(), 40u);
  EXPECT_EQ(all[3], "ddd");
  EXPECT_EQ(all[0], "");
  ExpectSameWhateverTheWindow(text, 32);
}

TEST(BundleLines, ALastLineCutShort) {
  ShortReadSource source("one\ntwo\nthr", 2);
  BundleLines lines(source, 0, 1, BundleLinesLimits{3, 32});
  EXPECT_EQ(ReadAll(lines), (std::vector<std::string>{
                                "one", "two", "FAIL: bundle line 3: the bundle is cut short (no "
                                              "final newline)"}));
  ExpectSameWhateverTheWindow("one\ntwo\nthr", 32);
}

TEST(BundleLines, ExpectingALineAtTheEnd) {
  ShortReadSource source("one\n", 1);
  BundleLines lines(source, 0, 1, BundleLinesLimits{1, 32});
  ASSERT_EQ(lines.Next("x").value(), "one");
  EXPECT_EQ(lines.Peek(), "");
  EXPECT_EQ(lines.Next("the end").status().message(),
            "bundle line 2: the bundle is cut short: expected the end");
}

TEST(BundleLines, ALineLongerThanTheLimit) {
  // At the limit, one byte over with its LF, and over without any LF after
  // it (the file ends first: cut short, as the whole-text reader said).
  const std::string at_limit = std::string(32, 'x') + "\n";
  const std::string over = std::string(33, 'y') + "\n";
  ExpectSameWhateverTheWindow("a\n" + at_limit + over + "b\n", 32);
  ExpectSameWhateverTheWindow("a\n" + std::string(100, 'z'), 32);
  ShortReadSource source("a\n" + at_limit + over + "b\n", 3);
  BundleLines lines(source, 0, 1, BundleLinesLimits{4, 32});
  EXPECT_EQ(ReadAll(lines),
            (std::vector<std::string>{"a", std::string(32, 'x'),
                                      "FAIL: bundle line 3: line is longer than the format allows"}));
  ShortReadSource unended("a\n" + std::string(100, 'z'), 7);
  BundleLines cut(unended, 0, 1, BundleLinesLimits{4, 32});
  EXPECT_EQ(ReadAll(cut).back(), "FAIL: bundle line 2: the bundle is cut short (no final newline)");
}

TEST(BundleLines, TheFormatsOwnLineLimit) {
  const std::string at = std::string(kBundleLineBytesMax, 'x') + "\n";
  const std::string over = std::string(kBundleLineBytesMax + 1, 'x') + "\n";
  ShortReadSource source(at + over, 100000);
  BundleLines lines(source, 0, 1);
  EXPECT_EQ(lines.Next("a").value().size(), kBundleLineBytesMax);
  EXPECT_EQ(lines.Next("a").status().message(),
            "bundle line 2: line is longer than the format allows");
}

TEST(BundleLines, CarriageReturnOrNulAfterAWindowEdge) {
  for (const std::string& bad : {std::string("x\r"), std::string("x\0y", 3)}) {
    const std::string text = "abcdefgh\n" + bad + "\n";
    ExpectSameWhateverTheWindow(text, 32);
    ShortReadSource source(text, 1);
    BundleLines lines(source, 0, 1, BundleLinesLimits{1, 32});
    EXPECT_EQ(ReadAll(lines).back(), "FAIL: bundle line 2: line holds a carriage return or NUL byte");
  }
}

TEST(BundleLines, AFileThatEndsMidWindowThenGrows) {
  // Cut in the middle of a line, in the middle of the window: cut short.
  ShortReadSource source("one\ntwo\nthree\n", 4);
  source.end_at_ = 6;  // "one\ntw" for now
  BundleLines lines(source, 0, 1, BundleLinesLimits{64, 32});
  ASSERT_EQ(lines.Next("x").value(), "one");
  EXPECT_EQ(lines.Next("x").status().message(),
            "bundle line 2: the bundle is cut short (no final newline)");
  // The first end met is the end: what is written after it is not read (the
  // verifier's second pass reads only as far as its first pass checked).
  source.end_at_ = 8;
  BundleLines again(source, 0, 1, BundleLinesLimits{64, 32});
  EXPECT_EQ(ReadAll(again), (std::vector<std::string>{"one", "two"}));
  source.end_at_ = source.text_.size();
  EXPECT_EQ(again.AtEnd().value(), true);
}

TEST(BundleLines, StartsAtAnOffsetAndCountsFromItsLine) {
  ShortReadSource source("head\nsecond\nthird\r\n", 3);
  BundleLines lines(source, 5, 2, BundleLinesLimits{2, 32});
  EXPECT_EQ(lines.offset(), 5u);
  EXPECT_EQ(lines.Next("x").value(), "second");
  EXPECT_EQ(lines.offset(), 12u);
  EXPECT_EQ(lines.line_number(), 3);
  EXPECT_EQ(lines.Next("x").status().message(),
            "bundle line 3: line holds a carriage return or NUL byte");
}

TEST(BundleLines, AReadErrorIsAnIoError) {
  ShortReadSource source("one\ntwo\n", 4);
  BundleLines lines(source, 0, 1, BundleLinesLimits{1, 32});
  ASSERT_EQ(lines.Next("x").value(), "one");
  source.fail_ = true;
  const Status st = lines.Next("x").status();
  EXPECT_EQ(st.code(), StatusCode::kIoError) << st.ToString();
  EXPECT_EQ(lines.Peek(), "");
}

}  // namespace
}  // namespace probity
