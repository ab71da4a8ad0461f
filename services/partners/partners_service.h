// The gRPC face of the partners service: request checks, transactions and
// the change feed. Rules about partners live in partner_validation, SQL in
// partner_store.
#ifndef CRM_SERVICES_PARTNERS_PARTNERS_SERVICE_H_
#define CRM_SERVICES_PARTNERS_PARTNERS_SERVICE_H_

#include "common/server/runtime.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"

namespace crm::partners {

// Deletes the relationships of a partner that is being deleted, recording
// each on the feed and in the audit trails; call in the delete's write.
void DeleteRelationshipsOf(db::Connection& c, const server::CallContext& call,
                           const std::string& partner_id);

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

  // Relationships and hierarchies (relationships_service.cc).
  grpc::ServerUnaryReactor* CreateRelationship(grpc::CallbackServerContext* context,
                                               const v1::CreateRelationshipRequest* request,
                                               v1::Relationship* response) override;
  grpc::ServerUnaryReactor* GetRelationship(grpc::CallbackServerContext* context,
                                            const v1::GetRelationshipRequest* request,
                                            v1::Relationship* response) override;
  grpc::ServerUnaryReactor* ListRelationships(grpc::CallbackServerContext* context,
                                              const v1::ListRelationshipsRequest* request,
                                              v1::ListRelationshipsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateRelationship(grpc::CallbackServerContext* context,
                                               const v1::UpdateRelationshipRequest* request,
                                               v1::Relationship* response) override;
  grpc::ServerUnaryReactor* DeleteRelationship(grpc::CallbackServerContext* context,
                                               const v1::DeleteRelationshipRequest* request,
                                               google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* GetPartnerHierarchy(
      grpc::CallbackServerContext* context, const v1::GetPartnerHierarchyRequest* request,
      v1::GetPartnerHierarchyResponse* response) override;

 private:
  server::Runtime& runtime_;
};

}  // namespace crm::partners

#endif  // CRM_SERVICES_PARTNERS_PARTNERS_SERVICE_H_
