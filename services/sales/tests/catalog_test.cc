// The catalogue (CatalogService) over a real gRPC channel and a real SQLite
// file, with a real partners service beside it: tax classes and products
// created under client-chosen ids (bad ids, taken ids), read back and
// listed; products must name an existing tax class; every validation error
// names its field path; updates with an update_mask (unknown, empty and
// output-only paths refused) and etags (a stale one is ABORTED and changes
// nothing); a tax class in use cannot be deleted; ListProducts filters,
// orders by display_name and pages with page_size 2 without repeats or
// gaps, and refuses bad tokens, filters and orders; every write is on the
// change feed with its kind and resource name, and refused writes are not.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "crm/feed/v1/change_feed.grpc.pb.h"
#include "crm/sales/v1/catalog_service.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "services/partners/partners_spec.h"
#include "services/sales/sales_spec.h"
#include "services/sales/tests/sales_beside_partners.h"

namespace {

namespace sv1 = crm::sales::v1;
namespace fv1 = crm::feed::v1;
using crm::testing::ContextWithDeadline;
using crm::testing::DetailOf;
using crm::testing::Mask;
using crm::testing::Outcome;
using crm::testing::Precondition;
using Strings = std::vector<std::string>;

crm::type::v1::Money Money(const std::string& currency, int64_t units, int32_t nanos = 0) {
  crm::type::v1::Money money;
  money.set_currency_code(currency);
  money.set_units(units);
  money.set_nanos(nanos);
  return money;
}

sv1::TaxClass TaxClass(const std::string& display_name, double rate_percent) {
  sv1::TaxClass tax_class;
  tax_class.set_display_name(display_name);
  tax_class.set_rate_percent(rate_percent);
  return tax_class;
}

// A valid product of the "standard" tax class, as a user sends it.
sv1::Product Product(const std::string& display_name, const std::string& group = "MONITORS",
                     sv1::ProductState state = sv1::PRODUCT_STATE_UNSPECIFIED) {
  sv1::Product product;
  product.set_display_name(display_name);
  product.set_description("A product for the tests.");
  product.set_product_group(group);
  product.set_unit("EA");
  *product.mutable_list_price() = Money("EUR", 200);
  *product.mutable_cost_price() = Money("EUR", 120);
  product.set_tax_class("taxClasses/standard");
  product.set_state(state);
  return product;
}

// Sales with partners beside it, one fresh database each per test, and
// the catalogue's calls and change feed.
class Catalog : public crm::sales::testing::SalesBesidePartners {
 public:
  Catalog() : stub_(sv1::CatalogService::NewStub(sales_->channel())) {}

  grpc::Status TryCreateTaxClass(const std::string& id, const sv1::TaxClass& tax_class,
                                 sv1::TaxClass* out = nullptr) {
    sv1::CreateTaxClassRequest request;
    request.set_tax_class_id(id);
    *request.mutable_tax_class() = tax_class;
    sv1::TaxClass ignored;
    return stub_->CreateTaxClass(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  sv1::TaxClass CreateTaxClass(const std::string& id, double rate_percent = 19) {
    sv1::TaxClass created;
    REQUIRE(Outcome(TryCreateTaxClass(id, TaxClass(absl::StrCat("Rate ", id), rate_percent),
                                      &created)) == "OK");
    return created;
  }
  grpc::Status TryGetTaxClass(const std::string& name, sv1::TaxClass* out = nullptr) {
    sv1::GetTaxClassRequest request;
    request.set_name(name);
    sv1::TaxClass ignored;
    return stub_->GetTaxClass(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  grpc::Status TryUpdateTaxClass(const sv1::TaxClass& tax_class, const Strings& paths,
                                 sv1::TaxClass* out = nullptr) {
    sv1::UpdateTaxClassRequest request;
    *request.mutable_tax_class() = tax_class;
    *request.mutable_update_mask() = Mask(paths);
    sv1::TaxClass ignored;
    return stub_->UpdateTaxClass(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  grpc::Status TryDeleteTaxClass(const std::string& name, const std::string& etag = "") {
    sv1::DeleteTaxClassRequest request;
    request.set_name(name);
    request.set_etag(etag);
    google::protobuf::Empty empty;
    return stub_->DeleteTaxClass(ContextWithDeadline().get(), request, &empty);
  }
  grpc::Status TryListTaxClasses(const sv1::ListTaxClassesRequest& request,
                                 sv1::ListTaxClassesResponse* out) {
    return stub_->ListTaxClasses(ContextWithDeadline().get(), request, out);
  }

  grpc::Status SendCreateProduct(const sv1::CreateProductRequest& request,
                                 sv1::Product* out = nullptr) {
    sv1::Product ignored;
    return stub_->CreateProduct(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  grpc::Status TryCreateProduct(const std::string& id, const sv1::Product& product,
                                sv1::Product* out = nullptr) {
    sv1::CreateProductRequest request;
    request.set_product_id(id);
    *request.mutable_product() = product;
    return SendCreateProduct(request, out);
  }
  sv1::Product CreateProduct(const std::string& id, const sv1::Product& product) {
    sv1::Product created;
    REQUIRE(Outcome(TryCreateProduct(id, product, &created)) == "OK");
    return created;
  }
  grpc::Status TryGetProduct(const std::string& name, sv1::Product* out = nullptr) {
    sv1::GetProductRequest request;
    request.set_name(name);
    sv1::Product ignored;
    return stub_->GetProduct(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  sv1::Product GetProduct(const std::string& name) {
    sv1::Product product;
    REQUIRE(Outcome(TryGetProduct(name, &product)) == "OK");
    return product;
  }
  grpc::Status TryUpdateProduct(const sv1::Product& product, const Strings& paths,
                                sv1::Product* out = nullptr) {
    sv1::UpdateProductRequest request;
    *request.mutable_product() = product;
    *request.mutable_update_mask() = Mask(paths);
    sv1::Product ignored;
    return stub_->UpdateProduct(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  grpc::Status TryListProducts(const sv1::ListProductsRequest& request,
                               sv1::ListProductsResponse* out) {
    return stub_->ListProducts(ContextWithDeadline().get(), request, out);
  }
  // The names of every product the request matches, page by page, and how
  // many pages that took.
  Strings ListProductNames(sv1::ListProductsRequest request, int* pages = nullptr) {
    Strings names;
    int count = 0;
    for (; count < 100; ++count) {
      sv1::ListProductsResponse response;
      REQUIRE(Outcome(TryListProducts(request, &response)) == "OK");
      if (request.page_size() > 0) CHECK(response.products_size() <= request.page_size());
      for (const auto& product : response.products()) names.push_back(product.name());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    if (pages != nullptr) *pages = count + 1;
    return names;
  }
  Strings ProductNames(const std::string& filter, const std::string& order_by = "") {
    sv1::ListProductsRequest request;
    request.set_filter(filter);
    request.set_order_by(order_by);
    return ListProductNames(request);
  }

 private:
  std::unique_ptr<sv1::CatalogService::Stub> stub_;
};

// Seven products in three groups, two discontinued, two with the same
// display name; created out of id order.
void AddAssortment(Catalog& catalog) {
  catalog.CreateTaxClass("standard");
  catalog.CreateProduct("monitor-24", Product("24-inch monitor"));
  catalog.CreateProduct("mouse", Product("Mouse", "INPUT", sv1::PRODUCT_STATE_DISCONTINUED));
  catalog.CreateProduct("cable-2", Product("HDMI cable", "CABLES"));
  catalog.CreateProduct("monitor-19",
                        Product("19-inch monitor", "MONITORS", sv1::PRODUCT_STATE_DISCONTINUED));
  catalog.CreateProduct("keyboard", Product("Keyboard", "INPUT", sv1::PRODUCT_STATE_ACTIVE));
  catalog.CreateProduct("cable", Product("HDMI cable", "CABLES"));
  catalog.CreateProduct("monitor-27", Product("27-inch monitor"));
}

}  // namespace

TEST_CASE("catalog: tax classes are created under a chosen id, read back and listed",
          "[sales][catalog]") {
  Catalog catalog;
  sv1::TaxClass sent = TaxClass("Standard rate", 19);
  // Output-only fields sent are ignored.
  sent.set_name("taxClasses/other");
  sent.set_etag("\"7\"");
  sv1::TaxClass standard;
  REQUIRE(Outcome(catalog.TryCreateTaxClass("standard", sent, &standard)) == "OK");
  CHECK(standard.name() == "taxClasses/standard");
  CHECK(standard.display_name() == "Standard rate");
  CHECK(standard.rate_percent() == 19);
  CHECK(standard.etag() == "\"1\"");
  CHECK(standard.create_time().seconds() > 0);
  CHECK(standard.update_time().seconds() == standard.create_time().seconds());
  CHECK(standard.update_time().nanos() == standard.create_time().nanos());

  const sv1::TaxClass reduced = catalog.CreateTaxClass("reduced", 7.5);
  CHECK(reduced.rate_percent() == 7.5);
  catalog.CreateTaxClass("zero", 0);

  sv1::TaxClass got;
  REQUIRE(Outcome(catalog.TryGetTaxClass("taxClasses/standard", &got)) == "OK");
  CHECK(got.SerializeAsString() == standard.SerializeAsString());
  CHECK(Outcome(catalog.TryGetTaxClass("taxClasses/other")) == "NOT_FOUND");
  CHECK(Outcome(catalog.TryGetTaxClass("standard")) == "INVALID_ARGUMENT name");

  // By id, two to a page.
  sv1::ListTaxClassesRequest request;
  request.set_page_size(2);
  sv1::ListTaxClassesResponse first;
  REQUIRE(Outcome(catalog.TryListTaxClasses(request, &first)) == "OK");
  REQUIRE(first.tax_classes_size() == 2);
  CHECK(first.tax_classes(0).name() == "taxClasses/reduced");
  CHECK(first.tax_classes(1).name() == "taxClasses/standard");
  REQUIRE_FALSE(first.next_page_token().empty());
  request.set_page_token(first.next_page_token());
  sv1::ListTaxClassesResponse second;
  REQUIRE(Outcome(catalog.TryListTaxClasses(request, &second)) == "OK");
  REQUIRE(second.tax_classes_size() == 1);
  CHECK(second.tax_classes(0).name() == "taxClasses/zero");
  CHECK(second.next_page_token().empty());
}

TEST_CASE("catalog: products are created under a chosen id and read back", "[sales][catalog]") {
  Catalog catalog;
  catalog.CreateTaxClass("standard");
  sv1::Product sent = Product("24-inch monitor");
  sent.set_name("products/something-else");
  sent.mutable_create_time()->set_seconds(1);
  const sv1::Product created = catalog.CreateProduct("monitor-24", sent);
  CHECK(created.name() == "products/monitor-24");
  CHECK(created.display_name() == "24-inch monitor");
  CHECK(created.product_group() == "MONITORS");
  CHECK(created.unit() == "EA");
  CHECK(created.list_price().units() == 200);
  CHECK(created.cost_price().units() == 120);
  CHECK(created.tax_class() == "taxClasses/standard");
  CHECK(created.state() == sv1::PRODUCT_STATE_ACTIVE);  // unset reads as active
  CHECK(created.etag() == "\"1\"");
  CHECK(created.create_time().seconds() > 1);

  CHECK(catalog.GetProduct("products/monitor-24").SerializeAsString() ==
        created.SerializeAsString());
  CHECK(Outcome(catalog.TryGetProduct("products/something-else")) == "NOT_FOUND");
  CHECK(Outcome(catalog.TryGetProduct("monitor-24")) == "INVALID_ARGUMENT name");
  CHECK(Outcome(catalog.TryGetProduct("taxClasses/standard")) == "INVALID_ARGUMENT name");

  // Without a cost price there is no margin, but the product is fine.
  sv1::Product service = Product("Installation", "SERVICES");
  service.set_unit("H");
  service.clear_cost_price();
  const sv1::Product installation = catalog.CreateProduct("installation", service);
  CHECK_FALSE(installation.has_cost_price());
  CHECK(catalog.ProductNames("") == Strings{"products/installation", "products/monitor-24"});
}

TEST_CASE("catalog: bad ids are refused naming the id field, taken ids are ALREADY_EXISTS",
          "[sales][catalog]") {
  Catalog catalog;
  catalog.CreateTaxClass("standard");
  catalog.CreateProduct("monitor-24", Product("24-inch monitor"));
  const int64_t head = catalog.HeadSequence();

  for (const std::string& id :
       {std::string(), std::string("Standard"), std::string("1st"), std::string("std-"),
        std::string("std_rate"), std::string("std rate"), std::string(64, 'a')}) {
    INFO("id \"" << id << "\"");
    CHECK(Outcome(catalog.TryCreateTaxClass(id, TaxClass("Rate", 7))) ==
          "INVALID_ARGUMENT tax_class_id");
    CHECK(Outcome(catalog.TryCreateProduct(id, Product("Monitor"))) ==
          "INVALID_ARGUMENT product_id");
  }
  // The longest id allowed.
  CHECK(Outcome(catalog.TryCreateTaxClass(std::string(63, 'a'), TaxClass("Rate", 7))) == "OK");

  const grpc::Status taken_class = catalog.TryCreateTaxClass("standard", TaxClass("Other", 7));
  CHECK(Outcome(taken_class) == "ALREADY_EXISTS");
  CHECK(DetailOf<google::rpc::ResourceInfo>(taken_class).resource_name() == "taxClasses/standard");
  const grpc::Status taken_product = catalog.TryCreateProduct("monitor-24", Product("Other"));
  CHECK(Outcome(taken_product) == "ALREADY_EXISTS");
  CHECK(DetailOf<google::rpc::ResourceInfo>(taken_product).resource_name() ==
        "products/monitor-24");

  // The first ones are untouched and only the good create is on the feed.
  CHECK(catalog.GetProduct("products/monitor-24").display_name() == "24-inch monitor");
  sv1::TaxClass standard;
  REQUIRE(Outcome(catalog.TryGetTaxClass("taxClasses/standard", &standard)) == "OK");
  CHECK(standard.rate_percent() == 19);
  CHECK(catalog.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_CREATED taxClasses/", std::string(63, 'a'),
                             " CreateTaxClass ")});
}

TEST_CASE("catalog: a product must refer to an existing tax class", "[sales][catalog]") {
  Catalog catalog;
  catalog.CreateTaxClass("standard");
  const int64_t head = catalog.HeadSequence();

  sv1::Product product = Product("24-inch monitor");
  product.set_tax_class("taxClasses/luxury");
  const grpc::Status unknown = catalog.TryCreateProduct("monitor-24", product);
  CHECK(Outcome(unknown) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(unknown).resource_name() == "taxClasses/luxury");
  CHECK(Outcome(catalog.TryGetProduct("products/monitor-24")) == "NOT_FOUND");
  CHECK(catalog.HeadSequence() == head);

  // The id is still free.
  product.set_tax_class("taxClasses/standard");
  CHECK(Outcome(catalog.TryCreateProduct("monitor-24", product)) == "OK");
}

TEST_CASE("catalog: every validation error names its field path", "[sales][catalog]") {
  Catalog catalog;
  catalog.CreateTaxClass("standard");
  const int64_t head = catalog.HeadSequence();

  struct ProductCase {
    std::string what;
    std::function<void(sv1::Product*)> spoil;
    std::string outcome;
  };
  const std::vector<ProductCase> products = {
      {"no display name", [](sv1::Product* p) { p->clear_display_name(); },
       "INVALID_ARGUMENT product.display_name"},
      {"a display name too long",
       [](sv1::Product* p) { p->set_display_name(std::string(201, 'x')); },
       "INVALID_ARGUMENT product.display_name"},
      {"a description too long",
       [](sv1::Product* p) { p->set_description(std::string(2001, 'x')); },
       "INVALID_ARGUMENT product.description"},
      {"no product group", [](sv1::Product* p) { p->clear_product_group(); },
       "INVALID_ARGUMENT product.product_group"},
      {"a lower-case product group", [](sv1::Product* p) { p->set_product_group("monitors"); },
       "INVALID_ARGUMENT product.product_group"},
      {"a product group too long",
       [](sv1::Product* p) { p->set_product_group(std::string(21, 'M')); },
       "INVALID_ARGUMENT product.product_group"},
      {"no unit", [](sv1::Product* p) { p->clear_unit(); }, "INVALID_ARGUMENT product.unit"},
      {"a lower-case unit", [](sv1::Product* p) { p->set_unit("ea"); },
       "INVALID_ARGUMENT product.unit"},
      {"a unit with a dash", [](sv1::Product* p) { p->set_unit("E-A"); },
       "INVALID_ARGUMENT product.unit"},
      {"a unit too long", [](sv1::Product* p) { p->set_unit("ABCDEFGHIJK"); },
       "INVALID_ARGUMENT product.unit"},
      {"no list price", [](sv1::Product* p) { p->clear_list_price(); },
       "INVALID_ARGUMENT product.list_price"},
      {"a negative list price",
       [](sv1::Product* p) { *p->mutable_list_price() = Money("EUR", -1); },
       "INVALID_ARGUMENT product.list_price"},
      {"a list price in a bad currency",
       [](sv1::Product* p) { *p->mutable_list_price() = Money("eur", 200); },
       "INVALID_ARGUMENT product.list_price.currency_code"},
      {"a list price with nanos of the other sign",
       [](sv1::Product* p) { *p->mutable_list_price() = Money("EUR", 1, -500'000'000); },
       "INVALID_ARGUMENT product.list_price.nanos"},
      {"a cost price in another currency",
       [](sv1::Product* p) { *p->mutable_cost_price() = Money("USD", 120); },
       "INVALID_ARGUMENT product.cost_price.currency_code"},
      {"a negative cost price",
       [](sv1::Product* p) { *p->mutable_cost_price() = Money("EUR", -5); },
       "INVALID_ARGUMENT product.cost_price"},
      {"no tax class", [](sv1::Product* p) { p->clear_tax_class(); },
       "INVALID_ARGUMENT product.tax_class"},
      {"a tax class that is not a name", [](sv1::Product* p) { p->set_tax_class("standard"); },
       "INVALID_ARGUMENT product.tax_class"},
      {"a tax class of another collection",
       [](sv1::Product* p) { p->set_tax_class("products/standard"); },
       "INVALID_ARGUMENT product.tax_class"},
      {"an unknown state", [](sv1::Product* p) { p->set_state(static_cast<sv1::ProductState>(7)); },
       "INVALID_ARGUMENT product.state"},
  };
  for (size_t i = 0; i < products.size(); ++i) {
    INFO(products[i].what);
    sv1::Product product = Product("24-inch monitor");
    products[i].spoil(&product);
    CHECK(Outcome(catalog.TryCreateProduct(absl::StrCat("product-", i), product)) ==
          products[i].outcome);
  }

  // A request without a product, and an empty product naming each fault.
  sv1::CreateProductRequest without_product;
  without_product.set_product_id("none");
  CHECK(Outcome(catalog.SendCreateProduct(without_product)) == "INVALID_ARGUMENT product");
  CHECK(Outcome(catalog.TryCreateProduct("empty", sv1::Product())) ==
        "INVALID_ARGUMENT product.display_name, product.product_group, product.unit, "
        "product.list_price, product.tax_class");

  struct TaxClassCase {
    std::string what;
    sv1::TaxClass tax_class;
    std::string outcome;
  };
  const std::vector<TaxClassCase> tax_classes = {
      {"no display name", TaxClass("", 19), "INVALID_ARGUMENT tax_class.display_name"},
      {"a display name too long", TaxClass(std::string(101, 'x'), 19),
       "INVALID_ARGUMENT tax_class.display_name"},
      {"a negative rate", TaxClass("Rate", -1), "INVALID_ARGUMENT tax_class.rate_percent"},
      {"a rate above 100", TaxClass("Rate", 100.5), "INVALID_ARGUMENT tax_class.rate_percent"},
      {"a rate with 5 decimals", TaxClass("Rate", 19.12345),
       "INVALID_ARGUMENT tax_class.rate_percent"},
  };
  for (size_t i = 0; i < tax_classes.size(); ++i) {
    INFO(tax_classes[i].what);
    CHECK(Outcome(catalog.TryCreateTaxClass(absl::StrCat("class-", i), tax_classes[i].tax_class)) ==
          tax_classes[i].outcome);
  }
  // The bounds are fine.
  CHECK(Outcome(catalog.TryCreateTaxClass("full", TaxClass("Full", 100))) == "OK");
  CHECK(Outcome(catalog.TryCreateTaxClass("fine", TaxClass("Fine", 19.1234))) == "OK");

  // Nothing refused was written.
  CHECK(catalog.ProductNames("").empty());
  CHECK(catalog.DescribeChangesAfter(head) ==
        Strings{"CHANGE_KIND_CREATED taxClasses/full CreateTaxClass ",
                "CHANGE_KIND_CREATED taxClasses/fine CreateTaxClass "});
}

TEST_CASE("catalog: an update changes only the fields its mask names", "[sales][catalog]") {
  Catalog catalog;
  catalog.CreateTaxClass("standard");
  catalog.CreateTaxClass("reduced", 7);
  const sv1::Product created = catalog.CreateProduct("monitor-24", Product("24-inch monitor"));

  // The sent display name is not in the mask, so it stays.
  sv1::Product sent;
  sent.set_name(created.name());
  sent.set_display_name("Not this");
  *sent.mutable_list_price() = Money("EUR", 189, 990'000'000);
  sent.set_state(sv1::PRODUCT_STATE_DISCONTINUED);
  sv1::Product updated;
  REQUIRE(Outcome(catalog.TryUpdateProduct(sent, {"list_price", "state"}, &updated)) == "OK");
  CHECK(updated.display_name() == "24-inch monitor");
  CHECK(updated.list_price().units() == 189);
  CHECK(updated.list_price().nanos() == 990'000'000);
  CHECK(updated.cost_price().units() == 120);
  CHECK(updated.state() == sv1::PRODUCT_STATE_DISCONTINUED);
  CHECK(updated.etag() == "\"2\"");
  CHECK(updated.create_time().SerializeAsString() == created.create_time().SerializeAsString());
  CHECK((updated.update_time().seconds() > created.update_time().seconds() ||
         (updated.update_time().seconds() == created.update_time().seconds() &&
          updated.update_time().nanos() > created.update_time().nanos())));
  CHECK(catalog.GetProduct(created.name()).SerializeAsString() == updated.SerializeAsString());

  // "*" replaces every field but the output-only ones, which are ignored.
  sv1::Product whole = Product("24\" monitor", "DISPLAYS", sv1::PRODUCT_STATE_ACTIVE);
  whole.set_name(created.name());
  whole.set_tax_class("taxClasses/reduced");
  whole.set_etag(updated.etag());
  whole.mutable_create_time()->set_seconds(1);
  sv1::Product replaced;
  REQUIRE(Outcome(catalog.TryUpdateProduct(whole, {"*"}, &replaced)) == "OK");
  CHECK(replaced.display_name() == "24\" monitor");
  CHECK(replaced.product_group() == "DISPLAYS");
  CHECK(replaced.tax_class() == "taxClasses/reduced");
  CHECK(replaced.list_price().units() == 200);
  CHECK(replaced.state() == sv1::PRODUCT_STATE_ACTIVE);
  CHECK(replaced.create_time().SerializeAsString() == created.create_time().SerializeAsString());
  CHECK(replaced.etag() == "\"3\"");

  // A tax class is updated the same way.
  sv1::TaxClass rate;
  rate.set_name("taxClasses/standard");
  rate.set_rate_percent(20);
  rate.set_display_name("Not this");
  sv1::TaxClass standard;
  REQUIRE(Outcome(catalog.TryUpdateTaxClass(rate, {"rate_percent"}, &standard)) == "OK");
  CHECK(standard.rate_percent() == 20);
  CHECK(standard.display_name() == "Rate standard");
  CHECK(standard.etag() == "\"2\"");
}

TEST_CASE("catalog: refused updates name the problem and change nothing", "[sales][catalog]") {
  Catalog catalog;
  catalog.CreateTaxClass("standard");
  const sv1::Product created = catalog.CreateProduct("monitor-24", Product("24-inch monitor"));
  const int64_t head = catalog.HeadSequence();

  sv1::Product sent = created;
  sent.set_display_name("Changed");
  CHECK(Outcome(catalog.TryUpdateProduct(sent, {"colour"})) == "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(catalog.TryUpdateProduct(sent, {})) == "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(catalog.TryUpdateProduct(sent, {"display_name", "*"})) ==
        "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(catalog.TryUpdateProduct(sent, {"list_price.amount"})) ==
        "INVALID_ARGUMENT update_mask");
  // Output-only fields are the server's.
  for (const std::string path : {"name", "create_time", "update_time", "etag"}) {
    INFO(path);
    CHECK(Outcome(catalog.TryUpdateProduct(sent, {path})) == "INVALID_ARGUMENT update_mask");
  }
  sv1::TaxClass renamed;
  renamed.set_name("taxClasses/standard");
  CHECK(Outcome(catalog.TryUpdateTaxClass(renamed, {"name"})) == "INVALID_ARGUMENT update_mask");

  // New values are checked as on create, the tax class must exist.
  sent = created;
  sent.set_unit("pieces");
  CHECK(Outcome(catalog.TryUpdateProduct(sent, {"unit"})) == "INVALID_ARGUMENT product.unit");
  *sent.mutable_list_price() = Money("EUR", -1);
  CHECK(Outcome(catalog.TryUpdateProduct(sent, {"list_price"})) ==
        "INVALID_ARGUMENT product.list_price");
  sent = created;
  sent.set_tax_class("taxClasses/luxury");
  CHECK(Outcome(catalog.TryUpdateProduct(sent, {"tax_class"})) == "NOT_FOUND");
  // Clearing a required field through the mask is refused too.
  sv1::Product cleared;
  cleared.set_name(created.name());
  CHECK(Outcome(catalog.TryUpdateProduct(cleared, {"display_name"})) ==
        "INVALID_ARGUMENT product.display_name");
  sv1::TaxClass too_high;
  too_high.set_name("taxClasses/standard");
  too_high.set_rate_percent(101);
  CHECK(Outcome(catalog.TryUpdateTaxClass(too_high, {"rate_percent"})) ==
        "INVALID_ARGUMENT tax_class.rate_percent");

  // Which resource: required, well-formed, existing.
  sent = created;
  sent.clear_name();
  CHECK(Outcome(catalog.TryUpdateProduct(sent, {"display_name"})) ==
        "INVALID_ARGUMENT product.name");
  sent.set_name("monitor-24");
  CHECK(Outcome(catalog.TryUpdateProduct(sent, {"display_name"})) ==
        "INVALID_ARGUMENT product.name");
  sent.set_name("products/monitor-27");
  CHECK(Outcome(catalog.TryUpdateProduct(sent, {"display_name"})) == "NOT_FOUND");

  CHECK(catalog.GetProduct(created.name()).SerializeAsString() == created.SerializeAsString());
  CHECK(catalog.HeadSequence() == head);
}

TEST_CASE("catalog: a stale etag is ABORTED and changes nothing", "[sales][catalog]") {
  Catalog catalog;
  catalog.CreateTaxClass("standard");
  const sv1::Product created = catalog.CreateProduct("monitor-24", Product("24-inch monitor"));

  // The etag read is current: the update goes through.
  sv1::Product first = created;
  first.set_display_name("24-inch monitor, matt");
  sv1::Product updated;
  REQUIRE(Outcome(catalog.TryUpdateProduct(first, {"display_name"}, &updated)) == "OK");
  CHECK(updated.etag() == "\"2\"");
  const int64_t head = catalog.HeadSequence();

  // Someone else's update with the etag they read before.
  sv1::Product second = created;
  *second.mutable_list_price() = Money("EUR", 150);
  const grpc::Status stale = catalog.TryUpdateProduct(second, {"list_price"});
  CHECK(Outcome(stale) == "ABORTED");
  CHECK(DetailOf<google::rpc::ErrorInfo>(stale).reason() == "STALE_ETAG");
  CHECK(catalog.GetProduct(created.name()).SerializeAsString() == updated.SerializeAsString());

  // Tax classes: update and delete with a stale etag.
  sv1::TaxClass standard;
  REQUIRE(Outcome(catalog.TryGetTaxClass("taxClasses/standard", &standard)) == "OK");
  standard.set_rate_percent(20);
  standard.set_etag("\"5\"");
  CHECK(Outcome(catalog.TryUpdateTaxClass(standard, {"rate_percent"})) == "ABORTED");
  catalog.CreateTaxClass("unused");
  const int64_t after_create = catalog.HeadSequence();
  CHECK(Outcome(catalog.TryDeleteTaxClass("taxClasses/unused", "\"2\"")) == "ABORTED");
  sv1::TaxClass unchanged;
  REQUIRE(Outcome(catalog.TryGetTaxClass("taxClasses/standard", &unchanged)) == "OK");
  CHECK(unchanged.rate_percent() == 19);
  CHECK(unchanged.etag() == "\"1\"");
  CHECK(Outcome(catalog.TryGetTaxClass("taxClasses/unused")) == "OK");
  CHECK(catalog.HeadSequence() == after_create);
  CHECK(catalog.DescribeChangesAfter(head) ==
        Strings{"CHANGE_KIND_CREATED taxClasses/unused CreateTaxClass "});

  // With the current etag it goes through.
  CHECK(Outcome(catalog.TryDeleteTaxClass("taxClasses/unused", "\"1\"")) == "OK");
}

TEST_CASE("catalog: a tax class in use cannot be deleted", "[sales][catalog]") {
  Catalog catalog;
  catalog.CreateTaxClass("standard");
  catalog.CreateTaxClass("reduced", 7);
  const sv1::Product monitor = catalog.CreateProduct("monitor-24", Product("24-inch monitor"));
  const int64_t head = catalog.HeadSequence();

  const grpc::Status in_use = catalog.TryDeleteTaxClass("taxClasses/standard");
  CHECK(Outcome(in_use) == "FAILED_PRECONDITION");
  const auto failure = DetailOf<google::rpc::PreconditionFailure>(in_use);
  REQUIRE(failure.violations_size() == 1);
  CHECK(failure.violations(0).type() == "IN_USE");
  CHECK(failure.violations(0).subject() == "taxClasses/standard");
  CHECK(Outcome(catalog.TryGetTaxClass("taxClasses/standard")) == "OK");
  CHECK(catalog.HeadSequence() == head);

  // Once the product moves to another class, the first can go.
  sv1::Product moved = monitor;
  moved.set_tax_class("taxClasses/reduced");
  REQUIRE(Outcome(catalog.TryUpdateProduct(moved, {"tax_class"})) == "OK");
  CHECK(Outcome(catalog.TryDeleteTaxClass("taxClasses/reduced")) == "FAILED_PRECONDITION");
  CHECK(Outcome(catalog.TryDeleteTaxClass("taxClasses/standard")) == "OK");
  CHECK(Outcome(catalog.TryGetTaxClass("taxClasses/standard")) == "NOT_FOUND");
  CHECK(Outcome(catalog.TryDeleteTaxClass("taxClasses/standard")) == "NOT_FOUND");
  CHECK(Outcome(catalog.TryDeleteTaxClass("standard")) == "INVALID_ARGUMENT name");

  // The id is free again, and the product can't go back to the deleted class.
  moved.set_tax_class("taxClasses/standard");
  moved.set_etag("");
  CHECK(Outcome(catalog.TryUpdateProduct(moved, {"tax_class"})) == "NOT_FOUND");
  CHECK(Outcome(catalog.TryCreateTaxClass("standard", TaxClass("Standard again", 19))) == "OK");
}

TEST_CASE("catalog: ListProducts filters by group, state and more", "[sales][catalog]") {
  Catalog catalog;
  AddAssortment(catalog);

  CHECK(catalog.ProductNames("product_group = \"MONITORS\"") ==
        Strings{"products/monitor-19", "products/monitor-24", "products/monitor-27"});
  CHECK(catalog.ProductNames("state = PRODUCT_STATE_DISCONTINUED") ==
        Strings{"products/monitor-19", "products/mouse"});
  CHECK(catalog.ProductNames("state = DISCONTINUED") ==
        Strings{"products/monitor-19", "products/mouse"});
  CHECK(catalog.ProductNames("product_group = \"MONITORS\" AND state = PRODUCT_STATE_ACTIVE") ==
        Strings{"products/monitor-24", "products/monitor-27"});
  CHECK(catalog.ProductNames("product_group = \"INPUT\" OR product_group = \"CABLES\"") ==
        Strings{"products/cable", "products/cable-2", "products/keyboard", "products/mouse"});
  CHECK(catalog.ProductNames("display_name = \"HDMI*\"") ==
        Strings{"products/cable", "products/cable-2"});
  CHECK(catalog.ProductNames("tax_class = \"taxClasses/standard\"").size() == 7);
  CHECK(catalog.ProductNames("product_group = \"PRINTERS\"").empty());
  // By id when no order is asked for.
  CHECK(catalog.ProductNames("") ==
        Strings{"products/cable", "products/cable-2", "products/keyboard", "products/monitor-19",
                "products/monitor-24", "products/monitor-27", "products/mouse"});
}

TEST_CASE("catalog: ListProducts orders by display_name", "[sales][catalog]") {
  Catalog catalog;
  AddAssortment(catalog);
  // Equal display names by id.
  CHECK(catalog.ProductNames("", "display_name") ==
        Strings{"products/monitor-19", "products/monitor-24", "products/monitor-27",
                "products/cable", "products/cable-2", "products/keyboard", "products/mouse"});
  Strings display_names;
  sv1::ListProductsRequest request;
  request.set_order_by("display_name desc");
  sv1::ListProductsResponse response;
  REQUIRE(Outcome(catalog.TryListProducts(request, &response)) == "OK");
  for (const auto& product : response.products()) display_names.push_back(product.display_name());
  CHECK(display_names == Strings{"Mouse", "Keyboard", "HDMI cable", "HDMI cable", "27-inch monitor",
                                 "24-inch monitor", "19-inch monitor"});
  CHECK(catalog.ProductNames("state = ACTIVE", "display_name") ==
        Strings{"products/monitor-24", "products/monitor-27", "products/cable", "products/cable-2",
                "products/keyboard"});
}

TEST_CASE("catalog: paging through every product two at a time, without repeats or gaps",
          "[sales][catalog]") {
  Catalog catalog;
  AddAssortment(catalog);
  const Strings everything = catalog.ProductNames("", "display_name");
  REQUIRE(everything.size() == 7);

  for (const std::string order_by : {"", "display_name", "display_name desc", "create_time"}) {
    INFO("order_by \"" << order_by << "\"");
    sv1::ListProductsRequest request;
    request.set_page_size(2);
    request.set_order_by(order_by);
    int pages = 0;
    const Strings paged = catalog.ListProductNames(request, &pages);
    CHECK(pages == 4);
    CHECK(paged.size() == 7);
    CHECK(std::set<std::string>(paged.begin(), paged.end()).size() == 7);
    // The same order as one big page.
    sv1::ListProductsRequest whole = request;
    whole.set_page_size(100);
    CHECK(paged == catalog.ListProductNames(whole));
  }

  // With a filter as well.
  sv1::ListProductsRequest monitors;
  monitors.set_page_size(2);
  monitors.set_filter("product_group = \"MONITORS\"");
  monitors.set_order_by("display_name");
  int pages = 0;
  CHECK(catalog.ListProductNames(monitors, &pages) ==
        Strings{"products/monitor-19", "products/monitor-24", "products/monitor-27"});
  CHECK(pages == 2);

  // A page exactly full: the last page says so with an empty token.
  monitors.set_page_size(3);
  sv1::ListProductsResponse full;
  REQUIRE(Outcome(catalog.TryListProducts(monitors, &full)) == "OK");
  CHECK(full.products_size() == 3);
  CHECK(full.next_page_token().empty());
}

TEST_CASE("catalog: bad list requests are INVALID_ARGUMENT naming the field", "[sales][catalog]") {
  Catalog catalog;
  AddAssortment(catalog);
  auto outcome = [&](const std::function<void(sv1::ListProductsRequest*)>& set) {
    sv1::ListProductsRequest request;
    set(&request);
    sv1::ListProductsResponse response;
    return Outcome(catalog.TryListProducts(request, &response));
  };
  CHECK(outcome([](auto* r) { r->set_page_token("garbage"); }) == "INVALID_ARGUMENT page_token");
  CHECK(outcome([](auto* r) { r->set_page_size(-1); }) == "INVALID_ARGUMENT page_size");
  CHECK(outcome([](auto* r) { r->set_filter("product_group ="); }) == "INVALID_ARGUMENT filter");
  CHECK(outcome([](auto* r) { r->set_filter("colour = \"red\""); }) == "INVALID_ARGUMENT filter");
  CHECK(outcome([](auto* r) { r->set_filter("state = SOLD_OUT"); }) == "INVALID_ARGUMENT filter");
  CHECK(outcome([](auto* r) { r->set_filter("(product_group = \"INPUT\""); }) ==
        "INVALID_ARGUMENT filter");
  CHECK(outcome([](auto* r) { r->set_order_by("list_price"); }) == "INVALID_ARGUMENT order_by");
  CHECK(outcome([](auto* r) { r->set_order_by("display_name sideways"); }) ==
        "INVALID_ARGUMENT order_by");

  // A token belongs to its filter and order.
  sv1::ListProductsRequest request;
  request.set_page_size(2);
  request.set_filter("product_group = \"MONITORS\"");
  sv1::ListProductsResponse first;
  REQUIRE(Outcome(catalog.TryListProducts(request, &first)) == "OK");
  REQUIRE_FALSE(first.next_page_token().empty());
  const std::string token = first.next_page_token();
  CHECK(outcome([&](auto* r) {
          r->set_page_size(2);
          r->set_page_token(token);
          r->set_filter("product_group = \"INPUT\"");
        }) == "INVALID_ARGUMENT page_token");
  CHECK(outcome([&](auto* r) {
          r->set_page_size(2);
          r->set_page_token(token);
          r->set_filter("product_group = \"MONITORS\"");
          r->set_order_by("display_name");
        }) == "INVALID_ARGUMENT page_token");
  CHECK(outcome([&](auto* r) {
          r->set_page_size(2);
          r->set_page_token(token);
          r->set_filter("product_group = \"MONITORS\"");
        }) == "OK");

  sv1::ListTaxClassesRequest tax_request;
  tax_request.set_page_token("garbage");
  sv1::ListTaxClassesResponse tax_response;
  CHECK(Outcome(catalog.TryListTaxClasses(tax_request, &tax_response)) ==
        "INVALID_ARGUMENT page_token");
}

TEST_CASE("catalog: every write appears on the change feed", "[sales][catalog]") {
  Catalog catalog;
  const int64_t head = catalog.HeadSequence();
  catalog.CreateTaxClass("standard");
  catalog.CreateTaxClass("old", 16);
  const sv1::Product monitor = catalog.CreateProduct("monitor-24", Product("24-inch monitor"));
  sv1::Product cheaper = monitor;
  *cheaper.mutable_list_price() = Money("EUR", 180);
  sv1::Product updated;
  REQUIRE(Outcome(catalog.TryUpdateProduct(cheaper, {"list_price"}, &updated)) == "OK");
  sv1::TaxClass rate;
  rate.set_name("taxClasses/standard");
  rate.set_rate_percent(20);
  REQUIRE(Outcome(catalog.TryUpdateTaxClass(rate, {"rate_percent"})) == "OK");
  REQUIRE(Outcome(catalog.TryDeleteTaxClass("taxClasses/old")) == "OK");

  // Refused writes leave no trace.
  CHECK(Outcome(catalog.TryCreateTaxClass("standard", TaxClass("Again", 19))) == "ALREADY_EXISTS");
  CHECK(Outcome(catalog.TryDeleteTaxClass("taxClasses/standard")) == "FAILED_PRECONDITION");

  CHECK(catalog.DescribeChangesAfter(head) ==
        Strings{"CHANGE_KIND_CREATED taxClasses/standard CreateTaxClass ",
                "CHANGE_KIND_CREATED taxClasses/old CreateTaxClass ",
                "CHANGE_KIND_CREATED products/monitor-24 CreateProduct ",
                "CHANGE_KIND_UPDATED products/monitor-24 UpdateProduct ",
                "CHANGE_KIND_UPDATED taxClasses/standard UpdateTaxClass ",
                "CHANGE_KIND_DELETED taxClasses/old DeleteTaxClass "});

  // The changes carry the resource as written; a delete carries none.
  const auto changes = catalog.ChangesAfter(head).changes();
  REQUIRE(changes.size() == 6);
  sv1::Product created_payload, updated_payload;
  REQUIRE(changes[2].resource().UnpackTo(&created_payload));
  CHECK(created_payload.SerializeAsString() == monitor.SerializeAsString());
  REQUIRE(changes[3].resource().UnpackTo(&updated_payload));
  CHECK(updated_payload.SerializeAsString() == updated.SerializeAsString());
  CHECK(updated_payload.list_price().units() == 180);
  sv1::TaxClass rate_payload;
  REQUIRE(changes[4].resource().UnpackTo(&rate_payload));
  CHECK(rate_payload.rate_percent() == 20);
  CHECK_FALSE(changes[5].has_resource());
  for (int i = 1; i < changes.size(); ++i) CHECK(changes[i].sequence() > changes[i - 1].sequence());
}
