// Writing an access answer to its folder, and closing the request it answers
// (see gdpr_access.h). The folder holds personal data: 0700, files 0600, and
// nothing already there is ever replaced.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "ledger/files.h"
#include "reports/gdpr_access.h"

namespace probity {
namespace {

// Whether `dir` is absent (false) or an empty folder (true); an error for
// anything else.
Result<bool> ExistingEmptyDir(const std::string& dir) {
  struct stat st {};
  if (lstat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    return Status::IoError("cannot look at " + dir + ": " + ErrnoText());
  }
  const std::string refuse = dir + " already exists and is not an empty folder; probity never "
                                   "overwrites an answer, choose a new folder";
  if (!S_ISDIR(st.st_mode)) return Status::InvalidArgument(refuse);
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return Status::IoError("cannot read folder " + dir + ": " + ErrnoText());
  bool empty = true;
  while (dirent* ent = readdir(d)) {
    const std::string name = ent->d_name;
    if (name != "." && name != "..") {
      empty = false;
      break;
    }
  }
  closedir(d);
  if (!empty) return Status::InvalidArgument(refuse);
  return true;
}

Status MakeDir(const std::string& path) {
  if (mkdir(path.c_str(), 0700) != 0) {
    return Status::IoError("cannot create folder " + path + ": " + ErrnoText());
  }
  // The mode whatever the umask: the folder holds personal data.
  if (chmod(path.c_str(), 0700) != 0) {
    return Status::IoError("cannot set the mode of " + path + ": " + ErrnoText());
  }
  return Status::OK();
}

Status WriteAll(const std::string& dir, const AccessAnswer& answer) {
  PROBITY_ASSIGN_OR_RETURN(bool exists, ExistingEmptyDir(dir));
  if (exists) {
    if (chmod(dir.c_str(), 0700) != 0) {
      return Status::IoError("cannot set the mode of " + dir + ": " + ErrnoText());
    }
  } else {
    PROBITY_RETURN_IF_ERROR(MakeDir(dir));
  }
  bool proofs_dir = false;
  for (const AccessFile& f : answer.files) {
    if (!proofs_dir && f.name.rfind("proofs/", 0) == 0) {
      PROBITY_RETURN_IF_ERROR(MakeDir(dir + "/proofs"));
      proofs_dir = true;
    }
    PROBITY_RETURN_IF_ERROR(
        WriteNewFileUnsynced(dir + "/" + f.name, f.bytes, "access answer file"));
  }
  // One sync for the whole folder (a sync per file cost ~8 ms each).
  return SyncFileSystem(dir);
}

}  // namespace

Status CheckAnswerDir(const std::string& dir) {
  if (dir.empty()) return Status::InvalidArgument("--out is empty; name a new folder");
  return ExistingEmptyDir(dir).status();
}

Status WriteAccessAnswer(const std::string& dir, const AccessAnswer& answer) {
  PROBITY_ASSIGN_OR_RETURN(bool existed, ExistingEmptyDir(dir));
  Status st = WriteAll(dir, answer);
  if (!st.ok()) {
    RemoveAccessAnswer(dir, answer);
    if (existed) mkdir(dir.c_str(), 0700);  // leave an empty folder as it was found
  }
  return st;
}

void RemoveAccessAnswer(const std::string& dir, const AccessAnswer& answer) {
  for (const AccessFile& f : answer.files) unlink((dir + "/" + f.name).c_str());
  rmdir((dir + "/proofs").c_str());
  rmdir(dir.c_str());
}

Result<std::int64_t> CloseAnsweredRequest(Ledger& ledger, const NamedKey& key,
                                          const std::string& subject, std::int64_t request_seq,
                                          const std::string& answer_sha256, const Date& date) {
  std::int64_t seq = -1;
  Result<std::vector<std::int64_t>> added = ledger.Append(key, [&](AppendBatch& batch) {
    // Again under the write lock: another process may have closed it since.
    PROBITY_RETURN_IF_ERROR(CheckAccessRequest(batch.store(), subject, request_seq).status());
    EntryDraft draft{"request_closed", Json::object()};
    draft.fields["request_seq"] = request_seq;
    draft.fields["subject"] = subject;
    draft.fields["date"] = FormatDate(date);
    draft.fields["outcome"] = "answered";
    draft.fields["answer_sha256"] = answer_sha256;
    PROBITY_ASSIGN_OR_RETURN(seq, batch.Add(draft));
    return Status::OK();
  });
  if (!added.ok()) return added.status();
  return seq;
}

}  // namespace probity
