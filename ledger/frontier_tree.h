// A Merkle tree (RFC 9162, ledger/merkle.h) that keeps only what a verifier
// reads once every leaf is in. Internal to the verifiers.
#ifndef PROBITY_LEDGER_FRONTIER_TREE_H_
#define PROBITY_LEDGER_FRONTIER_TREE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "ledger/merkle.h"

namespace probity {

// An in-memory tree for a verifier that knows in advance what it will ask
// once every leaf is in: the root, and consistency proofs from given older
// sizes. It keeps the last node completed at each level (what an append
// reads, and the root's perfect subtrees) and the nodes those proofs read:
// O(log n) hashes per proof, against MemoryTree's two per leaf. Not thread
// safe.
class FrontierTree : public NodeReader {
 public:
  // `final_size`: how many leaves it will hold when asked for proofs;
  // `proof_sizes`: the old sizes of the consistency proofs to final_size it
  // must be able to give (sizes over final_size are ignored).
  FrontierTree(std::uint64_t final_size, const std::vector<std::uint64_t>& proof_sizes);
  void Append(const Hash& leaf_hash);
  std::uint64_t size() const { return size_; }
  // NotFound for a node that is not complete, or neither a level's last nor kept.
  Result<Hash> PerfectNode(int level, std::uint64_t index) const override;
  Result<Hash> Root() const { return TreeRoot(*this, size_); }

 private:
  std::vector<std::pair<std::uint64_t, Hash>> last_;  // by level: (index, hash)
  // The nodes the proofs read, by (level, index); filled as they complete.
  std::map<std::pair<int, std::uint64_t>, std::optional<Hash>> kept_;
  std::uint64_t size_ = 0;
};

}  // namespace probity

#endif  // PROBITY_LEDGER_FRONTIER_TREE_H_
