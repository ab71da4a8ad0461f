// Test support for the SalesDocumentService tests (sales_document_*_test.cc,
// quotation_test.cc, sales_order_test.cc): quotations and sales orders over a
// real gRPC channel and a real SQLite file, with a real partners service
// beside it. The fixture `Desk` and its helpers live in
// crm::sales::testing::sales_documents; the tests pull them in with a
// using-directive.
#ifndef CRM_SERVICES_SALES_TESTS_SALES_DOCUMENT_FIXTURE_H_
#define CRM_SERVICES_SALES_TESTS_SALES_DOCUMENT_FIXTURE_H_

#include <SQLiteCpp/SQLiteCpp.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/api/dates.h"
#include "common/testing/sample_values.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/sales/v1/catalog_service.grpc.pb.h"
#include "crm/sales/v1/opportunity_service.grpc.pb.h"
#include "crm/sales/v1/pricing_service.grpc.pb.h"
#include "crm/sales/v1/sales_document_service.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "services/partners/partners_spec.h"
#include "services/sales/sales_spec.h"
#include "services/sales/tests/sales_beside_partners.h"

namespace crm::sales::testing::sales_documents {

namespace sv1 = crm::sales::v1;
using crm::sales::testing::Sources;
namespace pv1 = crm::partners::v1;
namespace fv1 = crm::feed::v1;
using crm::testing::ContextWithDeadline;
using crm::testing::DetailOf;
using crm::testing::MakeDate;
using crm::testing::Outcome;
using crm::testing::Precondition;
using google::protobuf::util::MessageDifferencer;
using Date = google::type::Date;
using Money = crm::type::v1::Money;
using Strings = std::vector<std::string>;

inline constexpr char kMonitor[] = "products/monitor-24";     // EUR 200, 19 %
inline constexpr char kKeyboard[] = "products/keyboard";      // EUR 49.99, 7 %
inline constexpr char kOldMonitor[] = "products/monitor-19";  // discontinued

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
  return MessageDifferencer::Equals(a, b);
}

struct Item {
  std::string product;
  double quantity;
};

template <typename Document>
Document WithItems(const std::string& customer, const std::vector<Item>& items) {
  Document document;
  document.set_customer(customer);
  for (const Item& item : items) {
    sv1::DocumentItem* added = document.add_items();
    added->set_product(item.product);
    added->set_quantity(item.quantity);
  }
  return document;
}
inline sv1::Quotation Offer(const std::string& customer, const std::vector<Item>& items,
                            const Date& valid_until = InDays(30)) {
  sv1::Quotation quotation = WithItems<sv1::Quotation>(customer, items);
  *quotation.mutable_valid_until() = valid_until;
  return quotation;
}
inline sv1::SalesOrder Order(const std::string& customer, const std::vector<Item>& items) {
  return WithItems<sv1::SalesOrder>(customer, items);
}

// The sources of the conditions applied to an item, in order.
// The SPEC's condition, 10 % off from 100 units for A-class retailers,
// without an end (documents are always priced today).
inline sv1::PriceCondition VolumeDiscount() {
  sv1::PriceCondition condition;
  condition.set_display_name("Volume discount A-class retail");
  condition.set_type(sv1::CONDITION_TYPE_DISCOUNT_PERCENT);
  sv1::ScaleLevel* level = condition.add_scale();
  level->set_min_quantity(100);
  level->set_percent(10);
  condition.mutable_scope()->set_customer_class(pv1::CUSTOMER_CLASS_A);
  condition.mutable_scope()->set_industry_code("RETAIL");
  return condition;
}

// Checks that `document` holds exactly what PriceItems answered.
template <typename Document>
void CheckPricedAs(const Document& document, const sv1::PriceItemsResponse& expected) {
  REQUIRE(document.items_size() == expected.items_size());
  for (int i = 0; i < document.items_size(); ++i) {
    INFO("item " << i);
    CHECK(document.items(i).product() == expected.items(i).product());
    CHECK(document.items(i).quantity() == expected.items(i).quantity());
    CHECK(Same(document.items(i).pricing(), expected.items(i)));
  }
  CHECK(document.currency_code() == expected.currency_code());
  CHECK(Same(document.net_total(), expected.net_total()));
  CHECK(Same(document.tax_total(), expected.tax_total()));
  CHECK(Same(document.gross_total(), expected.gross_total()));
}

// Names of every document a list call returns, following the pages.
template <typename Request, typename Response, typename Call, typename Documents>
Strings FollowPages(Request request, Call call, Documents documents, int* pages) {
  Strings names;
  int count = 1;
  for (;; ++count) {
    Response response;
    const grpc::Status status = call(request, &response);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    if (request.page_size() > 0) CHECK(documents(response).size() <= request.page_size());
    for (const auto& document : documents(response)) names.push_back(document.name());
    if (response.next_page_token().empty() || count == 100) break;
    request.set_page_token(response.next_page_token());
  }
  if (pages != nullptr) *pages = count;
  return names;
}

// Sales with a partners service beside it, one fresh database each; the
// catalogue of pricing_service_test.cc.
class Desk : public crm::sales::testing::SalesBesidePartners {
 public:
  Desk() {
    catalog_ = sv1::CatalogService::NewStub(sales_->channel());
    pricing_ = sv1::PricingService::NewStub(sales_->channel());
    pipeline_ = sv1::OpportunityService::NewStub(sales_->channel());
    documents_ = sv1::SalesDocumentService::NewStub(sales_->channel());
  }

  sv1::SalesDocumentService::Stub& api() { return *documents_; }

  // ---- catalogue and pricing

  // Tax classes "standard" (19 %) and "reduced" (7 %); the 24-inch monitor
  // (EUR 200, cost 120), a keyboard (EUR 49.99, reduced) and a discontinued
  // 19-inch monitor.
  void AddCatalog() {
    AddTaxClass("standard", 19);
    AddTaxClass("reduced", 7);
    AddProduct("monitor-24", "MONITORS", Eur(200), "standard", sv1::PRODUCT_STATE_ACTIVE);
    AddProduct("keyboard", "INPUT", Eur(49, 990'000'000), "reduced", sv1::PRODUCT_STATE_ACTIVE);
    AddProduct("monitor-19", "MONITORS", Eur(90), "standard", sv1::PRODUCT_STATE_DISCONTINUED);
  }

  sv1::PriceCondition AddCondition(const sv1::PriceCondition& condition) {
    sv1::CreatePriceConditionRequest request;
    *request.mutable_price_condition() = condition;
    sv1::PriceCondition created;
    const grpc::Status status =
        pricing_->CreatePriceCondition(ContextWithDeadline().get(), request, &created);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return created;
  }
  sv1::PriceCondition AddVolumeDiscount() { return AddCondition(VolumeDiscount()); }
  void DeleteCondition(const std::string& name) {
    sv1::DeletePriceConditionRequest request;
    request.set_name(name);
    google::protobuf::Empty empty;
    REQUIRE(Outcome(pricing_->DeletePriceCondition(ContextWithDeadline().get(), request, &empty)) ==
            "OK");
  }
  void SetListPrice(const std::string& product, const Money& price) {
    sv1::Product changes;
    *changes.mutable_list_price() = price;
    UpdateProduct(product, changes, "list_price");
  }
  void Discontinue(const std::string& product) {
    sv1::Product changes;
    changes.set_state(sv1::PRODUCT_STATE_DISCONTINUED);
    UpdateProduct(product, changes, "state");
  }
  // What PriceItems answers for `customer` today.
  sv1::PriceItemsResponse Price(const std::string& customer, const std::vector<Item>& items,
                                const std::string& campaign = "") {
    sv1::PriceItemsRequest request;
    request.set_customer(customer);
    request.set_campaign(campaign);
    for (const Item& item : items) {
      sv1::ItemToPrice* added = request.add_items();
      added->set_product(item.product);
      added->set_quantity(item.quantity);
    }
    sv1::PriceItemsResponse response;
    REQUIRE(Outcome(pricing_->PriceItems(ContextWithDeadline().get(), request, &response)) == "OK");
    return response;
  }

  // ---- partners and opportunities

  // An organisation with a customer role.
  std::string AddCustomer(const std::string& legal_name, const std::string& industry_code,
                          pv1::CustomerClass customer_class) {
    pv1::CreatePartnerRequest request;
    pv1::Partner* partner = request.mutable_partner();
    partner->set_category(pv1::PARTNER_CATEGORY_ORGANIZATION);
    partner->mutable_organization()->set_legal_name(legal_name);
    partner->mutable_organization()->set_industry_code(industry_code);
    pv1::Role* role = partner->add_roles();
    role->set_type(pv1::ROLE_TYPE_CUSTOMER);
    role->mutable_customer()->set_customer_class(customer_class);
    pv1::Partner created;
    REQUIRE(Outcome(partner_stub_->CreatePartner(ContextWithDeadline().get(), request, &created)) ==
            "OK");
    return created.name();
  }
  void Merge(const std::string& survivor, const std::string& merged) {
    pv1::MergePartnersRequest request;
    request.set_survivor(survivor);
    request.add_merged_partners(merged);
    pv1::MergePartnersResponse response;
    REQUIRE(Outcome(partner_stub_->MergePartners(ContextWithDeadline().get(), request,
                                                 &response)) == "OK");
  }
  // An open opportunity for `account`, owned by a rep (both made on first use).
  std::string AddOpportunity(const std::string& account) {
    if (rep_.empty()) {
      pv1::CreatePartnerRequest person;
      person.mutable_partner()->set_category(pv1::PARTNER_CATEGORY_PERSON);
      person.mutable_partner()->mutable_person()->set_family_name("Reppe");
      person.mutable_partner()->add_roles()->set_type(pv1::ROLE_TYPE_EMPLOYEE);
      pv1::Partner created;
      REQUIRE(Outcome(partner_stub_->CreatePartner(ContextWithDeadline().get(), person,
                                                   &created)) == "OK");
      rep_ = created.name();
      sv1::CreateSalesStageRequest stage;
      stage.set_sales_stage_id("qualification");
      stage.mutable_sales_stage()->set_display_name("Qualification");
      stage.mutable_sales_stage()->set_position(10);
      sv1::SalesStage ignored;
      REQUIRE(Outcome(pipeline_->CreateSalesStage(ContextWithDeadline().get(), stage, &ignored)) ==
              "OK");
    }
    sv1::CreateOpportunityRequest request;
    sv1::Opportunity* deal = request.mutable_opportunity();
    deal->set_display_name("Monitors for the branches");
    deal->set_account(account);
    deal->set_stage("salesStages/qualification");
    *deal->mutable_expected_revenue() = Eur(25000);
    *deal->mutable_close_date() = InDays(60);
    deal->set_owner(rep_);
    sv1::Opportunity created;
    const grpc::Status status =
        pipeline_->CreateOpportunity(ContextWithDeadline().get(), request, &created);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return created.name();
  }

  // ---- quotations

  grpc::Status TryCreate(const sv1::Quotation& quotation, sv1::Quotation* out = nullptr,
                         const std::string& request_id = "", int deadline_seconds = 10) {
    sv1::CreateQuotationRequest request;
    *request.mutable_quotation() = quotation;
    request.set_request_id(request_id);
    sv1::Quotation ignored;
    return documents_->CreateQuotation(ContextWithDeadline(deadline_seconds).get(), request,
                                       out ? out : &ignored);
  }
  sv1::Quotation Create(const sv1::Quotation& quotation) {
    sv1::Quotation created;
    const grpc::Status status = TryCreate(quotation, &created);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return created;
  }
  sv1::Quotation GetQuotation(const std::string& name) {
    sv1::GetQuotationRequest request;
    request.set_name(name);
    sv1::Quotation got;
    REQUIRE(Outcome(documents_->GetQuotation(ContextWithDeadline().get(), request, &got)) == "OK");
    return got;
  }
  grpc::Status TryReject(const std::string& name, const std::string& reason,
                         const std::string& etag = "", sv1::Quotation* out = nullptr) {
    sv1::RejectQuotationRequest request;
    request.set_name(name);
    request.set_reason(reason);
    request.set_etag(etag);
    sv1::Quotation ignored;
    return documents_->RejectQuotation(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  grpc::Status TryOrder(const sv1::OrderQuotationRequest& request, sv1::SalesOrder* out = nullptr) {
    sv1::SalesOrder ignored;
    return documents_->OrderQuotation(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  grpc::Status TryOrder(const std::string& quotation, sv1::SalesOrder* out = nullptr) {
    sv1::OrderQuotationRequest request;
    request.set_name(quotation);
    return TryOrder(request, out);
  }
  sv1::SalesOrder OrderFrom(const std::string& quotation) {
    sv1::SalesOrder order;
    const grpc::Status status = TryOrder(quotation, &order);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return order;
  }
  Strings QuotationNames(const std::string& filter = "", int page_size = 0, int* pages = nullptr) {
    sv1::ListQuotationsRequest request;
    request.set_filter(filter);
    request.set_page_size(page_size);
    return FollowPages<sv1::ListQuotationsRequest, sv1::ListQuotationsResponse>(
        request, [this](const auto& r, auto* out) { return TryListQuotations(r, out); },
        [](const auto& response) -> const auto& { return response.quotations(); }, pages);
  }
  grpc::Status TryListQuotations(const sv1::ListQuotationsRequest& request,
                                 sv1::ListQuotationsResponse* out) {
    return documents_->ListQuotations(ContextWithDeadline().get(), request, out);
  }

  // As if the stored quotation had been written so a while ago: `change`
  // applied straight in the database (the service reads it from there).
  void RewriteStored(const std::string& name, const std::function<void(sv1::Quotation*)>& change) {
    const std::string id = name.substr(name.find('/') + 1);
    SQLite::Database db(sales_->db_path(), SQLite::OPEN_READWRITE);
    db.setBusyTimeout(5000);
    sv1::Quotation stored;
    {
      SQLite::Statement select(db, "SELECT data FROM quotations WHERE id = ?1");
      select.bind(1, id);
      REQUIRE(select.executeStep());
      const SQLite::Column data = select.getColumn(0);
      REQUIRE(stored.ParseFromArray(data.getBlob(), data.getBytes()));
    }
    change(&stored);
    const std::string blob = stored.SerializeAsString();
    SQLite::Statement update(db, "UPDATE quotations SET data = ?1, valid_until = ?2 WHERE id = ?3");
    update.bind(1, blob.data(), static_cast<int>(blob.size()));
    update.bind(2, Iso(stored.valid_until()));
    update.bind(3, id);
    REQUIRE(update.exec() == 1);
  }

  // ---- sales orders

  grpc::Status TryCreate(const sv1::SalesOrder& order, sv1::SalesOrder* out = nullptr,
                         const std::string& request_id = "", int deadline_seconds = 10) {
    sv1::CreateSalesOrderRequest request;
    *request.mutable_sales_order() = order;
    request.set_request_id(request_id);
    sv1::SalesOrder ignored;
    return documents_->CreateSalesOrder(ContextWithDeadline(deadline_seconds).get(), request,
                                        out ? out : &ignored);
  }
  sv1::SalesOrder Create(const sv1::SalesOrder& order) {
    sv1::SalesOrder created;
    const grpc::Status status = TryCreate(order, &created);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return created;
  }
  sv1::SalesOrder GetOrder(const std::string& name) {
    sv1::GetSalesOrderRequest request;
    request.set_name(name);
    sv1::SalesOrder got;
    REQUIRE(Outcome(documents_->GetSalesOrder(ContextWithDeadline().get(), request, &got)) == "OK");
    return got;
  }
  grpc::Status TryComplete(const std::string& name, const std::string& etag = "",
                           sv1::SalesOrder* out = nullptr) {
    sv1::CompleteSalesOrderRequest request;
    request.set_name(name);
    request.set_etag(etag);
    sv1::SalesOrder ignored;
    return documents_->CompleteSalesOrder(ContextWithDeadline().get(), request,
                                          out ? out : &ignored);
  }
  grpc::Status TryCancel(const std::string& name, const std::string& reason,
                         const std::string& etag = "", sv1::SalesOrder* out = nullptr) {
    sv1::CancelSalesOrderRequest request;
    request.set_name(name);
    request.set_reason(reason);
    request.set_etag(etag);
    sv1::SalesOrder ignored;
    return documents_->CancelSalesOrder(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  Strings OrderNames(const std::string& filter = "", int page_size = 0, int* pages = nullptr) {
    sv1::ListSalesOrdersRequest request;
    request.set_filter(filter);
    request.set_page_size(page_size);
    return FollowPages<sv1::ListSalesOrdersRequest, sv1::ListSalesOrdersResponse>(
        request, [this](const auto& r, auto* out) { return TryListOrders(r, out); },
        [](const auto& response) -> const auto& { return response.sales_orders(); }, pages);
  }
  grpc::Status TryListOrders(const sv1::ListSalesOrdersRequest& request,
                             sv1::ListSalesOrdersResponse* out) {
    return documents_->ListSalesOrders(ContextWithDeadline().get(), request, out);
  }

  // ---- change feed

 private:
  void UpdateProduct(const std::string& name, sv1::Product changes, const std::string& path) {
    sv1::UpdateProductRequest request;
    changes.set_name(name);
    *request.mutable_product() = changes;
    request.mutable_update_mask()->add_paths(path);
    sv1::Product updated;
    REQUIRE(Outcome(catalog_->UpdateProduct(ContextWithDeadline().get(), request, &updated)) ==
            "OK");
  }
  void AddTaxClass(const std::string& id, double rate_percent) {
    sv1::CreateTaxClassRequest request;
    request.set_tax_class_id(id);
    request.mutable_tax_class()->set_display_name(id);
    request.mutable_tax_class()->set_rate_percent(rate_percent);
    sv1::TaxClass created;
    REQUIRE(Outcome(catalog_->CreateTaxClass(ContextWithDeadline().get(), request, &created)) ==
            "OK");
  }
  void AddProduct(const std::string& id, const std::string& group, const Money& list_price,
                  const std::string& tax_class, sv1::ProductState state) {
    sv1::CreateProductRequest request;
    request.set_product_id(id);
    sv1::Product* product = request.mutable_product();
    product->set_display_name(id);
    product->set_product_group(group);
    product->set_unit("EA");
    *product->mutable_list_price() = list_price;
    product->set_tax_class(absl::StrCat("taxClasses/", tax_class));
    product->set_state(state);
    sv1::Product created;
    REQUIRE(Outcome(catalog_->CreateProduct(ContextWithDeadline().get(), request, &created)) ==
            "OK");
  }

  std::unique_ptr<sv1::CatalogService::Stub> catalog_;
  std::unique_ptr<sv1::PricingService::Stub> pricing_;
  std::unique_ptr<sv1::OpportunityService::Stub> pipeline_;
  std::unique_ptr<sv1::SalesDocumentService::Stub> documents_;
  std::string rep_;
};

// Seconds `call` takes.
template <typename Call>
double SecondsOf(Call call) {
  const auto started = std::chrono::steady_clock::now();
  call();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

}  // namespace crm::sales::testing::sales_documents

#endif  // CRM_SERVICES_SALES_TESTS_SALES_DOCUMENT_FIXTURE_H_
