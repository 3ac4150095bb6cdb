#include "ledger/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

namespace probity {
namespace {

Status WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::IoError(ErrnoText());
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::OK();
}

// The directory entry must reach the disk too, or a crash could lose the file.
Status SyncParentDirectory(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  const std::string dir =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
    return Status::IoError("cannot sync directory " + dir + ": " + ErrnoText());
  }
  return Status::OK();
}

}  // namespace

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

bool Fd::Close() { return ::close(std::exchange(fd_, -1)) == 0; }

std::string ErrnoText() { return std::strerror(errno); }

namespace {

Status WriteNew(const std::string& path, std::string_view text, const std::string& what,
                bool sync) {
  Fd fd(::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOCTTY, 0600));
  if (fd.get() < 0 && errno == EEXIST) {
    return Status::InvalidArgument(what + " " + path +
                                   " already exists; it is never "
                                   "overwritten: choose another path or move the old file away");
  }
  if (fd.get() < 0)
    return Status::IoError("cannot create " + what + " " + path + ": " + ErrnoText());
  Status written = WriteAll(fd.get(), text);
  if (written.ok() && sync && ::fsync(fd.get()) != 0) written = Status::IoError(ErrnoText());
  if (written.ok() && !fd.Close()) written = Status::IoError(ErrnoText());
  if (!written.ok()) {
    ::unlink(path.c_str());  // a half-written file would only confuse later
    return written.WithContext("cannot write " + what + " " + path);
  }
  return sync ? SyncParentDirectory(path) : Status::OK();
}

}  // namespace

Status WriteNewFile(const std::string& path, std::string_view text, const std::string& what) {
  return WriteNew(path, text, what, true);
}

Status WriteNewFileUnsynced(const std::string& path, std::string_view text,
                            const std::string& what) {
  return WriteNew(path, text, what, false);
}

Status SyncFileSystem(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0 || ::syncfs(fd.get()) != 0) {
    return Status::IoError("cannot sync the file system of " + path + ": " + ErrnoText());
  }
  return Status::OK();
}

namespace {

Status TooLong(const std::string& path, std::size_t bytes_max, const std::string& what,
               const std::string& size) {
  return Status::InvalidArgument(what + " " + path + " is " + size + " bytes; at most " +
                                 std::to_string(bytes_max) + " are accepted");
}

// Opens a file the user named for reading: not a directory, and a regular
// file no longer than bytes_max (a pipe's length is only known once read).
Result<int> OpenBounded(const std::string& path, std::size_t bytes_max, const std::string& what,
                        struct stat* st) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    const std::string why = "cannot read " + what + " " + path + ": " + ErrnoText();
    if (errno == ENOENT) return Status::NotFound(why + "; check the path");
    return Status::IoError(why);
  }
  if (::fstat(fd.get(), st) != 0) return Status::IoError(path + ": " + ErrnoText());
  if (S_ISDIR(st->st_mode)) return Status::InvalidArgument(what + " " + path + " is a directory");
  if (S_ISREG(st->st_mode) && static_cast<std::uint64_t>(st->st_size) > bytes_max) {
    return TooLong(path, bytes_max, what, std::to_string(st->st_size));
  }
  return fd.Release();
}

}  // namespace

Result<std::string> ReadFileBounded(const std::string& path, std::size_t bytes_max,
                                    const std::string& what) {
  struct stat st {};
  PROBITY_ASSIGN_OR_RETURN(int raw_fd, OpenBounded(path, bytes_max, what, &st));
  Fd fd(raw_fd);
  const auto too_long = [&](const std::string& size) {
    return TooLong(path, bytes_max, what, size);
  };
  std::string out;
  out.resize(S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) + 1
                                 : std::min<std::size_t>(bytes_max + 1, 1 << 16));
  std::size_t done = 0;
  for (;;) {
    if (done == out.size()) {
      if (out.size() > bytes_max) break;
      out.resize(std::min(bytes_max + 1, out.size() * 2));
    }
    const ssize_t n = ::read(fd.get(), out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError("cannot read " + what + " " + path + ": " + ErrnoText());
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  if (done > bytes_max) return too_long("over " + std::to_string(bytes_max));
  out.resize(done);
  return out;
}

Result<ReadOnlyFile> ReadOnlyFile::Open(const std::string& path, std::size_t bytes_max,
                                        const std::string& what) {
  struct stat st {};
  PROBITY_ASSIGN_OR_RETURN(int fd, OpenBounded(path, bytes_max, what, &st));
  return ReadOnlyFile(fd, S_ISREG(st.st_mode), what + " " + path);
}

ReadOnlyFile::ReadOnlyFile(ReadOnlyFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), regular_(other.regular_), name_(std::move(other.name_)) {}

ReadOnlyFile::~ReadOnlyFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::size_t> ReadOnlyFile::ReadAt(std::uint64_t offset, char* out,
                                         std::size_t bytes) const {
  PROBITY_ASSERT(offset <= static_cast<std::uint64_t>(std::numeric_limits<off_t>::max()));
  for (;;) {
    const ssize_t n = ::pread(fd_, out, bytes, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError("cannot read " + name_ + ": " + ErrnoText());
    return static_cast<std::size_t>(n);
  }
}

}  // namespace probity
