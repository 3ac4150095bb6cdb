// The donor_names table (docs/format.md 12.4): Store's donor-name index.
// Like gift_deltas.cc, the Store members of one table in a file of their own.
#include "ledger/store.h"

namespace probity {

Hash Store::DonorNameMac(std::string_view normalised_name) const {
  // The key is derived on open and never stored: someone who reads the table
  // without the database key cannot test a guessed name against it.
  PROBITY_ASSERT(donor_index_key_.size() == kSymmetricKeyBytes);
  return HmacSha256(donor_index_key_, AsBytes(normalised_name));
}

Status Store::PutDonorName(const std::string& subject, std::int64_t added_seq,
                           std::string_view normalised_name) {
  PROBITY_ASSERT(!subject.empty());
  PROBITY_ASSERT(added_seq >= 0);
  const Hash mac = DonorNameMac(normalised_name);
  PROBITY_ASSIGN_OR_RETURN(
      CachedStmt stmt,
      db_->PrepareCached(
          "INSERT OR REPLACE INTO donor_names(subject, name_mac, added_seq) VALUES(?, ?, ?)"));
  return stmt->Bind(1, subject).BindBlob(2, mac).Bind(3, added_seq).Run();
}

Result<std::vector<std::string>> Store::FindDonorsByName(std::string_view normalised_name) {
  const Hash mac = DonorNameMac(normalised_name);
  PROBITY_ASSIGN_OR_RETURN(
      CachedStmt stmt,
      db_->PrepareCached("SELECT subject FROM donor_names WHERE name_mac = ? ORDER BY added_seq"));
  stmt->BindBlob(1, mac);
  std::vector<std::string> subjects;
  for (;;) {
    PROBITY_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return subjects;
    subjects.push_back(stmt->ColumnText(0));
  }
}

Status Store::DeleteDonorName(const std::string& subject) {
  PROBITY_ASSIGN_OR_RETURN(CachedStmt stmt,
                           db_->PrepareCached("DELETE FROM donor_names WHERE subject = ?"));
  return stmt->Bind(1, subject).Run();
}

}  // namespace probity
