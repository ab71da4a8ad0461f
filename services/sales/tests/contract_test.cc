// Contracts and release orders (ContractService) over a real gRPC channel
// and a real SQLite file, with a real partners service beside it: create
// (customer checked with partners, products with the catalogue, each bad
// field named, nothing written when refused or partners is down), get,
// list, update, cancel; release orders priced as PriceItems prices them for
// the contract's customer and counted against the contract (or refused:
// EXCEEDS_CONTRACT, NOT_IN_CONTRACT, NOT_ACTIVE, OUTSIDE_VALIDITY), given
// back by CancelSalesOrder; request_id retries and the change feed.
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
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

namespace {

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

constexpr char kMonitor[] = "products/monitor-24";  // EUR 200, 19 %
constexpr char kKeyboard[] = "products/keyboard";   // EUR 49.99, 7 %
constexpr char kPaper[] = "products/paper";         // EUR 5, 7 %

// The day `days` from today (UTC); negative for the past.
Date InDays(int days) { return crm::api::UtcDate(absl::Now() + absl::Hours(24 * days)); }
std::string Iso(const Date& date) { return crm::api::IsoDate(date); }

Money Eur(int64_t units, int32_t nanos = 0) {
  Money money;
  money.set_currency_code("EUR");
  money.set_units(units);
  money.set_nanos(nanos);
  return money;
}

// "EUR 21600.00" (amounts here are not negative).
std::string Text(const Money& money) {
  std::string fraction = absl::StrFormat("%09d", money.nanos());
  while (fraction.size() > 2 && fraction.back() == '0') fraction.pop_back();
  return absl::StrCat(money.currency_code(), " ", money.units(), ".", fraction);
}

bool Same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

std::string Quoted(const std::string& field, const std::string& value) {
  return absl::StrCat(field, " = \"", value, "\"");
}

struct Item {
  std::string product;
  double quantity;  // for a contract item: the target quantity
};

// Adds `items` to a list of DocumentItem or ItemToPrice.
template <typename List>
void Fill(List* list, const std::vector<Item>& items) {
  for (const Item& item : items) {
    auto* added = list->Add();
    added->set_product(item.product);
    added->set_quantity(item.quantity);
  }
}

// A contract valid from 10 days ago to 30 days ahead; with a target value
// when `target_value` > 0.
sv1::Contract Deal(const std::string& customer, int64_t target_value,
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

Quantities Released(const sv1::Contract& contract) {
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

void RequireOk(const grpc::Status& status) {
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
std::string Verdict(const grpc::Status& status) {
  const std::string precondition = Precondition(status);
  return precondition.empty() ? Outcome(status) : absl::StrCat(Outcome(status), " ", precondition);
}

sv1::CreateReleaseOrderRequest ReleaseRequest(const std::string& contract,
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

}  // namespace

TEST_CASE("contracts: CreateContract stores an active contract with nothing released",
          "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_A);
  const int64_t head = office.HeadSequence();

  const std::string rep = office.AddRep();
  sv1::Contract sent = Deal(alvis, 50000, {{kMonitor, 200}, {kKeyboard, 0}});
  sent.set_sales_rep(rep);
  // Output-only fields sent are ignored.
  sent.set_name("contracts/mine");
  sent.set_state(sv1::CONTRACT_STATE_FULFILLED);
  *sent.mutable_released_value() = Eur(999);
  sent.mutable_items(0)->set_released_quantity(150);
  sent.set_cancel_reason("never");
  sent.set_etag("\"7\"");
  sent.mutable_create_time()->set_seconds(1);
  sv1::Contract contract;
  RequireOk(office.TryCreate(sent, &contract, "contract-1"));
  CHECK(absl::StartsWith(contract.name(), "contracts/"));
  CHECK(contract.name() != "contracts/mine");
  CHECK(contract.customer() == alvis);
  CHECK(contract.sales_rep() == rep);
  CHECK(Iso(contract.valid_to()) == Iso(InDays(30)));
  CHECK(Text(contract.target_value()) == "EUR 50000.00");
  CHECK(Text(contract.released_value()) == "EUR 0.00");
  CHECK(contract.state() == sv1::CONTRACT_STATE_ACTIVE);
  CHECK(contract.cancel_reason().empty());
  REQUIRE(contract.items_size() == 2);
  CHECK(contract.items(0).target_quantity() == 200);
  CHECK(Released(contract) == Quantities{0, 0});
  CHECK(contract.create_time().seconds() > 1);
  CHECK(Same(contract.create_time(), contract.update_time()));
  CHECK((!contract.etag().empty() && contract.etag() != "\"7\""));
  CHECK(Same(office.Get(contract.name()), contract));

  // A retry with the same id: the same contract, one feed entry.
  sv1::Contract again;
  RequireOk(office.TryCreate(sent, &again, "contract-1"));
  CHECK(Same(again, contract));
  CHECK(office.Names() == Strings{contract.name()});
  CHECK(Outcome(office.TryCreate(Deal(alvis, 1), nullptr, "contract-1")) ==
        "INVALID_ARGUMENT request_id");
  CHECK(office.Changes(head) == Strings{absl::StrCat("CHANGE_KIND_CREATED ", contract.name(),
                                                     " CreateContract contract-1")});
  CHECK(Same(office.InFeed<sv1::Contract>(head, contract.name()), contract));
}

TEST_CASE("contracts: a refused create names the problem and writes nothing", "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_A);
  const int64_t head = office.HeadSequence();

  using Spoil = std::function<void(sv1::Contract*)>;
  const std::vector<std::tuple<std::string, Spoil, std::string>> cases = {
      {"display name of spaces", [](auto* c) { c->set_display_name("   "); }, "display_name"},
      {"customer not a name", [](auto* c) { c->set_customer("alvis"); }, "customer"},
      {"rep not a name", [](auto* c) { c->set_sales_rep("reppe"); }, "sales_rep"},
      {"lower-case currency", [](auto* c) { c->set_currency_code("eur"); }, "currency_code"},
      {"no valid_from", [](auto* c) { c->clear_valid_from(); }, "valid_from"},
      {"valid_to impossible",
       [](auto* c) { *c->mutable_valid_to() = MakeDate(InDays(0).year() + 1, 2, 30); }, "valid_to"},
      {"valid_to before valid_from", [](auto* c) { *c->mutable_valid_from() = InDays(31); },
       "valid_to"},
      {"valid_to yesterday", [](auto* c) { *c->mutable_valid_to() = InDays(-1); }, "valid_to"},
      {"no target at all",
       [](auto* c) {
         c->clear_target_value();
         c->mutable_items(0)->set_target_quantity(0);
       },
       "target_value"},
      {"target value in USD", [](auto* c) { c->mutable_target_value()->set_currency_code("USD"); },
       "target_value.currency_code"},
      {"product not a name", [](auto* c) { c->mutable_items(1)->set_product("paper"); },
       "items[1].product"},
      {"a product twice", [](auto* c) { c->mutable_items(1)->set_product(kMonitor); },
       "items[1].product"},
      {"target quantity of 4 decimals",
       [](auto* c) { c->mutable_items(0)->set_target_quantity(1.0005); },
       "items[0].target_quantity"},
      {"201 items",
       [](auto* c) {
         while (c->items_size() <= 200) *c->add_items() = c->items(0);
       },
       "items"},
  };
  for (const auto& [what, spoil, field] : cases) {
    INFO(what);
    sv1::Contract contract = Deal(alvis, 5000, {{kMonitor, 10}, {kPaper, 0}});
    spoil(&contract);
    CHECK(Outcome(office.TryCreate(contract, nullptr, "bad")) ==
          absl::StrCat("INVALID_ARGUMENT contract.", field));
  }
  sv1::Contract worst = Deal(alvis, 5000, {{kMonitor, 10}, {kPaper, 0}});
  worst.clear_display_name();
  worst.clear_valid_to();
  worst.mutable_items(1)->set_product("paper");
  CHECK(Outcome(office.TryCreate(worst)) ==
        "INVALID_ARGUMENT contract.display_name, contract.valid_to, contract.items[1].product");
  CHECK(Outcome(Call(office.api(), &CS::CreateContract, sv1::CreateContractRequest())) ==
        "INVALID_ARGUMENT contract");
  CHECK(Outcome(office.TryCreate(Deal(alvis, 5000), nullptr, std::string(101, 'r'))) ==
        "INVALID_ARGUMENT request_id");

  // What only partners or the catalogue know.
  const grpc::Status nobody = office.TryCreate(Deal("partners/nobody", 5000), nullptr, "retry");
  CHECK(Outcome(nobody) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(nobody).resource_name() == "partners/nobody");
  sv1::Contract customer_as_rep = Deal(alvis, 5000);
  customer_as_rep.set_sales_rep(alvis);
  CHECK(Verdict(office.TryCreate(customer_as_rep)) ==
        "FAILED_PRECONDITION NOT_EMPLOYEE contract.sales_rep");
  const grpc::Status unknown_product =
      office.TryCreate(Deal(alvis, 5000, {{kMonitor, 1}, {"products/nothing-here", 1}}));
  CHECK(Outcome(unknown_product) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown_product).resource_name() ==
        "products/nothing-here");

  CHECK(office.Names().empty());
  CHECK(office.HeadSequence() == head);
  // Ids of refused requests are not used up.
  CHECK(Outcome(office.TryCreate(Deal(alvis, 5000), nullptr, "retry")) == "OK");
}

TEST_CASE("contracts: with partners down creates and releases are UNAVAILABLE, retries are not",
          "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_A);
  sv1::Contract contract, same;
  RequireOk(office.TryCreate(Deal(alvis, 0, {{kMonitor, 10}}), &contract, "c-1"));
  sv1::SalesOrder first, again;
  RequireOk(office.TryRelease(contract.name(), {{kMonitor, 6}}, &first, "rel-1"));
  const sv1::Contract counted = office.Get(contract.name());
  CHECK(Released(counted) == Quantities{6});
  const int64_t head = office.HeadSequence();
  // A retry: 6 more would not fit, the same order comes back, counted once.
  RequireOk(office.TryRelease(contract.name(), {{kMonitor, 6}}, &again, "rel-1"));
  CHECK(Same(again, first));
  CHECK(Outcome(office.TryRelease(contract.name(), {{kMonitor, 1}}, nullptr, "rel-1")) ==
        "INVALID_ARGUMENT request_id");
  CHECK(Verdict(office.TryRelease(contract.name(), {{kMonitor, 6}}, nullptr, "rel-2")) ==
        "FAILED_PRECONDITION EXCEEDS_CONTRACT items[0].quantity");

  office.StopPartners();
  constexpr int kDeadlineSeconds = 2;
  for (const std::string& request_id : {std::string(), std::string("down-1")}) {
    INFO("request_id \"" << request_id << "\"");
    const grpc::Status create =
        office.TryCreate(Deal(alvis, 1000), nullptr, request_id, kDeadlineSeconds);
    CHECK(Outcome(create) == "UNAVAILABLE");
    CHECK(absl::StrContains(create.error_message(), "partners"));
    CHECK(Outcome(office.TryRelease(contract.name(), {{kMonitor, 1}}, nullptr, request_id,
                                    kDeadlineSeconds)) == "UNAVAILABLE");
  }
  // Bad input, unknown contracts and retries are answered without partners.
  CHECK(Outcome(office.TryCreate(Deal(alvis, 0), nullptr, "", kDeadlineSeconds)) ==
        "INVALID_ARGUMENT contract.target_value");
  CHECK(Outcome(office.TryRelease("contracts/nothing-here", {{kMonitor, 1}}, nullptr, "",
                                  kDeadlineSeconds)) == "NOT_FOUND");
  RequireOk(office.TryRelease(contract.name(), {{kMonitor, 6}}, &again, "rel-1"));
  CHECK(Same(again, first));
  RequireOk(office.TryCreate(Deal(alvis, 0, {{kMonitor, 10}}), &same, "c-1"));
  CHECK(Same(same, contract));
  CHECK(office.Names() == Strings{contract.name()});
  CHECK(office.OrderNames() == Strings{first.name()});
  CHECK(Same(office.Get(contract.name()), counted));
  CHECK(office.HeadSequence() == head);
}

TEST_CASE("contracts: GetContract and ListContracts, newest first, filtered and paged",
          "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_A);
  const std::string berta = office.AddCustomer("Berta Retail KG", pv1::CUSTOMER_CLASS_B);
  const std::string c1 = office.Create(Deal(alvis, 1000)).name();
  const std::string c2 = office.Create(Deal(berta, 1000)).name();
  sv1::Contract later = Deal(alvis, 0, {{kPaper, 10}});
  *later.mutable_valid_from() = InDays(5);
  *later.mutable_valid_to() = InDays(60);
  const std::string c3 = office.Create(later).name();
  const std::string c4 = office.Create(Deal(alvis, 0, {{kPaper, 10}})).name();
  const std::string c5 = office.Create(Deal(berta, 1000)).name();
  RequireOk(office.TryCancel(c2, "Budget cut"));
  office.Release(c4, {{kPaper, 10}});  // fulfilled

  const Strings all = {c5, c4, c3, c2, c1};
  CHECK(office.Names() == all);
  const std::string of_alvis = Quoted("customer", alvis);
  CHECK(office.Names(of_alvis) == Strings{c4, c3, c1});
  CHECK(office.Names("state = ACTIVE") == Strings{c5, c3, c1});
  CHECK(office.Names("state = CANCELLED") == Strings{c2});
  CHECK(office.Names("state = FULFILLED") == Strings{c4});
  CHECK(office.Names("state != ACTIVE") == Strings{c4, c2});
  CHECK(office.Names(absl::StrCat(of_alvis, " AND state = ACTIVE")) == Strings{c3, c1});
  CHECK(office.Names(absl::StrCat("valid_from > \"", Iso(InDays(0)), "\"")) == Strings{c3});
  CHECK(office.Names(absl::StrCat("valid_to >= \"", Iso(InDays(60)), "\"")) == Strings{c3});
  int pages = 0;
  CHECK(office.Names("", 2, &pages) == all);
  CHECK(pages == 3);
  CHECK(office.Names(of_alvis, 1, &pages) == Strings{c4, c3, c1});
  CHECK(pages == 3);

  sv1::ListContractsRequest request;
  for (const std::string filter : {"colour = \"red\"", "state = OPEN", "valid_to = tomorrow"}) {
    INFO(filter);
    request.set_filter(filter);
    CHECK(Outcome(Call(office.api(), &CS::ListContracts, request)) == "INVALID_ARGUMENT filter");
  }
  request.set_filter("");
  request.set_page_size(2);
  const sv1::ListContractsResponse page = Must(office.api(), &CS::ListContracts, request);
  REQUIRE(page.contracts_size() == 2);
  CHECK(Same(page.contracts(0), office.Get(c5)));
  request.set_page_token(page.next_page_token());
  request.set_filter("state = ACTIVE");
  CHECK(Outcome(Call(office.api(), &CS::ListContracts, request)) == "INVALID_ARGUMENT page_token");

  const grpc::Status unknown = office.TryGet("contracts/nothing-here");
  CHECK(Outcome(unknown) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown).resource_name() == "contracts/nothing-here");
  for (const std::string name : {"", "contracts/", "salesOrders/x", "contracts/a b"}) {
    INFO("name \"" << name << "\"");
    CHECK(Outcome(office.TryGet(name)) == "INVALID_ARGUMENT name");
  }
}

TEST_CASE("contracts: UpdateContract changes the name, the validity and the targets",
          "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_B);
  const sv1::Contract contract = office.Create(Deal(alvis, 0, {{kMonitor, 10}, {kPaper, 5}}));
  const int64_t head = office.HeadSequence();

  sv1::Contract changes = contract;
  changes.set_display_name("Monitors 2027");
  *changes.mutable_valid_to() = InDays(90);
  changes.set_customer("partners/someone-else");  // not in the mask: ignored
  const sv1::Contract renamed = office.Update(changes, {"display_name", "valid_to"});
  CHECK(renamed.display_name() == "Monitors 2027");
  CHECK(Iso(renamed.valid_to()) == Iso(InDays(90)));
  CHECK(renamed.customer() == alvis);
  CHECK(renamed.etag() != contract.etag());
  CHECK(Same(renamed.create_time(), contract.create_time()));
  CHECK(Same(office.Get(contract.name()), renamed));
  CHECK(office.Changes(head) ==
        Strings{absl::StrCat("CHANGE_KIND_UPDATED ", contract.name(), " UpdateContract ")});

  // Released to the target: FULFILLED; a raised target makes it ACTIVE again.
  office.Release(contract.name(), {{kMonitor, 10}, {kPaper, 5}});
  const sv1::Contract fulfilled = office.Get(contract.name());
  REQUIRE(fulfilled.state() == sv1::CONTRACT_STATE_FULFILLED);
  sv1::Contract raise = fulfilled;
  raise.mutable_items(0)->set_target_quantity(15);
  raise.mutable_items(0)->set_released_quantity(0);  // output only: ignored
  const sv1::Contract raised = office.Update(raise, {"items"});
  CHECK(raised.state() == sv1::CONTRACT_STATE_ACTIVE);
  CHECK(Released(raised) == Quantities{10, 5});
  CHECK(raised.items(0).target_quantity() == 15);
  // A target value added with "*"; the released value stays.
  sv1::Contract with_value = raised;
  *with_value.mutable_target_value() = Eur(5000);
  const sv1::Contract valued = office.Update(with_value, {"*"});
  CHECK(Text(valued.target_value()) == "EUR 5000.00");
  CHECK(Text(valued.released_value()) == "EUR 2025.00");
  CHECK(valued.state() == sv1::CONTRACT_STATE_ACTIVE);

  // Targets below what is released, or an item with releases removed.
  sv1::Contract below = valued;
  below.mutable_items(0)->set_target_quantity(9);
  CHECK(Verdict(office.TryUpdate(below, {"items"})) ==
        "FAILED_PRECONDITION BELOW_RELEASED contract.items[0].target_quantity");
  sv1::Contract value_below = valued;
  *value_below.mutable_target_value() = Eur(2024);
  CHECK(Verdict(office.TryUpdate(value_below, {"target_value"})) ==
        "FAILED_PRECONDITION BELOW_RELEASED contract.target_value");
  sv1::Contract removed = valued;
  removed.mutable_items()->DeleteSubrange(1, 1);
  CHECK(Verdict(office.TryUpdate(removed, {"items"})) ==
        "FAILED_PRECONDITION RELEASED contract.items");

  // What cannot change, bad values, stale etags, unknown names.
  for (const std::string path : {"customer", "currency_code", "valid_from", "sales_rep", "state",
                                 "released_value", "items.released_quantity", "name", "colour"}) {
    INFO(path);
    CHECK(Outcome(office.TryUpdate(valued, {path})) == "INVALID_ARGUMENT update_mask");
  }
  CHECK(Outcome(office.TryUpdate(valued, {})) == "INVALID_ARGUMENT update_mask");
  sv1::Contract past = valued;
  *past.mutable_valid_to() = InDays(-1);
  CHECK(Outcome(office.TryUpdate(past, {"valid_to"})) == "INVALID_ARGUMENT contract.valid_to");
  sv1::Contract unknown_product = valued;
  unknown_product.add_items()->set_product("products/nothing-here");
  CHECK(Outcome(office.TryUpdate(unknown_product, {"items"})) == "NOT_FOUND");
  sv1::Contract stale = valued;
  stale.set_etag(contract.etag());
  CHECK(Outcome(office.TryUpdate(stale, {"display_name"})) == "ABORTED");
  sv1::Contract nowhere = valued;
  nowhere.set_name("contracts/nothing-here");
  CHECK(Outcome(office.TryUpdate(nowhere, {"display_name"})) == "NOT_FOUND");
  CHECK(Same(office.Get(contract.name()), valued));

  // A cancelled contract does not change.
  RequireOk(office.TryCancel(contract.name(), "Budget cut"));
  sv1::Contract late = valued;
  late.clear_etag();
  CHECK(Verdict(office.TryUpdate(late, {"display_name"})) ==
        absl::StrCat("FAILED_PRECONDITION CANCELLED ", contract.name()));
}

TEST_CASE("contracts: CancelContract records the reason once", "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_B);
  const sv1::Contract contract = office.Create(Deal(alvis, 1000));
  const int64_t head = office.HeadSequence();

  CHECK(Outcome(office.TryCancel(contract.name(), "")) == "INVALID_ARGUMENT reason");
  CHECK(Outcome(office.TryCancel(contract.name(), "  ")) == "INVALID_ARGUMENT reason");
  CHECK(Outcome(office.TryCancel(contract.name(), std::string(1001, 'x'))) ==
        "INVALID_ARGUMENT reason");
  CHECK(Outcome(office.TryCancel("salesOrders/x", "")) == "INVALID_ARGUMENT name, reason");
  CHECK(Outcome(office.TryCancel("contracts/nothing-here", "Budget cut")) == "NOT_FOUND");
  CHECK(Outcome(office.TryCancel(contract.name(), "Budget cut", "\"9\"")) == "ABORTED");
  CHECK(Same(office.Get(contract.name()), contract));
  CHECK(office.HeadSequence() == head);

  sv1::Contract cancelled;
  RequireOk(office.TryCancel(contract.name(), "Budget cut", contract.etag(), &cancelled));
  CHECK(cancelled.state() == sv1::CONTRACT_STATE_CANCELLED);
  CHECK(cancelled.cancel_reason() == "Budget cut");
  CHECK(cancelled.etag() != contract.etag());
  CHECK(Same(office.Get(contract.name()), cancelled));
  CHECK(Verdict(office.TryCancel(contract.name(), "Again")) ==
        absl::StrCat("FAILED_PRECONDITION CANCELLED ", contract.name()));
  CHECK(office.Get(contract.name()).cancel_reason() == "Budget cut");
  CHECK(office.Changes(head) ==
        Strings{absl::StrCat("CHANGE_KIND_UPDATED ", contract.name(), " CancelContract ")});
}

TEST_CASE("contracts: a release order is priced for the customer and counted",
          "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_A);
  const std::string berta = office.AddCustomer("Berta Retail KG", pv1::CUSTOMER_CLASS_B);
  const std::string discount = office.AddVolumeDiscount();
  sv1::Contract deal = Deal(alvis, 100000, {{kMonitor, 300}, {kKeyboard, 0}});
  deal.set_sales_rep(office.AddRep());
  const sv1::Contract contract = office.Create(deal);
  const int64_t head = office.HeadSequence();

  const std::vector<Item> items = {{kMonitor, 120}, {kKeyboard, 3}};
  sv1::CreateReleaseOrderRequest request = ReleaseRequest(contract.name(), items, "release-1");
  *request.mutable_requested_delivery_date() = InDays(14);
  const sv1::SalesOrder order = Must(office.api(), &CS::CreateReleaseOrder, request);
  // As PriceItems prices it for the A-class retailer: 10 % off the monitors.
  const sv1::PriceItemsResponse expected = office.Price(alvis, items);
  REQUIRE(order.items_size() == 2);
  CHECK(Same(order.items(0).pricing(), expected.items(0)));
  CHECK(Same(order.items(1).pricing(), expected.items(1)));
  CHECK(Same(order.net_total(), expected.net_total()));
  CHECK(Same(order.gross_total(), expected.gross_total()));
  CHECK(Sources(order.items(0).pricing()) == Strings{discount});
  CHECK(Text(order.items(0).pricing().net_amount()) == "EUR 21600.00");
  CHECK(Text(order.net_total()) == "EUR 21749.97");
  CHECK(Text(order.gross_total()) == "EUR 25864.47");
  CHECK(absl::StartsWith(order.name(), "salesOrders/"));
  CHECK(order.contract() == contract.name());
  CHECK(order.customer() == alvis);
  CHECK(order.sales_rep() == contract.sales_rep());
  CHECK(order.currency_code() == "EUR");
  CHECK(order.state() == sv1::SALES_ORDER_STATE_OPEN);
  CHECK(Iso(order.pricing_date()) == Iso(InDays(0)));
  CHECK(Iso(order.requested_delivery_date()) == Iso(InDays(14)));
  CHECK(order.quotation().empty());
  sv1::GetSalesOrderRequest get;
  get.set_name(order.name());
  CHECK(Same(Must(office.documents(), &DS::GetSalesOrder, get), order));
  // The same as a plain sales order for the customer, which names no contract.
  sv1::CreateSalesOrderRequest plain_request;
  plain_request.mutable_sales_order()->set_customer(alvis);
  Fill(plain_request.mutable_sales_order()->mutable_items(), items);
  const sv1::SalesOrder plain = Must(office.documents(), &DS::CreateSalesOrder, plain_request);
  CHECK((Same(plain.gross_total(), order.gross_total()) && plain.contract().empty()));

  // Counted against the contract.
  const sv1::Contract counted = office.Get(contract.name());
  CHECK(Released(counted) == Quantities{120, 3});
  CHECK(Same(counted.released_value(), order.net_total()));
  CHECK(counted.state() == sv1::CONTRACT_STATE_ACTIVE);
  CHECK(counted.etag() != contract.etag());
  CHECK(Same(counted.update_time(), order.create_time()));

  // On the feed: the order created and the contract updated, with the id.
  CHECK(office.Changes(head) ==
        Strings{
            absl::StrCat("CHANGE_KIND_CREATED ", order.name(), " CreateReleaseOrder release-1"),
            absl::StrCat("CHANGE_KIND_UPDATED ", contract.name(), " CreateReleaseOrder release-1"),
            absl::StrCat("CHANGE_KIND_CREATED ", plain.name(), " CreateSalesOrder ")});
  CHECK(Same(office.InFeed<sv1::SalesOrder>(head, order.name()), order));
  CHECK(Same(office.InFeed<sv1::Contract>(head, contract.name()), counted));

  // A second release adds up; the B-class customer's contract has no discount.
  const sv1::SalesOrder second = office.Release(contract.name(), {{kMonitor, 30}, {kMonitor, 20}});
  CHECK(Released(office.Get(contract.name())) == Quantities{170, 3});
  const sv1::Contract for_berta = office.Create(Deal(berta, 100000));
  const sv1::SalesOrder berta_order = office.Release(for_berta.name(), {{kMonitor, 120}});
  CHECK(Sources(berta_order.items(0).pricing()).empty());
  CHECK(Text(berta_order.net_total()) == "EUR 24000.00");
  CHECK(berta_order.customer() == berta);

  // ListSalesOrders by contract.
  CHECK(office.OrderNames(Quoted("contract", contract.name())) ==
        Strings{second.name(), order.name()});
  CHECK(office.OrderNames(Quoted("contract", for_berta.name())) == Strings{berta_order.name()});
  CHECK(office.OrderNames(Quoted("contract", "")) == Strings{plain.name()});
}

TEST_CASE("contracts: a release beyond a target is refused and writes nothing",
          "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_B);
  // 10 monitors, paper without a limit, EUR 3000 at most; 4 monitors released.
  const sv1::Contract contract = office.Create(Deal(alvis, 3000, {{kMonitor, 10}, {kPaper, 0}}));
  office.Release(contract.name(), {{kMonitor, 4}});
  const sv1::Contract before = office.Get(contract.name());
  const Strings orders = office.OrderNames();
  const int64_t head = office.HeadSequence();

  const grpc::Status quantity = office.TryRelease(contract.name(), {{kPaper, 1}, {kMonitor, 7}});
  CHECK(Verdict(quantity) == "FAILED_PRECONDITION EXCEEDS_CONTRACT items[1].quantity");
  CHECK(absl::StrContains(quantity.error_message(), "6 of 10 left"));
  // Summed over the items; the first one naming the product is named.
  CHECK(
      Verdict(office.TryRelease(contract.name(), {{kMonitor, 3}, {kPaper, 1}, {kMonitor, 3.5}})) ==
      "FAILED_PRECONDITION EXCEEDS_CONTRACT items[0].quantity");
  // By value: EUR 2200 is left; 441 paper are EUR 2205.
  CHECK(Verdict(office.TryRelease(contract.name(), {{kPaper, 441}})) ==
        "FAILED_PRECONDITION EXCEEDS_CONTRACT target_value");
  CHECK(Verdict(office.TryRelease(contract.name(), {{kMonitor, 1}, {kKeyboard, 1}})) ==
        "FAILED_PRECONDITION NOT_IN_CONTRACT items[1].product");
  CHECK(Outcome(office.TryRelease(contract.name(), {{"products/nothing-here", 1}})) == "NOT_FOUND");
  CHECK(Same(office.Get(contract.name()), before));
  CHECK(office.OrderNames() == orders);
  CHECK(office.HeadSequence() == head);

  // Exactly what is left: 6 monitors (EUR 1200) and 200 paper (EUR 1000).
  office.Release(contract.name(), {{kMonitor, 6}, {kPaper, 200}});
  const sv1::Contract fulfilled = office.Get(contract.name());
  CHECK(Released(fulfilled) == Quantities{10, 200});
  CHECK(Text(fulfilled.released_value()) == "EUR 3000.00");
  CHECK(fulfilled.state() == sv1::CONTRACT_STATE_FULFILLED);
  const grpc::Status done = office.TryRelease(contract.name(), {{kPaper, 1}});
  CHECK(Verdict(done) == absl::StrCat("FAILED_PRECONDITION NOT_ACTIVE ", contract.name()));
  CHECK(absl::StrContains(done.error_message(), "FULFILLED"));
}

TEST_CASE("contracts: releases against cancelled, future or unknown contracts are refused",
          "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_B);
  const sv1::Contract cancelled = office.Create(Deal(alvis, 3000));
  RequireOk(office.TryCancel(cancelled.name(), "Budget cut"));
  sv1::Contract from_tomorrow = Deal(alvis, 3000);
  *from_tomorrow.mutable_valid_from() = InDays(1);
  const sv1::Contract future = office.Create(from_tomorrow);
  sv1::Contract one_day = Deal(alvis, 3000);
  *one_day.mutable_valid_from() = InDays(0);
  *one_day.mutable_valid_to() = InDays(0);
  const sv1::Contract today_only = office.Create(one_day);
  const int64_t head = office.HeadSequence();

  CHECK(Verdict(office.TryRelease(cancelled.name(), {{kMonitor, 1}})) ==
        absl::StrCat("FAILED_PRECONDITION NOT_ACTIVE ", cancelled.name()));
  const grpc::Status not_yet = office.TryRelease(future.name(), {{kMonitor, 1}});
  CHECK(Verdict(not_yet) == absl::StrCat("FAILED_PRECONDITION OUTSIDE_VALIDITY ", future.name()));
  CHECK(absl::StrContains(not_yet.error_message(), Iso(InDays(1))));
  const grpc::Status unknown = office.TryRelease("contracts/nothing-here", {{kMonitor, 1}});
  CHECK(Outcome(unknown) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown).resource_name() == "contracts/nothing-here");
  CHECK(Outcome(office.TryRelease("", {{kMonitor, 1}})) == "INVALID_ARGUMENT contract");
  CHECK(Outcome(office.TryRelease("quotations/x", {{kMonitor, 1}})) == "INVALID_ARGUMENT contract");
  CHECK(Outcome(office.TryRelease(future.name(), {})) == "INVALID_ARGUMENT items");
  CHECK(Outcome(office.TryRelease(future.name(), {{kMonitor, 0.0001}, {"paper", 1}})) ==
        "INVALID_ARGUMENT items[0].quantity, items[1].product");
  CHECK(Outcome(office.TryRelease(future.name(), {{kMonitor, 1}}, nullptr,
                                  std::string(101, 'r'))) == "INVALID_ARGUMENT request_id");
  sv1::CreateReleaseOrderRequest late = ReleaseRequest(today_only.name(), {{kMonitor, 1}});
  *late.mutable_requested_delivery_date() = InDays(-1);
  CHECK(Outcome(Call(office.api(), &CS::CreateReleaseOrder, late)) ==
        "INVALID_ARGUMENT requested_delivery_date");
  CHECK(office.OrderNames().empty());
  CHECK(office.HeadSequence() == head);
  CHECK(Text(office.Get(cancelled.name()).released_value()) == "EUR 0.00");

  // Valid today only: fine.
  CHECK(office.Release(today_only.name(), {{kMonitor, 1}}).contract() == today_only.name());
}

TEST_CASE("contracts: cancelling a release order gives it back to the contract",
          "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_B);
  const sv1::Contract contract = office.Create(Deal(alvis, 0, {{kMonitor, 10}, {kPaper, 10}}));
  const sv1::SalesOrder kept = office.Release(contract.name(), {{kMonitor, 4}, {kPaper, 10}});
  const sv1::SalesOrder order = office.Release(contract.name(), {{kMonitor, 6}});
  const sv1::Contract fulfilled = office.Get(contract.name());
  REQUIRE(fulfilled.state() == sv1::CONTRACT_STATE_FULFILLED);
  REQUIRE(Text(fulfilled.released_value()) == "EUR 2050.00");
  const int64_t head = office.HeadSequence();

  RequireOk(office.TryCancelOrder(order.name(), "Ordered twice"));
  const sv1::Contract active = office.Get(contract.name());
  CHECK(active.state() == sv1::CONTRACT_STATE_ACTIVE);
  CHECK(Released(active) == Quantities{4, 10});
  CHECK(Text(active.released_value()) == "EUR 850.00");
  CHECK(active.etag() != fulfilled.etag());
  CHECK(office.Changes(head) ==
        Strings{absl::StrCat("CHANGE_KIND_UPDATED ", order.name(), " CancelSalesOrder "),
                absl::StrCat("CHANGE_KIND_UPDATED ", contract.name(), " CancelSalesOrder ")});
  CHECK(Same(office.InFeed<sv1::Contract>(head, contract.name()), active));

  // The 6 monitors can be released again; a refused cancel gives nothing back.
  const sv1::SalesOrder again = office.Release(contract.name(), {{kMonitor, 6}});
  CHECK(office.Get(contract.name()).state() == sv1::CONTRACT_STATE_FULFILLED);
  CHECK(Outcome(office.TryCancelOrder(order.name(), "Again")) == "FAILED_PRECONDITION");
  CHECK(Released(office.Get(contract.name())) == Quantities{10, 10});

  // A completed release order stays counted; one of a cancelled contract is
  // given back, and the contract stays cancelled.
  sv1::CompleteSalesOrderRequest complete;
  complete.set_name(kept.name());
  Must(office.documents(), &DS::CompleteSalesOrder, complete);
  CHECK(Released(office.Get(contract.name())) == Quantities{10, 10});
  RequireOk(office.TryCancel(contract.name(), "Budget cut"));
  RequireOk(office.TryCancelOrder(again.name(), "Not needed"));
  const sv1::Contract after = office.Get(contract.name());
  CHECK(after.state() == sv1::CONTRACT_STATE_CANCELLED);
  CHECK(Released(after) == Quantities{4, 10});
  CHECK(Text(after.released_value()) == "EUR 850.00");
}

// An item listed after releases of its product counts from then on.
TEST_CASE("contracts: a release from before an item was listed never drives it below zero",
          "[sales][contract]") {
  Office office;
  const std::string alvis = office.AddCustomer("Alvis Retail GmbH", pv1::CUSTOMER_CLASS_B);
  // A value contract (any product): 10 monitors released; then it lists
  // monitors with a target of 50, and the release is cancelled.
  const sv1::Contract contract = office.Create(Deal(alvis, 100000));
  const sv1::SalesOrder order = office.Release(contract.name(), {{kMonitor, 10}});
  sv1::Contract listed = office.Get(contract.name());
  listed.add_items()->set_product(kMonitor);
  listed.mutable_items(0)->set_target_quantity(50);
  CHECK(Released(office.Update(listed, {"items"})) == Quantities{0});
  RequireOk(office.TryCancelOrder(order.name(), "Ordered twice"));

  // Nothing is released any more: not below 0, and 50 monitors at most.
  const sv1::Contract after = office.Get(contract.name());
  CHECK(Text(after.released_value()) == "EUR 0.00");
  CHECK(Released(after) == Quantities{0});
  CHECK(Verdict(office.TryRelease(contract.name(), {{kMonitor, 51}})) ==
        "FAILED_PRECONDITION EXCEEDS_CONTRACT items[0].quantity");
}
