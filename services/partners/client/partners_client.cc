#include "services/partners/client/partners_client.h"

#include "absl/strings/str_cat.h"

namespace crm::partners {

PartnersClient::PartnersClient(std::shared_ptr<grpc::Channel> channel,
                               PartnersClientOptions options)
    : stub_(v1::PartnerService::NewStub(std::move(channel))), options_(options) {}

std::shared_ptr<grpc::Channel> PartnersClient::MakeChannel(const std::string& address) {
  return client::MakePeerChannel(address);
}

namespace {
using Stub = v1::PartnerService::Stub;
}  // namespace

absl::StatusOr<v1::Partner> PartnersClient::GetPartner(const std::string& name,
                                                       absl::Time deadline) {
  v1::GetPartnerRequest request;
  request.set_name(name);
  return Invoke(true, deadline, &Stub::GetPartner, request);
}

absl::StatusOr<v1::ListPartnersResponse> PartnersClient::ListPartners(
    const v1::ListPartnersRequest& request, absl::Time deadline) {
  return Invoke(true, deadline, &Stub::ListPartners, request);
}

absl::StatusOr<v1::BatchCheckContactPermissionsResponse>
PartnersClient::BatchCheckContactPermissions(const v1::BatchCheckContactPermissionsRequest& request,
                                             absl::Time deadline) {
  return Invoke(true, deadline, &Stub::BatchCheckContactPermissions, request);
}

absl::StatusOr<v1::Partner> PartnersClient::CreatePartner(const v1::CreatePartnerRequest& request,
                                                          absl::Time deadline) {
  return Invoke(!request.request_id().empty(), deadline, &Stub::CreatePartner, request);
}

absl::StatusOr<v1::Partner> PartnersClient::UpdatePartner(const v1::UpdatePartnerRequest& request,
                                                          absl::Time deadline) {
  return Invoke(!request.partner().etag().empty(), deadline, &Stub::UpdatePartner, request);
}

absl::Status PartnersClient::DeletePartner(const v1::DeletePartnerRequest& request,
                                           absl::Time deadline) {
  return Invoke(!request.etag().empty(), deadline, &Stub::DeletePartner, request).status();
}

absl::StatusOr<v1::Partner> PartnersClient::AddPartnerRole(const v1::AddPartnerRoleRequest& request,
                                                           absl::Time deadline) {
  return Invoke(!request.etag().empty(), deadline, &Stub::AddPartnerRole, request);
}

absl::StatusOr<v1::Partner> PartnersClient::RemovePartnerRole(
    const v1::RemovePartnerRoleRequest& request, absl::Time deadline) {
  return Invoke(!request.etag().empty(), deadline, &Stub::RemovePartnerRole, request);
}

absl::StatusOr<v1::Partner> PartnersClient::ResolvePartner(const std::string& name,
                                                           absl::Time deadline) {
  absl::StatusOr<v1::Partner> partner = GetPartner(name, deadline);
  if (partner.ok()) return partner;
  return client::PeerFailure(partner.status(), "partners", absl::StrCat("check ", name));
}

}  // namespace crm::partners
