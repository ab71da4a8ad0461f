// Tests of the status helpers and their google.rpc.Status form.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <google/protobuf/any.pb.h>
#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace crm {
namespace {

constexpr char kBadRequestUrl[] = "type.googleapis.com/google.rpc.BadRequest";
constexpr char kResourceInfoUrl[] = "type.googleapis.com/google.rpc.ResourceInfo";
constexpr char kErrorInfoUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";
constexpr char kPreconditionFailureUrl[] = "type.googleapis.com/google.rpc.PreconditionFailure";

// The google.rpc.Status in a gRPC status's binary details.
google::rpc::Status RpcStatusOf(const grpc::Status& status) {
  google::rpc::Status proto;
  REQUIRE_FALSE(status.error_details().empty());
  REQUIRE(proto.ParseFromString(status.error_details()));
  return proto;
}

// The one detail of `type` in `proto`, unpacked.
template <typename Detail>
Detail OnlyDetail(const google::rpc::Status& proto) {
  REQUIRE(proto.details_size() == 1);
  const google::protobuf::Any& any = proto.details(0);
  CHECK(any.type_url() == absl::StrCat("type.googleapis.com/", Detail::descriptor()->full_name()));
  Detail detail;
  REQUIRE(any.UnpackTo(&detail));
  return detail;
}

template <typename Detail>
Detail PayloadOf(const absl::Status& status) {
  const auto payload =
      status.GetPayload(absl::StrCat("type.googleapis.com/", Detail::descriptor()->full_name()));
  REQUIRE(payload.has_value());
  Detail detail;
  REQUIRE(detail.ParseFromString(std::string(*payload)));
  return detail;
}

bool SameViolations(const std::vector<FieldViolation>& a, const std::vector<FieldViolation>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].field != b[i].field || a[i].description != b[i].description) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("InvalidArgument carries every violation through the gRPC edge and back",
          "[errors]") {
  const std::vector<FieldViolation> violations = {
      {"partner.person.family_name", "is required"},
      {"partner.addresses[0].country_code", "must be an ISO 3166-1 alpha-2 code"},
      {"page_size", "must not be negative"},
  };
  const absl::Status status = InvalidArgument(violations);
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK(status.message() ==
        "partner.person.family_name: is required; "
        "partner.addresses[0].country_code: must be an ISO 3166-1 alpha-2 code; "
        "page_size: must not be negative");
  CHECK(SameViolations(FieldViolationsOf(status), violations));

  const grpc::Status wire = ToGrpcStatus(status);
  CHECK(wire.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(wire.error_message() == std::string(status.message()));

  const google::rpc::Status proto = RpcStatusOf(wire);
  CHECK(proto.code() == static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  CHECK(proto.message() == wire.error_message());
  REQUIRE(proto.details_size() == 1);
  CHECK(proto.details(0).type_url() == kBadRequestUrl);
  CHECK(proto.details(0).Is<google::rpc::BadRequest>());
  const auto bad_request = OnlyDetail<google::rpc::BadRequest>(proto);
  REQUIRE(bad_request.field_violations_size() == 3);
  for (int i = 0; i < 3; ++i) {
    CHECK(bad_request.field_violations(i).field() == violations[i].field);
    CHECK(bad_request.field_violations(i).description() == violations[i].description);
  }

  const absl::Status back = FromGrpcStatus(wire);
  CHECK(back.code() == absl::StatusCode::kInvalidArgument);
  CHECK(back.message() == status.message());
  CHECK(SameViolations(FieldViolationsOf(back), violations));
  CHECK(back == status);
}

TEST_CASE("InvalidField and Violations build the same BadRequest", "[errors]") {
  const absl::Status one = InvalidField("name", "is required");
  CHECK(one.code() == absl::StatusCode::kInvalidArgument);
  CHECK(one.message() == "name: is required");
  CHECK(SameViolations(FieldViolationsOf(one), {{"name", "is required"}}));

  Violations none;
  CHECK(none.empty());
  CHECK(none.ToStatus().ok());

  Violations several;
  several.Add("a", "bad");
  several.Add("b.c", "worse");
  CHECK_FALSE(several.empty());
  REQUIRE(several.list().size() == 2);
  const absl::Status status = several.ToStatus();
  CHECK(status == InvalidArgument({{"a", "bad"}, {"b.c", "worse"}}));
  CHECK(SameViolations(FieldViolationsOf(status), {{"a", "bad"}, {"b.c", "worse"}}));
}

TEST_CASE("FieldViolationsOf is empty for statuses without a BadRequest", "[errors]") {
  CHECK(FieldViolationsOf(absl::OkStatus()).empty());
  CHECK(FieldViolationsOf(absl::InvalidArgumentError("plain")).empty());
  CHECK(FieldViolationsOf(NotFound("partners/x")).empty());
  absl::Status corrupt = absl::InvalidArgumentError("corrupt");
  corrupt.SetPayload(kBadRequestUrl, absl::Cord("\xff\xff\xff"));
  CHECK(FieldViolationsOf(corrupt).empty());
}

TEST_CASE("NotFound carries a ResourceInfo", "[errors]") {
  const absl::Status status = NotFound("partners/abc");
  CHECK(status.code() == absl::StatusCode::kNotFound);
  CHECK(status.message() == "partners/abc not found");
  const auto info = PayloadOf<google::rpc::ResourceInfo>(status);
  CHECK(info.resource_name() == "partners/abc");

  const grpc::Status wire = ToGrpcStatus(status);
  CHECK(wire.error_code() == grpc::StatusCode::NOT_FOUND);
  const google::rpc::Status proto = RpcStatusOf(wire);
  CHECK(proto.code() == static_cast<int>(grpc::StatusCode::NOT_FOUND));
  CHECK(proto.details(0).type_url() == kResourceInfoUrl);
  CHECK(OnlyDetail<google::rpc::ResourceInfo>(proto).resource_name() == "partners/abc");
  CHECK(FromGrpcStatus(wire) == status);
}

TEST_CASE("AlreadyExists carries a ResourceInfo with the description", "[errors]") {
  const absl::Status status = AlreadyExists("partners/abc", "a partner with this id exists");
  CHECK(status.code() == absl::StatusCode::kAlreadyExists);
  CHECK(status.message() == "partners/abc: a partner with this id exists");
  const auto info = PayloadOf<google::rpc::ResourceInfo>(status);
  CHECK(info.resource_name() == "partners/abc");
  CHECK(info.description() == "a partner with this id exists");
  const grpc::Status wire = ToGrpcStatus(status);
  CHECK(wire.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(OnlyDetail<google::rpc::ResourceInfo>(RpcStatusOf(wire)).description() ==
        "a partner with this id exists");
}

TEST_CASE("StaleEtag is ABORTED with ErrorInfo reason STALE_ETAG", "[errors]") {
  const absl::Status status = StaleEtag("partners/abc");
  CHECK(status.code() == absl::StatusCode::kAborted);
  CHECK(status.message().find("partners/abc") != absl::string_view::npos);
  const auto info = PayloadOf<google::rpc::ErrorInfo>(status);
  CHECK(info.reason() == "STALE_ETAG");
  CHECK(info.domain() == "crm");
  REQUIRE(info.metadata().count("resource") == 1);
  CHECK(info.metadata().at("resource") == "partners/abc");

  const grpc::Status wire = ToGrpcStatus(status);
  CHECK(wire.error_code() == grpc::StatusCode::ABORTED);
  const google::rpc::Status proto = RpcStatusOf(wire);
  CHECK(proto.details(0).type_url() == kErrorInfoUrl);
  CHECK(OnlyDetail<google::rpc::ErrorInfo>(proto).reason() == "STALE_ETAG");
  CHECK(FromGrpcStatus(wire) == status);
}

TEST_CASE("FailedPrecondition carries a PreconditionFailure", "[errors]") {
  const absl::Status status =
      FailedPrecondition("ROLE", "partners/abc", "the partner has no customer role");
  CHECK(status.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(status.message() == "partners/abc: the partner has no customer role");
  const auto failure = PayloadOf<google::rpc::PreconditionFailure>(status);
  REQUIRE(failure.violations_size() == 1);
  CHECK(failure.violations(0).type() == "ROLE");
  CHECK(failure.violations(0).subject() == "partners/abc");
  CHECK(failure.violations(0).description() == "the partner has no customer role");

  const grpc::Status wire = ToGrpcStatus(status);
  CHECK(wire.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  const google::rpc::Status proto = RpcStatusOf(wire);
  CHECK(proto.details(0).type_url() == kPreconditionFailureUrl);
  CHECK(OnlyDetail<google::rpc::PreconditionFailure>(proto).violations(0).subject() ==
        "partners/abc");
  CHECK(FromGrpcStatus(wire) == status);
}

TEST_CASE("ToGrpcStatus and FromGrpcStatus keep plain statuses", "[errors]") {
  CHECK(ToGrpcStatus(absl::OkStatus()).ok());
  CHECK(ToGrpcStatus(absl::OkStatus()).error_details().empty());
  CHECK(FromGrpcStatus(grpc::Status::OK).ok());

  const grpc::Status wire = ToGrpcStatus(absl::UnavailableError("try later"));
  CHECK(wire.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(wire.error_message() == "try later");
  const google::rpc::Status proto = RpcStatusOf(wire);
  CHECK(proto.code() == static_cast<int>(grpc::StatusCode::UNAVAILABLE));
  CHECK(proto.message() == "try later");
  CHECK(proto.details_size() == 0);
  CHECK(FromGrpcStatus(wire) == absl::UnavailableError("try later"));

  // A status from elsewhere, without details or with unreadable ones.
  CHECK(FromGrpcStatus(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "late")) ==
        absl::DeadlineExceededError("late"));
  const absl::Status garbage =
      FromGrpcStatus(grpc::Status(grpc::StatusCode::INTERNAL, "oops", "\xff\xff not a proto"));
  CHECK(garbage.code() == absl::StatusCode::kInternal);
  CHECK(garbage.message() == "oops");
  CHECK(FieldViolationsOf(garbage).empty());

  // Every canonical code maps to the same number on both sides.
  for (int code = 1; code <= 16; ++code) {
    INFO("code " << code);
    const absl::Status status(static_cast<absl::StatusCode>(code), "x");
    const grpc::Status converted = ToGrpcStatus(status);
    CHECK(static_cast<int>(converted.error_code()) == code);
    CHECK(FromGrpcStatus(converted).code() == status.code());
  }
}

}  // namespace crm
