// The gRPC face of the partners service: request checks, transactions and
// the change feed. Rules about partners live in partner_validation, SQL in
// partner_store.
#ifndef CRM_SERVICES_PARTNERS_PARTNERS_SERVICE_H_
#define CRM_SERVICES_PARTNERS_PARTNERS_SERVICE_H_

#include "common/server/runtime.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"

namespace crm::partners {

class PartnersService final : public v1::PartnerService::CallbackService {
 public:
  explicit PartnersService(server::Runtime& runtime) : runtime_(runtime) {}

  grpc::ServerUnaryReactor* CreatePartner(grpc::CallbackServerContext* context,
                                          const v1::CreatePartnerRequest* request,
                                          v1::Partner* response) override;
  grpc::ServerUnaryReactor* GetPartner(grpc::CallbackServerContext* context,
                                       const v1::GetPartnerRequest* request,
                                       v1::Partner* response) override;
  grpc::ServerUnaryReactor* ListPartners(grpc::CallbackServerContext* context,
                                         const v1::ListPartnersRequest* request,
                                         v1::ListPartnersResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePartner(grpc::CallbackServerContext* context,
                                          const v1::UpdatePartnerRequest* request,
                                          v1::Partner* response) override;
  grpc::ServerUnaryReactor* DeletePartner(grpc::CallbackServerContext* context,
                                          const v1::DeletePartnerRequest* request,
                                          google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* AddPartnerRole(grpc::CallbackServerContext* context,
                                           const v1::AddPartnerRoleRequest* request,
                                           v1::Partner* response) override;
  grpc::ServerUnaryReactor* RemovePartnerRole(grpc::CallbackServerContext* context,
                                              const v1::RemovePartnerRoleRequest* request,
                                              v1::Partner* response) override;
  grpc::ServerUnaryReactor* ListAuditEvents(grpc::CallbackServerContext* context,
                                            const v1::ListAuditEventsRequest* request,
                                            v1::ListAuditEventsResponse* response) override;

 private:
  server::Runtime& runtime_;
};

}  // namespace crm::partners

#endif  // CRM_SERVICES_PARTNERS_PARTNERS_SERVICE_H_
