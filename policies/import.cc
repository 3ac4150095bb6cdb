#include "policies/import.h"

#include <future>
#include <map>
#include <memory>
#include <optional>

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

// A batch being decided, or decided and sealed (its entries are the ones the
// next AppendRun::Commit commits).
struct Decided {
  std::vector<Row> rows;
  std::vector<Outcome> outcomes;
  std::map<std::string, std::int64_t> ids;  // external id -> line, of the rows recorded
  std::uint64_t bytes_read = 0;             // where the reader stood after it
};

// State kept across the batches of one run.
struct Run {
  const ImportOptions& options;
  DonationDecider decider;
  std::unique_ptr<AppendRun> append;
  std::int64_t first_seq = 0;  // ledger size when the run started
  ImportProgress progress;
};

// `earlier`: the rows recorded by the batch sealed before this one, which may
// not be stored yet (FindExternalId would not see them).
Outcome DecideRow(Run& run, Decided& cur, std::size_t i, const Decided* earlier, Status* fatal) {
  const Row& row = cur.rows[i];
  if (!row.error.empty()) return {Outcome::kRejected, row.error};
  const std::string& id = row.request.external_id;
  std::optional<std::int64_t> line;
  const Decided* const batches[] = {&cur, earlier};
  for (const Decided* d : batches) {
    if (d == nullptr || line.has_value()) continue;
    auto it = d->ids.find(id);
    if (it != d->ids.end()) line = it->second;
  }
  AppendBatch& batch = run.append->batch();
  Result<std::optional<std::int64_t>> found =
      line.has_value() ? std::optional<std::int64_t>() : batch.store_unflushed().FindExternalId(id);
  if (!found.ok()) {
    *fatal = found.status();
    return {};
  }
  if (found->has_value() && found->value() < run.first_seq) return {Outcome::kSkipped, ""};
  if (line.has_value() || found->has_value()) {
    std::string where = line.has_value()
                            ? "line " + std::to_string(*line)
                            : "an earlier line (entry " + std::to_string(found->value()) + ")";
    return {Outcome::kRejected, "duplicate external id " + id + ": the same as " + where +
                                    "; give each gift its own external_id"};
  }
  Result<Recorded> recorded = run.decider.Record(batch, row.request);
  if (recorded.ok()) {
    cur.ids.emplace(id, row.line);
    return {Outcome::kRecorded, ""};
  }
  const Status& st = recorded.status();
  if (st.code() == StatusCode::kPolicyViolation || st.IsInvalidArgument() || st.IsNotFound()) {
    return {Outcome::kRejected, st.message()};
  }
  *fatal = st;
  return {};
}

Status Report(Run& run, const Decided& batch) {
  run.progress.rows += static_cast<std::int64_t>(batch.rows.size());
  run.progress.bytes_read = batch.bytes_read;
  for (std::size_t i = 0; i < batch.rows.size(); ++i) {
    const Outcome& o = batch.outcomes[i];
    if (o.kind == Outcome::kRecorded) ++run.progress.recorded;
    if (o.kind == Outcome::kSkipped) ++run.progress.skipped;
    if (o.kind != Outcome::kRejected) continue;
    ++run.progress.rejected;
    if (run.options.on_reject) {
      PROBITY_RETURN_IF_ERROR(
          run.options.on_reject({batch.rows[i].line, batch.outcomes[i].reason, batch.rows[i].fields}));
    }
  }
  if (run.options.on_progress) run.options.on_progress(run.progress);
  return Status::OK();
}

// Commits the sealed batch, reports it and begins the next transaction.
// False if another writer appended in between: the entries added since the
// seal were dropped, and what the decider cached is stale.
Result<bool> CommitSealed(Run& run, std::optional<Decided>& sealed) {
  PROBITY_RETURN_IF_ERROR(run.append->Commit());
  // Every gift the decider counted up to the seal is stored; those after it
  // are still being signed, and their donors stay cached.
  run.decider.Trim(run.append->committed_end());
  PROBITY_RETURN_IF_ERROR(Report(run, *sealed));
  sealed.reset();
  PROBITY_ASSIGN_OR_RETURN(bool kept, run.append->Resume());
  if (!kept) run.decider.Reset();
  return kept;
}

Status Stopped(const Status& st, std::int64_t line) {
  return st.WithContext("import stopped at line " + std::to_string(line) +
                        " (rows before it are recorded; run the same command again to resume)");
}

// Decides the rows of `cur`, adding their entries after the seal of the batch
// before it; commits that one once kImportLookaheadRows rows of `cur` are
// decided (or all of them), so the workers sign `cur` while it commits.
Status DecideBatch(Run& run, Decided& cur, std::optional<Decided>& sealed) {
  const std::size_t n = cur.rows.size();
  for (;;) {  // once, unless another writer appended at the commit in between
    cur.outcomes.assign(n, Outcome{});
    cur.ids.clear();
    bool again = false;
    for (std::size_t i = 0; i <= n && !again; ++i) {
      if (sealed.has_value() && (i == std::min(n, kImportLookaheadRows))) {
        const std::int64_t line = sealed->rows.front().line;
        Result<bool> kept = CommitSealed(run, sealed);
        if (!kept.ok()) return Stopped(kept.status(), line);
        again = !kept.value();
      }
      if (i == n || again) continue;
      Status fatal;
      cur.outcomes[i] = DecideRow(run, cur, i, sealed.has_value() ? &*sealed : nullptr, &fatal);
      if (!fatal.ok()) {
        // The batch before this one is whole: keep it.
        if (sealed.has_value()) {
          const std::int64_t line = sealed->rows.front().line;
          Status st = CommitSealed(run, sealed).status();
          if (!st.ok()) return Stopped(st, line);
        }
        return Stopped(fatal, cur.rows.front().line);
      }
    }
    if (!again) return Status::OK();
  }
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
  Run run{options, DonationDecider(ledger.store(), options.cache_bytes_max), nullptr, 0, {}};
  PROBITY_ASSIGN_OR_RETURN(run.first_seq, ledger.store().EntryCount());
  PROBITY_ASSIGN_OR_RETURN(run.append, AppendRun::Start(ledger, key));
  std::optional<Decided> sealed;
  // Batch k + 1 is read and converted on another thread while batch k is
  // decided and appended: neither depends on the ledger (see ReadBatch).
  std::future<Result<RowBatch>> next = ReadBatchAsync(reader, columns, options);
  for (;;) {
    PROBITY_ASSIGN_OR_RETURN(RowBatch batch, next.get());
    if (batch.rows.empty()) break;
    if (batch.more) next = ReadBatchAsync(reader, columns, options);
    Decided cur{std::move(batch.rows), {}, {}, batch.bytes_read};
    PROBITY_RETURN_IF_ERROR(DecideBatch(run, cur, sealed));
    run.append->Seal();
    sealed = std::move(cur);
    if (!batch.more) break;
  }
  if (sealed.has_value()) {
    Status st = run.append->Commit();
    if (st.ok()) st = Report(run, *sealed);
    if (!st.ok()) return Stopped(st, sealed->rows.front().line);
  }
  run.append.reset();  // its background checkpoints stop before the rollup's write
  Result<bool> rolled = ledger.store().MaybeRollUpGifts(options.rollup_tail_min);
  if (!rolled.ok()) {
    return rolled.status().WithContext(
        "every row is recorded, but the gift totals the summary starts from (gift_rollups) "
        "were not written; run the import again to write them");
  }
  return run.progress;
}

}  // namespace probity
