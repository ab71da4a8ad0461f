#include "services/partners/client/partners_client.h"

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/errors.h"

namespace crm::partners {

PartnersClient::PartnersClient(std::shared_ptr<grpc::Channel> channel,
                               PartnersClientOptions options)
    : stub_(v1::PartnerService::NewStub(std::move(channel))), options_(options) {}

std::shared_ptr<grpc::Channel> PartnersClient::MakeChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

absl::Status PartnersClient::Call(bool retry, absl::Time deadline,
                                  const std::function<grpc::Status(grpc::ClientContext*)>& attempt) {
  if (deadline == absl::InfiniteFuture()) deadline = absl::Now() + options_.default_timeout;
  absl::Duration backoff = options_.initial_backoff;
  for (;;) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(deadline));
    const grpc::Status status = attempt(&context);
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE || !retry ||
        absl::Now() + backoff >= deadline) {
      return FromGrpcStatus(status);
    }
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(backoff));
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

namespace {

using Stub = v1::PartnerService::Stub;

template <typename Request, typename Response>
using Method = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

}  // namespace

template <typename Request, typename Response>
absl::StatusOr<Response> PartnersClient::Invoke(bool retry, absl::Time deadline,
                                                Method<Request, Response> method,
                                                const Request& request) {
  Response response;
  absl::Status status = Call(retry, deadline, [&](grpc::ClientContext* context) {
    return (stub_.get()->*method)(context, request, &response);
  });
  if (!status.ok()) return status;
  return response;
}

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
  switch (partner.status().code()) {
    case absl::StatusCode::kNotFound:
      return partner.status();
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return absl::UnavailableError(absl::StrCat("the partners service could not be reached to "
                                                 "check ", name, ": ",
                                                 partner.status().message()));
    default: {
      // Keep the details (e.g. a BadRequest naming the field) for the caller.
      absl::Status status(partner.status().code(),
                          absl::StrCat("checking ", name, " with the partners service: ",
                                       partner.status().message()));
      partner.status().ForEachPayload([&status](absl::string_view url, const absl::Cord& payload) {
        status.SetPayload(url, payload);
      });
      return status;
    }
  }
}

}  // namespace crm::partners
