// ReadFileBounded: the one reader of files a user names (bundles, proofs,
// entries, checkpoints, filings). Bounded for regular files and pipes alike.
#include "ledger/files.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

namespace probity {
namespace {

class ReadFileBoundedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("probity-files-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& bytes) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(ReadFileBoundedTest, ReadsAFileUpToTheBoundExactly) {
  const std::string bytes("a\0b\nc", 5);
  EXPECT_EQ(ReadFileBounded(Write("f", bytes), 5, "thing").value(), bytes);
  EXPECT_EQ(ReadFileBounded(Write("empty", ""), 0, "thing").value(), "");
}

TEST_F(ReadFileBoundedTest, RefusesAFileOneByteOverTheBound) {
  Result<std::string> r = ReadFileBounded(Write("f", "123456"), 5, "bundle");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("bundle"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("is 6 bytes; at most 5"), std::string::npos)
      << r.status().message();
}

TEST_F(ReadFileBoundedTest, AMissingPathIsNotFoundAndNamesThePath) {
  const std::string path = (dir_ / "absent").string();
  Result<std::string> r = ReadFileBounded(path, 100, "proof file");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status().message();
}

TEST_F(ReadFileBoundedTest, ADirectoryIsRefused) {
  Result<std::string> r = ReadFileBounded(dir_.string(), 100, "filing");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("directory"), std::string::npos) << r.status().message();
}

// /proc/self/mem opens as a regular file of size 0 whose read fails (EIO),
// which a test run as root can still meet (unlike a chmod 000 file).
TEST_F(ReadFileBoundedTest, AFailingReadIsAnIoError) {
  Result<std::string> r = ReadFileBounded("/proc/self/mem", 100, "bundle");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_NE(r.status().message().find("cannot read bundle /proc/self/mem"), std::string::npos)
      << r.status().message();
}

// A pipe has no size: the bound must hold while reading, and reading must
// stop one byte past it rather than drain an endless writer.
TEST_F(ReadFileBoundedTest, APipeIsReadWhole) {
  const std::string path = (dir_ / "fifo").string();
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  const std::string bytes(200000, 'p');  // more than one buffer growth
  std::thread writer([&] { std::ofstream(path, std::ios::binary) << bytes; });
  Result<std::string> r = ReadFileBounded(path, 300000, "filing");
  writer.join();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r.value(), bytes);
}

TEST_F(ReadFileBoundedTest, APipeOverTheBoundIsRefusedWithoutReadingItAll) {
  const std::string path = (dir_ / "fifo").string();
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  // The writer is cut off when the reader closes: EPIPE, not a fatal SIGPIPE.
  struct sigaction ignore {}, old {};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(::sigaction(SIGPIPE, &ignore, &old), 0);
  std::thread writer([&] {
    std::ofstream out(path, std::ios::binary);
    const std::string chunk(4096, 'z');
    // Writes until the reader closes its end (the stream then fails).
    for (int i = 0; i < 100000 && out; ++i) out << chunk << std::flush;
  });
  Result<std::string> r = ReadFileBounded(path, 100000, "bundle");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("is over 100000 bytes"), std::string::npos)
      << r.status().message();
  writer.join();
  ::sigaction(SIGPIPE, &old, nullptr);
}

}  // namespace
}  // namespace probity
