// The audit trail over a real channel: every write records who, when, which
// method and which fields changed, personal values hashed, in the write's
// transaction; readable per partner, newest first, with paging.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "common/errors.h"
#include "common/testing/service_fixture.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "services/partners/partners_spec.h"

namespace {

namespace pv1 = crm::partners::v1;
using crm::testing::ContextWithDeadline;

constexpr char kFamilyName[] = "Quetschkommode";

const crm::type::v1::FieldChange* FindChange(const pv1::AuditEvent& event, const std::string& field) {
  for (const auto& change : event.changes()) {
    if (change.field() == field) return &change;
  }
  return nullptr;
}

std::vector<pv1::AuditEvent> AllEvents(pv1::PartnerService::Stub& stub, const std::string& parent,
                                       int page_size) {
  std::vector<pv1::AuditEvent> events;
  pv1::ListAuditEventsRequest request;
  request.set_parent(parent);
  request.set_page_size(page_size);
  for (int pages = 0; pages < 100; ++pages) {
    pv1::ListAuditEventsResponse response;
    const grpc::Status status = stub.ListAuditEvents(ContextWithDeadline().get(), request, &response);
    REQUIRE(status.ok());
    events.insert(events.end(), response.audit_events().begin(), response.audit_events().end());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  return events;
}

grpc::StatusCode ListCode(pv1::PartnerService::Stub& stub, const pv1::ListAuditEventsRequest& request,
                          std::string* field) {
  pv1::ListAuditEventsResponse response;
  const grpc::Status status = stub.ListAuditEvents(ContextWithDeadline().get(), request, &response);
  const auto violations = crm::FieldViolationsOf(crm::FromGrpcStatus(status));
  *field = violations.empty() ? "" : violations[0].field;
  return status.error_code();
}

}  // namespace

TEST_CASE("audit: every write is recorded, personal values hashed", "[audit]") {
  crm::testing::InProcessService service(crm::partners::PartnersSpec());
  auto stub = pv1::PartnerService::NewStub(service.channel());

  pv1::CreatePartnerRequest create;
  create.set_request_id("create-anna");
  create.mutable_partner()->set_category(pv1::PARTNER_CATEGORY_PERSON);
  create.mutable_partner()->mutable_person()->set_given_name("Anna");
  create.mutable_partner()->mutable_person()->set_family_name(kFamilyName);
  pv1::Partner partner;
  REQUIRE(stub->CreatePartner(ContextWithDeadline().get(), create, &partner).ok());

  pv1::UpdatePartnerRequest update;
  *update.mutable_partner() = partner;
  update.mutable_partner()->mutable_person()->set_family_name("Schmidt");
  update.mutable_update_mask()->add_paths("person.family_name");
  auto update_context = ContextWithDeadline();
  update_context->AddMetadata("x-request-id", "trace-update-1");
  REQUIRE(stub->UpdatePartner(update_context.get(), update, &partner).ok());

  // A failed write leaves no trace.
  pv1::UpdatePartnerRequest invalid = update;
  invalid.mutable_partner()->mutable_person()->set_family_name("");
  invalid.mutable_partner()->set_etag(partner.etag());
  pv1::Partner ignored;
  REQUIRE(stub->UpdatePartner(ContextWithDeadline().get(), invalid, &ignored).error_code() ==
          grpc::StatusCode::INVALID_ARGUMENT);

  pv1::AddPartnerRoleRequest add;
  add.set_name(partner.name());
  add.mutable_role()->set_type(pv1::ROLE_TYPE_CUSTOMER);
  add.mutable_role()->mutable_customer()->set_customer_class(pv1::CUSTOMER_CLASS_B);
  REQUIRE(stub->AddPartnerRole(ContextWithDeadline().get(), add, &partner).ok());

  pv1::DeletePartnerRequest del;
  del.set_name(partner.name());
  google::protobuf::Empty empty;
  REQUIRE(stub->DeletePartner(ContextWithDeadline().get(), del, &empty).ok());

  // Readable after the delete, newest first.
  const std::vector<pv1::AuditEvent> events = AllEvents(*stub, partner.name(), 50);
  REQUIRE(events.size() == 4);
  CHECK(events[0].method() == "DeletePartner");
  CHECK(events[1].method() == "AddPartnerRole");
  CHECK(events[2].method() == "UpdatePartner");
  CHECK(events[3].method() == "CreatePartner");
  for (const auto& event : events) {
    CHECK(absl::StartsWith(event.name(), partner.name() + "/auditEvents/"));
    CHECK(event.principal() == "anonymous");
    CHECK(event.event_time().seconds() > 0);
  }
  CHECK(events[3].request_id() == "create-anna");
  CHECK(events[2].request_id() == "trace-update-1");

  // Create: every field set, the category in clear, names hashed.
  const auto* category = FindChange(events[3], "category");
  REQUIRE(category != nullptr);
  CHECK_FALSE(category->hashed());
  CHECK(category->new_value() == "PARTNER_CATEGORY_PERSON");
  const auto* created_name = FindChange(events[3], "person.family_name");
  REQUIRE(created_name != nullptr);
  CHECK(created_name->hashed());
  CHECK(absl::StartsWith(created_name->new_value(), "hmac-sha256:"));

  // Update: only the family name, its old hash the one the create recorded.
  REQUIRE(events[2].changes_size() == 1);
  const auto& renamed = events[2].changes(0);
  CHECK(renamed.field() == "person.family_name");
  CHECK(renamed.hashed());
  CHECK(renamed.old_value() == created_name->new_value());
  CHECK(renamed.new_value() != renamed.old_value());

  // Role: business data, not personal.
  const auto* role = FindChange(events[1], "roles[0]");
  REQUIRE(role != nullptr);
  CHECK_FALSE(role->hashed());
  CHECK(absl::StrContains(role->new_value(), "ROLE_TYPE_CUSTOMER"));
  CHECK(absl::StrContains(role->new_value(), "CUSTOMER_CLASS_B"));

  // Delete: the fields go, hashed where personal.
  const auto* deleted_name = FindChange(events[0], "person.family_name");
  REQUIRE(deleted_name != nullptr);
  CHECK(deleted_name->new_value().empty());
  CHECK(deleted_name->old_value() == renamed.new_value());

  // Paging one by one visits the same events in the same order.
  const std::vector<pv1::AuditEvent> paged = AllEvents(*stub, partner.name(), 1);
  REQUIRE(paged.size() == events.size());
  for (size_t i = 0; i < paged.size(); ++i) CHECK(paged[i].name() == events[i].name());

  // No personal value is stored in the trail itself.
  SQLite::Database db(service.db_path(), SQLite::OPEN_READONLY);
  SQLite::Statement select(db, "SELECT event FROM partner_audit_events");
  int rows = 0;
  while (select.executeStep()) {
    ++rows;
    const std::string blob = select.getColumn(0).getString();
    CHECK_FALSE(absl::StrContains(blob, kFamilyName));
    CHECK_FALSE(absl::StrContains(blob, "Schmidt"));
    CHECK_FALSE(absl::StrContains(blob, "Anna"));
  }
  CHECK(rows == 4);
}

TEST_CASE("audit: bad requests get the right code and field", "[audit]") {
  crm::testing::InProcessService service(crm::partners::PartnersSpec());
  auto stub = pv1::PartnerService::NewStub(service.channel());
  pv1::CreatePartnerRequest create;
  create.mutable_partner()->set_category(pv1::PARTNER_CATEGORY_ORGANIZATION);
  create.mutable_partner()->mutable_organization()->set_legal_name("Alvis GmbH");
  pv1::Partner partner;
  REQUIRE(stub->CreatePartner(ContextWithDeadline().get(), create, &partner).ok());
  pv1::Partner other;
  REQUIRE(stub->CreatePartner(ContextWithDeadline().get(), create, &other).ok());
  pv1::UpdatePartnerRequest update;
  *update.mutable_partner() = partner;
  update.mutable_partner()->mutable_organization()->set_legal_form("GmbH");
  update.mutable_update_mask()->add_paths("organization.legal_form");
  REQUIRE(stub->UpdatePartner(ContextWithDeadline().get(), update, &partner).ok());

  std::string field;
  pv1::ListAuditEventsRequest request;
  CHECK(ListCode(*stub, request, &field) == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(field == "parent");

  request.set_parent("accounts/x");
  CHECK(ListCode(*stub, request, &field) == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(field == "parent");

  request.set_parent("partners/does-not-exist");
  CHECK(ListCode(*stub, request, &field) == grpc::StatusCode::NOT_FOUND);

  request.set_parent(partner.name());
  request.set_page_size(-1);
  CHECK(ListCode(*stub, request, &field) == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(field == "page_size");

  request.set_page_size(0);
  request.set_page_token("garbage");
  CHECK(ListCode(*stub, request, &field) == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(field == "page_token");

  // A token of one partner's trail is no good for another's.
  request.set_page_token("");
  request.set_page_size(1);
  pv1::ListAuditEventsResponse first;
  REQUIRE(stub->ListAuditEvents(ContextWithDeadline().get(), request, &first).ok());
  REQUIRE_FALSE(first.next_page_token().empty());
  request.set_parent(other.name());
  request.set_page_token(first.next_page_token());
  CHECK(ListCode(*stub, request, &field) == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(field == "page_token");
}
