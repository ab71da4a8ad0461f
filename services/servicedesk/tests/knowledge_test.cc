// KnowledgeService over a real gRPC channel and a real SQLite file, with a
// real partners service beside it: articles and their checks, full-text
// search over published articles, suggestions for a ticket ranked up by
// solved tickets and the product of the ticket's installed component.
#include <google/protobuf/util/message_differencer.h>

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "common/testing/unary_call.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/servicedesk/v1/installed_base_service.grpc.pb.h"
#include "crm/servicedesk/v1/knowledge_service.grpc.pb.h"
#include "crm/servicedesk/v1/ticket_service.grpc.pb.h"
#include "services/partners/partners_spec.h"
#include "services/servicedesk/servicedesk_spec.h"
#include "services/servicedesk/tests/desk_fixture.h"

namespace crm::servicedesk {
namespace {

namespace pv1 = crm::partners::v1;
using crm::testing::Call;
using crm::testing::Mask;
using crm::testing::MustCall;
using crm::testing::Outcome;
using crm::testing::Precondition;
using google::protobuf::util::MessageDifferencer;
using BaseStub = v1::InstalledBaseService::Stub;
using KbStub = v1::KnowledgeService::Stub;
using PartnerStub = pv1::PartnerService::Stub;
using TicketStub = v1::TicketService::Stub;
using Strings = std::vector<std::string>;

v1::KnowledgeArticle Article(const std::string& title, const std::string& symptoms,
                             const std::string& solution,
                             v1::ArticleState state = v1::ARTICLE_STATE_PUBLISHED) {
  v1::KnowledgeArticle article;
  article.set_title(title);
  article.set_symptoms(symptoms);
  article.set_solution(solution);
  article.set_state(state);
  return article;
}

v1::KnowledgeArticle Flicker() {
  v1::KnowledgeArticle article =
      Article("Monitor flickers after warming up", "The screen flickers once it is warm",
              "Replace the backlight inverter");
  article.set_cause("A worn inverter");
  article.add_keywords("dimming");
  return article;
}

// The titles, or names, of the articles matched, best first.
Strings Titles(const std::vector<v1::ArticleMatch>& matches, bool names = false) {
  Strings out;
  for (const auto& m : matches) out.push_back(names ? m.article().name() : m.article().title());
  return out;
}
Strings NamesOf(const std::vector<v1::ArticleMatch>& matches) { return Titles(matches, true); }

// The response of an attempt that must succeed.
template <typename Response, typename Attempt>
Response Must(Attempt attempt) {
  Response out;
  const grpc::Status status = attempt(&out);
  INFO(status.error_message());
  REQUIRE(Outcome(status) == "OK");
  return out;
}

class KnowledgeDesk : public crm::servicedesk::testing::DeskBesidePartners {
 public:
  KnowledgeDesk() {
    kb_ = v1::KnowledgeService::NewStub(desk_->channel());
    tickets_ = v1::TicketService::NewStub(desk_->channel());
    base_ = v1::InstalledBaseService::NewStub(desk_->channel());
  }

  grpc::Status TryCreate(const v1::KnowledgeArticle& article, v1::KnowledgeArticle* out,
                         const std::string& request_id = "") {
    v1::CreateKnowledgeArticleRequest request;
    *request.mutable_knowledge_article() = article;
    request.set_request_id(request_id);
    return Call(*kb_, &KbStub::CreateKnowledgeArticle, request, out);
  }
  v1::KnowledgeArticle Create(const v1::KnowledgeArticle& article) {
    return Must<v1::KnowledgeArticle>([&](auto* out) { return TryCreate(article, out); });
  }
  grpc::Status TryGet(const std::string& name, v1::KnowledgeArticle* out) {
    v1::GetKnowledgeArticleRequest request;
    request.set_name(name);
    return Call(*kb_, &KbStub::GetKnowledgeArticle, request, out);
  }
  v1::KnowledgeArticle Get(const std::string& name) {
    return Must<v1::KnowledgeArticle>([&](auto* out) { return TryGet(name, out); });
  }
  grpc::Status TryUpdate(const v1::KnowledgeArticle& article, const Strings& mask,
                         v1::KnowledgeArticle* out) {
    v1::UpdateKnowledgeArticleRequest request;
    *request.mutable_knowledge_article() = article;
    *request.mutable_update_mask() = Mask(mask);
    return Call(*kb_, &KbStub::UpdateKnowledgeArticle, request, out);
  }
  v1::KnowledgeArticle Update(const v1::KnowledgeArticle& article, const Strings& mask) {
    return Must<v1::KnowledgeArticle>([&](auto* out) { return TryUpdate(article, mask, out); });
  }
  v1::KnowledgeArticle SetState(const std::string& name, v1::ArticleState state) {
    v1::KnowledgeArticle patch;
    patch.set_name(name);
    patch.set_state(state);
    return Update(patch, {"state"});
  }
  grpc::Status TryDelete(const std::string& name, const std::string& etag = "") {
    v1::DeleteKnowledgeArticleRequest request;
    request.set_name(name);
    request.set_etag(etag);
    google::protobuf::Empty empty;
    return Call(*kb_, &KbStub::DeleteKnowledgeArticle, request, &empty);
  }
  Strings Names(const std::string& filter, int page_size = 0) {
    Strings names;
    v1::ListKnowledgeArticlesRequest request;
    request.set_filter(filter);
    request.set_page_size(page_size);
    do {
      const auto page = MustCall(*kb_, &KbStub::ListKnowledgeArticles, request);
      for (const auto& a : page.knowledge_articles()) names.push_back(a.name());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return names;
  }

  grpc::Status TrySearch(const std::string& query, v1::SearchKnowledgeArticlesResponse* out,
                         int page_size = 100, const std::string& token = "",
                         const std::string& product = "") {
    v1::SearchKnowledgeArticlesRequest request;
    request.set_query(query);
    request.set_product(product);
    request.set_page_size(page_size);
    request.set_page_token(token);
    return Call(*kb_, &KbStub::SearchKnowledgeArticles, request, out);
  }
  // Every match, best first.
  std::vector<v1::ArticleMatch> Search(const std::string& query, const std::string& product = "") {
    const auto found = Must<v1::SearchKnowledgeArticlesResponse>(
        [&](auto* out) { return TrySearch(query, out, 100, "", product); });
    CHECK(found.next_page_token().empty());
    return {found.matches().begin(), found.matches().end()};
  }
  // The titles found, best first.
  Strings Found(const std::string& query, const std::string& product = "") {
    return Titles(Search(query, product));
  }

  grpc::Status TryTicket(const std::string& customer, const std::string& title,
                         const std::string& description, const std::string& component,
                         v1::Ticket* out) {
    v1::CreateTicketRequest request;
    v1::Ticket& ticket = *request.mutable_ticket();
    ticket.set_type(v1::TICKET_TYPE_INCIDENT);
    ticket.set_title(title);
    ticket.set_description(description);
    ticket.set_customer(customer);
    ticket.set_channel(v1::TICKET_CHANNEL_PHONE);
    ticket.set_category("HARDWARE");
    ticket.set_component(component);
    return Call(*tickets_, &TicketStub::CreateTicket, request, out);
  }
  std::string Ticket(const std::string& customer, const std::string& title,
                     const std::string& description = "", const std::string& component = "") {
    return Must<v1::Ticket>(
               [&](auto* out) { return TryTicket(customer, title, description, component, out); })
        .name();
  }

  grpc::Status TrySuggest(const std::string& ticket, int page_size,
                          v1::SuggestKnowledgeArticlesResponse* out) {
    v1::SuggestKnowledgeArticlesRequest request;
    request.set_ticket(ticket);
    request.set_page_size(page_size);
    return Call(*kb_, &KbStub::SuggestKnowledgeArticles, request, out);
  }
  std::vector<v1::ArticleMatch> Suggest(const std::string& ticket, int page_size = 0) {
    const auto suggested = Must<v1::SuggestKnowledgeArticlesResponse>(
        [&](auto* out) { return TrySuggest(ticket, page_size, out); });
    return {suggested.matches().begin(), suggested.matches().end()};
  }
  grpc::Status TrySolve(const std::string& article, const std::string& ticket,
                        v1::KnowledgeArticle* out) {
    v1::RecordArticleSolutionRequest request;
    request.set_name(article);
    request.set_ticket(ticket);
    return Call(*kb_, &KbStub::RecordArticleSolution, request, out);
  }
  v1::KnowledgeArticle Solve(const std::string& article, const std::string& ticket) {
    return Must<v1::KnowledgeArticle>([&](auto* out) { return TrySolve(article, ticket, out); });
  }

  std::unique_ptr<KbStub> kb_;
  std::unique_ptr<TicketStub> tickets_;
  std::unique_ptr<BaseStub> base_;
};

std::set<std::string> Set(const Strings& values) { return {values.begin(), values.end()}; }

TEST_CASE("knowledge: an article is created as a draft, read back and listed newest first",
          "[servicedesk][knowledge]") {
  KnowledgeDesk kb;
  v1::KnowledgeArticle draft = Flicker();
  draft.set_state(v1::ARTICLE_STATE_UNSPECIFIED);
  draft.set_solved_count(7);  // output only: ignored
  draft.set_name("knowledgeArticles/mine");
  v1::KnowledgeArticle first;
  REQUIRE(Outcome(kb.TryCreate(draft, &first)) == "OK");
  CHECK(first.state() == v1::ARTICLE_STATE_DRAFT);
  CHECK(first.solved_count() == 0);
  CHECK(absl::StartsWith(first.name(), "knowledgeArticles/"));
  CHECK(first.etag() == "\"1\"");
  CHECK(first.has_create_time());
  CHECK(MessageDifferencer::Equals(kb.Get(first.name()), first));

  const std::string published =
      kb.Create(Article("Printer jams", "Paper stuck", "Clean the rollers")).name();
  const std::string retired =
      kb.Create(Article("Old fax", "No tone", "Replace it", v1::ARTICLE_STATE_RETIRED)).name();
  CHECK(kb.Names("") == Strings{retired, published, first.name()});
  CHECK(kb.Names("", 1) == Strings{retired, published, first.name()});
  CHECK(kb.Names("state = ARTICLE_STATE_DRAFT") == Strings{first.name()});
  CHECK(kb.Names("state != ARTICLE_STATE_DRAFT", 1) == Strings{retired, published});
  v1::ListKnowledgeArticlesRequest bad;
  bad.set_filter("mood = happy");
  v1::ListKnowledgeArticlesResponse none;
  CHECK(Outcome(Call(*kb.kb_, &KbStub::ListKnowledgeArticles, bad, &none)) ==
        "INVALID_ARGUMENT filter");
}

TEST_CASE(
    "knowledge: updates change only what the mask names and bad or stale writes change nothing",
    "[servicedesk][knowledge]") {
  KnowledgeDesk kb;
  v1::KnowledgeArticle bad = Flicker();
  bad.set_title("");
  bad.set_solution(std::string(20001, 's'));
  bad.add_products("monitor-24");
  bad.add_keywords("DIMMING");
  bad.set_state(static_cast<v1::ArticleState>(9));
  v1::KnowledgeArticle out;
  CHECK(Outcome(kb.TryCreate(bad, &out)) ==
        "INVALID_ARGUMENT knowledge_article.title, knowledge_article.solution, "
        "knowledge_article.products[0], knowledge_article.keywords[1], knowledge_article.state");
  bad = Flicker();
  for (int i = 0; i < 21; ++i) bad.add_keywords(absl::StrCat("word", i));
  CHECK(Outcome(kb.TryCreate(bad, &out)) == "INVALID_ARGUMENT knowledge_article.keywords");
  CHECK(kb.Names("").empty());
  CHECK(kb.Found("monitor").empty());

  const v1::KnowledgeArticle article = kb.Create(Flicker());
  v1::KnowledgeArticle patch;
  patch.set_name(article.name());
  patch.set_title("Monitor flickers when warm");
  patch.set_symptoms("ignored: not in the mask");
  const v1::KnowledgeArticle updated = kb.Update(patch, {"title"});
  CHECK(updated.title() == "Monitor flickers when warm");
  CHECK(updated.symptoms() == article.symptoms());
  CHECK(updated.etag() == "\"2\"");
  patch.set_solved_count(5);
  CHECK(Outcome(kb.TryUpdate(patch, {"solved_count"}, &out)) == "INVALID_ARGUMENT update_mask");
  patch.set_title(" ");
  CHECK(Outcome(kb.TryUpdate(patch, {"title"}, &out)) ==
        "INVALID_ARGUMENT knowledge_article.title");
  patch.set_title("Fresh title");
  patch.set_etag(article.etag());
  CHECK(Outcome(kb.TryUpdate(patch, {"title"}, &out)) == "ABORTED");
  patch.clear_etag();
  patch.set_name("knowledgeArticles/unknown");
  CHECK(Outcome(kb.TryUpdate(patch, {"title"}, &out)) == "NOT_FOUND");
  patch.set_name("articles/1");
  CHECK(Outcome(kb.TryUpdate(patch, {"title"}, &out)) == "INVALID_ARGUMENT knowledge_article.name");
  CHECK(MessageDifferencer::Equals(kb.Get(article.name()), updated));
}

TEST_CASE("knowledge: only published articles are found and changed words are re-indexed",
          "[servicedesk][knowledge]") {
  KnowledgeDesk kb;
  const std::string title = "Docking station loses the network";
  const v1::KnowledgeArticle draft = kb.Create(Article(
      title, "No network when docked", "Update the docking firmware", v1::ARTICLE_STATE_DRAFT));
  kb.Create(
      Article("Old docking station", "Docking fails", "Replace it", v1::ARTICLE_STATE_RETIRED));
  CHECK(kb.Found("docking").empty());
  kb.SetState(draft.name(), v1::ARTICLE_STATE_PUBLISHED);
  CHECK(kb.Found("docking") == Strings{title});
  kb.SetState(draft.name(), v1::ARTICLE_STATE_RETIRED);
  CHECK(kb.Found("docking").empty());
  kb.SetState(draft.name(), v1::ARTICLE_STATE_PUBLISHED);
  CHECK(kb.Found("docking") == Strings{title});
  kb.SetState(draft.name(), v1::ARTICLE_STATE_DRAFT);
  CHECK(kb.Found("docking").empty());

  v1::KnowledgeArticle article =
      kb.Create(Article("Scanner stripes", "Vertical stripes on each scan", "Clean the glass"));
  CHECK(kb.Found("glass") == Strings{"Scanner stripes"});
  article.set_solution("Replace the lamp");
  article.add_keywords("streaks");
  article = kb.Update(article, {"solution", "keywords"});
  CHECK(kb.Found("glass").empty());
  CHECK(kb.Found("lamp") == Strings{"Scanner stripes"});
  CHECK(kb.Found("streaks") == Strings{"Scanner stripes"});
  article.set_title("Copier stripes");
  kb.Update(article, {"title"});
  CHECK(kb.Found("scanner").empty());
  CHECK(kb.Found("copier stripes") == Strings{"Copier stripes"});
}

TEST_CASE("knowledge: every word must occur, a star matches a prefix, diacritics are folded",
          "[servicedesk][knowledge]") {
  KnowledgeDesk kb;
  const std::string flicker = kb.Create(Flicker()).title();
  const std::string hot =
      kb.Create(Article("Laptop switches off",
                        "Überhitzung: the fan runs loud, then the laptop is off", "Clean the fan"))
          .title();
  CHECK(kb.Found("monitor backlight") == Strings{flicker});
  CHECK(kb.Found("MONITOR Inverter") == Strings{flicker});
  CHECK(kb.Found("monitor fan").empty());
  CHECK(kb.Found("dimming") == Strings{flicker});  // a keyword
  CHECK(kb.Found("flick*") == Strings{flicker});
  CHECK(kb.Found("flick").empty());  // whole words without a star
  CHECK(kb.Found("uberhitzung") == Strings{hot});
  CHECK(kb.Found("Überhitzung") == Strings{hot});
  CHECK(kb.Found("UBERHITZ*") == Strings{hot});
  CHECK(Set(kb.Found("the")) == Set({flicker, hot}));
}

TEST_CASE("knowledge: a search is narrowed to the articles about a product",
          "[servicedesk][knowledge]") {
  KnowledgeDesk kb;
  v1::KnowledgeArticle a = Article("Cable A", "Loose cable", "Plug it in");
  a.add_products("products/monitor-24");
  v1::KnowledgeArticle b = Article("Cable B", "Loose cable", "Plug it in");
  b.add_products("products/monitor-27");
  b.add_products("products/monitor-24");
  kb.Create(a);
  b = kb.Create(b);
  kb.Create(Article("Cable C", "Loose cable", "Plug it in"));
  CHECK(kb.Found("cable").size() == 3);
  CHECK(Set(kb.Found("cable", "products/monitor-24")) == Set({"Cable A", "Cable B"}));
  CHECK(kb.Found("cable", "products/monitor-27") == Strings{"Cable B"});
  CHECK(kb.Found("cable", "products/unknown").empty());
  b.clear_products();
  b.add_products("products/monitor-27");
  kb.Update(b, {"products"});
  CHECK(kb.Found("cable", "products/monitor-24") == Strings{"Cable A"});
  v1::SearchKnowledgeArticlesResponse out;
  CHECK(Outcome(kb.TrySearch("cable", &out, 100, "", "monitor-24")) == "INVALID_ARGUMENT product");
}

TEST_CASE("knowledge: title hits rank above solution-only hits and snippets bracket the words",
          "[servicedesk][knowledge]") {
  KnowledgeDesk kb;
  // Same length; the second says the word twice, but only in its solution.
  kb.Create(Article("Overheating notebook", "shuts down", "clean the vents now please"));
  kb.Create(Article("Notebook problem", "shuts down", "overheating overheating clean vents now"));
  for (const char* title : {"Printer jams", "Toner empty"}) kb.Create(Article(title, "S", "S"));
  const std::vector<v1::ArticleMatch> found = kb.Search("overheating");
  REQUIRE(Titles(found) == Strings{"Overheating notebook", "Notebook problem"});
  CHECK(found[0].score() > found[1].score());
  CHECK(absl::StrContains(found[0].snippet(), "[Overheating]"));
  CHECK(absl::StrContains(found[1].snippet(), "[overheating] [overheating]"));
  const std::vector<v1::ArticleMatch> prefix = kb.Search("overheat* vents");
  REQUIRE(prefix.size() == 2);
  CHECK(absl::StrContains(prefix[1].snippet(), "[overheating] [overheating] clean [vents]"));
}

TEST_CASE("knowledge: 25 matches page as 10, 10 and 5 and a token is bound to its query",
          "[servicedesk][knowledge]") {
  KnowledgeDesk kb;
  for (int i = 0; i < 25; ++i) {
    kb.Create(Article(absl::StrCat("Toner smudge ", i), "Grey smudges", "Shake the toner"));
  }
  kb.Create(Article("Paper curls", "Curled paper", "Store it dry"));
  v1::SearchKnowledgeArticlesResponse page;
  std::vector<int> sizes;
  std::set<std::string> seen;
  std::string token, first_token;
  do {
    REQUIRE(Outcome(kb.TrySearch("toner", &page, 10, token)) == "OK");
    sizes.push_back(page.matches_size());
    for (const auto& m : page.matches()) seen.insert(m.article().name());
    token = page.next_page_token();
    if (first_token.empty()) first_token = token;
  } while (!token.empty() && sizes.size() < 5);
  CHECK(sizes == std::vector<int>{10, 10, 5});
  CHECK(seen.size() == 25);

  CHECK(Outcome(kb.TrySearch("toner smudge", &page, 10, first_token)) ==
        "INVALID_ARGUMENT page_token");
  CHECK(Outcome(kb.TrySearch("toner", &page, 10, first_token, "products/toner-black")) ==
        "INVALID_ARGUMENT page_token");
  CHECK(Outcome(kb.TrySearch("toner", &page, -1)) == "INVALID_ARGUMENT page_size");
  REQUIRE(Outcome(kb.TrySearch("toner", &page, 0)) == "OK");  // default 20
  CHECK(page.matches_size() == 20);
  CHECK(!page.next_page_token().empty());
}

TEST_CASE("knowledge: search syntax typed by a user never errors beyond an empty query",
          "[servicedesk][knowledge]") {
  KnowledgeDesk kb;
  const std::string flicker = kb.Create(Flicker()).title();
  v1::SearchKnowledgeArticlesResponse out;
  for (const char* query :
       {"\"bad AND (", "NEAR", "NEAR(monitor flickers, 2)", "col:word", "title:monitor",
        "monitor OR", "NOT monitor", "AND", "-flickers", "^monitor", "mon**", "{title}: monitor",
        "monitor\"\"", "((monitor))", "rowid = 1", "%_monitor",
        "x'); DROP TABLE knowledge_articles; --", "\"monitor flickers\"", "monitor+flickers"}) {
    INFO(query);
    CHECK(Outcome(kb.TrySearch(query, &out)) == "OK");
  }
  for (const std::string& query :
       Strings{"", "   ", "*", "\"", "\"\"", "( )", "- + : ^", std::string(501, 'a'),
               "a b c d e f g h i j k l m n o p q r s t u"}) {  // the last: 21 words
    INFO(query);
    CHECK(Outcome(kb.TrySearch(query, &out)) == "INVALID_ARGUMENT query");
  }
  // Quotes and punctuation around words are only characters.
  CHECK(kb.Found("\"monitor flickers\"") == Strings{flicker});
  CHECK(kb.Found("((monitor))") == Strings{flicker});
  CHECK(kb.Found("monitor+flickers") == Strings{flicker});
  CHECK(kb.Found("NOT monitor").empty());
  CHECK(kb.Names("").size() == 1);
}

TEST_CASE("knowledge: a search with a dash between its words finds the article",
          "[servicedesk][knowledge]") {
  // A lone "–" is no word: as an empty FTS5 phrase in an AND it would match
  // nothing.
  KnowledgeDesk kb;
  const std::string flicker = kb.Create(Flicker()).title();
  CHECK(kb.Found("monitor - flickers") == Strings{flicker});
  CHECK(kb.Found("monitor – flickers") == Strings{flicker});
}

TEST_CASE("knowledge: a ticket about a flickering monitor is suggested the flicker article first",
          "[servicedesk][knowledge]") {
  KnowledgeDesk kb;
  const std::string customer = kb.Customer("Alvis GmbH");
  const std::string flicker = kb.Create(Flicker()).title();
  const std::string black =
      kb.Create(Article("Screen stays black", "No picture after switching on", "Check the cable"))
          .title();
  kb.Create(Article("Printer jams", "Paper gets stuck in tray 2", "Clean the rollers"));
  kb.Create(Article("Monitor flickers", "The screen flickers", "Draft: not yet checked",
                    v1::ARTICLE_STATE_DRAFT));
  kb.Create(Article("Monitor flickers (CRT)", "The screen flickers", "Degauss it",
                    v1::ARTICLE_STATE_RETIRED));
  const std::string ticket =
      kb.Ticket(customer, "Monitor flickers", "The screen flickers after ten minutes");
  const std::vector<v1::ArticleMatch> suggested = kb.Suggest(ticket);
  REQUIRE(Titles(suggested) == Strings{flicker, black});
  CHECK(suggested[0].score() > suggested[1].score());
  CHECK(absl::StrContains(suggested[0].snippet(), "[flickers]"));
  CHECK(Titles(kb.Suggest(ticket, 1)) == Strings{flicker});
  // A ticket of short and common words only is suggested nothing.
  CHECK(kb.Suggest(kb.Ticket(customer, "It is not on", "")).empty());
}

TEST_CASE("knowledge: a solution counts once per ticket and raises the article above an equal one",
          "[servicedesk][knowledge]") {
  KnowledgeDesk kb;
  const std::string customer = kb.Customer("Alvis GmbH");
  for (int i = 0; i < 2; ++i) {
    kb.Create(Article("Keyboard keys stick", "Keys stick", "Clean the keyboard"));
  }
  const std::string t1 = kb.Ticket(customer, "Keyboard keys stick");
  const std::string t2 = kb.Ticket(customer, "Sticky keyboard keys");
  const Strings before = NamesOf(kb.Suggest(t1));
  REQUIRE(before.size() == 2);
  const std::string second = before[1];

  v1::KnowledgeArticle solved = kb.Solve(second, t1);
  CHECK(solved.solved_count() == 1);
  CHECK(solved.etag() == "\"2\"");
  solved = kb.Solve(second, t1);
  CHECK(solved.solved_count() == 1);
  CHECK(solved.etag() == "\"2\"");
  CHECK(kb.Get(second).solved_count() == 1);

  const std::vector<v1::ArticleMatch> after = kb.Suggest(t1);
  REQUIRE(NamesOf(after) == Strings{second, before[0]});
  CHECK(after[0].score() > after[1].score());
  CHECK(after[0].article().solved_count() == 1);
  CHECK(kb.Solve(second, t2).solved_count() == 2);
  CHECK(kb.Solve(before[0], t1).solved_count() == 1);  // a ticket solved by two
  CHECK(NamesOf(kb.Suggest(t1)) == Strings{second, before[0]});

  // Updates keep the count, even "*", which replaces every writable field.
  v1::KnowledgeArticle whole = kb.Get(second);
  whole.set_solved_count(0);
  whole.set_cause("Crumbs");
  CHECK(kb.Update(whole, {"*"}).solved_count() == 2);
}

TEST_CASE("knowledge: articles about the product of the ticket's component are suggested first",
          "[servicedesk][knowledge]") {
  KnowledgeDesk kb;
  const std::string customer = kb.Customer("Alvis GmbH");
  const std::string c24 =
      kb.Component(customer, "SN-24", v1::COMPONENT_KIND_OBJECT, "products/monitor-24");
  const std::string c27 =
      kb.Component(customer, "SN-27", v1::COMPONENT_KIND_OBJECT, "products/monitor-27");
  v1::KnowledgeArticle article =
      Article("Monitor flickers", "The screen flickers", "Replace the inverter");
  article.add_products("products/monitor-24");
  const std::string about24 = kb.Create(article).name();
  article.set_products(0, "products/monitor-27");
  const std::string about27 = kb.Create(article).name();

  const std::string t24 = kb.Ticket(customer, "Monitor flickers", "", c24);
  const std::string t27 = kb.Ticket(customer, "Monitor flickers", "", c27);
  const std::string plain = kb.Ticket(customer, "Monitor flickers");
  const std::vector<v1::ArticleMatch> for24 = kb.Suggest(t24);
  REQUIRE(NamesOf(for24) == Strings{about24, about27});
  CHECK(for24[0].score() == Approx(for24[1].score() * 1.5));
  CHECK(NamesOf(kb.Suggest(t27)) == Strings{about27, about24});
  const std::vector<v1::ArticleMatch> neither = kb.Suggest(plain);
  REQUIRE(neither.size() == 2);
  CHECK(neither[0].score() == Approx(neither[1].score()));
}

TEST_CASE("knowledge: suggestions and solutions refuse bad and unknown names, pages cap at 50",
          "[servicedesk][knowledge]") {
  KnowledgeDesk kb;
  const std::string customer = kb.Customer("Alvis GmbH");
  const std::string article = kb.Create(Flicker()).name();
  const std::string ticket = kb.Ticket(customer, "Monitor flickers");
  v1::SuggestKnowledgeArticlesResponse suggested;
  CHECK(Outcome(kb.TrySuggest("tickets/unknown", 0, &suggested)) == "NOT_FOUND");
  CHECK(Outcome(kb.TrySuggest("orders/1", 0, &suggested)) == "INVALID_ARGUMENT ticket");
  CHECK(Outcome(kb.TrySuggest(ticket, -1, &suggested)) == "INVALID_ARGUMENT page_size");
  CHECK(Outcome(kb.TrySuggest("x", -1, &suggested)) == "INVALID_ARGUMENT ticket, page_size");

  v1::KnowledgeArticle out;
  CHECK(Outcome(kb.TrySolve("knowledgeArticles/unknown", ticket, &out)) == "NOT_FOUND");
  CHECK(Outcome(kb.TrySolve(article, "tickets/unknown", &out)) == "NOT_FOUND");
  CHECK(Outcome(kb.TrySolve("tickets/1", "knowledgeArticles/1", &out)) ==
        "INVALID_ARGUMENT name, ticket");
  CHECK(kb.Get(article).solved_count() == 0);

  // Like every page size of the API, "at most 50" caps what is asked for.
  for (int i = 0; i < 52; ++i) {
    kb.Create(Article(absl::StrCat("Router drops ", i), "Drops", "Restart it"));
  }
  const std::string router = kb.Ticket(customer, "Router drops the line");
  CHECK(kb.Suggest(router).size() == 5);
  CHECK(kb.Suggest(router, 51).size() == 50);
  CHECK(kb.Suggest(router, 1000).size() == 50);
}

TEST_CASE("knowledge: an article is deleted unless it solved a ticket, then it is retired",
          "[servicedesk][knowledge]") {
  KnowledgeDesk kb;
  const std::string customer = kb.Customer("Alvis GmbH");
  const v1::KnowledgeArticle used = kb.Create(Flicker());
  const v1::KnowledgeArticle unused =
      kb.Create(Article("Monitor hums", "A hum", "Check the power supply"));
  const std::string ticket = kb.Ticket(customer, "Monitor flickers and hums");
  kb.Solve(used.name(), ticket);
  const grpc::Status refused = kb.TryDelete(used.name());
  CHECK(Outcome(refused) == "FAILED_PRECONDITION");
  CHECK(Precondition(refused) == "IN_USE " + used.name());
  CHECK(kb.Get(used.name()).solved_count() == 1);
  CHECK(kb.Found("flickers") == Strings{used.title()});
  CHECK(Outcome(kb.TryDelete(unused.name(), "\"7\"")) == "ABORTED");
  CHECK(Outcome(kb.TryDelete(unused.name(), unused.etag())) == "OK");
  v1::KnowledgeArticle out;
  CHECK(Outcome(kb.TryGet(unused.name(), &out)) == "NOT_FOUND");
  CHECK(Outcome(kb.TryDelete(unused.name())) == "NOT_FOUND");
  CHECK(kb.Found("hums").empty());
  CHECK(Outcome(kb.TryGet("tickets/t1", &out)) == "INVALID_ARGUMENT name");
  CHECK(Outcome(kb.TryDelete("")) == "INVALID_ARGUMENT name");

  kb.SetState(used.name(), v1::ARTICLE_STATE_RETIRED);
  CHECK(kb.Names("state = ARTICLE_STATE_RETIRED") == Strings{used.name()});
  CHECK(kb.Found("flickers").empty());
  CHECK(kb.Suggest(ticket).empty());
  CHECK(Precondition(kb.TryDelete(used.name())) == "IN_USE " + used.name());
}

TEST_CASE("knowledge: a ticket's component must exist and belong to the ticket's customer",
          "[servicedesk][knowledge]") {
  KnowledgeDesk kb;
  const std::string alvis = kb.Customer("Alvis GmbH");
  const std::string berta = kb.Customer("Berta KG");
  const std::string own =
      kb.Component(alvis, "SN-1", v1::COMPONENT_KIND_OBJECT, "products/monitor-24");
  const std::string foreign =
      kb.Component(berta, "SN-2", v1::COMPONENT_KIND_OBJECT, "products/monitor-24");
  v1::Ticket out;
  const grpc::Status other = kb.TryTicket(alvis, "Monitor flickers", "", foreign, &out);
  CHECK(Outcome(other) == "FAILED_PRECONDITION");
  CHECK(Precondition(other) == "OTHER_CUSTOMER ticket.component");
  CHECK(Outcome(kb.TryTicket(alvis, "Monitor", "", "installedComponents/unknown", &out)) ==
        "NOT_FOUND");
  CHECK(Outcome(kb.TryTicket(alvis, "Monitor", "", "SN-1", &out)) ==
        "INVALID_ARGUMENT ticket.component");
  REQUIRE(Outcome(kb.TryTicket(alvis, "Monitor flickers", "", own, &out)) == "OK");
  CHECK(out.component() == own);

  v1::UpdateTicketRequest update;
  update.mutable_ticket()->set_name(out.name());
  update.mutable_ticket()->set_component(foreign);
  *update.mutable_update_mask() = Mask({"component"});
  v1::Ticket updated;
  CHECK(Precondition(Call(*kb.tickets_, &TicketStub::UpdateTicket, update, &updated)) ==
        "OTHER_CUSTOMER ticket.component");
}

}  // namespace
}  // namespace crm::servicedesk
