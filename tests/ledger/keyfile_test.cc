#include "ledger/keyfile.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ledger/encoding.h"

namespace probity {
namespace {

const KdfParams kKeyFileKdf{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};

// Each test gets its own directory, removed with everything in it afterwards.
class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    std::string templ = ::testing::TempDir() + "probity_keyfile_XXXXXX";
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    Result<SigningKey> key = GenerateSigningKey();
    ASSERT_TRUE(key.ok());
    key_ = NamedKey{"treasurer", std::move(key).value()};
  }
  void TearDown() override {
    for (const std::string& path : created_) ::unlink(path.c_str());
    ::rmdir(dir_.c_str());
  }

  std::string Path(const std::string& name) {
    created_.push_back(dir_ + "/" + name);
    return created_.back();
  }

  // Writes a valid key file and returns its path.
  std::string WriteGood(const std::string& name = "good.key") {
    const std::string path = Path(name);
    EXPECT_TRUE(WriteKeyFile(path, key_, pass_, kKeyFileKdf).ok());
    return path;
  }

  // Writes `text` as-is with `mode`, bypassing WriteKeyFile, for bad inputs.
  std::string WriteRaw(const std::string& name, const std::string& text, mode_t mode = 0600) {
    const std::string path = Path(name);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
    return path;
  }

  static std::string Slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // A valid file's text with the line starting "field " replaced by `line`
  // ("" removes the line).
  std::string GoodTextWith(const std::string& field, const std::string& line) {
    std::istringstream in(Slurp(WriteGood("template_" + std::to_string(counter_++) + ".key")));
    std::string out, l;
    while (std::getline(in, l)) {
      if (l.rfind(field + " ", 0) == 0) {
        if (!line.empty()) out += line + "\n";
      } else {
        out += l + "\n";
      }
    }
    return out;
  }

  // Expects ReadKeyFile on `text` to fail with KeyRejected mentioning `needle`.
  void ExpectRejected(const std::string& text, const std::string& needle) {
    const std::string path = WriteRaw("bad_" + std::to_string(counter_++) + ".key", text);
    Result<NamedKey> r = ReadKeyFile(path, pass_);
    ASSERT_FALSE(r.ok()) << "accepted:\n" << text;
    EXPECT_EQ(r.status().code(), StatusCode::kKeyRejected) << r.status().ToString();
    EXPECT_NE(r.status().message().find(needle), std::string::npos)
        << "message lacks \"" << needle << "\": " << r.status().message();
    EXPECT_FALSE(ReadPublicKeyFromFile(path).ok());
  }

  std::string dir_;
  std::vector<std::string> created_;
  NamedKey key_;
  SecretBytes pass_ = SecretBytes::FromString("treasurer passphrase");
  int counter_ = 0;
};

TEST_F(KeyFileTest, WritesAndReadsBack) {
  const std::string path = WriteGood();
  Result<NamedKey> read = ReadKeyFile(path, pass_);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->name, "treasurer");
  EXPECT_EQ(read->key.public_key, key_.key.public_key);
  const Bytes message = {1, 2, 3};
  EXPECT_EQ(SignDetached(read->key, message), SignDetached(key_.key, message));
  Result<PublicKeyInfo> info = ReadPublicKeyFromFile(path);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->name, "treasurer");
  EXPECT_EQ(info->public_key, key_.key.public_key);
}

TEST_F(KeyFileTest, FileIsCreatedOwnerOnlyAndInTheDocumentedShape) {
  const std::string path = WriteGood();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string text = Slurp(path);
  EXPECT_LE(text.size(), kKeyFileBytesMax);
  EXPECT_EQ(text.rfind("probity-signing-key v1\nname treasurer\npublic-key " +
                           Base64Encode(key_.key.public_key) +
                           "\nkdf argon2id13\nopslimit 1\n"
                           "memlimit 8192\nsalt ",
                       0),
            0u)
      << text;
  EXPECT_NE(text.find("\nsealed-seed "), std::string::npos);
  EXPECT_EQ(text.find(HexEncode(SeedOf(key_.key).span())), std::string::npos);
  EXPECT_EQ(text.find(Base64Encode(SeedOf(key_.key).span())), std::string::npos);
}

TEST_F(KeyFileTest, NeverOverwrites) {
  const std::string path = WriteGood();
  const std::string before = Slurp(path);
  Result<SigningKey> other = GenerateSigningKey();
  ASSERT_TRUE(other.ok());
  Status st = WriteKeyFile(path, NamedKey{"dpo", std::move(other).value()}, pass_, kKeyFileKdf);
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_NE(st.message().find("already exists"), std::string::npos);
  EXPECT_EQ(Slurp(path), before);
}

TEST_F(KeyFileTest, WriteRefusesBadNameAndParams) {
  NamedKey bad{"bad name", {SecretBytes(kSecretKeyBytes), {}}};
  bad.key = SigningKeyFromSeed(Bytes(32, 1)).value();
  EXPECT_TRUE(WriteKeyFile(Path("a.key"), bad, pass_, kKeyFileKdf).IsInvalidArgument());
  EXPECT_TRUE(WriteKeyFile(Path("b.key"), key_, pass_, {0, 8192}).IsInvalidArgument());
  EXPECT_TRUE(WriteKeyFile(Path("c.key"), key_, pass_, {kKeyFileOpslimitMax + 1, 8192})
                  .IsInvalidArgument());
  EXPECT_TRUE(WriteKeyFile(Path("d.key"), key_, pass_, {1, kKeyFileMemlimitBytesMax + 1})
                  .IsInvalidArgument());
  EXPECT_TRUE(WriteKeyFile(dir_ + "/no/such/dir.key", key_, pass_, kKeyFileKdf).code() ==
              StatusCode::kIoError);
  struct stat st {};
  EXPECT_NE(::stat((dir_ + "/a.key").c_str(), &st), 0);  // nothing left behind
}

TEST_F(KeyFileTest, WrongPassphrase) {
  const std::string path = WriteGood();
  Result<NamedKey> r = ReadKeyFile(path, SecretBytes::FromString("treasurer passphrasf"));
  EXPECT_TRUE(r.status().IsWrongPassphrase()) << r.status().ToString();
  EXPECT_TRUE(ReadKeyFile(path, SecretBytes()).status().IsWrongPassphrase());
  // The public part needs no passphrase at all.
  EXPECT_TRUE(ReadPublicKeyFromFile(path).ok());
}

TEST_F(KeyFileTest, RefusesFilesOthersCanAccess) {
  const std::string path = WriteGood();
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  Result<NamedKey> r = ReadKeyFile(path, pass_);
  EXPECT_EQ(r.status().code(), StatusCode::kKeyRejected);
  EXPECT_EQ(r.status().message(),
            "key file " + path + " is readable by others (mode 0644); run chmod 600 " + path);
  EXPECT_EQ(ReadPublicKeyFromFile(path).status().code(), StatusCode::kKeyRejected);
  for (mode_t mode : {0640u, 0604u, 0620u, 0602u, 0610u, 0601u, 0660u, 0666u}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    EXPECT_EQ(ReadKeyFile(path, pass_).status().code(), StatusCode::kKeyRejected)
        << std::oct << mode;
  }
  ASSERT_EQ(::chmod(path.c_str(), 0620), 0);
  EXPECT_NE(ReadKeyFile(path, pass_).status().message().find("writable by others (mode 0620)"),
            std::string::npos);
  ASSERT_EQ(::chmod(path.c_str(), 0400), 0);  // stricter than 0600 is fine
  EXPECT_TRUE(ReadKeyFile(path, pass_).ok());
}

TEST_F(KeyFileTest, MissingFileAndDirectory) {
  EXPECT_TRUE(ReadKeyFile(dir_ + "/absent.key", pass_).status().IsNotFound());
  EXPECT_TRUE(ReadPublicKeyFromFile(dir_ + "/absent.key").status().IsNotFound());
  const std::string sub = dir_ + "/sub";
  ASSERT_EQ(::mkdir(sub.c_str(), 0700), 0);
  EXPECT_EQ(ReadKeyFile(sub, pass_).status().code(), StatusCode::kKeyRejected);
  ::rmdir(sub.c_str());
}

TEST_F(KeyFileTest, FieldsMayComeInAnyOrder) {
  std::istringstream in(Slurp(WriteGood()));
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::string text = lines[0] + "\n";
  for (std::size_t i = lines.size() - 1; i >= 1; --i) text += lines[i] + "\n";
  Result<NamedKey> r = ReadKeyFile(WriteRaw("reordered.key", text), pass_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->key.public_key, key_.key.public_key);
}

TEST_F(KeyFileTest, RefusesStructuralDamage) {
  const std::string good = Slurp(WriteGood());
  ExpectRejected("", "no final newline");
  ExpectRejected(good.substr(0, good.size() - 1), "no final newline");  // truncated
  ExpectRejected(good.substr(0, good.rfind("sealed-seed")), "\"sealed-seed\" is missing");
  ExpectRejected("probity-signing-key v2" + good.substr(good.find('\n')), "first line");
  ExpectRejected("\n" + good, "first line");
  ExpectRejected(good + "\n", "is empty");
  ExpectRejected(good + "comment hello\n", "unknown field \"comment\"");
  ExpectRejected(good + "name dpo\n", "repeats the field \"name\"");
  ExpectRejected(good + "name\n", "has no value");
  ExpectRejected(good + std::string(kKeyFileBytesMax, 'x') + "\n", "longer than 4096");
  std::string crlf;
  for (char c : good) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  ExpectRejected(crlf, "first line");
}

TEST_F(KeyFileTest, RefusesEachMissingField) {
  for (const char* field :
       {"name", "public-key", "kdf", "opslimit", "memlimit", "salt", "nonce", "sealed-seed"}) {
    ExpectRejected(GoodTextWith(field, ""), "\"" + std::string(field) + "\" is missing");
  }
}

TEST_F(KeyFileTest, RefusesBadValues) {
  ExpectRejected(GoodTextWith("name", "name bad name"), "key name");
  ExpectRejected(GoodTextWith("name", "name " + std::string(65, 'a')), "key name");
  ExpectRejected(GoodTextWith("kdf", "kdf argon2i13"), "kdf \"argon2i13\"");
  ExpectRejected(GoodTextWith("opslimit", "opslimit 0"), "opslimit 0 is outside 1..16");
  ExpectRejected(GoodTextWith("opslimit", "opslimit 17"), "outside");
  ExpectRejected(GoodTextWith("opslimit", "opslimit 01"), "leading zero");
  ExpectRejected(GoodTextWith("opslimit", "opslimit 1x"), "opslimit");
  ExpectRejected(GoodTextWith("opslimit", "opslimit 99999999999999999999999"), "too large");
  ExpectRejected(GoodTextWith("memlimit", "memlimit 8191"), "outside");
  ExpectRejected(GoodTextWith("memlimit", "memlimit 1073741825"), "outside");
  ExpectRejected(GoodTextWith("memlimit", "memlimit  8192"), "memlimit");
  ExpectRejected(GoodTextWith("public-key", "public-key " + Base64Encode(Bytes(31, 1))),
                 "public-key: expected 32 bytes, got 31");
  ExpectRejected(GoodTextWith("salt", "salt " + Base64Encode(Bytes(15, 1))), "salt");
  ExpectRejected(GoodTextWith("nonce", "nonce " + Base64Encode(Bytes(25, 1))), "nonce");
  ExpectRejected(GoodTextWith("sealed-seed", "sealed-seed " + Base64Encode(Bytes(47, 1))),
                 "sealed-seed");
  ExpectRejected(GoodTextWith("salt", "salt AAAAAAAAAAAAAAAAAAAAAB=="), "non-canonical");
  ExpectRejected(GoodTextWith("salt", "salt AAAAAAAAAAAAAAAAAAAAAA"), "salt");
  ExpectRejected(GoodTextWith("salt", "salt AAAAAAAAAAAAAAAAAAAAAA== "), "salt");
}

TEST_F(KeyFileTest, FlippedSealedSeedIsWrongPassphrase) {
  // secretbox cannot tell a wrong passphrase from an altered box; both are refused.
  const std::string good = Slurp(WriteGood());
  const std::size_t at = good.find("sealed-seed ") + std::string("sealed-seed ").size() + 5;
  std::string text = good;
  text[at] = text[at] == 'A' ? 'B' : 'A';
  Result<NamedKey> r = ReadKeyFile(WriteRaw("flipped.key", text), pass_);
  EXPECT_TRUE(r.status().IsWrongPassphrase()) << r.status().ToString();
}

TEST_F(KeyFileTest, SwappedPublicKeyIsCorruption) {
  Result<SigningKey> other = GenerateSigningKey();
  ASSERT_TRUE(other.ok());
  const std::string text =
      GoodTextWith("public-key", "public-key " + Base64Encode(other->public_key));
  const std::string path = WriteRaw("swapped.key", text);
  Result<NamedKey> r = ReadKeyFile(path, pass_);
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  // Without the passphrase the mismatch cannot be seen; the format is fine.
  EXPECT_TRUE(ReadPublicKeyFromFile(path).ok());
}

TEST(KeyNameTest, Limits) {
  EXPECT_TRUE(ValidateKeyName("treasurer").ok());
  EXPECT_TRUE(ValidateKeyName("a").ok());
  EXPECT_TRUE(ValidateKeyName("Jean.Dupont_2024-dpo").ok());
  EXPECT_TRUE(ValidateKeyName(std::string(kKeyNameBytesMax, 'k')).ok());
  EXPECT_TRUE(ValidateKeyName(std::string(kKeyNameBytesMax + 1, 'k')).IsInvalidArgument());
  for (std::string_view bad : {"", "a b", "a+b", "a/b", "a\n", "\xC3\xA9t\xC3\xA9", "a:b", "—"}) {
    EXPECT_TRUE(ValidateKeyName(bad).IsInvalidArgument()) << bad;
  }
}

}  // namespace
}  // namespace probity
