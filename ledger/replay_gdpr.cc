// The replay rules of the GDPR records (docs/format.md section 14, step 11):
// purposes, the purpose a consent names, and the request register. The
// register's rules are requests.h's Check* functions, shared with the
// commands that write these entries.
#include "ledger/assert.h"
#include "ledger/replay.h"

namespace probity {
namespace {

const std::string& StrAt(const Json& e, const char* field) {
  return e.at(field).get_ref<const std::string&>();
}

Date DateOf(const Json& e, const char* field) {
  // Replayed entries passed ValidateEntry, so their dates parse.
  Result<Date> d = ParseDate(StrAt(e, field));
  PROBITY_ASSERT(d.ok());
  return *d;
}

Status Refused(const Status& st) { return Status::VerificationFailed(st.message()); }

}  // namespace

Status Replay::CheckGdprRecord(const std::string& kind, const Json& e) {
  if (kind == "purpose_added") {
    if (!purposes_.insert(StrAt(e, "purpose")).second) {
      return Status::VerificationFailed("purpose " + StrAt(e, "purpose") + " registered twice");
    }
    return Status::OK();
  }
  if (kind == "consent" && purposes_.count(StrAt(e, "purpose")) == 0) {
    return Status::VerificationFailed("consent names purpose " + StrAt(e, "purpose") +
                                      ", which was never registered");
  }
  if (kind == "request_opened") {
    if (DateOf(e, "due") != RequestFirstDue(DateOf(e, "received"))) {
      return Status::VerificationFailed("request due " + StrAt(e, "due") +
                                        " is not received + 1 month (" +
                                        FormatDate(RequestFirstDue(DateOf(e, "received"))) + ")");
    }
    requests_.emplace(e.at("seq").get<std::int64_t>(), RequestFromOpened(e));
    return Status::OK();
  }
  const bool names_request = kind == "request_extended" || kind == "request_closed" ||
                             (kind == "erasure" && e.contains("request_seq"));
  if (!names_request) return Status::OK();
  auto it = requests_.find(e.at("request_seq").get<std::int64_t>());
  if (it == requests_.end()) {
    return Status::VerificationFailed("names request " + e.at("request_seq").dump() +
                                      ", which is not an earlier request_opened");
  }
  RequestRecord& r = it->second;
  Status st;
  if (kind == "request_extended") {
    st = CheckRequestExtension(r, StrAt(e, "subject"), DateOf(e, "date"), DateOf(e, "due"));
  } else if (kind == "request_closed") {
    st = CheckRequestClosing(r, StrAt(e, "subject"), DateOf(e, "date"), StrAt(e, "outcome"),
                             e.contains("basis"), e.contains("possible_from"));
  } else {
    st = CheckRequestErasure(r, StrAt(e, "subject"));
  }
  if (!st.ok()) return Refused(st);
  ApplyRequestEntry(e, &r);
  return Status::OK();
}

}  // namespace probity
