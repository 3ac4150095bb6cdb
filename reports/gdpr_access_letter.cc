// The access letter (index.html): what GDPR Art. 15(1)(a)-(h) requires, in
// English or French, rendered from data.json's content so that the letter and
// the machine-readable copy cannot disagree. Self-contained: inline style, no
// script, no external resource. Every piece of ledger text is escaped.
#include <map>
#include <set>

#include "ledger/money.h"
#include "reports/gdpr_access.h"
#include "reports/html.h"

namespace probity {
namespace {

// The fixed wording of the letter, one set per language.
struct Words {
  const char* lang;
  const char* title;
  const char* intro;       // followed by the origin
  const char* answers;     // "This answers request"
  const char* received;
  const char* no_requests;
  const char* erased;
  const char* h_data;
  const char* categories;
  const char* field;
  const char* value;
  const char* rectified;
  const char* h_gifts;
  const char* gifts_special;
  const char* no_gifts;
  const char* cols_gifts[7];  // entry, date, amount, refunded, kept, method, scope
  const char* h_purposes;
  const char* purpose_finance;
  const char* basis_finance;
  const char* purpose_unregistered;
  const char* h_recipients;
  const char* no_authority;
  const char* public_fr;
  const char* public_us;
  const char* public_gb;
  const char* h_retention;
  const char* retention_line;  // "kept N days after ..."; then "ends on"
  const char* retention_ends;
  const char* h_source;
  const char* source_you;
  const char* source_import;
  const char* h_rights;
  const char* rights;
  const char* erasure_limit;
  const char* complaint_fr;
  const char* complaint_gb;
  const char* complaint_us;
  const char* complaint_none;
  const char* h_automated;
  const char* automated;
  const char* h_consents;
  const char* no_consents;
  const char* cols_consents[6];  // entry, purpose, date, channel, wording, withdrawn
  const char* h_requests;
  const char* cols_requests[5];  // entry, type, received, due, closed
  const char* open;
  const char* h_proofs;
  const char* proofs;
};

const Words kEn = {
    "en",
    "Your personal data",
    "This letter answers your right of access (GDPR Art. 15). It lists everything the "
    "donation ledger below holds about you; data.json beside it is the same content in a "
    "machine-readable form you may take elsewhere (Art. 20). Ledger:",
    "This answers your request",
    "received",
    "No data-protection request is recorded.",
    "Your identity has been erased (Art. 17): the key that encrypted your name and details was "
    "destroyed, so no one can read them any more. What remains are the signed facts the law "
    "requires to be kept (amounts, dates, how you gave), under an opaque number.",
    "1. The data about you",
    "Categories: identity and contact details as you gave them, and your donations, which "
    "reveal a political opinion (a special category, Art. 9).",
    "Field",
    "Value",
    "Corrected (Art. 16) by entries",
    "2. Your donations",
    "Amounts are as they stand after corrections; refunds are shown beside them.",
    "No donation is recorded for you.",
    {"Entry", "Date", "Amount", "Refunded", "Kept", "Method", "Scope"},
    "3. Why we hold it (purposes and legal basis)",
    "Recording your donations and filing them with the authority, as campaign-finance law "
    "requires",
    "Legal obligation (GDPR Art. 6(1)(c)); donations to a political body (Art. 9(2)(d) and "
    "(g)). Rules:",
    "Named by your consent; its description was not recorded in the ledger.",
    "4. Who receives it",
    "This pack names no authority; ask the campaign who receives its filings.",
    "The CNCCFP does not publish the list of donors.",
    "The FEC publishes the name, address, employer and occupation of donors whose gifts add up "
    "to more than 200 USD in the cycle (52 USC 30104(b)(3)(A), 30111(a)(4)).",
    "The Electoral Commission publishes the name of donors whose donations must be reported "
    "(PPERA 2000, s.69).",
    "5. How long it is kept",
    "Kept for %d days after the later of each donation's date and the end of its scope",
    "Retention ends on",
    "6. Where it came from",
    "From you, as you gave it to the campaign.",
    "Some donations were imported from another record:",
    "7. Your rights",
    "You may ask the campaign to correct inaccurate data (Art. 16), to erase it (Art. 17), to "
    "restrict its use (Art. 18), to object to a use based on legitimate interests (Art. 21), "
    "and to receive it in a portable form (Art. 20: data.json). You may withdraw a consent at "
    "any time, without affecting what was done before (Art. 7(3)).",
    "Erasure is refused while the law requires the records to be kept (Art. 17(3)(b)): for "
    "your donations, until the retention end date above.",
    "You may complain to the CNIL (www.cnil.fr), the French supervisory authority (Art. 77).",
    "You may complain to the Information Commissioner's Office (ico.org.uk), the UK "
    "supervisory authority (UK GDPR Art. 77).",
    "US federal law gives no right to erase a filed report. Where the GDPR applies to the "
    "campaign (it is established in the EU or UK, or addresses people there), the rights above "
    "apply and you may complain to the supervisory authority where you live.",
    "You may complain to the data-protection supervisory authority where you live (Art. 77).",
    "8. Automated decisions",
    "No decision about you is taken by profiling you. When a gift is recorded, the program "
    "checks it automatically against the rules of the law (caps, who may give, cash limits) "
    "and refuses to record a gift that breaks one, quoting the legal source. We regard this as "
    "applying a limit the law itself sets, not an evaluation of you; but it is automatic, and "
    "its effect on a refused gift is real. A refusal leaves no record in the ledger. If a gift "
    "of yours was refused or limited, you may ask the treasurer for a review by a person and "
    "state your point of view (Art. 22(3)).",
    "9. Your consents",
    "No consent is recorded.",
    {"Entry", "Purpose", "Date", "How given", "Wording (SHA-256, version)", "Withdrawn"},
    "10. Your requests",
    {"Entry", "Type", "Received", "Due", "Closed"},
    "open",
    "11. Checking this answer yourself",
    "Each entry listed here is signed and part of the ledger's public tree. For each one, the "
    "folder proofs/ holds the entry's exact bytes (SEQ.json) and a proof that it is in the "
    "ledger (SEQ.tlog-proof). The proofs hold only hashes: they reveal nothing about anyone "
    "else. Anyone can check a proof, without the ledger and without any password, with:",
};

const Words kFr = {
    "fr",
    "Vos données personnelles",
    "Ce courrier répond à votre droit d'accès (RGPD, art. 15). Il reprend tout ce que le "
    "registre des dons ci-dessous contient à votre sujet ; le fichier data.json joint en donne "
    "le même contenu sous une forme lisible par machine, que vous pouvez emporter ailleurs "
    "(art. 20). Registre :",
    "Ce courrier répond à votre demande",
    "reçue le",
    "Aucune demande relative à vos données n'est enregistrée.",
    "Votre identité a été effacée (art. 17) : la clé qui chiffrait votre nom et vos coordonnées "
    "a été détruite, personne ne peut plus les lire. Restent les faits signés que la loi impose "
    "de conserver (montants, dates, mode de paiement), sous un numéro opaque.",
    "1. Les données vous concernant",
    "Catégories : identité et coordonnées telles que vous les avez données, et vos dons, qui "
    "révèlent une opinion politique (catégorie particulière, art. 9).",
    "Champ",
    "Valeur",
    "Rectifiées (art. 16) par les entrées",
    "2. Vos dons",
    "Les montants tiennent compte des corrections ; les remboursements figurent à côté.",
    "Aucun don n'est enregistré à votre nom.",
    {"Entrée", "Date", "Montant", "Remboursé", "Conservé", "Mode", "Périmètre"},
    "3. Pourquoi nous les détenons (finalités et base légale)",
    "Enregistrer vos dons et les déclarer à l'autorité, comme l'exige le droit du financement "
    "politique",
    "Obligation légale (RGPD art. 6(1)(c)) ; dons à un organisme politique (art. 9(2)(d) et "
    "(g)). Règles :",
    "Nommée par votre consentement ; sa description n'a pas été enregistrée au registre.",
    "4. Qui les reçoit",
    "Ce pack ne nomme pas d'autorité ; demandez à la campagne à qui elle déclare ses dons.",
    "La CNCCFP ne publie pas la liste des donateurs.",
    "La FEC publie le nom, l'adresse, l'employeur et la profession des donateurs dont les dons "
    "dépassent 200 USD sur le cycle (52 USC 30104(b)(3)(A), 30111(a)(4)).",
    "L'Electoral Commission publie le nom des donateurs dont les dons doivent être déclarés "
    "(PPERA 2000, s.69).",
    "5. Combien de temps elles sont conservées",
    "Conservées %d jours après la plus tardive des deux dates : celle du don, ou la fin de son "
    "périmètre",
    "Fin de conservation le",
    "6. D'où elles viennent",
    "De vous, telles que vous les avez données à la campagne.",
    "Certains dons ont été importés d'un autre registre :",
    "7. Vos droits",
    "Vous pouvez demander à la campagne de rectifier des données inexactes (art. 16), de les "
    "effacer (art. 17), d'en limiter l'usage (art. 18), de vous opposer à un usage fondé sur "
    "l'intérêt légitime (art. 21) et de les recevoir sous une forme portable (art. 20 : "
    "data.json). Vous pouvez retirer un consentement à tout moment, sans effet sur ce qui a été "
    "fait avant (art. 7(3)).",
    "L'effacement est refusé tant que la loi impose de conserver les pièces (art. 17(3)(b)) : "
    "pour vos dons, jusqu'à la date de fin de conservation ci-dessus.",
    "Vous pouvez adresser une réclamation à la CNIL (www.cnil.fr), autorité de contrôle "
    "française (art. 77).",
    "Vous pouvez adresser une réclamation à l'Information Commissioner's Office (ico.org.uk), "
    "autorité de contrôle du Royaume-Uni (UK GDPR art. 77).",
    "Le droit fédéral américain ne permet pas d'effacer un rapport déposé. Lorsque le RGPD "
    "s'applique à la campagne (établie dans l'UE ou au Royaume-Uni, ou s'adressant à des "
    "personnes qui s'y trouvent), les droits ci-dessus s'appliquent et vous pouvez saisir "
    "l'autorité de contrôle de votre lieu de résidence.",
    "Vous pouvez adresser une réclamation à l'autorité de contrôle de votre lieu de résidence "
    "(art. 77).",
    "8. Décisions automatisées",
    "Aucune décision vous concernant n'est fondée sur un profilage. Lorsqu'un don est enregistré, le "
    "logiciel le confronte automatiquement aux règles de la loi (plafonds, qui peut donner, "
    "limites en espèces) et refuse d'enregistrer un don qui en enfreint une, en citant le texte. "
    "Nous y voyons l'application d'une limite fixée par la loi elle-même, non une évaluation de "
    "votre personne ; mais elle est automatique et son effet sur un don refusé est réel. Un "
    "refus ne laisse aucune trace au registre. Si un de vos dons a été refusé ou limité, vous "
    "pouvez demander au mandataire un réexamen par une personne et faire valoir votre point de "
    "vue (art. 22(3)).",
    "9. Vos consentements",
    "Aucun consentement n'est enregistré.",
    {"Entrée", "Finalité", "Date", "Recueilli par", "Texte (SHA-256, version)", "Retiré"},
    "10. Vos demandes",
    {"Entrée", "Type", "Reçue", "Échéance", "Close"},
    "ouverte",
    "11. Vérifier vous-même cette réponse",
    "Chaque entrée citée ici est signée et fait partie de l'arbre public du registre. Pour "
    "chacune, le dossier proofs/ contient les octets exacts de l'entrée (SEQ.json) et la preuve "
    "qu'elle figure au registre (SEQ.tlog-proof). Les preuves ne contiennent que des empreintes : "
    "elles ne révèlent rien sur personne d'autre. Chacun peut vérifier une preuve, sans le "
    "registre et sans mot de passe, avec :",
};

std::string E(const Json& v) {
  if (v.is_string()) return HtmlEscape(v.get<std::string>());
  if (v.is_null()) return "";
  return HtmlEscape(v.dump());
}

std::string Amount(const Json& minor, const Json& currency) {
  Result<Currency> c = LookupCurrency(currency.get<std::string>());
  if (!c.ok()) return E(minor) + " " + E(currency);
  return HtmlEscape(Money(minor.get<std::int64_t>(), c.value()).ToDisplay());
}

std::string Row(std::initializer_list<std::string> cells, const char* tag = "td") {
  std::string out = "<tr>";
  for (const std::string& c : cells) out += std::string("<") + tag + ">" + c + "</" + tag + ">";
  return out + "</tr>\n";
}

template <std::size_t N>
std::string Head(const char* const (&cols)[N]) {
  std::string out = "<table><tr>";
  for (const char* c : cols) out += std::string("<th>") + c + "</th>";
  return out + "</tr>\n";
}

std::string H2(const char* text) { return std::string("<h2>") + text + "</h2>\n"; }
std::string P(const std::string& html) { return "<p>" + html + "</p>\n"; }

// The name of a personal-data field (vault.h DonorPii) in the letter's
// language; the JSON key itself when there is no label for it.
std::string FieldLabel(const std::string& key, AccessLang lang) {
  static const std::map<std::string, std::pair<const char*, const char*>> kLabels = {
      {"name", {"Name", "Nom"}},
      {"nationality", {"Nationality", "Nationalité"}},
      {"residence", {"Country of residence", "Pays de résidence"}},
      {"address", {"Address", "Adresse"}},
      {"email", {"E-mail", "Courriel"}},
      {"employer", {"Employer", "Employeur"}},
      {"occupation", {"Occupation", "Profession"}},
      {"family_name", {"Family name", "Nom de famille"}},
      {"given_name", {"Given name", "Prénom"}},
      {"middle_name", {"Middle name", "Deuxième prénom"}},
      {"name_prefix", {"Title", "Civilité"}},
      {"name_suffix", {"Suffix", "Suffixe"}},
      {"street", {"Street", "Voie"}},
      {"street2", {"Street (continued)", "Complément d'adresse"}},
      {"city", {"City", "Commune"}},
      {"region", {"Region or state", "Région ou État"}},
      {"postcode", {"Postcode", "Code postal"}},
  };
  auto it = kLabels.find(key);
  if (it == kLabels.end()) return HtmlEscape(key);
  return lang == AccessLang::kFr ? it->second.second : it->second.first;
}

std::string DataSection(const Json& data, const Words& w) {
  std::string out = H2(w.h_data) + P(w.categories);
  const Json& pd = data.at("personal_data");
  if (data.at("erased").get<bool>()) {
    out += "<p class=\"erased\">" + std::string(w.erased) + "</p>\n";
  } else {
    out += "<table><tr><th>" + std::string(w.field) + "</th><th>" + w.value + "</th></tr>\n";
    const AccessLang lang = std::string(w.lang) == "fr" ? AccessLang::kFr : AccessLang::kEn;
    for (const auto& [k, v] : pd.at("fields").items()) out += Row({FieldLabel(k, lang), E(v)});
    out += "</table>\n";
  }
  std::string fixes;
  for (const Json& r : pd.at("rectifications")) fixes += " " + E(r.at("seq"));
  if (!fixes.empty()) out += P(std::string(w.rectified) + fixes);
  return out;
}

std::string GiftsSection(const Json& data, const Words& w) {
  std::string out = H2(w.h_gifts);
  if (data.at("donations").empty()) return out + P(w.no_gifts);
  out += P(w.gifts_special) + Head(w.cols_gifts);
  for (const Json& d : data.at("donations")) {
    const Json& cur = d.at("currency");
    out += Row({E(d.at("seq")), E(d.at("date")), Amount(d.at("amount_minor"), cur),
                Amount(d.at("refunded_minor"), cur), Amount(d.at("kept_minor"), cur),
                E(d.at("method")), E(d.at("scope"))});
  }
  return out + "</table>\n";
}

std::string PurposesSection(const Json& data, const Words& w) {
  std::string out = H2(w.h_purposes) + "<ul>\n";
  for (const Json& p : data.at("packs")) {
    std::string rules = E(p.at("title"));
    if (!p.at("authority_source").is_null()) rules += "; " + E(p.at("authority_source"));
    out += "<li>" + std::string(w.purpose_finance) + ". " + w.basis_finance + " " + rules +
           "</li>\n";
  }
  for (const Json& p : data.at("purposes")) {
    if (!p.at("registered").get<bool>()) {
      out += "<li><b>" + E(p.at("purpose")) + "</b>: " + w.purpose_unregistered + "</li>\n";
      continue;
    }
    out += "<li><b>" + E(p.at("purpose")) + "</b>: " + E(p.at("description")) + " (" +
           E(p.at("basis")) + "; " + E(p.at("retention")) + ")</li>\n";
  }
  return out + "</ul>\n";
}

std::string RecipientsSection(const Json& data, const Words& w) {
  std::string out = H2(w.h_recipients) + "<ul>\n";
  for (const Json& p : data.at("packs")) {
    const std::string j = p.at("jurisdiction").get<std::string>();
    std::string line = p.at("authority").is_null()
                           ? std::string(w.no_authority)
                           : "<b>" + E(p.at("authority")) + "</b> (" +
                                 E(p.at("authority_source")) + ")";
    const char* pub = j == "FR" ? w.public_fr : j == "US" ? w.public_us
                                              : j == "GB" ? w.public_gb : nullptr;
    if (pub != nullptr) line += ". " + std::string(pub);
    out += "<li>" + E(p.at("title")) + ": " + line + "</li>\n";
  }
  return out + "</ul>\n";
}

std::string RetentionSection(const Json& data, const Words& w) {
  std::string out = H2(w.h_retention) + "<ul>\n";
  for (const Json& p : data.at("packs")) {
    std::string kept = w.retention_line;
    kept.replace(kept.find("%d"), 2, std::to_string(p.at("retention_days").get<std::int64_t>()));
    out += "<li>" + E(p.at("title")) + ": " + HtmlEscape(kept) + " (" +
           E(p.at("retention_source")) + "). " + w.retention_ends + " <b>" +
           E(p.at("retention_ends")) + "</b>.</li>\n";
  }
  return out + "</ul>\n";
}

std::string SourceSection(const Json& data, const Words& w) {
  std::set<std::string> imports;
  for (const Json& d : data.at("donations")) {
    if (d.contains("import_ref")) imports.insert(d.at("import_ref").get<std::string>());
  }
  std::string out = H2(w.h_source) + P(w.source_you);
  if (imports.empty()) return out;
  out += P(w.source_import) + "<ul>\n";
  for (const std::string& i : imports) out += "<li>" + HtmlEscape(i) + "</li>\n";
  return out + "</ul>\n";
}

std::string RightsSection(const Json& data, const Words& w) {
  std::set<std::string> places;
  for (const Json& p : data.at("packs")) places.insert(p.at("jurisdiction").get<std::string>());
  std::string out = H2(w.h_rights) + P(w.rights);
  if (!data.at("donations").empty()) out += P(w.erasure_limit);
  if (places.count("FR") != 0) out += P(w.complaint_fr);
  if (places.count("GB") != 0) out += P(w.complaint_gb);
  if (places.count("US") != 0) out += P(w.complaint_us);
  if (places.count("FR") + places.count("GB") + places.count("US") == 0) {
    out += P(w.complaint_none);
  }
  return out;
}

std::string ConsentsSection(const Json& data, const Words& w) {
  std::string out = H2(w.h_consents);
  if (data.at("consents").empty()) return out + P(w.no_consents);
  out += Head(w.cols_consents);
  for (const Json& c : data.at("consents")) {
    std::string text = "<code>" + E(c.at("text_sha256")) + "</code>";
    if (c.contains("text_version")) text += " " + E(c.at("text_version"));
    if (c.contains("evidence")) text += "; " + E(c.at("evidence"));
    const Json& wd = c.at("withdrawal");
    out += Row({E(c.at("seq")), E(c.at("purpose")), E(c.at("date")), E(c.at("channel")), text,
                wd.is_null() ? "" : E(wd.at("date")) + " (" + E(wd.at("seq")) + ")"});
  }
  return out + "</table>\n";
}

std::string RequestsSection(const Json& data, const Words& w) {
  if (data.at("requests").empty()) return H2(w.h_requests) + P(w.no_requests);
  std::string out = H2(w.h_requests) + Head(w.cols_requests);
  for (const Json& r : data.at("requests")) {
    std::string due = E(r.at("due"));
    for (const Json& x : r.at("extensions")) due += " (" + E(x.at("reason")) + ")";
    const Json& c = r.at("closed");
    out += Row({E(r.at("seq")), E(r.at("type")), E(r.at("received")), due,
                c.is_null() ? std::string(w.open)
                            : E(c.at("date")) + " " + E(c.at("outcome")) + " (" +
                                  E(c.at("seq")) + ")"});
  }
  return out + "</table>\n";
}

std::string ProofsSection(const Json& data, const Words& w) {
  std::string out = H2(w.h_proofs) + P(w.proofs) + "<pre>" +
                    E(data.at("ledger").at("verify_command")) + "</pre>\n<ul>\n";
  for (const Json& e : data.at("entries")) {
    out += "<li>" + E(e.at("seq")) + " " + E(e.at("kind")) + " " + E(e.at("ts")) +
           ": <code>" + E(e.at("proof")) + "</code>, <code>" + E(e.at("entry_file")) +
           "</code></li>\n";
  }
  return out + "</ul>\n";
}

std::string Intro(const Json& data, const Words& w) {
  std::string out = "<h1>" + std::string(w.title) + "</h1>\n<p>" + E(data.at("date")) + " — " +
                    E(data.at("subject")) + "</p>\n" +
                    P(std::string(w.intro) + " <code>" +
                      E(data.at("ledger").at("origin")) + "</code>.");
  const Json& r = data.at("request");
  if (!r.is_null()) {
    out += P(std::string(w.answers) + " " + E(r.at("seq")) + " (" + E(r.at("type")) + ", " +
             w.received + " " + E(r.at("received")) + ").");
  }
  if (data.at("erased").get<bool>()) out += "<p class=\"erased\">" + std::string(w.erased) + "</p>\n";
  return out;
}

constexpr const char* kStyle =
    "body{font-family:sans-serif;max-width:50em;margin:2em auto;line-height:1.4;color:#111}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #999;padding:.2em .5em;"
    "text-align:left}pre,code{font-size:.85em;overflow-wrap:anywhere;white-space:pre-wrap}"
    ".erased{border-left:4px solid #a00;padding-left:.5em}";

}  // namespace

std::string RenderAccessLetter(const Json& data, AccessLang lang) {
  const Words& w = lang == AccessLang::kFr ? kFr : kEn;
  std::string out = std::string("<!DOCTYPE html>\n<html lang=\"") + w.lang +
                    "\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + w.title + " — " +
                    E(data.at("subject")) + "</title>\n<style>" + kStyle +
                    "</style>\n</head>\n<body>\n";
  out += Intro(data, w) + DataSection(data, w) + GiftsSection(data, w) +
         PurposesSection(data, w) + RecipientsSection(data, w) + RetentionSection(data, w) +
         SourceSection(data, w) + RightsSection(data, w);
  out += H2(w.h_automated) + P(w.automated);
  out += ConsentsSection(data, w) + RequestsSection(data, w) + ProofsSection(data, w);
  return out + "</body>\n</html>\n";
}

}  // namespace probity
