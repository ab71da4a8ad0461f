// The gRPC face of sales territories and account assignment.
#ifndef CRM_SERVICES_SALES_TERRITORY_SERVICE_H_
#define CRM_SERVICES_SALES_TERRITORY_SERVICE_H_

#include <memory>

#include "common/server/runtime.h"
#include "crm/sales/v1/territory_service.grpc.pb.h"
#include "services/partners/client/partner_refs.h"
#include "services/partners/client/partners_client.h"

namespace crm::sales {

class TerritoryService final : public v1::TerritoryService::CallbackService {
 public:
  TerritoryService(server::Runtime& runtime, std::shared_ptr<partners::PartnersClient> partners)
      : runtime_(runtime), partners_(std::move(partners)) {}

  grpc::ServerUnaryReactor* CreateTerritory(grpc::CallbackServerContext* context,
                                            const v1::CreateTerritoryRequest* request,
                                            v1::Territory* response) override;
  grpc::ServerUnaryReactor* GetTerritory(grpc::CallbackServerContext* context,
                                         const v1::GetTerritoryRequest* request,
                                         v1::Territory* response) override;
  grpc::ServerUnaryReactor* ListTerritories(grpc::CallbackServerContext* context,
                                            const v1::ListTerritoriesRequest* request,
                                            v1::ListTerritoriesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateTerritory(grpc::CallbackServerContext* context,
                                            const v1::UpdateTerritoryRequest* request,
                                            v1::Territory* response) override;
  grpc::ServerUnaryReactor* DeleteTerritory(grpc::CallbackServerContext* context,
                                            const v1::DeleteTerritoryRequest* request,
                                            google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* AssignAccount(grpc::CallbackServerContext* context,
                                          const v1::AssignAccountRequest* request,
                                          v1::TerritoryAssignment* response) override;
  grpc::ServerUnaryReactor* GetTerritoryAssignment(
      grpc::CallbackServerContext* context, const v1::GetTerritoryAssignmentRequest* request,
      v1::TerritoryAssignment* response) override;
  grpc::ServerUnaryReactor* ListTerritoryAssignments(
      grpc::CallbackServerContext* context, const v1::ListTerritoryAssignmentsRequest* request,
      v1::ListTerritoryAssignmentsResponse* response) override;
  grpc::ServerUnaryReactor* ReassignAccounts(grpc::CallbackServerContext* context,
                                             const v1::ReassignAccountsRequest* request,
                                             v1::ReassignAccountsResponse* response) override;

 private:
  // Checks the sales reps of `territory` not in `checked` with partners
  // (employees), and stores merged ones under their survivors.
  absl::Status CheckSalesReps(const server::CallContext& call, v1::Territory* territory,
                              const partners::CheckedPartners& checked);

  server::Runtime& runtime_;
  std::shared_ptr<partners::PartnersClient> partners_;
};

}  // namespace crm::sales

#endif  // CRM_SERVICES_SALES_TERRITORY_SERVICE_H_
