#include "ledger/csv.h"

#include <optional>

namespace probity {
namespace {

std::string FieldName(std::size_t index) { return "field " + std::to_string(index + 1); }

}  // namespace

// Returns false at the end of the input (or on a read error, kept in io_error_).
bool CsvReader::Get(char* c) {
  if (pos_ == end_) {
    if (!in_.good()) return false;
    in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    if (in_.bad()) {
      io_error_ = true;
      return false;
    }
    end_ = static_cast<std::size_t>(in_.gcount());
    pos_ = 0;
    if (end_ == 0) return false;
    if (!started_) {
      started_ = true;
      static constexpr char kBom[] = "\xEF\xBB\xBF";
      if (end_ >= 3 && std::string_view(buffer_.data(), 3) == kBom) pos_ = 3;
      bytes_read_ += pos_;
      if (pos_ == end_) return Get(c);
    }
  }
  *c = buffer_[pos_++];
  ++bytes_read_;
  if (*c == '\n') ++line_;
  return true;
}

void CsvReader::Fail(CsvRecord* record, std::string why) {
  if (record->error.empty()) record->error = std::move(why);
}

void CsvReader::Append(CsvRecord* record, std::string* field, char c) {
  if (field_too_long_) return;
  if (field->size() >= kCsvFieldBytesMax) {
    Fail(record, FieldName(record->fields.size()) + " is longer than " +
                     std::to_string(kCsvFieldBytesMax) + " bytes");
    field_too_long_ = true;
    field->clear();
    return;
  }
  field->push_back(c);
}

void CsvReader::EndField(CsvRecord* record, std::string* field) {
  if (record->fields.size() >= kCsvFieldsMax) {
    Fail(record, "the record has more than " + std::to_string(kCsvFieldsMax) + " fields");
  } else {
    record->fields.push_back(std::move(*field));
  }
  field->clear();
  field_too_long_ = false;
}

// Skips to the end of the physical line whose last byte read was `last`.
void CsvReader::SkipLine(char last) {
  char c = last;
  while (c != '\n' && Get(&c)) {
  }
}

// If `c` ends a field (',', LF, CR LF), ends it and returns whether the
// record goes on; a CR without LF fails the record. nullopt for other bytes.
std::optional<bool> CsvReader::EndsField(CsvRecord* record, std::string* field, char c) {
  if (c != ',' && c != '\n' && c != '\r') return std::nullopt;
  if (c == '\r' && !(Get(&c) && c == '\n')) {
    Fail(record, "a carriage return in " + FieldName(record->fields.size()) +
                     " is not followed by a line feed; end lines with LF or CR LF, or quote "
                     "the field");
    SkipLine(c);
    return false;
  }
  EndField(record, field);
  return c == ',';
}

// Reads a quoted field whose opening quote was just read. Returns true if the
// record goes on with another field.
bool CsvReader::ReadQuoted(CsvRecord* record, std::string* field) {
  const std::int64_t opened_line = line_;
  char c = 0;
  for (;;) {
    if (!Get(&c)) {
      Fail(record, "the quoted " + FieldName(record->fields.size()) + " opened on line " +
                       std::to_string(opened_line) +
                       " is not closed before the end of the file; add the closing quote");
      EndField(record, field);
      return false;
    }
    if (c != '"') {
      Append(record, field, c);
      continue;
    }
    if (!Get(&c)) {  // the closing quote ends the file
      EndField(record, field);
      return false;
    }
    if (c == '"') {
      Append(record, field, '"');
      continue;
    }
    if (std::optional<bool> more = EndsField(record, field, c)) return *more;
    Fail(record, "text after the closing quote of " + FieldName(record->fields.size()) +
                     "; quote the whole field, and write a quote inside it as \"\"");
    SkipLine(c);
    return false;
  }
}

// Reads an unquoted field whose first byte is `c`. Returns true if the record
// goes on with another field.
bool CsvReader::ReadUnquoted(CsvRecord* record, std::string* field, char c) {
  for (;;) {
    if (std::optional<bool> more = EndsField(record, field, c)) return *more;
    if (c == '"') {
      Fail(record, "a quote inside the unquoted " + FieldName(record->fields.size()) +
                       "; quote the whole field, and write a quote inside it as \"\"");
      SkipLine(c);
      return false;
    }
    Append(record, field, c);
    if (!Get(&c)) {
      EndField(record, field);
      return false;
    }
  }
}

void CsvReader::CheckRecord(CsvRecord* record) const {
  if (!record->error.empty()) return;
  if (expected_fields_ != 0 && record->fields.size() != expected_fields_) {
    record->error = "the record has " + std::to_string(record->fields.size()) +
                    " fields, the header has " + std::to_string(expected_fields_) +
                    "; quote fields that hold commas";
    return;
  }
  for (std::size_t i = 0; i < record->fields.size(); ++i) {
    std::size_t bad = FirstInvalidUtf8(record->fields[i]);
    if (bad != std::string_view::npos) {
      record->error = FieldName(i) + " is not valid UTF-8 (at byte " + std::to_string(bad + 1) +
                      "); save the file as UTF-8";
      return;
    }
  }
}

Result<bool> CsvReader::Next(CsvRecord* record) {
  record->fields.clear();
  record->error.clear();
  field_too_long_ = false;
  char c = 0;
  bool got = Get(&c);
  // Empty lines (LF or CR LF alone) are not records.
  while (got) {
    if (c == '\n') {
      got = Get(&c);
      continue;
    }
    char next = 0;
    if (c == '\r' && Get(&next)) {
      if (next == '\n') {
        got = Get(&c);
        continue;
      }
      Unget(next);
    }
    break;
  }
  if (io_error_) return Status::IoError("reading the CSV file failed");
  if (!got) return false;
  record->line = line_;
  std::string field;
  bool more = true;
  while (more) {
    more = c == '"' ? ReadQuoted(record, &field) : ReadUnquoted(record, &field, c);
    if (more && !Get(&c)) {
      EndField(record, &field);  // "a,b," at the end of the file: an empty last field
      more = false;
    }
  }
  if (io_error_) return Status::IoError("reading the CSV file failed");
  CheckRecord(record);
  return true;
}

std::size_t FirstInvalidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (b < 0x80) { ++i; continue; }
    if (b >= 0xC2 && b <= 0xDF) { n = 1; cp = b & 0x1Fu; }
    else if (b >= 0xE0 && b <= 0xEF) { n = 2; cp = b & 0x0Fu; }
    else if (b >= 0xF0 && b <= 0xF4) { n = 3; cp = b & 0x07u; }
    else return i;
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return i;
      auto cont = static_cast<unsigned char>(s[i + k]);
      if ((cont & 0xC0u) != 0x80u) return i;
      cp = (cp << 6) | (cont & 0x3Fu);
    }
    static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += n + 1;
  }
  return std::string_view::npos;
}

std::string CsvQuote(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace probity
