// CheckPipeline: results come back in entry order, right for each entry, past
// the end of the window (slots reused), a pipeline dropped halfway stops, and
// a feed that fails stops it at that entry.
#include "reports/bundle_check.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>
#include <string>
#include <vector>

#include "ledger/encoding.h"
#include "ledger/entry.h"
#include "ledger/note.h"

namespace probity {
namespace {

struct Fixture {
  std::string good_body;  // a valid entry signed by `key`
  std::string bad_body = "{\"v\": 1}";  // not canonical: decoding fails
  Signature good_sig{};
  Signature other_sig{};  // `key`'s signature of something else
  std::map<std::string, PublicKey> header_keys;
  std::vector<EntryText> entries;

  // Entry i: valid and signed (i % 3 == 0), valid with a wrong signature
  // (1), undecodable (2).
  explicit Fixture(std::size_t n) {
    EXPECT_TRUE(InitCrypto().ok());
    Result<SigningKey> key = GenerateSigningKey();
    EXPECT_TRUE(key.ok());
    const KeyId id = NoteKeyId("k", key->public_key);
    header_keys[KeyIdHex(id)] = key->public_key;
    EntryDraft d{"signer_revoked", Json{{"key_id", "0123abcd"}}};
    good_body = EncodeEntry(d, 1, 1777000000, Hash{}, id).value();
    good_sig = SignDetached(*key, AsBytes(good_body));
    other_sig = SignDetached(*key, AsBytes(std::string_view("other")));
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t k = i % 3;
      entries.push_back(EntryText{static_cast<std::int64_t>(i), k == 0 ? good_sig : other_sig,
                                  k == 2 ? bad_body : good_body});
    }
  }
};

// Feeds the fixture's entries in order; fails at entry `fail_at` if given,
// after `delay` (time for a worker to wait for the block the failure cuts).
EntryFeed FeedOf(const Fixture& f, std::size_t fail_at = SIZE_MAX,
                 std::chrono::milliseconds delay = std::chrono::milliseconds(0)) {
  auto next = std::make_shared<std::size_t>(0);
  return [&f, next, fail_at, delay](EntryText& out) {
    EXPECT_LT(*next, f.entries.size()) << "fed past the last entry";
    if (*next == fail_at) {
      std::this_thread::sleep_for(delay);
      return Status::VerificationFailed("feed failed");
    }
    out = f.entries[(*next)++];
    return Status::OK();
  };
}

Checked& MustTake(CheckPipeline& checks, std::size_t i) {
  Checked* c = nullptr;
  const Status taken = checks.Take(i, &c);
  PROBITY_ASSERT(taken.ok() && c != nullptr);
  return *c;
}

void ExpectInOrder(const Fixture& f, std::size_t threads) {
  CheckPipeline checks(FeedOf(f), f.entries.size(), f.header_keys, threads);
  for (std::size_t i = 0; i < f.entries.size(); ++i) {
    Checked& c = MustTake(checks, i);
    const std::size_t k = i % 3;
    ASSERT_EQ(c.entry.ok(), k != 2) << "entry " << i;
    ASSERT_EQ(c.signature_ok, k == 0) << "entry " << i;
    if (k == 2) {
      ASSERT_TRUE(c.entry.status().IsCorruption());
    }
    ASSERT_EQ(c.leaf, LeafHash(AsBytes(f.entries[i].body))) << "entry " << i;
    if (c.entry.ok()) {
      EntryFacts& e = c.entry.value();
      ASSERT_EQ(e.kind, "signer_revoked") << "entry " << i;
      ASSERT_EQ(e.entry.value("key_id", ""), "0123abcd") << "entry " << i;
      // As the verifier does (it frees the entry it read): the worker must rewrite them.
      e.entry = Json();
      e.kind.clear();
    }
    checks.Release(i);
  }
}

TEST(CheckPipeline, ResultsInOrderAcrossTheWindow) {
  // More entries than the window: every slot is reused at least once.
  const Fixture f(CheckPipeline::kWindow + 2 * CheckPipeline::kBlock + 7);
  ExpectInOrder(f, 1);  // no worker: the caller's thread checks every block
  ExpectInOrder(f, 2);
  ExpectInOrder(f, 3);
}

TEST(CheckPipeline, FewerEntriesThanABlockOrThreads) {
  ExpectInOrder(Fixture(1), 4);
  ExpectInOrder(Fixture(5), 8);
  ExpectInOrder(Fixture(5), 1);
}

TEST(CheckPipeline, SignerNotInTheHeader) {
  Fixture f(3);
  f.header_keys.clear();
  CheckPipeline checks(FeedOf(f), f.entries.size(), f.header_keys, 2);
  Checked& c = MustTake(checks, 0);
  EXPECT_TRUE(c.entry.ok());
  EXPECT_FALSE(c.signature_ok);
  checks.Release(0);
}

TEST(CheckPipeline, StopsWhenDroppedHalfway) {
  // Workers are blocked waiting for room in the window when the verifier
  // stops at the first failure: the destructor must still return.
  const Fixture f(3 * CheckPipeline::kWindow);
  for (std::size_t applied : {std::size_t{0}, std::size_t{1}, CheckPipeline::kWindow + 1}) {
    CheckPipeline checks(FeedOf(f), f.entries.size(), f.header_keys, 2);
    for (std::size_t i = 0; i < applied; ++i) {
      MustTake(checks, i);
      checks.Release(i);
    }
  }
}

TEST(CheckPipeline, AFeedThatFailsStopsAtThatEntry) {
  // At the first entry, inside the first window, right at the window's end
  // (the first entry loaded into a reused slot), and at the last entry.
  const Fixture f(CheckPipeline::kWindow + 3 * CheckPipeline::kBlock);
  for (std::size_t fail_at : {std::size_t{0}, std::size_t{CheckPipeline::kBlock + 1},
                              CheckPipeline::kWindow, f.entries.size() - 1}) {
    CheckPipeline checks(FeedOf(f, fail_at), f.entries.size(), f.header_keys, 1 + fail_at % 3);
    for (std::size_t i = 0; i < fail_at; ++i) {
      ASSERT_EQ(MustTake(checks, i).leaf, LeafHash(AsBytes(f.entries[i].body))) << i;
      checks.Release(i);
    }
    Checked* c = nullptr;
    const Status taken = checks.Take(fail_at, &c);
    EXPECT_FALSE(taken.ok()) << "entry " << fail_at << " was never fed";
    EXPECT_EQ(taken.message(), "feed failed");
  }
}

TEST(CheckPipeline, AFeedThatFailsWhileAWorkerWaitsForTheBlockItCuts) {
  // The worker has checked block 0 and claimed block 1, which the failure
  // leaves at 8 entries: it must check those 8 and stop waiting for the rest.
  const Fixture f(3 * CheckPipeline::kBlock);
  const std::size_t fail_at = CheckPipeline::kBlock + 8;
  CheckPipeline checks(FeedOf(f, fail_at, std::chrono::milliseconds(300)), f.entries.size(),
                       f.header_keys, 2);
  for (std::size_t i = 0; i < fail_at; ++i) {
    ASSERT_EQ(MustTake(checks, i).leaf, LeafHash(AsBytes(f.entries[i].body))) << i;
    checks.Release(i);
  }
  Checked* c = nullptr;
  EXPECT_FALSE(checks.Take(fail_at, &c).ok());
}

}  // namespace
}  // namespace probity
