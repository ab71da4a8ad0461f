// Test support: one unary call of any generated stub, with a deadline as
// every real client sets one, so that tests need no per-method wrappers.
//
//   v1::Lead lead;
//   grpc::Status status = Call(*leads, &LeadService::Stub::GetLead, request, &lead);
//   v1::Lead lead = MustCall(*leads, &LeadService::Stub::GetLead, request);
#ifndef CRM_COMMON_TESTING_UNARY_CALL_H_
#define CRM_COMMON_TESTING_UNARY_CALL_H_

#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>

#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"

namespace crm::testing {

template <typename Stub, typename Request, typename Response>
using UnaryMethod = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

template <typename Stub, typename Request, typename Response>
grpc::Status Call(Stub& stub, UnaryMethod<Stub, Request, Response> method, const Request& request,
                  Response* response) {
  auto context = ContextWithDeadline();
  return (stub.*method)(context.get(), request, response);
}

// The call's response; the test fails unless it is OK.
template <typename Stub, typename Request, typename Response>
Response MustCall(Stub& stub, UnaryMethod<Stub, Request, Response> method,
                  const Request& request) {
  Response response;
  const grpc::Status status = Call(stub, method, request, &response);
  INFO(status.error_message());
  REQUIRE(Outcome(status) == "OK");
  return response;
}

}  // namespace crm::testing

#endif  // CRM_COMMON_TESTING_UNARY_CALL_H_
