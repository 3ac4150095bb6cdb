#include "reports/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace probity {
namespace {

Status WriteAll(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::IoError(std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
  return ::fsync(fd) == 0 ? Status::OK() : Status::IoError(std::strerror(errno));
}

}  // namespace

Status WriteReportFile(const std::string& path, const std::string& bytes) {
  if (path.empty()) return Status::InvalidArgument("--out needs a file name");
  std::string tmp = path + ".tmp-XXXXXX";
  const int fd = ::mkstemp(tmp.data());  // mode 0600
  if (fd < 0) {
    return Status::IoError("cannot create a file beside " + path + ": " + std::strerror(errno) +
                           "; check that the folder exists and is writable");
  }
  Status st = WriteAll(fd, bytes);
  if (::close(fd) != 0 && st.ok()) st = Status::IoError(std::strerror(errno));
  if (st.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    st = Status::IoError(std::string("cannot rename into place: ") + std::strerror(errno));
  }
  if (!st.ok()) {
    ::unlink(tmp.c_str());
    return st.WithContext("writing " + path);
  }
  return Status::OK();
}

}  // namespace probity
