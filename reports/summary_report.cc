#include "reports/summary_report.h"

#include <algorithm>
#include <tuple>

#include "policies/donations.h"
#include "policies/scopes.h"
#include "reports/html.h"
#include "reports/table.h"

namespace probity {
namespace {

std::string Escape(const std::string& s) { return HtmlEscape(s); }

// Sums the gift_deltas groups (Store::ScanGiftGroups) into the totals and,
// one donor at a time, the near-cap list: the groups come ordered by scope
// then subject, so a donor's windows are complete when the next donor starts,
// and memory holds one donor's windows, not every donor's.
class SummaryFold {
 public:
  explicit SummaryFold(const std::vector<BoundScope>& scopes) : scopes_(scopes) {}

  void Add(const GiftGroup& g) {
    // A group no gift stands in any more (its gifts were restated elsewhere)
    // shows nowhere, as a listing of the donations as they stand would not.
    if (g.gifts <= 0) return;
    totals_.per_month[{g.currency, g.month}] += g.net_minor;
    totals_.per_method[{g.currency, g.method}] += g.net_minor;
    totals_.per_scope[{g.currency, g.scope}] += g.net_minor;
    totals_.total[g.currency] += g.net_minor;
    totals_.donations += static_cast<std::size_t>(g.gifts);
    if (g.scope != scope_ || g.subject != subject_) FlushDonor();
    scope_ = g.scope;
    subject_ = g.subject;
    Use(by_year_[g.month.substr(0, 4)], g);
    Use(by_election_[g.election], g);
    Use(whole_[g.scope], g);
  }

  // The totals, and the near-cap list in the order of Summary::near_cap.
  SummaryTotals TakeTotals() { return std::move(totals_); }
  std::vector<NearCap> TakeNearCap() {
    FlushDonor();
    std::stable_sort(hits_.begin(), hits_.end(), [](const Hit& a, const Hit& b) {
      return std::tie(a.scope_index, a.rule_index) < std::tie(b.scope_index, b.rule_index);
    });
    std::vector<NearCap> out;
    for (Hit& h : hits_) out.push_back(std::move(h.near));
    return out;
  }

 private:
  struct Used {
    std::int64_t net_minor = 0;
    std::int64_t gifts = 0;
  };
  struct Hit {
    std::size_t scope_index = 0;
    std::size_t rule_index = 0;
    NearCap near;
  };
  using Windows = std::map<std::string, Used>;

  static void Use(Used& u, const GiftGroup& g) {
    u.net_minor += g.net_minor;
    u.gifts += g.gifts;
  }
  void FlushDonor();
  void CheckRule(std::size_t scope_index, std::size_t rule_index, const Windows& windows);

  const std::vector<BoundScope>& scopes_;
  SummaryTotals totals_;
  std::vector<Hit> hits_;
  std::string scope_, subject_;  // the donor being summed; subject empty: anonymous gifts
  Windows by_year_, by_election_, whole_;
};

// The donor's windows against every cap of the scope with an amount.
void SummaryFold::FlushDonor() {
  if (!subject_.empty()) {
    for (std::size_t i = 0; i < scopes_.size(); ++i) {
      if (scopes_[i].info.id != scope_) continue;
      const std::vector<Rule>& rules = scopes_[i].pack.rules;
      for (std::size_t r = 0; r < rules.size(); ++r) {
        if (rules[r].type != RuleType::kCap || !rules[r].amount_minor) continue;
        const Window w = rules[r].window;
        CheckRule(i, r, w == Window::kCalendarYear ? by_year_
                        : w == Window::kElection   ? by_election_
                                                   : whole_);
      }
    }
  }
  by_year_.clear();
  by_election_.clear();
  whole_.clear();
}

void SummaryFold::CheckRule(std::size_t scope_index, std::size_t rule_index,
                            const Windows& windows) {
  const Rule& rule = scopes_[scope_index].pack.rules[rule_index];
  for (const auto& [window, used] : windows) {
    if (used.gifts <= 0 || used.net_minor * 100 < *rule.amount_minor * kNearCapPercent) continue;
    hits_.push_back(Hit{scope_index, rule_index,
                        NearCap{subject_, scope_, window, used.net_minor, *rule.amount_minor,
                                rule.source}});
  }
}

// A table and a horizontal bar chart (inline SVG) of one breakdown.
std::string Section(const std::string& title, const std::string& id,
                    const std::map<std::pair<std::string, std::string>, std::int64_t>& rows) {
  std::int64_t max = 1;
  for (const auto& [key, minor] : rows) max = std::max(max, minor);
  const int bar_height = 22;
  std::string table = "<table id=\"" + id + "\"><tr><th>" + Escape(title) +
                      "</th><th>currency</th><th>net</th></tr>\n";
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"" +
                    std::to_string(bar_height * static_cast<int>(rows.size()) + 4) +
                    "\" role=\"img\" aria-label=\"" + Escape(title) + "\">\n";
  int y = 2;
  for (const auto& [key, minor] : rows) {
    const std::string amount = DecimalAmount(minor);
    table += "<tr><td>" + Escape(key.second) + "</td><td>" + Escape(key.first) +
             "</td><td class=\"n\">" + amount + "</td></tr>\n";
    // Bar width in whole pixels from integers: 400 px for the largest.
    const std::int64_t width = std::max<std::int64_t>(0, minor) * 400 / max;
    svg += "<text x=\"0\" y=\"" + std::to_string(y + 15) + "\" font-size=\"12\">" +
           Escape(key.second) + "</text><rect x=\"110\" y=\"" + std::to_string(y + 3) +
           "\" width=\"" + std::to_string(width) + "\" height=\"16\" fill=\"#3b6ea5\"/><text x=\"" +
           std::to_string(115 + width) + "\" y=\"" + std::to_string(y + 15) +
           "\" font-size=\"12\">" + amount + " " + Escape(key.first) + "</text>\n";
    y += bar_height;
  }
  return "<h2>" + Escape(title) + "</h2>\n" + table + "</table>\n" + svg + "</svg>\n";
}

std::string NearCapSection(const std::vector<NearCap>& near_cap) {
  std::string rows;
  for (const NearCap& n : near_cap) {
    rows += "<tr><td>" + Escape(n.subject) + "</td><td>" + Escape(n.scope) + " " +
            Escape(n.window) + "</td><td class=\"n\">" + DecimalAmount(n.given_minor) +
            "</td><td class=\"n\">" + DecimalAmount(n.cap_minor) + "</td><td>" +
            Escape(n.source) + "</td></tr>\n";
  }
  return "<h2>Donors near a cap (" + std::to_string(kNearCapPercent) +
         "% or more)</h2>\n<table id=\"near-cap\"><tr><th>donor</th><th>scope, window</th>"
         "<th>given</th><th>cap</th><th>source</th></tr>\n" + rows + "</table>\n";
}

Result<std::string> Obligations(Ledger& ledger, const Date& today) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<OpenObligation> open, ListObligations(ledger, today));
  std::string rows;
  for (const OpenObligation& o : open) {
    rows += "<tr><td>" + std::to_string(o.donation_seq) + "</td><td>" + Escape(o.subject) +
            "</td><td>" + Escape(o.action) + "</td><td>" + FormatDate(o.due) + "</td><td>" +
            (o.overdue ? "overdue" : "") + "</td></tr>\n";
  }
  return "<h2>Open obligations</h2>\n<table id=\"obligations\"><tr><th>donation</th><th>donor</th>"
         "<th>action</th><th>due</th><th></th></tr>\n" + rows + "</table>\n";
}

Result<Summary> BuildSummaryIn(Ledger& ledger, const Date& today) {
  Summary s;
  PROBITY_ASSIGN_OR_RETURN(s.checkpoint, CurrentCheckpoint(ledger));
  PROBITY_ASSIGN_OR_RETURN(std::vector<BoundScope> scopes, ListScopes(ledger.store()));
  SummaryFold fold(scopes);
  PROBITY_RETURN_IF_ERROR(ledger.store().ScanGiftGroups([&](const GiftGroup& g) {
    fold.Add(g);
    return Status::OK();
  }));
  s.totals = fold.TakeTotals();
  s.near_cap = fold.TakeNearCap();
  std::string totals;
  for (const auto& [currency, minor] : s.totals.total) {
    totals += "<li class=\"total\" data-currency=\"" + Escape(currency) + "\">" + DecimalAmount(minor) +
              " " + Escape(currency) + "</li>\n";
  }
  const std::string near = NearCapSection(s.near_cap);
  PROBITY_ASSIGN_OR_RETURN(std::string obligations, Obligations(ledger, today));
  s.html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<title>Probity summary</title><style>body{font-family:sans-serif;margin:2em}"
           "table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;"
           "padding:2px 8px}.n{text-align:right}</style></head><body>\n"
           "<h1>Donations summary</h1>\n<p id=\"checkpoint\">" + Escape(s.checkpoint.Line()) +
           "</p>\n<p>" + std::to_string(s.totals.donations) + " donations, net of refunds:</p>\n"
           "<ul id=\"totals\">\n" + totals + "</ul>\n" +
           Section("month", "per-month", s.totals.per_month) +
           Section("method", "per-method", s.totals.per_method) +
           Section("scope", "per-scope", s.totals.per_scope) + near + obligations +
           "</body></html>\n";
  return s;
}

}  // namespace

// In one read transaction, so that the totals are those of the checkpoint the
// page names even if another process appends meanwhile.
Result<Summary> BuildSummary(Ledger& ledger, const Date& today) {
  PROBITY_RETURN_IF_ERROR(ledger.store().db().Exec("BEGIN;"));
  Result<Summary> s = BuildSummaryIn(ledger, today);
  // Nothing was written: ending the read transaction cannot lose anything.
  if (!ledger.store().db().Exec("COMMIT;").ok()) ledger.store().Rollback();
  return s;
}

}  // namespace probity
