#include "tests/cli/cli_harness.h"

#include <sodium.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "ledger/crypto.h"
#include "ledger/encoding.h"

namespace probity::clitest {
namespace {

constexpr int kRunTimeoutMs = 120000;

[[noreturn]] void Die(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

std::vector<std::string> EnvStrings(const Env& env) {
  std::vector<std::string> out;
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  if (env.count("PATH") == 0) {
    const char* path = std::getenv("PATH");
    out.push_back(std::string("PATH=") + (path != nullptr ? path : "/usr/bin:/bin"));
  }
  return out;
}

std::vector<char*> CPointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// In the child: a new session has no controlling terminal, so open("/dev/tty")
// fails and probity cannot prompt; signals back to their defaults.
[[noreturn]] void ExecChild(int in_fd, int out_fd, int err_fd, std::vector<char*>& argv,
                            std::vector<char*>& envp) {
  setsid();
  signal(SIGPIPE, SIG_DFL);
  dup2(in_fd, 0);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  execvpe(argv[0], argv.data(), envp.data());
  _exit(127);
}

// Feeds stdin and drains stdout and stderr together, so that no pipe fills.
void Pump(int in_fd, int out_fd, int err_fd, const std::string& input, RunResult* r, pid_t pid) {
  std::size_t written = 0;
  if (input.empty()) { close(in_fd); in_fd = -1; }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kRunTimeoutMs);
  while (out_fd >= 0 || err_fd >= 0) {
    std::array<pollfd, 3> fds{{{in_fd, POLLOUT, 0}, {out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}}};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      r->timed_out = true;
      break;
    }
    if (poll(fds.data(), fds.size(), static_cast<int>(left.count())) < 0 && errno != EINTR) break;
    if (in_fd >= 0 && (fds[0].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      ssize_t n = write(in_fd, input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if (n < 0 || written == input.size()) { close(in_fd); in_fd = -1; }
    }
    std::array<std::pair<int*, std::string*>, 2> outs{{{&out_fd, &r->out}, {&err_fd, &r->err}}};
    for (std::size_t i = 0; i < outs.size(); ++i) {
      int& fd = *outs[i].first;
      if (fd < 0 || (fds[i + 1].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      char buf[65536];
      ssize_t n = read(fd, buf, sizeof buf);
      if (n > 0) outs[i].second->append(buf, static_cast<std::size_t>(n));
      else if (n == 0 || errno != EINTR) { close(fd); fd = -1; }
    }
  }
  for (int fd : {in_fd, out_fd, err_fd}) if (fd >= 0) close(fd);
}

std::string Sha256Hex(const std::string& bytes) { return HexEncode(Sha256(AsBytes(bytes))); }

}  // namespace

std::string RunResult::Describe() const {
  const std::string how =
      timed_out ? " (killed: still running after " + std::to_string(kRunTimeoutMs / 1000) + " s)"
                : "";
  return "exit " + std::to_string(exit_code) + how + "\n--- stdout ---\n" + out +
         "--- stderr ---\n" + err;
}

RunResult RunProgram(const std::vector<std::string>& args, const Env& env,
                     const std::string& stdin_text) {
  signal(SIGPIPE, SIG_IGN);  // a child that exits early must not kill the tests
  std::vector<std::string> argv_s = args;
  std::vector<std::string> env_s = EnvStrings(env);
  std::vector<char*> argv = CPointers(argv_s);
  std::vector<char*> envp = CPointers(env_s);
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    Die("pipe");
  }
  pid_t pid = fork();
  if (pid < 0) Die("fork");
  if (pid == 0) ExecChild(in[0], out[1], err[1], argv, envp);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  RunResult r;
  Pump(in[1], out[0], err[0], stdin_text, &r, pid);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

bool HaveProgram(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && access((dir + "/" + name).c_str(), X_OK) == 0) return true;
  }
  return false;
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
                     "/probity-cli-test-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) Die("mkdtemp");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void WriteFile(const std::string& path, const std::string& bytes, unsigned mode) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) Die("open " + path);
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) Die("write " + path);
    done += static_cast<std::size_t>(n);
  }
  fchmod(fd, static_cast<mode_t>(mode));  // not subject to the umask
  close(fd);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die("read " + path);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

void CopyFile(const std::string& from, const std::string& to) {
  WriteFile(to, ReadFile(from), FileMode(from));
}

bool FileExists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

unsigned FileMode(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) Die("stat " + path);
  return static_cast<unsigned>(st.st_mode & 07777);
}

std::string FileSha256Hex(const std::string& path) { return Sha256Hex(ReadFile(path)); }

const std::string& ProbityBin() {
  static const std::string bin = [] {
    const char* env = std::getenv("PROBITY_TEST_BIN");
    return std::string(env != nullptr && *env != '\0' ? env : PROBITY_BIN);
  }();
  return bin;
}

KdfParams ProbityKdf() {
  static const KdfParams params = [] {
    RunResult r = RunProgram({ProbityBin(), "--version"}, Env{});
    if (r.exit_code != 0) Die("probity --version: " + r.Describe());
    if (r.out.find("TEST BUILD") != std::string::npos) {
      return KdfParams{crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
    }
    return KdfModerate();
  }();
  return params;
}

RunResult Probity(const std::vector<std::string>& args, const Env& env) {
  std::vector<std::string> argv{ProbityBin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, env);
}

std::string RawKeyClause(const std::string& ledger_path) {
  static std::map<std::string, std::string> key_hex_by_salt;
  const std::string head = ReadFile(ledger_path).substr(0, kSaltBytes);
  Salt salt{};
  std::memcpy(salt.data(), head.data(), std::min(head.size(), salt.size()));
  const std::string salt_hex = HexEncode(salt);
  auto it = key_hex_by_salt.find(salt_hex);
  if (it == key_hex_by_salt.end()) {
    if (!InitCrypto().ok()) throw std::runtime_error("InitCrypto failed");
    Result<SecretBytes> key = DeriveKey(SecretBytes::FromString(kLedgerPassphrase), salt,
                                        ProbityKdf(), kSymmetricKeyBytes);
    if (!key.ok()) throw std::runtime_error("DeriveKey: " + key.status().message());
    it = key_hex_by_salt.emplace(salt_hex, HexEncode(key->span())).first;
  }
  return "x'" + it->second + salt_hex + "'";
}

std::string SqlcipherKeyScript(const std::string& ledger_path) {
  return "PRAGMA key = \"" + RawKeyClause(ledger_path) + "\";\nPRAGMA cipher_page_size = 4096;\n";
}

std::int64_t CountEntries(const std::string& ledger_path) {
  const std::string script = SqlcipherKeyScript(ledger_path);
  sqlite3* db = nullptr;
  std::int64_t count = -1;
  if (sqlite3_open_v2(ledger_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK &&
      sqlite3_exec(db, script.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM entries", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      count = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return count;
}

LedgerState StateOf(const std::string& ledger_path) {
  LedgerState s;
  s.sha256 = FileSha256Hex(ledger_path);
  s.entries = CountEntries(ledger_path);
  return s;
}

namespace {

// Runs one step of building the prepared ledger; records the first failure.
std::string Step(Prepared* p, const Env& env, const std::vector<std::string>& args) {
  if (!p->error.empty()) return "";
  RunResult r = Probity(args, env);
  if (r.exit_code != kExitOk) {
    p->error = "building the prepared ledger, `probity";
    for (const std::string& a : args) p->error += " " + a;
    p->error += "` failed: " + r.Describe();
    return "";
  }
  if (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
  return r.out;
}

std::int64_t Seq(Prepared* p, const std::string& printed) {
  if (!p->error.empty()) return -1;
  if (printed.empty() || printed.find_first_not_of("0123456789") != std::string::npos) {
    p->error = "expected an entry number on stdout, got \"" + printed + "\"";
    return -1;
  }
  return std::stoll(printed);
}

void BuildPrepared(Prepared* p) {
  p->ledger = p->dir + "/campaign.ledger";
  p->ledger_pass = p->dir + "/ledger.pass";
  p->key = p->dir + "/treasurer.key";
  p->key_pass = p->dir + "/key.pass";
  WriteFile(p->ledger_pass, std::string(kLedgerPassphrase) + "\n");
  WriteFile(p->key_pass, std::string(kKeyPassphrase) + "\n");
  const Env env{{"PROBITY_LEDGER", p->ledger},
                {"PROBITY_PASSPHRASE_FILE", p->ledger_pass},
                {"PROBITY_KEY", p->key},
                {"PROBITY_KEY_PASSPHRASE_FILE", p->key_pass}};
  p->verifier_key = Step(p, env, {"key", "new", "--name", "treasurer", "--out", p->key});
  p->ledger_id = Step(p, env, {"init", "--origin", kOrigin});
  Step(p, env, {"scope", "add", kScope, "--pack", kPack});
  p->jeanne = Step(p, env, {"donor", "add", "--name", "Jeanne Martin", "--type", "person",
                            "--nationality", "FR", "--residence", "FR", "--address",
                            "12 rue des Lilas, 69003 Lyon", "--email", "jeanne@example.org"});
  p->paul = Step(p, env, {"donor", "add", "--name", "Paul Durand", "--nationality", "FR",
                          "--residence", "FR", "--address", "3 place du Marché, 33000 Bordeaux"});
  p->gift_small_seq = Seq(p, Step(p, env, {"donation", "add", "--donor", p->jeanne, "--amount",
                                           "150.00", "--currency", "EUR", "--method", "cheque",
                                           "--date", "2026-11-02", "--scope", kScope}));
  p->gift_large_seq = Seq(p, Step(p, env, {"donation", "add", "--donor", p->paul, "--amount",
                                           "1200", "--currency", "EUR", "--method", "transfer",
                                           "--date", "2026-11-05", "--scope", kScope}));
  p->refund_seq = Seq(p, Step(p, env, {"refund", "--donation", std::to_string(p->gift_large_seq),
                                       "--amount", "200.00", "--currency", "EUR", "--date",
                                       "2026-11-06", "--reason", "donor asked"}));
  Step(p, env, {"purpose", "add", "newsletter", "--basis", "Art. 6(1)(a), Art. 9(2)(a)",
                "--retention", "3y", "--description", "The campaign newsletter, by e-mail"});
  p->consent_seq = Seq(p, Step(p, env, {"consent", "grant", "--donor", p->jeanne, "--purpose",
                                        "newsletter", "--text",
                                        "I agree to receive the campaign newsletter by e-mail.",
                                        "--channel", "web", "--date", "2026-11-02"}));
  if (p->error.empty()) p->entries = CountEntries(p->ledger);
  if (p->error.empty() && p->entries != p->consent_seq + 1) {
    p->error = "the prepared ledger has " + std::to_string(p->entries) + " entries, expected " +
               std::to_string(p->consent_seq + 1);
  }
  if (p->error.empty() && FileExists(p->ledger + "-wal")) {
    p->error = "the prepared ledger left a -wal file behind; copies would miss entries";
  }
}

}  // namespace

const Prepared& PreparedLedger() {
  static TempDir dir;  // removed when the test program exits
  static Prepared prepared;
  static bool built = false;
  if (!built) {
    built = true;
    prepared.dir = dir.path();
    try {
      BuildPrepared(&prepared);
    } catch (const std::exception& e) {
      prepared.error = e.what();
    }
  }
  return prepared;
}

bool CopyPrepared(Workspace* ws, std::string* why) {
  const Prepared& p = PreparedLedger();
  if (!p.error.empty()) {
    *why = p.error;
    return false;
  }
  ws->ledger = ws->dir / "campaign.ledger";
  ws->ledger_pass = ws->dir / "ledger.pass";
  ws->key = ws->dir / "treasurer.key";
  ws->key_pass = ws->dir / "key.pass";
  CopyFile(p.ledger, ws->ledger);
  CopyFile(p.ledger_pass, ws->ledger_pass);
  CopyFile(p.key, ws->key);
  CopyFile(p.key_pass, ws->key_pass);
  ws->env = {{"PROBITY_LEDGER", ws->ledger},
             {"PROBITY_PASSPHRASE_FILE", ws->ledger_pass},
             {"PROBITY_KEY", ws->key},
             {"PROBITY_KEY_PASSPHRASE_FILE", ws->key_pass}};
  return true;
}

}  // namespace probity::clitest
