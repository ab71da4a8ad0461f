// InstalledBaseService over a real gRPC channel and a real SQLite file,
// with a real partners service beside it: what a customer owns as a
// hierarchy (objects with serial numbers unique per product, parts, text
// items), warranties (never ending before they start), and the one call
// that answers whether a serial number is covered, by what and until when.
#include <google/rpc/error_details.pb.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/api/dates.h"
#include "common/testing/process_harness.h"
#include "common/testing/sample_values.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "common/testing/unary_call.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/servicedesk/v1/installed_base_service.grpc.pb.h"
#include "crm/servicedesk/v1/knowledge_service.grpc.pb.h"
#include "crm/servicedesk/v1/service_order_service.grpc.pb.h"
#include "services/partners/partners_spec.h"
#include "services/servicedesk/servicedesk_spec.h"
#include "services/servicedesk/tests/desk_fixture.h"

namespace crm::servicedesk {
namespace {

namespace pv1 = crm::partners::v1;
using crm::testing::Call;
using crm::testing::MakeDate;
using crm::testing::Mask;
using crm::testing::MustCall;
using crm::testing::Outcome;
using crm::testing::Precondition;
using BaseStub = v1::InstalledBaseService::Stub;
using PartnerStub = pv1::PartnerService::Stub;

class Base : public crm::servicedesk::testing::DeskBesidePartners {
 public:
  Base() { base_ = v1::InstalledBaseService::NewStub(desk_->channel()); }

  static v1::InstalledComponent Monitor(const std::string& customer, const std::string& serial) {
    v1::InstalledComponent c;
    c.set_customer(customer);
    c.set_kind(v1::COMPONENT_KIND_OBJECT);
    c.set_product("products/monitor-24");
    c.set_serial_number(serial);
    c.set_description("24-inch monitor, reception");
    c.set_location("Building B");
    *c.mutable_install_date() = MakeDate(2026, 3, 2);
    return c;
  }

  grpc::Status TryAdd(const v1::InstalledComponent& component, v1::InstalledComponent* out) {
    v1::CreateInstalledComponentRequest request;
    *request.mutable_installed_component() = component;
    return Call(*base_, &BaseStub::CreateInstalledComponent, request, out);
  }
  v1::InstalledComponent Add(const v1::InstalledComponent& component) {
    v1::InstalledComponent out;
    REQUIRE(Outcome(TryAdd(component, &out)) == "OK");
    return out;
  }
  grpc::Status TryWarranty(const std::string& component, const google::type::Date& start,
                           const google::type::Date& end, v1::Warranty* out) {
    v1::CreateWarrantyRequest request;
    v1::Warranty& w = *request.mutable_warranty();
    w.set_component(component);
    w.set_display_name("Manufacturer warranty");
    w.add_coverage(v1::WARRANTY_COVERAGE_PARTS);
    w.add_coverage(v1::WARRANTY_COVERAGE_LABOUR);
    *w.mutable_start_date() = start;
    *w.mutable_end_date() = end;
    return Call(*base_, &BaseStub::CreateWarranty, request, out);
  }
  int Count() {
    v1::ListInstalledComponentsRequest request;
    return MustCall(*base_, &BaseStub::ListInstalledComponents, request)
        .installed_components_size();
  }

  std::unique_ptr<BaseStub> base_;
};

TEST_CASE("installed base: a hierarchy of a customer's components", "[servicedesk][base]") {
  Base base;
  const std::string alvis = base.Customer("Alvis GmbH");
  const std::string other = base.Customer("Berta KG");
  v1::InstalledComponent workstation = base.Monitor(alvis, "WS-1");
  workstation.set_product("products/workstation");
  workstation.set_description("Workstation, reception");
  const v1::InstalledComponent top = base.Add(workstation);
  v1::InstalledComponent screen = base.Monitor(alvis, "SN-100");
  screen.set_parent(top.name());
  const v1::InstalledComponent part = base.Add(screen);
  v1::InstalledComponent note;
  note.set_customer(alvis);
  note.set_kind(v1::COMPONENT_KIND_TEXT_ITEM);
  note.set_parent(top.name());
  note.set_description("Cabling by the customer");
  base.Add(note);

  v1::ListInstalledComponentsRequest parts;
  parts.set_filter(absl::StrCat("parent = \"", top.name(), "\""));
  CHECK(MustCall(*base.base_, &BaseStub::ListInstalledComponents, parts)
            .installed_components_size() == 2);

  v1::InstalledComponent out;
  // The parent of another customer, an unknown parent, a cycle.
  v1::InstalledComponent foreign = base.Monitor(other, "SN-200");
  foreign.set_parent(top.name());
  CHECK(Precondition(base.TryAdd(foreign, &out)) == "OTHER_CUSTOMER installed_component.parent");
  foreign.set_parent("installedComponents/unknown");
  CHECK(Outcome(base.TryAdd(foreign, &out)) == "NOT_FOUND");
  v1::UpdateInstalledComponentRequest loop;
  loop.mutable_installed_component()->set_name(top.name());
  loop.mutable_installed_component()->set_parent(part.name());
  *loop.mutable_update_mask() = Mask({"parent"});
  CHECK(Precondition(Call(*base.base_, &BaseStub::UpdateInstalledComponent, loop, &out)) ==
        "CYCLE installed_component.parent");
  // A component with parts is not deleted.
  v1::DeleteInstalledComponentRequest remove;
  remove.set_name(top.name());
  google::protobuf::Empty empty;
  CHECK(Precondition(Call(*base.base_, &BaseStub::DeleteInstalledComponent, remove, &empty)) ==
        "IN_USE " + top.name());
  CHECK(base.Count() == 3);
}

TEST_CASE("installed base: a serial number once per product, each bad field named",
          "[servicedesk][base]") {
  Base base;
  const std::string alvis = base.Customer("Alvis GmbH");
  const v1::InstalledComponent first = base.Add(base.Monitor(alvis, "SN-100"));
  v1::InstalledComponent out;
  const grpc::Status twice = base.TryAdd(base.Monitor(alvis, "SN-100"), &out);
  CHECK(Outcome(twice) == "ALREADY_EXISTS");
  CHECK(crm::testing::DetailOf<google::rpc::ResourceInfo>(twice).resource_name() == first.name());
  v1::InstalledComponent keyboard = base.Monitor(alvis, "SN-100");
  keyboard.set_product("products/keyboard");
  CHECK(Outcome(base.TryAdd(keyboard, &out)) == "OK");  // another product

  v1::InstalledComponent bad = base.Monitor("customers/x", "SN 1");
  bad.clear_description();
  bad.set_parent("parts/1");
  CHECK(Outcome(base.TryAdd(bad, &out)) ==
        "INVALID_ARGUMENT installed_component.customer, installed_component.serial_number, "
        "installed_component.parent, installed_component.description");
  v1::InstalledComponent text;
  text.set_customer(alvis);
  text.set_kind(v1::COMPONENT_KIND_TEXT_ITEM);
  text.set_product("products/monitor-24");
  text.set_serial_number("SN-9");
  text.set_description("a note");
  CHECK(Outcome(base.TryAdd(text, &out)) ==
        "INVALID_ARGUMENT installed_component.product, installed_component.serial_number");
  CHECK(Outcome(base.TryAdd(base.Monitor("partners/unknown", "SN-7"), &out)) == "NOT_FOUND");
  CHECK(base.Count() == 2);
}

TEST_CASE("warranties: never ending before they start, and the entitlement by serial number",
          "[servicedesk][base]") {
  Base base;
  const std::string alvis = base.Customer("Alvis GmbH");
  const v1::InstalledComponent monitor = base.Add(base.Monitor(alvis, "SN-100"));
  const google::type::Date today = crm::api::UtcDate(absl::Now());
  const google::type::Date in_a_year = crm::api::DateOf(crm::api::CivilDayOf(today) + 365);
  const google::type::Date last_year = crm::api::DateOf(crm::api::CivilDayOf(today) - 365);

  v1::Warranty out;
  CHECK(Outcome(base.TryWarranty(monitor.name(), in_a_year, today, &out)) ==
        "INVALID_ARGUMENT warranty.end_date");
  CHECK(Outcome(base.TryWarranty("installedComponents/unknown", today, in_a_year, &out)) ==
        "NOT_FOUND");
  REQUIRE(Outcome(base.TryWarranty(monitor.name(), last_year, in_a_year, &out)) == "OK");
  const std::string warranty = out.name();

  v1::CheckEntitlementRequest check;
  check.set_serial_number("SN-100");
  const v1::Entitlement covered = MustCall(*base.base_, &BaseStub::CheckEntitlement, check);
  CHECK(covered.covered());
  CHECK(covered.component() == monitor.name());
  CHECK(covered.customer() == alvis);
  REQUIRE(covered.warranties_size() == 1);
  CHECK(covered.warranties(0) == warranty);
  CHECK(covered.coverage_size() == 2);
  CHECK(crm::api::CompareDates(covered.covered_until(), in_a_year) == 0);

  // The day after it ends: not covered.
  *check.mutable_date() = crm::api::DateOf(crm::api::CivilDayOf(in_a_year) + 1);
  const v1::Entitlement later = MustCall(*base.base_, &BaseStub::CheckEntitlement, check);
  CHECK_FALSE(later.covered());
  CHECK(later.warranties().empty());

  // Unknown and ambiguous serial numbers.
  v1::Entitlement none;
  check.clear_date();
  check.set_serial_number("SN-999");
  CHECK(Outcome(Call(*base.base_, &BaseStub::CheckEntitlement, check, &none)) == "NOT_FOUND");
  v1::InstalledComponent keyboard = base.Monitor(alvis, "SN-100");
  keyboard.set_product("products/keyboard");
  base.Add(keyboard);
  check.set_serial_number("SN-100");
  CHECK(Precondition(Call(*base.base_, &BaseStub::CheckEntitlement, check, &none)) ==
        "AMBIGUOUS_SERIAL_NUMBER serial_number");
  check.set_product("products/monitor-24");
  CHECK(MustCall(*base.base_, &BaseStub::CheckEntitlement, check).covered());
  check.clear_serial_number();
  CHECK(Outcome(Call(*base.base_, &BaseStub::CheckEntitlement, check, &none)) ==
        "INVALID_ARGUMENT serial_number");
}

TEST_CASE("installed base: products are checked with sales, and sales down is unavailable",
          "[servicedesk][base]") {
  Base base;
  const std::string alvis = base.Customer("Alvis GmbH");
  v1::InstalledComponent unknown = base.Monitor(alvis, "SN-1");
  unknown.set_product("products/no-such-monitor");
  v1::InstalledComponent out;
  const grpc::Status status = base.TryAdd(unknown, &out);
  CHECK(Outcome(status) == "NOT_FOUND");
  CHECK(crm::testing::DetailOf<google::rpc::ResourceInfo>(status).resource_name() ==
        "products/no-such-monitor");
  const v1::InstalledComponent known = base.Add(base.Monitor(alvis, "SN-2"));

  // Other records naming products ask sales too.
  auto knowledge = v1::KnowledgeService::NewStub(base.desk_->channel());
  v1::CreateKnowledgeArticleRequest article;
  article.mutable_knowledge_article()->set_title("Monitor flickers");
  article.mutable_knowledge_article()->set_symptoms("Flickers when warm");
  article.mutable_knowledge_article()->set_solution("Replace the inverter");
  article.mutable_knowledge_article()->add_products("products/monitor-24");
  article.mutable_knowledge_article()->add_products("products/no-such-monitor");
  v1::KnowledgeArticle made_article;
  CHECK(Outcome(Call(*knowledge, &v1::KnowledgeService::Stub::CreateKnowledgeArticle, article,
                     &made_article)) == "NOT_FOUND");
  auto orders = v1::ServiceOrderService::NewStub(base.desk_->channel());
  v1::CreateSparePartRequest part;
  part.mutable_spare_part()->set_product("products/no-such-board");
  part.mutable_spare_part()->set_display_name("Board");
  part.mutable_spare_part()->mutable_unit_price()->set_currency_code("EUR");
  v1::SparePart made_part;
  CHECK(Outcome(Call(*orders, &v1::ServiceOrderService::Stub::CreateSparePart, part, &made_part)) ==
        "NOT_FOUND");

  // With sales down a product cannot be checked; what names none still works.
  base.sales_.reset();
  CHECK(Outcome(base.TryAdd(base.Monitor(alvis, "SN-3"), &out)) == "UNAVAILABLE");
  v1::UpdateInstalledComponentRequest update;
  *update.mutable_installed_component() = known;
  update.mutable_installed_component()->set_location("Building C");
  *update.mutable_update_mask() = Mask({"location"});
  CHECK(Outcome(Call(*base.base_, &BaseStub::UpdateInstalledComponent, update, &out)) == "OK");
  CHECK(base.Count() == 1);
}

}  // namespace
}  // namespace crm::servicedesk
