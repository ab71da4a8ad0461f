#include "services/servicedesk/knowledge_rules.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/validation/field_checks.h"
#include "common/validation/formats.h"

namespace crm::servicedesk {
namespace {

using validation::Child;

constexpr int kMaxSearchWords = 20;
constexpr int kMaxSuggestionWords = 40;

// Words too common to tell articles apart.
bool IsStopWord(const std::string& word) {
  static const auto* words = new std::set<std::string>{
      "and",  "are",  "but",  "can",   "does", "for",  "from", "has",   "have", "into",
      "its",  "not",  "our",  "since", "that", "the",  "then", "there", "this", "was",
      "were", "what", "when", "which", "will", "with", "you",  "your"};
  return words->count(word) > 0;
}

// Letters and digits as the index's tokenizer (unicode61) sees them, near
// enough: ASCII letters and digits, and other characters outside the
// blocks of punctuation, symbols and pictographs.
bool IsWordCodePoint(char32_t c) {
  if (c < 0x80) return absl::ascii_isalnum(static_cast<unsigned char>(c));
  if (c <= 0xBF || c == 0xD7 || c == 0xF7) return false;  // Latin-1 signs
  if (c >= 0x2000 && c <= 0x2BFF) return false;           // punctuation, symbols, arrows
  if (c >= 0x3000 && c <= 0x303F) return false;           // CJK punctuation
  if (c >= 0xFE10 && c <= 0xFE6F) return false;           // vertical and small forms
  if (c >= 0xFF01 && c <= 0xFF0F) return false;           // full-width punctuation
  if (c >= 0x1F000 && c <= 0x1FAFF) return false;         // emoji and pictographs
  return true;
}

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

// "word" for FTS5: inside double quotes nothing is syntax but a doubled
// quote.
std::string Quoted(absl::string_view word) {
  return absl::StrCat("\"", absl::StrReplaceAll(word, {{"\"", "\"\""}}), "\"");
}

bool IsProductName(absl::string_view name) {
  return name.size() > 9 && name.substr(0, 9) == "products/";
}

}  // namespace

void ValidateArticle(const v1::KnowledgeArticle& article, const std::string& path,
                     Violations* out) {
  validation::CheckRequiredText(article.title(), 200, Child(path, "title"), out);
  validation::CheckRequiredText(article.symptoms(), 10000, Child(path, "symptoms"), out);
  validation::CheckText(article.cause(), 10000, Child(path, "cause"), out);
  validation::CheckRequiredText(article.solution(), 20000, Child(path, "solution"), out);
  validation::CheckCodeList(article.products(), 50, IsProductName,
                            "must be a product name, \"products/{product_id}\"",
                            Child(path, "products"), out);
  validation::CheckTextList(article.keywords(), 20, 50, Child(path, "keywords"), out);
  validation::CheckEnum(article.state(), v1::ArticleState_IsValid, Child(path, "state"), out);
}

absl::StatusOr<std::string> AllWordsQuery(const std::string& text, const std::string& field) {
  Violations violations;
  if (!validation::CheckText(text, 500, field, &violations)) return violations.ToStatus();
  std::vector<std::string> terms;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipWhitespace())) {
    word = absl::StripAsciiWhitespace(word);
    const bool prefix = absl::ConsumeSuffix(&word, "*");
    const std::u32string decoded = validation::DecodeUtf8(word).value_or(U"");
    const bool has_letters = std::any_of(decoded.begin(), decoded.end(), IsWordCodePoint);
    if (!has_letters) continue;
    terms.push_back(absl::StrCat(Quoted(word), prefix ? "*" : ""));
  }
  if (terms.empty()) return InvalidField(field, "needs at least one word");
  if (terms.size() > kMaxSearchWords) {
    return InvalidField(field, absl::StrCat("may have at most ", kMaxSearchWords, " words"));
  }
  return absl::StrJoin(terms, " AND ");
}

std::vector<std::string> TellingWords(const std::string& text) {
  std::vector<std::string> words;
  std::set<std::string> seen;
  std::string word;
  int letters = 0;
  auto flush = [&] {
    if (letters >= 3 && !IsStopWord(word) && seen.insert(word).second &&
        static_cast<int>(words.size()) < kMaxSuggestionWords) {
      words.push_back(word);
    }
    word.clear();
    letters = 0;
  };
  for (char32_t c : validation::DecodeUtf8(text).value_or(U"")) {
    if (IsWordCodePoint(c)) {
      AppendUtf8(
          c < 0x80 ? static_cast<char32_t>(absl::ascii_tolower(static_cast<unsigned char>(c))) : c,
          &word);
      ++letters;
    } else {
      flush();
    }
  }
  flush();
  return words;
}

std::string AnyOfWords(const std::vector<std::string>& words) {
  std::vector<std::string> terms;
  for (const std::string& word : words) terms.push_back(Quoted(word));
  return absl::StrJoin(terms, " OR ");
}

std::string AnyWordQuery(const std::string& text) { return AnyOfWords(TellingWords(text)); }

std::vector<std::string> RarestWords(const std::vector<std::string>& words,
                                     const std::map<std::string, int64_t>& documents_with,
                                     int64_t documents, size_t keep) {
  auto count = [&](const std::string& word) {
    auto found = documents_with.find(word);
    return found == documents_with.end() ? int64_t{0} : found->second;
  };
  std::vector<std::string> sorted = words;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](const std::string& a, const std::string& b) { return count(a) < count(b); });
  // A word in more than a fifth of the articles tells them little apart;
  // the rarest few stay even then, so that something is suggested.
  const int64_t common = std::max<int64_t>(20, documents / 5);
  std::vector<std::string> kept;
  for (const std::string& word : sorted) {
    if (kept.size() >= keep) break;
    if (count(word) > common && kept.size() >= 3) break;
    kept.push_back(word);
  }
  return kept;
}

double SuggestionScore(double match, int solved_count, bool about_product) {
  return match * (1.0 + std::log1p(std::max(solved_count, 0))) * (about_product ? 1.5 : 1.0);
}

}  // namespace crm::servicedesk
