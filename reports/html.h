// Text put into the HTML pages reports write (summary, GDPR access letter).
#ifndef PROBITY_REPORTS_HTML_H_
#define PROBITY_REPORTS_HTML_H_

#include <string>
#include <string_view>

namespace probity {

// `s` with & < > " ' replaced by entities: safe as element text and inside a
// quoted attribute value. Every piece of ledger or user text goes through it.
std::string HtmlEscape(std::string_view s);

}  // namespace probity

#endif  // PROBITY_REPORTS_HTML_H_
