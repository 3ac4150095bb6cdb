// The Merkle tree of RFC 9162 §2.1: SHA-256, leaf hash SHA-256(0x00 || entry),
// node hash SHA-256(0x01 || left || right), with inclusion (§2.1.3) and
// consistency (§2.1.4) proofs.
//
// The tree is never rebuilt. Hashes are read through a NodeReader that
// returns the root of a *perfect* subtree: level L, index i covers leaves
// [i * 2^L, (i + 1) * 2^L). The store keeps exactly those nodes, written as
// they complete (NodesCompletedBy), so roots and proofs cost O(log n) reads.
// No recursion: every walk is a loop bounded by 64 levels.
#ifndef PROBITY_LEDGER_MERKLE_H_
#define PROBITY_LEDGER_MERKLE_H_

#include <cstdint>
#include <vector>

#include "ledger/bytes.h"
#include "ledger/status.h"

namespace probity {

constexpr int kTreeLevelsMax = 64;

Hash LeafHash(ByteSpan entry);
Hash NodeHash(const Hash& left, const Hash& right);
Hash EmptyTreeRoot();  // SHA-256 of the empty string

class NodeReader {
 public:
  virtual ~NodeReader() = default;
  // Root of the perfect subtree (level, index); the caller only asks for
  // subtrees that lie entirely within the tree.
  virtual Result<Hash> PerfectNode(int level, std::uint64_t index) const = 0;
};

// A perfect node that has just become complete; the store inserts these.
struct TreeNode {
  int level;
  std::uint64_t index;
  Hash hash;
};
// Appending leaf `leaf_index` with `leaf_hash` completes the leaf itself
// (level 0) and every ancestor whose right edge it is. `reader` must already
// hold the nodes for leaves [0, leaf_index).
Result<std::vector<TreeNode>> NodesCompletedBy(const NodeReader& reader, std::uint64_t leaf_index,
                                               const Hash& leaf_hash);

// MTH(D[begin:end]) for 0 <= begin < end, with (end - begin) any size.
Result<Hash> RangeRoot(const NodeReader& reader, std::uint64_t begin, std::uint64_t end);
Result<Hash> TreeRoot(const NodeReader& reader, std::uint64_t tree_size);

Result<std::vector<Hash>> InclusionProof(const NodeReader& reader, std::uint64_t leaf_index,
                                         std::uint64_t tree_size);
Result<std::vector<Hash>> ConsistencyProof(const NodeReader& reader, std::uint64_t old_size,
                                           std::uint64_t new_size);

// RFC 9162 §2.1.3.2. VerificationFailed when the proof does not lead to `root`.
[[nodiscard]] Status VerifyInclusion(std::uint64_t leaf_index, std::uint64_t tree_size,
                                     const Hash& leaf_hash, const std::vector<Hash>& proof,
                                     const Hash& root);
// RFC 9162 §2.1.4.2.
[[nodiscard]] Status VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size,
                                       const Hash& old_root, const Hash& new_root,
                                       const std::vector<Hash>& proof);

// An in-memory tree holding every perfect node: for verifiers (which rebuild
// from the entries they are given) and tests. Not thread safe.
class MemoryTree : public NodeReader {
 public:
  void Append(const Hash& leaf_hash);
  std::uint64_t size() const;
  Result<Hash> PerfectNode(int level, std::uint64_t index) const override;
  Result<Hash> Root() const { return TreeRoot(*this, size()); }

 private:
  std::vector<std::vector<Hash>> levels_;  // levels_[L][i]
};

}  // namespace probity

#endif  // PROBITY_LEDGER_MERKLE_H_
