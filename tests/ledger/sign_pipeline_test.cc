// The signing stage's checks (ledger/sign_pipeline.h): the first job of a
// pipeline is verified under the public key, every later one is signed twice
// and the two signatures compared. A fault in either must abort before the
// caller can store the entry.
#include "ledger/sign_pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "ledger/encoding.h"
#include "ledger/entry.h"
#include "tests/ledger/test_ledger_util.h"

namespace probity {
namespace {

using testing::NewKey;

// Entry `seq` of a stream of varied kinds and sizes (escapes, non-ASCII
// text, obligations), as AppendBatch hands them over: validated, `prev` a
// placeholder.
EntryDraft DraftFor(std::int64_t seq) {
  if (seq % 3 == 0) return EntryDraft{"signer_revoked", Json{{"key_id", "0011aabb"}}};
  EntryDraft d{"donation", Json{{"anonymous", true}, {"amount_minor", 100 + seq},
                                {"currency", "EUR"}, {"method", "cash"},
                                {"date", "2026-05-01"}, {"scope", "fr-pres-2027"}}};
  d.fields["receipt"] = seq % 3 == 1 ? "R-\"" + std::to_string(seq) + "\\" : "re\xc3\xa7u";
  if (seq % 4 == 1) {
    d.fields["obligations"] = Json::array(
        {{{"rule", "FR-CAP"}, {"due", "2026-06-01"}, {"action", "refund"}, {"cure_minor", 7}}});
  }
  return d;
}

constexpr std::int64_t kTs = 1767225600;

SignPipeline::Job JobFor(std::int64_t seq) {
  Result<Json> entry = BuildEntry(DraftFor(seq), seq, kTs, ZeroHash(), KeyId{});
  PROBITY_ASSERT(entry.ok());
  SignPipeline::Job job;
  job.seq = seq;
  job.entry = std::move(entry).value();
  return job;
}

// Submits `n` jobs and takes them all back, in order.
std::vector<SignPipeline::Done> RunJobs(SignPipeline& pipeline, int n) {
  std::vector<SignPipeline::Done> out;
  for (int i = 0; i < n; ++i) pipeline.Submit(JobFor(i));
  while (std::optional<SignPipeline::Done> done = pipeline.Take()) out.push_back(std::move(*done));
  return out;
}

TEST(SignPipeline, SignsInOrderAndEverySignatureVerifies) {
  const NamedKey key = NewKey("treasurer");
  SignPipeline pipeline(key.key, 2, ZeroHash());
  const std::vector<SignPipeline::Done> done = RunJobs(pipeline, 40);
  ASSERT_EQ(done.size(), 40u);
  for (std::size_t i = 0; i < done.size(); ++i) {
    EXPECT_TRUE(done[i].status.ok()) << done[i].status.ToString();
    EXPECT_EQ(done[i].entry.seq, static_cast<std::int64_t>(i));
    EXPECT_TRUE(VerifyDetached(key.key.public_key, AsBytes(done[i].entry.body), done[i].entry.sig));
  }
}

// The differential test of the chain step: the pipeline's bytes, leaf hashes
// and signatures are exactly those of the obvious sequential path (encode
// each entry with the leaf hash of the one before, then sign), on two
// workers, one, and starting from a prev that is not zero.
TEST(SignPipeline, ChainsToTheSameBytesAsEncodingInOrder) {
  const NamedKey key = NewKey("treasurer");
  const Hash start = Sha256(AsBytes("the entry before the batch"));
  for (unsigned threads : {2u, 1u}) {
    SignPipeline pipeline(key.key, threads, start);
    const int n = 300;
    std::vector<SignPipeline::Done> done;
    for (int i = 0; i < n; ++i) {
      pipeline.Submit(JobFor(i));
      // Take some as they come, as AppendBatch does, so jobs are claimed
      // while others are still being chained.
      if (i % 7 == 0) {
        while (std::optional<SignPipeline::Done> d = pipeline.TryTake()) done.push_back(std::move(*d));
      }
    }
    while (std::optional<SignPipeline::Done> d = pipeline.Take()) done.push_back(std::move(*d));
    ASSERT_EQ(done.size(), static_cast<std::size_t>(n));
    Hash prev = start;
    for (int i = 0; i < n; ++i) {
      Result<EncodedEntry> expected = EncodeEntryWithJson(DraftFor(i), i, kTs, prev, KeyId{});
      ASSERT_TRUE(expected.ok()) << expected.status().ToString();
      const SignPipeline::Done& d = done[static_cast<std::size_t>(i)];
      ASSERT_TRUE(d.status.ok()) << d.status.ToString();
      ASSERT_EQ(d.entry.seq, i);
      ASSERT_EQ(d.entry.body, expected->body) << "entry " << i << ", " << threads << " thread(s)";
      ASSERT_EQ(d.entry.leaf_hash, LeafHash(AsBytes(expected->body))) << "entry " << i;
      ASSERT_EQ(d.entry.sig, SignDetached(key.key, AsBytes(expected->body))) << "entry " << i;
      ASSERT_EQ(d.index, IndexOf(expected->entry)) << "entry " << i;
      prev = d.entry.leaf_hash;
    }
  }
}

// An entry the chain step cannot encode comes back with Canonicalize's error
// (the caller stores nothing from there on); the pipeline does not stall.
TEST(SignPipeline, AnEntryThatCannotBeEncodedComesBackWithTheError) {
  const NamedKey key = NewKey("treasurer");
  SignPipeline pipeline(key.key, 2, ZeroHash());
  for (int i = 0; i < 6; ++i) {
    SignPipeline::Job job = JobFor(i);
    if (i == 2) job.entry["receipt"] = "\xff";
    pipeline.Submit(std::move(job));
  }
  std::vector<SignPipeline::Done> done;
  while (std::optional<SignPipeline::Done> d = pipeline.Take()) done.push_back(std::move(*d));
  ASSERT_EQ(done.size(), 6u);
  EXPECT_TRUE(done[1].status.ok());
  EXPECT_TRUE(done[2].status.IsInvalidArgument()) << done[2].status.ToString();
  EXPECT_NE(done[2].status.message().find("not valid UTF-8"), std::string::npos);
}

// A signer that flips one bit of the signature on its `fault_call`-th call
// (counted from 0), and is SignDetached otherwise.
std::atomic<int> sign_calls{0};
int fault_call = -1;

Signature FaultySign(const SigningKey& key, ByteSpan message) {
  Signature sig = SignDetached(key, message);
  if (sign_calls.fetch_add(1) == fault_call) sig[17] ^= 0x04;
  return sig;
}

class SignPipelineDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

// The first job is signed once and verified; a later job's first or second
// signature differs when one of them is faulty.
TEST_F(SignPipelineDeathTest, AFaultInALaterSignatureAborts) {
  const NamedKey key = NewKey("treasurer");
  for (int call : {1, 2, 9}) {
    EXPECT_DEATH(
        {
          sign_calls = 0;
          fault_call = call;
          SignPipeline pipeline(key.key, 1, ZeroHash(), &FaultySign);
          (void)RunJobs(pipeline, 8);
        },
        "assertion failed.*sign_pipeline")
        << "fault on sign call " << call;
  }
}

TEST_F(SignPipelineDeathTest, AFaultInTheFirstSignatureAborts) {
  const NamedKey key = NewKey("treasurer");
  EXPECT_DEATH(
      {
        sign_calls = 0;
        fault_call = 0;
        SignPipeline pipeline(key.key, 1, ZeroHash(), &FaultySign);
        (void)RunJobs(pipeline, 3);
      },
      "assertion failed.*sign_pipeline");
}

// Signing twice cannot see a secret key that does not match the public key
// (both signatures agree, and neither verifies): the first job's full
// verification does.
TEST_F(SignPipelineDeathTest, AKeyPairThatDoesNotMatchAborts) {
  const NamedKey key = NewKey("treasurer");
  const NamedKey other = NewKey("other");
  SigningKey mismatched{SecretBytes(key.key.secret.size()), other.key.public_key};
  std::copy(key.key.secret.data(), key.key.secret.data() + key.key.secret.size(),
            mismatched.secret.data());
  EXPECT_DEATH(
      {
        SignPipeline pipeline(mismatched, 2, ZeroHash());
        (void)RunJobs(pipeline, 3);
      },
      "assertion failed.*sign_pipeline");
}

}  // namespace
}  // namespace probity
