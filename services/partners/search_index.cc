#include "services/partners/search_index.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/errors.h"
#include "common/validation/formats.h"
#include "services/partners/duplicates.h"

namespace crm::partners {

// The FTS table is keyed by an integer row of partner_search_keys, which
// (unlike a rowid) survives VACUUM; the key row goes with the partner.
const char kSearchIndexSchema[] = R"sql(
CREATE TABLE partner_search_keys (
  row INTEGER PRIMARY KEY,
  partner_id TEXT NOT NULL UNIQUE REFERENCES partners (id) ON DELETE CASCADE
);
CREATE VIRTUAL TABLE partner_search USING fts5 (
  names, emails, phones, places, custom_text,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);
)sql";

const char kSearchRankSql[] = "bm25(partner_search, 10.0, 6.0, 6.0, 2.0, 1.0)";

namespace {

constexpr size_t kMinPhoneEnding = 5;

std::string Digits(absl::string_view text) {
  std::string digits;
  for (char c : text) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) digits += c;
  }
  return digits;
}

// The FTS tokenizer removes accents but keeps letters such as ß, Ø, Ł or
// Æ; the folded form ("weiss", "odegaard") is indexed beside them, so both
// spellings find the partner and the duplicate check's folded names match.
std::string WithFolded(const std::string& text) {
  const bool non_ascii =
      std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
  return non_ascii ? absl::StrCat(text, " ", FoldForComparison(text)) : text;
}

std::string PhoneTokens(const v1::Partner& partner) {
  std::vector<std::string> tokens;
  for (const auto& phone : partner.phone_numbers()) {
    const std::string digits = Digits(phone.number());
    for (size_t start = 0; start + kMinPhoneEnding <= digits.size(); ++start) {
      tokens.push_back(digits.substr(start));
    }
  }
  return absl::StrJoin(tokens, " ");
}

std::string Names(const v1::Partner& partner) {
  std::vector<std::string> names = {partner.display_name()};
  if (partner.has_organization() && !partner.organization().legal_form().empty()) {
    names.push_back(partner.organization().legal_form());
  }
  return absl::StrJoin(names, " ");
}

std::string Places(const v1::Partner& partner) {
  std::vector<std::string> places;
  for (const auto& address : partner.addresses()) {
    places.push_back(address.city());
    if (!address.postal_code().empty()) places.push_back(address.postal_code());
  }
  return absl::StrJoin(places, " ");
}

std::string CustomText(const v1::Partner& partner) {
  std::vector<std::string> texts;
  for (const auto& [key, value] : partner.custom_fields()) {
    if (value.has_string_value()) texts.push_back(value.string_value());
  }
  return absl::StrJoin(texts, " ");
}

// A word as an FTS5 string: double quotes doubled inside.
std::string Quoted(absl::string_view word) {
  return absl::StrCat("\"", absl::StrReplaceAll(word, {{"\"", "\"\""}}), "\"");
}

bool IsPhoneLike(absl::string_view text) {
  size_t digits = 0;
  for (char c : text) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else if (!absl::ascii_isspace(static_cast<unsigned char>(c)) &&
               absl::string_view("+-()/.").find(c) == absl::string_view::npos) {
      return false;
    }
  }
  return digits >= kMinPhoneEnding;
}

// Digits without the leading zeros of a trunk or international prefix
// ("0049…", "030…"), which the stored E.164 form does not have.
std::string PhoneSearchDigits(absl::string_view text) {
  std::string digits = Digits(text);
  const size_t first = digits.find_first_not_of('0');
  return first == std::string::npos ? "" : digits.substr(first);
}

bool HasWordCharacter(absl::string_view word) {
  for (unsigned char c : word) {
    if (absl::ascii_isalnum(c) || c >= 0x80) return true;
  }
  return false;
}

}  // namespace

void IndexPartner(db::Connection& c, const std::string& id, const v1::Partner& partner) {
  UnindexPartner(c, id);
  c.Run("INSERT INTO partner_search_keys (partner_id) VALUES (?1)", {id});
  c.Run("INSERT INTO partner_search (rowid, names, emails, phones, places, custom_text) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        {c.LastInsertRowId(), WithFolded(Names(partner)),
         absl::StrJoin(partner.email_addresses(), " ",
                       [](std::string* out, const v1::EmailAddress& email) {
                         out->append(email.address());
                       }),
         PhoneTokens(partner), WithFolded(Places(partner)), WithFolded(CustomText(partner))});
}

void UnindexPartner(db::Connection& c, const std::string& id) {
  const int64_t row =
      c.QueryInt64("SELECT row FROM partner_search_keys WHERE partner_id = ?1", {id});
  if (row == 0) return;
  c.Run("DELETE FROM partner_search WHERE rowid = ?1", {row});
  c.Run("DELETE FROM partner_search_keys WHERE row = ?1", {row});
}

void IndexAllPartners(db::Connection& c) {
  std::vector<std::pair<std::string, v1::Partner>> partners;
  {
    SQLite::Statement select(c.raw(), "SELECT id, display_name, data FROM partners");
    while (select.executeStep()) {
      v1::Partner partner;
      const SQLite::Column data = select.getColumn(2);
      partner.ParseFromArray(data.getBlob(), data.getBytes());
      partner.set_display_name(select.getColumn(1).getString());
      partners.emplace_back(select.getColumn(0).getString(), std::move(partner));
    }
  }
  for (const auto& [id, partner] : partners) IndexPartner(c, id, partner);
}

absl::StatusOr<std::string> SearchQueryFor(absl::string_view text, absl::string_view field) {
  const validation::TextCheck check = validation::CheckText(text);
  if (check.problem != validation::TextProblem::kNone) {
    return InvalidField(field, "must be valid UTF-8 text without control characters");
  }
  if (check.length > kMaxSearchQueryChars) {
    return InvalidField(field, absl::StrCat("must be at most ", kMaxSearchQueryChars, " characters"));
  }
  if (IsPhoneLike(text) && PhoneSearchDigits(text).size() >= kMinPhoneEnding) {
    const std::string digits = PhoneSearchDigits(text);
    // Also as plain words, for postal codes and numbers in custom fields.
    std::vector<std::string> words;
    for (absl::string_view word : absl::StrSplit(text, absl::ByAnyChar(" \t+-()/."),
                                                 absl::SkipEmpty())) {
      words.push_back(Quoted(word));
    }
    return absl::StrCat("phones : ", Quoted(digits), " OR (", absl::StrJoin(words, " "), ")");
  }
  std::vector<absl::string_view> words;
  for (absl::string_view word : absl::StrSplit(text, absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty())) {
    if (HasWordCharacter(word)) words.push_back(word);
  }
  if (words.empty()) return InvalidField(field, "needs at least one word to search for");
  if (static_cast<int>(words.size()) > kMaxSearchWords) {
    return InvalidField(field, absl::StrCat("must have at most ", kMaxSearchWords, " words"));
  }
  std::vector<std::string> terms;
  for (size_t i = 0; i < words.size(); ++i) {
    std::string term = Quoted(words[i]);
    if (i + 1 == words.size()) term += "*";  // search as you type
    const std::string digits = PhoneSearchDigits(words[i]);
    if (digits.size() >= kMinPhoneEnding && Digits(words[i]).size() == words[i].size()) {
      term = absl::StrCat("(", term, " OR phones : ", Quoted(digits), ")");
    }
    terms.push_back(std::move(term));
  }
  return absl::StrJoin(terms, " AND ");
}

}  // namespace crm::partners
