// PROBITY_ASSERT: always on, even in release builds (STYLE.md rule 3).
// For programmer errors only; operating errors are returned as a Status.
#ifndef PROBITY_LEDGER_ASSERT_H_
#define PROBITY_LEDGER_ASSERT_H_

namespace probity {
[[noreturn]] void AssertFail(const char* expr, const char* file, int line);
}  // namespace probity

#define PROBITY_ASSERT(cond) \
  ((cond) ? (void)0 : ::probity::AssertFail(#cond, __FILE__, __LINE__))

#endif  // PROBITY_LEDGER_ASSERT_H_
