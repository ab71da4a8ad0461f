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

// Re-points the relationships of the partners merged into `to_id` to it, in
// the merge's write. Those `to_id` cannot hold (a relationship with itself,
// a repeat, a broken hierarchy) are deleted instead. Each change goes on the
// feed, in the audit trails and into `out`.
void MoveRelationships(db::Connection& c, const server::CallContext& call,
                       const std::vector<std::string>& from_ids, const std::string& to_id,
                       const std::string& request_id, v1::MergePartnersResponse* out);

// Existing partners that may be the same as `draft` (normalised, with its
// display name), scoring at least `min_score`, best first.
std::vector<v1::DuplicateCandidate> FindDuplicates(db::Connection& c, const v1::Partner& draft,
                                                   double min_score, int max_candidates);

// ALREADY_EXISTS naming the existing partner when `draft` is very likely a
// duplicate of it.
absl::Status RefuseLikelyDuplicate(db::Connection& c, const v1::Partner& draft);

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
  grpc::ServerUnaryReactor* SearchPartners(grpc::CallbackServerContext* context,
                                           const v1::SearchPartnersRequest* request,
                                           v1::SearchPartnersResponse* response) override;
  grpc::ServerUnaryReactor* CheckPartnerDuplicates(
      grpc::CallbackServerContext* context, const v1::CheckPartnerDuplicatesRequest* request,
      v1::CheckPartnerDuplicatesResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePartner(grpc::CallbackServerContext* context,
                                          const v1::UpdatePartnerRequest* request,
                                          v1::Partner* response) override;
  grpc::ServerUnaryReactor* DeletePartner(grpc::CallbackServerContext* context,
                                          const v1::DeletePartnerRequest* request,
                                          google::protobuf::Empty* response) override;
  grpc::ServerUnaryReactor* MergePartners(grpc::CallbackServerContext* context,
                                          const v1::MergePartnersRequest* request,
                                          v1::MergePartnersResponse* response) override;
  grpc::ServerUnaryReactor* ErasePartner(grpc::CallbackServerContext* context,
                                         const v1::ErasePartnerRequest* request,
                                         v1::Partner* response) override;
  grpc::ServerUnaryReactor* ExportPartnerData(grpc::CallbackServerContext* context,
                                              const v1::ExportPartnerDataRequest* request,
                                              v1::PartnerDataExport* response) override;
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

  // Consent (consent_service.cc).
  grpc::ServerUnaryReactor* GrantConsent(grpc::CallbackServerContext* context,
                                         const v1::GrantConsentRequest* request,
                                         v1::ConsentRecord* response) override;
  grpc::ServerUnaryReactor* WithdrawConsent(grpc::CallbackServerContext* context,
                                            const v1::WithdrawConsentRequest* request,
                                            v1::ConsentRecord* response) override;
  grpc::ServerUnaryReactor* ListConsentRecords(grpc::CallbackServerContext* context,
                                               const v1::ListConsentRecordsRequest* request,
                                               v1::ListConsentRecordsResponse* response) override;
  grpc::ServerUnaryReactor* CheckContactPermission(
      grpc::CallbackServerContext* context, const v1::CheckContactPermissionRequest* request,
      v1::ContactDecision* response) override;
  grpc::ServerUnaryReactor* BatchCheckContactPermissions(
      grpc::CallbackServerContext* context,
      const v1::BatchCheckContactPermissionsRequest* request,
      v1::BatchCheckContactPermissionsResponse* response) override;

  // Custom field definitions (custom_fields_service.cc).
  grpc::ServerUnaryReactor* CreateCustomFieldDefinition(
      grpc::CallbackServerContext* context,
      const v1::CreateCustomFieldDefinitionRequest* request,
      v1::CustomFieldDefinition* response) override;
  grpc::ServerUnaryReactor* GetCustomFieldDefinition(
      grpc::CallbackServerContext* context, const v1::GetCustomFieldDefinitionRequest* request,
      v1::CustomFieldDefinition* response) override;
  grpc::ServerUnaryReactor* ListCustomFieldDefinitions(
      grpc::CallbackServerContext* context, const v1::ListCustomFieldDefinitionsRequest* request,
      v1::ListCustomFieldDefinitionsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateCustomFieldDefinition(
      grpc::CallbackServerContext* context,
      const v1::UpdateCustomFieldDefinitionRequest* request,
      v1::CustomFieldDefinition* response) override;
  grpc::ServerUnaryReactor* DeleteCustomFieldDefinition(
      grpc::CallbackServerContext* context,
      const v1::DeleteCustomFieldDefinitionRequest* request,
      google::protobuf::Empty* response) override;

 private:
  absl::Status RecordConsent(const server::CallContext& call, const std::string& parent,
                             const v1::ConsentRecord& sent, v1::ConsentState state,
                             const std::string& request_id,
                             const google::protobuf::Message& request,
                             v1::ConsentRecord* response);

  server::Runtime& runtime_;
};

}  // namespace crm::partners

#endif  // CRM_SERVICES_PARTNERS_PARTNERS_SERVICE_H_
