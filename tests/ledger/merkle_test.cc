// Tests for ledger/merkle: known answers from tests/vectors/rfc9162_roots.txt;
// every proof of every tree up to 64 leaves against a naive, recursive
// transcription of RFC 9162 §2.1; tampered proofs judged by both our
// verifiers and naive recursive ones; and 64-bit tree sizes.
#include "ledger/merkle.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace probity {
namespace {

using Proof = std::vector<Hash>;
using Leaves = std::span<const Hash>;  // leaf hashes: MTH({d}) = HASH(0x00 || d)
constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t k2To63 = std::uint64_t{1} << 63;

// ---- The naive reference: RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1 as written. ----

std::uint64_t SplitOf(std::uint64_t n) {  // k: the largest power of two smaller than n
  std::uint64_t k = 1;
  while (k < n - k) k *= 2;
  return k;
}

Hash NaiveMth(Leaves d) {
  if (d.empty()) return EmptyTreeRoot();
  if (d.size() == 1) return d[0];
  const std::size_t k = SplitOf(d.size());
  return NodeHash(NaiveMth(d.first(k)), NaiveMth(d.subspan(k)));
}

Proof Then(Proof list, const Hash& last) {
  list.push_back(last);
  return list;
}

Proof NaivePath(std::size_t m, Leaves d) {
  if (d.size() == 1) return {};
  const std::size_t k = SplitOf(d.size());
  if (m < k) return Then(NaivePath(m, d.first(k)), NaiveMth(d.subspan(k)));
  return Then(NaivePath(m - k, d.subspan(k)), NaiveMth(d.first(k)));
}

Proof NaiveSubproof(std::size_t m, Leaves d, bool b) {
  if (m == d.size()) return b ? Proof{} : Proof{NaiveMth(d)};
  const std::size_t k = SplitOf(d.size());
  if (m <= k) return Then(NaiveSubproof(m, d.first(k), b), NaiveMth(d.subspan(k)));
  return Then(NaiveSubproof(m - k, d.subspan(k), false), NaiveMth(d.first(k)));
}

Proof NaiveProof(std::size_t m, Leaves d) {  // defined for 0 < m < n; empty otherwise
  if (m == 0 || m == d.size()) return {};
  return NaiveSubproof(m, d, true);
}

// The root PATH commits to: undo the definition from its last hash (the top
// split) down. nullopt when the proof has the wrong length for (m, n).
std::optional<Hash> NaiveRootFromPath(std::uint64_t m, std::uint64_t n, const Hash& leaf,
                                      Leaves path) {
  if (n == 1) return path.empty() ? std::optional(leaf) : std::nullopt;
  if (path.empty()) return std::nullopt;
  const std::uint64_t k = SplitOf(n);
  const Leaves rest = path.first(path.size() - 1);
  const auto sub =
      m < k ? NaiveRootFromPath(m, k, leaf, rest) : NaiveRootFromPath(m - k, n - k, leaf, rest);
  if (!sub) return std::nullopt;
  return m < k ? NodeHash(*sub, path.back()) : NodeHash(path.back(), *sub);
}

// The (old root, new root) pair SUBPROOF commits to, undone the same way.
std::optional<std::pair<Hash, Hash>> NaiveRootsFromSubproof(std::uint64_t m, std::uint64_t n,
                                                            bool b, const Hash& old_root,
                                                            Leaves proof) {
  const std::size_t own = (m == n && !b) ? 1 : 0;  // SUBPROOF(m, D[m], false) = {MTH(D[m])}
  if (m == n) {
    if (proof.size() != own) return std::nullopt;
    const Hash& root = own == 1 ? proof[0] : old_root;
    return std::pair(root, root);
  }
  if (proof.empty()) return std::nullopt;
  const std::uint64_t k = SplitOf(n);
  const Hash& top = proof.back();
  const Leaves rest = proof.first(proof.size() - 1);
  if (m <= k) {
    const auto sub = NaiveRootsFromSubproof(m, k, b, old_root, rest);
    if (!sub) return std::nullopt;
    return std::pair(sub->first, NodeHash(sub->second, top));
  }
  const auto sub = NaiveRootsFromSubproof(m - k, n - k, false, old_root, rest);
  if (!sub) return std::nullopt;
  return std::pair(NodeHash(top, sub->first), NodeHash(top, sub->second));
}

bool NaiveInclusionOk(std::uint64_t m, std::uint64_t n, const Hash& leaf, const Proof& proof,
                      const Hash& root) {
  return m < n && NaiveRootFromPath(m, n, leaf, proof) == root;
}

bool NaiveConsistencyOk(std::uint64_t m, std::uint64_t n, const Hash& old_root,
                        const Hash& new_root, const Proof& proof) {
  if (m == 0 && old_root != EmptyTreeRoot()) return false;
  if (m == 0 || m >= n) return m <= n && proof.empty() && (m < n || old_root == new_root);
  const auto roots = NaiveRootsFromSubproof(m, n, true, old_root, proof);
  return roots && roots->first == old_root && roots->second == new_root;
}

std::vector<Hash> TestLeaves(std::size_t count) {
  std::vector<Hash> leaves(count);
  for (std::size_t i = 0; i < count; ++i)
    leaves[i] = LeafHash(AsBytes("entry " + std::to_string(i)));
  return leaves;
}

MemoryTree TreeOf(Leaves leaves) {
  MemoryTree tree;
  for (const Hash& leaf : leaves) tree.Append(leaf);
  return tree;
}

Bytes FromHex(const std::string& hex) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  EXPECT_EQ(hex.size(), 2 * out.size()) << hex;
  return out;
}

Hash HashFromHex(const std::string& hex) {
  Hash hash{};
  const Bytes bytes = FromHex(hex.substr(0, 2 * hash.size()));
  EXPECT_EQ(hex.size(), 2 * hash.size()) << hex;
  std::copy(bytes.begin(), bytes.end(), hash.begin());
  return hash;
}

// A proof vector: leaf index or old size, tree size or new size, the proof.
using ProofVector = std::tuple<std::uint64_t, std::uint64_t, Proof>;

struct Vectors {
  std::vector<Hash> leaves;  // LeafHash of each entry
  std::vector<Hash> roots;   // by tree size
  std::vector<ProofVector> inclusion, consistency;
};

Vectors LoadVectors() {
  std::ifstream in(std::string(PROBITY_VECTORS_DIR) + "/rfc9162_roots.txt");
  EXPECT_TRUE(in.is_open());
  Vectors v;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string kind, hex;
    auto [a, b, proof] = ProofVector{};
    fields >> kind >> a;
    if (kind == "leaf" && fields >> hex) {
      EXPECT_EQ(a, v.leaves.size());
      v.leaves.push_back(LeafHash(hex == "-" ? Bytes{} : FromHex(hex)));
    } else if (kind == "root" && fields >> hex) {
      EXPECT_EQ(a, v.roots.size());
      v.roots.push_back(HashFromHex(hex));
    } else if ((kind == "inclusion" || kind == "consistency") && fields >> b) {
      while (fields >> hex) proof.push_back(HashFromHex(hex));
      (kind == "inclusion" ? v.inclusion : v.consistency).emplace_back(a, b, proof);
    } else {
      ADD_FAILURE() << "bad vector line: " << line;
    }
  }
  return v;
}

// Copies of `proof` with one byte changed (in every byte of every hash, or
// for long proofs one byte per hash), cut short at either end, or extended
// at either end. None of them may check.
std::vector<Proof> Tampered(const Proof& proof, const Hash& extra, bool every_byte = true) {
  std::vector<Proof> out = {Then(proof, extra), Then(proof, Hash{}), proof};
  out.back().insert(out.back().begin(), extra);
  if (!proof.empty()) {
    out.emplace_back(proof.begin(), proof.end() - 1);
    out.emplace_back(proof.begin() + 1, proof.end());
  }
  for (std::size_t i = 0; i < proof.size(); ++i) {
    for (std::size_t j = 0; j < sizeof(Hash); ++j) {
      if (!every_byte && j != i % sizeof(Hash)) continue;
      out.push_back(proof);
      out.back()[i][j] ^= 0x01;
    }
  }
  return out;
}

// Our verdict, which must agree with the naive verifier's on any input.
bool InclusionOk(std::uint64_t m, std::uint64_t n, const Hash& leaf, const Proof& proof,
                 const Hash& root) {
  const Status status = VerifyInclusion(m, n, leaf, proof, root);
  EXPECT_TRUE(status.ok() || status.IsVerificationFailed()) << status.ToString();
  EXPECT_EQ(status.ok(), NaiveInclusionOk(m, n, leaf, proof, root)) << m << " of " << n;
  return status.ok();
}

bool ConsistencyOk(std::uint64_t m, std::uint64_t n, const Hash& old_root, const Hash& new_root,
                   const Proof& proof) {
  const Status status = VerifyConsistency(m, n, old_root, new_root, proof);
  EXPECT_TRUE(status.ok() || status.IsVerificationFailed()) << status.ToString();
  EXPECT_EQ(status.ok(), NaiveConsistencyOk(m, n, old_root, new_root, proof)) << m << " to " << n;
  return status.ok();
}

TEST(MerkleVectors, TreeHeadsForSizesZeroToEight) {
  const Vectors v = LoadVectors();
  ASSERT_EQ(v.leaves.size(), 8u);
  ASSERT_EQ(v.roots.size(), 9u);
  EXPECT_EQ(EmptyTreeRoot(), v.roots[0]);
  EXPECT_EQ(LeafHash(Bytes{}), v.roots[1]);
  EXPECT_EQ(NodeHash(v.leaves[0], v.leaves[1]), v.roots[2]);
  const MemoryTree full = TreeOf(v.leaves);
  for (std::size_t size = 0; size < v.roots.size(); ++size) {
    SCOPED_TRACE(size);
    const MemoryTree prefix = TreeOf(Leaves(v.leaves).first(size));
    EXPECT_EQ(prefix.size(), size);
    EXPECT_EQ(prefix.Root().value(), v.roots[size]);
    EXPECT_EQ(TreeRoot(full, size).value(), v.roots[size]);
    EXPECT_EQ(NaiveMth(Leaves(v.leaves).first(size)), v.roots[size]);
  }
}

TEST(MerkleVectors, KnownProofs) {
  const Vectors v = LoadVectors();
  const MemoryTree tree = TreeOf(v.leaves);
  ASSERT_FALSE(v.inclusion.empty());
  for (const auto& [m, n, proof] : v.inclusion) {
    SCOPED_TRACE("inclusion " + std::to_string(m) + " " + std::to_string(n));
    EXPECT_EQ(InclusionProof(tree, m, n).value(), proof);
    EXPECT_EQ(NaivePath(m, Leaves(v.leaves).first(n)), proof);
    EXPECT_TRUE(InclusionOk(m, n, v.leaves[m], proof, v.roots[n]));
  }
  ASSERT_FALSE(v.consistency.empty());
  for (const auto& [m, n, proof] : v.consistency) {
    SCOPED_TRACE("consistency " + std::to_string(m) + " " + std::to_string(n));
    EXPECT_EQ(ConsistencyProof(tree, m, n).value(), proof);
    EXPECT_EQ(NaiveProof(m, Leaves(v.leaves).first(n)), proof);
    EXPECT_TRUE(ConsistencyOk(m, n, v.roots[m], v.roots[n], proof));
  }
}

// ---- Every proof in every tree of 1 to 64 leaves. ----

class MerkleEveryProof : public ::testing::TestWithParam<std::uint64_t> {
 protected:
  const std::vector<Hash> leaves_ = TestLeaves(64);
  // One tree serves every size: perfect nodes never change once complete.
  const MemoryTree tree_ = TreeOf(leaves_);
};
INSTANTIATE_TEST_SUITE_P(TreeSizes, MerkleEveryProof, ::testing::Range<std::uint64_t>(1, 65));

TEST_P(MerkleEveryProof, InclusionMatchesNaiveAndRejectsTampering) {
  const std::uint64_t n = GetParam();
  const Leaves d = Leaves(leaves_).first(n);
  const Hash root = NaiveMth(d);
  for (std::uint64_t m = 0; m < n; ++m) {
    SCOPED_TRACE("leaf " + std::to_string(m));
    const Proof proof = InclusionProof(tree_, m, n).value();
    ASSERT_EQ(proof, NaivePath(m, d));
    EXPECT_TRUE(InclusionOk(m, n, d[m], proof, root));
    for (const Proof& bad : Tampered(proof, root)) EXPECT_FALSE(InclusionOk(m, n, d[m], bad, root));
    for (std::uint64_t index = 0; index <= n + 1; ++index) {
      EXPECT_EQ(InclusionOk(index, n, d[m], proof, root), index == m) << index;
    }
    EXPECT_FALSE(InclusionOk(m, n, LeafHash(AsBytes("another entry")), proof, root));
    EXPECT_FALSE(InclusionOk(m, n, d[m], proof, EmptyTreeRoot()));
    EXPECT_FALSE(InclusionOk(m, 0, d[m], proof, root));
    // The hashes carry no level, so a size whose path has the same shape can
    // pass; InclusionOk holds every other size to the naive verifier's verdict.
    for (std::uint64_t size = 1; size <= 2 * n + 1; ++size) {
      if (size != n) (void)InclusionOk(m, size, d[m], proof, root);
    }
    EXPECT_FALSE(InclusionOk(m, 2 * n, d[m], proof, root));
    // The same leaf claimed in a right-aligned suffix of the tree, where the
    // path's top hashes lie beyond the claimed tree (RFC step 4a). Some such
    // claims have the same shape and pass; the naive verifier judges.
    for (std::uint64_t shift = 1; shift <= m; ++shift) {
      (void)InclusionOk(m - shift, n - shift, d[m], proof, root);
    }
  }
}

TEST_P(MerkleEveryProof, ConsistencyMatchesNaiveAndRejectsTampering) {
  const std::uint64_t n = GetParam();
  const Leaves d = Leaves(leaves_).first(n);
  const Hash new_root = NaiveMth(d);
  for (std::uint64_t m = 0; m <= n; ++m) {
    SCOPED_TRACE("old size " + std::to_string(m));
    const Hash old_root = NaiveMth(d.first(m));
    const Proof proof = ConsistencyProof(tree_, m, n).value();
    ASSERT_EQ(proof, NaiveProof(m, d));
    ASSERT_EQ(proof.empty(), m == 0 || m == n);
    EXPECT_TRUE(ConsistencyOk(m, n, old_root, new_root, proof));
    for (const Proof& bad : Tampered(proof, old_root)) {
      EXPECT_FALSE(ConsistencyOk(m, n, old_root, new_root, bad));
    }
    const Hash other = LeafHash(AsBytes("another root"));
    EXPECT_FALSE(ConsistencyOk(m, n, other, new_root, proof));
    // An empty old tree is extended by any new tree: only there may new_root vary.
    EXPECT_EQ(ConsistencyOk(m, n, old_root, other, proof), m == 0);
    EXPECT_EQ(ConsistencyOk(m, n, new_root, old_root, proof), m == n);
    EXPECT_EQ(ConsistencyOk(m, 2 * n, old_root, new_root, proof), m == 0);
    // Wrong sizes: our verdict must equal the naive verifier's (see above).
    for (std::uint64_t size = 0; size <= n + 1; ++size) {
      if (size != m) (void)ConsistencyOk(size, n, old_root, new_root, proof);
    }
    for (std::uint64_t size = 0; size <= 2 * n + 1; ++size) {
      if (size != n) (void)ConsistencyOk(m, size, old_root, new_root, proof);
    }
    // Both trees claimed as right-aligned suffixes (RFC step 6a).
    for (std::uint64_t shift = 1; shift < m; ++shift) {
      (void)ConsistencyOk(m - shift, n - shift, old_root, new_root, proof);
    }
  }
}

TEST(MerkleTree, NodesCompletedByEachAppend) {
  const std::vector<Hash> leaves = TestLeaves(64);
  MemoryTree tree;
  for (std::uint64_t i = 0; i < leaves.size(); ++i) {
    SCOPED_TRACE(i);
    const auto nodes = NodesCompletedBy(tree, i, leaves[i]);
    ASSERT_TRUE(nodes.ok());
    ASSERT_EQ(nodes.value().size(), static_cast<std::size_t>(std::countr_one(i)) + 1);
    for (std::size_t j = 0; j < nodes.value().size(); ++j) {
      const TreeNode& node = nodes.value()[j];
      EXPECT_EQ(node.level, static_cast<int>(j));
      EXPECT_EQ(node.index, i >> j);
      EXPECT_EQ(node.hash, NaiveMth(Leaves(leaves).subspan(node.index << j, std::size_t{1} << j)));
    }
    tree.Append(leaves[i]);
    EXPECT_EQ(tree.size(), i + 1);
  }
}

TEST(MerkleBounds, GeneratorsRefuseBadSizesAndMissingNodes) {
  const MemoryTree empty;
  EXPECT_TRUE(NodesCompletedBy(empty, 1, Hash{}).status().IsNotFound());  // leaf 0 missing
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_EQ(empty.Root().value(), EmptyTreeRoot());
  const MemoryTree tree = TreeOf(TestLeaves(5));
  EXPECT_TRUE(tree.PerfectNode(0, 4).ok());
  EXPECT_TRUE(tree.PerfectNode(0, 5).status().IsNotFound());
  EXPECT_TRUE(tree.PerfectNode(1, 2).status().IsNotFound());  // leaves 4 and 5: incomplete
  EXPECT_TRUE(tree.PerfectNode(-1, 0).status().IsNotFound());
  EXPECT_TRUE(tree.PerfectNode(kTreeLevelsMax, 0).status().IsNotFound());
  EXPECT_TRUE(TreeRoot(tree, 6).status().IsNotFound());
  EXPECT_TRUE(InclusionProof(tree, 0, 9).status().IsNotFound());
  EXPECT_TRUE(NodesCompletedBy(tree, kU64Max, Hash{}).status().IsInvalidArgument());
  EXPECT_TRUE(InclusionProof(tree, 5, 5).status().IsInvalidArgument());
  EXPECT_TRUE(InclusionProof(tree, 0, 0).status().IsInvalidArgument());
  EXPECT_TRUE(ConsistencyProof(tree, 5, 4).status().IsInvalidArgument());
  EXPECT_TRUE(RangeRoot(tree, 3, 3).status().IsInvalidArgument());
  EXPECT_TRUE(RangeRoot(tree, 4, 3).status().IsInvalidArgument());
  EXPECT_TRUE(ConsistencyProof(empty, 0, 0).value().empty());
}

TEST(MerkleRange, EveryRangeOfSixtyFourLeavesAndRandomRangesOfMore) {
  constexpr std::uint64_t kLeaves = 1000;
  const std::vector<Hash> leaves = TestLeaves(kLeaves);
  const MemoryTree tree = TreeOf(leaves);
  for (std::uint64_t begin = 0; begin <= 64; ++begin) {
    for (std::uint64_t end = 0; end <= 64; ++end) {
      const auto root = RangeRoot(tree, begin, end);
      const bool storable = begin < end && begin % std::bit_floor(end - begin) == 0;
      ASSERT_EQ(root.ok(), storable) << begin << " " << end;
      EXPECT_EQ(root.status().IsInvalidArgument(), !storable);
      EXPECT_EQ(storable ? root.value() : Hash{},
                storable ? NaiveMth(Leaves(leaves).subspan(begin, end - begin)) : Hash{});
    }
  }
  std::mt19937_64 random(20240611);
  for (int trial = 0; trial < 400; ++trial) {
    const std::uint64_t size = 1 + random() % kLeaves;
    const std::uint64_t step = std::bit_floor(size);
    const std::uint64_t begin = step * (random() % ((kLeaves - size) / step + 1));
    SCOPED_TRACE(std::to_string(begin) + " + " + std::to_string(size));
    EXPECT_EQ(RangeRoot(tree, begin, begin + size).value(),
              NaiveMth(Leaves(leaves).subspan(begin, size)));
  }
}

TEST(MerkleBounds, VerifiersRefuseOverlongProofsBadSizesAndEdgeCases) {
  const Hash h = LeafHash(AsBytes("h"));
  const Status inclusion =
      VerifyInclusion(0, kU64Max, h, Proof(kInclusionProofHashesMax + 1, h), h);
  EXPECT_TRUE(inclusion.IsVerificationFailed());
  EXPECT_NE(inclusion.message().find("too long"), std::string::npos) << inclusion.message();
  const Status consistency =
      VerifyConsistency(3, kU64Max, h, h, Proof(kConsistencyProofHashesMax + 1, h));
  EXPECT_TRUE(consistency.IsVerificationFailed());
  EXPECT_NE(consistency.message().find("too long"), std::string::npos) << consistency.message();
  EXPECT_TRUE(VerifyInclusion(0, 0, h, {}, h).IsVerificationFailed());
  EXPECT_TRUE(VerifyConsistency(2, 1, h, h, {h}).IsVerificationFailed());
  // Outside the RFC's 0 < old_size < new_size, where the proof must be empty.
  const Hash empty = EmptyTreeRoot();
  const Hash a = LeafHash(AsBytes("a"));
  EXPECT_TRUE(ConsistencyOk(0, 0, empty, empty, {}));
  EXPECT_FALSE(ConsistencyOk(0, 0, empty, a, {}));
  EXPECT_FALSE(ConsistencyOk(0, 0, a, a, {}));  // not the empty tree's root
  EXPECT_TRUE(ConsistencyOk(0, 5, empty, a, {}));
  EXPECT_FALSE(ConsistencyOk(0, 5, a, h, {}));
  EXPECT_FALSE(ConsistencyOk(0, 5, empty, a, {a}));
  EXPECT_TRUE(ConsistencyOk(5, 5, a, a, {}));
  EXPECT_FALSE(ConsistencyOk(5, 5, a, h, {}));
  EXPECT_FALSE(ConsistencyOk(5, 5, a, a, {a}));
  EXPECT_FALSE(ConsistencyOk(1, 2, a, h, {}));  // RFC step 1: empty proof
}

TEST(MerkleBounds, ProofsThatRunPastTheClaimedTree) {
  // Without RFC 9162 steps 4a and 6a, surplus hashes would be folded in as
  // left siblings, and these claims about a smaller tree would pass.
  const std::vector<Hash> d = TestLeaves(8);
  const Hash root2 = NaiveMth(Leaves(d).first(2));
  EXPECT_TRUE(InclusionOk(1, 2, d[1], {d[0]}, root2));
  EXPECT_FALSE(InclusionOk(0, 1, d[1], {d[0]}, root2));
  const Proof proof = ConsistencyProof(TreeOf(d), 7, 8).value();
  EXPECT_TRUE(ConsistencyOk(7, 8, NaiveMth(Leaves(d).first(7)), NaiveMth(d), proof));
  EXPECT_FALSE(ConsistencyOk(3, 4, NaiveMth(Leaves(d).first(7)), NaiveMth(d), proof));
}

// For 64-bit tree sizes: a tree whose leaves are all equal, so every perfect node of a level has
// the same hash and trees of any uint64 size exist without storing anything. Counts reads, and
// checks every read lies inside a uint64 tree.
class UniformReader : public NodeReader {
 public:
  Result<Hash> PerfectNode(int level, std::uint64_t index) const override {
    ++reads;
    EXPECT_TRUE(level >= 0 && level < kTreeLevelsMax) << level;
    EXPECT_LE(index, (kU64Max >> level) - 1) << level;
    Hash node = LeafHash(AsBytes("same"));
    for (int i = 0; i < level; ++i) node = NodeHash(node, node);
    return node;
  }
  mutable int reads = 0;
};

TEST(MerkleBigTrees, ProofsForSixtyFourBitSizes) {
  const UniformReader reader;
  const Hash leaf = reader.PerfectNode(0, 0).value();
  for (const std::uint64_t n : {(k2To63 >> 23) + 3, k2To63, k2To63 + 5, kU64Max - 1, kU64Max}) {
    SCOPED_TRACE(n);
    const Hash root = TreeRoot(reader, n).value();
    for (const std::uint64_t m : {std::uint64_t{0}, std::uint64_t{1}, n / 2, n - 2, n - 1}) {
      reader.reads = 0;
      const Proof proof = InclusionProof(reader, m, n).value();
      EXPECT_LE(reader.reads, 2 * kTreeLevelsMax);
      EXPECT_TRUE(InclusionOk(m, n, leaf, proof, root)) << m;
      for (const Proof& bad : Tampered(proof, root, false)) {
        EXPECT_FALSE(InclusionOk(m, n, leaf, bad, root));
      }
    }
    for (const std::uint64_t m : {std::uint64_t{1}, std::uint64_t{3}, n / 2 + 1, n - 1}) {
      reader.reads = 0;
      const Proof proof = ConsistencyProof(reader, m, n).value();
      EXPECT_LE(reader.reads, 3 * kTreeLevelsMax);
      const Hash old_root = TreeRoot(reader, m).value();
      EXPECT_TRUE(ConsistencyOk(m, n, old_root, root, proof)) << m;
      for (const Proof& bad : Tampered(proof, old_root, false)) {
        EXPECT_FALSE(ConsistencyOk(m, n, old_root, root, bad));
      }
    }
  }
}

TEST(MerkleBigTrees, LongestProofAndLongestCarry) {
  const UniformReader reader;  // ceil(log2(n)) + 1 = 65 hashes once n > 2^63 (§2.1.4.1)
  const std::uint64_t n = k2To63 + 5;
  const Proof proof = ConsistencyProof(reader, 3, n).value();
  ASSERT_EQ(proof.size(), kConsistencyProofHashesMax);
  EXPECT_TRUE(ConsistencyOk(3, n, TreeRoot(reader, 3).value(), TreeRoot(reader, n).value(), proof));
  const auto nodes = NodesCompletedBy(reader, k2To63 - 1, reader.PerfectNode(0, 0).value());
  ASSERT_EQ(nodes.value().size(), 64u);
  EXPECT_EQ(nodes.value().back().level, 63);
  EXPECT_EQ(nodes.value().back().index, 0u);
  EXPECT_EQ(nodes.value().back().hash, reader.PerfectNode(63, 0).value());
}

}  // namespace
}  // namespace probity
