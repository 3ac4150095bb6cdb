#include "ledger/wal_checkpointer.h"

#include <sqlite3.h>

namespace probity {

WalCheckpointer::WalCheckpointer(Db& writer, std::unique_ptr<Db> checkpointer)
    : writer_(writer), db_(std::move(checkpointer)) {
  thread_ = std::thread([this] { Work(); });
  // Replaces the autocheckpoint, which is itself a commit hook.
  sqlite3_wal_hook(writer_.raw(), &WalCheckpointer::OnCommit, this);
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_autocheckpoint(writer_.raw(), kWalCheckpointFrames);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

std::int64_t WalCheckpointer::checkpoints() const {
  std::lock_guard<std::mutex> lock(mu_);
  return checkpoints_;
}

// On the writer's thread, right after a commit, with `frames` in the log.
int WalCheckpointer::OnCommit(void* self, sqlite3* db, const char* name, int frames) {
  auto* c = static_cast<WalCheckpointer*>(self);
  if (frames >= kWalFramesMax) {
    // The thread fell behind: copy here, as the autocheckpoint would. A busy
    // or failed checkpoint leaves the log as it was; the next commit retries.
    (void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (frames >= kWalCheckpointFrames) {
    {
      std::lock_guard<std::mutex> lock(c->mu_);
      c->wanted_ = true;
    }
    c->cv_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || wanted_; });
    if (stop_) return;
    wanted_ = false;
    lock.unlock();
    // PASSIVE: copies what no reader still needs, never waits for the writer.
    // Failing (busy, I/O) leaves the log whole for the next one to copy.
    (void)sqlite3_wal_checkpoint_v2(db_->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                    nullptr);
    lock.lock();
    ++checkpoints_;
  }
}

}  // namespace probity
