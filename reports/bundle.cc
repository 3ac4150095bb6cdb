#include "reports/bundle.h"

#include <algorithm>
#include <set>
#include <thread>

#include "ledger/encoding.h"
#include "ledger/entry.h"
#include "ledger/frontier_tree.h"
#include "ledger/replay.h"
#include "ledger/vault.h"
#include "policies/policy_replay.h"
#include "reports/bundle_check.h"
#include "reports/bundle_format.h"
#include "reports/bundle_source.h"

namespace probity {
namespace {

const std::string& Str(const Json& e, const char* field) {
  return e[field].get_ref<const std::string&>();
}
std::int64_t Int(const Json& e, const char* field) { return e[field].get<std::int64_t>(); }

// ---------------------------------------------------------------- writing

Result<std::string> DisclosureLine(Store& store, const std::string& subject, const Json& donor) {
  Result<SecretBytes> key = store.GetSubjectKey(subject);
  if (!key.ok()) {
    if (!key.status().IsNotFound()) return key.status();
    return "disclosure " + subject + " erased\n";
  }
  PROBITY_ASSIGN_OR_RETURN(DonorPii pii, OpenPii(key.value(), subject, Str(donor, "pii")));
  PROBITY_ASSIGN_OR_RETURN(std::string text, Canonicalize(PiiToJson(pii)));
  return "disclosure " + subject + " key " +
         Base64Encode(ByteSpan(key.value().data(), key.value().size())) + " pii " + text + "\n";
}

}  // namespace

Result<std::string> BuildAuditBundle(Ledger& ledger) {
  Store& store = ledger.store();
  PROBITY_ASSIGN_OR_RETURN(auto latest, store.LatestCheckpoint());
  if (!latest.has_value()) return Status::InvalidArgument("the ledger has no checkpoint to export");
  const std::int64_t n = latest->first;
  Replay replay;
  std::string ledger_id, packs, entries;
  std::map<std::string, Json> donors;  // sorted by subject
  Status scan = store.ScanEntries(0, n, [&](const StoredEntry& e, const EntryIndex&) -> Status {
    PROBITY_ASSIGN_OR_RETURN(Json j, DecodeEntry(e.body));
    // Read before the replay takes the entry's strings (a refused entry stops
    // the export, and what was read of it with it).
    const std::string kind = Str(j, "kind");
    if (kind == "ledger_created") ledger_id = Str(j, "ledger_id");
    if (kind == "policy_adopted") {
      packs += "pack " + Str(j, "pack_id") + " " + Str(j, "pack_sha256") + "\n";
    }
    // The disclosure holds the data in force: the latest box (rectification).
    if (kind == "donor_added" || kind == "donor_corrected") donors[Str(j, "subject")] = j;
    Result<PublicKey> key = replay.Apply(TakeFacts(std::move(j)));
    if (!key.ok()) {
      return Status::Corruption("entry " + std::to_string(e.seq) + ": " + key.status().message() +
                                "; run `probity verify` before exporting");
    }
    entries += "entry " + std::to_string(e.seq) + " " + Base64Encode(e.sig) + " " + e.body + "\n";
    return Status::OK();
  });
  PROBITY_RETURN_IF_ERROR(scan);
  std::string out = std::string(kBundleMagic) + "\norigin " + ledger.origin() + "\nledger-id " +
                    ledger_id + "\nentries " + std::to_string(n) + "\n";
  for (const auto& [id, s] : replay.signers().all()) {
    out += SignerLine(HeaderSigner{VerifierKey{s.name, NoteKeyId(s.name, s.key), s.key},
                                   s.added_seq, s.revoked_seq});
  }
  out += packs;
  out += entries;
  out += "checkpoint " + Base64Encode(AsBytes(latest->second)) + "\n";
  for (const auto& [subject, donor] : donors) {
    PROBITY_ASSIGN_OR_RETURN(std::string line, DisclosureLine(store, subject, donor));
    out += line;
  }
  out += "end\n";
  return out;
}

Result<std::string> SealBundle(const std::string& bundle, const VerifierKey& to) {
  PROBITY_ASSIGN_OR_RETURN(Bytes box, SealTo(to.key, AsBytes(bundle)));
  return std::string(kSealedBundleMagic) + "\nto " + FormatVerifierKey(to.name, to.key) + "\n" +
         std::string(box.begin(), box.end());
}

bool IsSealedBundle(std::string_view file) {
  const std::string magic = std::string(kSealedBundleMagic) + "\n";
  return file.substr(0, magic.size()) == magic;
}

namespace {

// Splits a sealed file into its recipient line and its box.
Result<std::pair<VerifierKey, std::string_view>> SplitSealed(std::string_view file) {
  if (!IsSealedBundle(file)) return Status::InvalidArgument("not a sealed bundle");
  std::string_view rest = file.substr(std::string_view(kSealedBundleMagic).size() + 1);
  const std::size_t eol = rest.find('\n');
  if (rest.substr(0, 3) != "to " || eol == std::string_view::npos || eol > 1024) {
    return Status::VerificationFailed("sealed bundle: the recipient line is missing or damaged");
  }
  Result<VerifierKey> to = ParseVerifierKey(rest.substr(3, eol - 3));
  if (!to.ok()) return Status::VerificationFailed("sealed bundle: " + to.status().message());
  return std::make_pair(to.value(), rest.substr(eol + 1));
}

}  // namespace

Result<VerifierKey> SealedBundleRecipient(std::string_view file) {
  PROBITY_ASSIGN_OR_RETURN(auto parts, SplitSealed(file));
  return parts.first;
}

Result<std::string> OpenSealedBundle(std::string_view file, const NamedKey& key) {
  PROBITY_ASSIGN_OR_RETURN(auto parts, SplitSealed(file));
  if (parts.first.key != key.key.public_key) {
    return Status::KeyRejected("this bundle is sealed to " +
                               FormatVerifierKey(parts.first.name, parts.first.key) +
                               ", not to the key given with --key");
  }
  PROBITY_ASSIGN_OR_RETURN(Bytes plain, OpenSealed(key.key, AsBytes(parts.second)));
  return std::string(plain.begin(), plain.end());
}

namespace {

// ---------------------------------------------------------------- verifying

// The tree sizes of the earlier checkpoints that parse (the others fail in
// CheckEarlier, which needs no proof for them).
std::vector<std::uint64_t> EarlierSizes(const BundleVerifyOptions& o) {
  std::vector<std::uint64_t> sizes;
  for (const std::string& text : o.earlier_checkpoints) {
    Result<ParsedNote> note = ParseNote(text);
    if (!note.ok()) continue;
    Result<Checkpoint> cp = ParseCheckpointBody(note->body);
    if (cp.ok()) sizes.push_back(cp->tree_size);
  }
  return sizes;
}

class BundleVerifier {
 public:
  BundleVerifier(BundleSource& source, const ParsedBundle& b, const BundleVerifyOptions& o)
      : source_(source),
        b_(b),
        options_(o),
        tree_(static_cast<std::uint64_t>(b.count), EarlierSizes(o)) {}
  // The report, or the source's I/O error.
  Result<BundleReport> Run();

 private:
  Status CheckCheckpointTrust();
  Status CheckEntries();
  Status Apply(std::int64_t seq, Checked& c);
  ScopeTotals& TotalsFor(const std::string& scope, const std::string& currency);
  Status CheckDisclosure(const Json& donor);
  Status CheckHeader();
  Status CheckDisclosedData();
  Status CheckEarlier();
  void Count(const EntryFacts& e);
  Status Fail(std::int64_t seq, const std::string& why) {
    report_.first_bad_seq = seq;
    return Status::VerificationFailed(seq >= 0 ? "entry " + std::to_string(seq) + ": " + why : why);
  }

  BundleSource& source_;  // read again for the entries (step 3 on)
  const ParsedBundle& b_;
  const BundleVerifyOptions& options_;
  std::map<std::string, PublicKey> header_keys_;  // by key id hex
  std::map<std::string, const Disclosure*> disclosures_;
  std::set<std::string> donors_seen_;
  // subject -> (seq, canonical text) of the box in force
  std::map<std::string, std::pair<std::int64_t, std::string>> latest_pii_;
  std::map<std::string, std::int64_t> erased_at_;     // subject -> seq of its erasure
  Checkpoint checkpoint_;
  Replay replay_;
  PolicyReplay policy_;
  // The root and the nodes of the proofs to the earlier checkpoints, not
  // every node: two hashes per entry would be most of what the checks keep.
  FrontierTree tree_;
  Hash prev_{};  // what the next entry's prev must be: the leaf hash of the one before
  std::string ledger_origin_, ledger_id_;
  std::vector<std::pair<std::string, std::string>> adopted_;
  // Each donation's totals row and amount as last restated, by seq.
  struct GiftTotals {
    ScopeTotals* totals = nullptr;  // in report_.summary.totals (map nodes do not move)
    std::int64_t amount_minor = 0;
  };
  // Indexed by seq (a row for every entry up to the last donation: 16 bytes
  // each, against a map node's 64 for a donation).
  std::vector<GiftTotals> gift_totals_;
  // scope -> currency -> its row in report_.summary.totals, found without
  // building a (scope, currency) key per donation.
  std::map<std::string, std::map<std::string, ScopeTotals*>> totals_index_;
  BundleReport report_;
};

Status BundleVerifier::CheckCheckpointTrust() {
  Result<ParsedNote> note = ParseNote(b_.checkpoint);
  if (!note.ok()) return Fail(-1, "checkpoint: " + note.status().message());
  Result<Checkpoint> cp = ParseCheckpointBody(note->body);
  if (!cp.ok()) return Fail(-1, "checkpoint: " + cp.status().message());
  checkpoint_ = cp.value();
  const bool trusted = std::any_of(options_.trusted.begin(), options_.trusted.end(),
                                   [&](const VerifierKey& k) { return VerifyNote(*note, k).ok(); });
  if (!trusted) {
    return Fail(-1, "the checkpoint is not signed by any key given with --trust");
  }
  if (checkpoint_.origin != b_.origin) {
    return Fail(-1, "the checkpoint is for origin " + checkpoint_.origin + ", the bundle says " +
                        b_.origin);
  }
  if (static_cast<std::int64_t>(checkpoint_.tree_size) != b_.count) {
    return Fail(-1, "the checkpoint covers " + std::to_string(checkpoint_.tree_size) +
                        " entries, the bundle holds " + std::to_string(b_.count) +
                        " (an older or newer checkpoint)");
  }
  return Status::OK();
}

// For donor_added and donor_corrected: the disclosed key must open the box;
// the data it holds is in force from this entry on (the policy re-check uses
// it), and the latest must be what the disclosure states (CheckHeader).
Status BundleVerifier::CheckDisclosure(const Json& donor) {
  const std::string& subject = Str(donor, "subject");
  const bool added = Str(donor, "kind") == "donor_added";
  donors_seen_.insert(subject);
  auto it = disclosures_.find(subject);
  if (it == disclosures_.end())
    return Fail(Int(donor, "seq"), "donor " + subject + " has no disclosure");
  const Disclosure& d = *it->second;
  if (d.erased) {
    if (added) ++report_.summary.erased;
    return Status::OK();
  }
  SecretBytes key(kSymmetricKeyBytes);
  std::copy(d.key.begin(), d.key.end(), key.data());
  Result<DonorPii> pii = OpenPii(key, subject, Str(donor, "pii"));
  if (!pii.ok()) {
    return Fail(Int(donor, "seq"),
                "the disclosed key of " + subject + " does not open the sealed personal data");
  }
  Result<std::string> text = Canonicalize(PiiToJson(pii.value()));
  if (!text.ok()) return Fail(Int(donor, "seq"), text.status().message());
  latest_pii_[subject] = {Int(donor, "seq"), text.value()};
  policy_.Disclose(subject, pii.value());
  if (added) ++report_.summary.disclosed;
  return Status::OK();
}

// Each disclosure states the data of the subject's latest box, and none
// discloses the key of a subject the entries erase.
Status BundleVerifier::CheckDisclosedData() {
  for (const Disclosure& d : b_.disclosures) {
    auto erased = erased_at_.find(d.subject);
    if (erased != erased_at_.end() && !d.erased) {
      return Fail(erased->second, "the bundle discloses the key of " + d.subject +
                                      ", whom this entry erases");
    }
    if (d.erased) continue;
    auto latest = latest_pii_.find(d.subject);
    if (latest != latest_pii_.end() && latest->second.second != d.pii) {
      return Fail(latest->second.first, "the disclosed personal data of " + d.subject +
                                            " is not what the signed entry holds");
    }
  }
  return Status::OK();
}

ScopeTotals& BundleVerifier::TotalsFor(const std::string& scope, const std::string& currency) {
  std::map<std::string, ScopeTotals*>& by_currency = totals_index_[scope];
  auto it = by_currency.find(currency);
  if (it == by_currency.end()) {
    it = by_currency.emplace(currency, &report_.summary.totals[{scope, currency}]).first;
  }
  return *it->second;
}

void BundleVerifier::Count(const EntryFacts& f) {
  const std::string& kind = f.kind;
  const Json& e = f.entry;  // null for a gift kind: its fields are in `f`
  if (kind == "donation") {
    ScopeTotals& t = TotalsFor(f.scope, f.currency);
    const auto seq = static_cast<std::size_t>(f.seq);
    if (gift_totals_.empty()) gift_totals_.reserve(static_cast<std::size_t>(b_.count));
    gift_totals_.resize(seq + 1);
    gift_totals_[seq] = GiftTotals{&t, f.amount_minor};
    ++t.gifts;
    t.gross_minor += f.amount_minor;
    if (t.first_date.empty() || f.date < t.first_date) t.first_date = f.date;
    if (t.last_date.empty() || f.date > t.last_date) t.last_date = f.date;
  } else if (kind == "refund" || kind == "correction") {
    // The replay accepted it: donation_seq names an earlier donation.
    GiftTotals& g = gift_totals_.at(static_cast<std::size_t>(f.donation_seq));
    PROBITY_ASSERT(g.totals != nullptr);
    if (kind == "refund") {
      g.totals->refunded_minor += f.amount_minor;
    } else {
      g.totals->gross_minor += f.amount_minor - g.amount_minor;
      g.amount_minor = f.amount_minor;
    }
  } else if (kind == "ledger_created") {
    ledger_origin_ = Str(e, "origin");
    ledger_id_ = Str(e, "ledger_id");
  } else if (kind == "policy_adopted") {
    adopted_.emplace_back(Str(e, "pack_id"), Str(e, "pack_sha256"));
  } else if (kind == "donor_added") {
    ++report_.summary.donors;
  }
}

Status BundleVerifier::Apply(std::int64_t seq, Checked& c) {
  if (!c.entry.ok()) return Fail(seq, c.entry.status().message());
  const EntryFacts& e = c.entry.value();
  if (e.seq != seq) {
    return Fail(seq, "says it is entry " + std::to_string(e.seq) +
                         " (entries were moved, swapped or removed)");
  }
  // The same test as the hex texts': the schema allows one text per hash.
  if (e.prev != prev_) {
    return Fail(seq, "prev does not match the hash of the entry before it");
  }
  Result<PublicKey> key = replay_.Apply(e);
  if (!key.ok()) return Fail(seq, key.status().message());
  auto header = header_keys_.find(e.signer);
  if (header == header_keys_.end() || header->second != key.value()) {
    return Fail(seq, "its signer's key is not the one the bundle header lists");
  }
  if (!c.signature_ok) return Fail(seq, "signature does not verify");
  const std::string& kind = e.kind;
  if (kind == "donor_added" || kind == "donor_corrected") {
    PROBITY_RETURN_IF_ERROR(CheckDisclosure(e.entry));
  }
  if (kind == "erasure") erased_at_.emplace(Str(e.entry, "subject"), seq);
  Status policy = policy_.Apply(e);
  if (!policy.ok()) {
    report_.first_bad_seq = seq;
    return policy;
  }
  Count(e);
  tree_.Append(c.leaf);
  prev_ = c.leaf;
  return Status::OK();
}

// The header is for people; it must say exactly what the entries say.
Status BundleVerifier::CheckHeader() {
  if (ledger_origin_ != b_.origin || ledger_id_ != b_.ledger_id) {
    return Fail(-1, "the header's origin or ledger id is not the ledger's (entry 0)");
  }
  std::vector<std::string> want, got;
  for (const auto& [id, s] : replay_.signers().all()) {
    want.push_back(SignerLine(HeaderSigner{VerifierKey{s.name, NoteKeyId(s.name, s.key), s.key},
                                           s.added_seq, s.revoked_seq}));
  }
  for (const HeaderSigner& s : b_.signers) got.push_back(SignerLine(s));
  if (want != got) return Fail(-1, "the header's signers are not those the entries record");
  if (adopted_ != b_.packs) return Fail(-1, "the header's packs are not those the entries adopt");
  for (const Disclosure& d : b_.disclosures) {
    if (donors_seen_.count(d.subject) == 0) {
      return Fail(-1, "a disclosure names " + d.subject + ", who is not a donor in the entries");
    }
  }
  Result<Hash> root = tree_.Root();
  if (!root.ok() || root.value() != checkpoint_.root_hash) {
    return Fail(-1, "the entries' Merkle root does not match the checkpoint");
  }
  report_.summary.root = root.value();
  return Status::OK();
}

// Each earlier checkpoint: trusted, same origin, and an RFC 9162 consistency
// proof from it to this bundle's checkpoint verifies.
Status BundleVerifier::CheckEarlier() {
  const auto n = static_cast<std::uint64_t>(b_.count);
  for (const std::string& text : options_.earlier_checkpoints) {
    Result<ParsedNote> note = ParseNote(text);
    if (!note.ok()) return Fail(-1, "earlier checkpoint: " + note.status().message());
    Result<Checkpoint> cp = ParseCheckpointBody(note->body);
    if (!cp.ok()) return Fail(-1, "earlier checkpoint: " + cp.status().message());
    const std::string where = "earlier checkpoint at tree size " + std::to_string(cp->tree_size);
    const bool trusted =
        std::any_of(options_.trusted.begin(), options_.trusted.end(),
                    [&](const VerifierKey& k) { return VerifyNote(*note, k).ok(); });
    if (!trusted) return Fail(-1, where + " is not signed by any key given with --trust");
    if (cp->origin != b_.origin) return Fail(-1, where + " is for origin " + cp->origin);
    if (cp->tree_size > n) {
      return Fail(-1, where + " is larger than this bundle (" + std::to_string(n) +
                          "): the ledger was cut short since it was published");
    }
    Result<std::vector<Hash>> proof = ConsistencyProof(tree_, cp->tree_size, n);
    Status ok = proof.ok() ? VerifyConsistency(cp->tree_size, n, cp->root_hash,
                                               checkpoint_.root_hash, proof.value())
                           : proof.status();
    if (!ok.ok()) {
      return Fail(-1, where +
                          ": this bundle does not extend it (history was rewritten since it "
                          "was published)");
    }
    report_.summary.extends.push_back(static_cast<std::int64_t>(cp->tree_size));
  }
  return Status::OK();
}

// Workers decode and check signatures on every core (bundle_check.h) while
// this thread reads the entry lines again and applies the entries in order.
Status BundleVerifier::CheckEntries() {
  EntryLineReader reader(source_, b_);
  const std::size_t threads = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
  const auto count = static_cast<std::size_t>(b_.count);
  CheckPipeline checks([&reader](EntryText& out) { return reader.Next(out); }, count,
                       header_keys_, threads);
  for (std::size_t i = 0; i < count; ++i) {
    Checked* c = nullptr;
    PROBITY_RETURN_IF_ERROR(checks.Take(i, &c));
    PROBITY_RETURN_IF_ERROR(Apply(static_cast<std::int64_t>(i), *c));
    // A kept entry (not a gift kind) is freed here, while Apply has just read
    // it: the worker that reuses the slot a window later would find every
    // node of it out of the cache. A gift kind's was freed where it was decoded.
    c->entry.value().entry = Json();
    checks.Release(i);
    ++report_.summary.entries;
  }
  return Status::OK();
}

Result<BundleReport> BundleVerifier::Run() {
  BundleSummary& s = report_.summary;
  s.origin = b_.origin;
  s.ledger_id = b_.ledger_id;
  for (const HeaderSigner& h : b_.signers) header_keys_[KeyIdHex(h.key.id)] = h.key.key;
  for (const Disclosure& d : b_.disclosures) disclosures_[d.subject] = &d;
  report_.failure = CheckCheckpointTrust();
  if (report_.failure.ok()) report_.failure = CheckEntries();
  if (!report_.failure.ok() && !report_.failure.IsVerificationFailed()) {
    return report_.failure;  // the bundle could not be read
  }
  if (report_.failure.ok()) report_.failure = CheckHeader();
  if (report_.failure.ok()) report_.failure = CheckDisclosedData();
  if (report_.failure.ok()) report_.failure = CheckEarlier();
  s.signers = static_cast<std::int64_t>(replay_.signers().all().size());
  s.decisions = policy_.decided();
  s.decisions_skipped = policy_.skipped();
  return report_;
}

}  // namespace

Result<BundleReport> VerifyAuditBundle(BundleSource& bundle, const BundleVerifyOptions& options) {
  if (options.trusted.empty()) {
    return Status::InvalidArgument(
        "give the key you trust to have signed the checkpoint, "
        "with --trust NAME+KEYID+BASE64");
  }
  Result<ParsedBundle> parsed = ScanBundle(bundle);
  if (!parsed.ok()) {
    if (!parsed.status().IsVerificationFailed()) return parsed.status();
    BundleReport r;
    r.failure = parsed.status();
    return r;
  }
  BundleVerifier v(bundle, parsed.value(), options);
  return v.Run();
}

Result<BundleReport> VerifyAuditBundle(std::string_view bundle,
                                       const BundleVerifyOptions& options) {
  if (bundle.size() > kBundleBytesMax && !options.trusted.empty()) {
    BundleReport r;
    r.failure = Status::VerificationFailed("the bundle is larger than the format allows");
    return r;
  }
  TextBundleSource source(bundle);
  return VerifyAuditBundle(source, options);
}

}  // namespace probity
