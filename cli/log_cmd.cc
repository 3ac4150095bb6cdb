// probity log / checkpoint / verify
#include <fstream>

#include "cli/common.h"
#include "ledger/encoding.h"
#include "ledger/verify.h"

namespace probity::cli {
namespace {

struct LogOptions {
  std::string kind, subject;
  std::int64_t from = 0;
  std::int64_t limit = -1;
};

std::string EntrySummary(const Json& e) {
  std::string s;
  for (const char* f : {"subject", "amount_minor", "currency", "method", "date", "scope",
                        "purpose", "donation_seq", "signer_name", "origin", "key_id"}) {
    if (e.contains(f)) s += std::string("  ") + f + "=" + (e[f].is_string() ? e[f].get<std::string>() : e[f].dump());
  }
  return s;
}

Status RunLog(const GlobalOptions& g, const LogOptions& o) {
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(std::int64_t count, ledger->store().EntryCount());
  std::int64_t to = o.limit < 0 ? count : std::min(count, o.from + o.limit);
  Json all = Json::array();
  PROBITY_RETURN_IF_ERROR(ledger->store().ScanEntries(
      o.from, to, [&](const StoredEntry& stored, const EntryIndex& index) -> Status {
        if (!o.kind.empty() && index.kind != o.kind) return Status::OK();
        if (!o.subject.empty() && index.subject != o.subject) return Status::OK();
        PROBITY_ASSIGN_OR_RETURN(Json e, DecodeEntry(stored.body));
        if (g.json) {
          // "body" is the exact canonical bytes that were signed, so that an
          // auditor can check a signature with any Ed25519 tool.
          all.push_back({{"entry", e}, {"body", stored.body}, {"sig", Base64Encode(stored.sig)},
                         {"leaf_hash", HexEncode(stored.leaf_hash)}});
        } else {
          PrintOut(std::to_string(stored.seq) + "  " + e["ts"].get<std::string>() + "  " +
                   index.kind + "  by " + e["signer"].get<std::string>() + EntrySummary(e));
        }
        return Status::OK();
      }));
  if (g.json) PrintJson(all);
  return Status::OK();
}

Status RunCheckpoint(const GlobalOptions& g) {
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(std::string note, ledger->LatestCheckpoint());
  if (!g.json) {
    std::fwrite(note.data(), 1, note.size(), stdout);
    return Status::OK();
  }
  PROBITY_ASSIGN_OR_RETURN(ParsedNote parsed, ParseNote(note));
  PROBITY_ASSIGN_OR_RETURN(Checkpoint cp, ParseCheckpointBody(parsed.body));
  PrintJson({{"origin", cp.origin}, {"tree_size", cp.tree_size},
             {"root_hash", Base64Encode(cp.root_hash)}, {"note", note}});
  return Status::OK();
}

Status RunVerify(const GlobalOptions& g, const std::vector<std::string>& since) {
  VerifyOptions options;
  for (const std::string& path : since) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::IoError("cannot read checkpoint file " + path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.size() > kNoteBytesMax) return Status::InvalidArgument(path + " is too large");
    options.earlier_checkpoints.push_back(std::move(text));
  }
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(VerifyReport r, VerifyLedger(*ledger, options));
  if (g.json) {
    Json j = {{"ok", r.failure.ok()}, {"entries", r.entries}, {"checkpoints", r.checkpoints},
              {"signers", r.signers}, {"root_hash", Base64Encode(r.root)},
              {"origin", ledger->origin()}};
    if (!r.failure.ok()) {
      j["error"] = r.failure.message();
      if (r.first_bad_seq >= 0) j["first_bad_entry"] = r.first_bad_seq;
    }
    PrintJson(j);
  } else if (r.failure.ok()) {
    PrintOut("ok: " + ledger->origin() + ": " + std::to_string(r.entries) + " entries, " +
             std::to_string(r.checkpoints) + " checkpoints, " + std::to_string(r.signers) +
             " signers; root " + Base64Encode(r.root));
  }
  return r.failure;
}

}  // namespace

void RegisterLogCommands(CLI::App& app, GlobalOptions& g, Action& action) {
  auto o = std::make_shared<LogOptions>();
  CLI::App* log = app.add_subcommand(
      "log", "list entries\n  example: probity log --kind donation --json");
  log->add_option("--kind", o->kind, "only entries of this kind");
  log->add_option("--subject", o->subject, "only entries naming this subject");
  log->add_option("--from", o->from, "first entry number")->check(CLI::NonNegativeNumber);
  log->add_option("--limit", o->limit, "at most this many entries")->check(CLI::NonNegativeNumber);
  log->callback([&g, &action, o] { action = [&g, o] { return RunLog(g, *o); }; });

  CLI::App* cp = app.add_subcommand(
      "checkpoint", "print the latest signed checkpoint (C2SP tlog-checkpoint)\n"
                    "  example: probity checkpoint > 2027-q1.checkpoint");
  cp->callback([&g, &action] { action = [&g] { return RunCheckpoint(g); }; });

  struct VerifyArgs {
    std::string bundle;
    std::vector<std::string> since, trust;
  };
  auto va = std::make_shared<VerifyArgs>();
  CLI::App* verify = app.add_subcommand(
      "verify", "verify the whole ledger: encoding, chain, signatures, tree, checkpoints;\n"
                "with --since, also that it extends a checkpoint published earlier.\n"
                "With BUNDLE, verify an audit bundle offline instead (no ledger, no passphrase;\n"
                "a sealed bundle is opened with --key): everything above, the disclosures, and\n"
                "every recorded decision re-run with the adopted packs\n"
                "  example: probity verify --since 2027-q1.checkpoint --json\n"
                "  example: probity verify 2027-q2.probity --trust \"treasurer+1a2b3c4d+BASE64\" "
                "--since 2027-q1.checkpoint");
  verify->add_option("bundle", va->bundle, "an audit bundle from `probity export audit`");
  verify->add_option("--since", va->since, "an earlier checkpoint file that must be extended");
  verify->add_option("--trust", va->trust,
                     "with BUNDLE: a key trusted to sign checkpoints (NAME+KEYID+BASE64)");
  verify->callback([&g, &action, va] {
    action = [&g, va]() -> Status {
      if (!va->bundle.empty()) return RunVerifyBundle(g, va->bundle, va->trust, va->since);
      if (!va->trust.empty()) {
        return Status::InvalidArgument("--trust is for verifying a bundle: probity verify "
                                       "BUNDLE --trust KEY");
      }
      return RunVerify(g, va->since);
    };
  });
}

}  // namespace probity::cli
