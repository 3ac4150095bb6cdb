// RFC 9162 §2.1 over stored perfect subtrees. See merkle.h for the contract.
//
// Generation walks the RFC's recursive definitions (MTH, PATH, SUBPROOF) top
// down in a loop instead of recursing: each definition splits the current
// range [begin, end) at begin + k, where k is the largest power of two below
// its size, and appends one commitment *after* the sub-result, so the
// commitments are collected root first and reversed at the end.
//
// Cost: once the walk enters a left half it stays inside a perfect subtree,
// whose every part is one stored node. Only the right, ragged parts cost
// more (one read per set bit of their size), and at most one of them is
// read outside a perfect subtree plus the final SUBPROOF commitment. So a
// proof costs at most about 3 * 64 reads.
#include "ledger/merkle.h"

#include <algorithm>
#include <bit>
#include <initializer_list>
#include <limits>
#include <memory>
#include <string>

#include "ledger/crypto.h"

namespace probity {
namespace {

// Domain separation between leaves and interior nodes (RFC 9162 §2.1.1), so
// an interior node can never be passed off as a leaf.
constexpr std::uint8_t kLeafPrefix[1] = {0x00};
constexpr std::uint8_t kNodePrefix[1] = {0x01};

// SHA-256 of the concatenated parts (ledger/crypto.h, one implementation).
Hash Sha256Concat(std::initializer_list<ByteSpan> parts) { return Sha256Parts(parts); }

// The RFC's k: the largest power of two strictly smaller than size.
std::uint64_t SplitPoint(std::uint64_t size) {
  PROBITY_ASSERT(size >= 2);
  return std::bit_floor(size - 1);
}

// The stored node covering [begin, begin + size).
Result<Hash> ReadPerfect(const NodeReader& reader, std::uint64_t begin, std::uint64_t size) {
  PROBITY_ASSERT(std::has_single_bit(size));
  PROBITY_ASSERT(begin % size == 0);
  const int level = std::countr_zero(size);
  return reader.PerfectNode(level, begin >> level);
}

std::string RangeText(std::uint64_t begin, std::uint64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + ")";
}

Status ProofFailed(const char* which, const std::string& reason) {
  return Status::VerificationFailed(std::string(which) + " proof: " + reason);
}

// Shifts fn and sn right together until LSB(fn) is set or fn is 0: the inner
// loop of step ii in both §2.1.3.2 and §2.1.4.2. At most 64 shifts.
void ShiftUntilOddOrZero(std::uint64_t& fn, std::uint64_t& sn) {
  while ((fn & 1) == 0 && fn != 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

// §2.1.4.2 steps 1 to 7, for 0 < old_size < new_size.
Status VerifyConsistencyPath(std::uint64_t first, std::uint64_t second, const Hash& first_hash,
                             const Hash& second_hash, const std::vector<Hash>& proof) {
  PROBITY_ASSERT(0 < first && first < second);
  if (proof.empty()) return ProofFailed("consistency", "empty");  // 1
  // 2: a power-of-two old tree is itself a node of the new tree, so the
  // proof leaves it out and the verifier starts from first_hash.
  const bool prepend = std::has_single_bit(first);
  const Hash& start = prepend ? first_hash : proof.front();
  const std::size_t rest_begin = prepend ? 0 : 1;
  std::uint64_t fn = first - 1;  // 3
  std::uint64_t sn = second - 1;
  while ((fn & 1) == 1) {  // 4
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = start;  // 5
  Hash sr = start;
  for (std::size_t i = rest_begin; i < proof.size(); ++i) {  // 6
    const Hash& c = proof[i];
    if (sn == 0) return ProofFailed("consistency", "too many hashes");  // 6a
    if ((fn & 1) == 1 || fn == sn) {                                    // 6b
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      ShiftUntilOddOrZero(fn, sn);
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;  // 6c
    sn >>= 1;
  }
  if (sn != 0) return ProofFailed("consistency", "too few hashes");  // 7
  if (fr != first_hash) return ProofFailed("consistency", "old root does not match");
  if (sr != second_hash) return ProofFailed("consistency", "new root does not match");
  return Status::OK();
}

}  // namespace

Hash LeafHash(ByteSpan entry) { return Sha256Concat({ByteSpan(kLeafPrefix), entry}); }

Hash NodeHash(const Hash& left, const Hash& right) {
  return Sha256Concat({ByteSpan(kNodePrefix), ByteSpan(left), ByteSpan(right)});
}

Hash EmptyTreeRoot() { return Sha256Concat({}); }

Result<std::vector<TreeNode>> NodesCompletedBy(const NodeReader& reader, std::uint64_t leaf_index,
                                               const Hash& leaf_hash) {
  if (leaf_index == std::numeric_limits<std::uint64_t>::max()) {
    return Status::InvalidArgument("the tree is full: leaf index " + std::to_string(leaf_index));
  }
  std::vector<TreeNode> nodes;
  TreeNode node{0, leaf_index, leaf_hash};
  nodes.push_back(node);
  // A node at an odd index is a right child, so its parent has just become
  // complete; its left sibling was stored when it completed.
  while ((node.index & 1) == 1) {
    PROBITY_ASSERT(node.level < kTreeLevelsMax);
    PROBITY_ASSIGN_OR_RETURN(const Hash left, reader.PerfectNode(node.level, node.index - 1));
    node = TreeNode{node.level + 1, node.index >> 1, NodeHash(left, node.hash)};
    nodes.push_back(node);
  }
  return nodes;
}

Result<Hash> RangeRoot(const NodeReader& reader, std::uint64_t begin, std::uint64_t end) {
  if (begin >= end) return Status::InvalidArgument("empty range " + RangeText(begin, end));
  const std::uint64_t size = end - begin;
  if (begin % std::bit_floor(size) != 0) {
    return Status::InvalidArgument("range " + RangeText(begin, end) +
                                   " is not made of stored subtrees");
  }
  // Splitting off the largest power of two below the size at every step cuts
  // the range into one perfect chunk per set bit of `size`, largest first,
  // and MTH is their right fold. Fold from the right: the smallest chunk.
  std::uint64_t chunk_end = end;
  std::uint64_t bits_left = size;
  Hash root{};
  bool have_root = false;
  while (bits_left != 0) {
    const std::uint64_t chunk = std::uint64_t{1} << std::countr_zero(bits_left);
    PROBITY_ASSIGN_OR_RETURN(const Hash node, ReadPerfect(reader, chunk_end - chunk, chunk));
    root = have_root ? NodeHash(node, root) : node;
    have_root = true;
    bits_left -= chunk;
    chunk_end -= chunk;
  }
  PROBITY_ASSERT(chunk_end == begin);
  return root;
}

Result<Hash> TreeRoot(const NodeReader& reader, std::uint64_t tree_size) {
  if (tree_size == 0) return EmptyTreeRoot();
  return RangeRoot(reader, 0, tree_size);
}

Result<std::vector<Hash>> InclusionProof(const NodeReader& reader, std::uint64_t leaf_index,
                                         std::uint64_t tree_size) {
  if (leaf_index >= tree_size) {
    return Status::InvalidArgument("leaf " + std::to_string(leaf_index) +
                                   " is not in a tree of size " + std::to_string(tree_size));
  }
  // PATH(m, D[begin:end]) = PATH(m, one half) : MTH(the other half).
  std::vector<Hash> path;
  std::uint64_t begin = 0;
  std::uint64_t end = tree_size;
  while (end - begin > 1) {
    PROBITY_ASSERT(path.size() < kInclusionProofHashesMax);
    const std::uint64_t mid = begin + SplitPoint(end - begin);
    const bool go_left = leaf_index < mid;
    PROBITY_ASSIGN_OR_RETURN(Hash sibling,
                             go_left ? RangeRoot(reader, mid, end) : RangeRoot(reader, begin, mid));
    path.push_back(sibling);
    if (go_left) {
      end = mid;
    } else {
      begin = mid;
    }
  }
  std::reverse(path.begin(), path.end());
  return path;
}

Result<std::vector<Hash>> ConsistencyProof(const NodeReader& reader, std::uint64_t old_size,
                                           std::uint64_t new_size) {
  if (old_size > new_size) {
    return Status::InvalidArgument("old tree size " + std::to_string(old_size) +
                                   " exceeds new tree size " + std::to_string(new_size));
  }
  std::vector<Hash> proof;
  if (old_size == 0 || old_size == new_size) return proof;  // nothing to prove
  // SUBPROOF(m, D[begin:end], known), with m = old_size - begin; `known` is
  // the RFC's b: whether MTH(D[begin:old_size]) is the old root itself.
  std::uint64_t begin = 0;
  std::uint64_t end = new_size;
  bool known = true;
  while (old_size != end) {
    PROBITY_ASSERT(proof.size() < kConsistencyProofHashesMax - 1);
    const std::uint64_t mid = begin + SplitPoint(end - begin);
    const bool go_left = old_size <= mid;
    PROBITY_ASSIGN_OR_RETURN(Hash other,
                             go_left ? RangeRoot(reader, mid, end) : RangeRoot(reader, begin, mid));
    proof.push_back(other);
    if (go_left) {
      end = mid;
    } else {
      begin = mid;
      known = false;  // m - k > 0 leaves of a right half: not the old root
    }
  }
  if (!known) {  // SUBPROOF(m, D[m], false) = {MTH(D[m])}
    PROBITY_ASSIGN_OR_RETURN(Hash subtree, RangeRoot(reader, begin, end));
    proof.push_back(subtree);
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

Status VerifyInclusion(std::uint64_t leaf_index, std::uint64_t tree_size, const Hash& leaf_hash,
                       const std::vector<Hash>& proof, const Hash& root) {
  if (proof.size() > kInclusionProofHashesMax) return ProofFailed("inclusion", "too long");
  if (leaf_index >= tree_size) {  // 1
    return ProofFailed("inclusion", "leaf index " + std::to_string(leaf_index) +
                                        " is not below tree size " + std::to_string(tree_size));
  }
  std::uint64_t fn = leaf_index;  // 2
  std::uint64_t sn = tree_size - 1;
  Hash r = leaf_hash;                                                 // 3
  for (const Hash& p : proof) {                                       // 4
    if (sn == 0) return ProofFailed("inclusion", "too many hashes");  // 4a
    if ((fn & 1) == 1 || fn == sn) {                                  // 4b
      r = NodeHash(p, r);
      ShiftUntilOddOrZero(fn, sn);
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;  // 4c
    sn >>= 1;
  }
  if (sn != 0) return ProofFailed("inclusion", "too few hashes");  // 5
  // Roots are public, so a plain comparison leaks nothing worth a constant-time one.
  if (r != root) return ProofFailed("inclusion", "root does not match");
  return Status::OK();
}

Status VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root,
                         const Hash& new_root, const std::vector<Hash>& proof) {
  if (proof.size() > kConsistencyProofHashesMax) return ProofFailed("consistency", "too long");
  if (old_size > new_size) {
    return ProofFailed("consistency", "old tree size " + std::to_string(old_size) +
                                          " exceeds new tree size " + std::to_string(new_size));
  }
  if (old_size == 0 && old_root != EmptyTreeRoot()) {
    return ProofFailed("consistency", "old root is not the empty tree's root");
  }
  if (old_size == 0 || old_size == new_size) {
    if (!proof.empty()) return ProofFailed("consistency", "expected no hashes");
    if (old_size == new_size && old_root != new_root) {
      return ProofFailed("consistency", "roots differ for the same tree size");
    }
    return Status::OK();
  }
  return VerifyConsistencyPath(old_size, new_size, old_root, new_root, proof);
}

void MemoryTree::Append(const Hash& leaf_hash) {
  Result<std::vector<TreeNode>> nodes = NodesCompletedBy(*this, size(), leaf_hash);
  // Every node NodesCompletedBy reads is one this tree stored earlier.
  PROBITY_ASSERT(nodes.ok());
  for (const TreeNode& node : *nodes) {
    const auto level = static_cast<std::size_t>(node.level);
    if (level == levels_.size()) levels_.emplace_back();
    PROBITY_ASSERT(level < levels_.size());
    PROBITY_ASSERT(levels_[level].size() == node.index);
    levels_[level].push_back(node.hash);
  }
}

std::uint64_t MemoryTree::size() const { return levels_.empty() ? 0 : levels_[0].size(); }

Result<Hash> MemoryTree::PerfectNode(int level, std::uint64_t index) const {
  if (level < 0 || static_cast<std::size_t>(level) >= levels_.size() ||
      index >= levels_[static_cast<std::size_t>(level)].size()) {
    return Status::NotFound("tree node at level " + std::to_string(level) + ", index " +
                            std::to_string(index));
  }
  return levels_[static_cast<std::size_t>(level)][index];
}

}  // namespace probity
