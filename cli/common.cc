#include "cli/common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <iostream>

namespace probity::cli {

KdfParams CliKdf() {
#ifdef PROBITY_TEST_ONLY_WEAK_KDF
  return KdfParams{crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
#else
  return KdfModerate();
#endif
}
namespace {

// Strips one trailing "\n" or "\r\n": files written by editors end with one.
std::size_t TrimmedLength(const SecretBytes& s, std::size_t n) {
  if (n > 0 && s.data()[n - 1] == '\n') --n;
  if (n > 0 && s.data()[n - 1] == '\r') --n;
  return n;
}

SecretBytes Shrink(const SecretBytes& buf, std::size_t n) {
  SecretBytes out(n);
  if (n > 0) std::memcpy(out.data(), buf.data(), n);
  return out;
}

Result<SecretBytes> ReadPassphraseFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::IoError("cannot read passphrase file " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (fstat(fd, &st) == 0 && (st.st_mode & 077) != 0) {
    Warn("warning: passphrase file " + path + " is readable by other users; run chmod 600 " + path);
  }
  SecretBytes buf(kPassphraseBytesMax + 1);
  ssize_t got = read(fd, buf.data(), buf.size());
  close(fd);
  if (got < 0) return Status::IoError("cannot read passphrase file " + path);
  if (static_cast<std::size_t>(got) > kPassphraseBytesMax) {
    return Status::InvalidArgument("passphrase file " + path + " is longer than " +
                                   std::to_string(kPassphraseBytesMax) + " bytes");
  }
  std::size_t n = TrimmedLength(buf, static_cast<std::size_t>(got));
  if (n == 0) return Status::InvalidArgument("passphrase file " + path + " is empty");
  return Shrink(buf, n);
}

Result<SecretBytes> PromptOnce(int tty, const std::string& prompt) {
  (void)!write(tty, prompt.data(), prompt.size());
  termios old_mode{};
  bool is_term = tcgetattr(tty, &old_mode) == 0;
  if (is_term) {
    termios quiet = old_mode;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(tty, TCSAFLUSH, &quiet);
  }
  SecretBytes buf(kPassphraseBytesMax + 1);
  std::size_t n = 0;
  char c = 0;
  while (n < buf.size() && read(tty, &c, 1) == 1 && c != '\n') buf.data()[n++] = static_cast<std::uint8_t>(c);
  c = 0;
  if (is_term) tcsetattr(tty, TCSAFLUSH, &old_mode);
  (void)!write(tty, "\n", 1);
  if (n > kPassphraseBytesMax) return Status::InvalidArgument("passphrase too long");
  n = TrimmedLength(buf, n);
  if (n == 0) return Status::InvalidArgument("empty passphrase");
  return Shrink(buf, n);
}

Result<SecretBytes> Prompt(const std::string& prompt, bool confirm) {
  int tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (tty < 0) {
    return Status::InvalidArgument("no terminal to ask for the " + prompt +
                                   "; give a passphrase file (see probity --help)");
  }
  Result<SecretBytes> first = PromptOnce(tty, "Enter " + prompt + ": ");
  if (first.ok() && confirm) {
    Result<SecretBytes> again = PromptOnce(tty, "Repeat " + prompt + ": ");
    if (!again.ok()) first = again.status();
    else if (again->size() != first->size() ||
             sodium_memcmp(again->data(), first->data(), first->size()) != 0) {
      first = Status::InvalidArgument("the two passphrases differ");
    }
  }
  close(tty);
  return first;
}

}  // namespace

Result<SecretBytes> ReadPassphrase(const std::string& file, const char* env_name,
                                   const std::string& prompt, bool confirm) {
  if (!file.empty()) return ReadPassphraseFile(file);
  const char* env = std::getenv(env_name);
  if (env != nullptr && *env != '\0') return ReadPassphraseFile(env);
  Result<SecretBytes> typed = Prompt(prompt, confirm);
  if (!typed.ok() && typed.status().IsInvalidArgument()) {
    return Status::InvalidArgument(typed.status().message() + " (or set " + env_name + ")");
  }
  return typed;
}

std::string LedgerPath(const GlobalOptions& g) {
  if (!g.ledger_path.empty()) return g.ledger_path;
  const char* env = std::getenv("PROBITY_LEDGER");
  if (env != nullptr && *env != '\0') return env;
  return "probity.ledger";
}

Result<std::unique_ptr<Ledger>> OpenLedger(const GlobalOptions& g) {
  const std::string path = LedgerPath(g);
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    return Status::NotFound("no ledger at " + path +
                            "; create one with `probity init` or pass --ledger / PROBITY_LEDGER");
  }
  PROBITY_ASSIGN_OR_RETURN(SecretBytes pass, ReadPassphrase(g.passphrase_file,
                                                            "PROBITY_PASSPHRASE_FILE",
                                                            "ledger passphrase", false));
  return Ledger::Open(path, pass, CliKdf());
}

Result<NamedKey> LoadSigningKey(const GlobalOptions& g) {
  std::string path = g.key_path;
  if (path.empty()) {
    const char* env = std::getenv("PROBITY_KEY");
    if (env == nullptr || *env == '\0') {
      return Status::InvalidArgument("this command signs: give your key with --key FILE or "
                                     "PROBITY_KEY (create one with `probity key new`)");
    }
    path = env;
  }
  PROBITY_ASSIGN_OR_RETURN(PublicKeyInfo info, ReadPublicKeyFromFile(path));
  PROBITY_ASSIGN_OR_RETURN(
      SecretBytes pass, ReadPassphrase(g.key_passphrase_file, "PROBITY_KEY_PASSPHRASE_FILE",
                                       "passphrase of key " + info.name, false));
  return ReadKeyFile(path, pass);
}

void PrintOut(const std::string& line) { std::cout << line << '\n'; }
void Warn(const std::string& line) { std::cerr << line << '\n'; }
void PrintJson(const Json& value) { std::cout << value.dump(2) << '\n'; }

}  // namespace probity::cli
