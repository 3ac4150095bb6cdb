#include "ledger/sign_pipeline.h"

#include "ledger/encoding.h"
#include "ledger/entry.h"
#include "ledger/merkle.h"

namespace probity {

SignPipeline::SignPipeline(const SigningKey& key, unsigned threads, const Hash& prev,
                           SignFn sign)
    : key_(key), sign_(sign), chain_prev_(prev) {
  PROBITY_ASSERT(sign != nullptr);
  PROBITY_ASSERT(threads >= 1 && threads <= kSignThreadsMax);
  for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
}

SignPipeline::~SignPipeline() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void SignPipeline::Submit(Job job) {
  job.verify = submitted_ == 0;
  job.ticket = submitted_++;
  std::unique_lock<std::mutex> lock(mu_);
  // Waiting here for space would deadlock: only the caller frees slots.
  PROBITY_ASSERT(slots_.size() < kSignInFlightMax);
  slots_.push_back(Slot{std::move(job), false, false, Done{}});
  lock.unlock();
  work_cv_.notify_one();
}

std::size_t SignPipeline::in_flight() const {
  std::lock_guard<std::mutex> lock(mu_);
  return slots_.size();
}

std::optional<std::int64_t> SignPipeline::head_seq() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (slots_.empty()) return std::nullopt;
  return slots_.front().job.seq;
}

// Called with mu_ held and the head done.
std::optional<SignPipeline::Done> SignPipeline::PopHead() {
  Done d = std::move(slots_.front().result);
  slots_.pop_front();
  PROBITY_ASSERT(first_unclaimed_ > 0);  // the head was claimed, so it is before the mark
  --first_unclaimed_;
  return d;
}

std::optional<SignPipeline::Done> SignPipeline::TryTake() {
  std::lock_guard<std::mutex> lock(mu_);
  if (slots_.empty() || !slots_.front().done) return std::nullopt;
  return PopHead();
}

std::optional<SignPipeline::Done> SignPipeline::Take() {
  std::unique_lock<std::mutex> lock(mu_);
  if (slots_.empty()) return std::nullopt;
  done_cv_.wait(lock, [this] { return slots_.front().done; });
  return PopHead();
}

void SignPipeline::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [this] { return stop_ || first_unclaimed_ < slots_.size(); });
    if (stop_) return;
    // Deque references stay valid while other slots are pushed at the back;
    // this slot is popped only after it is done.
    Slot& slot = slots_[first_unclaimed_++];
    slot.claimed = true;
    lock.unlock();
    Done result;
    result.entry.seq = slot.job.seq;
    if (Chain(slot.job, &result)) SignAndCheck(key_, sign_, slot.job, &result);
    lock.lock();
    slot.result = std::move(result);
    slot.done = true;
    done_cv_.notify_one();
  }
}

bool SignPipeline::Chain(Job& job, Done* d) {
  Hash prev{};
  {
    std::unique_lock<std::mutex> lock(mu_);
    chain_cv_.wait(lock, [&] { return chained_ == job.ticket; });
    prev = chain_prev_;
  }
  job.entry["prev"] = HexEncode(prev);
  Result<std::string> body = Canonicalize(job.entry);
  if (body.ok()) {
    d->entry.body = std::move(body).value();
    d->entry.leaf_hash = LeafHash(AsBytes(d->entry.body));
  } else {
    d->status = body.status();  // the leaf hash stays zero: nothing after it may be stored
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    chain_prev_ = d->entry.leaf_hash;
    ++chained_;
  }
  chain_cv_.notify_all();
  return body.ok();
}

void SignPipeline::SignAndCheck(const SigningKey& key, SignFn sign, Job& job, Done* d) {
  const std::string& body = d->entry.body;
  d->entry.sig = sign(key, AsBytes(body));
  // A fault, not an input error: we just made this signature with our own key.
  if (job.verify) {
    PROBITY_ASSERT(VerifyDetached(key.public_key, AsBytes(body), d->entry.sig));
  } else {
    PROBITY_ASSERT(sign(key, AsBytes(body)) == d->entry.sig);
  }
  d->index = IndexOf(job.entry);
  Result<Json> decoded = DecodeEntry(body);
  if (!decoded.ok()) {
    d->status = Status::Corruption("entry " + std::to_string(job.seq) +
                                   " does not read back as written: " +
                                   decoded.status().message());
  } else if (!(IndexOf(decoded.value()) == d->index)) {
    d->status = Status::Corruption("entry " + std::to_string(job.seq) +
                                   " reads back with different index columns");
  }
}

}  // namespace probity
