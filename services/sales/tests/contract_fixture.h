// Test support for the ContractService tests (contract_*_test.cc): the sales
// service in-process with a real partners service beside it and monitors,
// keyboards and paper in its catalogue (`Office`: customers, reps, a volume
// discount, prices, the change feed, contracts and release orders), and
// helpers for building contracts and release requests, days, money and
// verdicts.
#ifndef CRM_SERVICES_SALES_TESTS_CONTRACT_FIXTURE_H_
#define CRM_SERVICES_SALES_TESTS_CONTRACT_FIXTURE_H_

#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/api/dates.h"
#include "common/testing/sample_values.h"
#include "common/testing/status_checks.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/sales/v1/catalog_service.grpc.pb.h"
#include "crm/sales/v1/contract_service.grpc.pb.h"
#include "crm/sales/v1/pricing_service.grpc.pb.h"
#include "crm/sales/v1/sales_document_service.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "services/sales/tests/sales_beside_partners.h"

namespace crm::sales::testing::contract_testing {

namespace sv1 = crm::sales::v1;
namespace pv1 = crm::partners::v1;
using crm::sales::testing::Sources;
using crm::testing::ContextWithDeadline;
using crm::testing::DetailOf;
using crm::testing::MakeDate;
using crm::testing::Mask;
using crm::testing::Outcome;
using crm::testing::Precondition;
using CS = sv1::ContractService::Stub;
using DS = sv1::SalesDocumentService::Stub;
using Date = google::type::Date;
using Money = crm::type::v1::Money;
using Strings = std::vector<std::string>;
using Quantities = std::vector<double>;

inline constexpr char kMonitor[] = "products/monitor-24";  // EUR 200, 19 %
inline constexpr char kKeyboard[] = "products/keyboard";   // EUR 49.99, 7 %
inline constexpr char kPaper[] = "products/paper";         // EUR 5, 7 %

// The day `days` from today (UTC); negative for the past.
inline Date InDays(int days) { return crm::api::UtcDate(absl::Now() + absl::Hours(24 * days)); }
inline std::string Iso(const Date& date) { return crm::api::IsoDate(date); }

inline Money Eur(int64_t units, int32_t nanos = 0) {
  Money money;
  money.set_currency_code("EUR");
  money.set_units(units);
  money.set_nanos(nanos);
  return money;
}

// "EUR 21600.00" (amounts here are not negative).
inline std::string Text(const Money& money) {
  std::string fraction = absl::StrFormat("%09d", money.nanos());
  while (fraction.size() > 2 && fraction.back() == '0') fraction.pop_back();
  return absl::StrCat(money.currency_code(), " ", money.units(), ".", fraction);
}

inline bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

inline std::string Quoted(const std::string& field, const std::string& value) {
  return absl::StrCat(field, " = \"", value, "\"");
}

struct Item {
  std::string product;
  double quantity;  // for a contract item: the target quantity
};

// Adds `items` to a list of DocumentItem or ItemToPrice.
template <typename List>
inline void Fill(List* list, const std::vector<Item>& items) {
  for (const Item& item : items) {
    auto* added = list->Add();
    added->set_product(item.product);
    added->set_quantity(item.quantity);
  }
}

// A contract valid from 10 days ago to 30 days ahead; with a target value
// when `target_value` > 0.
inline sv1::Contract Deal(const std::string& customer, int64_t target_value,
                          const std::vector<Item>& items = {}) {
  sv1::Contract contract;
  contract.set_display_name("Framework monitors");
  contract.set_customer(customer);
  contract.set_currency_code("EUR");
  *contract.mutable_valid_from() = InDays(-10);
  *contract.mutable_valid_to() = InDays(30);
  if (target_value > 0) *contract.mutable_target_value() = Eur(target_value);
  for (const Item& item : items) {
    sv1::ContractItem* added = contract.add_items();
    added->set_product(item.product);
    added->set_target_quantity(item.quantity);
  }
  return contract;
}

inline Quantities Released(const sv1::Contract& contract) {
  Quantities released;
  for (const auto& item : contract.items()) released.push_back(item.released_quantity());
  return released;
}

// One unary call with a deadline; `out` may be null.
template <typename Stub, typename Request, typename Response>
grpc::Status Call(Stub& stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, typename std::common_type<Response>::type* out = nullptr,
                  int deadline_seconds = 10) {
  Response ignored;
  return (stub.*method)(ContextWithDeadline(deadline_seconds).get(), request, out ? out : &ignored);
}

inline void RequireOk(const grpc::Status& status) {
  INFO(status.error_message());
  REQUIRE(Outcome(status) == "OK");
}

// The response of a call that must succeed.
template <typename Stub, typename Request, typename Response>
Response Must(Stub& stub,
              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
              const Request& request) {
  Response response;
  RequireOk(Call(stub, method, request, &response));
  return response;
}

// The code, and for FAILED_PRECONDITION its type and subject:
// "FAILED_PRECONDITION EXCEEDS_CONTRACT items[0].quantity".
inline std::string Verdict(const grpc::Status& status) {
  const std::string precondition = Precondition(status);
  return precondition.empty() ? Outcome(status) : absl::StrCat(Outcome(status), " ", precondition);
}

inline sv1::CreateReleaseOrderRequest ReleaseRequest(const std::string& contract,
                                                     const std::vector<Item>& items,
                                                     const std::string& request_id = "") {
  sv1::CreateReleaseOrderRequest request;
  request.set_contract(contract);
  Fill(request.mutable_items(), items);
  request.set_request_id(request_id);
  return request;
}

// Sales beside partners, one fresh database each, with monitors, keyboards
// and paper in the catalogue.
class Office : public crm::sales::testing::SalesBesidePartners {
 public:
  Office()
      : catalog_(sv1::CatalogService::NewStub(sales_->channel())),
        pricing_(sv1::PricingService::NewStub(sales_->channel())),
        documents_(sv1::SalesDocumentService::NewStub(sales_->channel())),
        contracts_(sv1::ContractService::NewStub(sales_->channel())) {
    AddTaxClass("standard", 19);
    AddTaxClass("reduced", 7);
    AddProduct("monitor-24", Eur(200), "standard");
    AddProduct("keyboard", Eur(49, 990'000'000), "reduced");
    AddProduct("paper", Eur(5), "reduced");
  }

  CS& api() { return *contracts_; }
  DS& documents() { return *documents_; }

  // An organisation in retail with a customer role of `customer_class`.
  std::string AddCustomer(const std::string& legal_name, pv1::CustomerClass customer_class) {
    pv1::CreatePartnerRequest request;
    pv1::Partner* partner = request.mutable_partner();
    partner->set_category(pv1::PARTNER_CATEGORY_ORGANIZATION);
    partner->mutable_organization()->set_legal_name(legal_name);
    partner->mutable_organization()->set_industry_code("RETAIL");
    pv1::Role* role = partner->add_roles();
    role->set_type(pv1::ROLE_TYPE_CUSTOMER);
    role->mutable_customer()->set_customer_class(customer_class);
    return Must(*partner_stub_, &pv1::PartnerService::Stub::CreatePartner, request).name();
  }

  // A person in the employee role.
  std::string AddRep() {
    pv1::CreatePartnerRequest request;
    request.mutable_partner()->set_category(pv1::PARTNER_CATEGORY_PERSON);
    request.mutable_partner()->mutable_person()->set_family_name("Reppe");
    request.mutable_partner()->add_roles()->set_type(pv1::ROLE_TYPE_EMPLOYEE);
    return Must(*partner_stub_, &pv1::PartnerService::Stub::CreatePartner, request).name();
  }

  // The SPEC's condition: 10 % off from 100 units for A-class retailers.
  std::string AddVolumeDiscount() {
    sv1::CreatePriceConditionRequest request;
    sv1::PriceCondition* condition = request.mutable_price_condition();
    condition->set_display_name("Volume discount A-class retail");
    condition->set_type(sv1::CONDITION_TYPE_DISCOUNT_PERCENT);
    condition->add_scale()->set_min_quantity(100);
    condition->mutable_scale(0)->set_percent(10);
    condition->mutable_scope()->set_customer_class(pv1::CUSTOMER_CLASS_A);
    condition->mutable_scope()->set_industry_code("RETAIL");
    return Must(*pricing_, &sv1::PricingService::Stub::CreatePriceCondition, request).name();
  }

  // What PriceItems answers for `customer` today.
  sv1::PriceItemsResponse Price(const std::string& customer, const std::vector<Item>& items) {
    sv1::PriceItemsRequest request;
    request.set_customer(customer);
    Fill(request.mutable_items(), items);
    return Must(*pricing_, &sv1::PricingService::Stub::PriceItems, request);
  }

  // "KIND name method request_id" of the changes after `sequence`, but
  // territory assignments (a customer's first sale assigns it on the way).
  Strings Changes(int64_t sequence) {
    Strings changes;
    for (const std::string& change : DescribeChangesAfter(sequence)) {
      if (!absl::StrContains(change, " territoryAssignments/")) changes.push_back(change);
    }
    return changes;
  }
  // The resource of the first change to `name` after `sequence`.
  template <typename Message>
  Message InFeed(int64_t sequence, const std::string& name) {
    Message message;
    const auto feed = ChangesAfter(sequence);
    for (const auto& change : feed.changes()) {
      if (change.resource_name() == name) {
        REQUIRE(change.resource().UnpackTo(&message));
        return message;
      }
    }
    FAIL("no change to " << name);
    return message;
  }

  // ---- contracts

  grpc::Status TryCreate(const sv1::Contract& contract, sv1::Contract* out = nullptr,
                         const std::string& request_id = "", int deadline_seconds = 10) {
    sv1::CreateContractRequest request;
    *request.mutable_contract() = contract;
    request.set_request_id(request_id);
    return Call(*contracts_, &CS::CreateContract, request, out, deadline_seconds);
  }
  sv1::Contract Create(const sv1::Contract& contract) {
    sv1::Contract created;
    RequireOk(TryCreate(contract, &created));
    return created;
  }
  grpc::Status TryGet(const std::string& name, sv1::Contract* out = nullptr) {
    sv1::GetContractRequest request;
    request.set_name(name);
    return Call(*contracts_, &CS::GetContract, request, out);
  }
  sv1::Contract Get(const std::string& name) {
    sv1::Contract got;
    RequireOk(TryGet(name, &got));
    return got;
  }
  // Names of every contract listed, following the pages.
  Strings Names(const std::string& filter = "", int page_size = 0, int* pages = nullptr) {
    sv1::ListContractsRequest request;
    request.set_filter(filter);
    request.set_page_size(page_size);
    Strings names;
    int count = 1;
    for (;; ++count) {
      const auto response = Must(*contracts_, &CS::ListContracts, request);
      if (page_size > 0) CHECK(response.contracts_size() <= page_size);
      for (const auto& contract : response.contracts()) names.push_back(contract.name());
      if (response.next_page_token().empty() || count == 100) break;
      request.set_page_token(response.next_page_token());
    }
    if (pages != nullptr) *pages = count;
    return names;
  }
  grpc::Status TryUpdate(const sv1::Contract& contract, const Strings& paths,
                         sv1::Contract* out = nullptr) {
    sv1::UpdateContractRequest request;
    *request.mutable_contract() = contract;
    *request.mutable_update_mask() = Mask(paths);
    return Call(*contracts_, &CS::UpdateContract, request, out);
  }
  sv1::Contract Update(const sv1::Contract& contract, const Strings& paths) {
    sv1::Contract updated;
    RequireOk(TryUpdate(contract, paths, &updated));
    return updated;
  }
  grpc::Status TryCancel(const std::string& name, const std::string& reason,
                         const std::string& etag = "", sv1::Contract* out = nullptr) {
    sv1::CancelContractRequest request;
    request.set_name(name);
    request.set_reason(reason);
    request.set_etag(etag);
    return Call(*contracts_, &CS::CancelContract, request, out);
  }

  // ---- release orders and other sales orders

  grpc::Status TryRelease(const std::string& contract, const std::vector<Item>& items,
                          sv1::SalesOrder* out = nullptr, const std::string& request_id = "",
                          int deadline_seconds = 10) {
    return Call(*contracts_, &CS::CreateReleaseOrder, ReleaseRequest(contract, items, request_id),
                out, deadline_seconds);
  }
  sv1::SalesOrder Release(const std::string& contract, const std::vector<Item>& items) {
    return Must(*contracts_, &CS::CreateReleaseOrder, ReleaseRequest(contract, items));
  }
  grpc::Status TryCancelOrder(const std::string& name, const std::string& reason) {
    sv1::CancelSalesOrderRequest request;
    request.set_name(name);
    request.set_reason(reason);
    return Call(*documents_, &DS::CancelSalesOrder, request);
  }
  // Names of the sales orders (first page of 50), newest first.
  Strings OrderNames(const std::string& filter = "") {
    sv1::ListSalesOrdersRequest request;
    request.set_filter(filter);
    const auto response = Must(*documents_, &DS::ListSalesOrders, request);
    Strings names;
    for (const auto& order : response.sales_orders()) names.push_back(order.name());
    return names;
  }

 private:
  void AddTaxClass(const std::string& id, double rate_percent) {
    sv1::CreateTaxClassRequest request;
    request.set_tax_class_id(id);
    request.mutable_tax_class()->set_display_name(id);
    request.mutable_tax_class()->set_rate_percent(rate_percent);
    Must(*catalog_, &sv1::CatalogService::Stub::CreateTaxClass, request);
  }
  void AddProduct(const std::string& id, const Money& list_price, const std::string& tax_class) {
    sv1::CreateProductRequest request;
    request.set_product_id(id);
    sv1::Product* product = request.mutable_product();
    product->set_display_name(id);
    product->set_product_group("OFFICE");
    product->set_unit("EA");
    *product->mutable_list_price() = list_price;
    product->set_tax_class(absl::StrCat("taxClasses/", tax_class));
    Must(*catalog_, &sv1::CatalogService::Stub::CreateProduct, request);
  }

  std::unique_ptr<sv1::CatalogService::Stub> catalog_;
  std::unique_ptr<sv1::PricingService::Stub> pricing_;
  std::unique_ptr<DS> documents_;
  std::unique_ptr<CS> contracts_;
};

}  // namespace crm::sales::testing::contract_testing

#endif  // CRM_SERVICES_SALES_TESTS_CONTRACT_FIXTURE_H_
