// probity prove / verify-proof: one entry's inclusion proof as a C2SP
// tlog-proof file (docs/format.md, section 8.1), and its offline check.
#include <unistd.h>

#include "cli/common.h"
#include "ledger/encoding.h"
#include "ledger/files.h"
#include "ledger/proof_file.h"

namespace probity::cli {
namespace {

struct ProveOptions {
  std::int64_t seq = -1;
  std::string out, entry_out;
};

struct VerifyProofOptions {
  std::string proof, entry, origin;
  std::vector<std::string> trust;
};

Status RefuseExisting(const std::string& path) {
  if (access(path.c_str(), F_OK) == 0) {
    return Status::InvalidArgument(path + " already exists; probity never overwrites a file, "
                                          "choose another path or move the old file away");
  }
  return Status::OK();
}

Status RunProve(const GlobalOptions& g, const ProveOptions& o) {
  if (o.out == o.entry_out) return Status::InvalidArgument("--out and --entry-out are one file");
  PROBITY_RETURN_IF_ERROR(RefuseExisting(o.out));
  if (!o.entry_out.empty()) PROBITY_RETURN_IF_ERROR(RefuseExisting(o.entry_out));
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(std::string proof, MakeEntryProof(*ledger, o.seq));
  if (!o.entry_out.empty()) {
    PROBITY_ASSIGN_OR_RETURN(StoredEntry stored, ledger->store().GetEntry(o.seq));
    PROBITY_RETURN_IF_ERROR(WriteNewFile(o.entry_out, stored.body, "entry file"));
  }
  PROBITY_RETURN_IF_ERROR(WriteNewFile(o.out, proof, "proof file"));
  const std::string key = CheckpointSignerKey(*ledger);
  Warn("wrote the inclusion proof of entry " + std::to_string(o.seq) + " to " + o.out +
       (o.entry_out.empty() ? "" : " and the entry's bytes to " + o.entry_out) +
       "\nanyone can check it, without the ledger, with:\n  probity verify-proof " + o.out +
       " --entry " + (o.entry_out.empty() ? "ENTRY" : o.entry_out) + " --origin " +
       ledger->origin() + " --trust " + (key.empty() ? "NAME+KEYID+KEY" : key));
  return Status::OK();
}

const char* EntrySigText(EntrySignatureCheck check) {
  switch (check) {
    case EntrySignatureCheck::kAbsent: return "absent";
    case EntrySignatureCheck::kNotTrusted: return "not checked";
    case EntrySignatureCheck::kVerified: return "verified";
  }
  return "absent";
}

void PrintReport(const GlobalOptions& g, const ProofReport& r) {
  std::string signers;
  for (const std::string& s : r.checkpoint_signers) signers += (signers.empty() ? "" : ", ") + s;
  if (g.json) {
    PrintJson({{"ok", true}, {"index", r.index}, {"tree_size", r.tree_size},
               {"origin", r.origin}, {"root_hash", Base64Encode(r.root)},
               {"checkpoint_signed_by", r.checkpoint_signers},
               {"entry_signer", r.entry_signer}, {"entry_signature", EntrySigText(r.entry_sig)}});
    return;
  }
  std::string sig = "the entry's own signature was not in the proof";
  if (r.entry_sig == EntrySignatureCheck::kVerified) {
    sig = "the entry's signature by " + r.entry_signer + " verifies";
  } else if (r.entry_sig == EntrySignatureCheck::kNotTrusted) {
    sig = "the entry's signature was not checked: its signer " + r.entry_signer +
          " is not among the --trust keys";
  }
  PrintOut("ok: entry " + std::to_string(r.index) + " is in " + r.origin + " at tree size " +
           std::to_string(r.tree_size) + " (checkpoint signed by " + signers + "); " + sig);
}

Status RunVerifyProof(const GlobalOptions& g, const VerifyProofOptions& o) {
  ProofTrust trust;
  trust.origin = o.origin;
  for (const std::string& text : o.trust) {
    Result<VerifierKey> key = ParseVerifierKey(text);
    if (!key.ok()) {
      return key.status().WithContext("--trust " + QuoteForMessage(text) +
                                      " (want NAME+KEYID+KEY as `probity key public` prints it)");
    }
    trust.keys.push_back(std::move(key).value());
  }
  PROBITY_ASSIGN_OR_RETURN(std::string proof,
                           ReadFileBounded(o.proof, kProofFileBytesMax, "proof file"));
  PROBITY_ASSIGN_OR_RETURN(std::string entry,
                           ReadFileBounded(o.entry, kProofEntryBytesMax, "entry file"));
  ProofReport report;
  Status st = VerifyEntryProof(proof, entry, trust, &report);
  if (st.ok()) {
    PrintReport(g, report);
  } else if (g.json) {
    PrintJson({{"ok", false}, {"error", st.message()}});
  }
  return st;
}

}  // namespace

void RegisterProveCommands(CLI::App& app, GlobalOptions& g, Action& action) {
  auto p = std::make_shared<ProveOptions>();
  CLI::App* prove = app.add_subcommand(
      "prove", "write a self-contained proof that an entry is in the ledger (C2SP tlog-proof:\n"
               "entry index, inclusion hashes, latest signed checkpoint, and the entry's signature)\n"
               "  example: probity prove --seq 5 --out entry5.tlog-proof --entry-out entry5.json");
  prove->add_option("--seq", p->seq, "the entry's number")->required()->check(
      CLI::NonNegativeNumber);
  prove->add_option("--out", p->out, "proof file to create (never overwritten)")->required();
  prove->add_option("--entry-out", p->entry_out,
                    "also write the entry's exact canonical bytes here (never overwritten)");
  prove->callback([&g, &action, p] { action = [&g, p] { return RunProve(g, *p); }; });

  auto v = std::make_shared<VerifyProofOptions>();
  CLI::App* verify = app.add_subcommand(
      "verify-proof",
      "check a proof from `probity prove` without the ledger or any passphrase: the entry's\n"
      "bytes are leaf INDEX of the tree in the checkpoint, which a trusted key signed for\n"
      "the given origin (exit 0 ok, 4 it does not prove inclusion, 2 malformed input)\n"
      "  example: probity verify-proof entry5.tlog-proof --entry entry5.json \\\n"
      "             --origin example.org/fr-pres-2027 --trust treasurer+a48efb87+AfwK...");
  verify->add_option("PROOF", v->proof, "the .tlog-proof file")->required();
  verify->add_option("--entry", v->entry,
                     "file holding the entry's exact canonical bytes (prove --entry-out)")
      ->required();
  verify->add_option("--origin", v->origin,
                     "the ledger's origin, as the campaign publishes it (first line of "
                     "`probity checkpoint`)")
      ->required();
  verify->add_option("--trust", v->trust,
                     "a signer's verifier key NAME+KEYID+KEY (`probity key public`); repeat for "
                     "several")
      ->required();
  verify->callback([&g, &action, v] { action = [&g, v] { return RunVerifyProof(g, *v); }; });
}

}  // namespace probity::cli
