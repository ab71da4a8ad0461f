#include "services/partners/duplicates.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/validation/formats.h"
#include "services/partners/partner_validation.h"

namespace crm::partners {
namespace {

// Folded forms of U+00C0 to U+017F (Latin-1 Supplement letters and Latin
// Extended-A).
constexpr const char* kLatinFolds[] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
    "i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", " ",
    "o", "u", "u", "u", "u", "y", "th", "ss", "a", "a", "a", "a",
    "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", " ", "o", "u", "u", "u",
    "u", "y", "th", "y", "a", "a", "a", "a", "a", "a", "c", "c",
    "c", "c", "c", "c", "c", "c", "d", "d", "d", "d", "e", "e",
    "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i",
    "i", "i", "i", "i", "i", "i", "ij", "ij", "j", "j", "k", "k",
    "k", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "n",
    "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s",
    "s", "s", "s", "s", "s", "s", "t", "t", "t", "t", "t", "t",
    "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u",
    "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
};

constexpr absl::string_view kLegalForms[] = {
    "ag",  "bv",   "co",    "corp", "gmbh", "inc", "kg",  "kgaa", "llc", "llp", "ltd",
    "mbh", "nv",   "ohg",   "plc",  "sa",   "sarl", "sas", "se",   "spa", "srl", "ug"};

// Prefix length used to find candidates by name: long enough to be
// selective, short enough to find "Schmitt" for "Schmidt".
constexpr size_t kNamePrefixChars = 4;

std::string Digits(absl::string_view text) {
  std::string digits;
  for (char c : text) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) digits += c;
  }
  return digits;
}

std::string FoldedCity(const v1::Address& address) { return FoldForComparison(address.city()); }

}  // namespace

std::string FoldForComparison(absl::string_view text) {
  std::string folded;
  bool space = true;  // drops leading spaces and collapses runs
  auto put = [&](absl::string_view piece) {
    for (char c : piece) {
      if (c == ' ') {
        if (!space) folded += ' ';
        space = true;
      } else {
        folded += c;
        space = false;
      }
    }
  };
  const std::optional<std::u32string> decoded = validation::DecodeUtf8(text);
  if (!decoded) return "";
  for (char32_t c : *decoded) {
    if (c < 0x80) {
      const unsigned char a = static_cast<unsigned char>(c);
      put(absl::ascii_isalnum(a) ? std::string(1, absl::ascii_tolower(a)) : " ");
    } else if (c >= 0xC0 && c < 0x180) {
      put(kLatinFolds[c - 0xC0]);
    } else if (c < 0xC0) {
      put(" ");  // Latin-1 punctuation and symbols
    } else {
      // Other scripts are kept as they are (UTF-8).
      std::string utf8;
      if (c < 0x800) {
        utf8 = {static_cast<char>(0xC0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3F))};
      } else if (c < 0x10000) {
        utf8 = {static_cast<char>(0xE0 | (c >> 12)), static_cast<char>(0x80 | ((c >> 6) & 0x3F)),
                static_cast<char>(0x80 | (c & 0x3F))};
      } else {
        utf8 = {static_cast<char>(0xF0 | (c >> 18)), static_cast<char>(0x80 | ((c >> 12) & 0x3F)),
                static_cast<char>(0x80 | ((c >> 6) & 0x3F)), static_cast<char>(0x80 | (c & 0x3F))};
      }
      put(utf8);
    }
  }
  if (!folded.empty() && folded.back() == ' ') folded.pop_back();
  return folded;
}

double JaroWinkler(absl::string_view a, absl::string_view b) {
  if (a == b) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  const int window = std::max(0, static_cast<int>(std::max(a.size(), b.size())) / 2 - 1);
  std::vector<bool> a_matched(a.size()), b_matched(b.size());
  int matches = 0;
  for (int i = 0; i < static_cast<int>(a.size()); ++i) {
    const int from = std::max(0, i - window);
    const int to = std::min(static_cast<int>(b.size()) - 1, i + window);
    for (int j = from; j <= to; ++j) {
      if (b_matched[j] || a[i] != b[j]) continue;
      a_matched[i] = b_matched[j] = true;
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0.0;
  int transpositions = 0;
  for (int i = 0, j = 0; i < static_cast<int>(a.size()); ++i) {
    if (!a_matched[i]) continue;
    while (!b_matched[j]) ++j;
    if (a[i] != b[j]) ++transpositions;
    ++j;
  }
  const double m = matches;
  const double jaro = (m / a.size() + m / b.size() + (m - transpositions / 2.0) / m) / 3.0;
  int prefix = 0;
  while (prefix < 4 && prefix < static_cast<int>(std::min(a.size(), b.size())) &&
         a[prefix] == b[prefix]) {
    ++prefix;
  }
  return jaro + prefix * 0.1 * (1.0 - jaro);
}

std::string ComparableName(const v1::Partner& partner) {
  std::string raw;
  if (partner.has_person()) {
    raw = absl::StrCat(partner.person().given_name(), " ", partner.person().family_name());
  } else if (partner.has_organization()) {
    raw = partner.organization().legal_name();
  } else if (partner.has_group()) {
    raw = partner.group().group_name();
  } else {
    raw = partner.display_name();
  }
  std::vector<std::string> words = absl::StrSplit(FoldForComparison(raw), ' ', absl::SkipEmpty());
  if (partner.has_organization()) {
    words.erase(std::remove_if(words.begin(), words.end(),
                               [](const std::string& w) {
                                 return std::find(std::begin(kLegalForms), std::end(kLegalForms),
                                                  w) != std::end(kLegalForms);
                               }),
                words.end());
  }
  std::sort(words.begin(), words.end());
  return absl::StrJoin(words, " ");
}

v1::DuplicateCandidate ScoreDuplicate(const v1::Partner& draft, const v1::Partner& existing) {
  v1::DuplicateCandidate candidate;
  *candidate.mutable_partner() = existing;
  const double name = JaroWinkler(ComparableName(draft), ComparableName(existing));
  candidate.set_name_similarity(name);

  std::vector<std::pair<double, v1::DuplicateReason>> evidence;
  std::set<std::string> emails;
  for (const auto& e : existing.email_addresses()) emails.insert(absl::AsciiStrToLower(e.address()));
  for (const auto& e : draft.email_addresses()) {
    if (emails.count(absl::AsciiStrToLower(e.address()))) {
      evidence.emplace_back(0.8, v1::DUPLICATE_REASON_SAME_EMAIL);
      break;
    }
  }
  std::set<std::string> ibans;
  for (const auto& b : existing.bank_accounts()) ibans.insert(b.iban());
  for (const auto& b : draft.bank_accounts()) {
    if (ibans.count(b.iban())) {
      evidence.emplace_back(0.8, v1::DUPLICATE_REASON_SAME_BANK_ACCOUNT);
      break;
    }
  }
  std::set<std::string> phones;
  for (const auto& p : existing.phone_numbers()) phones.insert(Digits(p.number()));
  for (const auto& p : draft.phone_numbers()) {
    if (phones.count(Digits(p.number()))) {
      evidence.emplace_back(0.7, v1::DUPLICATE_REASON_SAME_PHONE);
      break;
    }
  }
  // The name always weighs in; it is named as a reason only when close.
  const double name_weight = 0.6 * name * name * name * name;
  double unlikely = 1.0;
  if (name >= 0.85) {
    evidence.emplace_back(name_weight, v1::DUPLICATE_REASON_SIMILAR_NAME);
  } else {
    unlikely *= 1.0 - name_weight;
  }
  std::set<std::string> cities;
  for (const auto& a : existing.addresses()) cities.insert(FoldedCity(a));
  for (const auto& a : draft.addresses()) {
    if (cities.count(FoldedCity(a))) {
      evidence.emplace_back(0.2 * name, v1::DUPLICATE_REASON_SAME_CITY);
      break;
    }
  }
  if (draft.has_person() && existing.has_person() && draft.person().has_birth_date() &&
      existing.person().has_birth_date()) {
    const auto& a = draft.person().birth_date();
    const auto& b = existing.person().birth_date();
    if (a.year() == b.year() && a.month() == b.month() && a.day() == b.day()) {
      evidence.emplace_back(0.5 * name, v1::DUPLICATE_REASON_SAME_BIRTH_DATE);
    }
  }
  std::stable_sort(evidence.begin(), evidence.end(),
                   [](const auto& x, const auto& y) { return x.first > y.first; });
  for (const auto& [weight, reason] : evidence) {
    unlikely *= 1.0 - weight;
    candidate.add_reasons(reason);
  }
  candidate.set_score(1.0 - unlikely);
  return candidate;
}

std::string DuplicateCandidateQuery(const v1::Partner& draft) {
  std::vector<std::string> alternatives;
  std::vector<std::string> name_terms;
  for (absl::string_view word : absl::StrSplit(ComparableName(draft), ' ', absl::SkipEmpty())) {
    // The index holds the folded form of every name (search_index.cc); a
    // prefix of whole bytes is safe for ASCII words only.
    const bool ascii = std::all_of(word.begin(), word.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    const absl::string_view prefix =
        ascii && word.size() > kNamePrefixChars ? word.substr(0, kNamePrefixChars) : word;
    name_terms.push_back(absl::StrCat("\"", prefix, "\"*"));
  }
  std::set<std::string> cities;
  for (const auto& address : draft.addresses()) {
    const std::string city = FoldedCity(address);
    if (!city.empty()) cities.insert(absl::StrCat("\"", city, "\""));
  }
  if (!name_terms.empty()) {
    alternatives.push_back(absl::StrCat("names : (", absl::StrJoin(name_terms, " AND "), ")"));
  }
  // A typing error can spoil any one word, so also: every other word, in
  // the same city (or, without a city, when two words remain).
  if (name_terms.size() >= 2 && name_terms.size() <= 6) {
    for (size_t skipped = 0; skipped < name_terms.size(); ++skipped) {
      std::vector<std::string> others = name_terms;
      others.erase(others.begin() + static_cast<std::ptrdiff_t>(skipped));
      const std::string names = absl::StrCat("names : (", absl::StrJoin(others, " AND "), ")");
      if (!cities.empty()) {
        alternatives.push_back(absl::StrCat("(", names, " AND places : (",
                                            absl::StrJoin(cities, " OR "), "))"));
      } else if (others.size() >= 2) {
        alternatives.push_back(names);
      }
    }
  }
  for (const auto& email : draft.email_addresses()) {
    const std::string folded = FoldForComparison(email.address());
    if (!folded.empty()) alternatives.push_back(absl::StrCat("emails : \"", folded, "\""));
  }
  for (const auto& phone : draft.phone_numbers()) {
    const std::string digits = Digits(phone.number());
    if (!digits.empty()) alternatives.push_back(absl::StrCat("phones : \"", digits, "\""));
  }
  return absl::StrJoin(alternatives, " OR ");
}

}  // namespace crm::partners
