// Quotations and sales orders (SalesDocumentService) over a real gRPC
// channel and a real SQLite file, with a real partners service beside it:
//  - CreateQuotation prices its items exactly as PricingService.PriceItems
//    does for the same customer today (the SPEC's volume discount for an
//    A-class retailer ordering 120 units), with totals, currency, pricing
//    date and state; output-only fields sent are ignored; a request_id retry
//    gives the same quotation and one feed entry;
//  - refused creates name their field (or the unknown product, customer or
//    opportunity, or the discontinued product) and write nothing; a merged
//    customer is stored under its survivor;
//  - OrderQuotation: the order at the quotation's prices even after the list
//    price and the conditions changed, the quotation ORDERED; not twice, not
//    a rejected or expired one, not with a stale etag or a past delivery
//    date; a request_id retry gives the same order; it needs no partners,
//    while creating a quotation or order is UNAVAILABLE with partners down;
//  - RejectQuotation, CreateSalesOrder, CompleteSalesOrder, CancelSalesOrder
//    and what they refuse;
//  - ListQuotations and ListSalesOrders newest first, filtered and paged;
//  - the change feed of every write.
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

namespace {

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

constexpr char kMonitor[] = "products/monitor-24";     // EUR 200, 19 %
constexpr char kKeyboard[] = "products/keyboard";      // EUR 49.99, 7 %
constexpr char kOldMonitor[] = "products/monitor-19";  // discontinued

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
sv1::Quotation Offer(const std::string& customer, const std::vector<Item>& items,
                     const Date& valid_until = InDays(30)) {
  sv1::Quotation quotation = WithItems<sv1::Quotation>(customer, items);
  *quotation.mutable_valid_until() = valid_until;
  return quotation;
}
sv1::SalesOrder Order(const std::string& customer, const std::vector<Item>& items) {
  return WithItems<sv1::SalesOrder>(customer, items);
}

// The sources of the conditions applied to an item, in order.
// The SPEC's condition, 10 % off from 100 units for A-class retailers,
// without an end (documents are always priced today).
sv1::PriceCondition VolumeDiscount() {
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

}  // namespace

TEST_CASE("documents: CreateQuotation prices its items as PriceItems does, for the customer today",
          "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const std::string small = desk.AddCustomer("Berta Retail KG", "RETAIL", pv1::CUSTOMER_CLASS_B);
  const sv1::PriceCondition discount = desk.AddVolumeDiscount();

  const std::vector<Item> items = {{kKeyboard, 3}, {kMonitor, 120}};
  const sv1::Quotation quotation = desk.Create(Offer(retailer, items, InDays(30)));
  CheckPricedAs(quotation, desk.Price(retailer, items));
  // The SPEC's example: 120 monitors at 10 % off; 3 keyboards at list price.
  REQUIRE(quotation.items_size() == 2);
  CHECK(quotation.items(0).product() == kKeyboard);
  CHECK(quotation.items(0).pricing().conditions().empty());
  CHECK(Text(quotation.items(0).pricing().net_amount()) == "EUR 149.97");
  CHECK(quotation.items(1).product() == kMonitor);
  CHECK(quotation.items(1).quantity() == 120);
  CHECK(Sources(quotation.items(1).pricing()) == Strings{discount.name()});
  CHECK(Text(quotation.items(1).pricing().net_unit_price()) == "EUR 180.00");
  CHECK(Text(quotation.items(1).pricing().net_amount()) == "EUR 21600.00");
  CHECK(Text(quotation.items(1).pricing().tax_amount()) == "EUR 4104.00");
  CHECK(Text(quotation.net_total()) == "EUR 21749.97");
  CHECK(Text(quotation.tax_total()) == "EUR 4114.50");
  CHECK(Text(quotation.gross_total()) == "EUR 25864.47");
  CHECK(quotation.currency_code() == "EUR");
  CHECK(Iso(quotation.pricing_date()) == Iso(InDays(0)));
  CHECK(quotation.state() == sv1::QUOTATION_STATE_OPEN);

  // What the service owns, and what the client sent.
  CHECK(absl::StartsWith(quotation.name(), "quotations/"));
  CHECK(quotation.customer() == retailer);
  CHECK(Iso(quotation.valid_until()) == Iso(InDays(30)));
  CHECK(quotation.opportunity().empty());
  CHECK(quotation.sales_order().empty());
  CHECK(quotation.reject_reason().empty());
  CHECK(quotation.create_time().seconds() > 0);
  CHECK(Same(quotation.create_time(), quotation.update_time()));
  CHECK_FALSE(quotation.etag().empty());
  CHECK(Same(desk.GetQuotation(quotation.name()), quotation));

  // A B-class retailer gets no volume discount, as PriceItems says.
  const sv1::Quotation plain = desk.Create(Offer(small, {{kMonitor, 120}}));
  CheckPricedAs(plain, desk.Price(small, {{kMonitor, 120}}));
  CHECK(Sources(plain.items(0).pricing()).empty());
  CHECK(Text(plain.net_total()) == "EUR 24000.00");
  CHECK(Text(plain.gross_total()) == "EUR 28560.00");
  // Nor does the A-class retailer below 100 units.
  const sv1::Quotation fewer = desk.Create(Offer(retailer, {{kMonitor, 99}}));
  CHECK(Sources(fewer.items(0).pricing()).empty());
  CHECK(Text(fewer.net_total()) == "EUR 19800.00");
}

TEST_CASE("documents: output-only fields sent with a document are ignored", "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  desk.AddVolumeDiscount();

  sv1::Quotation sent = Offer(retailer, {{kMonitor, 120}});
  sent.set_name("quotations/mine");
  sent.set_state(sv1::QUOTATION_STATE_REJECTED);
  sent.set_sales_order("salesOrders/elsewhere");
  sent.set_reject_reason("too dear");
  *sent.mutable_net_total() = Eur(1);
  *sent.mutable_tax_total() = Eur(1);
  *sent.mutable_gross_total() = Eur(2);
  *sent.mutable_pricing_date() = MakeDate(2020, 1, 1);
  sent.mutable_create_time()->set_seconds(1);
  sent.mutable_update_time()->set_seconds(1);
  sent.set_etag("\"9\"");
  sent.mutable_items(0)->mutable_pricing()->set_product(kKeyboard);
  *sent.mutable_items(0)->mutable_pricing()->mutable_net_amount() = Eur(1);
  const sv1::Quotation quotation = desk.Create(sent);
  CHECK(quotation.name() != "quotations/mine");
  CHECK(quotation.state() == sv1::QUOTATION_STATE_OPEN);
  CHECK(quotation.sales_order().empty());
  CHECK(quotation.reject_reason().empty());
  CHECK(Iso(quotation.pricing_date()) == Iso(InDays(0)));
  CHECK(quotation.create_time().seconds() > 1);
  CHECK(quotation.etag() != "\"9\"");
  CheckPricedAs(quotation, desk.Price(retailer, {{kMonitor, 120}}));
  CHECK(Text(quotation.net_total()) == "EUR 21600.00");

  sv1::SalesOrder order = Order(retailer, {{kMonitor, 120}});
  order.set_name("salesOrders/mine");
  order.set_quotation("quotations/elsewhere");
  order.set_state(sv1::SALES_ORDER_STATE_CANCELLED);
  order.set_cancel_reason("never");
  *order.mutable_gross_total() = Eur(5);
  *order.mutable_pricing_date() = MakeDate(2020, 1, 1);
  order.set_etag("\"4\"");
  order.mutable_items(0)->mutable_pricing()->set_quantity(7);
  const sv1::SalesOrder created = desk.Create(order);
  CHECK(created.name() != "salesOrders/mine");
  CHECK(created.quotation().empty());
  CHECK(created.state() == sv1::SALES_ORDER_STATE_OPEN);
  CHECK(created.cancel_reason().empty());
  CHECK(Iso(created.pricing_date()) == Iso(InDays(0)));
  CHECK(created.etag() != "\"4\"");
  CheckPricedAs(created, desk.Price(retailer, {{kMonitor, 120}}));
}

TEST_CASE("documents: a campaign's conditions apply to the documents naming it",
          "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_B);
  sv1::PriceCondition spring;
  spring.set_display_name("Spring monitors");
  spring.set_type(sv1::CONDITION_TYPE_DISCOUNT_PERCENT);
  spring.set_percent(5);
  spring.mutable_scope()->set_campaign("campaigns/spring");
  spring.mutable_scope()->set_product_group("MONITORS");
  spring = desk.AddCondition(spring);

  const std::vector<Item> items = {{kMonitor, 10}, {kKeyboard, 1}};
  sv1::Quotation offer = Offer(retailer, items);
  offer.set_campaign("campaigns/spring");
  const sv1::Quotation quotation = desk.Create(offer);
  CheckPricedAs(quotation, desk.Price(retailer, items, "campaigns/spring"));
  CHECK(Sources(quotation.items(0).pricing()) == Strings{spring.name()});
  CHECK(Sources(quotation.items(1).pricing()).empty());
  CHECK(Text(quotation.items(0).pricing().net_amount()) == "EUR 1900.00");
  sv1::SalesOrder order = Order(retailer, items);
  order.set_campaign("campaigns/spring");
  CheckPricedAs(desk.Create(order), desk.Price(retailer, items, "campaigns/spring"));

  // Without the campaign, or with another, the list price.
  const sv1::Quotation plain = desk.Create(Offer(retailer, items));
  CHECK(Sources(plain.items(0).pricing()).empty());
  CHECK(Text(plain.items(0).pricing().net_amount()) == "EUR 2000.00");
  offer.set_campaign("campaigns/autumn");
  CHECK(Sources(desk.Create(offer).items(0).pricing()).empty());
}

TEST_CASE("documents: a request_id retry returns the same document, one feed entry",
          "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const int64_t head = desk.HeadSequence();

  const sv1::Quotation offer = Offer(retailer, {{kMonitor, 120}});
  sv1::Quotation first, again;
  REQUIRE(Outcome(desk.TryCreate(offer, &first, "quote-1")) == "OK");
  REQUIRE(Outcome(desk.TryCreate(offer, &again, "quote-1")) == "OK");
  CHECK(Same(again, first));
  CHECK(desk.QuotationNames() == Strings{first.name()});

  const sv1::SalesOrder order = Order(retailer, {{kKeyboard, 2}});
  sv1::SalesOrder first_order, again_order;
  REQUIRE(Outcome(desk.TryCreate(order, &first_order, "order-1")) == "OK");
  REQUIRE(Outcome(desk.TryCreate(order, &again_order, "order-1")) == "OK");
  CHECK(Same(again_order, first_order));
  CHECK(desk.OrderNames() == Strings{first_order.name()});
  // The first document for a customer also assigns it to its territory.
  CHECK(desk.DescribeChangesAfter(head) ==
        Strings{
            absl::StrCat("CHANGE_KIND_CREATED territoryAssignments/",
                         retailer.substr(retailer.find('/') + 1), " CreateQuotation "),
            absl::StrCat("CHANGE_KIND_CREATED ", first.name(), " CreateQuotation quote-1"),
            absl::StrCat("CHANGE_KIND_CREATED ", first_order.name(), " CreateSalesOrder order-1")});
  const int64_t after = desk.HeadSequence();

  // The same id for another request is refused.
  sv1::Quotation other = offer;
  other.mutable_items(0)->set_quantity(5);
  CHECK(Outcome(desk.TryCreate(other, nullptr, "quote-1")) == "INVALID_ARGUMENT request_id");
  CHECK(Outcome(desk.TryCreate(Order(retailer, {{kKeyboard, 3}}), nullptr, "order-1")) ==
        "INVALID_ARGUMENT request_id");
  CHECK(Outcome(desk.TryCreate(offer, nullptr, std::string(101, 'r'))) ==
        "INVALID_ARGUMENT request_id");

  // A retry is answered without asking partners.
  desk.StopPartners();
  sv1::Quotation third;
  CHECK(Outcome(desk.TryCreate(offer, &third, "quote-1", 2)) == "OK");
  CHECK(third.name() == first.name());
  CHECK(desk.QuotationNames() == Strings{first.name()});
  CHECK(desk.OrderNames() == Strings{first_order.name()});
  CHECK(desk.HeadSequence() == after);
}

TEST_CASE("documents: a refused create names the problem and writes nothing", "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const int64_t head = desk.HeadSequence();

  struct Case {
    std::string what;
    std::function<void(sv1::Quotation*)> spoil;
    std::string outcome;
  };
  const std::vector<Case> cases = {
      {"no customer", [](auto* q) { q->clear_customer(); }, "INVALID_ARGUMENT quotation.customer"},
      {"a customer that is not a name", [](auto* q) { q->set_customer("alvis"); },
       "INVALID_ARGUMENT quotation.customer"},
      {"no valid_until", [](auto* q) { q->clear_valid_until(); },
       "INVALID_ARGUMENT quotation.valid_until"},
      {"valid_until yesterday", [](auto* q) { *q->mutable_valid_until() = InDays(-1); },
       "INVALID_ARGUMENT quotation.valid_until"},
      {"valid_until impossible",
       [](auto* q) { *q->mutable_valid_until() = MakeDate(InDays(0).year() + 1, 2, 30); },
       "INVALID_ARGUMENT quotation.valid_until"},
      {"no items", [](auto* q) { q->clear_items(); }, "INVALID_ARGUMENT quotation.items"},
      {"501 items",
       [](auto* q) {
         while (q->items_size() <= 500) *q->add_items() = q->items(0);
       },
       "INVALID_ARGUMENT quotation.items"},
      {"a product that is not a name",
       [](auto* q) { q->mutable_items(1)->set_product("keyboard"); },
       "INVALID_ARGUMENT quotation.items[1].product"},
      {"no product", [](auto* q) { q->mutable_items(1)->clear_product(); },
       "INVALID_ARGUMENT quotation.items[1].product"},
      {"quantity 0", [](auto* q) { q->mutable_items(0)->set_quantity(0); },
       "INVALID_ARGUMENT quotation.items[0].quantity"},
      {"a negative quantity", [](auto* q) { q->mutable_items(0)->set_quantity(-3); },
       "INVALID_ARGUMENT quotation.items[0].quantity"},
      {"a quantity with 4 decimals", [](auto* q) { q->mutable_items(0)->set_quantity(1.2345); },
       "INVALID_ARGUMENT quotation.items[0].quantity"},
      {"a lower-case currency", [](auto* q) { q->set_currency_code("eur"); },
       "INVALID_ARGUMENT quotation.currency_code"},
      {"an opportunity that is not a name", [](auto* q) { q->set_opportunity("deal-7"); },
       "INVALID_ARGUMENT quotation.opportunity"},
      {"a campaign that is not a name", [](auto* q) { q->set_campaign("spring"); },
       "INVALID_ARGUMENT quotation.campaign"},
      {"everything at once",
       [](auto* q) {
         q->set_customer("alvis");
         q->clear_valid_until();
         q->mutable_items(0)->set_quantity(0);
       },
       "INVALID_ARGUMENT quotation.customer, quotation.valid_until, quotation.items[0].quantity"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    sv1::Quotation quotation = Offer(retailer, {{kMonitor, 120}, {kKeyboard, 3}});
    c.spoil(&quotation);
    CHECK(Outcome(desk.TryCreate(quotation, nullptr, "bad-quote")) == c.outcome);
  }
  sv1::CreateQuotationRequest empty;
  sv1::Quotation ignored;
  CHECK(Outcome(desk.api().CreateQuotation(ContextWithDeadline().get(), empty, &ignored)) ==
        "INVALID_ARGUMENT quotation");

  // What only storage or partners know.
  const grpc::Status unknown_product =
      desk.TryCreate(Offer(retailer, {{kMonitor, 1}, {"products/nothing-here", 1}}));
  CHECK(Outcome(unknown_product) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown_product).resource_name() ==
        "products/nothing-here");
  const grpc::Status discontinued =
      desk.TryCreate(Offer(retailer, {{kMonitor, 1}, {kOldMonitor, 1}}));
  CHECK(Outcome(discontinued) == "FAILED_PRECONDITION");
  CHECK(Precondition(discontinued) == "DISCONTINUED quotation.items[1].product");
  const grpc::Status unknown_customer = desk.TryCreate(Offer("partners/nobody", {{kMonitor, 1}}));
  CHECK(Outcome(unknown_customer) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown_customer).resource_name() == "partners/nobody");
  sv1::Quotation with_unknown_deal = Offer(retailer, {{kMonitor, 1}});
  with_unknown_deal.set_opportunity("opportunities/nothing-here");
  const grpc::Status unknown_deal = desk.TryCreate(with_unknown_deal, nullptr, "deal-quote");
  CHECK(Outcome(unknown_deal) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown_deal).resource_name() ==
        "opportunities/nothing-here");

  // The same for orders.
  sv1::SalesOrder late = Order(retailer, {{kMonitor, 1}});
  *late.mutable_requested_delivery_date() = InDays(-1);
  CHECK(Outcome(desk.TryCreate(late)) == "INVALID_ARGUMENT sales_order.requested_delivery_date");
  CHECK(Outcome(desk.TryCreate(Order(retailer, {{kMonitor, 0.0001}}))) ==
        "INVALID_ARGUMENT sales_order.items[0].quantity");
  CHECK(Outcome(desk.TryCreate(Order("", {{kMonitor, 1}}))) ==
        "INVALID_ARGUMENT sales_order.customer");
  CHECK(Outcome(desk.TryCreate(Order(retailer, {}))) == "INVALID_ARGUMENT sales_order.items");
  const grpc::Status old_order = desk.TryCreate(Order(retailer, {{kOldMonitor, 1}}));
  CHECK(Outcome(old_order) == "FAILED_PRECONDITION");
  CHECK(Precondition(old_order) == "DISCONTINUED sales_order.items[0].product");
  CHECK(Outcome(desk.TryCreate(Order(retailer, {{"products/nothing-here", 1}}))) == "NOT_FOUND");
  CHECK(Outcome(desk.TryCreate(Order("partners/nobody", {{kMonitor, 1}}))) == "NOT_FOUND");
  sv1::CreateSalesOrderRequest empty_order;
  sv1::SalesOrder ignored_order;
  CHECK(Outcome(desk.api().CreateSalesOrder(ContextWithDeadline().get(), empty_order,
                                            &ignored_order)) == "INVALID_ARGUMENT sales_order");

  CHECK(desk.QuotationNames().empty());
  CHECK(desk.OrderNames().empty());
  CHECK(desk.HeadSequence() == head);

  // Ids of refused requests were not used up.
  sv1::Quotation fixed = with_unknown_deal;
  fixed.clear_opportunity();
  CHECK(Outcome(desk.TryCreate(fixed, nullptr, "deal-quote")) == "OK");
}

TEST_CASE("documents: a merged customer's documents are stored under the survivor",
          "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  desk.AddVolumeDiscount();
  const std::string survivor =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const std::string merged =
      desk.AddCustomer("Alvis Einzelhandel", "WHOLESALE", pv1::CUSTOMER_CLASS_C);
  desk.Merge(survivor, merged);

  const sv1::Quotation quotation = desk.Create(Offer(merged, {{kMonitor, 120}}));
  CHECK(quotation.customer() == survivor);
  // Priced as the survivor, an A-class retailer, as PriceItems prices it.
  CheckPricedAs(quotation, desk.Price(merged, {{kMonitor, 120}}));
  CHECK(Text(quotation.net_total()) == "EUR 21600.00");
  const sv1::SalesOrder order = desk.Create(Order(merged, {{kKeyboard, 1}}));
  CHECK(order.customer() == survivor);

  CHECK(desk.QuotationNames(absl::StrCat("customer = \"", survivor, "\"")) ==
        Strings{quotation.name()});
  CHECK(desk.QuotationNames(absl::StrCat("customer = \"", merged, "\"")).empty());
  CHECK(desk.OrderNames(absl::StrCat("customer = \"", survivor, "\"")) == Strings{order.name()});
}

TEST_CASE("documents: OrderQuotation keeps the quotation's prices after prices changed",
          "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const sv1::PriceCondition discount = desk.AddVolumeDiscount();
  const std::string deal = desk.AddOpportunity(retailer);
  sv1::Quotation offer = Offer(retailer, {{kMonitor, 120}, {kKeyboard, 3}});
  offer.set_opportunity(deal);
  offer.set_campaign("campaigns/spring");
  const sv1::Quotation quotation = desk.Create(offer);
  REQUIRE(Sources(quotation.items(0).pricing()) == Strings{discount.name()});
  CHECK(quotation.opportunity() == deal);
  CHECK(quotation.campaign() == "campaigns/spring");

  // Since then the monitor costs more and the discount is gone.
  desk.SetListPrice(kMonitor, Eur(250));
  desk.DeleteCondition(discount.name());
  const sv1::PriceItemsResponse now = desk.Price(retailer, {{kMonitor, 120}});
  CHECK(now.items(0).conditions().empty());
  CHECK(Text(now.net_total()) == "EUR 30000.00");

  const int64_t head = desk.HeadSequence();
  sv1::OrderQuotationRequest request;
  request.set_name(quotation.name());
  *request.mutable_requested_delivery_date() = InDays(14);
  request.set_etag(quotation.etag());
  request.set_request_id("order-quote-1");
  sv1::SalesOrder order;
  const grpc::Status status = desk.TryOrder(request, &order);
  INFO(status.error_message());
  REQUIRE(Outcome(status) == "OK");
  CHECK(absl::StartsWith(order.name(), "salesOrders/"));
  CHECK(order.customer() == retailer);
  CHECK(order.quotation() == quotation.name());
  CHECK(order.opportunity() == deal);
  CHECK(order.campaign() == "campaigns/spring");
  CHECK(order.currency_code() == "EUR");
  REQUIRE(order.items_size() == 2);
  for (int i = 0; i < 2; ++i) {
    INFO("item " << i);
    CHECK(Same(order.items(i), quotation.items(i)));
  }
  CHECK(Text(order.items(0).pricing().net_amount()) == "EUR 21600.00");
  CHECK(Same(order.net_total(), quotation.net_total()));
  CHECK(Same(order.tax_total(), quotation.tax_total()));
  CHECK(Same(order.gross_total(), quotation.gross_total()));
  CHECK(Text(order.net_total()) == "EUR 21749.97");
  CHECK(Same(order.pricing_date(), quotation.pricing_date()));
  CHECK(Iso(order.requested_delivery_date()) == Iso(InDays(14)));
  CHECK(order.state() == sv1::SALES_ORDER_STATE_OPEN);
  CHECK(order.cancel_reason().empty());
  CHECK_FALSE(order.etag().empty());
  CHECK(Same(order.create_time(), order.update_time()));
  CHECK(Same(desk.GetOrder(order.name()), order));

  // The quotation is ORDERED and names its order; nothing else changed.
  const sv1::Quotation ordered = desk.GetQuotation(quotation.name());
  CHECK(ordered.state() == sv1::QUOTATION_STATE_ORDERED);
  CHECK(ordered.sales_order() == order.name());
  CHECK(ordered.etag() != quotation.etag());
  CHECK(Same(ordered.update_time(), order.create_time()));
  sv1::Quotation unchanged = ordered;
  unchanged.set_state(quotation.state());
  unchanged.clear_sales_order();
  unchanged.set_etag(quotation.etag());
  *unchanged.mutable_update_time() = quotation.update_time();
  CHECK(Same(unchanged, quotation));

  // Both on the feed, with the request id.
  CHECK(desk.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_CREATED ", order.name(), " OrderQuotation order-quote-1"),
                absl::StrCat("CHANGE_KIND_UPDATED ", quotation.name(),
                             " OrderQuotation order-quote-1")});
  const fv1::ListChangesResponse changes = desk.ChangesAfter(head);
  REQUIRE(changes.changes_size() == 2);
  sv1::SalesOrder order_in_feed;
  REQUIRE(changes.changes(0).resource().UnpackTo(&order_in_feed));
  CHECK(Same(order_in_feed, order));
  sv1::Quotation quotation_in_feed;
  REQUIRE(changes.changes(1).resource().UnpackTo(&quotation_in_feed));
  CHECK(Same(quotation_in_feed, ordered));
  const int64_t after = desk.HeadSequence();

  // A retry gets the same order and writes nothing.
  sv1::SalesOrder again;
  REQUIRE(Outcome(desk.TryOrder(request, &again)) == "OK");
  CHECK(Same(again, order));
  CHECK(desk.OrderNames() == Strings{order.name()});
  CHECK(desk.HeadSequence() == after);

  // Ordering it again is refused: with another id, without one, by etag.
  request.set_request_id("order-quote-2");
  request.clear_etag();
  const grpc::Status twice = desk.TryOrder(request, &again);
  CHECK(Outcome(twice) == "FAILED_PRECONDITION");
  CHECK(Precondition(twice) == absl::StrCat("NOT_OPEN ", quotation.name()));
  const grpc::Status plain = desk.TryOrder(quotation.name());
  CHECK(Outcome(plain) == "FAILED_PRECONDITION");
  CHECK(Precondition(plain) == absl::StrCat("NOT_OPEN ", quotation.name()));
  request.set_etag(quotation.etag());
  CHECK(Outcome(desk.TryOrder(request)) == "ABORTED");
  CHECK(desk.OrderNames() == Strings{order.name()});
  CHECK(desk.HeadSequence() == after);
  CHECK(desk.OrderNames(absl::StrCat("quotation = \"", quotation.name(), "\"")) ==
        Strings{order.name()});
}

TEST_CASE("documents: a quotation made days ago is ordered as it was made", "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const sv1::Quotation quotation = desk.Create(Offer(retailer, {{kKeyboard, 2}, {kMonitor, 5}}));
  // Priced three days ago; since then the monitor was discontinued.
  desk.RewriteStored(quotation.name(),
                     [](sv1::Quotation* q) { *q->mutable_pricing_date() = InDays(-3); });
  desk.Discontinue(kMonitor);

  // New documents refuse it; the existing quotation keeps it.
  const grpc::Status refused = desk.TryCreate(Offer(retailer, {{kKeyboard, 2}, {kMonitor, 5}}));
  CHECK(Outcome(refused) == "FAILED_PRECONDITION");
  CHECK(Precondition(refused) == "DISCONTINUED quotation.items[1].product");
  const sv1::SalesOrder order = desk.OrderFrom(quotation.name());
  REQUIRE(order.items_size() == 2);
  CHECK(Same(order.items(1), quotation.items(1)));
  CHECK(Same(order.gross_total(), quotation.gross_total()));
  CHECK(Iso(order.pricing_date()) == Iso(InDays(-3)));
  CHECK(desk.GetQuotation(quotation.name()).state() == sv1::QUOTATION_STATE_ORDERED);
  CHECK(Outcome(desk.TryComplete(order.name())) == "OK");
}

TEST_CASE("documents: a rejected, expired or changed quotation is not ordered",
          "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const sv1::Quotation quotation = desk.Create(Offer(retailer, {{kMonitor, 10}}));
  const int64_t head = desk.HeadSequence();

  sv1::OrderQuotationRequest request;
  sv1::SalesOrder order;
  request.set_name("quotations/nothing-here");
  const grpc::Status unknown = desk.TryOrder(request);
  CHECK(Outcome(unknown) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown).resource_name() == "quotations/nothing-here");
  for (const std::string name : {"", "salesOrders/x", "quotations/"}) {
    INFO("name \"" << name << "\"");
    request.set_name(name);
    CHECK(Outcome(desk.TryOrder(request)) == "INVALID_ARGUMENT name");
  }
  request.set_name(quotation.name());
  *request.mutable_requested_delivery_date() = InDays(-1);
  CHECK(Outcome(desk.TryOrder(request)) == "INVALID_ARGUMENT requested_delivery_date");
  *request.mutable_requested_delivery_date() = MakeDate(InDays(0).year() + 1, 2, 30);
  CHECK(Outcome(desk.TryOrder(request)) == "INVALID_ARGUMENT requested_delivery_date");
  request.clear_requested_delivery_date();
  request.set_request_id(std::string(101, 'r'));
  CHECK(Outcome(desk.TryOrder(request)) == "INVALID_ARGUMENT request_id");
  request.clear_request_id();
  request.set_etag("\"7\"");
  CHECK(Outcome(desk.TryOrder(request)) == "ABORTED");
  CHECK(desk.OrderNames().empty());
  CHECK(desk.HeadSequence() == head);
  CHECK(Same(desk.GetQuotation(quotation.name()), quotation));

  // Rejected: neither ordered nor, with the etag from before, even looked at.
  REQUIRE(Outcome(desk.TryReject(quotation.name(), "Too expensive")) == "OK");
  const grpc::Status rejected = desk.TryOrder(quotation.name());
  CHECK(Outcome(rejected) == "FAILED_PRECONDITION");
  CHECK(Precondition(rejected) == absl::StrCat("NOT_OPEN ", quotation.name()));
  request.set_etag(quotation.etag());
  CHECK(Outcome(desk.TryOrder(request)) == "ABORTED");

  // Expired: its last day was yesterday.
  const sv1::Quotation expiring = desk.Create(Offer(retailer, {{kMonitor, 10}}, InDays(10)));
  desk.RewriteStored(expiring.name(),
                     [](sv1::Quotation* q) { *q->mutable_valid_until() = InDays(-1); });
  const int64_t before_expired = desk.HeadSequence();
  const grpc::Status expired = desk.TryOrder(expiring.name());
  CHECK(Outcome(expired) == "FAILED_PRECONDITION");
  CHECK(Precondition(expired) == absl::StrCat("EXPIRED ", expiring.name()));
  CHECK(absl::StrContains(expired.error_message(), Iso(InDays(-1))));
  CHECK(desk.GetQuotation(expiring.name()).state() == sv1::QUOTATION_STATE_OPEN);
  CHECK(desk.OrderNames().empty());
  CHECK(desk.HeadSequence() == before_expired);

  // Valid until today: still fine.
  const sv1::Quotation last_day = desk.Create(Offer(retailer, {{kMonitor, 10}}, InDays(0)));
  const sv1::SalesOrder ordered = desk.OrderFrom(last_day.name());
  CHECK(ordered.quotation() == last_day.name());
  CHECK(desk.OrderNames() == Strings{ordered.name()});
}

TEST_CASE("documents: OrderQuotation needs no partners; creates are UNAVAILABLE without them",
          "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  desk.AddVolumeDiscount();
  const sv1::Quotation quotation = desk.Create(Offer(retailer, {{kMonitor, 120}}));
  const sv1::Quotation other = desk.Create(Offer(retailer, {{kKeyboard, 1}}));

  desk.StopPartners();

  const sv1::SalesOrder order = desk.OrderFrom(quotation.name());
  CHECK(Same(order.items(0), quotation.items(0)));
  CHECK(Text(order.net_total()) == "EUR 21600.00");
  CHECK(desk.GetQuotation(quotation.name()).state() == sv1::QUOTATION_STATE_ORDERED);
  // Nor do reads, rejects, completions.
  CHECK(Outcome(desk.TryReject(other.name(), "Found it cheaper")) == "OK");
  CHECK(Outcome(desk.TryComplete(order.name())) == "OK");
  const int64_t head = desk.HeadSequence();

  constexpr int kDeadlineSeconds = 2;
  for (const std::string& request_id : {std::string(), std::string("down-1")}) {
    INFO("request_id \"" << request_id << "\"");
    grpc::Status down;
    double seconds = SecondsOf([&] {
      down =
          desk.TryCreate(Offer(retailer, {{kMonitor, 1}}), nullptr, request_id, kDeadlineSeconds);
    });
    CHECK(Outcome(down) == "UNAVAILABLE");
    CHECK(absl::StrContains(down.error_message(), "partners"));
    CHECK(seconds < kDeadlineSeconds);
    seconds = SecondsOf([&] {
      down =
          desk.TryCreate(Order(retailer, {{kMonitor, 1}}), nullptr, request_id, kDeadlineSeconds);
    });
    CHECK(Outcome(down) == "UNAVAILABLE");
    CHECK(seconds < kDeadlineSeconds);
  }
  CHECK(desk.QuotationNames() == Strings{other.name(), quotation.name()});
  CHECK(desk.OrderNames() == Strings{order.name()});
  CHECK(desk.HeadSequence() == head);
  // Bad input is refused for what it is, without waiting for partners.
  CHECK(Outcome(desk.TryCreate(Offer(retailer, {}), nullptr, "", kDeadlineSeconds)) ==
        "INVALID_ARGUMENT quotation.items");
}

TEST_CASE("documents: RejectQuotation records the reason once", "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const sv1::Quotation quotation = desk.Create(Offer(retailer, {{kMonitor, 10}}));
  const int64_t head = desk.HeadSequence();

  CHECK(Outcome(desk.TryReject(quotation.name(), "")) == "INVALID_ARGUMENT reason");
  CHECK(Outcome(desk.TryReject(quotation.name(), std::string(1001, 'x'))) ==
        "INVALID_ARGUMENT reason");
  CHECK(Outcome(desk.TryReject("quotations/nothing-here", "Too expensive")) == "NOT_FOUND");
  CHECK(Outcome(desk.TryReject("salesOrders/x", "Too expensive")) == "INVALID_ARGUMENT name");
  CHECK(Outcome(desk.TryReject(quotation.name(), "Too expensive", "\"5\"")) == "ABORTED");
  CHECK(Same(desk.GetQuotation(quotation.name()), quotation));
  CHECK(desk.HeadSequence() == head);

  sv1::Quotation rejected;
  REQUIRE(Outcome(desk.TryReject(quotation.name(), "Too expensive", quotation.etag(), &rejected)) ==
          "OK");
  CHECK(rejected.state() == sv1::QUOTATION_STATE_REJECTED);
  CHECK(rejected.reject_reason() == "Too expensive");
  CHECK(rejected.sales_order().empty());
  CHECK(rejected.etag() != quotation.etag());
  CHECK(Same(rejected.items(0), quotation.items(0)));
  CHECK(Same(rejected.create_time(), quotation.create_time()));
  CHECK(Same(desk.GetQuotation(quotation.name()), rejected));
  CHECK(desk.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_UPDATED ", quotation.name(), " RejectQuotation ")});
  CHECK(Outcome(desk.TryReject(quotation.name(), std::string(1000, 'x'))) == "FAILED_PRECONDITION");

  const grpc::Status again = desk.TryReject(quotation.name(), "Still too expensive");
  CHECK(Outcome(again) == "FAILED_PRECONDITION");
  CHECK(Precondition(again) == absl::StrCat("NOT_OPEN ", quotation.name()));
  CHECK(desk.GetQuotation(quotation.name()).reject_reason() == "Too expensive");

  // An ordered quotation is not rejected either.
  const sv1::Quotation second = desk.Create(Offer(retailer, {{kMonitor, 10}}));
  desk.OrderFrom(second.name());
  const grpc::Status ordered = desk.TryReject(second.name(), "Changed my mind");
  CHECK(Outcome(ordered) == "FAILED_PRECONDITION");
  CHECK(Precondition(ordered) == absl::StrCat("NOT_OPEN ", second.name()));
  CHECK(desk.GetQuotation(second.name()).state() == sv1::QUOTATION_STATE_ORDERED);
}

TEST_CASE("documents: CreateSalesOrder prices today; orders are completed or cancelled once",
          "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const sv1::PriceCondition discount = desk.AddVolumeDiscount();
  const std::string deal = desk.AddOpportunity(retailer);
  const std::vector<Item> items = {{kMonitor, 120}, {kKeyboard, 3}};
  sv1::SalesOrder sent = Order(retailer, items);
  *sent.mutable_requested_delivery_date() = InDays(14);
  sent.set_opportunity(deal);
  const int64_t head = desk.HeadSequence();
  const sv1::SalesOrder order = desk.Create(sent);
  CheckPricedAs(order, desk.Price(retailer, items));
  CHECK(Sources(order.items(0).pricing()) == Strings{discount.name()});
  CHECK(Text(order.gross_total()) == "EUR 25864.47");
  CHECK(Iso(order.pricing_date()) == Iso(InDays(0)));
  CHECK(Iso(order.requested_delivery_date()) == Iso(InDays(14)));
  CHECK(order.state() == sv1::SALES_ORDER_STATE_OPEN);
  CHECK(absl::StartsWith(order.name(), "salesOrders/"));
  CHECK(order.customer() == retailer);
  CHECK(order.opportunity() == deal);
  CHECK(order.quotation().empty());
  CHECK(Same(desk.GetOrder(order.name()), order));
  // Today's prices: after a price change a new order costs more.
  desk.SetListPrice(kKeyboard, Eur(59, 990'000'000));
  const sv1::SalesOrder dearer = desk.Create(Order(retailer, {{kKeyboard, 3}}));
  CHECK(Text(dearer.net_total()) == "EUR 179.97");
  CHECK(dearer.requested_delivery_date().year() == 0);

  // Completing: name, etag, then state.
  CHECK(Outcome(desk.TryComplete("")) == "INVALID_ARGUMENT name");
  CHECK(Outcome(desk.TryComplete("quotations/x")) == "INVALID_ARGUMENT name");
  CHECK(Outcome(desk.TryComplete("salesOrders/nothing-here")) == "NOT_FOUND");
  CHECK(Outcome(desk.TryComplete(order.name(), "\"3\"")) == "ABORTED");
  sv1::SalesOrder completed;
  REQUIRE(Outcome(desk.TryComplete(order.name(), order.etag(), &completed)) == "OK");
  CHECK(completed.state() == sv1::SALES_ORDER_STATE_COMPLETED);
  CHECK(completed.cancel_reason().empty());
  CHECK(completed.etag() != order.etag());
  CHECK(Same(completed.items(0), order.items(0)));
  CHECK(Same(desk.GetOrder(order.name()), completed));
  for (const grpc::Status& status :
       {desk.TryComplete(order.name()), desk.TryCancel(order.name(), "Wrong address")}) {
    CHECK(Outcome(status) == "FAILED_PRECONDITION");
    CHECK(Precondition(status) == absl::StrCat("NOT_OPEN ", order.name()));
  }
  CHECK(Outcome(desk.TryComplete(order.name(), order.etag())) == "ABORTED");

  // Cancelling: the reason is required.
  CHECK(Outcome(desk.TryCancel(dearer.name(), "")) == "INVALID_ARGUMENT reason");
  CHECK(Outcome(desk.TryCancel(dearer.name(), std::string(1001, 'x'))) ==
        "INVALID_ARGUMENT reason");
  CHECK(Outcome(desk.TryCancel("salesOrders/nothing-here", "Wrong address")) == "NOT_FOUND");
  CHECK(Outcome(desk.TryCancel(dearer.name(), "Wrong address", "\"9\"")) == "ABORTED");
  CHECK(Same(desk.GetOrder(dearer.name()), dearer));
  sv1::SalesOrder cancelled;
  REQUIRE(Outcome(desk.TryCancel(dearer.name(), "Ordered twice", dearer.etag(), &cancelled)) ==
          "OK");
  CHECK(cancelled.state() == sv1::SALES_ORDER_STATE_CANCELLED);
  CHECK(cancelled.cancel_reason() == "Ordered twice");
  CHECK(Same(desk.GetOrder(dearer.name()), cancelled));
  for (const grpc::Status& status :
       {desk.TryComplete(dearer.name()), desk.TryCancel(dearer.name(), "Again")}) {
    CHECK(Outcome(status) == "FAILED_PRECONDITION");
    CHECK(Precondition(status) == absl::StrCat("NOT_OPEN ", dearer.name()));
  }
  CHECK(desk.GetOrder(dearer.name()).cancel_reason() == "Ordered twice");

  CHECK(desk.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_CREATED ", order.name(), " CreateSalesOrder "),
                "CHANGE_KIND_UPDATED products/keyboard UpdateProduct ",
                absl::StrCat("CHANGE_KIND_CREATED ", dearer.name(), " CreateSalesOrder "),
                absl::StrCat("CHANGE_KIND_UPDATED ", order.name(), " CompleteSalesOrder "),
                absl::StrCat("CHANGE_KIND_UPDATED ", dearer.name(), " CancelSalesOrder ")});
}

TEST_CASE("documents: reads of unknown or malformed names", "[sales][document]") {
  Desk desk;
  sv1::GetQuotationRequest get_quotation;
  sv1::Quotation quotation;
  get_quotation.set_name("quotations/nothing-here");
  const grpc::Status unknown =
      desk.api().GetQuotation(ContextWithDeadline().get(), get_quotation, &quotation);
  CHECK(Outcome(unknown) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown).resource_name() == "quotations/nothing-here");
  sv1::GetSalesOrderRequest get_order;
  sv1::SalesOrder order;
  get_order.set_name("salesOrders/nothing-here");
  CHECK(Outcome(desk.api().GetSalesOrder(ContextWithDeadline().get(), get_order, &order)) ==
        "NOT_FOUND");
  for (const std::string name : {"", "salesOrders/x", "quotations/", "quotations/a b"}) {
    INFO("name \"" << name << "\"");
    get_quotation.set_name(name);
    CHECK(Outcome(desk.api().GetQuotation(ContextWithDeadline().get(), get_quotation,
                                          &quotation)) == "INVALID_ARGUMENT name");
  }
  get_order.set_name("quotations/x");
  CHECK(Outcome(desk.api().GetSalesOrder(ContextWithDeadline().get(), get_order, &order)) ==
        "INVALID_ARGUMENT name");
}

TEST_CASE("documents: ListQuotations, newest first, filtered and paged", "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string alvis = desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const std::string berta = desk.AddCustomer("Berta Retail KG", "RETAIL", pv1::CUSTOMER_CLASS_B);
  const std::string deal = desk.AddOpportunity(alvis);
  sv1::Quotation for_deal = Offer(alvis, {{kMonitor, 1}}, InDays(10));
  for_deal.set_opportunity(deal);
  const std::string q1 = desk.Create(for_deal).name();
  const std::string q2 = desk.Create(Offer(berta, {{kMonitor, 2}}, InDays(20))).name();
  const std::string q3 = desk.Create(Offer(alvis, {{kMonitor, 3}}, InDays(30))).name();
  const std::string q4 = desk.Create(Offer(alvis, {{kMonitor, 4}}, InDays(40))).name();
  const std::string q5 = desk.Create(Offer(berta, {{kMonitor, 5}}, InDays(50))).name();
  REQUIRE(Outcome(desk.TryReject(q3, "Too expensive")) == "OK");
  desk.OrderFrom(q4);

  const Strings all = {q5, q4, q3, q2, q1};
  CHECK(desk.QuotationNames() == all);
  const std::string of_alvis = absl::StrCat("customer = \"", alvis, "\"");
  CHECK(desk.QuotationNames(of_alvis) == Strings{q4, q3, q1});
  CHECK(desk.QuotationNames("state = OPEN") == Strings{q5, q2, q1});
  CHECK(desk.QuotationNames("state = QUOTATION_STATE_OPEN") == Strings{q5, q2, q1});
  CHECK(desk.QuotationNames("state = REJECTED") == Strings{q3});
  CHECK(desk.QuotationNames("state = ORDERED") == Strings{q4});
  CHECK(desk.QuotationNames("state != OPEN") == Strings{q4, q3});
  CHECK(desk.QuotationNames(absl::StrCat(of_alvis, " AND state = OPEN")) == Strings{q1});
  CHECK(desk.QuotationNames(absl::StrCat("opportunity = \"", deal, "\"")) == Strings{q1});
  CHECK(desk.QuotationNames(absl::StrCat("valid_until <= \"", Iso(InDays(20)), "\"")) ==
        Strings{q2, q1});
  CHECK(desk.QuotationNames(absl::StrCat("valid_until > \"", Iso(InDays(40)), "\"")) ==
        Strings{q5});
  CHECK(desk.QuotationNames("customer = \"partners/nobody\"").empty());
  CHECK(desk.QuotationNames("create_time > \"2000-01-01T00:00:00Z\"") == all);
  CHECK(desk.QuotationNames("create_time > \"9000-01-01T00:00:00Z\"").empty());

  // Two at a time, without repeats or gaps.
  int pages = 0;
  CHECK(desk.QuotationNames("", 2, &pages) == all);
  CHECK(pages == 3);
  CHECK(desk.QuotationNames(of_alvis, 2, &pages) == Strings{q4, q3, q1});
  CHECK(pages == 2);
  CHECK(desk.QuotationNames("state = OPEN", 1, &pages) == Strings{q5, q2, q1});
  CHECK(pages == 3);

  sv1::ListQuotationsResponse response;
  for (const std::string filter :
       {"colour = \"red\"", "state = LOST", "state > OPEN", "customer =", "quotation = \"x\"",
        "valid_until = tomorrow", "(state = OPEN", "state = OPEN AND"}) {
    INFO(filter);
    sv1::ListQuotationsRequest request;
    request.set_filter(filter);
    CHECK(Outcome(desk.TryListQuotations(request, &response)) == "INVALID_ARGUMENT filter");
  }
  sv1::ListQuotationsRequest request;
  request.set_page_size(-1);
  CHECK(Outcome(desk.TryListQuotations(request, &response)) == "INVALID_ARGUMENT page_size");
  request.set_page_size(2);
  REQUIRE(Outcome(desk.TryListQuotations(request, &response)) == "OK");
  REQUIRE_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  request.set_filter("state = OPEN");
  CHECK(Outcome(desk.TryListQuotations(request, &response)) == "INVALID_ARGUMENT page_token");
  request.set_filter("");
  request.set_page_token("garbage");
  CHECK(Outcome(desk.TryListQuotations(request, &response)) == "INVALID_ARGUMENT page_token");
}

TEST_CASE("documents: ListSalesOrders, newest first, filtered and paged", "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string alvis = desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  const std::string berta = desk.AddCustomer("Berta Retail KG", "RETAIL", pv1::CUSTOMER_CLASS_B);
  const std::string deal = desk.AddOpportunity(alvis);
  const std::string quotation = desk.Create(Offer(alvis, {{kMonitor, 1}})).name();
  const std::string o1 = desk.Create(Order(alvis, {{kMonitor, 1}})).name();
  const std::string o2 = desk.OrderFrom(quotation).name();
  const std::string o3 = desk.Create(Order(berta, {{kMonitor, 3}})).name();
  sv1::SalesOrder for_deal = Order(alvis, {{kMonitor, 4}});
  for_deal.set_opportunity(deal);
  const std::string o4 = desk.Create(for_deal).name();
  REQUIRE(Outcome(desk.TryComplete(o1)) == "OK");
  REQUIRE(Outcome(desk.TryCancel(o3, "Ordered twice")) == "OK");

  const Strings all = {o4, o3, o2, o1};
  CHECK(desk.OrderNames() == all);
  const std::string of_alvis = absl::StrCat("customer = \"", alvis, "\"");
  CHECK(desk.OrderNames(of_alvis) == Strings{o4, o2, o1});
  CHECK(desk.OrderNames("state = OPEN") == Strings{o4, o2});
  CHECK(desk.OrderNames("state = COMPLETED") == Strings{o1});
  CHECK(desk.OrderNames("state = CANCELLED") == Strings{o3});
  CHECK(desk.OrderNames(absl::StrCat(of_alvis, " AND state = OPEN")) == Strings{o4, o2});
  CHECK(desk.OrderNames(absl::StrCat("quotation = \"", quotation, "\"")) == Strings{o2});
  CHECK(desk.OrderNames("quotation = \"\"") == Strings{o4, o3, o1});
  CHECK(desk.OrderNames(absl::StrCat("opportunity = \"", deal, "\"")) == Strings{o4});

  int pages = 0;
  CHECK(desk.OrderNames("", 2, &pages) == all);
  CHECK(pages == 2);
  CHECK(desk.OrderNames("", 3, &pages) == all);
  CHECK(pages == 2);
  CHECK(desk.OrderNames(of_alvis, 1, &pages) == Strings{o4, o2, o1});
  CHECK(pages == 3);

  sv1::ListSalesOrdersResponse response;
  for (const std::string filter : {"valid_until = 2030-01-01", "state = ORDERED", "colour = 1",
                                   "state = OPEN OR", "create_time > yesterday"}) {
    INFO(filter);
    sv1::ListSalesOrdersRequest request;
    request.set_filter(filter);
    CHECK(Outcome(desk.TryListOrders(request, &response)) == "INVALID_ARGUMENT filter");
  }
  sv1::ListSalesOrdersRequest request;
  request.set_page_size(1);
  REQUIRE(Outcome(desk.TryListOrders(request, &response)) == "OK");
  request.set_page_token(response.next_page_token());
  request.set_filter(of_alvis);
  CHECK(Outcome(desk.TryListOrders(request, &response)) == "INVALID_ARGUMENT page_token");
}

TEST_CASE("documents: every write is on the change feed, refused ones are not",
          "[sales][document]") {
  Desk desk;
  desk.AddCatalog();
  const std::string retailer =
      desk.AddCustomer("Alvis Retail GmbH", "RETAIL", pv1::CUSTOMER_CLASS_A);
  desk.Create(Offer(retailer, {{kMonitor, 1}}));  // assigns the customer: its entry comes before
  const int64_t head = desk.HeadSequence();

  sv1::Quotation quotation, second;
  REQUIRE(Outcome(desk.TryCreate(Offer(retailer, {{kMonitor, 1}}), &quotation, "q-1")) == "OK");
  REQUIRE(Outcome(desk.TryCreate(Offer(retailer, {{kMonitor, 2}}), &second)) == "OK");
  sv1::SalesOrder direct;
  REQUIRE(Outcome(desk.TryCreate(Order(retailer, {{kKeyboard, 1}}), &direct, "o-1")) == "OK");
  sv1::OrderQuotationRequest order_request;
  order_request.set_name(quotation.name());
  order_request.set_request_id("oq-1");
  sv1::SalesOrder ordered;
  REQUIRE(Outcome(desk.TryOrder(order_request, &ordered)) == "OK");
  REQUIRE(Outcome(desk.TryReject(second.name(), "No budget")) == "OK");
  REQUIRE(Outcome(desk.TryComplete(ordered.name())) == "OK");
  REQUIRE(Outcome(desk.TryCancel(direct.name(), "Ordered twice")) == "OK");
  // Refused: none of these are on the feed.
  CHECK(Outcome(desk.TryOrder(second.name())) == "FAILED_PRECONDITION");
  CHECK(Outcome(desk.TryReject(second.name(), "Again")) == "FAILED_PRECONDITION");
  CHECK(Outcome(desk.TryCancel(direct.name(), "Again")) == "FAILED_PRECONDITION");
  CHECK(Outcome(desk.TryCreate(Offer(retailer, {{kOldMonitor, 1}}))) == "FAILED_PRECONDITION");

  CHECK(desk.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_CREATED ", quotation.name(), " CreateQuotation q-1"),
                absl::StrCat("CHANGE_KIND_CREATED ", second.name(), " CreateQuotation "),
                absl::StrCat("CHANGE_KIND_CREATED ", direct.name(), " CreateSalesOrder o-1"),
                absl::StrCat("CHANGE_KIND_CREATED ", ordered.name(), " OrderQuotation oq-1"),
                absl::StrCat("CHANGE_KIND_UPDATED ", quotation.name(), " OrderQuotation oq-1"),
                absl::StrCat("CHANGE_KIND_UPDATED ", second.name(), " RejectQuotation "),
                absl::StrCat("CHANGE_KIND_UPDATED ", ordered.name(), " CompleteSalesOrder "),
                absl::StrCat("CHANGE_KIND_UPDATED ", direct.name(), " CancelSalesOrder ")});
  // Each carries the document as it was written.
  const fv1::ListChangesResponse changes = desk.ChangesAfter(head);
  REQUIRE(changes.changes_size() == 8);
  sv1::Quotation created;
  REQUIRE(changes.changes(0).resource().UnpackTo(&created));
  CHECK(Same(created, quotation));
  sv1::SalesOrder cancelled;
  REQUIRE(changes.changes(7).resource().UnpackTo(&cancelled));
  CHECK(cancelled.state() == sv1::SALES_ORDER_STATE_CANCELLED);
  CHECK(Same(cancelled, desk.GetOrder(direct.name())));
}
