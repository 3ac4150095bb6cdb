#!/usr/bin/env bash
# The README's first command: install, build, and run the main job on a demo
# ledger (an encrypted SQLCipher file in ./demo, no server).
set -euo pipefail
cd "$(dirname "$0")/.."
# PROBITY_BIN: run an already built binary instead (the test suite runs this
# script with its own build); PROBITY_DEMO_DIR: where the demo ledger goes.
if [ -n "${PROBITY_BIN:-}" ]; then
  probity=$PROBITY_BIN
else
  scripts/install-deps.sh
  scripts/build.sh >/dev/null
  probity=$PWD/build/probity
fi
demo=${PROBITY_DEMO_DIR:-$PWD/demo}
rm -rf "$demo" && mkdir -m 700 "$demo" && cd "$demo"

# Demo secrets in files (mode 0600). Real users type them at the prompt.
umask 077
printf 'correct horse battery staple\n' > ledger.pass
printf 'treasurer key passphrase\n' > key.pass
export PROBITY_LEDGER=$demo/campaign.ledger
export PROBITY_PASSPHRASE_FILE=$demo/ledger.pass
export PROBITY_KEY=$demo/treasurer.key
export PROBITY_KEY_PASSPHRASE_FILE=$demo/key.pass

step() { printf '\n$ probity %s\n' "$*" >&2; }
step key new --name treasurer --out treasurer.key
"$probity" key new --name treasurer --out treasurer.key
step init --origin example.org/fr-pres-2027
"$probity" init --origin example.org/fr-pres-2027
step scope add fr-pres-2027 --pack fr-candidate-2027-presidential --param spending_ceiling=16851000
"$probity" scope add fr-pres-2027 --pack fr-candidate-2027-presidential \
  --param spending_ceiling=16851000.00
step donor add --name "Jeanne Martin" ...
jeanne=$("$probity" donor add --name "Jeanne Martin" --type person --nationality FR \
  --residence FR --address "12 rue des Lilas, 69003 Lyon" --email jeanne@example.org)
echo "$jeanne"
step donor add --name "Paul Durand" ...
paul=$("$probity" donor add --name "Paul Durand" --type person --nationality FR --residence FR \
  --address "3 place du Marché, 33000 Bordeaux")
echo "$paul"
step donation add --donor "$jeanne" --amount 150.00 --currency EUR --method cheque ...
"$probity" donation add --donor "$jeanne" --amount 150.00 --currency EUR --method cheque \
  --date 2026-11-02 --scope fr-pres-2027
step donation add --donor "$paul" --amount 4500 --currency EUR --method transfer ...
gift=$("$probity" donation add --donor "$paul" --amount 4500 --currency EUR --method transfer \
  --date 2026-11-05 --scope fr-pres-2027)
echo "$gift"
step donation add --donor "$paul" --amount 300.00 ...   "# over the 4,600 EUR cap: refused, exit 3"
status=0
"$probity" donation add --donor "$paul" --amount 300.00 --currency EUR --method cheque \
  --date 2027-01-10 --scope fr-pres-2027 || status=$?
echo "exit code $status (3: refused by a policy rule; nothing was written)" >&2
[ "$status" -eq 3 ] || { echo "demo: expected exit code 3, got $status" >&2; exit 1; }
step check --donor "$paul" --amount 100.00 ...   "# the same decision, without writing"
"$probity" check --donor "$paul" --amount 100.00 --currency EUR --method cheque \
  --date 2027-01-10 --scope fr-pres-2027
step refund --donation "$gift" --amount 200.00 --currency EUR ...
"$probity" refund --donation "$gift" --amount 200.00 --currency EUR --date 2026-11-06 \
  --reason "donor asked"
step purpose add newsletter --basis "Art. 6(1)(a), Art. 9(2)(a)" --retention 3y ...
"$probity" purpose add newsletter --basis "Art. 6(1)(a), Art. 9(2)(a)" --retention 3y \
  --description "The campaign newsletter, by e-mail"
step consent grant --donor "$jeanne" --purpose newsletter ...
"$probity" consent grant --donor "$jeanne" --purpose newsletter \
  --text "I agree to receive the campaign newsletter by e-mail." --channel web --date 2026-11-02
step donation list
"$probity" donation list
step log
"$probity" log
step obligations
"$probity" obligations
step checkpoint
"$probity" checkpoint
step verify
"$probity" verify
step export audit --out "$demo/audit.probity"   "# the auditor's bundle (personal data: 0600)"
rm -f "$demo/audit.probity"
"$probity" export audit --out "$demo/audit.probity"
step verify "$demo/audit.probity" --trust "\$(probity key public ...)"   "# offline: no ledger, no passphrase"
trust=$("$probity" key public "$PROBITY_KEY")
env -u PROBITY_LEDGER -u PROBITY_PASSPHRASE_FILE "$probity" verify "$demo/audit.probity" --trust "$trust"
