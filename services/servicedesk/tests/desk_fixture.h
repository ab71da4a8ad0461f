// Test support for the service desk's service tests: the service desk
// in-process over a real gRPC channel and a real SQLite file, with real
// partners and sales services beside it (partners may be left down: then
// the desk is pointed at a loopback port nobody listens on), the partners
// its records name, and the products the tests use, in sales' catalogue.
#ifndef CRM_SERVICES_SERVICEDESK_TESTS_DESK_FIXTURE_H_
#define CRM_SERVICES_SERVICEDESK_TESTS_DESK_FIXTURE_H_

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/testing/process_harness.h"
#include "common/testing/service_fixture.h"
#include "common/testing/unary_call.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/sales/v1/catalog_service.grpc.pb.h"
#include "crm/servicedesk/v1/installed_base_service.grpc.pb.h"
#include "services/partners/partners_spec.h"
#include "services/sales/sales_spec.h"
#include "services/servicedesk/servicedesk_spec.h"

namespace crm::servicedesk::testing {

class DeskBesidePartners {
 public:
  // The metrics endpoint only when asked for: it takes seconds to stop.
  explicit DeskBesidePartners(bool with_metrics = false, bool partners_up = true) {
    server::ServiceSpec spec = ServicedeskSpec();
    if (partners_up) {
      partners_ = std::make_unique<crm::testing::InProcessService>(partners::PartnersSpec());
      partner_stub_ = partners::v1::PartnerService::NewStub(partners_->channel());
      spec.defaults.peers["partners"] = partners_->address();
    } else {
      spec.defaults.peers["partners"] = absl::StrCat("127.0.0.1:", crm::testing::FreePort());
    }
    server::ServiceSpec sales_spec = sales::SalesSpec();
    sales_spec.defaults.peers["partners"] = spec.defaults.peers["partners"];
    sales_ = std::make_unique<crm::testing::InProcessService>(sales_spec);
    spec.defaults.peers["sales"] = sales_->address();
    AddCatalogue();
    desk_ = std::make_unique<crm::testing::InProcessService>(spec, with_metrics);
  }

  // An organisation in the customer role, of `customer_class`.
  std::string Customer(
      const std::string& legal_name,
      partners::v1::CustomerClass customer_class = partners::v1::CUSTOMER_CLASS_UNSPECIFIED) {
    partners::v1::CreatePartnerRequest request;
    partners::v1::Partner& partner = *request.mutable_partner();
    partner.set_category(partners::v1::PARTNER_CATEGORY_ORGANIZATION);
    partner.mutable_organization()->set_legal_name(legal_name);
    partners::v1::Role& role = *partner.add_roles();
    role.set_type(partners::v1::ROLE_TYPE_CUSTOMER);
    if (customer_class != partners::v1::CUSTOMER_CLASS_UNSPECIFIED) {
      role.mutable_customer()->set_customer_class(customer_class);
    }
    return crm::testing::MustCall(*partner_stub_,
                                  &partners::v1::PartnerService::Stub::CreatePartner, request)
        .name();
  }

  // A person playing `role`, e.g. an employee.
  std::string Partner(const std::string& family_name, partners::v1::RoleType role) {
    partners::v1::CreatePartnerRequest request;
    request.mutable_partner()->set_category(partners::v1::PARTNER_CATEGORY_PERSON);
    request.mutable_partner()->mutable_person()->set_family_name(family_name);
    request.mutable_partner()->add_roles()->set_type(role);
    return crm::testing::MustCall(*partner_stub_,
                                  &partners::v1::PartnerService::Stub::CreatePartner, request)
        .name();
  }

  // A component of `customer`: by default a 24-inch monitor with the serial
  // number `serial`.
  std::string Component(const std::string& customer, const std::string& serial,
                        v1::ComponentKind kind = v1::COMPONENT_KIND_OBJECT,
                        const std::string& product = "products/monitor-24") {
    v1::CreateInstalledComponentRequest request;
    v1::InstalledComponent& component = *request.mutable_installed_component();
    component.set_customer(customer);
    component.set_kind(kind);
    if (kind != v1::COMPONENT_KIND_TEXT_ITEM) component.set_product(product);
    if (kind == v1::COMPONENT_KIND_OBJECT) component.set_serial_number(serial);
    component.set_description("24-inch monitor, reception");
    auto stub = v1::InstalledBaseService::NewStub(desk_->channel());
    return crm::testing::MustCall(*stub, &v1::InstalledBaseService::Stub::CreateInstalledComponent,
                                  request)
        .name();
  }

  std::unique_ptr<crm::testing::InProcessService> partners_;
  std::unique_ptr<partners::v1::PartnerService::Stub> partner_stub_;
  std::unique_ptr<crm::testing::InProcessService> sales_;
  std::unique_ptr<crm::testing::InProcessService> desk_;

 private:
  // The products the service desk's tests name, e.g. "products/m27".
  void AddCatalogue() {
    auto catalog = sales::v1::CatalogService::NewStub(sales_->channel());
    sales::v1::CreateTaxClassRequest tax;
    tax.set_tax_class_id("standard");
    tax.mutable_tax_class()->set_display_name("Standard rate");
    tax.mutable_tax_class()->set_rate_percent(19);
    crm::testing::MustCall(*catalog, &sales::v1::CatalogService::Stub::CreateTaxClass, tax);
    for (const char* id : {"m27", "monitor-24", "monitor-27", "inv27", "keyboard", "board",
                           "printer-9", "toner-black", "workstation"}) {
      sales::v1::CreateProductRequest request;
      request.set_product_id(id);
      sales::v1::Product& product = *request.mutable_product();
      product.set_display_name(id);
      product.set_product_group("SERVICE-TEST");
      product.set_unit("PC");
      product.mutable_list_price()->set_currency_code("EUR");
      product.mutable_list_price()->set_units(100);
      product.set_tax_class("taxClasses/standard");
      crm::testing::MustCall(*catalog, &sales::v1::CatalogService::Stub::CreateProduct, request);
    }
  }
};

}  // namespace crm::servicedesk::testing

#endif  // CRM_SERVICES_SERVICEDESK_TESTS_DESK_FIXTURE_H_
