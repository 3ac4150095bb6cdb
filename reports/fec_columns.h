// Column orders of the .fec records we write and read (format 8.0-8.5).
// Schedule A: vendor/fec/schedule-a-v8-columns.txt (a copy of ../shared/vendor/fec), one name per
// line. Form 3: the FEC's F3.json schema, properties sorted by
// fec_spec.COL_SEQ (1..93). Generated from those files; a test checks that
// the Schedule A list still matches the vendored text.
#ifndef PROBITY_REPORTS_FEC_COLUMNS_H_
#define PROBITY_REPORTS_FEC_COLUMNS_H_

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "ledger/vault.h"

namespace probity::fec {

constexpr std::size_t kScheduleAFields = 45;
constexpr std::size_t kForm3Fields = 93;

constexpr std::array<std::string_view, kScheduleAFields> kScheduleAColumns = {
    "form_type", "filer_committee_id_number", "transaction_id", "back_reference_tran_id_number",
    "back_reference_sched_name", "entity_type", "contributor_organization_name",
    "contributor_last_name", "contributor_first_name", "contributor_middle_name",
    "contributor_prefix", "contributor_suffix", "contributor_street_1", "contributor_street_2",
    "contributor_city", "contributor_state", "contributor_zip_code", "election_code",
    "election_other_description", "contribution_date", "contribution_amount",
    "contribution_aggregate", "contribution_purpose_descrip", "contributor_employer",
    "contributor_occupation", "donor_committee_fec_id", "donor_committee_name",
    "donor_candidate_fec_id", "donor_candidate_last_name", "donor_candidate_first_name",
    "donor_candidate_middle_name", "donor_candidate_prefix", "donor_candidate_suffix",
    "donor_candidate_office", "donor_candidate_state", "donor_candidate_district", "conduit_name",
    "conduit_street1", "conduit_street2", "conduit_city", "conduit_state", "conduit_zip_code",
    "memo_code", "memo_text_description", "reference_code",
};

constexpr std::array<std::string_view, kForm3Fields> kForm3Columns = {
    "form_type", "filer_committee_id_number", "committee_name", "change_of_address", "street_1",
    "street_2", "city", "state", "zip", "election_state", "election_district", "report_code",
    "election_code", "date_of_election", "state_of_election", "coverage_from_date",
    "coverage_through_date", "treasurer_last_name", "treasurer_first_name",
    "treasurer_middle_name", "treasurer_prefix", "treasurer_suffix", "date_signed",
    "L6a_total_contributions_period", "L6b_total_contribution_refunds_period",
    "L6c_net_contributions_period", "L7a_total_operating_expenditures_period",
    "L7b_total_offsets_to_operating_expenditures_period", "L7c_net_operating_expenditures_period",
    "L8_cash_on_hand_at_close_period", "L9_debts_owed_to_committee_period",
    "L10_debts_owed_by_committee_period", "L11ai_individuals_itemized_period",
    "L11aii_individuals_unitemized_period", "L11aiii_total_individual_period",
    "L11b_political_party_committees_period", "L11c_other_political_committees_period",
    "L11d_the_candidate_period", "L11e_total_contributions_period",
    "L12_transfers_from_other_authorized_committees_period",
    "L13a_loans_made_or_guaranteed_by_the_candidate_period", "L13b_all_other_loans_period",
    "L13c_total_loans_period", "L14_offsets_to_operating_expenditures_period",
    "L15_other_receipts_period", "L16_total_receipts_period", "L17_operating_expenditures_period",
    "L18_transfers_to_other_authorized_committees_period",
    "L19a_loan_repayments_of_loans_made_or_guaranteed_by_candidate_period",
    "L19b_loan_repayments_of_all_other_loans_period", "L19c_total_loan_repayments_period",
    "L20a_refunds_to_individuals_period", "L20b_refunds_to_political_party_committees_period",
    "L20c_refunds_to_other_political_committees_period", "L20d_total_contribution_refunds_period",
    "L21_other_disbursements_period", "L22_total_disbursements_period",
    "L23_cash_on_hand_beginning_reporting_period", "L24_total_receipts_period",
    "L25_subtotals_period", "L26_total_disbursements_period", "L27_cash_on_hand_at_close_period",
    "L6a_total_contributions_ytd", "L6b_total_contribution_refunds_ytd",
    "L6c_net_contributions_ytd", "L7a_total_operating_expenditures_ytd",
    "L7b_total_offsets_to_operating_expenditures_ytd", "L7c_net_operating_expenditures_ytd",
    "L11ai_individuals_itemized_ytd", "L11aii_individuals_unitemized_ytd",
    "L11aiii_total_individual_ytd", "L11b_political_party_committees_ytd",
    "L11c_other_political_committees_ytd", "L11d_the_candidate_ytd",
    "L11e_total_contributions_ytd", "L12_transfers_from_other_authorized_committees_ytd",
    "L13a_loans_made_or_guaranteed_by_the_candidate_ytd", "L13b_all_other_loans_ytd",
    "L13c_total_loans_ytd", "L14_offsets_to_operating_expenditures_ytd", "L15_other_receipts_ytd",
    "L16_total_receipts_ytd", "L17_operating_expenditures_ytd",
    "L18_transfers_to_other_authorized_committees_ytd",
    "L19a_loan_repayments_of_loans_made_or_guaranteed_by_candidate_ytd",
    "L19b_loan_repayments_of_all_other_loans_ytd", "L19c_total_loan_repayments_ytd",
    "L20a_refunds_to_individuals_ytd", "L20b_refunds_to_political_party_committees_ytd",
    "L20c_refunds_to_other_political_committees_ytd", "L20d_total_contribution_refunds_ytd",
    "L21_other_disbursements_ytd", "L22_total_disbursements_ytd",
};

// Index of `name` in `columns`; a compile-time constant for the names we use.
template <std::size_t N>
constexpr std::size_t Col(const std::array<std::string_view, N>& columns, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (columns[i] == name) return i;
  }
  return N;  // not a column: any use of it fails the static_asserts in fec_report.cc
}

// Index of a Schedule A column.
constexpr std::size_t Sa(std::string_view name) { return Col(kScheduleAColumns, name); }

// Where a Schedule A contributor column lives in the donor's sealed personal
// data, and its length in INDIVIDUAL_RECEIPT.json: import reads these
// columns into the donor, the report writes them back.
struct ContributorField {
  std::string_view column;
  std::string DonorPii::*member;
  std::size_t chars_max;
};
inline const ContributorField kContributorFields[] = {
    {"contributor_last_name", &DonorPii::family_name, 30},
    {"contributor_first_name", &DonorPii::given_name, 20},
    {"contributor_middle_name", &DonorPii::middle_name, 20},
    {"contributor_prefix", &DonorPii::name_prefix, 10},
    {"contributor_suffix", &DonorPii::name_suffix, 10},
    {"contributor_street_1", &DonorPii::street, 34},
    {"contributor_street_2", &DonorPii::street2, 34},
    {"contributor_city", &DonorPii::city, 30},
    {"contributor_state", &DonorPii::region, 2},
    {"contributor_zip_code", &DonorPii::postcode, 9},
    {"contributor_employer", &DonorPii::employer, 38},
    {"contributor_occupation", &DonorPii::occupation, 38},
};

}  // namespace probity::fec

#endif  // PROBITY_REPORTS_FEC_COLUMNS_H_
