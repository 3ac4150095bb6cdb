// probity gdpr request open / extend / close / list / show: the register of
// GDPR requests and their deadlines (Art. 12(3)).
#include "cli/common.h"
#include "ledger/requests.h"

namespace probity::cli {
namespace {

struct OpenOptions {
  std::string subject, type, received, channel;
};
struct ExtendOptions {
  std::int64_t id = -1;
  std::string reason, date;
  std::int64_t months = 1;
};
struct CloseOptions {
  std::int64_t id = -1;
  std::string outcome = "answered", basis, possible_from, note, date;
};
struct ListOptions {
  bool overdue = false, open = false, fail_on_overdue = false;
  std::string as_of;
};

Result<Date> AsOf(const std::string& text) {
  if (text.empty()) return TodayUtc();
  Result<Date> d = ParseDate(text);
  if (!d.ok()) return d.status().WithContext("--as-of");
  return d;
}

Status RunOpen(const GlobalOptions& g, const OpenOptions& o) {
  PROBITY_RETURN_IF_ERROR(ValidateSubjectId(o.subject).WithContext("--subject"));
  Result<Date> received = ParseDate(o.received);
  if (!received.ok()) return received.status().WithContext("--received");
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
  PROBITY_ASSIGN_OR_RETURN(
      std::int64_t seq,
      OpenRequest(*ledger, key, NewRequest{o.subject, o.type, *received, o.channel}, TodayUtc()));
  Warn("request " + std::to_string(seq) + " due " + FormatDate(RequestFirstDue(*received)));
  PrintOut(std::to_string(seq));
  return Status::OK();
}

Status RunExtend(const GlobalOptions& g, const ExtendOptions& o) {
  Result<Date> date = ParseDate(o.date);
  if (!date.ok()) return date.status().WithContext("--date");
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
  PROBITY_ASSIGN_OR_RETURN(
      std::int64_t seq,
      ExtendRequest(*ledger, key, NewExtension{o.id, *date, o.reason, o.months}, TodayUtc()));
  PROBITY_ASSIGN_OR_RETURN(RequestRecord r, LoadRequest(ledger->store(), o.id));
  Warn("request " + std::to_string(o.id) + " now due " + FormatDate(r.due));
  PrintOut(std::to_string(seq));
  return Status::OK();
}

Status RunClose(const GlobalOptions& g, const CloseOptions& o) {
  Result<Date> date = ParseDate(o.date);
  if (!date.ok()) return date.status().WithContext("--date");
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(NamedKey key, LoadSigningKey(g));
  NewClosing c;
  c.request_seq = o.id;
  c.date = *date;
  c.outcome = o.outcome;
  c.basis = o.basis;
  c.possible_from = o.possible_from;
  c.note = o.note;
  PROBITY_ASSIGN_OR_RETURN(std::int64_t seq, CloseRequest(*ledger, key, c, TodayUtc()));
  PrintOut(std::to_string(seq));
  return Status::OK();
}

std::string Standing(const RequestRecord& r, const Date& today) {
  if (r.closed) {
    const std::int64_t late = DaysFromCivil(r.closed_date) - DaysFromCivil(r.due);
    return late > 0 ? "closed " + std::to_string(late) + " days late" : "closed in time";
  }
  const std::int64_t left = r.DaysToDue(today);
  if (left < 0) return std::to_string(-left) + " days late";
  return left == 0 ? "due today" : std::to_string(left) + " days left";
}

std::string StatusWord(const RequestRecord& r, const Date& today) {
  if (r.closed) return r.outcome;
  if (r.Overdue(today)) return "OVERDUE";
  return r.extensions.empty() ? "open" : "extended";
}

Json RequestJson(const RequestRecord& r, const Date& today) {
  Json j = {{"id", r.seq},
            {"subject", r.subject},
            {"type", r.type},
            {"received", FormatDate(r.received)},
            {"channel", r.channel},
            {"first_due", FormatDate(r.first_due)},
            {"due", FormatDate(r.due)},
            {"status", r.closed ? r.outcome : "open"},
            {"overdue", r.Overdue(today)},
            {"late", r.Late(today)},
            {"days_to_due", r.DaysToDue(today)},
            {"extensions", Json::array()}};
  for (const RequestExtension& x : r.extensions) {
    j["extensions"].push_back(
        {{"seq", x.seq}, {"date", FormatDate(x.date)}, {"reason", x.reason}, {"due", FormatDate(x.due)}});
  }
  if (r.closed) {
    j["closed_seq"] = r.closed_seq;
    j["closed_date"] = FormatDate(r.closed_date);
    j["basis"] = r.basis;
    j["possible_from"] = r.possible_from;
    j["answer_sha256"] = r.answer_sha256;
    j["note"] = r.note;
  }
  return j;
}

Status RunList(const GlobalOptions& g, const ListOptions& o) {
  PROBITY_ASSIGN_OR_RETURN(Date today, AsOf(o.as_of));
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(std::vector<RequestRecord> all, LoadRequests(ledger->store(), ""));
  OrderRegister(today, &all);
  Json out = Json::array();
  std::int64_t overdue = 0;
  for (const RequestRecord& r : all) {
    if (r.Overdue(today)) ++overdue;
    if ((o.overdue && !r.Overdue(today)) || (o.open && r.closed)) continue;
    if (g.json) {
      out.push_back(RequestJson(r, today));
      continue;
    }
    PrintOut(std::to_string(r.seq) + "  " + r.subject + "  " + r.type + "  received " +
             FormatDate(r.received) + "  due " + FormatDate(r.due) + "  " + Standing(r, today) +
             "  " + StatusWord(r, today));
  }
  if (g.json) PrintJson(out);
  if (o.fail_on_overdue && overdue > 0) {
    return Status::VerificationFailed(std::to_string(overdue) +
                                      " open GDPR request(s) past their deadline as of " +
                                      FormatDate(today) + " (Art. 12(3)); answer or close them");
  }
  return Status::OK();
}

Status RunShow(const GlobalOptions& g, std::int64_t id) {
  PROBITY_ASSIGN_OR_RETURN(auto ledger, OpenLedger(g));
  PROBITY_ASSIGN_OR_RETURN(RequestRecord r, LoadRequest(ledger->store(), id));
  const Date today = TodayUtc();
  if (g.json) {
    PrintJson(RequestJson(r, today));
    return Status::OK();
  }
  PrintOut("request " + std::to_string(r.seq) + ": " + r.type + " by " + r.subject + ", received " +
           FormatDate(r.received) + " by " + r.channel);
  PrintOut("  first due " + FormatDate(r.first_due) + ", due " + FormatDate(r.due) + ": " +
           Standing(r, today));
  for (const RequestExtension& x : r.extensions) {
    PrintOut("  extended to " + FormatDate(x.due) + " (entry " + std::to_string(x.seq) +
             ", person told " + FormatDate(x.date) + "): " + x.reason);
  }
  if (!r.closed) {
    PrintOut("  open");
    return Status::OK();
  }
  PrintOut("  closed " + r.outcome + " on " + FormatDate(r.closed_date) + " (entry " +
           std::to_string(r.closed_seq) + ")");
  if (!r.basis.empty()) PrintOut("  basis: " + r.basis);
  if (!r.possible_from.empty()) PrintOut("  erasure possible from " + r.possible_from);
  if (!r.answer_sha256.empty()) PrintOut("  answer sha256 " + r.answer_sha256);
  if (!r.note.empty()) PrintOut("  note: " + r.note);
  return Status::OK();
}

const std::vector<std::string> kRequestTypes = {"access",      "erasure",   "rectification",
                                                "restriction", "objection", "portability"};

void RegisterOpen(CLI::App* request, GlobalOptions& g, Action& action) {
  auto o = std::make_shared<OpenOptions>();
  CLI::App* cmd = request->add_subcommand(
      "open", "record a request received; prints its id (due: received + 1 month)\n"
              "  example: probity gdpr request open --subject S-0123456789 --type access "
              "--received 2027-01-31 --channel email");
  cmd->add_option("--subject", o->subject, "subject id")->required();
  cmd->add_option("--type", o->type, "access, erasure, rectification, restriction, objection, "
                                     "portability")
      ->required()
      ->check(CLI::IsMember(kRequestTypes));
  cmd->add_option("--received", o->received, "date received, YYYY-MM-DD (not in the future)")
      ->required();
  cmd->add_option("--channel", o->channel, "how it came: email, letter, web, ...")->required();
  cmd->callback([&g, &action, o] { action = [&g, o] { return RunOpen(g, *o); }; });
}

void RegisterExtend(CLI::App* request, GlobalOptions& g, Action& action) {
  auto o = std::make_shared<ExtendOptions>();
  CLI::App* cmd = request->add_subcommand(
      "extend", "move an open request's deadline by 1 or 2 further months (Art. 12(3)); the\n"
                "  person must be told within the first month, and --date is when they were;\n"
                "  never past received + 3 months. Prints the entry number.\n"
                "  example: probity gdpr request extend 12 --reason \"many requests\" "
                "--months 2 --date 2027-02-10");
  cmd->add_option("id", o->id, "request id (as `gdpr request open` printed it)")->required();
  cmd->add_option("--reason", o->reason, "why more time is needed (no personal data)")
      ->required();
  cmd->add_option("--months", o->months, "further months: 1 (default) or 2")
      ->check(CLI::Range(1, 2));
  cmd->add_option("--date", o->date, "when the person was told, YYYY-MM-DD")->required();
  cmd->callback([&g, &action, o] { action = [&g, o] { return RunExtend(g, *o); }; });
}

void RegisterClose(CLI::App* request, GlobalOptions& g, Action& action) {
  auto o = std::make_shared<CloseOptions>();
  CLI::App* cmd = request->add_subcommand(
      "close", "close an open request; prints the entry number\n"
               "  example: probity gdpr request close 12 --outcome refused --basis "
               "\"Art. 17(3)(b)\" --possible-from 2032-01-01 --date 2027-02-20");
  cmd->add_option("id", o->id, "request id")->required();
  cmd->add_option("--outcome", o->outcome, "answered (default), refused or withdrawn")
      ->check(CLI::IsMember({"answered", "refused", "withdrawn"}));
  cmd->add_option("--basis", o->basis, "legal basis of a refusal (required when refused)");
  cmd->add_option("--possible-from", o->possible_from,
                  "a refused erasure: the first day it becomes possible, YYYY-MM-DD");
  cmd->add_option("--note", o->note, "a note (no personal data)");
  cmd->add_option("--date", o->date, "when the answer was sent, YYYY-MM-DD")->required();
  cmd->callback([&g, &action, o] { action = [&g, o] { return RunClose(g, *o); }; });
}

void RegisterList(CLI::App* request, GlobalOptions& g, Action& action) {
  auto o = std::make_shared<ListOptions>();
  CLI::App* cmd = request->add_subcommand(
      "list", "the register: overdue requests first, then by due date\n"
              "  --fail-on-overdue exits with 4 (a check failed, as `probity verify` does) when\n"
              "  an open request is past its deadline, for a cron job; the list still prints.\n"
              "  example: probity gdpr request list --open --fail-on-overdue");
  cmd->add_flag("--overdue", o->overdue, "only open requests past their deadline");
  cmd->add_flag("--open", o->open, "only open requests");
  cmd->add_flag("--fail-on-overdue", o->fail_on_overdue,
                "exit 4 if any open request is past its deadline");
  cmd->add_option("--as-of", o->as_of, "the day to count from, YYYY-MM-DD (default: today, UTC)");
  cmd->callback([&g, &action, o] { action = [&g, o] { return RunList(g, *o); }; });
}

}  // namespace

CLI::App* GdprCommand(CLI::App& app) {
  std::vector<CLI::App*> found =
      app.get_subcommands([](CLI::App* a) { return a->get_name() == "gdpr"; });
  if (!found.empty()) return found.front();
  CLI::App* gdpr = app.add_subcommand(
      "gdpr", "data-protection work (GDPR)\n  example: probity gdpr request list --open");
  gdpr->require_subcommand(1);
  return gdpr;
}

void RegisterGdprRequestCommands(CLI::App& app, GlobalOptions& g, Action& action) {
  CLI::App* request =
      GdprCommand(app)->add_subcommand("request",
                                       "the register of GDPR requests and their deadlines "
                                       "(Art. 12(3))\n  example: probity gdpr request list --overdue");
  request->require_subcommand(1);
  RegisterOpen(request, g, action);
  RegisterExtend(request, g, action);
  RegisterClose(request, g, action);
  RegisterList(request, g, action);
  auto id = std::make_shared<std::int64_t>(-1);
  CLI::App* show = request->add_subcommand(
      "show", "one request with its extensions and closing\n"
              "  example: probity gdpr request show 12 --json");
  show->add_option("id", *id, "request id")->required();
  show->callback([&g, &action, id] { action = [&g, id] { return RunShow(g, *id); }; });
}

}  // namespace probity::cli
