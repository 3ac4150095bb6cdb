#include "reports/fec_import.h"

#include <algorithm>
#include <regex>
#include <set>

#include "ledger/records.h"
#include "policies/donations.h"
#include "reports/fec_columns.h"
#include "reports/fec_text.h"
#include "reports/source.h"

namespace probity::fec {
namespace {

constexpr std::size_t kScheduleAFieldsMin = 22;  // through contribution_aggregate

// .fec text is ASCII; older filings carry Latin-1 bytes. Both become UTF-8.
std::string Latin1ToUtf8(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out += c;
    } else {
      out += static_cast<char>(0xC0 | (b >> 6));
      out += static_cast<char>(0x80 | (b & 0x3F));
    }
  }
  return out;
}

std::vector<std::string> SplitFields(std::string_view record) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t sep = record.find(kFieldSeparator, start);
    fields.push_back(Latin1ToUtf8(record.substr(start, sep - start)));
    if (sep == std::string_view::npos) return fields;
    start = sep + 1;
  }
}

std::string Join(std::initializer_list<const std::string*> parts, const char* sep) {
  std::string out;
  for (const std::string* p : parts) {
    if (p->empty()) continue;
    if (!out.empty()) out += sep;
    out += *p;
  }
  return out;
}

Status CheckHeader(const std::vector<std::string>& f, Filing* filing) {
  if (f.size() < 3 || f[0] != "HDR" || f[1] != "FEC") {
    return Status::InvalidArgument(
        "the first record is not an HDR record separated by the byte 0x1C; Probity reads .fec "
        "files of format 8.x only");
  }
  if (f[2].rfind("8.", 0) != 0) {
    return Status::InvalidArgument("format version " + QuoteForMessage(f[2]) +
                                   " is not supported; Probity reads format 8.x");
  }
  filing->version = f[2];
  return Status::OK();
}

DonorPii DonorOf(const std::vector<std::string>& f) {
  DonorPii p;
  for (const ContributorField& c : kContributorFields) p.*c.member = f[Sa(c.column)];
  p.name = Join({&p.name_prefix, &p.given_name, &p.middle_name, &p.family_name, &p.name_suffix}, " ");
  const std::string region_zip = Join({&p.region, &p.postcode}, " ");
  p.address = Join({&p.street, &p.street2, &p.city, &region_zip}, ", ");
  // A US state on the filing means a US address; "ZZ" is the FEC's code for
  // a foreign one, left blank here so that the pack's eligibility rule decides.
  if (p.region != "ZZ" && !p.region.empty()) p.residence = "US";
  return p;
}

Status ParseReceipt(std::vector<std::string> f, FecReceipt* r) {
  if (f.size() < kScheduleAFieldsMin || f.size() > kScheduleAFields) {
    return Status::InvalidArgument("an SA11AI record has " + std::to_string(f.size()) +
                                   " fields; format 8.x has 45");
  }
  f.resize(kScheduleAFields);
  auto field = [&f](std::string_view col) -> const std::string& { return f[Sa(col)]; };
  for (const char* col : {"transaction_id", "contributor_last_name", "contributor_first_name"}) {
    if (field(col).empty()) return Status::InvalidArgument(std::string(col) + " is empty");
  }
  if (!std::regex_match(field("election_code"), std::regex("[A-Z][0-9]{4}"))) {
    return Status::InvalidArgument("election_code " + QuoteForMessage(field("election_code")) +
                                   " is not a letter and a year, e.g. P2018");
  }
  if (!std::regex_match(field("transaction_id"), std::regex("[ -~]{1,20}"))) {
    return Status::InvalidArgument("transaction_id is not 1 to 20 printable ASCII characters");
  }
  r->transaction_id = field("transaction_id");
  r->election = field("election_code");
  PROBITY_ASSIGN_OR_RETURN(r->date, ParseFecDate(field("contribution_date")));
  PROBITY_ASSIGN_OR_RETURN(r->amount_cents, ParseAmount(field("contribution_amount")));
  PROBITY_ASSIGN_OR_RETURN(r->aggregate_cents, ParseAmount(field("contribution_aggregate")));
  if (r->amount_cents <= 0 || r->aggregate_cents <= 0) {
    return Status::InvalidArgument("a negative or zero amount or aggregate (a refund or "
                                   "redesignation) cannot be imported");
  }
  r->donor = DonorOf(f);
  return ValidatePii(r->donor);
}

// One record: HDR checked, SA11AI parsed, anything else counted as skipped.
Status ParseRecord(std::string_view record, std::size_t line, Filing* filing) {
  if (record.size() > kRecordBytesMax) {
    return Status::InvalidArgument("the record is over " + std::to_string(kRecordBytesMax) + " bytes");
  }
  std::vector<std::string> f = SplitFields(record);
  if (line == 1) return CheckHeader(f, filing);
  if (f[0] != "SA11AI") {
    ++filing->skipped["record type " + f[0]];
    return Status::OK();
  }
  if (f.size() > Sa("memo_code") && f[Sa("memo_code")] == "X") {
    ++filing->skipped["SA11AI memo line"];
    return Status::OK();
  }
  if (f.size() > Sa("entity_type") && f[Sa("entity_type")] != "IND") {
    ++filing->skipped["SA11AI from entity type " + f[Sa("entity_type")]];
    return Status::OK();
  }
  if (filing->receipts.size() == kReceiptsMax) {
    return Status::InvalidArgument("more than " + std::to_string(kReceiptsMax) + " receipts");
  }
  FecReceipt r;
  r.line = line;
  const std::string committee = f[Sa("filer_committee_id_number")];
  PROBITY_RETURN_IF_ERROR(ParseReceipt(std::move(f), &r));
  if (filing->committee_id.empty()) filing->committee_id = committee;
  if (committee != filing->committee_id) {
    return Status::InvalidArgument("committee " + committee + " differs from the first record's " +
                                   filing->committee_id);
  }
  filing->receipts.push_back(std::move(r));
  return Status::OK();
}

}  // namespace

Result<Filing> ParseFiling(std::string_view bytes, const std::string& name) {
  if (bytes.size() > kFilingBytesMax) {
    return Status::InvalidArgument(name + " is over " + std::to_string(kFilingBytesMax >> 20) +
                                   " MiB; split the filing");
  }
  if (bytes.empty()) return Status::InvalidArgument(name + " is empty; nothing was imported");
  Filing filing;
  std::size_t line = 0;
  for (std::size_t start = 0; start < bytes.size();) {
    std::size_t end = bytes.find('\n', start);
    if (end == std::string_view::npos) end = bytes.size();
    std::string_view record = bytes.substr(start, end - start);
    if (!record.empty() && record.back() == '\r') record.remove_suffix(1);
    start = end + 1;
    ++line;
    if (record.empty() && start >= bytes.size()) break;  // the final newline
    Status st = ParseRecord(record, line, &filing);
    if (!st.ok()) {
      return Status::InvalidArgument(name + " line " + std::to_string(line) + ": " + st.message() +
                                     "; nothing was imported");
    }
  }
  if (filing.receipts.empty()) {
    return Status::InvalidArgument(name + " holds no SA11AI receipt from an individual; "
                                   "nothing was imported");
  }
  return filing;
}

namespace {

// Receipts of one person share a donor: same name and address parts.
std::string IdentityKey(const DonorPii& p) {
  std::string key;
  for (const std::string* part : {&p.family_name, &p.given_name, &p.middle_name, &p.name_prefix,
                                  &p.name_suffix, &p.street, &p.street2, &p.city, &p.region,
                                  &p.postcode}) {
    key += *part;
    key += kFieldSeparator;
  }
  return key;
}

Status RefuseImportedTwice(Ledger& ledger, const Filing& filing, const ImportOptions& o) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<ReportDonation> existing, LoadReportDonations(ledger, ""));
  std::set<std::string> refs;
  for (const ReportDonation& d : existing) {
    if (!d.import_ref.empty()) refs.insert(d.import_ref);
  }
  for (const FecReceipt& r : filing.receipts) {
    if (refs.count("fec:" + o.source_label + ":" + r.transaction_id)) {
      return Status::InvalidArgument("transaction " + r.transaction_id + " of " + o.source_label +
                                     " was already imported; nothing was imported again");
    }
  }
  return Status::OK();
}

}  // namespace

Result<ImportSummary> ImportFiling(Ledger& ledger, const NamedKey& key, const Filing& filing,
                                   const ImportOptions& o) {
  PROBITY_RETURN_IF_ERROR(ValidateMethod(o.method));
  PROBITY_RETURN_IF_ERROR(RefuseImportedTwice(ledger, filing, o));
  // Date order, file order within a day: the ledger's entry order then
  // matches the order in which the gifts came.
  std::vector<const FecReceipt*> order;
  for (const FecReceipt& r : filing.receipts) order.push_back(&r);
  std::stable_sort(order.begin(), order.end(),
                   [](const FecReceipt* a, const FecReceipt* b) { return a->date < b->date; });
  ImportSummary summary;
  Result<std::vector<std::int64_t>> seqs = ledger.Append(key, [&](AppendBatch& batch) -> Status {
    std::map<std::string, std::string> subjects;  // identity key -> subject
    for (const FecReceipt* r : order) {
      std::string& subject = subjects[IdentityKey(r->donor)];
      if (subject.empty()) {
        PROBITY_ASSIGN_OR_RETURN(subject, AddDonorInBatch(batch, NewDonor{"person", r->donor}));
      }
      DonationRequest d;
      d.subject = subject;
      d.amount_minor = r->amount_cents;
      d.currency = "USD";
      d.method = o.method;
      d.date = r->date;
      d.scope = o.scope;
      d.election = r->election;
      d.import_ref = "fec:" + o.source_label + ":" + r->transaction_id;
      d.import_aggregate_minor = r->aggregate_cents;
      Result<Recorded> recorded = RecordDonationInBatch(batch, d);
      if (!recorded.ok()) {
        return recorded.status().WithContext("line " + std::to_string(r->line) + " (" +
                                             r->transaction_id + ")");
      }
    }
    summary.donors = subjects.size();
    summary.donations = order.size();
    return Status::OK();
  });
  if (!seqs.ok()) return seqs.status();
  return summary;
}

}  // namespace probity::fec
