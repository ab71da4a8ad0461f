#include "absl/strings/string_view.h"
#include "common/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/any.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace crm {
namespace {

constexpr absl::string_view kTypePrefix = "type.googleapis.com/";

template <typename Message>
void Attach(absl::Status& status, const Message& detail) {
  status.SetPayload(absl::StrCat(kTypePrefix, Message::descriptor()->full_name()),
                    absl::Cord(detail.SerializeAsString()));
}

}  // namespace

absl::Status Violations::ToStatus() const {
  if (list_.empty()) return absl::OkStatus();
  return InvalidArgument(list_);
}

absl::Status InvalidArgument(const std::vector<FieldViolation>& violations) {
  google::rpc::BadRequest bad_request;
  std::vector<std::string> parts;
  for (const FieldViolation& v : violations) {
    auto* fv = bad_request.add_field_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
    parts.push_back(absl::StrCat(v.field, ": ", v.description));
  }
  absl::Status status(absl::StatusCode::kInvalidArgument, absl::StrJoin(parts, "; "));
  Attach(status, bad_request);
  return status;
}

absl::Status InvalidField(absl::string_view field, absl::string_view description) {
  return InvalidArgument({{std::string(field), std::string(description)}});
}

absl::Status NotFound(absl::string_view resource_name) {
  absl::Status status(absl::StatusCode::kNotFound,
                      absl::StrCat(resource_name, " not found"));
  google::rpc::ResourceInfo info;
  info.set_resource_name(std::string(resource_name));
  info.set_description("not found");
  Attach(status, info);
  return status;
}

absl::Status NotFoundBecause(absl::string_view resource_name, absl::string_view reason,
                             absl::string_view description) {
  absl::Status status(absl::StatusCode::kNotFound,
                      absl::StrCat(resource_name, " ", description));
  google::rpc::ResourceInfo resource;
  resource.set_resource_name(std::string(resource_name));
  resource.set_description(std::string(description));
  Attach(status, resource);
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain("crm");
  (*info.mutable_metadata())["resource"] = std::string(resource_name);
  Attach(status, info);
  return status;
}

absl::Status AlreadyExists(absl::string_view resource_name, absl::string_view description) {
  absl::Status status(absl::StatusCode::kAlreadyExists,
                      absl::StrCat(resource_name, ": ", description));
  google::rpc::ResourceInfo info;
  info.set_resource_name(std::string(resource_name));
  info.set_description(std::string(description));
  Attach(status, info);
  return status;
}

absl::Status StaleEtag(absl::string_view resource_name) {
  absl::Status status(
      absl::StatusCode::kAborted,
      absl::StrCat(resource_name,
                   " was changed by someone else: read it again and retry"));
  google::rpc::ErrorInfo info;
  info.set_reason("STALE_ETAG");
  info.set_domain("crm");
  (*info.mutable_metadata())["resource"] = std::string(resource_name);
  Attach(status, info);
  return status;
}

absl::Status FailedPrecondition(absl::string_view type, absl::string_view subject,
                                absl::string_view description) {
  absl::Status status(absl::StatusCode::kFailedPrecondition,
                      absl::StrCat(subject, ": ", description));
  google::rpc::PreconditionFailure failure;
  auto* v = failure.add_violations();
  v->set_type(std::string(type));
  v->set_subject(std::string(subject));
  v->set_description(std::string(description));
  Attach(status, failure);
  return status;
}

std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status) {
  std::vector<FieldViolation> out;
  auto payload = status.GetPayload(absl::StrCat(
      kTypePrefix, google::rpc::BadRequest::descriptor()->full_name()));
  if (!payload) return out;
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload))) return out;
  for (const auto& fv : bad_request.field_violations()) {
    out.push_back({fv.field(), fv.description()});
  }
  return out;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  google::rpc::Status proto;
  proto.set_code(static_cast<int>(status.code()));
  proto.set_message(std::string(status.message()));
  status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& value) {
    google::protobuf::Any* any = proto.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(value));
  });
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()), proto.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()),
                   status.error_message());
  google::rpc::Status proto;
  if (!status.error_details().empty() && proto.ParseFromString(status.error_details())) {
    for (const auto& any : proto.details()) {
      out.SetPayload(any.type_url(), absl::Cord(any.value()));
    }
  }
  return out;
}

}  // namespace crm
