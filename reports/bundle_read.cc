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

Result<std::string_view> Field(BundleLines& in, const char* name) {
  PROBITY_ASSIGN_OR_RETURN(std::string_view line, in.Next(name));
  const std::string prefix = std::string(name) + " ";
  if (line.substr(0, prefix.size()) != prefix || line.size() == prefix.size()) {
    return in.Fail(std::string("expected \"") + name + " ...\"");
  }
  return line.substr(prefix.size());
}

Status ParseSigner(BundleLines& in, std::string_view line, ParsedBundle& b) {
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

// "entry SEQ SIGNATURE BODY", entry `want` in order: its signature decoded
// into `sig`, its body a view into `line`.
Status ParseEntryLine(BundleLines& in, std::string_view line, std::int64_t want, Signature& sig,
                      std::string_view& body) {
  auto f = Split(line, 4);
  if (!f || (*f)[0] != "entry") return in.Fail("expected \"entry SEQ SIGNATURE BODY\"");
  auto seq = Decimal((*f)[1]);
  if (!seq) return in.Fail("the entry number is not a canonical decimal");
  if (*seq != want) {
    return in.Fail("entry " + std::to_string(*seq) + " where entry " + std::to_string(want) +
                   " was expected (entries missing, duplicated or out of order)");
  }
  // Decoded without an allocation; anything but a canonical signature gets
  // the general decoder's message.
  if (!Base64DecodeExact((*f)[2], sig.data(), sig.size())) {
    Result<Signature> general = Base64DecodeFixed<kSignatureBytes>((*f)[2], "signature");
    PROBITY_ASSERT(!general.ok());  // the two decoders accept the same texts
    return in.Fail(general.status().message());
  }
  body = (*f)[3];
  return Status::OK();
}

// The entry lines, checked and dropped: EntryLineReader reads them again.
Status ScanEntries(BundleLines& in, ParsedBundle& b) {
  b.entries_offset = in.offset();
  b.entries_line = in.line_number();
  std::int64_t entries = 0;
  Signature sig{};
  std::string_view body;
  while (in.Peek().substr(0, 6) == "entry ") {
    PROBITY_ASSIGN_OR_RETURN(std::string_view line, in.Next("an entry"));
    if (entries == b.count) {
      return in.Fail("more entries than the header's count of " + std::to_string(b.count));
    }
    PROBITY_RETURN_IF_ERROR(ParseEntryLine(in, line, entries, sig, body));
    ++entries;
  }
  if (entries != b.count) {
    return in.Fail("the header announces " + std::to_string(b.count) +
                   " entries, the bundle "
                   "holds " +
                   std::to_string(entries));
  }
  return Status::OK();
}

Status ParseDisclosure(BundleLines& in, std::string_view line, ParsedBundle& b) {
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

Result<ParsedBundle> ScanBundle(BundleSource& source) {
  BundleLines in(source, 0, 1);
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
  PROBITY_RETURN_IF_ERROR(ScanEntries(in, b));
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
  PROBITY_ASSIGN_OR_RETURN(bool at_end, in.AtEnd());
  if (!at_end) return in.Fail("bytes after the \"end\" line");
  return b;
}

Status EntryLineReader::Next(EntryText& out) {
  PROBITY_ASSERT(next_seq_ < count_);
  std::string_view body;
  Result<std::string_view> line = lines_.Next("an entry");
  Status st = line.ok() ? ParseEntryLine(lines_, line.value(), next_seq_, out.sig, body)
                        : line.status();
  if (!st.ok()) {
    if (!st.IsVerificationFailed()) return st;  // an I/O error
    return Status::VerificationFailed("the bundle changed while it was being verified: " +
                                      st.message());
  }
  out.seq = next_seq_++;
  out.body.assign(body);
  return Status::OK();
}

}  // namespace probity
