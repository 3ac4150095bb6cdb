#include "policies/pack_toml.h"

#include <algorithm>

#include "ledger/entry.h"

namespace probity::pack_toml {

namespace {

std::string Quoted(std::string_view key) { return "'" + std::string(key) + "'"; }

bool IsIdChar(char c, IdStyle style) {
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  switch (style) {
    case IdStyle::kPack:
      return c == '-';
    case IdStyle::kRule:
      return c == '-' || c == '.' || (c >= 'A' && c <= 'Z');
    case IdStyle::kParam:
      return c == '_';
  }
  return false;
}

const char* IdChars(IdStyle style) {
  switch (style) {
    case IdStyle::kPack:
      return "a-z, 0-9 and '-'";
    case IdStyle::kRule:
      return "letters, digits, '-' and '.'";
    case IdStyle::kParam:
      return "a-z, 0-9 and '_'";
  }
  return "";
}

std::string Found(std::string_view key, const toml::node& node, std::string_view wanted) {
  return Quoted(key) + " is " + TypeWord(node) + "; it must be " + std::string(wanted);
}

}  // namespace

Status Error(const Context& ctx, std::uint32_t line, const std::string& what) {
  return Status::InvalidArgument(ctx.origin + ":" + std::to_string(line) + ": " + what);
}

std::uint32_t LineOf(const toml::node& node) { return node.source().begin.line; }

std::uint32_t LineOf(const toml::key& key, const toml::node& node) {
  const std::uint32_t line = key.source().begin.line;
  return line != 0 ? line : LineOf(node);
}

std::string TypeWord(const toml::node& node) {
  if (node.is_string()) return "a string";
  if (node.is_integer()) return "an integer";
  if (node.is_number()) return "a decimal number";
  if (node.is_boolean()) return "a boolean";
  if (node.is_array()) return "an array";
  if (node.is_table()) return "a table";
  return "a date or time";
}

Result<std::string> ReadText(const Context& ctx, std::string_view key, const toml::node& node,
                             std::size_t bytes_max) {
  const std::uint32_t line = LineOf(node);
  if (!node.is_string()) return Error(ctx, line, Found(key, node, "a string in quotes"));
  const std::string& text = node.as_string()->get();
  if (text.empty()) return Error(ctx, line, Quoted(key) + " is empty; write its text");
  if (text.size() > bytes_max) {
    return Error(ctx, line,
                 Quoted(key) + " is " + std::to_string(text.size()) + " bytes, over the limit of " +
                     std::to_string(bytes_max) + "; shorten it");
  }
  if (HasControlChar(text)) {
    return Error(ctx, line,
                 Quoted(key) + " holds a control character (a line break or tab?); " +
                     "keep it on one line");
  }
  return text;
}

Result<std::string> ReadId(const Context& ctx, std::string_view key, const toml::node& node,
                           IdStyle style) {
  PROBITY_ASSIGN_OR_RETURN(std::string id, ReadText(ctx, key, node, kPackIdBytesMax));
  const bool ok = std::all_of(id.begin(), id.end(), [&](char c) { return IsIdChar(c, style); });
  if (!ok) {
    return Error(ctx, LineOf(node),
                 Quoted(key) + " \"" + id + "\" may hold only " + IdChars(style) + "; rename it");
  }
  return id;
}

Result<std::int64_t> ReadInt(const Context& ctx, std::string_view key, const toml::node& node,
                             std::int64_t min, std::int64_t max) {
  const std::uint32_t line = LineOf(node);
  if (!node.is_integer()) return Error(ctx, line, Found(key, node, "a whole number"));
  const std::int64_t value = node.as_integer()->get();
  if (value < min || value > max) {
    return Error(ctx, line,
                 Quoted(key) + " is " + std::to_string(value) + "; it must be from " +
                     std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

Result<bool> ReadBool(const Context& ctx, std::string_view key, const toml::node& node) {
  if (!node.is_boolean()) return Error(ctx, LineOf(node), Found(key, node, "true or false"));
  return node.as_boolean()->get();
}

Result<Date> ReadDate(const Context& ctx, std::string_view key, const toml::node& node) {
  const std::uint32_t line = LineOf(node);
  if (!node.is_string()) {
    return Error(
        ctx, line,
        Found(key, node,
              "a string: dates are strings, e.g. " + std::string(key) + " = \"2027-01-01\""));
  }
  Result<Date> date = ParseDate(node.as_string()->get());
  if (!date.ok()) return Error(ctx, line, Quoted(key) + ": " + date.status().message());
  return date;
}

Result<std::int64_t> ReadAmount(const Context& ctx, std::string_view key, const toml::node& node) {
  const std::uint32_t line = LineOf(node);
  if (node.is_number()) {
    return Error(ctx, line,
                 Quoted(key) + " is " + TypeWord(node) + "; amounts are strings, e.g. " +
                     std::string(key) + " = \"4600.00\"");
  }
  if (!node.is_string()) return Error(ctx, line, Found(key, node, "a string such as \"4600.00\""));
  const std::string& text = node.as_string()->get();
  if (!text.empty() && text[0] == '-') {
    return Error(ctx, line,
                 Quoted(key) + " is negative (\"" + text.substr(0, 40) +
                     "\"); amounts in a pack are positive");
  }
  Result<Money> money = ParseMoney(text, ctx.currency.code, Sign::kPositive);
  if (!money.ok()) return Error(ctx, line, Quoted(key) + ": " + money.status().message());
  return money->amount_minor_i64();
}

Result<std::vector<std::string>> ReadList(const Context& ctx, std::string_view key,
                                          const toml::node& node, EntryCheck check) {
  const std::uint32_t line = LineOf(node);
  const toml::array* array = node.as_array();
  if (array == nullptr) return Error(ctx, line, Found(key, node, "an array such as [\"person\"]"));
  if (array->empty() || array->size() > kPackListEntriesMax) {
    return Error(ctx, line,
                 Quoted(key) + " has " + std::to_string(array->size()) +
                     " entries; it must have 1 to " + std::to_string(kPackListEntriesMax));
  }
  std::vector<std::string> out;
  for (const toml::node& entry : *array) {
    PROBITY_ASSIGN_OR_RETURN(std::string text, ReadText(ctx, key, entry, kPackIdBytesMax));
    std::string problem = check(text);
    if (problem.empty() && std::find(out.begin(), out.end(), text) != out.end()) {
      problem = "\"" + text + "\" is listed twice; list it once";
    }
    if (!problem.empty()) return Error(ctx, LineOf(entry), Quoted(key) + ": " + problem);
    out.push_back(std::move(text));
  }
  return out;
}

std::string CheckDonorType(std::string_view type) { return ValidateDonorType(type).message(); }
std::string CheckMethod(std::string_view method) { return ValidateMethod(method).message(); }

std::string CheckCountry(std::string_view code) {
  if (ValidateCountry(code).ok()) return "";
  return "\"" + std::string(code) + "\" is not a country code; use ISO 3166-1 alpha-2, e.g. \"FR\"";
}

std::string CheckCountedKind(std::string_view kind) {
  if (kind == "donation" || kind == "membership_fee") return "";
  return "unknown entry kind \"" + std::string(kind) + "\"; use donation or membership_fee";
}

}  // namespace probity::pack_toml
