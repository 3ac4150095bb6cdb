#include "ledger/canonical_json.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "ledger/utf8.h"

namespace probity {

namespace {

// Canonicalize reports InvalidArgument (the caller built a bad value),
// ParseCanonical Corruption (stored bytes are damaged), ParseJsonLimited
// InvalidArgument (a person wrote bad text): the shared code takes the kind.
using ErrorFactory = Status (*)(std::string);

// Bytes of input or output quoted back in a message.
constexpr std::size_t kExcerptBytesMax = 16;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsJsonBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The bytes with anything outside printable ASCII shown as \xNN, so a message
// quoting damaged input cannot garble the terminal it is printed on.
std::string Printable(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

// Up to kExcerptBytesMax bytes from `pos`, between backticks: JSON is full of
// quotation marks, so those would make the excerpt hard to read.
std::string Excerpt(std::string_view bytes, std::size_t pos) {
  const std::size_t start = std::min(pos, bytes.size());
  const std::size_t end = std::min(bytes.size(), start + kExcerptBytesMax);
  std::string out = "`" + Printable(bytes.substr(start, end - start)) + "`";
  if (end < bytes.size()) out.insert(out.size() - 1, "...");
  return out;
}

// ---- UTF-8 -------------------------------------------------------------

Status CheckUtf8(std::string_view bytes, const char* what) {
  std::size_t pos = 0;
  std::uint32_t code_point = 0;
  while (pos < bytes.size()) {
    const std::size_t start = pos;
    if (!DecodeUtf8(bytes, &pos, &code_point)) {
      return Status::InvalidArgument(std::string(what) + " is not valid UTF-8 at byte " +
                                     std::to_string(start) + " of " + Excerpt(bytes, 0));
    }
  }
  return Status::OK();
}

// The UTF-16 code units of valid UTF-8, which RFC 8785 section 3.2.3 sorts keys by.
std::u16string ToUtf16(std::string_view valid_utf8) {
  std::u16string units;
  std::size_t pos = 0;
  std::uint32_t cp = 0;
  while (pos < valid_utf8.size()) {
    PROBITY_ASSERT(DecodeUtf8(valid_utf8, &pos, &cp));
    if (cp < 0x10000) {
      units += static_cast<char16_t>(cp);
    } else {
      units += static_cast<char16_t>(0xd800 + ((cp - 0x10000) >> 10));
      units += static_cast<char16_t>(0xdc00 + ((cp - 0x10000) & 0x3ff));
    }
  }
  return units;
}

// ---- Serializer ----------------------------------------------------------

struct Writer {
  std::string out;
  std::size_t bytes_max;
  // Fast paths for ASCII (byte-order key sort, bulk copies); off only in
  // CanonicalizeReference, which the tests hold the fast paths to.
  bool fast = true;
};

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// A byte JCS writes escaped: '"', '\\' and the C0 controls.
bool NeedsEscape(char c) { return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20; }

Status CheckWriterSize(const Writer& w) {
  if (w.out.size() <= w.bytes_max) return Status::OK();
  return Status::InvalidArgument("canonical JSON is longer than " + std::to_string(w.bytes_max) +
                                 " bytes");
}

// RFC 8785 section 3.2.2.2: the two-character escapes where JSON has them,
// \u00xx in lower-case hex for the other controls, every other character as
// its own UTF-8 bytes (including '/', U+007F and everything non-ASCII).
Status AppendString(std::string_view s, Writer* w) {
  // ASCII is valid UTF-8: the decoder runs only on strings that are not.
  if (!w->fast || !IsAscii(s)) PROBITY_RETURN_IF_ERROR(CheckUtf8(s, "string"));
  static constexpr char kHex[] = "0123456789abcdef";
  w->out += '"';
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (w->fast && !NeedsEscape(c)) {
      // The run of bytes written as they are, in one copy.
      std::size_t end = i + 1;
      while (end < s.size() && !NeedsEscape(s[end])) ++end;
      w->out.append(s.data() + i, end - i);
      i = end - 1;
      continue;
    }
    switch (c) {
      case '"':
        w->out += "\\\"";
        break;
      case '\\':
        w->out += "\\\\";
        break;
      case '\b':
        w->out += "\\b";
        break;
      case '\f':
        w->out += "\\f";
        break;
      case '\n':
        w->out += "\\n";
        break;
      case '\r':
        w->out += "\\r";
        break;
      case '\t':
        w->out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          w->out += "\\u00";
          w->out += kHex[static_cast<unsigned char>(c) >> 4];
          w->out += kHex[static_cast<unsigned char>(c) & 0xf];
        } else {
          w->out += c;
        }
    }
  }
  w->out += '"';
  return Status::OK();
}

Status AppendNumber(const Json& value, Writer* w) {
  if (value.is_number_unsigned()) {
    const auto n = value.get<std::uint64_t>();
    if (n <= static_cast<std::uint64_t>(kJsonIntegerAbsMax)) {
      w->out += std::to_string(n);
      return Status::OK();
    }
  } else if (value.is_number_integer()) {
    const auto n = value.get<std::int64_t>();
    if (n >= -kJsonIntegerAbsMax && n <= kJsonIntegerAbsMax) {
      w->out += std::to_string(n);
      return Status::OK();
    }
  } else {
    return Status::InvalidArgument("number " + value.dump() +
                                   " is not an integer; only integers are accepted "
                                   "(amounts are in minor units)");
  }
  return Status::InvalidArgument("integer " + value.dump() +
                                 " is outside -(2^53 - 1)..2^53 - 1, which every JSON reader "
                                 "holds exactly");
}

Status AppendValue(const Json& value, int depth, Writer* w);

Status AppendArray(const Json& array, int depth, Writer* w) {
  w->out += '[';
  bool first = true;
  for (const Json& element : array) {
    if (!first) w->out += ',';
    first = false;
    PROBITY_RETURN_IF_ERROR(AppendValue(element, depth, w));
  }
  w->out += ']';
  return Status::OK();
}

// Keys sorted by UTF-16 code units (RFC 8785 section 3.2.3). For ASCII keys
// those are the bytes themselves, so when every key is ASCII the keys are
// sorted as they are, without the UTF-16 copies.
Status AppendObject(const Json& object, int depth, Writer* w);

bool AllKeysAscii(const Json::object_t& object) {
  return std::all_of(object.begin(), object.end(),
                     [](const auto& member) { return IsAscii(member.first); });
}

Status AppendMembers(const std::vector<Json::object_t::const_pointer>& sorted, int depth,
                     Writer* w) {
  w->out += '{';
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0) w->out += ',';
    PROBITY_RETURN_IF_ERROR(AppendString(sorted[i]->first, w));
    w->out += ':';
    PROBITY_RETURN_IF_ERROR(AppendValue(sorted[i]->second, depth, w));
  }
  w->out += '}';
  return Status::OK();
}

Status AppendAsciiObject(const Json::object_t& object, int depth, Writer* w) {
  std::vector<Json::object_t::const_pointer> sorted;
  sorted.reserve(object.size());
  for (const auto& member : object) sorted.push_back(&member);
  std::sort(sorted.begin(), sorted.end(),
            [](auto a, auto b) { return a->first < b->first; });
  return AppendMembers(sorted, depth, w);
}

Status AppendObject(const Json& object, int depth, Writer* w) {
  const auto& members_in = object.get_ref<const Json::object_t&>();
  if (w->fast && AllKeysAscii(members_in)) return AppendAsciiObject(members_in, depth, w);
  using Member = std::pair<std::u16string, Json::object_t::const_pointer>;
  std::vector<Member> members;
  members.reserve(object.size());
  for (const auto& member : members_in) {
    PROBITY_RETURN_IF_ERROR(CheckUtf8(member.first, "object key"));
    members.emplace_back(ToUtf16(member.first), &member);
  }
  // Keys are distinct byte strings, hence distinct in UTF-16: the order is total.
  std::sort(members.begin(), members.end(),
            [](const Member& a, const Member& b) { return a.first < b.first; });
  std::vector<Json::object_t::const_pointer> sorted;
  sorted.reserve(members.size());
  for (const Member& m : members) sorted.push_back(m.second);
  return AppendMembers(sorted, depth, w);
}

// `depth` counts the arrays and objects enclosing `value`. The recursion is
// bounded: a container past kJsonDepthMax is refused before descending.
Status AppendValue(const Json& value, int depth, Writer* w) {
  PROBITY_ASSERT(depth >= 0);
  PROBITY_ASSERT(depth <= kJsonDepthMax);
  if (value.is_array() || value.is_object()) {
    if (depth + 1 > kJsonDepthMax) {
      return Status::InvalidArgument("JSON nests deeper than " + std::to_string(kJsonDepthMax) +
                                     " levels of arrays and objects");
    }
    Status st =
        value.is_array() ? AppendArray(value, depth + 1, w) : AppendObject(value, depth + 1, w);
    PROBITY_RETURN_IF_ERROR(st);
  } else if (value.is_string()) {
    PROBITY_RETURN_IF_ERROR(AppendString(value.get_ref<const std::string&>(), w));
  } else if (value.is_number()) {
    PROBITY_RETURN_IF_ERROR(AppendNumber(value, w));
  } else if (value.is_boolean()) {
    w->out += value.get<bool>() ? "true" : "false";
  } else if (value.is_null()) {
    w->out += "null";
  } else {
    return Status::InvalidArgument("JSON value of type " + std::string(value.type_name()) +
                                   " has no canonical form");
  }
  return CheckWriterSize(*w);
}

// ---- Parser --------------------------------------------------------------

// A number token starting at text[*pos]; refuses fractions and exponents with
// the byte offset, which nlohmann's value would no longer carry. Leaves *pos
// on the token's last byte.
Status ScanNumber(std::string_view text, std::size_t* pos, ErrorFactory make_error) {
  const std::size_t start = *pos;
  std::size_t end = start;
  bool integer = true;
  while (end < text.size() && (IsDigit(text[end]) || text[end] == '-' || text[end] == '+' ||
                               text[end] == '.' || text[end] == 'e' || text[end] == 'E')) {
    if (text[end] == '.' || text[end] == 'e' || text[end] == 'E') integer = false;
    ++end;
  }
  if (!integer) {
    return make_error("number " + Excerpt(text.substr(0, end), start) + " at byte " +
                      std::to_string(start) +
                      " has a fraction or exponent; only integers are accepted");
  }
  *pos = end - 1;
  return Status::OK();
}

// One linear pass outside strings, before nlohmann sees the text: bounds the
// nesting so no later step can be driven deep, and catches non-integers.
Status PreScan(std::string_view text, ErrorFactory make_error) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped byte cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kJsonDepthMax) {
        return make_error("JSON nests deeper than " + std::to_string(kJsonDepthMax) +
                          " levels of arrays and objects (at byte " + std::to_string(i) + ")");
      }
    } else if (c == ']' || c == '}') {
      depth = std::max(depth - 1, 0);  // a mismatch is left for the parser to report
    } else if (c == '-' || IsDigit(c)) {
      PROBITY_RETURN_IF_ERROR(ScanNumber(text, &i, make_error));
    } else if (c == '\0') {
      // nlohmann's lexer takes NUL as the end of input and would ignore what follows.
      return make_error("JSON text has a NUL byte at byte " + std::to_string(i));
    }
  }
  return Status::OK();
}

// nlohmann's messages start with "[json.exception.parse_error.101] ".
std::string WithoutExceptionTag(const char* what) {
  std::string_view message(what);
  const std::size_t tag_end = message.find("] ");
  if (!message.empty() && message.front() == '[' && tag_end != std::string_view::npos) {
    message.remove_prefix(tag_end + 2);
  }
  return std::string(message);
}

// nlohmann keeps the last of duplicate keys silently; the callback sees every
// key, so each open object keeps the set of keys read so far.
Result<Json> ParseRejectingDuplicates(std::string_view text, ErrorFactory make_error) {
  std::vector<std::set<std::string>> open_objects;  // at most kJsonDepthMax, per PreScan
  std::string duplicate;
  bool has_duplicate = false;
  Json::parser_callback_t callback = [&](int, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) {
      open_objects.emplace_back();
    } else if (event == Json::parse_event_t::object_end && !open_objects.empty()) {
      open_objects.pop_back();
    } else if (event == Json::parse_event_t::key && !open_objects.empty()) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (!open_objects.back().insert(key).second && !has_duplicate) {
        has_duplicate = true;
        duplicate = key;
      }
    }
    return true;
  };
  try {
    Json value = Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/true);
    if (has_duplicate) {
      return make_error("duplicate key \"" + Printable(duplicate) + "\" in an object");
    }
    return value;
  } catch (const Json::exception& e) {
    return make_error("not valid JSON: " + Printable(WithoutExceptionTag(e.what())));
  }
}

// Everything ParseCanonical and ParseJsonLimited share: size, depth, syntax,
// duplicate keys, then the value checks the serializer makes.
Result<Json> ParseChecked(std::string_view text, std::size_t bytes_max, ErrorFactory make_error) {
  if (text.empty()) return make_error("JSON text is empty; expected a value such as {}");
  if (text.size() > bytes_max) {
    return make_error("JSON text is " + std::to_string(text.size()) + " bytes; at most " +
                      std::to_string(bytes_max) + " are accepted");
  }
  PROBITY_RETURN_IF_ERROR(PreScan(text, make_error));
  return ParseRejectingDuplicates(text, make_error);
}

// True if input[pos] lies inside a string escape ("\\n", "\\u001F"). Linear.
bool InsideEscape(std::string_view input, std::size_t pos) {
  bool in_string = false;
  for (std::size_t i = 0; i < input.size() && i <= pos; ++i) {
    if (!in_string) {
      in_string = input[i] == '"';
    } else if (input[i] == '"') {
      in_string = false;
    } else if (input[i] == '\\') {
      const std::size_t length = i + 1 < input.size() && input[i + 1] == 'u' ? 6 : 2;
      if (pos < i + length) return true;
      i += length - 1;
    }
  }
  return false;
}

// Corruption naming the first byte where `input` and its canonical form part.
Status NotCanonicalError(std::string_view input, std::string_view canonical) {
  const auto [in_it, canon_it] =
      std::mismatch(input.begin(), input.end(), canonical.begin(), canonical.end());
  const auto pos = static_cast<std::size_t>(in_it - input.begin());
  std::string hint = "keys out of order, or a value written differently from JCS";
  if (pos >= canonical.size()) {
    hint = "bytes after the end of the value";
  } else if (pos >= input.size()) {
    hint = "input ends early";
  } else if (input[pos] == '-' && canonical[pos] == '0') {
    hint = "negative zero is written 0";
  } else if (IsJsonBlank(input[pos])) {
    hint = "white space is not allowed";
  } else if (InsideEscape(input, pos)) {
    hint = "an escape JCS does not write";
  }
  return Status::Corruption("not canonical JSON: first difference at byte " + std::to_string(pos) +
                            " (" + hint + "): found " + Excerpt(input, pos) +
                            ", the canonical form has " + Excerpt(canonical, pos));
}

}  // namespace

namespace {

Result<std::string> CanonicalizeWith(const Json& value, bool fast) {
  Writer w{std::string(), kCanonicalBytesMax, fast};
  PROBITY_RETURN_IF_ERROR(AppendValue(value, 0, &w));
  PROBITY_ASSERT(!w.out.empty());
  PROBITY_ASSERT(w.out.size() <= kCanonicalBytesMax);
  return std::move(w.out);
}

}  // namespace

Result<std::string> Canonicalize(const Json& value) { return CanonicalizeWith(value, true); }

Result<std::string> CanonicalizeReference(const Json& value) {
  return CanonicalizeWith(value, false);
}

namespace {

// Bytes a printable-ASCII string takes at most in canonical form: quotes, and
// every byte escaped as two ('"' and '\\' are the only ones that need it).
std::size_t PrintableAsciiBound(std::string_view s) {
  const bool printable = std::all_of(s.begin(), s.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte < 0x7f;
  });
  return printable ? 2 + 2 * s.size() : kCanonicalBytesMax + 1;
}

// Bytes of a scalar's canonical form at most; over kCanonicalBytesMax if it
// could fail (a fraction, an integer out of range, binary).
std::size_t ScalarBound(const Json& value) {
  if (value.is_string()) return PrintableAsciiBound(value.get_ref<const std::string&>());
  if (value.is_boolean()) return 5;
  if (value.is_null()) return 4;
  if (value.is_number_unsigned()) {
    return value.get<std::uint64_t>() <= static_cast<std::uint64_t>(kJsonIntegerAbsMax)
               ? 17
               : kCanonicalBytesMax + 1;
  }
  if (value.is_number_integer()) {
    const auto n = value.get<std::int64_t>();
    return n >= -kJsonIntegerAbsMax && n <= kJsonIntegerAbsMax ? 17 : kCanonicalBytesMax + 1;
  }
  return kCanonicalBytesMax + 1;
}

}  // namespace

bool CanonicalizeCannotFail(const Json& value) {
  // An explicit stack of (value, depth): no recursion on a caller's value.
  std::vector<std::pair<const Json*, int>> stack = {{&value, 0}};
  std::size_t bound = 0;
  while (!stack.empty()) {
    const auto [v, depth] = stack.back();
    stack.pop_back();
    if (v->is_object() || v->is_array()) {
      if (depth + 1 > kJsonDepthMax) return false;  // as AppendValue counts it
      bound += 2 + v->size();  // brackets, and a comma (or colon) per element at most
      for (auto it = v->begin(); it != v->end(); ++it) {
        if (v->is_object()) bound += PrintableAsciiBound(it.key()) + 1;
        stack.emplace_back(&*it, depth + 1);
      }
    } else {
      bound += ScalarBound(*v);
    }
    if (bound > kCanonicalBytesMax) return false;
  }
  return true;
}

Result<Json> ParseCanonical(std::string_view bytes) {
  // The common case, stored bytes that are canonical, is decided in one pass
  // (canonical_read.cc). Anything it refuses goes through the checked parse
  // and the comparison with the canonical form below, for a message that
  // says exactly what is wrong; tests/ledger/canonical_read_test.cc holds the
  // two to the same answer.
  if (std::optional<Json> fast = ReadCanonicalExact(bytes)) return std::move(*fast);
  PROBITY_ASSIGN_OR_RETURN(Json value,
                           ParseChecked(bytes, kCanonicalBytesMax, &Status::Corruption));
  Result<std::string> canonical = Canonicalize(value);
  if (!canonical.ok()) {
    return Status::Corruption("not canonical JSON: " + canonical.status().message());
  }
  if (*canonical != bytes) return NotCanonicalError(bytes, *canonical);
  return value;
}

Result<Json> ParseJsonLimited(std::string_view text, std::size_t bytes_max) {
  PROBITY_ASSERT(bytes_max > 0);
  PROBITY_ASSIGN_OR_RETURN(Json value, ParseChecked(text, bytes_max, &Status::InvalidArgument));
  // Serializing checks integer range and UTF-8 exactly as Canonicalize does.
  // No size limit here: the text was already bounded by bytes_max.
  Writer w{std::string(), std::numeric_limits<std::size_t>::max()};
  PROBITY_RETURN_IF_ERROR(AppendValue(value, 0, &w));
  return value;
}

}  // namespace probity
