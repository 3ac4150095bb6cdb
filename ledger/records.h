// The treasurer's and DPO's records, built on Ledger::Append: donors, donations,
// refunds, consents. Each function checks its input against the ledger inside
// the write transaction (so two processes cannot both refund the same gift)
// and writes nothing when a check fails.
#ifndef PROBITY_LEDGER_RECORDS_H_
#define PROBITY_LEDGER_RECORDS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ledger/date.h"
#include "ledger/ledger.h"
#include "ledger/money.h"
#include "ledger/vault.h"

namespace probity {

// Appends the one entry `make` builds, inside the write transaction so that
// `make` checks against the ledger as it is; writes nothing if `make` fails.
// Returns the new entry's seq.
Result<std::int64_t> AppendOne(Ledger& ledger, const NamedKey& key,
                               const std::function<Result<EntryDraft>(AppendBatch&)>& make);

// NotFound unless `subject` is a donor registered in this ledger.
[[nodiscard]] Status RequireDonorExists(Store& store, const std::string& subject);
// A refund reason: short text, no control characters.
[[nodiscard]] Status ValidateReasonText(const std::string& reason);

struct NewDonor {
  std::string donor_type;  // person, legal-person, ...
  DonorPii pii;
};
// What makes two donors likely the same person: their names with ASCII case
// and runs of white space folded ("Jean  DUPONT" == "jean dupont"); accents
// and other non-ASCII bytes are kept as they are.
std::string NormaliseDonorName(const std::string& name);

struct AddedDonor {
  std::string subject;
  // Donors not erased whose current name (after any rectification) has the
  // same normalised name, in registration order.
  std::vector<std::string> likely_duplicates;
};
Result<AddedDonor> AddDonor(Ledger& ledger, const NamedKey& key, const NewDonor& donor);
// The donor_added entry and its donor_names row (docs/format.md 12.4) alone,
// inside a caller's write transaction (imports that add many donors and their
// gifts at once); returns the new subject id. No duplicate check.
Result<std::string> AddDonorInBatch(AppendBatch& batch, const NewDonor& donor);

struct DonorRecord {
  std::string subject;
  std::string donor_type;
  std::int64_t seq = 0;
  std::string ts;
  std::optional<DonorPii> pii;  // nullopt once the subject's key is erased
};
Result<DonorRecord> GetDonor(Ledger& ledger, const std::string& subject);
Result<std::vector<DonorRecord>> ListDonors(Ledger& ledger);

struct NewDonation {
  std::string subject;
  Money amount;  // positive
  std::string method;
  Date date;
  std::string scope;
};
// Records a gift with no policy decision: the ledger layer cannot see policy
// packs (layers point one way). The CLI records gifts through
// policies/donations.h RecordDonation, which decides first; this is for the
// ledger's own tests and benchmarks.
Result<std::int64_t> AddDonation(Ledger& ledger, const NamedKey& key, const NewDonation& d);

// A donation as it stands: the latest correction's amount, method, date,
// obligations and flags over the donation's own, net of refunds.
struct DonationRecord {
  std::int64_t seq = 0;
  std::string subject;  // empty for an anonymous gift
  std::int64_t amount_minor = 0;
  std::int64_t refunded_minor = 0;
  std::string currency;
  std::string method;
  std::string date;
  std::string scope;
  std::string election;  // empty if none
  std::string nature = "gift";
  bool cap_declared = false;
  Json obligations = Json::array();  // [{rule, due, action, cure_minor?}]
  Json flags = Json::array();        // rule ids
  std::string receipt;               // receipt number given to the donor; empty if none
  std::string import_ref;            // where an imported gift came from; empty otherwise
  std::int64_t import_aggregate_minor = 0;  // the aggregate its filing stated; 0 if none
  int corrections = 0;               // how many correction entries restate it
  std::string first_refund_date;     // empty if never refunded
};
// Filters are ignored when empty. Reads the donations with their refunds and
// corrections: with a subject, only that subject's entries (indexed).
Result<std::vector<DonationRecord>> LoadDonations(Store& store, const std::string& scope,
                                                  const std::string& subject);
Result<std::vector<DonationRecord>> ListDonations(Ledger& ledger, const std::string& scope,
                                                  const std::string& subject);
// The donation at `seq` as it stands; NotFound if `seq` is not a donation.
Result<DonationRecord> LoadDonation(Store& store, std::int64_t seq);

struct NewRefund {
  std::int64_t donation_seq = 0;
  Money amount;  // positive, in the donation's currency
  Date date;
  std::string reason;  // optional, no personal data
};
Result<std::int64_t> AddRefund(Ledger& ledger, const NamedKey& key, const NewRefund& r);

struct NewConsent {
  std::string subject;
  std::string purpose;      // must be registered (gdpr_records.h, AddPurpose)
  std::string text_sha256;  // hash of the wording the person saw
  std::string channel;      // web, paper, email, oral, ...
  Date date;
  std::string text_version{};  // optional: the wording's version label
  std::string evidence{};      // optional: where the proof is kept (no personal data)
};
// Records a consent. A consent already in force for the same purpose is
// replaced by this one (a new wording, say): only the latest is in force, and
// a withdrawal names it.
Result<std::int64_t> GrantConsent(Ledger& ledger, const NamedKey& key, const NewConsent& c);

struct NewWithdrawal {
  std::string subject;
  std::string purpose;
  Date date;
  std::string channel{};   // optional: how it was withdrawn
  std::string evidence{};  // optional: where the proof is kept (no personal data)
};
// Withdraws the consent in force; NotFound if there is none.
Result<std::int64_t> WithdrawConsent(Ledger& ledger, const NamedKey& key, const NewWithdrawal& w);

}  // namespace probity

#endif  // PROBITY_LEDGER_RECORDS_H_
