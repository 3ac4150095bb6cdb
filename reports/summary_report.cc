#include "reports/summary_report.h"

#include <algorithm>

#include "policies/donations.h"
#include "policies/scopes.h"
#include "reports/html.h"
#include "reports/table.h"

namespace probity {
namespace {

std::string Escape(const std::string& s) { return HtmlEscape(s); }

SummaryTotals Sum(const std::vector<ReportDonation>& gifts) {
  SummaryTotals t;
  for (const ReportDonation& d : gifts) {
    const std::string month = FormatDate(d.date).substr(0, 7);
    t.per_month[{d.currency, month}] += d.net_minor();
    t.per_method[{d.currency, d.method}] += d.net_minor();
    t.per_scope[{d.currency, d.scope}] += d.net_minor();
    t.total[d.currency] += d.net_minor();
    ++t.donations;
  }
  return t;
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

// Donors whose net gifts in a cap's window reach kNearCapPercent of it.
Result<std::string> NearCaps(Ledger& ledger, const std::vector<ReportDonation>& gifts) {
  PROBITY_ASSIGN_OR_RETURN(std::vector<BoundScope> scopes, ListScopes(ledger.store()));
  std::string rows;
  for (const BoundScope& s : scopes) {
    for (const Rule& rule : s.pack.rules) {
      if (rule.type != RuleType::kCap || !rule.amount_minor) continue;
      std::map<std::pair<std::string, std::string>, std::int64_t> used;  // (subject, window)
      for (const ReportDonation& d : gifts) {
        if (d.scope != s.info.id || d.subject.empty()) continue;
        const std::string window = rule.window == Window::kCalendarYear ? std::to_string(d.date.year)
                                   : rule.window == Window::kElection   ? d.election
                                                                        : s.info.id;
        used[{d.subject, window}] += d.net_minor();
      }
      for (const auto& [key, minor] : used) {
        if (minor * 100 < *rule.amount_minor * kNearCapPercent) continue;
        rows += "<tr><td>" + Escape(key.first) + "</td><td>" + Escape(s.info.id) + " " +
                Escape(key.second) + "</td><td class=\"n\">" + DecimalAmount(minor) +
                "</td><td class=\"n\">" + DecimalAmount(*rule.amount_minor) + "</td><td>" +
                Escape(rule.source) + "</td></tr>\n";
      }
    }
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

}  // namespace

Result<Summary> BuildSummary(Ledger& ledger, const Date& today) {
  Summary s;
  PROBITY_ASSIGN_OR_RETURN(s.checkpoint, CurrentCheckpoint(ledger));
  PROBITY_ASSIGN_OR_RETURN(std::vector<ReportDonation> gifts, LoadReportDonations(ledger, ""));
  s.totals = Sum(gifts);
  std::string totals;
  for (const auto& [currency, minor] : s.totals.total) {
    totals += "<li class=\"total\" data-currency=\"" + Escape(currency) + "\">" + DecimalAmount(minor) +
              " " + Escape(currency) + "</li>\n";
  }
  PROBITY_ASSIGN_OR_RETURN(std::string near, NearCaps(ledger, gifts));
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

}  // namespace probity
