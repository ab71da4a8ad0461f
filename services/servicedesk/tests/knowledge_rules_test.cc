// The knowledge base rules without storage: each bad field of an article
// named, what users type turned into FTS5 queries that hold no syntax of
// theirs (every word quoted, a trailing "*" kept as a prefix), the words of
// a ticket turned into a query for suggestions, and how suggestions rank.
#include "services/servicedesk/knowledge_rules.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/errors.h"

namespace crm::servicedesk {
namespace {

using Fields = std::vector<std::string>;

v1::KnowledgeArticle Flicker() {
  v1::KnowledgeArticle article;
  article.set_title("Monitor flickers after warming up");
  article.set_symptoms("The screen flickers once the monitor is warm");
  article.set_cause("A worn backlight inverter");
  article.set_solution("Replace the backlight inverter");
  article.add_products("products/monitor-24");
  article.add_keywords("flicker");
  article.add_keywords("backlight");
  article.set_state(v1::ARTICLE_STATE_PUBLISHED);
  return article;
}

Fields Check(const v1::KnowledgeArticle& article) {
  Violations out;
  ValidateArticle(article, "knowledge_article", &out);
  Fields fields;
  for (const auto& v : out.list()) fields.push_back(v.field);
  return fields;
}

// The fields an error names, or {"OK"} when there is none.
Fields FieldsOf(const absl::Status& status) {
  if (status.ok()) return {"OK"};
  Fields fields;
  for (const FieldViolation& v : FieldViolationsOf(status)) fields.push_back(v.field);
  return fields;
}

// The query made of `text`, or "INVALID_ARGUMENT field" when refused.
std::string Query(const std::string& text, const std::string& field = "query") {
  absl::StatusOr<std::string> query = AllWordsQuery(text, field);
  if (query.ok()) return *query;
  return absl::StrCat(absl::StatusCodeToString(query.status().code()), " ",
                      absl::StrJoin(FieldsOf(query.status()), ", "));
}

std::vector<std::string> Terms(const std::string& any_word_query) {
  if (any_word_query.empty()) return {};
  return absl::StrSplit(any_word_query, " OR ");
}

std::string Words(int count, const std::string& stem) {
  std::vector<std::string> words;
  for (int i = 0; i < count; ++i) words.push_back(absl::StrCat(stem, i));
  return absl::StrJoin(words, " ");
}

TEST_CASE("knowledge rules: a sound article passes and each bad field is named",
          "[servicedesk][knowledge]") {
  CHECK(Check(Flicker()).empty());
  v1::KnowledgeArticle minimal;
  minimal.set_title("T");
  minimal.set_symptoms("S");
  minimal.set_solution("S");
  CHECK(Check(minimal).empty());  // no cause, product, keyword; unspecified state

  v1::KnowledgeArticle bad = Flicker();
  bad.set_title("");
  bad.set_symptoms("   ");
  bad.set_cause(std::string(10001, 'c'));
  bad.clear_solution();
  bad.set_products(0, "monitor-24");
  bad.set_state(static_cast<v1::ArticleState>(7));
  CHECK(Check(bad) == Fields{"knowledge_article.title", "knowledge_article.symptoms",
                             "knowledge_article.cause", "knowledge_article.solution",
                             "knowledge_article.products[0]", "knowledge_article.state"});
}

TEST_CASE("knowledge rules: title, symptoms and solution are limited in characters, not bytes",
          "[servicedesk][knowledge]") {
  std::string title;
  for (int i = 0; i < 200; ++i) title += "Ü";  // 400 bytes, 200 characters
  v1::KnowledgeArticle article = Flicker();
  article.set_title(title);
  article.set_symptoms(std::string(10000, 's'));
  article.set_solution(std::string(20000, 's'));
  CHECK(Check(article).empty());
  article.set_title(title + "x");
  CHECK(Check(article) == Fields{"knowledge_article.title"});
  article = Flicker();
  article.set_symptoms(std::string(10001, 's'));
  CHECK(Check(article) == Fields{"knowledge_article.symptoms"});
  article = Flicker();
  article.set_solution(std::string(20001, 's'));
  CHECK(Check(article) == Fields{"knowledge_article.solution"});
}

TEST_CASE("knowledge rules: products must be product names, each listed once",
          "[servicedesk][knowledge]") {
  v1::KnowledgeArticle article = Flicker();
  for (const char* bad : {"monitor-24", "products/", "partners/p1", ""}) {
    INFO(bad);
    article.set_products(0, bad);
    CHECK(Check(article) == Fields{"knowledge_article.products[0]"});
  }
  article.set_products(0, "products/monitor-24");
  article.add_products("products/monitor-27");
  CHECK(Check(article).empty());
  article.add_products("products/monitor-24");
  CHECK(Check(article) == Fields{"knowledge_article.products[2]"});
  article.clear_products();
  for (int i = 0; i < 51; ++i) article.add_products(absl::StrCat("products/p", i));
  CHECK(Check(article) == Fields{"knowledge_article.products"});
}

TEST_CASE("knowledge rules: keywords are at most 20, each once in any case and short",
          "[servicedesk][knowledge]") {
  v1::KnowledgeArticle article = Flicker();
  article.add_keywords("Flicker");  // the first, in other case
  CHECK(Check(article) == Fields{"knowledge_article.keywords[2]"});
  article.set_keywords(2, "flicker");
  CHECK(Check(article) == Fields{"knowledge_article.keywords[2]"});
  article.set_keywords(2, std::string(51, 'k'));
  CHECK(Check(article) == Fields{"knowledge_article.keywords[2]"});
  article.set_keywords(2, std::string(50, 'k'));
  CHECK(Check(article).empty());
  article.set_keywords(2, " ");
  CHECK(Check(article) == Fields{"knowledge_article.keywords[2]"});

  article.clear_keywords();
  for (int i = 0; i < 20; ++i) article.add_keywords(absl::StrCat("word", i));
  CHECK(Check(article).empty());
  article.add_keywords("word20");
  CHECK(Check(article) == Fields{"knowledge_article.keywords"});
}

TEST_CASE("knowledge rules: every known state passes and an unknown one is named",
          "[servicedesk][knowledge]") {
  v1::KnowledgeArticle article = Flicker();
  for (v1::ArticleState state : {v1::ARTICLE_STATE_UNSPECIFIED, v1::ARTICLE_STATE_DRAFT,
                                 v1::ARTICLE_STATE_PUBLISHED, v1::ARTICLE_STATE_RETIRED}) {
    article.set_state(state);
    CHECK(Check(article).empty());
  }
  article.set_state(static_cast<v1::ArticleState>(4));
  CHECK(Check(article) == Fields{"knowledge_article.state"});
  article.set_state(static_cast<v1::ArticleState>(-1));
  CHECK(Check(article) == Fields{"knowledge_article.state"});
}

TEST_CASE("knowledge rules: a search quotes every word and keeps a trailing star as a prefix",
          "[servicedesk][knowledge]") {
  CHECK(Query("monitor") == "\"monitor\"");
  CHECK(Query("monitor flicker") == "\"monitor\" AND \"flicker\"");
  CHECK(Query("  monitor    flicker  ") == "\"monitor\" AND \"flicker\"");
  CHECK(Query("monitor flick*") == "\"monitor\" AND \"flick\"*");
  CHECK(Query("Überhitzung") == "\"Überhitzung\"");
  CHECK(Query("Wi-Fi 5GHz") == "\"Wi-Fi\" AND \"5GHz\"");
  // Only a trailing star makes a prefix; a leading one stays in the quotes.
  CHECK(Query("*flick") == "\"*flick\"");
}

TEST_CASE("knowledge rules: FTS syntax and quotes typed by users are neutralised",
          "[servicedesk][knowledge]") {
  CHECK(Query("\"bad AND (") == "\"\"\"bad\" AND \"AND\"");
  CHECK(Query("NEAR") == "\"NEAR\"");
  CHECK(Query("NEAR(monitor flicker, 2)") == "\"NEAR(monitor\" AND \"flicker,\" AND \"2)\"");
  CHECK(Query("col:word") == "\"col:word\"");
  CHECK(Query("title:flicker OR NOT solution") ==
        "\"title:flicker\" AND \"OR\" AND \"NOT\" AND \"solution\"");
  CHECK(Query("flicker\"") == "\"flicker\"\"\"");
  CHECK(Query("^monitor -flicker +screen {title}") ==
        "\"^monitor\" AND \"-flicker\" AND \"+screen\" AND \"{title}\"");
  // Words of punctuation alone are left out, not kept as syntax.
  CHECK(Query("monitor ( ) - * \" flicker") == "\"monitor\" AND \"flicker\"");
}

TEST_CASE("knowledge rules: a search without words, with too many or too long is refused",
          "[servicedesk][knowledge]") {
  for (const char* empty : {"", "   ", "*", "( ) \" - * :", "\"\" ''"}) {
    INFO(empty);
    CHECK(Query(empty) == "INVALID_ARGUMENT query");
  }
  CHECK(Query("", "search.query") == "INVALID_ARGUMENT search.query");
  CHECK(absl::StrContains(Query(Words(20, "w")), "\"w19\""));
  CHECK(Query(Words(21, "w")) == "INVALID_ARGUMENT query");
  // Punctuation does not count as a word.
  CHECK(!absl::StartsWith(Query(Words(20, "w") + " - ( *"), "INVALID_ARGUMENT"));
  CHECK(Query(std::string(500, 'a')) == absl::StrCat("\"", std::string(500, 'a'), "\""));
  CHECK(Query(std::string(501, 'a')) == "INVALID_ARGUMENT query");
  std::string long_umlauts;
  for (int i = 0; i < 250; ++i) long_umlauts += "ä";  // 500 bytes, 250 characters
  CHECK(!absl::StartsWith(Query(long_umlauts), "INVALID_ARGUMENT"));
  CHECK(Query("monitor\x01") == "INVALID_ARGUMENT query");
  CHECK(Query("monitor \xff") == "INVALID_ARGUMENT query");
}

TEST_CASE("knowledge rules: a dash or other non-ASCII punctuation is not a search word",
          "[servicedesk][knowledge]") {
  // "–" (an en dash) and "…" hold no letter: as phrases the tokenizer would
  // turn them into nothing, and FTS5 matches nothing for an AND with an
  // empty phrase.
  CHECK(Query("monitor – flicker") == "\"monitor\" AND \"flicker\"");
  CHECK(Query("– …") == "INVALID_ARGUMENT query");
}

TEST_CASE("knowledge rules: a ticket's text becomes any of its distinct telling words",
          "[servicedesk][knowledge]") {
  CHECK(AnyWordQuery("The monitor flickers and the screen goes dark") ==
        "\"monitor\" OR \"flickers\" OR \"screen\" OR \"goes\" OR \"dark\"");
  // Short and common words are dropped; nothing left is an empty query.
  CHECK(AnyWordQuery("PC is on, so it was").empty());
  CHECK(AnyWordQuery("").empty());
  CHECK(AnyWordQuery("What does this have to do with your printer?") == "\"printer\"");
  // Words are compared without regard to case, and lower-cased.
  CHECK(AnyWordQuery("Flicker flicker FLICKER, fLiCkEr") == "\"flicker\"");
  // Punctuation separates words: no FTS syntax survives.
  CHECK(AnyWordQuery("NEAR(flicker) AND col:word \"quoted\"") ==
        "\"near\" OR \"flicker\" OR \"col\" OR \"word\" OR \"quoted\"");
}

TEST_CASE("knowledge rules: a ticket's non-ASCII words are kept whole",
          "[servicedesk][knowledge]") {
  const std::vector<std::string> terms =
      Terms(AnyWordQuery("Bildschirm flackert stark, Überhitzung"));
  REQUIRE(terms.size() == 4);
  CHECK(terms[0] == "\"bildschirm\"");
  CHECK(terms[1] == "\"flackert\"");
  CHECK(terms[2] == "\"stark\"");
  CHECK(absl::StrContains(terms[3], "berhitzung"));
  CHECK(terms[3].size() == std::string("\"Überhitzung\"").size());
  CHECK(Terms(AnyWordQuery("Störung")) == std::vector<std::string>{"\"störung\""});
}

TEST_CASE("knowledge rules: a ticket's query has at most 40 words, the first ones",
          "[servicedesk][knowledge]") {
  const std::vector<std::string> terms = Terms(AnyWordQuery(Words(50, "word")));
  REQUIRE(terms.size() == 40);
  CHECK(terms.front() == "\"word0\"");
  CHECK(terms.back() == "\"word39\"");
  // Repeats do not use up the 40.
  const std::string repeated =
      absl::StrCat(Words(10, "word"), " ", Words(10, "word"), " ", Words(40, "other"));
  const std::vector<std::string> mixed = Terms(AnyWordQuery(repeated));
  REQUIRE(mixed.size() == 40);
  CHECK(mixed.back() == "\"other29\"");
}

TEST_CASE("knowledge rules: suggestions rank up with solved tickets and the ticket's product",
          "[servicedesk][knowledge]") {
  const double match = 2.0;
  CHECK(SuggestionScore(match, 0, false) == Approx(match));
  CHECK(SuggestionScore(match, 0, true) == Approx(match * 1.5));
  CHECK(SuggestionScore(match, 3, true) == Approx(match * (1 + std::log(4.0)) * 1.5));
  double previous = SuggestionScore(match, 0, false);
  for (int solved : {1, 2, 5, 10, 100, 1000}) {
    INFO(solved);
    const double score = SuggestionScore(match, solved, false);
    CHECK(score > previous);
    CHECK(SuggestionScore(match, solved, true) > score);
    previous = score;
  }
  // Never below the plain match, whatever the count says.
  for (int solved : {0, -1, -100}) {
    INFO(solved);
    CHECK(SuggestionScore(match, solved, false) >= match);
    CHECK(SuggestionScore(match, solved, true) >= match);
  }
  // A better text match stays better at the same count and product.
  CHECK(SuggestionScore(3.0, 4, true) > SuggestionScore(2.0, 4, true));
  CHECK(SuggestionScore(0.0, 50, true) == Approx(0.0));
}

TEST_CASE("knowledge rules: suggestions search by the ticket's rarest words",
          "[servicedesk][knowledge]") {
  CHECK(TellingWords("The Monitor flickers, the monitor goes dark") ==
        Fields{"monitor", "flickers", "goes", "dark"});
  const Fields words = {"monitor", "flickers", "goes", "dark", "inverter"};
  // In 1000 articles: "goes" and "dark" are common, "inverter" unknown.
  const std::map<std::string, int64_t> holding = {
      {"monitor", 150}, {"flickers", 12}, {"goes", 900}, {"dark", 400}};
  CHECK(RarestWords(words, holding, 1000, 12) == Fields{"inverter", "flickers", "monitor"});
  CHECK(RarestWords(words, holding, 1000, 2) == Fields{"inverter", "flickers"});
  // When every word is common, the three rarest still stay.
  const std::map<std::string, int64_t> everywhere = {
      {"monitor", 990}, {"flickers", 980}, {"goes", 999}, {"dark", 995}, {"inverter", 970}};
  CHECK(RarestWords(words, everywhere, 1000, 12) == Fields{"inverter", "flickers", "monitor"});
  // A small base counts nothing as common below 20 articles.
  CHECK(RarestWords(words, {{"goes", 15}}, 16, 12).size() == 5);
  CHECK(AnyOfWords({"monitor", "flickers"}) == "\"monitor\" OR \"flickers\"");
}

}  // namespace
}  // namespace crm::servicedesk
