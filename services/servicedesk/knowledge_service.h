// The gRPC face of the knowledge base: articles, search, suggestions and
// solutions.
#ifndef CRM_SERVICES_SERVICEDESK_KNOWLEDGE_SERVICE_H_
#define CRM_SERVICES_SERVICEDESK_KNOWLEDGE_SERVICE_H_

#include <memory>

#include "common/server/runtime.h"
#include "crm/servicedesk/v1/knowledge_service.grpc.pb.h"
#include "services/sales/client/sales_client.h"

namespace crm::servicedesk {

class KnowledgeService final : public v1::KnowledgeService::CallbackService {
 public:
  KnowledgeService(server::Runtime& runtime, std::shared_ptr<sales::SalesClient> sales)
      : runtime_(runtime), sales_(std::move(sales)) {}

  grpc::ServerUnaryReactor* CreateKnowledgeArticle(grpc::CallbackServerContext* context,
                                                   const v1::CreateKnowledgeArticleRequest* request,
                                                   v1::KnowledgeArticle* response) override;
  grpc::ServerUnaryReactor* GetKnowledgeArticle(grpc::CallbackServerContext* context,
                                                const v1::GetKnowledgeArticleRequest* request,
                                                v1::KnowledgeArticle* response) override;
  grpc::ServerUnaryReactor* ListKnowledgeArticles(
      grpc::CallbackServerContext* context, const v1::ListKnowledgeArticlesRequest* request,
      v1::ListKnowledgeArticlesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateKnowledgeArticle(grpc::CallbackServerContext* context,
                                                   const v1::UpdateKnowledgeArticleRequest* request,
                                                   v1::KnowledgeArticle* response) override;
  grpc::ServerUnaryReactor* DeleteKnowledgeArticle(grpc::CallbackServerContext* context,
                                                   const v1::DeleteKnowledgeArticleRequest* request,
                                                   google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* SearchKnowledgeArticles(
      grpc::CallbackServerContext* context, const v1::SearchKnowledgeArticlesRequest* request,
      v1::SearchKnowledgeArticlesResponse* response) override;
  grpc::ServerUnaryReactor* SuggestKnowledgeArticles(
      grpc::CallbackServerContext* context, const v1::SuggestKnowledgeArticlesRequest* request,
      v1::SuggestKnowledgeArticlesResponse* response) override;
  grpc::ServerUnaryReactor* RecordArticleSolution(grpc::CallbackServerContext* context,
                                                  const v1::RecordArticleSolutionRequest* request,
                                                  v1::KnowledgeArticle* response) override;

 private:
  server::Runtime& runtime_;
  std::shared_ptr<sales::SalesClient> sales_;
};

}  // namespace crm::servicedesk

#endif  // CRM_SERVICES_SERVICEDESK_KNOWLEDGE_SERVICE_H_
