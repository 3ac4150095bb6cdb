#include "ledger/requests.h"

#include <algorithm>
#include <map>

#include "ledger/assert.h"
#include "ledger/entry.h"

namespace probity {
namespace {

Date DateField(const Json& entry, const char* name) {
  // Entries read here passed ValidateEntry, so the date parses.
  Result<Date> d = ParseDate(entry.at(name).get<std::string>());
  PROBITY_ASSERT(d.ok());
  return *d;
}

}  // namespace

Date RequestFirstDue(const Date& received) { return AddMonths(received, kRequestAnswerMonths); }

Date RequestDueLimit(const Date& received) {
  return AddMonths(received, kRequestAnswerMonths + kRequestExtensionMonthsMax);
}

RequestRecord RequestFromOpened(const Json& e) {
  PROBITY_ASSERT(e.at("kind") == "request_opened");
  RequestRecord r;
  r.seq = e.at("seq").get<std::int64_t>();
  r.subject = e.at("subject").get<std::string>();
  r.type = e.at("request_type").get<std::string>();
  r.received = DateField(e, "received");
  r.channel = e.at("channel").get<std::string>();
  r.first_due = DateField(e, "due");
  r.due = r.first_due;
  return r;
}

void ApplyRequestEntry(const Json& e, RequestRecord* r) {
  PROBITY_ASSERT(e.at("request_seq").get<std::int64_t>() == r->seq);
  const std::string kind = e.at("kind").get<std::string>();
  const std::int64_t seq = e.at("seq").get<std::int64_t>();
  if (kind == "request_extended") {
    RequestExtension x{seq, DateField(e, "date"), e.at("reason").get<std::string>(),
                       DateField(e, "due")};
    r->due = x.due;
    r->extensions.push_back(std::move(x));
    return;
  }
  PROBITY_ASSERT(kind == "request_closed" || kind == "erasure");
  r->closed = true;
  r->closed_seq = seq;
  r->closed_date = DateField(e, "date");
  if (kind == "erasure") {
    r->outcome = "answered";
    return;
  }
  r->outcome = e.at("outcome").get<std::string>();
  r->basis = e.value("basis", "");
  r->possible_from = e.value("possible_from", "");
  r->answer_sha256 = e.value("answer_sha256", "");
  r->note = e.value("note", "");
}

Result<std::vector<RequestRecord>> LoadRequests(Store& store, const std::string& subject) {
  std::map<std::int64_t, RequestRecord> by_seq;
  PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> opened,
                           store.FindEntries("request_opened", subject));
  for (std::int64_t seq : opened) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
    by_seq.emplace(seq, RequestFromOpened(e));
  }
  // Extensions and closings come after their request, so reading them in seq
  // order applies them in the order they were made.
  std::vector<std::int64_t> later;
  for (const char* kind : {"request_extended", "request_closed", "erasure"}) {
    PROBITY_ASSIGN_OR_RETURN(std::vector<std::int64_t> seqs, store.FindEntries(kind, subject));
    later.insert(later.end(), seqs.begin(), seqs.end());
  }
  std::sort(later.begin(), later.end());
  for (std::int64_t seq : later) {
    PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
    if (!e.contains("request_seq")) continue;  // an erasure at the end of retention
    auto it = by_seq.find(e.at("request_seq").get<std::int64_t>());
    if (it == by_seq.end()) {
      return Status::Corruption("entry " + std::to_string(seq) + " names request " +
                                e.at("request_seq").dump() + ", which is not a request");
    }
    ApplyRequestEntry(e, &it->second);
  }
  std::vector<RequestRecord> out;
  out.reserve(by_seq.size());
  for (auto& [seq, r] : by_seq) out.push_back(std::move(r));
  return out;
}

Result<RequestRecord> LoadRequest(Store& store, std::int64_t seq) {
  PROBITY_ASSIGN_OR_RETURN(std::int64_t count, store.EntryCount());
  const auto not_found = [&] {
    return Status::NotFound("there is no GDPR request " + std::to_string(seq) +
                            "; `probity gdpr request list` shows the register");
  };
  if (seq < 0 || seq >= count) return not_found();
  PROBITY_ASSIGN_OR_RETURN(Json e, ReadDecodedEntry(store, seq));
  if (e.at("kind") != "request_opened") return not_found();
  PROBITY_ASSIGN_OR_RETURN(std::vector<RequestRecord> all,
                           LoadRequests(store, e.at("subject").get<std::string>()));
  for (RequestRecord& r : all) {
    if (r.seq == seq) return std::move(r);
  }
  return not_found();
}

}  // namespace probity
