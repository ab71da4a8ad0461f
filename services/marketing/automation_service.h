// The gRPC face of automation rules and their runs. The rules act in the
// feed followers (automation_follower.h).
#ifndef CRM_SERVICES_MARKETING_AUTOMATION_SERVICE_H_
#define CRM_SERVICES_MARKETING_AUTOMATION_SERVICE_H_

#include "common/server/runtime.h"
#include "crm/marketing/v1/automation_service.grpc.pb.h"

namespace crm::marketing {

class AutomationService final : public v1::AutomationService::CallbackService {
 public:
  explicit AutomationService(server::Runtime& runtime) : runtime_(runtime) {}

  grpc::ServerUnaryReactor* CreateAutomationRule(grpc::CallbackServerContext* context,
                                                 const v1::CreateAutomationRuleRequest* request,
                                                 v1::AutomationRule* response) override;
  grpc::ServerUnaryReactor* GetAutomationRule(grpc::CallbackServerContext* context,
                                              const v1::GetAutomationRuleRequest* request,
                                              v1::AutomationRule* response) override;
  grpc::ServerUnaryReactor* ListAutomationRules(grpc::CallbackServerContext* context,
                                                const v1::ListAutomationRulesRequest* request,
                                                v1::ListAutomationRulesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateAutomationRule(grpc::CallbackServerContext* context,
                                                 const v1::UpdateAutomationRuleRequest* request,
                                                 v1::AutomationRule* response) override;
  grpc::ServerUnaryReactor* DeleteAutomationRule(grpc::CallbackServerContext* context,
                                                 const v1::DeleteAutomationRuleRequest* request,
                                                 google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* ListAutomationRuns(grpc::CallbackServerContext* context,
                                               const v1::ListAutomationRunsRequest* request,
                                               v1::ListAutomationRunsResponse* response) override;

 private:
  server::Runtime& runtime_;
};

}  // namespace crm::marketing

#endif  // CRM_SERVICES_MARKETING_AUTOMATION_SERVICE_H_
