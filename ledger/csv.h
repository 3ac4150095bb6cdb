// A streaming RFC 4180 CSV reader for imports (README, "Importing donations").
//
// Reads one record at a time from an std::istream through a fixed buffer, so
// memory stays flat whatever the size of the file: at most one record is held,
// and a record's fields are bounded by kCsvFieldBytesMax and kCsvFieldsMax.
// What it accepts:
//   - fields separated by ',', records ended by LF or CR LF (or the end of
//     the file);
//   - quoted fields ("...") holding commas, line breaks and doubled quotes "";
//   - a UTF-8 byte order mark at the very start (skipped);
//   - empty lines between records (skipped: they are not records).
// A malformed record is not fatal: Next() returns it with `error` set (what
// was wrong, in words a treasurer can act on) and the reader goes on with the
// next record. After a syntax error (a quote in the middle of an unquoted
// field, text after a closing quote) the rest of that physical line is
// skipped, because the quoting of what follows can no longer be trusted.
//
// Not thread safe; the stream must outlive the reader.
#ifndef PROBITY_LEDGER_CSV_H_
#define PROBITY_LEDGER_CSV_H_

#include <array>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/status.h"

namespace probity {

constexpr std::size_t kCsvFieldBytesMax = 4096;  // a donation row's fields are short
constexpr std::size_t kCsvFieldsMax = 64;

struct CsvRecord {
  std::int64_t line = 0;  // 1-based physical line where the record starts
  std::vector<std::string> fields;
  std::string error;  // empty if the record is well formed
};

class CsvReader {
 public:
  explicit CsvReader(std::istream& in) : in_(in) {}
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Every later record must have exactly `count` fields (the header's);
  // 0 (the default) accepts any count up to kCsvFieldsMax.
  void ExpectFields(std::size_t count) { expected_fields_ = count; }

  // Reads the next record into `*record`. Returns false at the end of the
  // input, IoError if the stream fails.
  Result<bool> Next(CsvRecord* record);

  // Bytes consumed so far (for progress).
  std::uint64_t bytes_read() const { return bytes_read_; }

 private:
  bool Get(char* c);
  // Puts back the byte the last Get returned (always still in the buffer).
  void Unget(char c) {
    --pos_;
    --bytes_read_;
    if (c == '\n') --line_;
  }
  bool ReadQuoted(CsvRecord* record, std::string* field);
  bool ReadUnquoted(CsvRecord* record, std::string* field, char c);
  std::optional<bool> EndsField(CsvRecord* record, std::string* field, char c);
  void SkipLine(char last);
  void Fail(CsvRecord* record, std::string why);
  void Append(CsvRecord* record, std::string* field, char c);
  void EndField(CsvRecord* record, std::string* field);
  void CheckRecord(CsvRecord* record) const;

  std::istream& in_;
  std::array<char, 64 * 1024> buffer_{};
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::uint64_t bytes_read_ = 0;
  std::int64_t line_ = 1;  // physical line of the next byte
  bool started_ = false;
  bool io_error_ = false;
  bool field_too_long_ = false;
  std::size_t expected_fields_ = 0;
};

// Where `s` stops being valid UTF-8 (overlong forms, surrogates and code
// points past U+10FFFF are invalid), or npos if it is valid.
std::size_t FirstInvalidUtf8(std::string_view s);

// Quotes `s` for a CSV field when it needs it (comma, quote, CR or LF).
std::string CsvQuote(std::string_view s);

}  // namespace probity

#endif  // PROBITY_LEDGER_CSV_H_
