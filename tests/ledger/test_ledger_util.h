// Shared fixtures for the ledger tests: a temporary directory, a signing key,
// and a ledger created with a cheap key derivation (tests only; the CLI always
// uses KdfModerate).
#ifndef PROBITY_TESTS_LEDGER_TEST_LEDGER_UTIL_H_
#define PROBITY_TESTS_LEDGER_TEST_LEDGER_UTIL_H_

#include <gtest/gtest.h>
#include <sodium.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ledger/ledger.h"
#include "ledger/records.h"

namespace probity::testing {

inline KdfParams FastKdf() {
  return KdfParams{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

inline NamedKey NewKey(const std::string& name) {
  EXPECT_TRUE(InitCrypto().ok());
  Result<SigningKey> key = GenerateSigningKey();
  PROBITY_ASSERT(key.ok());
  return NamedKey{name, std::move(key).value()};
}

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "probity-test-XXXXXX").string();
    PROBITY_ASSERT(mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline SecretBytes Pass(const char* text = "test passphrase") {
  return SecretBytes::FromString(text);
}

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    path_ = dir_.File("test.ledger");
    auto created = Ledger::Create(path_, Pass(), "test.example/log", key_, FastKdf());
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    ledger_ = std::move(created).value();
  }
  void Reopen() {
    ledger_.reset();
    auto opened = Ledger::Open(path_, Pass(), FastKdf());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    ledger_ = std::move(opened).value();
  }
  std::int64_t Count() { return ledger_->store().EntryCount().value(); }
  std::string AddPerson(const std::string& name) {
    NewDonor d{"person", DonorPii{name, "FR", "FR", "1 rue X", "", "", ""}};
    auto added = AddDonor(*ledger_, key_, d);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? added->subject : std::string();
  }
  std::int64_t Give(const std::string& subject, const char* amount, const char* date = "2026-05-01") {
    auto money = ParseMoney(amount, "EUR", Sign::kPositive);
    EXPECT_TRUE(money.ok());
    auto seq = AddDonation(*ledger_, key_,
                           NewDonation{subject, money.value(), "cheque", ParseDate(date).value(),
                                       "fr-pres-2027"});
    EXPECT_TRUE(seq.ok()) << seq.status().ToString();
    return seq.ok() ? seq.value() : -1;
  }

  // Appends one entry of `kind` with `fields` as it is, with no record check
  // (tests that need an entry the records layer would not write).
  std::int64_t AppendEntry(const char* kind, Json fields) {
    std::int64_t seq = -1;
    auto added = ledger_->Append(key_, [&](AppendBatch& batch) {
      PROBITY_ASSIGN_OR_RETURN(seq, batch.Add(EntryDraft{kind, std::move(fields)}));
      return Status::OK();
    });
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return seq;
  }

  // What someone holding the database key does to a derived table: drop its
  // append-only triggers, run `sql`, put them back as they were.
  void Tamper(const std::string& table, const std::string& sql) {
    Db& db = ledger_->store().db();
    std::vector<std::pair<std::string, std::string>> triggers;
    {
      Result<Stmt> stmt =
          db.Prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?");
      ASSERT_TRUE(stmt.ok()) << stmt.status().ToString();
      stmt->Bind(1, table);
      while (stmt->Step().value()) triggers.emplace_back(stmt->ColumnText(0), stmt->ColumnText(1));
    }
    ASSERT_EQ(triggers.size(), 2u) << table;  // no update, no delete
    for (const auto& [name, create] : triggers) ASSERT_TRUE(db.Exec("DROP TRIGGER " + name).ok());
    ASSERT_TRUE(db.Exec(sql).ok()) << sql;
    for (const auto& [name, create] : triggers) ASSERT_TRUE(db.Exec(create).ok()) << create;
  }

  TempDir dir_;
  std::string path_;
  NamedKey key_ = NewKey("treasurer");
  std::unique_ptr<Ledger> ledger_;
};

}  // namespace probity::testing

#endif  // PROBITY_TESTS_LEDGER_TEST_LEDGER_UTIL_H_
