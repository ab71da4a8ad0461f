// The return rules without storage: each bad field of a return named, a
// step refused unless the return is where the step follows, and the date
// each step is recorded on (today by default, never in the future, never
// before the step before it).
#include "services/servicedesk/return_rules.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/dates.h"
#include "common/testing/sample_values.h"
#include "common/testing/status_checks.h"

namespace crm::servicedesk {
namespace {

using crm::testing::MakeDate;
using Date = google::type::Date;
using Fields = std::vector<std::string>;

v1::ReturnAuthorization Monitor() {
  v1::ReturnAuthorization rma;
  rma.set_customer("partners/p1");
  rma.set_component("installedComponents/c1");
  rma.set_ticket("tickets/t1");
  rma.set_reason("The screen flickers once the monitor is warm");
  return rma;
}

Fields Check(const v1::ReturnAuthorization& rma) {
  Violations out;
  ValidateReturn(rma, "return_authorization", &out);
  Fields fields;
  for (const auto& v : out.list()) fields.push_back(v.field);
  return fields;
}

// The description of the one violation of `rma`, or "" when not exactly one.
std::string Why(const v1::ReturnAuthorization& rma) {
  Violations out;
  ValidateReturn(rma, "return_authorization", &out);
  return out.list().size() == 1 ? out.list()[0].description : "";
}

// "2030-05-14", or "CODE field, ..." when refused.
std::string Step(const Date& sent, const Date& previous, const Date& today,
                 const std::string& field = "received_date") {
  absl::StatusOr<Date> day = StepDate(sent, previous, today, field);
  if (day.ok()) return api::IsoDate(*day);
  Fields fields;
  for (const FieldViolation& v : FieldViolationsOf(day.status())) fields.push_back(v.field);
  return absl::StrCat(absl::StatusCodeToString(day.status().code()), " ",
                      absl::StrJoin(fields, ", "));
}

const Date kMay10 = MakeDate(2030, 5, 10);
const Date kMay12 = MakeDate(2030, 5, 12);
const Date kMay14 = MakeDate(2030, 5, 14);
const Date kMay15 = MakeDate(2030, 5, 15);

TEST_CASE("return rules: a sound return passes, with or without a ticket",
          "[servicedesk][return]") {
  CHECK(Check(Monitor()).empty());
  v1::ReturnAuthorization no_ticket = Monitor();
  no_ticket.clear_ticket();
  CHECK(Check(no_ticket).empty());
  v1::ReturnAuthorization longest = Monitor();
  longest.set_reason(std::string(2000, 'x'));
  CHECK(Check(longest).empty());
}

TEST_CASE("return rules: a missing customer or component is named", "[servicedesk][return]") {
  v1::ReturnAuthorization bad = Monitor();
  bad.clear_customer();
  CHECK(Check(bad) == Fields{"return_authorization.customer"});
  CHECK(Why(bad) == "is required");
  bad = Monitor();
  bad.clear_component();
  CHECK(Check(bad) == Fields{"return_authorization.component"});
  CHECK(Why(bad) == "is required");
  bad.clear_customer();
  bad.clear_reason();
  CHECK(Check(bad) == Fields{"return_authorization.customer", "return_authorization.component",
                             "return_authorization.reason"});
}

TEST_CASE("return rules: references to the wrong collection are named", "[servicedesk][return]") {
  v1::ReturnAuthorization bad = Monitor();
  bad.set_customer("customers/p1");
  CHECK(Check(bad) == Fields{"return_authorization.customer"});
  bad = Monitor();
  bad.set_component("products/monitor-24");
  CHECK(Check(bad) == Fields{"return_authorization.component"});
  bad = Monitor();
  bad.set_component("installedComponents/");
  CHECK(Check(bad) == Fields{"return_authorization.component"});
  bad = Monitor();
  bad.set_ticket("cases/t1");
  CHECK(Check(bad) == Fields{"return_authorization.ticket"});
  bad.set_ticket("tickets/t 1");
  CHECK(Check(bad) == Fields{"return_authorization.ticket"});
  bad.set_ticket("tickets/");
  CHECK(Check(bad) == Fields{"return_authorization.ticket"});
}

TEST_CASE("return rules: the reason is required, not blank and at most 2000 characters",
          "[servicedesk][return]") {
  v1::ReturnAuthorization bad = Monitor();
  bad.clear_reason();
  CHECK(Check(bad) == Fields{"return_authorization.reason"});
  CHECK(Why(bad) == "is required");
  bad.set_reason("   ");
  CHECK(Check(bad) == Fields{"return_authorization.reason"});
  CHECK(Why(bad) == "is required; it holds only spaces");
  bad.set_reason(std::string(2001, 'x'));
  CHECK(Check(bad) == Fields{"return_authorization.reason"});
  CHECK(Why(bad) == "must be at most 2000 characters");
  bad.set_reason("flickers\x01");
  CHECK(Check(bad) == Fields{"return_authorization.reason"});
}

TEST_CASE("return rules: a step is refused unless the return is where it follows",
          "[servicedesk][return]") {
  v1::ReturnAuthorization rma = Monitor();
  rma.set_name("returnAuthorizations/r1");
  rma.set_state(v1::RETURN_STATE_AUTHORIZED);
  CHECK(RequireReturnState(rma, v1::RETURN_STATE_AUTHORIZED, "receipt").ok());

  rma.set_state(v1::RETURN_STATE_RECEIVED);
  const absl::Status refused = RequireReturnState(rma, v1::RETURN_STATE_AUTHORIZED, "receipt");
  CHECK(refused.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(crm::testing::Precondition(ToGrpcStatus(refused)) ==
        "RETURN_STATE returnAuthorizations/r1");
  const auto failure =
      crm::testing::DetailOf<google::rpc::PreconditionFailure>(ToGrpcStatus(refused));
  REQUIRE(failure.violations_size() == 1);
  CHECK(failure.violations(0).description() ==
        "is RETURN_STATE_RECEIVED; receipt needs RETURN_STATE_AUTHORIZED");

  // Every state but the one expected is refused.
  for (v1::ReturnState state :
       {v1::RETURN_STATE_UNSPECIFIED, v1::RETURN_STATE_AUTHORIZED, v1::RETURN_STATE_RECEIVED,
        v1::RETURN_STATE_IN_REPAIR, v1::RETURN_STATE_SHIPPED, v1::RETURN_STATE_CANCELLED}) {
    rma.set_state(state);
    const absl::Status status = RequireReturnState(rma, v1::RETURN_STATE_IN_REPAIR, "shipment");
    INFO(v1::ReturnState_Name(state));
    CHECK(status.ok() == (state == v1::RETURN_STATE_IN_REPAIR));
    if (!status.ok()) {
      CHECK(crm::testing::Precondition(ToGrpcStatus(status)) ==
            "RETURN_STATE returnAuthorizations/r1");
    }
  }
}

TEST_CASE("return rules: a step without a date is recorded today", "[servicedesk][return]") {
  CHECK(Step(Date(), kMay10, kMay14) == "2030-05-14");
  CHECK(Step(Date(), kMay14, kMay14) == "2030-05-14");
  CHECK(Step(Date(), Date(), kMay14) == "2030-05-14");  // no step before it
}

TEST_CASE("return rules: a valid date between the previous step and today is kept",
          "[servicedesk][return]") {
  CHECK(Step(kMay12, kMay10, kMay14) == "2030-05-12");
  CHECK(Step(kMay10, kMay10, kMay14) == "2030-05-10");  // the previous step's day
  CHECK(Step(kMay14, kMay10, kMay14) == "2030-05-14");  // today
  CHECK(Step(kMay10, Date(), kMay14) == "2030-05-10");
}

TEST_CASE("return rules: a date in the future is refused naming the field",
          "[servicedesk][return]") {
  CHECK(Step(kMay15, kMay10, kMay14) == "INVALID_ARGUMENT received_date");
  CHECK(Step(kMay15, kMay10, kMay14, "shipped_date") == "INVALID_ARGUMENT shipped_date");
  CHECK(Step(MakeDate(2031, 1, 1), Date(), kMay14, "start_date") == "INVALID_ARGUMENT start_date");
  const absl::StatusOr<Date> day = StepDate(kMay15, kMay10, kMay14, "received_date");
  REQUIRE(!day.ok());
  REQUIRE(FieldViolationsOf(day.status()).size() == 1);
  CHECK(FieldViolationsOf(day.status())[0].description == "is in the future");
}

TEST_CASE("return rules: a date before the previous step is refused naming the field",
          "[servicedesk][return]") {
  CHECK(Step(kMay10, kMay12, kMay14) == "INVALID_ARGUMENT received_date");
  CHECK(Step(kMay10, kMay12, kMay14, "start_date") == "INVALID_ARGUMENT start_date");
  const absl::StatusOr<Date> day = StepDate(kMay10, kMay12, kMay14, "shipped_date");
  REQUIRE(!day.ok());
  REQUIRE(FieldViolationsOf(day.status()).size() == 1);
  CHECK(FieldViolationsOf(day.status())[0].description ==
        "is before the previous step (2030-05-12)");
}

TEST_CASE("return rules: an invalid or partial date is refused naming the field",
          "[servicedesk][return]") {
  CHECK(Step(MakeDate(2030, 13, 1), kMay10, kMay14) == "INVALID_ARGUMENT received_date");
  CHECK(Step(MakeDate(2030, 2, 30), kMay10, kMay14) == "INVALID_ARGUMENT received_date");
  CHECK(Step(MakeDate(2030, 5, 0), kMay10, kMay14) == "INVALID_ARGUMENT received_date");
  CHECK(Step(MakeDate(0, 5, 12), kMay10, kMay14) == "INVALID_ARGUMENT received_date");
  CHECK(Step(MakeDate(2030, 13, 1), kMay10, kMay14, "shipped_date") ==
        "INVALID_ARGUMENT shipped_date");
}

TEST_CASE("return rules: today before the previous step (a clock gone back) is refused",
          "[servicedesk][return]") {
  CHECK(Step(Date(), kMay15, kMay14) == "INVALID_ARGUMENT received_date");
  CHECK(Step(Date(), kMay15, kMay14, "shipped_date") == "INVALID_ARGUMENT shipped_date");
  // A date sent on that day is refused too: it is either after today or
  // before the previous step.
  CHECK(Step(kMay14, kMay15, kMay14) == "INVALID_ARGUMENT received_date");
  CHECK(Step(kMay15, kMay15, kMay14) == "INVALID_ARGUMENT received_date");
}

}  // namespace
}  // namespace crm::servicedesk
