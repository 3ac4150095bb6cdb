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

SignPipeline::Job JobFor(std::int64_t seq) {
  EntryDraft draft{"signer_revoked", Json{{"key_id", "0011aabb"}}};
  Result<EncodedEntry> encoded = EncodeEntryWithJson(draft, seq, 1767225600, ZeroHash(), KeyId{});
  PROBITY_ASSERT(encoded.ok());
  SignPipeline::Job job;
  job.seq = seq;
  job.leaf_hash = LeafHash(AsBytes(encoded->body));
  job.index = IndexOf(encoded->entry);
  job.body = std::move(encoded->body);
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
  SignPipeline pipeline(key.key, 2);
  const std::vector<SignPipeline::Done> done = RunJobs(pipeline, 40);
  ASSERT_EQ(done.size(), 40u);
  for (std::size_t i = 0; i < done.size(); ++i) {
    EXPECT_TRUE(done[i].status.ok()) << done[i].status.ToString();
    EXPECT_EQ(done[i].entry.seq, static_cast<std::int64_t>(i));
    EXPECT_TRUE(VerifyDetached(key.key.public_key, AsBytes(done[i].entry.body), done[i].entry.sig));
  }
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
          SignPipeline pipeline(key.key, 1, &FaultySign);
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
        SignPipeline pipeline(key.key, 1, &FaultySign);
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
        SignPipeline pipeline(mismatched, 2);
        (void)RunJobs(pipeline, 3);
      },
      "assertion failed.*sign_pipeline");
}

}  // namespace
}  // namespace probity
