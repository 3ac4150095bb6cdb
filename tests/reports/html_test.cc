#include "reports/html.h"

#include <gtest/gtest.h>

namespace probity {
namespace {

TEST(HtmlEscape, EscapesTheFiveCharacters) {
  EXPECT_EQ(HtmlEscape("a<b>&\"'c"), "a&lt;b&gt;&amp;&quot;&#39;c");
  EXPECT_EQ(HtmlEscape("&amp;"), "&amp;amp;") << "already-escaped text is escaped again";
  EXPECT_EQ(HtmlEscape(""), "");
  EXPECT_EQ(HtmlEscape("Élodie Müller"), "Élodie Müller") << "UTF-8 passes through";
}

}  // namespace
}  // namespace probity
