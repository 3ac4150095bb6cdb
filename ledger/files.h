// Small POSIX file helpers shared by everything that writes or reads a file
// the user names: key files, audit bundles, proofs, reports.
#ifndef PROBITY_LEDGER_FILES_H_
#define PROBITY_LEDGER_FILES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "ledger/status.h"

namespace probity {

// Closes a descriptor on every exit path.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd();
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now, so that a failing close (delayed write error) can be reported.
  bool Close();
  // Gives the descriptor up to the caller, who closes it.
  int Release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// strerror(errno), for messages.
std::string ErrnoText();

// Creates `path` with mode 0600 (never replacing a file), writes, syncs the
// file and its directory. `what` names the file in messages ("key file",
// "audit bundle"). InvalidArgument if it exists; a half-written file is removed.
[[nodiscard]] Status WriteNewFile(const std::string& path, std::string_view text,
                                  const std::string& what);
// The same without the two syncs, for a caller that writes many files and then
// calls SyncFileSystem once (one journal commit instead of two per file).
[[nodiscard]] Status WriteNewFileUnsynced(const std::string& path, std::string_view text,
                                          const std::string& what);
// syncfs(2) on the file system holding `path`: every file written there so far,
// and the directory entries, reach the disk.
[[nodiscard]] Status SyncFileSystem(const std::string& path);

// The whole file the user named (a regular file, or a pipe such as bash's
// <(...)), if it is at most `bytes_max` long: never more than bytes_max + 1
// bytes are read. NotFound when there is no such path, InvalidArgument for a
// directory or a longer file, IoError when it cannot be read.
Result<std::string> ReadFileBounded(const std::string& path, std::size_t bytes_max,
                                    const std::string& what);

// A file the user named, open for reading at any offset (pread), so that a
// large one can be read a window at a time instead of whole. Open refuses
// what ReadFileBounded refuses, with the same statuses and messages: no such
// path, a directory, a regular file longer than `bytes_max`. Owns its
// descriptor; not thread safe.
class ReadOnlyFile {
 public:
  static Result<ReadOnlyFile> Open(const std::string& path, std::size_t bytes_max,
                                   const std::string& what);
  ReadOnlyFile(ReadOnlyFile&& other) noexcept;
  ReadOnlyFile& operator=(ReadOnlyFile&&) = delete;
  ~ReadOnlyFile();
  // A regular file can be read twice; a pipe only once (use ReadFileBounded).
  bool regular() const { return regular_; }
  // Up to `bytes` bytes at `offset` into `out`; fewer near the end, 0 past it.
  Result<std::size_t> ReadAt(std::uint64_t offset, char* out, std::size_t bytes) const;

 private:
  ReadOnlyFile(int fd, bool regular, std::string name)
      : fd_(fd), regular_(regular), name_(std::move(name)) {}
  int fd_;
  bool regular_;
  std::string name_;  // "bundle PATH", for messages
};

}  // namespace probity

#endif  // PROBITY_LEDGER_FILES_H_
