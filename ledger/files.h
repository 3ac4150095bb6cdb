// Small POSIX file helpers shared by everything that writes or reads a file
// the user names: key files, audit bundles, proofs, reports.
#ifndef PROBITY_LEDGER_FILES_H_
#define PROBITY_LEDGER_FILES_H_

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

}  // namespace probity

#endif  // PROBITY_LEDGER_FILES_H_
