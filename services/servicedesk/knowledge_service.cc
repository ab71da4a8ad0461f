#include "services/servicedesk/knowledge_service.h"

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/server/resource_handlers.h"
#include "common/validation/field_checks.h"
#include "crm/servicedesk/v1/installed_base.pb.h"
#include "crm/servicedesk/v1/ticket.pb.h"
#include "services/servicedesk/knowledge_rules.h"
#include "services/servicedesk/schema.h"

namespace crm::servicedesk {
namespace {

using server::CallContext;
using server::ResourceKind;

constexpr char kBm25[] = "bm25(knowledge_search, 5.0, 3.0, 1.0, 1.0, 4.0)";
constexpr char kSnippet[] = "snippet(knowledge_search, -1, '[', ']', '...', 12)";
// Suggestions are re-ranked from this many best text matches, found by at
// most this many of the ticket's rarest words.
constexpr int kSuggestionCandidates = 200;
constexpr size_t kSuggestionWords = 12;

std::string IdOf(const std::string& name) { return name.substr(name.find('/') + 1); }

// Takes the article out of the search index.
void Unindex(db::Connection& c, const std::string& article_id) {
  const int64_t row =
      c.QueryInt64("SELECT row FROM knowledge_search_rows WHERE article_id = ?1", {article_id});
  if (row != 0) {
    c.Run("DELETE FROM knowledge_search WHERE rowid = ?1", {row});
    c.Run("DELETE FROM knowledge_search_rows WHERE row = ?1", {row});
  }
  c.Run("DELETE FROM knowledge_article_products WHERE article_id = ?1", {article_id});
}

// Brings the search index in line with the article: only published ones
// are in it.
void Reindex(db::Connection& c, const v1::KnowledgeArticle& article) {
  const std::string id = IdOf(article.name());
  Unindex(c, id);
  if (article.state() != v1::ARTICLE_STATE_PUBLISHED) return;
  c.Run("INSERT INTO knowledge_search_rows (article_id) VALUES (?1)", {id});
  const int64_t row = c.LastInsertRowId();
  c.Run(
      "INSERT INTO knowledge_search (rowid, title, symptoms, cause, solution, keywords) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
      {row, article.title(), article.symptoms(), article.cause(), article.solution(),
       absl::StrJoin(article.keywords(), " ")});
  for (const std::string& product : article.products()) {
    c.Run("INSERT INTO knowledge_article_products (product, article_id) VALUES (?1, ?2)",
          {product, id});
  }
}

// Articles; writes (given the client) check their products with sales.
ResourceKind<v1::KnowledgeArticle> Articles(sales::SalesClient* sales = nullptr) {
  ResourceKind<v1::KnowledgeArticle> kind;
  if (sales != nullptr) {
    kind.check_peers = [sales](const CallContext& call, const v1::KnowledgeArticle& named,
                               v1::KnowledgeArticle*) -> absl::Status {
      return sales::CheckProductsExist(*sales, call.deadline,
                                       {named.products().begin(), named.products().end()});
    };
  }
  kind.table = &KnowledgeArticleTable();
  kind.field = "knowledge_article";
  kind.update_rules = {{}, {"solved_count"}};
  kind.normalize = [](v1::KnowledgeArticle* article) {
    if (article->state() == v1::ARTICLE_STATE_UNSPECIFIED) {
      article->set_state(v1::ARTICLE_STATE_DRAFT);
    }
  };
  kind.validate = ValidateArticle;
  // The index changes in the same transaction as the article.
  kind.check_stored = [](db::Connection& c, const v1::KnowledgeArticle*,
                         const v1::KnowledgeArticle& article) -> absl::Status {
    Reindex(c, article);
    return absl::OkStatus();
  };
  kind.check_delete = [](db::Connection& c, const v1::KnowledgeArticle& article) -> absl::Status {
    const std::string id = IdOf(article.name());
    if (c.QueryInt64("SELECT count(*) FROM article_solutions WHERE article_id = ?1", {id}) > 0) {
      return FailedPrecondition("IN_USE", article.name(),
                                "solved tickets; retire it instead of deleting it");
    }
    Unindex(c, id);
    return absl::OkStatus();
  };
  return kind;
}

const std::vector<api::FilterField>& ArticleFilterFields() {
  static const auto* fields = new std::vector<api::FilterField>{
      {"state", api::FieldType::kEnum, "state",
       api::EnumFilterValues(v1::ArticleState_descriptor())},
      {"create_time", api::FieldType::kTimestamp, "create_time", {}},
  };
  return *fields;
}

const std::vector<api::OrderField>& NewestFirstFields() {
  static const auto* fields =
      new std::vector<api::OrderField>{{"create_time", "create_time", true}};
  return *fields;
}

struct TextMatch {
  std::string article_id;
  double match = 0;  // -bm25: higher is better
  std::string snippet;
};

// Up to `limit` published articles matching `fts_query` from `offset`,
// best text match first; only those about `product` when it is given.
std::vector<TextMatch> MatchArticles(db::Connection& c, const std::string& fts_query,
                                     const std::string& product, int limit, int64_t offset) {
  std::string sql = absl::StrCat("SELECT r.article_id, ", kBm25, " AS rank, ", kSnippet,
                                 " FROM knowledge_search JOIN knowledge_search_rows r "
                                 "ON r.row = knowledge_search.rowid");
  std::vector<db::SqlValue> params = {fts_query, int64_t{limit}, offset};
  if (!product.empty()) {
    absl::StrAppend(&sql,
                    " JOIN knowledge_article_products p ON p.article_id = r.article_id "
                    "AND p.product = ?4");
    params.push_back(product);
  }
  absl::StrAppend(&sql, " WHERE knowledge_search MATCH ?1 ORDER BY rank, r.article_id",
                  " LIMIT ?2 OFFSET ?3");
  std::vector<TextMatch> out;
  SQLite::Statement& select = c.Prepare(sql, params);
  while (select.executeStep()) {
    out.push_back({select.getColumn(0).getString(), -select.getColumn(1).getDouble(),
                   select.getColumn(2).getString()});
  }
  select.reset();
  return out;
}

// How many indexed articles hold each of `words` (those in none are left
// out), from the index's vocabulary.
std::map<std::string, int64_t> DocumentsWith(db::Connection& c,
                                             const std::vector<std::string>& words) {
  std::map<std::string, int64_t> counts;
  for (const std::string& word : words) {
    const int64_t documents =
        c.QueryInt64("SELECT doc FROM knowledge_vocabulary WHERE term = ?1", {word});
    if (documents > 0) counts[word] = documents;
  }
  return counts;
}

// The article of a match with its score and snippet.
v1::ArticleMatch MatchOf(db::Connection& c, const TextMatch& found, double score) {
  v1::ArticleMatch match;
  if (auto article = KnowledgeArticleTable().Load<v1::KnowledgeArticle>(c, found.article_id)) {
    *match.mutable_article() = std::move(article->resource);
  }
  match.set_score(score);
  match.set_snippet(found.snippet);
  return match;
}

}  // namespace

grpc::ServerUnaryReactor* KnowledgeService::CreateKnowledgeArticle(
    grpc::CallbackServerContext* context, const v1::CreateKnowledgeArticleRequest* request,
    v1::KnowledgeArticle* response) {
  return server::RunUnary(
      runtime_, context, "CreateKnowledgeArticle", request, response,
      [this](const CallContext& call, const v1::CreateKnowledgeArticleRequest& req,
             v1::KnowledgeArticle* resp) {
        ResourceKind<v1::KnowledgeArticle> kind = Articles(sales_.get());
        const auto normalize = kind.normalize;
        kind.normalize = [normalize](v1::KnowledgeArticle* article) {
          article->clear_solved_count();
          normalize(article);
        };
        return server::CreateResource(
            runtime_, call, kind, "", "",
            req.has_knowledge_article() ? &req.knowledge_article() : nullptr, req.request_id(), req,
            resp);
      });
}

grpc::ServerUnaryReactor* KnowledgeService::GetKnowledgeArticle(
    grpc::CallbackServerContext* context, const v1::GetKnowledgeArticleRequest* request,
    v1::KnowledgeArticle* response) {
  return server::RunUnary(runtime_, context, "GetKnowledgeArticle", request, response,
                          [this](const CallContext&, const v1::GetKnowledgeArticleRequest& req,
                                 v1::KnowledgeArticle* resp) {
                            return server::GetResource(runtime_, Articles(), req.name(), resp);
                          });
}

grpc::ServerUnaryReactor* KnowledgeService::ListKnowledgeArticles(
    grpc::CallbackServerContext* context, const v1::ListKnowledgeArticlesRequest* request,
    v1::ListKnowledgeArticlesResponse* response) {
  return server::RunUnary(runtime_, context, "ListKnowledgeArticles", request, response,
                          [this](const CallContext&, const v1::ListKnowledgeArticlesRequest& req,
                                 v1::ListKnowledgeArticlesResponse* resp) -> absl::Status {
                            absl::StatusOr<server::ListQuery> query = server::FilteredListQuery(
                                req.page_size(), req.page_token(), req.filter(), "",
                                ArticleFilterFields(), NewestFirstFields(), "create_time desc");
                            if (!query.ok()) return query.status();
                            return server::ListResources(runtime_, Articles(), *query,
                                                         resp->mutable_knowledge_articles(),
                                                         resp->mutable_next_page_token());
                          });
}

grpc::ServerUnaryReactor* KnowledgeService::UpdateKnowledgeArticle(
    grpc::CallbackServerContext* context, const v1::UpdateKnowledgeArticleRequest* request,
    v1::KnowledgeArticle* response) {
  return server::RunUnary(
      runtime_, context, "UpdateKnowledgeArticle", request, response,
      [this](const CallContext& call, const v1::UpdateKnowledgeArticleRequest& req,
             v1::KnowledgeArticle* resp) {
        return server::UpdateResource(
            runtime_, call, Articles(sales_.get()),
            req.has_knowledge_article() ? &req.knowledge_article() : nullptr, req.update_mask(),
            resp);
      });
}

grpc::ServerUnaryReactor* KnowledgeService::DeleteKnowledgeArticle(
    grpc::CallbackServerContext* context, const v1::DeleteKnowledgeArticleRequest* request,
    google::protobuf::Empty* response) {
  return server::RunUnary(
      runtime_, context, "DeleteKnowledgeArticle", request, response,
      [this](const CallContext& call, const v1::DeleteKnowledgeArticleRequest& req,
             google::protobuf::Empty*) {
        return server::DeleteResource(runtime_, call, Articles(), req.name(), req.etag());
      });
}

grpc::ServerUnaryReactor* KnowledgeService::SearchKnowledgeArticles(
    grpc::CallbackServerContext* context, const v1::SearchKnowledgeArticlesRequest* request,
    v1::SearchKnowledgeArticlesResponse* response) {
  return server::RunUnary(
      runtime_, context, "SearchKnowledgeArticles", request, response,
      [this](const CallContext&, const v1::SearchKnowledgeArticlesRequest& req,
             v1::SearchKnowledgeArticlesResponse* resp) -> absl::Status {
        Violations violations;
        absl::StatusOr<std::string> fts_query = AllWordsQuery(req.query(), "query");
        violations.AddAll(fts_query.status());
        validation::CheckOptionalReference(req.product(), "products", "product", &violations);
        absl::StatusOr<int> size = api::EffectivePageSize(req.page_size(), 20, 100);
        violations.AddAll(size.status());
        if (!violations.empty()) return violations.ToStatus();
        // Ranked results page by position: the token holds the offset.
        const api::OrderBy by_offset{{{"offset", false, true}}};
        const std::string fingerprint = absl::StrCat(req.query(), "\n", req.product());
        absl::StatusOr<std::vector<db::SqlValue>> after =
            api::DecodePageToken(req.page_token(), fingerprint, by_offset);
        if (!after.ok()) return after.status();
        const int64_t offset = after->empty() ? 0 : std::get<int64_t>(after->front());
        return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          std::vector<TextMatch> found =
              MatchArticles(c, *fts_query, req.product(), *size + 1, offset);
          if (static_cast<int>(found.size()) > *size) {
            found.pop_back();
            *resp->mutable_next_page_token() = api::EncodePageToken(fingerprint, {offset + *size});
          }
          for (const TextMatch& match : found) {
            *resp->add_matches() = MatchOf(c, match, match.match);
          }
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* KnowledgeService::SuggestKnowledgeArticles(
    grpc::CallbackServerContext* context, const v1::SuggestKnowledgeArticlesRequest* request,
    v1::SuggestKnowledgeArticlesResponse* response) {
  return server::RunUnary(
      runtime_, context, "SuggestKnowledgeArticles", request, response,
      [this](const CallContext&, const v1::SuggestKnowledgeArticlesRequest& req,
             v1::SuggestKnowledgeArticlesResponse* resp) -> absl::Status {
        Violations violations;
        absl::StatusOr<std::string> ticket_id =
            api::ParseResourceName(req.ticket(), TicketTable().collection(), "ticket");
        violations.AddAll(ticket_id.status());
        absl::StatusOr<int> size = api::EffectivePageSize(req.page_size(), 5, 50);
        violations.AddAll(size.status());
        if (!violations.empty()) return violations.ToStatus();
        return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          auto ticket = TicketTable().Load<v1::Ticket>(c, *ticket_id);
          if (!ticket) return NotFound(req.ticket());
          std::string product;
          if (!ticket->resource.component().empty()) {
            if (auto component = InstalledComponentTable().Load<v1::InstalledComponent>(
                    c, IdOf(ticket->resource.component()))) {
              product = component->resource.product();
            }
          }
          const std::vector<std::string> words = TellingWords(
              absl::StrCat(ticket->resource.title(), " ", ticket->resource.description()));
          if (words.empty()) return absl::OkStatus();
          const std::string fts_query = AnyOfWords(RarestWords(
              words, DocumentsWith(c, words),
              c.QueryInt64("SELECT count(*) FROM knowledge_search_rows", {}), kSuggestionWords));
          struct Ranked {
            v1::ArticleMatch match;
            double score;
          };
          std::vector<Ranked> ranked;
          for (const TextMatch& found : MatchArticles(c, fts_query, "", kSuggestionCandidates, 0)) {
            v1::ArticleMatch match = MatchOf(c, found, 0);
            const auto& products = match.article().products();
            const bool about_product =
                !product.empty() &&
                std::find(products.begin(), products.end(), product) != products.end();
            const double score =
                SuggestionScore(found.match, match.article().solved_count(), about_product);
            match.set_score(score);
            ranked.push_back({std::move(match), score});
          }
          std::stable_sort(ranked.begin(), ranked.end(),
                           [](const Ranked& a, const Ranked& b) { return a.score > b.score; });
          for (size_t i = 0; i < ranked.size() && static_cast<int>(i) < *size; ++i) {
            *resp->add_matches() = std::move(ranked[i].match);
          }
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* KnowledgeService::RecordArticleSolution(
    grpc::CallbackServerContext* context, const v1::RecordArticleSolutionRequest* request,
    v1::KnowledgeArticle* response) {
  return server::RunUnary(
      runtime_, context, "RecordArticleSolution", request, response,
      [this](const CallContext& call, const v1::RecordArticleSolutionRequest& req,
             v1::KnowledgeArticle* resp) -> absl::Status {
        Violations violations;
        absl::StatusOr<std::string> article_id =
            api::ParseResourceName(req.name(), KnowledgeArticleTable().collection(), "name");
        violations.AddAll(article_id.status());
        absl::StatusOr<std::string> ticket_id =
            api::ParseResourceName(req.ticket(), TicketTable().collection(), "ticket");
        violations.AddAll(ticket_id.status());
        if (!violations.empty()) return violations.ToStatus();
        return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
          auto article = KnowledgeArticleTable().Load<v1::KnowledgeArticle>(c, *article_id);
          if (!article) return NotFound(req.name());
          if (!TicketTable().Exists(c, *ticket_id)) return NotFound(req.ticket());
          const int added = c.Run(
              "INSERT OR IGNORE INTO article_solutions (article_id, ticket_id, create_time) "
              "VALUES (?1, ?2, ?3)",
              {*article_id, *ticket_id, api::TimeToMicros(call.now)});
          if (added > 0) {
            article->resource.set_solved_count(article->resource.solved_count() + 1);
            server::ReplaceResource(c, call, KnowledgeArticleTable(), *article_id,
                                    &article->revision, &article->resource);
          }
          *resp = std::move(article->resource);
          return absl::OkStatus();
        });
      });
}

}  // namespace crm::servicedesk
