// The field-service rules without storage: each bad field of technicians,
// spare parts, service orders and confirmations named; the skills an order
// needs and who has them and is free; the expected completion date from
// missing parts; what the customer is told about parts; and what a
// confirmation costs and what a warranty covers.
#include "services/servicedesk/service_order_rules.h"

#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/api/dates.h"
#include "common/money/money.h"
#include "common/testing/sample_values.h"

namespace crm::servicedesk {
namespace {

using crm::testing::MakeDate;
using Fields = std::vector<std::string>;
using Strings = std::vector<std::string>;

Fields FieldsOf(const Violations& violations) {
  Fields fields;
  for (const auto& v : violations.list()) fields.push_back(v.field);
  return fields;
}

crm::type::v1::Money Price(int64_t units, int32_t nanos = 0, const std::string& currency = "EUR") {
  crm::type::v1::Money money;
  money.set_currency_code(currency);
  money.set_units(units);
  money.set_nanos(nanos);
  return money;
}

// "EUR 180.00": an amount as one CHECK can compare it.
std::string Text(const crm::type::v1::Money& money) {
  return money::Format(money::ToNanos(money), money.currency_code());
}

v1::Technician Berger() {
  v1::Technician technician;
  technician.set_partner("partners/p1");
  technician.set_display_name("Jana Berger");
  technician.add_skills("DISPLAY-REPAIR");
  technician.add_skills("INVERTER");
  technician.set_daily_capacity(4);
  *technician.add_absences() = MakeDate(2030, 5, 20);
  return technician;
}

Fields Check(const v1::Technician& technician) {
  Violations out;
  ValidateTechnician(technician, "technician", &out);
  return FieldsOf(out);
}

v1::SparePart Board() {
  v1::SparePart part;
  part.set_product("products/m27");
  part.set_display_name("Inverter board M27");
  part.set_quantity_on_hand(3);
  part.set_quantity_reserved(1);
  *part.mutable_replenishment_date() = MakeDate(2030, 6, 1);
  *part.mutable_unit_price() = Price(80);
  return part;
}

Fields Check(const v1::SparePart& part) {
  Violations out;
  ValidateSparePart(part, "spare_part", &out);
  return FieldsOf(out);
}

v1::ServiceOrderItem Labour(const std::string& id, const std::string& skill, double hours,
                            int64_t rate) {
  v1::ServiceOrderItem item;
  item.set_item_id(id);
  item.set_type(v1::SERVICE_ITEM_TYPE_LABOUR);
  item.set_skill(skill);
  item.set_hours(hours);
  *item.mutable_hourly_rate() = Price(rate);
  return item;
}

v1::ServiceOrderItem Part(const std::string& id, const std::string& part, int64_t quantity) {
  v1::ServiceOrderItem item;
  item.set_item_id(id);
  item.set_type(v1::SERVICE_ITEM_TYPE_PART);
  item.set_spare_part(part);
  item.set_quantity(quantity);
  return item;
}

v1::ServiceOrder Repair() {
  v1::ServiceOrder order;
  order.set_name("serviceOrders/o1");
  order.set_customer("partners/c1");
  order.set_ticket("tickets/t1");
  order.set_component("installedComponents/ic1");
  order.set_description("Replace the inverter board");
  *order.mutable_planned_date() = MakeDate(2030, 5, 14);
  order.set_currency_code("EUR");
  *order.add_items() = Labour("10", "DISPLAY-REPAIR", 2, 90);
  *order.add_items() = Part("20", "spareParts/board", 1);
  return order;
}

Fields Check(const v1::ServiceOrder& order) {
  Violations out;
  ValidateServiceOrder(order, "service_order", &out);
  return FieldsOf(out);
}

v1::ServiceConfirmation Work() {
  v1::ServiceConfirmation confirmation;
  *confirmation.mutable_work_date() = MakeDate(2030, 5, 14);
  v1::TimeEntry& time = *confirmation.add_time_entries();
  time.set_item_id("10");
  time.set_hours(2);
  v1::MaterialEntry& material = *confirmation.add_materials();
  material.set_spare_part("spareParts/board");
  material.set_quantity(1);
  confirmation.set_report("Board replaced");
  return confirmation;
}

Fields Check(const v1::ServiceConfirmation& confirmation) {
  Violations out;
  ValidateConfirmation(confirmation, "service_confirmation", &out);
  return FieldsOf(out);
}

v1::MissingPart Missing(const std::string& item, const std::string& part, int64_t quantity,
                        const google::type::Date* delivery) {
  v1::MissingPart missing;
  missing.set_item_id(item);
  missing.set_spare_part(part);
  missing.set_quantity(quantity);
  if (delivery != nullptr) *missing.mutable_replenishment_date() = *delivery;
  return missing;
}

v1::Entitlement Covering(const std::vector<v1::WarrantyCoverage>& coverage) {
  v1::Entitlement entitlement;
  entitlement.set_component("installedComponents/ic1");
  entitlement.set_covered(!coverage.empty());
  if (!coverage.empty()) entitlement.add_warranties("warranties/w1");
  for (v1::WarrantyCoverage c : coverage) entitlement.add_coverage(c);
  return entitlement;
}

// The confirmation of 2 h at EUR 90 and one board at EUR 80, as computed.
v1::ServiceConfirmation Computed(const v1::Entitlement& entitlement) {
  v1::ServiceConfirmation confirmation = Work();
  const std::map<std::string, money::Nanos> prices = {
      {"spareParts/board", money::ToNanos(Price(80))}};
  ComputeConfirmationAmounts(Repair(), prices, entitlement, &confirmation);
  return confirmation;
}

TEST_CASE("service order rules: a sound technician passes and each bad field is named",
          "[servicedesk][service_order]") {
  CHECK(Check(Berger()).empty());
  v1::Technician technician = Berger();
  technician.clear_partner();
  technician.set_display_name(" ");
  technician.clear_skills();
  CHECK(Check(technician) ==
        Fields{"technician.partner", "technician.display_name", "technician.skills"});
  technician = Berger();
  technician.set_partner("employees/p1");
  CHECK(Check(technician) == Fields{"technician.partner"});
}

TEST_CASE("service order rules: skills must be codes listed once each",
          "[servicedesk][service_order]") {
  v1::Technician technician = Berger();
  technician.add_skills("display repair");
  CHECK(Check(technician) == Fields{"technician.skills[2]"});
  technician = Berger();
  technician.add_skills("INVERTER");
  CHECK(Check(technician) == Fields{"technician.skills[2]"});
  technician = Berger();
  for (int i = 0; i < 19; ++i) technician.add_skills("SKILL-" + std::to_string(i));
  CHECK(Check(technician) == Fields{"technician.skills"});
}

TEST_CASE("service order rules: daily capacity is 1 to 20 and absences are listed once",
          "[servicedesk][service_order]") {
  v1::Technician technician = Berger();
  // The service sets an unset capacity to 4 before validation; the rule
  // itself refuses 0.
  technician.set_daily_capacity(0);
  CHECK(Check(technician) == Fields{"technician.daily_capacity"});
  technician.set_daily_capacity(21);
  CHECK(Check(technician) == Fields{"technician.daily_capacity"});
  technician.set_daily_capacity(20);
  CHECK(Check(technician).empty());
  technician.set_daily_capacity(1);
  CHECK(Check(technician).empty());
  *technician.add_absences() = MakeDate(2030, 5, 20);
  CHECK(Check(technician) == Fields{"technician.absences[1]"});
  technician = Berger();
  *technician.add_absences() = MakeDate(2030, 2, 30);
  CHECK(Check(technician) == Fields{"technician.absences[1]"});
}

TEST_CASE("service order rules: a spare part needs a product and no negative stock or price",
          "[servicedesk][service_order]") {
  CHECK(Check(Board()).empty());
  v1::SparePart part = Board();
  part.set_quantity_on_hand(-1);
  CHECK(Check(part) == Fields{"spare_part.quantity_on_hand"});
  part = Board();
  *part.mutable_unit_price() = Price(-5);
  CHECK(Check(part) == Fields{"spare_part.unit_price"});
  part = Board();
  part.set_product("catalogue/m27");
  CHECK(Check(part) == Fields{"spare_part.product"});
  part.clear_product();
  part.clear_display_name();
  part.clear_unit_price();
  CHECK(Check(part) ==
        Fields{"spare_part.product", "spare_part.display_name", "spare_part.unit_price"});
  part = Board();
  part.set_quantity_on_hand(0);
  part.clear_replenishment_date();
  CHECK(Check(part).empty());
}

TEST_CASE("service order rules: a sound order passes and its own fields are named",
          "[servicedesk][service_order]") {
  CHECK(Check(Repair()).empty());
  v1::ServiceOrder order = Repair();
  order.clear_planned_date();
  order.clear_currency_code();
  CHECK(Check(order) == Fields{"service_order.planned_date", "service_order.currency_code"});
  order = Repair();
  order.set_customer("customers/c1");
  order.set_ticket("cases/1");
  order.set_component("components/1");
  order.set_currency_code("eur");
  // The hourly rate is in EUR, which is not the order's (bad) currency.
  CHECK(Check(order) == Fields{"service_order.customer", "service_order.ticket",
                               "service_order.component", "service_order.currency_code",
                               "service_order.items[0].hourly_rate.currency_code"});
  order = Repair();
  order.clear_items();
  CHECK(Check(order) == Fields{"service_order.items"});
}

TEST_CASE("service order rules: item ids are digits, each used once",
          "[servicedesk][service_order]") {
  v1::ServiceOrder order = Repair();
  order.mutable_items(1)->set_item_id("10");
  CHECK(Check(order) == Fields{"service_order.items[1].item_id"});
  order.mutable_items(1)->set_item_id("2a");
  CHECK(Check(order) == Fields{"service_order.items[1].item_id"});
  order.mutable_items(1)->set_item_id("12345678901");
  CHECK(Check(order) == Fields{"service_order.items[1].item_id"});
  order.mutable_items(1)->clear_item_id();
  order.mutable_items(0)->set_type(v1::SERVICE_ITEM_TYPE_UNSPECIFIED);
  CHECK(Check(order) == Fields{"service_order.items[0].type", "service_order.items[1].item_id"});
}

TEST_CASE("service order rules: labour needs a skill, hours and a rate in the order's currency",
          "[servicedesk][service_order]") {
  v1::ServiceOrder order = Repair();
  v1::ServiceOrderItem& labour = *order.mutable_items(0);
  labour.clear_skill();
  labour.clear_hours();
  labour.clear_hourly_rate();
  CHECK(Check(order) == Fields{"service_order.items[0].skill", "service_order.items[0].hours",
                               "service_order.items[0].hourly_rate"});
  order = Repair();
  order.mutable_items(0)->set_skill("display-repair");
  order.mutable_items(0)->set_hours(1.555);
  CHECK(Check(order) == Fields{"service_order.items[0].skill", "service_order.items[0].hours"});
  order.mutable_items(0)->set_skill("DISPLAY-REPAIR");
  order.mutable_items(0)->set_hours(1000.01);
  CHECK(Check(order) == Fields{"service_order.items[0].hours"});
  order.mutable_items(0)->set_hours(1000);
  CHECK(Check(order).empty());
  *order.mutable_items(0)->mutable_hourly_rate() = Price(90, 0, "USD");
  CHECK(Check(order) == Fields{"service_order.items[0].hourly_rate.currency_code"});
}

TEST_CASE("service order rules: a part needs a spare part and a quantity of 1 to 1000000",
          "[servicedesk][service_order]") {
  v1::ServiceOrder order = Repair();
  order.mutable_items(1)->set_quantity(0);
  CHECK(Check(order) == Fields{"service_order.items[1].quantity"});
  order.mutable_items(1)->set_quantity(-2);
  CHECK(Check(order) == Fields{"service_order.items[1].quantity"});
  order.mutable_items(1)->set_quantity(1000001);
  CHECK(Check(order) == Fields{"service_order.items[1].quantity"});
  order.mutable_items(1)->set_quantity(1000000);
  CHECK(Check(order).empty());
  order.mutable_items(1)->clear_spare_part();
  CHECK(Check(order) == Fields{"service_order.items[1].spare_part"});
  order.mutable_items(1)->set_spare_part("products/board");
  CHECK(Check(order) == Fields{"service_order.items[1].spare_part"});
}

TEST_CASE("service order rules: labour fields on a part and part fields on labour are refused",
          "[servicedesk][service_order]") {
  v1::ServiceOrder order = Repair();
  v1::ServiceOrderItem& part = *order.mutable_items(1);
  part.set_skill("DISPLAY-REPAIR");
  part.set_hours(1);
  *part.mutable_hourly_rate() = Price(90);
  v1::ServiceOrderItem& labour = *order.mutable_items(0);
  labour.set_spare_part("spareParts/board");
  labour.set_quantity(1);
  CHECK(Check(order) == Fields{"service_order.items[0].spare_part",
                               "service_order.items[0].quantity", "service_order.items[1].skill",
                               "service_order.items[1].hours",
                               "service_order.items[1].hourly_rate"});
}

TEST_CASE("service order rules: confirmed quantities are 1 to 1000000 and hours above 0 to 24",
          "[servicedesk][service_order]") {
  CHECK(Check(Work()).empty());
  v1::ServiceConfirmation confirmation = Work();
  confirmation.mutable_materials(0)->set_quantity(-1);
  CHECK(Check(confirmation) == Fields{"service_confirmation.materials[0].quantity"});
  confirmation.mutable_materials(0)->set_quantity(0);
  CHECK(Check(confirmation) == Fields{"service_confirmation.materials[0].quantity"});
  confirmation = Work();
  for (double hours : {0.0, -1.0, 24.01, 25.0, 1.125}) {
    INFO(hours);
    confirmation.mutable_time_entries(0)->set_hours(hours);
    CHECK(Check(confirmation) == Fields{"service_confirmation.time_entries[0].hours"});
  }
  confirmation.mutable_time_entries(0)->set_hours(24);
  CHECK(Check(confirmation).empty());
  confirmation.mutable_time_entries(0)->set_hours(0.25);
  CHECK(Check(confirmation).empty());
}

TEST_CASE(
    "service order rules: a confirmation needs a work day, named items and something recorded",
    "[servicedesk][service_order]") {
  v1::ServiceConfirmation confirmation = Work();
  confirmation.clear_work_date();
  confirmation.mutable_time_entries(0)->clear_item_id();
  confirmation.mutable_materials(0)->set_spare_part("parts/board");
  CHECK(Check(confirmation) == Fields{"service_confirmation.work_date",
                                      "service_confirmation.time_entries[0].item_id",
                                      "service_confirmation.materials[0].spare_part"});
  v1::ServiceConfirmation empty;
  *empty.mutable_work_date() = MakeDate(2030, 5, 14);
  CHECK(Check(empty) == Fields{"service_confirmation"});
  empty.set_final(true);
  CHECK(Check(empty).empty());
  empty.set_final(false);
  empty.set_report("Looked at it; nothing to do yet");
  CHECK(Check(empty).empty());
}

TEST_CASE("service order rules: time is recorded on the order's labour items only",
          "[servicedesk][service_order]") {
  auto fields = [](const v1::ServiceConfirmation& confirmation) {
    Violations out;
    CheckConfirmationItems(confirmation, Repair(), "service_confirmation", &out);
    return FieldsOf(out);
  };
  v1::ServiceConfirmation confirmation = Work();
  CHECK(fields(confirmation).empty());
  confirmation.mutable_time_entries(0)->set_item_id("20");  // the part
  v1::TimeEntry& unknown = *confirmation.add_time_entries();
  unknown.set_item_id("30");
  unknown.set_hours(1);
  CHECK(fields(confirmation) == Fields{"service_confirmation.time_entries[0].item_id",
                                       "service_confirmation.time_entries[1].item_id"});
  Violations out;
  CheckConfirmationItems(confirmation, Repair(), "service_confirmation", &out);
  REQUIRE(out.list().size() == 2);
  CHECK(absl::StrContains(out.list()[0].description, "serviceOrders/o1"));
}

TEST_CASE("service order rules: the skills of the labour items, and which a technician lacks",
          "[servicedesk][service_order]") {
  v1::ServiceOrder order = Repair();
  *order.add_items() = Labour("30", "CALIBRATION", 1, 90);
  *order.add_items() = Labour("40", "DISPLAY-REPAIR", 1, 90);
  CHECK(SkillsNeeded(order) == std::set<std::string>{"CALIBRATION", "DISPLAY-REPAIR"});
  v1::ServiceOrder parts_only = Repair();
  parts_only.mutable_items()->DeleteSubrange(0, 1);
  CHECK(SkillsNeeded(parts_only).empty());

  const v1::Technician berger = Berger();
  CHECK(MissingSkills(berger, SkillsNeeded(order)) == Strings{"CALIBRATION"});
  CHECK(MissingSkills(berger, SkillsNeeded(Repair())).empty());
  CHECK(MissingSkills(berger, {}).empty());
  v1::Technician novice = Berger();
  novice.clear_skills();
  novice.add_skills("NETWORK");
  CHECK(MissingSkills(novice, SkillsNeeded(order)) == Strings{"CALIBRATION", "DISPLAY-REPAIR"});
}

TEST_CASE("service order rules: a technician is away exactly on the days listed",
          "[servicedesk][service_order]") {
  v1::Technician technician = Berger();
  *technician.add_absences() = MakeDate(2030, 5, 22);
  CHECK(IsAway(technician, MakeDate(2030, 5, 20)));
  CHECK(IsAway(technician, MakeDate(2030, 5, 22)));
  CHECK_FALSE(IsAway(technician, MakeDate(2030, 5, 21)));
  CHECK_FALSE(IsAway(technician, MakeDate(2031, 5, 20)));
  technician.clear_absences();
  CHECK_FALSE(IsAway(technician, MakeDate(2030, 5, 20)));
}

TEST_CASE("service order rules: without missing parts the work is expected on the planned date",
          "[servicedesk][service_order]") {
  v1::ServiceOrder order = Repair();
  *order.mutable_expected_completion_date() = MakeDate(2031, 1, 1);
  SetExpectedCompletion(&order);
  CHECK(order.parts_status() == v1::PARTS_STATUS_ALL_RESERVED);
  CHECK(api::IsoDate(order.expected_completion_date()) == "2030-05-14");
}

TEST_CASE("service order rules: the latest delivery of a missing part sets the expected date",
          "[servicedesk][service_order]") {
  v1::ServiceOrder order = Repair();
  const google::type::Date early = MakeDate(2030, 5, 30);
  const google::type::Date late = MakeDate(2030, 6, 12);
  *order.add_missing_parts() = Missing("20", "spareParts/board", 1, &late);
  *order.add_missing_parts() = Missing("30", "spareParts/cable", 2, &early);
  SetExpectedCompletion(&order);
  CHECK(order.parts_status() == v1::PARTS_STATUS_MISSING);
  CHECK(api::IsoDate(order.expected_completion_date()) == "2030-06-12");

  // A delivery before the planned date does not bring the work forward.
  const google::type::Date before = MakeDate(2030, 5, 2);
  order.clear_missing_parts();
  *order.add_missing_parts() = Missing("20", "spareParts/board", 1, &before);
  SetExpectedCompletion(&order);
  CHECK(order.parts_status() == v1::PARTS_STATUS_MISSING);
  CHECK(api::IsoDate(order.expected_completion_date()) == "2030-05-14");
}

TEST_CASE("service order rules: a missing part without a delivery date leaves the date unset",
          "[servicedesk][service_order]") {
  v1::ServiceOrder order = Repair();
  const google::type::Date late = MakeDate(2030, 6, 12);
  *order.add_missing_parts() = Missing("20", "spareParts/board", 1, &late);
  *order.add_missing_parts() = Missing("30", "spareParts/cable", 2, nullptr);
  *order.mutable_expected_completion_date() = MakeDate(2030, 5, 14);
  SetExpectedCompletion(&order);
  CHECK(order.parts_status() == v1::PARTS_STATUS_MISSING);
  CHECK_FALSE(order.has_expected_completion_date());
}

TEST_CASE("service order rules: the parts note names each part, how many and the dates",
          "[servicedesk][service_order]") {
  v1::ServiceOrder order = Repair();
  const google::type::Date delivery = MakeDate(2030, 6, 12);
  *order.add_missing_parts() = Missing("20", "spareParts/board", 2, &delivery);
  SetExpectedCompletion(&order);
  const std::map<std::string, std::string> names = {{"spareParts/board", "Inverter board M27"}};
  const std::string text = PartsNoteText(order, names);
  INFO(text);
  CHECK(absl::StrContains(text, "2 x Inverter board M27"));
  CHECK(absl::StrContains(text, "expected 2030-06-12"));
  CHECK(absl::StrContains(text, "complete the work on 2030-06-12"));

  *order.add_missing_parts() = Missing("30", "spareParts/cable", 1, nullptr);
  SetExpectedCompletion(&order);
  const std::string undated = PartsNoteText(order, names);
  INFO(undated);
  CHECK(absl::StrContains(undated, "1 x spareParts/cable (no delivery date yet)"));
  CHECK_FALSE(absl::StrContains(undated, "complete the work on"));

  order.clear_missing_parts();
  SetExpectedCompletion(&order);
  const std::string ready = PartsNoteText(order, names);
  INFO(ready);
  CHECK(absl::StrContains(ready, "in stock"));
  CHECK(absl::StrContains(ready, "2030-05-14"));
}

TEST_CASE("service order rules: labour is hours times rate and material parts times price",
          "[servicedesk][service_order]") {
  const v1::ServiceConfirmation confirmation = Computed(v1::Entitlement());
  CHECK(Text(confirmation.labour_amount()) == "EUR 180.00");
  CHECK(Text(confirmation.material_amount()) == "EUR 80.00");
  CHECK(Text(confirmation.covered_amount()) == "EUR 0.00");
  CHECK(Text(confirmation.billable_amount()) == "EUR 260.00");
  CHECK(confirmation.covered_by().empty());

  // 1.25 h at EUR 33.33 is EUR 41.6625: rounded to cents. Three parts at
  // EUR 12.345 are EUR 37.035: rounded to cents.
  v1::ServiceOrder order = Repair();
  *order.mutable_items(0)->mutable_hourly_rate() = Price(33, 330000000);
  v1::ServiceConfirmation odd = Work();
  odd.mutable_time_entries(0)->set_hours(1.25);
  odd.mutable_materials(0)->set_quantity(3);
  ComputeConfirmationAmounts(order, {{"spareParts/board", money::ToNanos(Price(12, 345000000))}},
                             v1::Entitlement(), &odd);
  CHECK(Text(odd.labour_amount()) == "EUR 41.66");
  CHECK(odd.labour_amount().nanos() == 660000000);
  CHECK(Text(odd.material_amount()) == "EUR 37.04");
  CHECK(odd.material_amount().nanos() == 40000000);
  CHECK(Text(odd.billable_amount()) == "EUR 78.70");
}

TEST_CASE("service order rules: a warranty covers labour, parts or both as it says",
          "[servicedesk][service_order]") {
  const v1::ServiceConfirmation labour = Computed(Covering({v1::WARRANTY_COVERAGE_LABOUR}));
  CHECK(Text(labour.covered_amount()) == "EUR 180.00");
  CHECK(Text(labour.billable_amount()) == "EUR 80.00");
  CHECK(Strings(labour.covered_by().begin(), labour.covered_by().end()) ==
        Strings{"warranties/w1"});

  const v1::ServiceConfirmation parts = Computed(Covering({v1::WARRANTY_COVERAGE_PARTS}));
  CHECK(Text(parts.covered_amount()) == "EUR 80.00");
  CHECK(Text(parts.billable_amount()) == "EUR 180.00");
  CHECK(parts.covered_by_size() == 1);

  const v1::ServiceConfirmation both =
      Computed(Covering({v1::WARRANTY_COVERAGE_PARTS, v1::WARRANTY_COVERAGE_LABOUR}));
  CHECK(Text(both.covered_amount()) == "EUR 260.00");
  CHECK(Text(both.billable_amount()) == "EUR 0.00");
  CHECK(both.covered_by_size() == 1);
  // Labour and material stay what they are.
  CHECK(Text(both.labour_amount()) == "EUR 180.00");
  CHECK(Text(both.material_amount()) == "EUR 80.00");
}

TEST_CASE("service order rules: nothing is covered without a warranty in force for the work",
          "[servicedesk][service_order]") {
  // Travel only: in force, but covering neither labour nor parts.
  const v1::ServiceConfirmation travel = Computed(Covering({v1::WARRANTY_COVERAGE_TRAVEL}));
  CHECK(Text(travel.covered_amount()) == "EUR 0.00");
  CHECK(Text(travel.billable_amount()) == "EUR 260.00");
  CHECK(travel.covered_by().empty());

  // Coverage listed but not in force that day.
  v1::Entitlement expired = Covering({v1::WARRANTY_COVERAGE_PARTS, v1::WARRANTY_COVERAGE_LABOUR});
  expired.set_covered(false);
  const v1::ServiceConfirmation none = Computed(expired);
  CHECK(Text(none.covered_amount()) == "EUR 0.00");
  CHECK(Text(none.billable_amount()) == "EUR 260.00");
  CHECK(none.covered_by().empty());

  // Parts covered, but no parts used: nothing covered, no warranty named.
  v1::ServiceConfirmation time_only = Work();
  time_only.clear_materials();
  time_only.add_covered_by("warranties/stale");
  ComputeConfirmationAmounts(Repair(), {}, Covering({v1::WARRANTY_COVERAGE_PARTS}), &time_only);
  CHECK(Text(time_only.covered_amount()) == "EUR 0.00");
  CHECK(Text(time_only.billable_amount()) == "EUR 180.00");
  CHECK(time_only.covered_by().empty());
}

}  // namespace
}  // namespace crm::servicedesk
