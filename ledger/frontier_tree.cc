#include "ledger/frontier_tree.h"

#include <string>

#include "ledger/assert.h"

namespace probity {
namespace {

// Answers every read with a zero hash and notes where it read: run through
// ConsistencyProof, it names the nodes the real proof will read.
class ReadRecorder : public NodeReader {
 public:
  Result<Hash> PerfectNode(int level, std::uint64_t index) const override {
    read.emplace(std::make_pair(level, index), std::nullopt);
    return Hash{};
  }
  mutable std::map<std::pair<int, std::uint64_t>, std::optional<Hash>> read;
};

}  // namespace

FrontierTree::FrontierTree(std::uint64_t final_size,
                           const std::vector<std::uint64_t>& proof_sizes) {
  ReadRecorder recorder;
  for (std::uint64_t old_size : proof_sizes) {
    // The nodes read do not depend on their hashes: which ones, only on the sizes.
    if (old_size > final_size) continue;
    PROBITY_ASSERT(ConsistencyProof(recorder, old_size, final_size).ok());
  }
  kept_ = std::move(recorder.read);
}

void FrontierTree::Append(const Hash& leaf_hash) {
  Result<std::vector<TreeNode>> nodes = NodesCompletedBy(*this, size_, leaf_hash);
  // Every node NodesCompletedBy reads is the last completed at its level.
  PROBITY_ASSERT(nodes.ok());
  for (const TreeNode& node : *nodes) {
    const auto level = static_cast<std::size_t>(node.level);
    if (level == last_.size()) last_.emplace_back();
    PROBITY_ASSERT(level < last_.size());
    last_[level] = {node.index, node.hash};
    if (kept_.empty()) continue;
    auto kept = kept_.find({node.level, node.index});
    if (kept != kept_.end()) kept->second = node.hash;
  }
  ++size_;
}

Result<Hash> FrontierTree::PerfectNode(int level, std::uint64_t index) const {
  if (level >= 0 && static_cast<std::size_t>(level) < last_.size() &&
      last_[static_cast<std::size_t>(level)].first == index) {
    return last_[static_cast<std::size_t>(level)].second;
  }
  auto kept = kept_.find({level, index});
  if (kept != kept_.end() && kept->second.has_value()) return *kept->second;
  return Status::NotFound("tree node at level " + std::to_string(level) + ", index " +
                          std::to_string(index) + " (not kept)");
}

}  // namespace probity
