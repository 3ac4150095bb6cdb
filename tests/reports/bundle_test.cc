// The audit bundle: written from a real ledger, verified offline, and refused
// when anything in it was changed — flipped bytes, removed, swapped, forged or
// reordered entries, an older checkpoint, a cut file, another origin, a
// rewritten history, an untrusted key, disclosures that do not match, and an
// accepted gift that broke its pack's cap.
#include "reports/bundle.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "ledger/encoding.h"
#include "ledger/entry.h"
#include "ledger/files.h"
#include "ledger/merkle.h"
#include "policies/donations.h"
#include "policies/scopes.h"
#include "tests/ledger/test_ledger_util.h"
#include "tests/policies/engine_test_util.h"

namespace probity {
namespace {

using testing::D;
using testing::Minor;

class BundleTest : public testing::LedgerTest {
 protected:
  void SetUp() override {
    LedgerTest::SetUp();
    NewScope s;
    s.id = "fr-pres-2027";
    s.pack_id = "fr-candidate-2027-presidential";
    s.params["spending_ceiling"] = "16851000.00";
    ASSERT_TRUE(AddScope(*ledger_, key_, testing::ShippedPack(s.pack_id), s).ok());
    jeanne_ = AddPerson("Jeanne Martin");
    paul_ = AddPerson("Paul Durand");
    gift_ = Record(jeanne_, "4500.00");
    Record(paul_, "150.00", "cash");
    ASSERT_TRUE(AddRefund(*ledger_, key_,
                          NewRefund{gift_, ParseMoney("100.00", "EUR", Sign::kPositive).value(),
                                    D("2027-01-12"), "over-collected"})
                    .ok());
    CorrectionRequest c;
    c.donation_seq = gift_;
    c.amount = ParseMoney("4400.00", "EUR", Sign::kPositive).value();
    c.reason = "typing error";
    ASSERT_TRUE(RecordCorrection(*ledger_, key_, c).ok());
    trusted_ = {
        VerifierKey{key_.name, NoteKeyId(key_.name, key_.key.public_key), key_.key.public_key}};
  }
  std::int64_t Record(const std::string& subject, const char* amount,
                      const char* method = "cheque") {
    DonationRequest r{subject,        false, Minor(amount), "EUR", method, D("2027-01-10"),
                      "fr-pres-2027", "",    "gift"};
    Result<Recorded> rec = RecordDonation(*ledger_, key_, r);
    EXPECT_TRUE(rec.ok()) << rec.status().ToString();
    return rec.ok() ? rec->seq : -1;
  }
  std::string Bundle() {
    Result<std::string> b = BuildAuditBundle(*ledger_);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() ? b.value() : std::string();
  }
  BundleReport Verify(std::string_view bundle, std::vector<std::string> since = {}) {
    Result<BundleReport> r = VerifyAuditBundle(bundle, BundleVerifyOptions{trusted_, since});
    PROBITY_ASSERT(r.ok());
    return r.value();
  }
  void ExpectFails(std::string_view bundle, const std::string& why,
                   std::vector<std::string> since = {}) {
    const BundleReport r = Verify(bundle, std::move(since));
    ASSERT_FALSE(r.failure.ok()) << "a changed bundle verified; wanted: " << why;
    EXPECT_TRUE(r.failure.IsVerificationFailed()) << r.failure.ToString();
    EXPECT_NE(r.failure.message().find(why), std::string::npos) << r.failure.ToString();
  }
  static std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  static std::string Join(const std::vector<std::string>& lines) {
    std::string out;
    for (const std::string& l : lines) out += l + "\n";
    return out;
  }
  static std::size_t FindLine(const std::vector<std::string>& lines, const std::string& prefix) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].rfind(prefix, 0) == 0) return i;
    }
    ADD_FAILURE() << "no line " << prefix;
    return 0;
  }

  std::string jeanne_, paul_;
  std::int64_t gift_ = -1;
  std::vector<VerifierKey> trusted_;
};

TEST_F(BundleTest, IntactBundleVerifiesAndSummarises) {
  const std::string bundle = Bundle();
  const BundleReport r = Verify(bundle);
  ASSERT_TRUE(r.failure.ok()) << r.failure.ToString();
  const BundleSummary& s = r.summary;
  EXPECT_EQ(s.entries, Count());
  EXPECT_EQ(s.origin, "test.example/log");
  EXPECT_EQ(s.donors, 2);
  EXPECT_EQ(s.disclosed, 2);
  EXPECT_EQ(s.signers, 1);
  EXPECT_EQ(s.decisions, 3);  // two gifts and one correction, re-decided
  EXPECT_EQ(s.decisions_skipped, 0);
  const ScopeTotals& t = s.totals.at({"fr-pres-2027", "EUR"});
  EXPECT_EQ(t.gifts, 2);
  EXPECT_EQ(t.gross_minor, Minor("4550.00"));  // 4,400.00 as corrected + 150.00
  EXPECT_EQ(t.refunded_minor, Minor("100.00"));
  EXPECT_EQ(t.first_date, "2027-01-10");
  const std::string note = ledger_->store().LatestCheckpoint().value()->second;
  EXPECT_EQ(s.root, ParseCheckpointBody(ParseNote(note).value().body).value().root_hash);
  EXPECT_EQ(bundle.rfind(kBundleMagic, 0), 0u);
}

TEST_F(BundleTest, NoTrustedKeyIsAMisuse) {
  Result<BundleReport> r = VerifyAuditBundle(Bundle(), BundleVerifyOptions{});
  EXPECT_TRUE(r.status().IsInvalidArgument());
}

TEST_F(BundleTest, UntrustedKeyFails) {
  const NamedKey other = testing::NewKey("other");
  trusted_ = {
      VerifierKey{other.name, NoteKeyId(other.name, other.key.public_key), other.key.public_key}};
  ExpectFails(Bundle(), "not signed by any key given with --trust");
}

// Every byte matters: the header is compared with the entries, the entries
// and the checkpoint are signed, the disclosures must open and match. So a
// flipped byte anywhere must fail, and must never crash.
TEST_F(BundleTest, EveryFlippedByteFails) {
  const std::string bundle = Bundle();
  std::mt19937 rng(std::random_device{}());
  const std::size_t positions = std::min<std::size_t>(bundle.size(), 2000);
  std::vector<std::size_t> at(bundle.size());
  for (std::size_t i = 0; i < at.size(); ++i) at[i] = i;
  std::shuffle(at.begin(), at.end(), rng);
  for (std::size_t k = 0; k < positions; ++k) {
    std::string changed = bundle;
    const auto mask = static_cast<char>(std::uniform_int_distribution<int>(1, 255)(rng));
    changed[at[k]] = static_cast<char>(changed[at[k]] ^ mask);
    const BundleReport r = Verify(changed);
    ASSERT_FALSE(r.failure.ok()) << "flipping byte " << at[k] << " (mask " << int(mask)
                                 << ") verified: "
                                 << bundle.substr(at[k] > 40 ? at[k] - 40 : 0, 80);
    ASSERT_TRUE(r.failure.IsVerificationFailed()) << r.failure.ToString();
  }
}

TEST_F(BundleTest, CutAnywhereFails) {
  const std::string bundle = Bundle();
  for (std::size_t cut = 0; cut < bundle.size(); cut += 37) {
    ExpectFails(bundle.substr(0, cut), "");
  }
  ExpectFails(bundle.substr(0, bundle.size() - 1), "cut short");
  ExpectFails(bundle.substr(0, bundle.size() - 4), "cut short");
}

TEST_F(BundleTest, RemovedSwappedDuplicatedEntriesFail) {
  const std::vector<std::string> lines = Lines(Bundle());
  const std::size_t first = FindLine(lines, "entry 0 ");
  std::vector<std::string> removed = lines;
  removed.erase(removed.begin() + static_cast<std::ptrdiff_t>(first + 3));
  ExpectFails(Join(removed), "entry 4 where entry 3 was expected");
  std::vector<std::string> swapped = lines;
  std::swap(swapped[first + 3], swapped[first + 4]);
  ExpectFails(Join(swapped), "was expected");
  // Renumbered to hide the swap: the signed seq inside the entry says otherwise.
  std::vector<std::string> renumbered = swapped;
  renumbered[first + 3].replace(6, 1, "3");
  renumbered[first + 4].replace(6, 1, "4");
  ExpectFails(Join(renumbered), "entries were moved, swapped or removed");
  std::vector<std::string> duplicated = lines;
  duplicated.insert(duplicated.begin() + static_cast<std::ptrdiff_t>(first + 2), lines[first + 2]);
  ExpectFails(Join(duplicated), "was expected");
}

TEST_F(BundleTest, AnEntryReSignedWithAnotherPrevFails) {
  // The ledger's own key re-signs its last entry (a correction) with the
  // hash of the entry two before it as prev: only the chain of prev says so.
  std::vector<std::string> lines = Lines(Bundle());
  const std::int64_t last = Count() - 1;
  Json e = DecodeEntry(ledger_->store().GetEntry(last).value().body).value();
  ASSERT_EQ(e["kind"], "correction");
  e["prev"] = HexEncode(LeafHash(AsBytes(ledger_->store().GetEntry(last - 2).value().body)));
  const std::string body = Canonicalize(e).value();
  const std::string line = "entry " + std::to_string(last) + " ";
  lines[FindLine(lines, line)] =
      line + Base64Encode(SignDetached(key_.key, AsBytes(body))) + " " + body;
  ExpectFails(Join(lines), "entry " + std::to_string(last) +
                               ": prev does not match the hash of the entry before it");
}

TEST_F(BundleTest, ForgedEntryByAnUnauthorisedKeyFails) {
  // A well-formed entry appended by someone who is not a signer, with the
  // header's count, the checkpoint and everything else left as they were.
  const NamedKey forger = testing::NewKey("forger");
  std::vector<std::string> lines = Lines(Bundle());
  const std::int64_t n = Count();
  const Hash prev = LeafHash(AsBytes(ledger_->store().GetEntry(n - 1).value().body));
  EntryDraft draft{"donor_added", Json::object()};
  draft.fields = {
      {"subject", "S-0000000001"}, {"donor_type", "person"}, {"pii", Base64Encode(Bytes(48, 7))}};
  const std::string body =
      EncodeEntry(draft, n, 1893456000, prev, NoteKeyId(forger.name, forger.key.public_key))
          .value();
  const Signature sig = SignDetached(forger.key, AsBytes(body));
  const std::size_t cp = FindLine(lines, "checkpoint ");
  lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(cp),
               "entry " + std::to_string(n) + " " + Base64Encode(sig) + " " + body);
  ExpectFails(Join(lines), "more entries than the header's count");
  lines[FindLine(lines, "entries ")] = "entries " + std::to_string(n + 1);
  ExpectFails(Join(lines), "the checkpoint covers");
  // Even with the forger's key trusted and in the header, its entry is refused.
  trusted_.push_back(VerifierKey{forger.name, NoteKeyId(forger.name, forger.key.public_key),
                                 forger.key.public_key});
  lines.insert(
      lines.begin() + static_cast<std::ptrdiff_t>(FindLine(lines, "signer ") + 1),
      "signer " + FormatVerifierKey(forger.name, forger.key.public_key) + " added 0 revoked -");
  const std::string cp_note =
      SignNote(FormatCheckpointBody(
                   Checkpoint{"test.example/log", static_cast<std::uint64_t>(n + 1), Hash{}}),
               forger.name, forger.key);
  lines[FindLine(lines, "checkpoint ")] = "checkpoint " + Base64Encode(AsBytes(cp_note));
  ExpectFails(Join(lines), "entry " + std::to_string(n) + ":");
}

TEST_F(BundleTest, OlderCheckpointFails) {
  const std::string bundle = Bundle();
  const auto all = ledger_->store().AllCheckpoints().value();
  ASSERT_GE(all.size(), 2u);
  std::vector<std::string> lines = Lines(bundle);
  lines[FindLine(lines, "checkpoint ")] =
      "checkpoint " + Base64Encode(AsBytes(all[all.size() - 2].second));
  ExpectFails(Join(lines), "the checkpoint covers");
}

TEST_F(BundleTest, HeaderMustAgreeWithTheEntries) {
  const std::vector<std::string> lines = Lines(Bundle());
  std::vector<std::string> origin = lines;
  origin[1] = "origin other.example/log";
  ExpectFails(Join(origin), "origin");
  std::vector<std::string> revoked = lines;
  const std::size_t s = FindLine(revoked, "signer ");
  revoked[s].replace(revoked[s].size() - 1, 1, "3");
  ExpectFails(Join(revoked), "signers");
  std::vector<std::string> packs = lines;
  packs.erase(packs.begin() + static_cast<std::ptrdiff_t>(FindLine(packs, "pack ")));
  ExpectFails(Join(packs), "packs");
  std::vector<std::string> version = lines;
  version[0] = "probity-audit-bundle v2";
  ExpectFails(Join(version), "unknown bundle format version \"v2\"");
  std::vector<std::string> trailing = lines;
  trailing.push_back("");
  ExpectFails(Join(trailing), "after the \"end\" line");
  std::string crlf = Join(lines);
  crlf.insert(crlf.find('\n'), "\r");
  ExpectFails(crlf, "carriage return");
}

TEST_F(BundleTest, DisclosuresMustMatchTheSealedData) {
  const std::vector<std::string> lines = Lines(Bundle());
  const std::size_t first = FindLine(lines, "disclosure ");
  std::vector<std::string> missing = lines;
  missing.erase(missing.begin() + static_cast<std::ptrdiff_t>(first));
  ExpectFails(Join(missing), "has no disclosure");
  std::vector<std::string> altered = lines;
  const std::size_t name = altered[first].find("\"name\":\"") + 8;
  altered[first][name] = 'X';
  ExpectFails(Join(altered), "is not what the signed entry holds");
  std::vector<std::string> swapped_keys = lines;
  const std::size_t k1 = swapped_keys[first].find(" key ") + 5;
  const std::size_t k2 = swapped_keys[first + 1].find(" key ") + 5;
  std::swap_ranges(swapped_keys[first].begin() + static_cast<std::ptrdiff_t>(k1),
                   swapped_keys[first].begin() + static_cast<std::ptrdiff_t>(k1 + 44),
                   swapped_keys[first + 1].begin() + static_cast<std::ptrdiff_t>(k2));
  ExpectFails(Join(swapped_keys), "does not open");
}

// An auditor holding last quarter's checkpoint sees that this bundle extends
// it; a history rewritten since (a different ledger under the same origin
// and key) does not.
TEST_F(BundleTest, SinceAnEarlierCheckpoint) {
  const auto all = ledger_->store().AllCheckpoints().value();
  const std::string earlier = all[3].second;
  const BundleReport ok = Verify(Bundle(), {earlier, all.back().second});
  ASSERT_TRUE(ok.failure.ok()) << ok.failure.ToString();
  EXPECT_EQ(ok.summary.extends, (std::vector<std::int64_t>{all[3].first, all.back().first}));

  testing::TempDir dir;
  auto rewritten = Ledger::Create(dir.File("b.ledger"), testing::Pass(), "test.example/log", key_,
                                  testing::FastKdf())
                       .value();
  NewDonor d{"person", DonorPii{"Someone Else", "FR", "FR", "", "", "", ""}};
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(AddDonor(*rewritten, key_, d).ok());
  const std::string forged_history = rewritten->store().LatestCheckpoint().value()->second;
  ExpectFails(Bundle(), "does not extend it", {forged_history});
}

TEST_F(BundleTest, AGiftThatBrokeTheCapIsFound) {
  // AddDonation writes without a decision (the ledger layer cannot see
  // packs): the bundle verifier re-decides and finds the breach.
  Give(paul_, "4600.00", "2027-01-11");
  const BundleReport r = Verify(Bundle());
  ASSERT_FALSE(r.failure.ok());
  EXPECT_EQ(r.first_bad_seq, Count() - 1);
  EXPECT_NE(r.failure.message().find("breaks rule L52-8-cap"), std::string::npos)
      << r.failure.ToString();
}

TEST_F(BundleTest, ErasedDonorsAreCountedButNotReDecided) {
  ASSERT_TRUE(
      ledger_->store().db().Exec("DELETE FROM subject_keys WHERE subject = '" + paul_ + "'").ok());
  const std::string bundle = Bundle();
  EXPECT_NE(bundle.find("disclosure " + paul_ + " erased\n"), std::string::npos);
  const BundleReport r = Verify(bundle);
  ASSERT_TRUE(r.failure.ok()) << r.failure.ToString();
  EXPECT_EQ(r.summary.erased, 1);
  EXPECT_EQ(r.summary.decisions_skipped, 1);
  EXPECT_EQ(r.summary.decisions, 2);
}

TEST_F(BundleTest, SealedToTheAuditor) {
  const NamedKey auditor = testing::NewKey("auditor");
  const VerifierKey to{auditor.name, NoteKeyId(auditor.name, auditor.key.public_key),
                       auditor.key.public_key};
  const std::string bundle = Bundle();
  const std::string sealed = SealBundle(bundle, to).value();
  EXPECT_TRUE(IsSealedBundle(sealed));
  EXPECT_FALSE(IsSealedBundle(bundle));
  EXPECT_EQ(sealed.find("Jeanne"), std::string::npos);
  EXPECT_EQ(SealedBundleRecipient(sealed).value().key, auditor.key.public_key);
  EXPECT_EQ(OpenSealedBundle(sealed, auditor).value(), bundle);
  EXPECT_EQ(OpenSealedBundle(sealed, key_).status().code(), StatusCode::kKeyRejected);
  std::string tampered = sealed;
  tampered[tampered.size() - 10] ^= 1;
  EXPECT_TRUE(OpenSealedBundle(tampered, auditor).status().IsVerificationFailed());
  EXPECT_FALSE(OpenSealedBundle(sealed.substr(0, 40), auditor).ok());
}

// docs/examples/audit-bundle: the worked example of docs/format.md, section
// 17.4, must keep verifying, and must fail once changed.
TEST(ExampleBundle, Verifies) {
  ASSERT_TRUE(InitCrypto().ok());
  const std::string dir = std::string(PROBITY_SOURCE_DIR) + "/docs/examples/audit-bundle/";
  const std::string bundle = ReadFileBounded(dir + "demo.probity", kBundleBytesMax, "bundle").value();
  std::string trust = ReadFileBounded(dir + "trust.txt", 1024, "key").value();
  trust.erase(trust.find_last_not_of('\n') + 1);
  const BundleVerifyOptions options{{ParseVerifierKey(trust).value()}, {}};
  const BundleReport r = VerifyAuditBundle(bundle, options).value();
  ASSERT_TRUE(r.failure.ok()) << r.failure.ToString();
  EXPECT_EQ(r.summary.entries, 10);
  EXPECT_EQ(r.summary.decisions, 2);
  EXPECT_EQ(r.summary.totals.at({"fr-pres-2027", "EUR"}).gross_minor, 465000);
  std::string changed = bundle;
  changed[changed.find("\"amount_minor\":") + 15] ^= 1;
  EXPECT_FALSE(VerifyAuditBundle(changed, options).value().failure.ok());
}

}  // namespace
}  // namespace probity
