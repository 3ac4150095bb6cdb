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

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ledger/bytes.h"
#include "ledger/status.h"

namespace probity {

constexpr int kTreeLevelsMax = 64;
// Longest proofs a verifier accepts; longer ones are refused before any
// hashing. An inclusion path has at most one hash per level below the root
// (64 for a uint64 tree size). A consistency proof may have one more:
// RFC 9162 §2.1.4.1 bounds it by ceil(log2(n)) + 1, which is 65 once
// n > 2^63, so capping it at 64 would refuse valid proofs.
constexpr std::size_t kInclusionProofHashesMax = 64;
constexpr std::size_t kConsistencyProofHashesMax = 65;

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
// hold the nodes for leaves [0, leaf_index). Returned leaf first, then up by
// one level at a time. InvalidArgument for leaf_index == UINT64_MAX, whose
// tree size would not fit in a uint64.
Result<std::vector<TreeNode>> NodesCompletedBy(const NodeReader& reader, std::uint64_t leaf_index,
                                               const Hash& leaf_hash);

// MTH(D[begin:end]) for 0 <= begin < end, with (end - begin) any size, in at
// most 64 reads. `begin` must be a multiple of the largest power of two
// <= (end - begin); otherwise InvalidArgument. That covers every range the
// RFC's split produces from [0, n) (all that roots and proofs need), and it
// is exactly when the range is a run of stored perfect nodes: any other
// range has interior nodes that are never stored, and computing them would
// cost reads in proportion to the range's size.
Result<Hash> RangeRoot(const NodeReader& reader, std::uint64_t begin, std::uint64_t end);
// MTH(D[0:tree_size]); EmptyTreeRoot() for 0.
Result<Hash> TreeRoot(const NodeReader& reader, std::uint64_t tree_size);

// PATH(leaf_index, D[tree_size]) of RFC 9162 §2.1.3.1, leaf end first.
// InvalidArgument unless leaf_index < tree_size.
Result<std::vector<Hash>> InclusionProof(const NodeReader& reader, std::uint64_t leaf_index,
                                         std::uint64_t tree_size);
// PROOF(old_size, D[new_size]) of RFC 9162 §2.1.4.1. The RFC defines it for
// 0 < old_size < new_size; for old_size == 0 or old_size == new_size there is
// nothing to prove and the proof is empty. InvalidArgument if old_size > new_size.
Result<std::vector<Hash>> ConsistencyProof(const NodeReader& reader, std::uint64_t old_size,
                                           std::uint64_t new_size);

// RFC 9162 §2.1.3.2, step by step. Every way the proof can fail to check is
// VerificationFailed, including leaf_index >= tree_size (the RFC's step 1)
// and a proof longer than kInclusionProofHashesMax: the index, size and
// proof usually arrive together from the party being checked, and a
// tampered index must not look like a typing mistake (exit 2) instead of a
// failed proof (exit 4).
// Note what a proof does not bind: the hashes carry no level, so a proof
// for one tree size can also check for another size whose path has the same
// shape. The tree size must come from a signed tree head.
[[nodiscard]] Status VerifyInclusion(std::uint64_t leaf_index, std::uint64_t tree_size,
                                     const Hash& leaf_hash, const std::vector<Hash>& proof,
                                     const Hash& root);
// RFC 9162 §2.1.4.2, step by step, for 0 < old_size < new_size. The RFC's
// algorithm assumes that range (step 1 fails an empty proof); the two cases
// outside it, where the proof must be empty, are decided as follows:
//  - old_size == new_size: the roots must be equal (a head is consistent
//    with itself only);
//  - old_size == 0: old_root must be EmptyTreeRoot() (MTH({}) of §2.1.1),
//    and then every new tree extends it, so new_root is not checked.
// old_size > new_size, or a proof longer than kConsistencyProofHashesMax,
// is VerificationFailed, like every other failure.
[[nodiscard]] Status VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size,
                                       const Hash& old_root, const Hash& new_root,
                                       const std::vector<Hash>& proof);

// An in-memory tree holding every perfect node: for verifiers (which rebuild
// from the entries they are given) and tests. Not thread safe.
class MemoryTree : public NodeReader {
 public:
  void Append(const Hash& leaf_hash);
  std::uint64_t size() const;
  // NotFound for a node that is not (yet) complete.
  Result<Hash> PerfectNode(int level, std::uint64_t index) const override;
  Result<Hash> Root() const { return TreeRoot(*this, size()); }

 private:
  std::vector<std::vector<Hash>> levels_;  // levels_[L][i]
};

}  // namespace probity

#endif  // PROBITY_LEDGER_MERKLE_H_
