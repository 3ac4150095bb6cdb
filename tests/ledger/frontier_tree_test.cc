// FrontierTree keeps the last node of each level and the nodes of the proofs
// it was told about: held to MemoryTree (every node) over many sizes, its
// roots along the way and its consistency proofs at the end must be the
// same, and a proof it was not told about must fail rather than be wrong.
#include "ledger/frontier_tree.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "ledger/crypto.h"

namespace probity {
namespace {

Hash Leaf(std::uint64_t i) {
  const std::uint8_t bytes[] = {static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i >> 8),
                                static_cast<std::uint8_t>(i >> 16)};
  return LeafHash(ByteSpan(bytes, sizeof bytes));
}

// Builds both trees to `n` leaves; the frontier told of `proof_sizes`.
void ExpectSameAsMemoryTree(std::uint64_t n, const std::vector<std::uint64_t>& proof_sizes) {
  FrontierTree frontier(n, proof_sizes);
  MemoryTree memory;
  for (std::uint64_t i = 0; i < n; ++i) {
    frontier.Append(Leaf(i));
    memory.Append(Leaf(i));
    // The root at every size: the last node of each level is enough for it.
    ASSERT_EQ(frontier.Root().value(), memory.Root().value()) << "size " << i + 1;
  }
  ASSERT_EQ(frontier.size(), n);
  for (std::uint64_t m : proof_sizes) {
    if (m > n) continue;
    Result<std::vector<Hash>> got = ConsistencyProof(frontier, m, n);
    ASSERT_TRUE(got.ok()) << m << " to " << n << ": " << got.status().ToString();
    EXPECT_EQ(got.value(), ConsistencyProof(memory, m, n).value()) << m << " to " << n;
  }
}

TEST(FrontierTreeTest, RootsAndProofsAreMemoryTrees) {
  std::mt19937_64 rng(9162);
  const std::uint64_t kSizes[] = {1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 33, 100, 255, 256, 257, 1000};
  for (std::uint64_t n : kSizes) {
    std::vector<std::uint64_t> sizes = {0, 1, n / 2, n - 1, n, n + 1};
    for (int i = 0; i < 4; ++i) {
      sizes.push_back(std::uniform_int_distribution<std::uint64_t>(1, n)(rng));
    }
    ASSERT_NO_FATAL_FAILURE(ExpectSameAsMemoryTree(n, sizes));
  }
  ASSERT_NO_FATAL_FAILURE(ExpectSameAsMemoryTree(3000, {}));
}

// It keeps only what it was told: another proof cannot be given (NotFound),
// never a wrong one.
TEST(FrontierTreeTest, ProofNotAskedForIsNotFound) {
  FrontierTree frontier(1000, {500});
  for (std::uint64_t i = 0; i < 1000; ++i) frontier.Append(Leaf(i));
  EXPECT_TRUE(ConsistencyProof(frontier, 500, 1000).ok());
  Result<std::vector<Hash>> other = ConsistencyProof(frontier, 333, 1000);
  ASSERT_FALSE(other.ok());
  EXPECT_TRUE(other.status().IsNotFound()) << other.status().ToString();
}

}  // namespace
}  // namespace probity
