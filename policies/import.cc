#include "policies/import.h"

#include <future>
#include <map>

#include "ledger/encoding.h"
#include "ledger/money.h"

namespace probity {
namespace {

const char* const kColumnList =
    "donor, amount, currency, method, date (required); election, nature, cap_declared, "
    "external_id (optional)";

int* ColumnSlot(ImportColumns* c, const std::string& name) {
  const std::pair<const char*, int*> slots[] = {
      {"donor", &c->donor},       {"amount", &c->amount},
      {"currency", &c->currency}, {"method", &c->method},
      {"date", &c->date},         {"election", &c->election},
      {"nature", &c->nature},     {"cap_declared", &c->cap_declared},
      {"external_id", &c->external_id}};
  for (const auto& [slot_name, slot] : slots) {
    if (name == slot_name) return slot;
  }
  return nullptr;
}

const std::string& Cell(const std::vector<std::string>& fields, int column) {
  static const std::string kEmpty;
  return column < 0 ? kEmpty : fields[static_cast<std::size_t>(column)];
}

Status ParseFlagCell(const std::string& text, bool* out) {
  if (text.empty() || text == "false" || text == "no") {
    *out = false;
  } else if (text == "true" || text == "yes") {
    *out = true;
  } else {
    return Status::InvalidArgument("column cap_declared: \"" + text +
                                   "\" is not true, yes, false, no or empty");
  }
  return Status::OK();
}

Status FillGift(const ImportColumns& c, const std::vector<std::string>& fields,
                DonationRequest* r) {
  const std::string& donor = Cell(fields, c.donor);
  r->anonymous = donor == "anonymous";
  if (!r->anonymous) {
    PROBITY_RETURN_IF_ERROR(ValidateSubjectId(donor).WithContext("column donor"));
    r->subject = donor;
  }
  r->currency = Cell(fields, c.currency);
  PROBITY_ASSIGN_OR_RETURN(Money amount,
                           ParseMoney(Cell(fields, c.amount), r->currency, Sign::kPositive));
  r->amount_minor = amount.amount_minor_i64();
  r->method = Cell(fields, c.method);
  PROBITY_RETURN_IF_ERROR(ValidateMethod(r->method).WithContext("column method"));
  Result<Date> date = ParseDate(Cell(fields, c.date));
  if (!date.ok()) return date.status().WithContext("column date");
  r->date = date.value();
  r->election = Cell(fields, c.election);
  const std::string& nature = Cell(fields, c.nature);
  if (!nature.empty() && nature != "gift" && nature != "membership-fee") {
    return Status::InvalidArgument("column nature: \"" + nature +
                                   "\" is not gift, membership-fee or empty");
  }
  if (!nature.empty()) r->nature = nature;
  return ParseFlagCell(Cell(fields, c.cap_declared), &r->cap_declared);
}

// The rows of one batch, as read.
struct Row {
  std::int64_t line = 0;
  std::vector<std::string> fields;
  std::string error;  // malformed: the reason
  DonationRequest request;
};

// What became of a row in its batch.
struct Outcome {
  enum Kind { kRecorded, kSkipped, kRejected } kind = kRejected;
  std::string reason;
};

// Sentinel: a batch with nothing to record is rolled back, not an error.
const char* const kNothingRecorded = "probity-import: nothing recorded in this batch";

// State kept across the batches of one run.
struct Run {
  Ledger& ledger;
  const NamedKey& key;
  const ImportOptions& options;
  DonationDecider decider;
  std::int64_t first_seq = 0;      // ledger size when the run started
  std::int64_t expected_size = 0;  // ledger size after our last commit
  ImportProgress progress;
};

Outcome DecideRow(Run& run, AppendBatch& batch, const Row& row,
                  std::map<std::string, std::int64_t>& batch_ids, Status* fatal) {
  if (!row.error.empty()) return {Outcome::kRejected, row.error};
  const std::string& id = row.request.external_id;
  Result<std::optional<std::int64_t>> found = batch.store_unflushed().FindExternalId(id);
  if (!found.ok()) {
    *fatal = found.status();
    return {};
  }
  if (found->has_value() && found->value() < run.first_seq) return {Outcome::kSkipped, ""};
  auto earlier = batch_ids.find(id);
  if (found->has_value() || earlier != batch_ids.end()) {
    std::string where = earlier != batch_ids.end()
                            ? "line " + std::to_string(earlier->second)
                            : "an earlier line (entry " + std::to_string(found->value()) + ")";
    return {Outcome::kRejected, "duplicate external id " + id + ": the same as " + where +
                                    "; give each gift its own external_id"};
  }
  Result<Recorded> recorded = run.decider.Record(batch, row.request);
  if (recorded.ok()) {
    batch_ids.emplace(id, row.line);
    return {Outcome::kRecorded, ""};
  }
  const Status& st = recorded.status();
  if (st.code() == StatusCode::kPolicyViolation || st.IsInvalidArgument() || st.IsNotFound()) {
    return {Outcome::kRejected, st.message()};
  }
  *fatal = st;
  return {};
}

// Decides and appends one batch in one transaction; fills `outcomes`.
Status AppendBatchOfRows(Run& run, const std::vector<Row>& rows, std::vector<Outcome>* outcomes) {
  outcomes->assign(rows.size(), Outcome{});
  std::int64_t end_seq = -1;
  Result<std::vector<std::int64_t>> seqs =
      run.ledger.Append(run.key, [&](AppendBatch& batch) -> Status {
        // Someone else appended since our last batch: what we cached may be stale.
        if (batch.next_seq() != run.expected_size) run.decider.Reset();
        std::map<std::string, std::int64_t> batch_ids;
        bool any = false;
        for (std::size_t i = 0; i < rows.size(); ++i) {
          Status fatal;
          (*outcomes)[i] = DecideRow(run, batch, rows[i], batch_ids, &fatal);
          PROBITY_RETURN_IF_ERROR(fatal);
          any = any || (*outcomes)[i].kind == Outcome::kRecorded;
        }
        end_seq = batch.next_seq();
        return any ? Status::OK() : Status::NotFound(kNothingRecorded);
      });
  if (!seqs.ok()) {
    // Nothing was written, so the decider may have counted gifts that are not
    // in the ledger: forget them.
    run.decider.Reset();
    if (seqs.status().IsNotFound() && seqs.status().message() == kNothingRecorded) {
      return Status::OK();
    }
    return seqs.status();
  }
  run.expected_size = end_seq;
  return Status::OK();
}

Status Report(Run& run, const std::vector<Row>& rows, const std::vector<Outcome>& outcomes) {
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Outcome& o = outcomes[i];
    if (o.kind == Outcome::kRecorded) ++run.progress.recorded;
    if (o.kind == Outcome::kSkipped) ++run.progress.skipped;
    if (o.kind != Outcome::kRejected) continue;
    ++run.progress.rejected;
    if (run.options.on_reject) {
      PROBITY_RETURN_IF_ERROR(run.options.on_reject({rows[i].line, o.reason, rows[i].fields}));
    }
  }
  // The batch is committed: every gift the decider counted is in the store.
  run.decider.Trim();
  if (run.options.on_progress) run.options.on_progress(run.progress);
  return Status::OK();
}

Row ReadRow(const ImportColumns& columns, const std::string& scope, CsvRecord& record) {
  Row row;
  row.line = record.line;
  row.fields = std::move(record.fields);
  row.error = std::move(record.error);
  if (!row.error.empty()) return row;
  Result<DonationRequest> request = RowToRequest(columns, row.fields, scope);
  if (!request.ok()) {
    row.error = request.status().message();
  } else {
    row.request = std::move(request).value();
  }
  return row;
}

// One batch of rows as read and converted, and where the reader stopped.
struct RowBatch {
  std::vector<Row> rows;
  bool more = false;  // false: the file ended within (or right after) this batch
  std::uint64_t bytes_read = 0;
};

// Reads up to options.batch_rows records and converts each (RowToRequest:
// parsing, validation, the external-id hash). None of it reads the ledger or
// depends on an earlier row, so it may run ahead of the batch being appended.
Result<RowBatch> ReadBatch(CsvReader& reader, const ImportColumns& columns,
                           const ImportOptions& options) {
  RowBatch batch;
  batch.more = true;
  CsvRecord record;
  while (batch.rows.size() < options.batch_rows) {
    PROBITY_ASSIGN_OR_RETURN(batch.more, reader.Next(&record));
    if (!batch.more) break;
    batch.rows.push_back(ReadRow(columns, options.scope, record));
  }
  batch.bytes_read = reader.bytes_read();
  return batch;
}

// ReadBatch on its own thread. Only that thread touches `reader` until the
// future is ready; the future's destructor waits for it, so returning early
// (an error in the batch before) leaves no thread behind.
std::future<Result<RowBatch>> ReadBatchAsync(CsvReader& reader, const ImportColumns& columns,
                                             const ImportOptions& options) {
  return std::async(std::launch::async,
                    [&reader, &columns, &options] { return ReadBatch(reader, columns, options); });
}

Result<ImportColumns> ReadHeader(CsvReader& reader, const ImportOptions& options) {
  CsvRecord header;
  PROBITY_ASSIGN_OR_RETURN(bool any, reader.Next(&header));
  if (!any) return Status::InvalidArgument("the CSV file is empty; its first line must name the "
                                           "columns: " + std::string(kColumnList));
  if (!header.error.empty()) {
    return Status::InvalidArgument("line " + std::to_string(header.line) +
                                   " (the header): " + header.error);
  }
  PROBITY_ASSIGN_OR_RETURN(ImportColumns columns, ParseImportHeader(header.fields));
  reader.ExpectFields(header.fields.size());
  if (options.on_header) PROBITY_RETURN_IF_ERROR(options.on_header(header.fields));
  return columns;
}

}  // namespace

Result<ImportColumns> ParseImportHeader(const std::vector<std::string>& header) {
  ImportColumns c;
  for (std::size_t i = 0; i < header.size(); ++i) {
    int* slot = ColumnSlot(&c, header[i]);
    if (slot == nullptr) {
      return Status::InvalidArgument("unknown column \"" + header[i] + "\" in the header; the "
                                     "columns are " + std::string(kColumnList));
    }
    if (*slot >= 0) {
      return Status::InvalidArgument("column \"" + header[i] + "\" appears twice in the header");
    }
    *slot = static_cast<int>(i);
  }
  const std::pair<const char*, int> required[] = {{"donor", c.donor},
                                                  {"amount", c.amount},
                                                  {"currency", c.currency},
                                                  {"method", c.method},
                                                  {"date", c.date}};
  for (const auto& [name, index] : required) {
    if (index < 0) {
      return Status::InvalidArgument("the header has no column \"" + std::string(name) +
                                     "\"; the columns are " + kColumnList);
    }
  }
  c.names = header;
  return c;
}

Result<DonationRequest> RowToRequest(const ImportColumns& columns,
                                     const std::vector<std::string>& fields,
                                     const std::string& scope) {
  PROBITY_ASSERT(fields.size() == columns.names.size());  // the reader checked the count
  DonationRequest r;
  r.scope = scope;
  PROBITY_RETURN_IF_ERROR(FillGift(columns, fields, &r));
  if (columns.external_id < 0) {
    r.external_id = RowExternalId(r);
  } else {
    r.external_id = Cell(fields, columns.external_id);
    PROBITY_RETURN_IF_ERROR(ValidateExternalId(r.external_id).WithContext("column external_id"));
  }
  return r;
}

std::string RowExternalId(const DonationRequest& r) {
  Json gift = {{"amount_minor", r.amount_minor}, {"currency", r.currency},
               {"method", r.method},             {"date", FormatDate(r.date)},
               {"election", r.election},         {"nature", r.nature},
               {"cap_declared", r.cap_declared}};
  if (r.anonymous) {
    gift["anonymous"] = true;
  } else {
    gift["subject"] = r.subject;
  }
  Result<std::string> canonical = Canonicalize(gift);
  PROBITY_ASSERT(canonical.ok());  // strings, integers and booleans only
  return "sha256:" + HexEncode(Sha256(AsBytes(canonical.value())));
}

Result<ImportProgress> ImportDonations(Ledger& ledger, const NamedKey& key, std::istream& csv,
                                       const ImportOptions& options) {
  PROBITY_ASSERT(options.batch_rows >= 1 && options.batch_rows <= kImportBatchRowsMax);
  PROBITY_RETURN_IF_ERROR(ValidateScopeId(options.scope).WithContext("--scope"));
  PROBITY_RETURN_IF_ERROR(LoadScope(ledger.store(), options.scope).status());
  CsvReader reader(csv);
  PROBITY_ASSIGN_OR_RETURN(ImportColumns columns, ReadHeader(reader, options));
  Run run{ledger, key, options, DonationDecider(ledger.store(), options.cache_bytes_max), 0, 0,
          {}};
  PROBITY_ASSIGN_OR_RETURN(run.first_seq, ledger.store().EntryCount());
  run.expected_size = run.first_seq;
  std::vector<Outcome> outcomes;
  // Batch k + 1 is read and converted on another thread while batch k is
  // decided and appended: neither depends on the ledger (see ReadBatch).
  std::future<Result<RowBatch>> next = ReadBatchAsync(reader, columns, options);
  for (;;) {
    PROBITY_ASSIGN_OR_RETURN(RowBatch batch, next.get());
    run.progress.rows += static_cast<std::int64_t>(batch.rows.size());
    run.progress.bytes_read = batch.bytes_read;
    if (batch.rows.empty()) break;
    if (batch.more) next = ReadBatchAsync(reader, columns, options);
    Status st = AppendBatchOfRows(run, batch.rows, &outcomes);
    if (!st.ok()) {
      return st.WithContext("import stopped at line " + std::to_string(batch.rows.front().line) +
                            " (rows before it are recorded; run the same command again to "
                            "resume)");
    }
    PROBITY_RETURN_IF_ERROR(Report(run, batch.rows, outcomes));
    if (!batch.more) break;
  }
  return run.progress;
}

}  // namespace probity
