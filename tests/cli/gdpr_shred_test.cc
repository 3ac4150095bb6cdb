// Proof that erasure destroys the subject's key: after `probity gdpr erase`,
// neither the raw files (ledger, -wal, -shm) nor any DECRYPTED page of the
// ledger or its WAL holds the 32 key bytes, nor the 32 bytes of the keyed
// hash of the name in the donor_names index. The same scan first finds the key
// before erasure, so it can fail.
//
// Pages are decrypted here, independently of SQLite's b-tree (which would
// show live rows only, never free pages or slack space): SQLCipher 3 encrypts
// each 4,096-byte page with AES-256-CBC under the raw database key; the last
// 48 bytes of a page are reserved (IV 16, HMAC-SHA1 20, padding), and page 1
// starts with the 16-byte salt in clear (docs/format.md, section 12).
#include <openssl/evp.h>
#include <sqlite3.h>

#include <cstring>

#include "ledger/encoding.h"
#include "ledger/keyfile.h"
#include "ledger/ledger.h"
#include "ledger/vault.h"
#include "tests/cli/cli_harness.h"

namespace probity::clitest {
namespace {

constexpr std::size_t kPage = 4096;
constexpr std::size_t kReserve = 48;
constexpr std::size_t kIv = 16;
constexpr std::size_t kSalt = 16;
constexpr std::size_t kWalHeader = 32;
constexpr std::size_t kFrameHeader = 24;

std::string Unhex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

// The raw 32-byte database key, from the harness's x'<key hex><salt hex>'.
std::string DatabaseKey(const std::string& ledger) {
  const std::string clause = RawKeyClause(ledger);
  return Unhex(clause.substr(2, 64));
}

// Decrypts one page image; page 1 keeps its salt in clear.
std::string DecryptPage(const std::string& key, std::string_view page, bool first) {
  EXPECT_EQ(page.size(), kPage);
  const std::size_t from = first ? kSalt : 0;
  const std::size_t to = kPage - kReserve;
  const auto* iv = reinterpret_cast<const unsigned char*>(page.data() + to);
  std::string out(to - from, '\0');
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int n = 0;
  bool ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr,
                               reinterpret_cast<const unsigned char*>(key.data()), iv) == 1 &&
            EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
            EVP_DecryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &n,
                              reinterpret_cast<const unsigned char*>(page.data() + from),
                              static_cast<int>(to - from)) == 1;
  EVP_CIPHER_CTX_free(ctx);
  EXPECT_TRUE(ok);
  EXPECT_EQ(static_cast<std::size_t>(n), to - from);
  (void)kIv;
  return out;
}

// Every page of the ledger file, then every frame of its WAL, decrypted.
std::string DecryptedPages(const std::string& ledger) {
  const std::string key = DatabaseKey(ledger);
  const std::string file = ReadFile(ledger);
  EXPECT_EQ(file.size() % kPage, 0u);
  std::string out;
  for (std::size_t at = 0; at + kPage <= file.size(); at += kPage) {
    const std::string plain = DecryptPage(key, std::string_view(file).substr(at, kPage), at == 0);
    if (at == 0) {
      // Right key, right layout: the SQLite header's page size (offset 16,
      // big-endian) and reserved bytes per page (offset 20) decrypt as written.
      EXPECT_EQ(static_cast<unsigned char>(plain[0]), 0x10u);
      EXPECT_EQ(static_cast<unsigned char>(plain[1]), 0x00u);
      EXPECT_EQ(static_cast<unsigned char>(plain[4]), kReserve);
    }
    out += plain;
  }
  if (!FileExists(ledger + "-wal")) return out;
  const std::string wal = ReadFile(ledger + "-wal");
  for (std::size_t at = kWalHeader; at + kFrameHeader + kPage <= wal.size();
       at += kFrameHeader + kPage) {
    const auto* h = reinterpret_cast<const unsigned char*>(wal.data() + at);
    const std::uint32_t pgno = (std::uint32_t{h[0]} << 24) | (std::uint32_t{h[1]} << 16) |
                               (std::uint32_t{h[2]} << 8) | h[3];
    out += DecryptPage(key, std::string_view(wal).substr(at + kFrameHeader, kPage), pgno == 1);
  }
  return out;
}

std::string RawFiles(const std::string& ledger) {
  std::string out = ReadFile(ledger);
  for (const char* suffix : {"-wal", "-shm"}) {
    if (FileExists(ledger + suffix)) out += ReadFile(ledger + suffix);
  }
  return out;
}

// A blob of the subject's row, read through SQLCipher with the raw key: `sql`
// selects it with the subject as its one parameter.
std::string SubjectBlob(const std::string& ledger, const char* sql, const std::string& subject) {
  sqlite3* db = nullptr;
  std::string key;
  const std::string script = SqlcipherKeyScript(ledger);
  if (sqlite3_open_v2(ledger.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
      sqlite3_exec(db, script.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK) {
      sqlite3_bind_text(stmt, 1, subject.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(stmt) == SQLITE_ROW) {
        key.assign(static_cast<const char*>(sqlite3_column_blob(stmt, 0)),
                   static_cast<std::size_t>(sqlite3_column_bytes(stmt, 0)));
      }
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return key;
}

// The subject's vault key.
std::string VaultKey(const std::string& ledger, const std::string& subject) {
  return SubjectBlob(ledger, "SELECT key FROM subject_keys WHERE subject = ?", subject);
}

// The keyed hash of the subject's name in the donor_names index (docs/format.md 12.4).
std::string NameMac(const std::string& ledger, const std::string& subject) {
  return SubjectBlob(ledger, "SELECT name_mac FROM donor_names WHERE subject = ?", subject);
}

class GdprShredTest : public PreparedLedgerTest {};

TEST_F(GdprShredTest, TheErasedKeyIsInNoFileAndNoDecryptedPage) {
  const std::string name = "Zebulon Shredtest";
  RunResult added = Run({"donor", "add", "--name", name, "--nationality", "FR"});
  ASSERT_EQ(added.exit_code, kExitOk) << added.Describe();
  const std::string subject = added.out.substr(0, added.out.size() - 1);
  std::int64_t request = -1;
  {  // the erasure request, as the register writes it
    auto ledger =
        Ledger::Open(ws_.ledger, SecretBytes::FromString(kLedgerPassphrase), ProbityKdf());
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    auto key = ReadKeyFile(ws_.key, SecretBytes::FromString(kKeyPassphrase));
    ASSERT_TRUE(key.ok());
    auto seqs = (*ledger)->Append(*key, [&](AppendBatch& batch) {
      PROBITY_ASSIGN_OR_RETURN(
          request, batch.Add(EntryDraft{"request_opened", Json{{"subject", subject},
                                                               {"request_type", "erasure"},
                                                               {"received", "2026-11-10"},
                                                               {"channel", "letter"},
                                                               {"due", "2026-12-10"}}}));
      return Status::OK();
    });
    ASSERT_TRUE(seqs.ok()) << seqs.status().ToString();
  }

  // Before: the key is in a decrypted page (so the scan works), never in a
  // raw file; with it the sealed box gives the name back.
  const std::string vault_key = VaultKey(ws_.ledger, subject);
  ASSERT_EQ(vault_key.size(), 32u);
  EXPECT_TRUE(Has(DecryptedPages(ws_.ledger), vault_key)) << "the scan cannot see the key";
  EXPECT_FALSE(Has(RawFiles(ws_.ledger), vault_key));
  EXPECT_FALSE(Has(RawFiles(ws_.ledger), name));
  // The same for the keyed hash of the name in the donor index.
  const std::string name_mac = NameMac(ws_.ledger, subject);
  ASSERT_EQ(name_mac.size(), 32u);
  EXPECT_TRUE(Has(DecryptedPages(ws_.ledger), name_mac)) << "the scan cannot see the hash";
  RunResult log = Run({"log", "--json"});
  const Json entries = Json::parse(log.out);
  std::string box;
  for (const Json& e : entries) {
    if (e["entry"]["kind"] == "donor_added" && e["entry"]["subject"] == subject) {
      box = e["entry"]["pii"].get<std::string>();
    }
  }
  SecretBytes sk(32);
  std::memcpy(sk.data(), vault_key.data(), 32);
  Result<DonorPii> opened = OpenPii(sk, subject, box);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->name, name);

  RunResult erased = Run({"gdpr", "erase", "--subject", subject, "--request",
                          std::to_string(request), "--date", "2026-11-20"});
  ASSERT_EQ(erased.exit_code, kExitOk) << erased.Describe();

  // After: not in the raw files, not in any decrypted page of the file or WAL.
  EXPECT_TRUE(VaultKey(ws_.ledger, subject).empty());
  EXPECT_TRUE(NameMac(ws_.ledger, subject).empty());
  const std::string pages = DecryptedPages(ws_.ledger);
  EXPECT_FALSE(Has(pages, vault_key)) << "the erased key survives in a decrypted page";
  EXPECT_FALSE(Has(pages, name_mac)) << "the erased name's hash survives in a decrypted page";
  EXPECT_FALSE(Has(pages, name));
  EXPECT_FALSE(Has(RawFiles(ws_.ledger), vault_key));
  EXPECT_FALSE(Has(RawFiles(ws_.ledger), name));
  // The box is still there (the signed entry is unchanged) but nothing opens it.
  EXPECT_TRUE(Has(pages, box.substr(0, 40)));
}

}  // namespace
}  // namespace probity::clitest
