// The typed client of the partners service, the one every other service
// uses to reach partners. Deadlines and retries as common/client/peer_call.h
// describes: reads are retried on UNAVAILABLE, writes only when a repeat is
// harmless (a create with a request_id; an update, delete or role change
// with an etag).
#ifndef CRM_SERVICES_PARTNERS_CLIENT_PARTNERS_CLIENT_H_
#define CRM_SERVICES_PARTNERS_CLIENT_PARTNERS_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/client/peer_call.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"

namespace crm::partners {

using PartnersClientOptions = client::PeerCallOptions;

class PartnersClient {
 public:
  PartnersClient(std::shared_ptr<grpc::Channel> channel, PartnersClientOptions options = {});
  virtual ~PartnersClient() = default;

  // A channel to `address` ("host:port") that reconnects quickly after the
  // peer restarts.
  static std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address);

  // Reads; retried on UNAVAILABLE.
  virtual absl::StatusOr<v1::Partner> GetPartner(const std::string& name, absl::Time deadline);
  virtual absl::StatusOr<v1::ListPartnersResponse> ListPartners(
      const v1::ListPartnersRequest& request, absl::Time deadline);
  virtual absl::StatusOr<v1::BatchCheckContactPermissionsResponse> BatchCheckContactPermissions(
      const v1::BatchCheckContactPermissionsRequest& request, absl::Time deadline);

  // Writes; retried on UNAVAILABLE only when safe (see above).
  virtual absl::StatusOr<v1::Partner> CreatePartner(const v1::CreatePartnerRequest& request,
                                                    absl::Time deadline);
  virtual absl::StatusOr<v1::Partner> UpdatePartner(const v1::UpdatePartnerRequest& request,
                                                    absl::Time deadline);
  virtual absl::Status DeletePartner(const v1::DeletePartnerRequest& request, absl::Time deadline);
  virtual absl::StatusOr<v1::Partner> AddPartnerRole(const v1::AddPartnerRoleRequest& request,
                                                     absl::Time deadline);
  virtual absl::StatusOr<v1::Partner> RemovePartnerRole(const v1::RemovePartnerRoleRequest& request,
                                                        absl::Time deadline);

  // The partner a record elsewhere refers to, with the failure as that
  // service's caller should see it: NOT_FOUND (named `name`) when it does
  // not exist or was erased; UNAVAILABLE, saying partners could not be
  // reached, when it timed out or was down. A merged partner resolves to
  // its survivor.
  absl::StatusOr<v1::Partner> ResolvePartner(const std::string& name, absl::Time deadline);

 private:
  template <typename Request, typename Response>
  absl::StatusOr<Response> Invoke(bool retry, absl::Time deadline,
                                  grpc::Status (v1::PartnerService::Stub::*method)(
                                      grpc::ClientContext*, const Request&, Response*),
                                  const Request& request) {
    return client::InvokePeer(*stub_, method, request, retry, deadline, options_);
  }

  std::unique_ptr<v1::PartnerService::Stub> stub_;
  PartnersClientOptions options_;
};

}  // namespace crm::partners

#endif  // CRM_SERVICES_PARTNERS_CLIENT_PARTNERS_CLIENT_H_
