// Copies a ledger's write-ahead log into the database file on a thread of its
// own, on a second connection, instead of inside the commit that crosses
// SQLite's autocheckpoint threshold. For a long run of commits (an import:
// AppendRun), where the copy and its fsyncs would otherwise stall the thread
// that stores and commits. Durability does not change: each commit still
// syncs the log (synchronous = FULL); a checkpoint only moves committed pages,
// and SQLite makes it safe to kill at any point.
//
// While it runs, the writing connection's commit hook (sqlite3_wal_hook)
// wakes the thread once the log holds kWalCheckpointFrames frames, and
// checkpoints inline if the log reaches kWalFramesMax (the thread fell
// behind), so the log stays bounded. The destructor stops and joins the
// thread and gives the writing connection its autocheckpoint back.
#ifndef PROBITY_LEDGER_WAL_CHECKPOINTER_H_
#define PROBITY_LEDGER_WAL_CHECKPOINTER_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "ledger/sqlite.h"

namespace probity {

// SQLite's default autocheckpoint threshold, in frames (pages).
constexpr int kWalCheckpointFrames = 1000;
constexpr int kWalFramesMax = 16 * kWalCheckpointFrames;

class WalCheckpointer {
 public:
  // `writer` is the connection that commits (it must outlive this);
  // `checkpointer` a second connection to the same file, keyed, used only by
  // the thread.
  WalCheckpointer(Db& writer, std::unique_ptr<Db> checkpointer);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Checkpoints the thread has run (tests).
  std::int64_t checkpoints() const;

 private:
  static int OnCommit(void* self, struct sqlite3* db, const char* name, int frames);
  void Work();

  Db& writer_;
  std::unique_ptr<Db> db_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false;
  bool stop_ = false;
  std::int64_t checkpoints_ = 0;
  std::thread thread_;
};

}  // namespace probity

#endif  // PROBITY_LEDGER_WAL_CHECKPOINTER_H_
