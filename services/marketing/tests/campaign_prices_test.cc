// Campaign prices over real channels and files: released campaigns hand
// their prices to a real sales service as condition records scoped to the
// campaign, which price sales naming the campaign (and only those); prices
// are fixed once released; finishing early ends them in sales that day;
// bad prices are named field by field; sales being down keeps the
// campaign planned.
#include "common/api/dates.h"
#include "crm/sales/v1/catalog_service.grpc.pb.h"
#include "crm/sales/v1/pricing_service.grpc.pb.h"
#include "services/marketing/tests/marketing_fixture.h"

namespace crm::marketing::testing {
namespace {

using CatalogStub = sv1::CatalogService::Stub;
using PricingStub = sv1::PricingService::Stub;

class PricesFixture : public MarketingBesidePeers {
 public:
  PricesFixture()
      : catalog_(sv1::CatalogService::NewStub(sales_->channel())),
        pricing_(sv1::PricingService::NewStub(sales_->channel())) {
    sv1::CreateTaxClassRequest tax;
    tax.set_tax_class_id("standard");
    tax.mutable_tax_class()->set_display_name("Standard");
    tax.mutable_tax_class()->set_rate_percent(19);
    MustCall(*catalog_, &CatalogStub::CreateTaxClass, tax);
    for (auto [id, group] : std::vector<std::pair<const char*, const char*>>{
             {"monitor", "MONITORS"}, {"keyboard", "INPUT"}}) {
      sv1::CreateProductRequest product;
      product.set_product_id(id);
      product.mutable_product()->set_display_name(id);
      product.mutable_product()->set_product_group(group);
      product.mutable_product()->set_unit("EA");
      *product.mutable_product()->mutable_list_price() = Eur(200);
      product.mutable_product()->set_tax_class("taxClasses/standard");
      MustCall(*catalog_, &CatalogStub::CreateProduct, product);
    }
  }

  // A planned web campaign from today for 30 days: monitors at 150.00, 10 %
  // off input devices.
  mv1::Campaign Planned() {
    const Date today = crm::api::UtcDate(absl::Now());
    mv1::CreateCampaignRequest create;
    mv1::Campaign& campaign = *create.mutable_campaign();
    campaign.set_display_name("Monitor weeks");
    *campaign.mutable_start_date() = today;
    *campaign.mutable_end_date() = crm::api::DateOf(crm::api::CivilDayOf(today) + 30);
    campaign.set_currency_code("EUR");
    mv1::Wave& wave = *campaign.add_waves();
    wave.set_wave_id("banner");
    wave.set_display_name("Banner");
    wave.set_channel(mv1::CHANNEL_WEB);
    *wave.mutable_start_date() = campaign.start_date();
    *wave.mutable_end_date() = campaign.end_date();
    mv1::CampaignPrice& monitors = *campaign.add_prices();
    monitors.set_product("products/monitor");
    *monitors.mutable_unit_price() = Eur(150);
    mv1::CampaignPrice& input = *campaign.add_prices();
    input.set_product_group("INPUT");
    input.set_discount_percent(10);
    return MustCall(*campaigns_, &CampaignStub::CreateCampaign, create);
  }

  mv1::Campaign Release(const std::string& name) {
    mv1::ReleaseCampaignRequest release;
    release.set_name(name);
    return MustCall(*campaigns_, &CampaignStub::ReleaseCampaign, release);
  }

  // Net unit prices of a monitor and a keyboard, priced naming `campaign`.
  std::pair<int64_t, int64_t> NetPrices(const std::string& campaign) {
    sv1::PriceItemsRequest request;
    request.set_currency_code("EUR");
    request.set_campaign(campaign);
    request.add_items()->set_product("products/monitor");
    request.mutable_items(0)->set_quantity(1);
    request.add_items()->set_product("products/keyboard");
    request.mutable_items(1)->set_quantity(1);
    const auto priced = MustCall(*pricing_, &PricingStub::PriceItems, request);
    return {priced.items(0).net_unit_price().units(), priced.items(1).net_unit_price().units()};
  }

  sv1::PriceCondition Condition(const std::string& name) {
    sv1::GetPriceConditionRequest get;
    get.set_name(name);
    return MustCall(*pricing_, &PricingStub::GetPriceCondition, get);
  }

 protected:
  std::unique_ptr<CatalogStub> catalog_;
  std::unique_ptr<PricingStub> pricing_;
};

TEST_CASE_METHOD(PricesFixture, "released campaign prices price the sales that name the campaign") {
  const mv1::Campaign planned = Planned();
  CHECK(planned.prices(0).price_condition().empty());
  CHECK(NetPrices(planned.name()) == std::make_pair(int64_t{200}, int64_t{200}));

  const mv1::Campaign released = Release(planned.name());
  REQUIRE(released.prices_size() == 2);
  const sv1::PriceCondition monitors = Condition(released.prices(0).price_condition());
  CHECK(monitors.type() == sv1::CONDITION_TYPE_PRICE);
  CHECK(monitors.amount().units() == 150);
  CHECK(monitors.scope().campaign() == planned.name());
  CHECK(monitors.scope().product() == "products/monitor");
  CHECK(crm::api::CompareDates(monitors.valid_to(), planned.end_date()) == 0);
  const sv1::PriceCondition input = Condition(released.prices(1).price_condition());
  CHECK(input.type() == sv1::CONDITION_TYPE_DISCOUNT_PERCENT);
  CHECK(input.scope().product_group() == "INPUT");

  CHECK(NetPrices(planned.name()) == std::make_pair(int64_t{150}, int64_t{180}));
  CHECK(NetPrices("") == std::make_pair(int64_t{200}, int64_t{200}));

  // Fixed once released.
  mv1::UpdateCampaignRequest update;
  *update.mutable_campaign() = released;
  update.mutable_campaign()->mutable_prices(1)->set_discount_percent(20);
  *update.mutable_update_mask() = Mask({"prices"});
  mv1::Campaign out;
  CHECK(Precondition(Call(*campaigns_, &CampaignStub::UpdateCampaign, update, &out)) ==
        "CAMPAIGN_STATE " + planned.name());
  // Other changes keep the condition records.
  update.mutable_campaign()->mutable_prices(1)->set_discount_percent(10);
  update.mutable_campaign()->set_display_name("Monitor weeks, extended");
  *update.mutable_update_mask() = Mask({"display_name", "prices"});
  const mv1::Campaign renamed = MustCall(*campaigns_, &CampaignStub::UpdateCampaign, update);
  CHECK(renamed.prices(0).price_condition() == released.prices(0).price_condition());

  // A copy starts without condition records.
  mv1::CopyCampaignRequest copy;
  copy.set_name(planned.name());
  copy.set_display_name("Monitor weeks again");
  *copy.mutable_start_date() = Next(3, 1);
  const mv1::Campaign copied = MustCall(*campaigns_, &CampaignStub::CopyCampaign, copy);
  REQUIRE(copied.prices_size() == 2);
  CHECK(copied.prices(0).price_condition().empty());
}

TEST_CASE_METHOD(PricesFixture, "finishing a campaign early ends its prices in sales today") {
  const mv1::Campaign released = Release(Planned().name());
  mv1::FinishCampaignRequest finish;
  finish.set_name(released.name());
  const mv1::Campaign finished = MustCall(*campaigns_, &CampaignStub::FinishCampaign, finish);
  CHECK(finished.state() == mv1::CAMPAIGN_STATE_FINISHED);
  const Date today = crm::api::UtcDate(absl::Now());
  for (const mv1::CampaignPrice& price : finished.prices()) {
    CHECK(crm::api::CompareDates(Condition(price.price_condition()).valid_to(), today) == 0);
  }
}

TEST_CASE_METHOD(PricesFixture, "with sales down a campaign with prices stays planned") {
  const mv1::Campaign planned = Planned();
  StopSales();
  mv1::ReleaseCampaignRequest release;
  release.set_name(planned.name());
  mv1::Campaign out;
  CHECK(Outcome(Call(*campaigns_, &CampaignStub::ReleaseCampaign, release, &out)) == "UNAVAILABLE");
  mv1::GetCampaignRequest get;
  get.set_name(planned.name());
  const mv1::Campaign still = MustCall(*campaigns_, &CampaignStub::GetCampaign, get);
  CHECK(still.state() == mv1::CAMPAIGN_STATE_PLANNED);
  CHECK(still.etag() == planned.etag());
}

TEST_CASE_METHOD(PricesFixture, "a price of an unknown product is refused by sales on release") {
  mv1::Campaign planned = Planned();
  mv1::UpdateCampaignRequest update;
  *update.mutable_campaign() = planned;
  update.mutable_campaign()->mutable_prices(0)->set_product("products/unknown");
  *update.mutable_update_mask() = Mask({"prices"});
  planned = MustCall(*campaigns_, &CampaignStub::UpdateCampaign, update);
  mv1::ReleaseCampaignRequest release;
  release.set_name(planned.name());
  mv1::Campaign out;
  CHECK(Outcome(Call(*campaigns_, &CampaignStub::ReleaseCampaign, release, &out)) == "NOT_FOUND");
  mv1::GetCampaignRequest get;
  get.set_name(planned.name());
  CHECK(MustCall(*campaigns_, &CampaignStub::GetCampaign, get).state() ==
        mv1::CAMPAIGN_STATE_PLANNED);
}

TEST_CASE_METHOD(PricesFixture, "each bad campaign price is named") {
  mv1::Campaign planned = Planned();
  auto refused = [&](const std::function<void(mv1::CampaignPrice&)>& change) {
    mv1::UpdateCampaignRequest update;
    *update.mutable_campaign() = planned;
    change(*update.mutable_campaign()->mutable_prices(0));
    *update.mutable_update_mask() = Mask({"prices"});
    mv1::Campaign out;
    return Outcome(Call(*campaigns_, &CampaignStub::UpdateCampaign, update, &out));
  };
  CHECK(refused([](auto& p) { p.set_product_group("MONITORS"); }) ==
        "INVALID_ARGUMENT campaign.prices[0].product");
  CHECK(refused([](auto& p) { p.clear_product(); }) ==
        "INVALID_ARGUMENT campaign.prices[0].product");
  CHECK(refused([](auto& p) { p.set_product("monitor"); }) ==
        "INVALID_ARGUMENT campaign.prices[0].product");
  CHECK(refused([](auto& p) {
          p.clear_product();
          p.set_product_group("monitors");
        }) == "INVALID_ARGUMENT campaign.prices[0].product_group");
  CHECK(refused([](auto& p) { p.set_discount_percent(5); }) ==
        "INVALID_ARGUMENT campaign.prices[0].unit_price");
  CHECK(refused([](auto& p) { p.clear_unit_price(); }) ==
        "INVALID_ARGUMENT campaign.prices[0].unit_price");
  CHECK(refused([](auto& p) {
          p.clear_unit_price();
          p.set_discount_percent(120);
        }) == "INVALID_ARGUMENT campaign.prices[0].discount_percent");
  CHECK(refused([](auto& p) { p.mutable_unit_price()->set_currency_code("USD"); }) ==
        "INVALID_ARGUMENT campaign.prices[0].unit_price.currency_code");
  CHECK(refused([](auto& p) { p.mutable_unit_price()->set_units(-1); }) ==
        "INVALID_ARGUMENT campaign.prices[0].unit_price");
  mv1::GetCampaignRequest get;
  get.set_name(planned.name());
  CHECK(MustCall(*campaigns_, &CampaignStub::GetCampaign, get).etag() == planned.etag());
}

}  // namespace
}  // namespace crm::marketing::testing
