// The gRPC face of leads and their scoring and routing rules.
#ifndef CRM_SERVICES_MARKETING_LEAD_SERVICE_H_
#define CRM_SERVICES_MARKETING_LEAD_SERVICE_H_

#include <memory>

#include "common/server/runtime.h"
#include "crm/marketing/v1/lead_service.grpc.pb.h"
#include "services/partners/client/partners_client.h"
#include "services/sales/client/sales_client.h"

namespace crm::marketing {

class LeadService final : public v1::LeadService::CallbackService {
 public:
  LeadService(server::Runtime& runtime, std::shared_ptr<partners::PartnersClient> partners,
              std::shared_ptr<sales::SalesClient> sales)
      : runtime_(runtime), partners_(std::move(partners)), sales_(std::move(sales)) {}

  grpc::ServerUnaryReactor* CreateLead(grpc::CallbackServerContext* context,
                                       const v1::CreateLeadRequest* request,
                                       v1::Lead* response) override;
  grpc::ServerUnaryReactor* GetLead(grpc::CallbackServerContext* context,
                                    const v1::GetLeadRequest* request, v1::Lead* response) override;
  grpc::ServerUnaryReactor* ListLeads(grpc::CallbackServerContext* context,
                                      const v1::ListLeadsRequest* request,
                                      v1::ListLeadsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateLead(grpc::CallbackServerContext* context,
                                       const v1::UpdateLeadRequest* request,
                                       v1::Lead* response) override;
  grpc::ServerUnaryReactor* QualifyLead(grpc::CallbackServerContext* context,
                                        const v1::QualifyLeadRequest* request,
                                        v1::Lead* response) override;
  grpc::ServerUnaryReactor* AssignLead(grpc::CallbackServerContext* context,
                                       const v1::AssignLeadRequest* request,
                                       v1::Lead* response) override;
  grpc::ServerUnaryReactor* DisqualifyLead(grpc::CallbackServerContext* context,
                                           const v1::DisqualifyLeadRequest* request,
                                           v1::Lead* response) override;
  grpc::ServerUnaryReactor* ConvertLead(grpc::CallbackServerContext* context,
                                        const v1::ConvertLeadRequest* request,
                                        v1::Lead* response) override;
  grpc::ServerBidiReactor<v1::ImportLeadsRequest, v1::ImportLeadsResponse>* ImportLeads(
      grpc::CallbackServerContext* context) override;
  grpc::ServerUnaryReactor* CreateLeadScoringRule(grpc::CallbackServerContext* context,
                                                  const v1::CreateLeadScoringRuleRequest* request,
                                                  v1::LeadScoringRule* response) override;
  grpc::ServerUnaryReactor* GetLeadScoringRule(grpc::CallbackServerContext* context,
                                               const v1::GetLeadScoringRuleRequest* request,
                                               v1::LeadScoringRule* response) override;
  grpc::ServerUnaryReactor* ListLeadScoringRules(
      grpc::CallbackServerContext* context, const v1::ListLeadScoringRulesRequest* request,
      v1::ListLeadScoringRulesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateLeadScoringRule(grpc::CallbackServerContext* context,
                                                  const v1::UpdateLeadScoringRuleRequest* request,
                                                  v1::LeadScoringRule* response) override;
  grpc::ServerUnaryReactor* DeleteLeadScoringRule(grpc::CallbackServerContext* context,
                                                  const v1::DeleteLeadScoringRuleRequest* request,
                                                  google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* CreateLeadRoutingRule(grpc::CallbackServerContext* context,
                                                  const v1::CreateLeadRoutingRuleRequest* request,
                                                  v1::LeadRoutingRule* response) override;
  grpc::ServerUnaryReactor* GetLeadRoutingRule(grpc::CallbackServerContext* context,
                                               const v1::GetLeadRoutingRuleRequest* request,
                                               v1::LeadRoutingRule* response) override;
  grpc::ServerUnaryReactor* ListLeadRoutingRules(
      grpc::CallbackServerContext* context, const v1::ListLeadRoutingRulesRequest* request,
      v1::ListLeadRoutingRulesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateLeadRoutingRule(grpc::CallbackServerContext* context,
                                                  const v1::UpdateLeadRoutingRuleRequest* request,
                                                  v1::LeadRoutingRule* response) override;
  grpc::ServerUnaryReactor* DeleteLeadRoutingRule(grpc::CallbackServerContext* context,
                                                  const v1::DeleteLeadRoutingRuleRequest* request,
                                                  google::protobuf::Empty* response) override;

 private:
  server::Runtime& runtime_;
  std::shared_ptr<partners::PartnersClient> partners_;
  std::shared_ptr<sales::SalesClient> sales_;
};

}  // namespace crm::marketing

#endif  // CRM_SERVICES_MARKETING_LEAD_SERVICE_H_
