// The strict, bounded reader of the audit bundle (see bundle_format.h).
#include <array>
#include <charconv>
#include <optional>

#include "ledger/encoding.h"
#include "ledger/encoding_exact.h"
#include "ledger/entry.h"
#include "reports/bundle.h"
#include "reports/bundle_format.h"

namespace probity {

std::string SignerLine(const HeaderSigner& s) {
  return "signer " + FormatVerifierKey(s.key.name, s.key.key) + " added " +
         std::to_string(s.added) + " revoked " +
         (s.revoked < 0 ? std::string("-") : std::to_string(s.revoked)) + "\n";
}

namespace {

// Strict line reader: every line ends with \n; no \r, no NUL; bounded length.
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}
  Result<std::string_view> Next(const char* expecting) {
    ++number_;
    if (pos_ >= text_.size()) {
      return Fail(std::string("the bundle is cut short: expected ") + expecting);
    }
    const std::size_t eol = text_.find('\n', pos_);
    if (eol == std::string_view::npos) return Fail("the bundle is cut short (no final newline)");
    std::string_view line = text_.substr(pos_, eol - pos_);
    if (line.size() > kBundleLineBytesMax) return Fail("line is longer than the format allows");
    if (line.find('\r') != std::string_view::npos || line.find('\0') != std::string_view::npos) {
      return Fail("line holds a carriage return or NUL byte");
    }
    pos_ = eol + 1;
    return line;
  }
  // The next line without consuming it ("" at the end).
  std::string_view Peek() const {
    if (pos_ >= text_.size()) return {};
    const std::size_t eol = text_.find('\n', pos_);
    return text_.substr(pos_, eol == std::string_view::npos ? std::string_view::npos : eol - pos_);
  }
  bool AtEnd() const { return pos_ == text_.size(); }
  Status Fail(const std::string& why) const {
    return Status::VerificationFailed("bundle line " + std::to_string(number_) + ": " + why);
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::int64_t number_ = 0;
};

// Cuts `n` (at most kFieldsMax) space-separated fields; the last one takes the
// rest of the line. No allocation: it runs once per entry line.
constexpr std::size_t kFieldsMax = 6;
std::optional<std::array<std::string_view, kFieldsMax>> Split(std::string_view line,
                                                              std::size_t n) {
  PROBITY_ASSERT(n >= 1 && n <= kFieldsMax);
  std::array<std::string_view, kFieldsMax> out;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0) return std::nullopt;
    out[i] = line.substr(0, sp);
    line.remove_prefix(sp + 1);
  }
  if (line.empty()) return std::nullopt;
  out[n - 1] = line;
  return out;
}

// A canonical decimal: digits, no sign, no leading zero.
std::optional<std::int64_t> Decimal(std::string_view s) {
  if (s.empty() || s.size() > 18 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

Result<std::string_view> Field(Lines& in, const char* name) {
  PROBITY_ASSIGN_OR_RETURN(std::string_view line, in.Next(name));
  const std::string prefix = std::string(name) + " ";
  if (line.substr(0, prefix.size()) != prefix || line.size() == prefix.size()) {
    return in.Fail(std::string("expected \"") + name + " ...\"");
  }
  return line.substr(prefix.size());
}

Status ParseSigner(Lines& in, std::string_view line, ParsedBundle& b) {
  auto f = Split(line, 6);
  if (!f || (*f)[0] != "signer" || (*f)[2] != "added" || (*f)[4] != "revoked") {
    return in.Fail("expected \"signer KEY added SEQ revoked SEQ|-\"");
  }
  Result<VerifierKey> key = ParseVerifierKey((*f)[1]);
  if (!key.ok()) return in.Fail(key.status().message());
  auto added = Decimal((*f)[3]);
  auto revoked = (*f)[5] == "-" ? std::optional<std::int64_t>(-1) : Decimal((*f)[5]);
  if (!added || !revoked) return in.Fail("a signer's entry numbers are not decimal");
  b.signers.push_back(HeaderSigner{key.value(), *added, *revoked});
  return Status::OK();
}

Status ParseEntryLine(Lines& in, std::string_view line, ParsedBundle& b) {
  auto f = Split(line, 4);
  if (!f || (*f)[0] != "entry") return in.Fail("expected \"entry SEQ SIGNATURE BODY\"");
  auto seq = Decimal((*f)[1]);
  if (!seq) return in.Fail("the entry number is not a canonical decimal");
  const auto want = static_cast<std::int64_t>(b.entries.size());
  if (*seq != want) {
    return in.Fail("entry " + std::to_string(*seq) + " where entry " + std::to_string(want) +
                   " was expected (entries missing, duplicated or out of order)");
  }
  EntryLine& entry = b.entries.emplace_back(EntryLine{*seq, Signature{}, (*f)[3]});
  // One signature per entry, before the workers start: decoded without an
  // allocation; anything but a canonical signature gets the general decoder's message.
  if (!Base64DecodeExact((*f)[2], entry.sig.data(), entry.sig.size())) {
    Result<Signature> sig = Base64DecodeFixed<kSignatureBytes>((*f)[2], "signature");
    PROBITY_ASSERT(!sig.ok());  // the two decoders accept the same texts
    return in.Fail(sig.status().message());
  }
  return Status::OK();
}

Status ParseDisclosure(Lines& in, std::string_view line, ParsedBundle& b) {
  Disclosure d;
  auto erased = Split(line, 3);
  if (erased && (*erased)[0] == "disclosure" && (*erased)[2] == "erased") {
    d.subject = std::string((*erased)[1]);
    d.erased = true;
  } else {
    auto f = Split(line, 6);
    if (!f || (*f)[0] != "disclosure" || (*f)[2] != "key" || (*f)[4] != "pii") {
      return in.Fail(
          "expected \"disclosure SUBJECT key KEY pii JSON\" or "
          "\"disclosure SUBJECT erased\"");
    }
    d.subject = std::string((*f)[1]);
    Result<std::array<std::uint8_t, kSymmetricKeyBytes>> key =
        Base64DecodeFixed<kSymmetricKeyBytes>((*f)[3], "subject key");
    if (!key.ok()) return in.Fail(key.status().message());
    d.key.assign(key->begin(), key->end());
    d.pii = std::string((*f)[5]);
  }
  if (!ValidateSubjectId(d.subject).ok()) return in.Fail("not a subject id: " + d.subject);
  if (!b.disclosures.empty() && !(b.disclosures.back().subject < d.subject)) {
    return in.Fail("disclosures must be sorted by subject, each once");
  }
  b.disclosures.push_back(std::move(d));
  return Status::OK();
}

}  // namespace

Result<ParsedBundle> ParseBundle(std::string_view text) {
  if (text.size() > kBundleBytesMax) {
    return Status::VerificationFailed("the bundle is larger than the format allows");
  }
  Lines in(text);
  ParsedBundle b;
  PROBITY_ASSIGN_OR_RETURN(std::string_view magic, in.Next("the format line"));
  if (magic != kBundleMagic) {
    if (magic.substr(0, 21) == "probity-audit-bundle ") {
      return in.Fail("unknown bundle format version \"" + std::string(magic.substr(21, 16)) +
                     "\"; this program reads v1");
    }
    return in.Fail("not a Probity audit bundle (the first line is not \"" +
                   std::string(kBundleMagic) + "\")");
  }
  PROBITY_ASSIGN_OR_RETURN(std::string_view origin, Field(in, "origin"));
  b.origin = std::string(origin);
  PROBITY_ASSIGN_OR_RETURN(std::string_view id, Field(in, "ledger-id"));
  b.ledger_id = std::string(id);
  PROBITY_ASSIGN_OR_RETURN(std::string_view count, Field(in, "entries"));
  auto n = Decimal(count);
  if (!n || *n < 1 || *n > kBundleEntriesMax) return in.Fail("bad entry count");
  b.count = *n;
  while (in.Peek().substr(0, 7) == "signer ") {
    PROBITY_ASSIGN_OR_RETURN(std::string_view line, in.Next("a signer"));
    PROBITY_RETURN_IF_ERROR(ParseSigner(in, line, b));
  }
  if (b.signers.empty()) return in.Fail("the header names no signer");
  while (in.Peek().substr(0, 5) == "pack ") {
    PROBITY_ASSIGN_OR_RETURN(std::string_view line, in.Next("a pack"));
    auto f = Split(line, 3);
    if (!f || (*f)[0] != "pack") return in.Fail("expected \"pack ID SHA256\"");
    b.packs.emplace_back(std::string((*f)[1]), std::string((*f)[2]));
  }
  // Reserve from the data actually present, never from the declared count alone.
  b.entries.reserve(static_cast<std::size_t>(
      std::min<std::int64_t>(b.count, static_cast<std::int64_t>(text.size() / 100))));
  while (in.Peek().substr(0, 6) == "entry ") {
    PROBITY_ASSIGN_OR_RETURN(std::string_view line, in.Next("an entry"));
    if (static_cast<std::int64_t>(b.entries.size()) == b.count) {
      return in.Fail("more entries than the header's count of " + std::to_string(b.count));
    }
    PROBITY_RETURN_IF_ERROR(ParseEntryLine(in, line, b));
  }
  if (static_cast<std::int64_t>(b.entries.size()) != b.count) {
    return in.Fail("the header announces " + std::to_string(b.count) +
                   " entries, the bundle "
                   "holds " +
                   std::to_string(b.entries.size()));
  }
  PROBITY_ASSIGN_OR_RETURN(std::string_view cp, Field(in, "checkpoint"));
  Result<Bytes> note = Base64Decode(cp);
  if (!note.ok() || note->size() > kNoteBytesMax)
    return in.Fail("the checkpoint is not valid base64");
  b.checkpoint.assign(note->begin(), note->end());
  while (in.Peek().substr(0, 11) == "disclosure ") {
    PROBITY_ASSIGN_OR_RETURN(std::string_view line, in.Next("a disclosure"));
    PROBITY_RETURN_IF_ERROR(ParseDisclosure(in, line, b));
  }
  PROBITY_ASSIGN_OR_RETURN(std::string_view end, in.Next("\"end\""));
  if (end != "end") return in.Fail("expected \"end\", found an unknown line");
  if (!in.AtEnd()) return in.Fail("bytes after the \"end\" line");
  return b;
}

}  // namespace probity
