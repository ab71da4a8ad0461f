// Price lists and condition records (PricingService) over a real gRPC
// channel and a real SQLite file, with a real partners service beside it:
//  - create (a request_id repeated gives the same resource and one feed
//    entry), get, list, update with masks and etags (a stale one is
//    ABORTED), delete; unknown products in entries or scopes are NOT_FOUND;
//    bad input names its field; nothing refused is written or put on the
//    change feed; ListPriceConditions by valid_on and type, newest first,
//    paged.

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "services/sales/tests/pricing_fixture.h"

using namespace crm::sales::testing::pricing_testing;  // NOLINT

TEST_CASE("pricing: price lists are created once per request_id, read, updated and deleted",
          "[sales][pricing]") {
  Sales sales;
  sales.AddCatalog();
  const int64_t head = sales.HeadSequence();

  sv1::PriceList sent = List("Retail 2026", "EUR", "RETAIL", 5, {{kMonitor, Eur(180)}});
  *sent.mutable_valid_from() = MakeDate(2026, 1, 1);
  sent.set_etag("\"9\"");  // output only: ignored
  sv1::PriceList created;
  REQUIRE(Outcome(sales.TryCreateList(sent, &created, "list-1")) == "OK");
  CHECK(absl::StartsWith(created.name(), "priceLists/"));
  CHECK(created.display_name() == "Retail 2026");
  CHECK(created.entries_size() == 1);
  CHECK(created.etag() == "\"1\"");
  CHECK(created.create_time().seconds() > 0);

  // The same request again: the same list, not a second one.
  sv1::PriceList again;
  REQUIRE(Outcome(sales.TryCreateList(sent, &again, "list-1")) == "OK");
  CHECK(again.SerializeAsString() == created.SerializeAsString());
  // The same id for another request is refused.
  sent.set_display_name("Retail 2026 (copy)");
  CHECK(Outcome(sales.TryCreateList(sent, nullptr, "list-1")) == "INVALID_ARGUMENT request_id");
  CHECK(Outcome(sales.TryCreateList(sent, nullptr, "has space")) == "INVALID_ARGUMENT request_id");
  CHECK(Outcome(sales.TryCreateList(sent, nullptr, std::string(101, 'r'))) ==
        "INVALID_ARGUMENT request_id");
  CHECK(sales.ListNames() == Strings{created.name()});
  CHECK(sales.DescribeChangesAfter(head) ==
        Strings{absl::StrCat("CHANGE_KIND_CREATED ", created.name(), " CreatePriceList list-1")});

  sv1::PriceList got;
  REQUIRE(Outcome(sales.TryGetList(created.name(), &got)) == "OK");
  CHECK(got.SerializeAsString() == created.SerializeAsString());
  CHECK(Outcome(sales.TryGetList("priceLists/nope")) == "NOT_FOUND");
  CHECK(Outcome(sales.TryGetList("nope")) == "INVALID_ARGUMENT name");

  // Without request ids two creates make two lists; newest first, paged.
  const sv1::PriceList second = sales.CreateList(List("Second", "EUR", "", 0, {}));
  const sv1::PriceList third = sales.CreateList(List("Third", "EUR", "", 0, {}));
  CHECK(sales.ListNames() == Strings{third.name(), second.name(), created.name()});
  CHECK(sales.ListNames(2) == Strings{third.name(), second.name(), created.name()});

  // Update with the current etag, then with the stale one.
  sv1::PriceList change = created;
  change.clear_entries();
  sv1::PriceListEntry* entry = change.add_entries();
  entry->set_product(kMonitor);
  *entry->mutable_price() = Eur(175);
  *change.mutable_valid_to() = MakeDate(2026, 12, 31);
  sv1::PriceList updated;
  REQUIRE(Outcome(sales.TryUpdateList(change, {"entries", "valid_to"}, &updated)) == "OK");
  CHECK(updated.etag() == "\"2\"");
  CHECK(Text(updated.entries(0).price()) == "EUR 175.00");
  CHECK(updated.valid_to().year() == 2026);
  CHECK(updated.display_name() == "Retail 2026");
  const int64_t after_update = sales.HeadSequence();

  change.set_priority(50);
  const grpc::Status stale = sales.TryUpdateList(change, {"priority"});
  CHECK(Outcome(stale) == "ABORTED");
  CHECK(DetailOf<google::rpc::ErrorInfo>(stale).reason() == "STALE_ETAG");
  CHECK(Outcome(sales.TryUpdateList(updated, {"name"})) == "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(sales.TryUpdateList(updated, {"colour"})) == "INVALID_ARGUMENT update_mask");
  CHECK(Outcome(sales.TryDeleteList(created.name(), created.etag())) == "ABORTED");
  REQUIRE(Outcome(sales.TryGetList(created.name(), &got)) == "OK");
  CHECK(got.SerializeAsString() == updated.SerializeAsString());
  CHECK(sales.HeadSequence() == after_update);

  REQUIRE(Outcome(sales.TryDeleteList(created.name(), updated.etag())) == "OK");
  CHECK(Outcome(sales.TryGetList(created.name())) == "NOT_FOUND");
  CHECK(Outcome(sales.TryDeleteList(created.name())) == "NOT_FOUND");
  CHECK(sales.DescribeChangesAfter(after_update) ==
        Strings{absl::StrCat("CHANGE_KIND_DELETED ", created.name(), " DeletePriceList ")});
}

TEST_CASE("pricing: conditions are created once per request_id, read, updated and deleted",
          "[sales][pricing]") {
  Sales sales;
  sales.AddCatalog();
  const int64_t head = sales.HeadSequence();

  sv1::PriceCondition created;
  REQUIRE(Outcome(sales.TryCreateCondition(VolumeDiscount(), &created, "cond-1")) == "OK");
  CHECK(absl::StartsWith(created.name(), "priceConditions/"));
  CHECK(created.etag() == "\"1\"");
  CHECK(created.scale_size() == 1);
  sv1::PriceCondition again;
  REQUIRE(Outcome(sales.TryCreateCondition(VolumeDiscount(), &again, "cond-1")) == "OK");
  CHECK(again.SerializeAsString() == created.SerializeAsString());
  sv1::PriceCondition other = VolumeDiscount();
  other.set_priority(3);
  CHECK(Outcome(sales.TryCreateCondition(other, nullptr, "cond-1")) ==
        "INVALID_ARGUMENT request_id");
  CHECK(sales.ConditionNames() == Strings{created.name()});
  CHECK(sales.DescribeChangesAfter(head) ==
        Strings{
            absl::StrCat("CHANGE_KIND_CREATED ", created.name(), " CreatePriceCondition cond-1")});

  sv1::PriceCondition got;
  REQUIRE(Outcome(sales.TryGetCondition(created.name(), &got)) == "OK");
  CHECK(got.SerializeAsString() == created.SerializeAsString());
  CHECK(Outcome(sales.TryGetCondition("priceConditions/nope")) == "NOT_FOUND");

  // The quarter is extended.
  sv1::PriceCondition change = created;
  *change.mutable_valid_to() = MakeDate(2027, 3, 31);
  sv1::PriceCondition updated;
  REQUIRE(Outcome(sales.TryUpdateCondition(change, {"valid_to"}, &updated)) == "OK");
  CHECK(updated.etag() == "\"2\"");
  CHECK(updated.valid_to().year() == 2027);
  const int64_t after_update = sales.HeadSequence();

  // Stale, bad and unknown updates change nothing.
  change.set_priority(7);
  CHECK(Outcome(sales.TryUpdateCondition(change, {"priority"})) == "ABORTED");
  sv1::PriceCondition bad = updated;
  *bad.mutable_valid_to() = MakeDate(2026, 9, 1);
  CHECK(Outcome(sales.TryUpdateCondition(bad, {"valid_to"})) ==
        "INVALID_ARGUMENT price_condition.valid_to");
  bad = updated;
  bad.mutable_scope()->set_product("products/monitor-99");
  CHECK(Outcome(sales.TryUpdateCondition(bad, {"scope"})) == "NOT_FOUND");
  CHECK(Outcome(sales.TryUpdateCondition(updated, {"create_time"})) ==
        "INVALID_ARGUMENT update_mask");
  bad = updated;
  bad.set_name("priceConditions/nope");
  CHECK(Outcome(sales.TryUpdateCondition(bad, {"priority"})) == "NOT_FOUND");
  CHECK(Outcome(sales.TryDeleteCondition(created.name(), created.etag())) == "ABORTED");
  REQUIRE(Outcome(sales.TryGetCondition(created.name(), &got)) == "OK");
  CHECK(got.SerializeAsString() == updated.SerializeAsString());
  CHECK(sales.HeadSequence() == after_update);

  REQUIRE(Outcome(sales.TryDeleteCondition(created.name(), updated.etag())) == "OK");
  CHECK(Outcome(sales.TryGetCondition(created.name())) == "NOT_FOUND");
  CHECK(sales.ConditionNames().empty());
  CHECK(sales.DescribeChangesAfter(after_update) ==
        Strings{absl::StrCat("CHANGE_KIND_DELETED ", created.name(), " DeletePriceCondition ")});
}

TEST_CASE("pricing: unknown products in a price list or a scope are NOT_FOUND and write nothing",
          "[sales][pricing]") {
  Sales sales;
  sales.AddCatalog();
  const sv1::PriceList existing =
      sales.CreateList(List("General", "EUR", "", 0, {{kMonitor, Eur(195)}}));
  const int64_t head = sales.HeadSequence();

  const sv1::PriceList with_unknown =
      List("Retail", "EUR", "", 0, {{kMonitor, Eur(180)}, {"products/monitor-99", Eur(150)}});
  const grpc::Status list_status = sales.TryCreateList(with_unknown, nullptr, "list-unknown");
  CHECK(Outcome(list_status) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(list_status).resource_name() == "products/monitor-99");
  sv1::PriceList changed = existing;
  *changed.mutable_entries() = with_unknown.entries();
  CHECK(Outcome(sales.TryUpdateList(changed, {"entries"})) == "NOT_FOUND");

  sv1::PriceCondition condition =
      GroupCondition("Old monitor price", sv1::CONDITION_TYPE_PRICE, 0, Eur(80));
  condition.mutable_scope()->set_product("products/monitor-99");
  const grpc::Status condition_status =
      sales.TryCreateCondition(condition, nullptr, "cond-unknown");
  CHECK(Outcome(condition_status) == "NOT_FOUND");
  CHECK(DetailOf<google::rpc::ResourceInfo>(condition_status).resource_name() ==
        "products/monitor-99");

  CHECK(sales.ListNames() == Strings{existing.name()});
  sv1::PriceList unchanged;
  REQUIRE(Outcome(sales.TryGetList(existing.name(), &unchanged)) == "OK");
  CHECK(unchanged.SerializeAsString() == existing.SerializeAsString());
  CHECK(sales.ConditionNames().empty());
  CHECK(sales.HeadSequence() == head);

  // A refusal is not remembered under its request_id: with the product
  // there, the same ids go through. A discontinued product may be named.
  condition.mutable_scope()->set_product(kOldMonitor);
  CHECK(Outcome(sales.TryCreateCondition(condition, nullptr, "cond-unknown")) == "OK");
  CHECK(Outcome(sales.TryCreateList(List("Retail", "EUR", "", 0, {{kOldMonitor, Eur(80)}}), nullptr,
                                    "list-unknown")) == "OK");
}

TEST_CASE("pricing: bad price lists and conditions name their fields and write nothing",
          "[sales][pricing]") {
  Sales sales;
  sales.AddCatalog();
  const int64_t head = sales.HeadSequence();

  struct ListCase {
    std::string what;
    std::function<void(sv1::PriceList*)> spoil;
    std::string outcome;
  };
  const std::vector<ListCase> lists = {
      {"no display name", [](auto* l) { l->clear_display_name(); },
       "INVALID_ARGUMENT price_list.display_name"},
      {"no currency", [](auto* l) { l->clear_currency_code(); },
       "INVALID_ARGUMENT price_list.currency_code"},
      {"a lower-case currency", [](auto* l) { l->set_currency_code("eur"); },
       "INVALID_ARGUMENT price_list.currency_code"},
      {"a price group too long", [](auto* l) { l->set_price_group(std::string(21, 'G')); },
       "INVALID_ARGUMENT price_list.price_group"},
      {"valid_to before valid_from",
       [](auto* l) {
         *l->mutable_valid_from() = MakeDate(2026, 12, 31);
         *l->mutable_valid_to() = MakeDate(2026, 1, 1);
       },
       "INVALID_ARGUMENT price_list.valid_to"},
      {"an impossible valid_from",
       [](auto* l) { *l->mutable_valid_from() = MakeDate(2026, 13, 1); },
       "INVALID_ARGUMENT price_list.valid_from"},
      {"a priority too low", [](auto* l) { l->set_priority(-1001); },
       "INVALID_ARGUMENT price_list.priority"},
      {"an entry without product", [](auto* l) { l->mutable_entries(0)->clear_product(); },
       "INVALID_ARGUMENT price_list.entries[0].product"},
      {"an entry that is not a product name",
       [](auto* l) { l->mutable_entries(0)->set_product("monitor-24"); },
       "INVALID_ARGUMENT price_list.entries[0].product"},
      {"a product twice", [](auto* l) { *l->add_entries() = l->entries(0); },
       "INVALID_ARGUMENT price_list.entries[1].product"},
      {"a price in another currency",
       [](auto* l) { *l->mutable_entries(0)->mutable_price() = Amount("USD", 180); },
       "INVALID_ARGUMENT price_list.entries[0].price.currency_code"},
      {"a negative price", [](auto* l) { *l->mutable_entries(0)->mutable_price() = Eur(-1); },
       "INVALID_ARGUMENT price_list.entries[0].price"},
  };
  for (const ListCase& c : lists) {
    INFO(c.what);
    sv1::PriceList list = List("Retail", "EUR", "", 0, {{kMonitor, Eur(180)}});
    c.spoil(&list);
    CHECK(Outcome(sales.TryCreateList(list)) == c.outcome);
  }

  struct ConditionCase {
    std::string what;
    std::function<void(sv1::PriceCondition*)> spoil;
    std::string outcome;
  };
  // Each spoils the SPEC's condition (a percentage scale); those marked
  // "fixed:" replace it with one of a single percentage or amount.
  const std::vector<ConditionCase> conditions = {
      {"no display name", [](auto* c) { c->clear_display_name(); },
       "INVALID_ARGUMENT price_condition.display_name"},
      {"no type", [](auto* c) { c->clear_type(); }, "INVALID_ARGUMENT price_condition.type"},
      {"an unknown type", [](auto* c) { c->set_type(static_cast<sv1::ConditionType>(9)); },
       "INVALID_ARGUMENT price_condition.type"},
      {"fixed: a discount over 100 %",
       [](auto* c) { *c = GroupCondition("Too much", sv1::CONDITION_TYPE_DISCOUNT_PERCENT, 150); },
       "INVALID_ARGUMENT price_condition.percent"},
      {"fixed: a discount of 0 %",
       [](auto* c) { *c = GroupCondition("Nothing", sv1::CONDITION_TYPE_DISCOUNT_PERCENT, 0); },
       "INVALID_ARGUMENT price_condition.percent"},
      {"fixed: a percentage with 5 decimals",
       [](auto* c) { *c = GroupCondition("Odd", sv1::CONDITION_TYPE_DISCOUNT_PERCENT, 1.23456); },
       "INVALID_ARGUMENT price_condition.percent"},
      {"fixed: a surcharge over 1000 %",
       [](auto* c) { *c = GroupCondition("Steep", sv1::CONDITION_TYPE_SURCHARGE_PERCENT, 1001); },
       "INVALID_ARGUMENT price_condition.percent"},
      {"fixed: an amount on a percentage",
       [](auto* c) {
         *c = GroupCondition("Both", sv1::CONDITION_TYPE_DISCOUNT_PERCENT, 5, Eur(5));
       },
       "INVALID_ARGUMENT price_condition.amount"},
      {"fixed: a price without amount",
       [](auto* c) { *c = GroupCondition("Price", sv1::CONDITION_TYPE_PRICE, 0); },
       "INVALID_ARGUMENT price_condition.amount"},
      {"fixed: a percentage on a price",
       [](auto* c) { *c = GroupCondition("Price", sv1::CONDITION_TYPE_PRICE, 5, Eur(150)); },
       "INVALID_ARGUMENT price_condition.percent"},
      {"fixed: an exclusive price",
       [](auto* c) {
         *c = GroupCondition("Price", sv1::CONDITION_TYPE_PRICE, 0, Eur(150));
         c->set_exclusive(true);
       },
       "INVALID_ARGUMENT price_condition.exclusive"},
      {"a percentage beside the scale", [](auto* c) { c->set_percent(10); },
       "INVALID_ARGUMENT price_condition.percent"},
      {"a scale not ascending",
       [](auto* c) {
         sv1::ScaleLevel* level = c->add_scale();
         level->set_min_quantity(50);
         level->set_percent(5);
       },
       "INVALID_ARGUMENT price_condition.scale[1].min_quantity"},
      {"a scale level repeated", [](auto* c) { *c->add_scale() = c->scale(0); },
       "INVALID_ARGUMENT price_condition.scale[1].min_quantity"},
      {"a scale level over 100 %", [](auto* c) { c->mutable_scale(0)->set_percent(110); },
       "INVALID_ARGUMENT price_condition.scale[0].percent"},
      {"a scale level from 0", [](auto* c) { c->mutable_scale(0)->set_min_quantity(0); },
       "INVALID_ARGUMENT price_condition.scale[0].min_quantity"},
      {"an empty scope", [](auto* c) { c->clear_scope(); },
       "INVALID_ARGUMENT price_condition.scope"},
      {"a scope product that is not a name",
       [](auto* c) { c->mutable_scope()->set_product("monitor"); },
       "INVALID_ARGUMENT price_condition.scope.product"},
      {"a lower-case product group",
       [](auto* c) { c->mutable_scope()->set_product_group("monitors"); },
       "INVALID_ARGUMENT price_condition.scope.product_group"},
      {"an unknown customer class",
       [](auto* c) { c->mutable_scope()->set_customer_class(static_cast<pv1::CustomerClass>(8)); },
       "INVALID_ARGUMENT price_condition.scope.customer_class"},
      {"a customer that is not a name", [](auto* c) { c->mutable_scope()->set_customer("alvis"); },
       "INVALID_ARGUMENT price_condition.scope.customer"},
      {"a campaign that is not a name", [](auto* c) { c->mutable_scope()->set_campaign("spring"); },
       "INVALID_ARGUMENT price_condition.scope.campaign"},
      {"valid_to before valid_from",
       [](auto* c) { *c->mutable_valid_to() = MakeDate(2026, 9, 30); },
       "INVALID_ARGUMENT price_condition.valid_to"},
      {"an impossible valid_to", [](auto* c) { *c->mutable_valid_to() = MakeDate(2026, 2, 29); },
       "INVALID_ARGUMENT price_condition.valid_to"},
      {"a priority too high", [](auto* c) { c->set_priority(1001); },
       "INVALID_ARGUMENT price_condition.priority"},
  };
  for (const ConditionCase& c : conditions) {
    INFO(c.what);
    sv1::PriceCondition condition = VolumeDiscount();
    c.spoil(&condition);
    CHECK(Outcome(sales.TryCreateCondition(condition)) == c.outcome);
  }
  // Without a condition at all.
  sv1::CreatePriceConditionRequest empty;
  sv1::PriceCondition ignored;
  CHECK(Outcome(sales.pricing().CreatePriceCondition(
            ContextWithDeadline().get(), empty, &ignored)) == "INVALID_ARGUMENT price_condition");

  CHECK(sales.ListNames().empty());
  CHECK(sales.ConditionNames().empty());
  CHECK(sales.HeadSequence() == head);
}

TEST_CASE("pricing: ListPriceConditions filters by valid_on and type, newest first, paged",
          "[sales][pricing]") {
  Sales sales;
  sales.AddCatalog();
  auto valid = [](sv1::PriceCondition c, const Date& from, const Date& to) {
    if (from.year() != 0) *c.mutable_valid_from() = from;
    if (to.year() != 0) *c.mutable_valid_to() = to;
    return c;
  };
  const Date open;
  using sv1::CONDITION_TYPE_DISCOUNT_PERCENT;
  const std::string autumn = sales.CreateCondition(VolumeDiscount()).name();  // 2026-10-01..12-31
  const std::string november =
      sales
          .CreateCondition(
              valid(GroupCondition("November price", sv1::CONDITION_TYPE_PRICE, 0, Eur(179)),
                    MakeDate(2026, 11, 1), MakeDate(2026, 11, 30)))
          .name();
  const std::string summer =
      sales
          .CreateCondition(
              valid(GroupCondition("Summer surcharge", sv1::CONDITION_TYPE_SURCHARGE_PERCENT, 5),
                    MakeDate(2026, 6, 1), MakeDate(2026, 8, 31)))
          .name();
  const std::string standing = sales
                                   .CreateCondition(GroupCondition(
                                       "Standing", sv1::CONDITION_TYPE_DISCOUNT_AMOUNT, 0, Eur(2)))
                                   .name();
  const std::string december =
      sales
          .CreateCondition(
              valid(GroupCondition("From December", CONDITION_TYPE_DISCOUNT_PERCENT, 3),
                    MakeDate(2026, 12, 1), open))
          .name();
  const std::string until_october =
      sales
          .CreateCondition(
              valid(GroupCondition("Until October", CONDITION_TYPE_DISCOUNT_PERCENT, 1), open,
                    MakeDate(2026, 10, 31)))
          .name();

  auto names = [&](const Date& valid_on, sv1::ConditionType type, int page_size = 0,
                   int* pages = nullptr) {
    sv1::ListPriceConditionsRequest request;
    if (valid_on.year() != 0) *request.mutable_valid_on() = valid_on;
    request.set_type(type);
    request.set_page_size(page_size);
    return sales.ConditionNames(request, pages);
  };
  const auto any = sv1::CONDITION_TYPE_UNSPECIFIED;
  const Strings everything = {until_october, december, standing, summer, november, autumn};
  CHECK(names(open, any) == everything);
  CHECK(names(kPricingDay, any) == Strings{standing, november, autumn});
  CHECK(names(MakeDate(2026, 12, 15), any) == Strings{december, standing, autumn});
  CHECK(names(MakeDate(2026, 7, 1), any) == Strings{until_october, standing, summer});
  // Both ends of a period count.
  CHECK(names(MakeDate(2026, 10, 31), any) == Strings{until_october, standing, autumn});
  CHECK(names(MakeDate(2026, 10, 1), any) == Strings{until_october, standing, autumn});
  CHECK(names(MakeDate(2026, 12, 1), any) == Strings{december, standing, autumn});
  CHECK(names(open, CONDITION_TYPE_DISCOUNT_PERCENT) == Strings{until_october, december, autumn});
  CHECK(names(open, sv1::CONDITION_TYPE_PRICE) == Strings{november});
  CHECK(names(kPricingDay, CONDITION_TYPE_DISCOUNT_PERCENT) == Strings{autumn});
  CHECK(names(MakeDate(2027, 6, 1), sv1::CONDITION_TYPE_SURCHARGE_PERCENT).empty());

  // Two at a time, without repeats or gaps.
  int pages = 0;
  CHECK(names(open, any, 2, &pages) == everything);
  CHECK(pages == 3);
  CHECK(names(open, CONDITION_TYPE_DISCOUNT_PERCENT, 2, &pages) ==
        Strings{until_october, december, autumn});
  CHECK(pages == 2);
  CHECK(names(MakeDate(2026, 12, 15), any, 1, &pages) == Strings{december, standing, autumn});
  CHECK(pages == 3);

  // A token belongs to its filters; bad filters name their field.
  sv1::ListPriceConditionsRequest request;
  request.set_page_size(2);
  sv1::ListPriceConditionsResponse first;
  REQUIRE(Outcome(sales.TryListConditions(request, &first)) == "OK");
  REQUIRE_FALSE(first.next_page_token().empty());
  sv1::ListPriceConditionsResponse response;
  request.set_page_token(first.next_page_token());
  request.set_type(CONDITION_TYPE_DISCOUNT_PERCENT);
  CHECK(Outcome(sales.TryListConditions(request, &response)) == "INVALID_ARGUMENT page_token");
  request.set_type(any);
  *request.mutable_valid_on() = kPricingDay;
  CHECK(Outcome(sales.TryListConditions(request, &response)) == "INVALID_ARGUMENT page_token");
  request.clear_valid_on();
  CHECK(Outcome(sales.TryListConditions(request, &response)) == "OK");
  request.set_page_token("garbage");
  CHECK(Outcome(sales.TryListConditions(request, &response)) == "INVALID_ARGUMENT page_token");

  sv1::ListPriceConditionsRequest bad;
  *bad.mutable_valid_on() = MakeDate(2026, 2, 30);
  CHECK(Outcome(sales.TryListConditions(bad, &response)) == "INVALID_ARGUMENT valid_on");
  bad.clear_valid_on();
  bad.set_type(static_cast<sv1::ConditionType>(42));
  CHECK(Outcome(sales.TryListConditions(bad, &response)) == "INVALID_ARGUMENT type");
  bad.set_type(any);
  bad.set_page_size(-1);
  CHECK(Outcome(sales.TryListConditions(bad, &response)) == "INVALID_ARGUMENT page_size");
}
