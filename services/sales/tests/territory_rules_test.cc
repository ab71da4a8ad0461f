// The rules of sales territories without storage or partners:
// ValidateTerritory (display name, parent, 0 to 50 rules each setting at
// least one criterion, ISO country codes, regions compared without case,
// postal code ranges not running backwards, industry code prefixes,
// employee bounds, product group codes, priority from -1000 to 1000, sales
// reps as partner names each once), each bad field with its exact path;
// AccountFactsOf (the default address, else the first; industry and size
// only for organisations); RuleMatches for every criterion (postal codes
// without spaces and case, regions without case, industry prefixes,
// employee bounds with 0 as unknown, product groups only when given);
// AssignTerritory (the deepest taker whose ancestors take the account too,
// rule-less territories taking what their parent takes, priority then the
// smallest name, product-group territories never taking a bare account,
// dangling parents and stored parent loops).
#include "services/sales/territory_rules.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "crm/partners/v1/partner.pb.h"
#include "crm/sales/v1/territory.pb.h"

namespace crm::sales {
namespace {

using Fields = std::vector<std::string>;
using Strings = std::vector<std::string>;
namespace pv1 = partners::v1;

Fields FieldsOf(const Violations& violations) {
  Fields fields;
  for (const FieldViolation& v : violations.list()) fields.push_back(v.field);
  return fields;
}

std::string DescriptionOf(const Violations& violations, const std::string& field) {
  for (const FieldViolation& v : violations.list()) {
    if (v.field == field) return v.description;
  }
  return "";
}

Violations Check(const v1::Territory& territory) {
  Violations violations;
  ValidateTerritory(territory, "territory", &violations);
  return violations;
}
Fields Problems(const v1::Territory& territory) { return FieldsOf(Check(territory)); }

// ---- rules

v1::TerritoryRule Countries(const Strings& codes) {
  v1::TerritoryRule rule;
  for (const std::string& code : codes) rule.add_country_codes(code);
  return rule;
}
v1::TerritoryRule Regions(const Strings& regions) {
  v1::TerritoryRule rule;
  for (const std::string& region : regions) rule.add_regions(region);
  return rule;
}
v1::PostalCodeRange* AddRange(v1::TerritoryRule* rule, const std::string& first,
                              const std::string& last) {
  v1::PostalCodeRange* range = rule->add_postal_code_ranges();
  range->set_first(first);
  range->set_last(last);
  return range;
}
v1::TerritoryRule Postal(const std::string& first, const std::string& last) {
  v1::TerritoryRule rule;
  AddRange(&rule, first, last);
  return rule;
}
v1::TerritoryRule Industries(const Strings& prefixes) {
  v1::TerritoryRule rule;
  for (const std::string& prefix : prefixes) rule.add_industry_codes(prefix);
  return rule;
}
v1::TerritoryRule Employees(int min, int max) {
  v1::TerritoryRule rule;
  rule.set_min_employee_count(min);
  rule.set_max_employee_count(max);
  return rule;
}
v1::TerritoryRule Groups(const Strings& groups) {
  v1::TerritoryRule rule;
  for (const std::string& group : groups) rule.add_product_groups(group);
  return rule;
}

// ---- territories

// A valid territory that uses every field a client may set.
v1::Territory Bavaria() {
  v1::Territory territory;
  territory.set_display_name("Bavaria");
  territory.set_parent("territories/dach");
  v1::TerritoryRule* rule = territory.add_rules();
  rule->add_country_codes("DE");
  rule->add_regions("Bayern");
  AddRange(rule, "80000", "87999");
  AddRange(rule, "90000", "96999");
  rule->add_industry_codes("C26");
  rule->set_min_employee_count(10);
  rule->set_max_employee_count(5000);
  rule->add_product_groups("NOTEBOOKS");
  *territory.add_rules() = Countries({"AT"});
  territory.set_priority(-20);
  territory.add_sales_reps("partners/rep-1");
  territory.add_sales_reps("partners/rep-2");
  return territory;
}

// A valid territory with only `rule`.
v1::Territory WithRule(const v1::TerritoryRule& rule) {
  v1::Territory territory;
  territory.set_display_name("Somewhere");
  *territory.add_rules() = rule;
  return territory;
}

v1::Territory Node(const std::string& id, const std::string& parent,
                   const std::vector<v1::TerritoryRule>& rules, int priority = 0) {
  v1::Territory territory;
  territory.set_name(absl::StrCat("territories/", id));
  territory.set_display_name(id);
  if (!parent.empty()) territory.set_parent(absl::StrCat("territories/", parent));
  for (const v1::TerritoryRule& rule : rules) *territory.add_rules() = rule;
  territory.set_priority(priority);
  return territory;
}

v1::AccountFacts Facts(const std::string& country, const std::string& postal = "",
                       const std::string& region = "", const std::string& industry = "",
                       int employees = 0) {
  v1::AccountFacts facts;
  facts.set_country_code(country);
  facts.set_postal_code(postal);
  facts.set_region(region);
  facts.set_industry_code(industry);
  facts.set_employee_count(employees);
  return facts;
}

bool Matches(const v1::TerritoryRule& rule, const v1::AccountFacts& facts,
             const std::string& product_group = "") {
  return RuleMatches(rule, facts, product_group);
}

// Europe > DACH > Bavaria (Munich postal codes), Europe > France.
std::vector<v1::Territory> Europe() {
  v1::TerritoryRule bavaria = Postal("80000", "87999");
  bavaria.add_country_codes("DE");
  return {Node("europe", "", {Countries({"DE", "AT", "CH", "FR", "IT"})}),
          Node("dach", "europe", {Countries({"DE", "AT", "CH"})}),
          Node("bavaria", "dach", {bavaria}), Node("france", "europe", {Countries({"FR"})})};
}

std::string Assign(const std::vector<v1::Territory>& territories, const v1::AccountFacts& facts,
                   const std::string& product_group = "") {
  return AssignTerritory(territories, facts, product_group);
}

}  // namespace

// ---------------------------------------------------------------- validation

TEST_CASE("territory rules: a territory using every field is valid", "[sales][territory]") {
  CHECK(Problems(Bavaria()).empty());
  v1::Territory bare;  // top level, no rules, no reps
  bare.set_display_name("World");
  CHECK(Problems(bare).empty());
  v1::Territory edges = Bavaria();
  edges.set_priority(1000);
  CHECK(Problems(edges).empty());
  edges.set_priority(-1000);
  CHECK(Problems(edges).empty());
}

TEST_CASE("territory rules: display name, parent and priority", "[sales][territory]") {
  v1::Territory t = Bavaria();
  t.clear_display_name();
  CHECK(Problems(t) == Fields{"territory.display_name"});
  CHECK(DescriptionOf(Check(t), "territory.display_name") == "is required");
  t.set_display_name("   ");
  CHECK(Problems(t) == Fields{"territory.display_name"});
  t.set_display_name(std::string(201, 'x'));
  CHECK(Problems(t) == Fields{"territory.display_name"});
  t.set_display_name(std::string(200, 'x'));
  CHECK(Problems(t).empty());

  for (const std::string parent : {"regions/dach", "territories/", "territories/DACH!", "dach"}) {
    INFO(parent);
    t = Bavaria();
    t.set_parent(parent);
    CHECK(Problems(t) == Fields{"territory.parent"});
  }

  for (int priority : {1001, -1001, 100000}) {
    INFO(priority);
    t = Bavaria();
    t.set_priority(priority);
    CHECK(Problems(t) == Fields{"territory.priority"});
    CHECK(DescriptionOf(Check(t), "territory.priority") == "must be from -1000 to 1000");
  }
}

TEST_CASE("territory rules: a rule must set at least one criterion", "[sales][territory]") {
  v1::Territory t = Bavaria();
  t.add_rules();  // rules[2]
  CHECK(Problems(t) == Fields{"territory.rules[2]"});
  CHECK(DescriptionOf(Check(t), "territory.rules[2]") == "must set at least one criterion");

  // Bounds of 0 are no criterion; one bound alone is.
  CHECK(Problems(WithRule(Employees(0, 0))) == Fields{"territory.rules[0]"});
  CHECK(Problems(WithRule(Employees(1, 0))).empty());
  CHECK(Problems(WithRule(Employees(0, 50))).empty());
  for (const v1::TerritoryRule& only :
       {Countries({"FR"}), Regions({"Tirol"}), Postal("1000", "1999"), Industries({"G47"}),
        Groups({"MONITORS"})}) {
    CHECK(Problems(WithRule(only)).empty());
  }
}

TEST_CASE("territory rules: at most 50 rules, each value list bounded", "[sales][territory]") {
  v1::Territory t = WithRule(Countries({"DE"}));
  for (int i = 1; i < 50; ++i) *t.add_rules() = Countries({"DE"});
  CHECK(Problems(t).empty());
  t.add_rules();  // 51, one of them empty: only the count is reported
  CHECK(Problems(t) == Fields{"territory.rules"});

  v1::TerritoryRule many;
  for (int i = 0; i < 101; ++i) many.add_regions(absl::StrCat("Region ", i));
  CHECK(Problems(WithRule(many)) == Fields{"territory.rules[0].regions"});
  many.mutable_regions()->RemoveLast();
  CHECK(Problems(WithRule(many)).empty());

  v1::TerritoryRule ranges;
  for (int i = 0; i < 101; ++i) AddRange(&ranges, "1000", "1999");  // not checked past the count
  CHECK(Problems(WithRule(ranges)) == Fields{"territory.rules[0].postal_code_ranges"});

  v1::TerritoryRule groups;
  for (int i = 0; i < 101; ++i) groups.add_product_groups(absl::StrCat("G", i));
  CHECK(Problems(WithRule(groups)) == Fields{"territory.rules[0].product_groups"});

  v1::TerritoryRule industries;
  for (int i = 0; i < 101; ++i) industries.add_industry_codes(absl::StrCat("C", i));
  CHECK(Problems(WithRule(industries)) == Fields{"territory.rules[0].industry_codes"});
}

TEST_CASE("territory rules: country codes are ISO 3166-1 alpha-2, each once",
          "[sales][territory]") {
  CHECK(Problems(WithRule(Countries({"DE", "de"}))) ==
        Fields{"territory.rules[0].country_codes[1]"});
  CHECK(Problems(WithRule(Countries({"XX"}))) == Fields{"territory.rules[0].country_codes[0]"});
  CHECK(absl::StrContains(
      DescriptionOf(Check(WithRule(Countries({"XX"}))), "territory.rules[0].country_codes[0]"),
      "ISO 3166-1 alpha-2"));
  CHECK(Problems(WithRule(Countries({""}))) == Fields{"territory.rules[0].country_codes[0]"});
  // Too long: the one field is named (once for the length, once for the form).
  for (const std::string& field : Problems(WithRule(Countries({"AT", "DEU"})))) {
    CHECK(field == "territory.rules[0].country_codes[1]");
  }
  CHECK(Problems(WithRule(Countries({"AT", "CH", "AT"}))) ==
        Fields{"territory.rules[0].country_codes[2]"});
  CHECK(absl::StrContains(DescriptionOf(Check(WithRule(Countries({"AT", "AT"}))),
                                        "territory.rules[0].country_codes[1]"),
                          "listed twice"));

  v1::TerritoryRule world;
  for (int i = 0; i < 301; ++i) world.add_country_codes("DE");
  CHECK(Problems(WithRule(world)) == Fields{"territory.rules[0].country_codes"});
}

TEST_CASE("territory rules: regions are present, short and each once without case",
          "[sales][territory]") {
  CHECK(Problems(WithRule(Regions({"Bayern", "BAYERN"}))) ==
        Fields{"territory.rules[0].regions[1]"});
  CHECK(Problems(WithRule(Regions({"Bayern", "Hessen"}))).empty());
  CHECK(Problems(WithRule(Regions({"Bayern", " "}))) == Fields{"territory.rules[0].regions[1]"});
  CHECK(Problems(WithRule(Regions({std::string(101, 'r')}))) ==
        Fields{"territory.rules[0].regions[0]"});
  CHECK(Problems(WithRule(Regions({std::string(100, 'r')}))).empty());
}

TEST_CASE("territory rules: postal code ranges need both ends, the last not before the first",
          "[sales][territory]") {
  v1::TerritoryRule rule = Postal("80000", "87999");
  AddRange(&rule, "90000", "89999");
  v1::Territory t = WithRule(rule);
  CHECK(Problems(t) == Fields{"territory.rules[0].postal_code_ranges[1].last"});
  CHECK(DescriptionOf(Check(t), "territory.rules[0].postal_code_ranges[1].last") ==
        "must not be before first (\"90000\")");

  CHECK(Problems(WithRule(Postal("", "1999"))) ==
        Fields{"territory.rules[0].postal_code_ranges[0].first"});
  CHECK(Problems(WithRule(Postal("1000", ""))) ==
        Fields{"territory.rules[0].postal_code_ranges[0].last"});
  CHECK(Problems(WithRule(Postal("", ""))) ==
        Fields{"territory.rules[0].postal_code_ranges[0].first",
               "territory.rules[0].postal_code_ranges[0].last"});
  CHECK(Problems(WithRule(Postal(std::string(21, '1'), "9"))) ==
        Fields{"territory.rules[0].postal_code_ranges[0].first"});

  // Compared without spaces and case: these run forwards or are one code.
  CHECK(Problems(WithRule(Postal("80 000", "80000"))).empty());
  CHECK(Problems(WithRule(Postal("ab1 0aa", "AB1 9ZZ"))).empty());
  CHECK(Problems(WithRule(Postal("SW1A 0AA", "sw1a 0aa"))).empty());
  CHECK(Problems(WithRule(Postal("AB1 9ZZ", "ab1 0aa"))) ==
        Fields{"territory.rules[0].postal_code_ranges[0].last"});
}

TEST_CASE("territory rules: industry codes are letters, digits, dots and dashes, each once",
          "[sales][territory]") {
  CHECK(Problems(WithRule(Industries({"C26", "C26.2", "G-47"}))).empty());
  CHECK(Problems(WithRule(Industries({"C26/2"}))) ==
        Fields{"territory.rules[0].industry_codes[0]"});
  CHECK(Problems(WithRule(Industries({"C26", "C 27"}))) ==
        Fields{"territory.rules[0].industry_codes[1]"});
  CHECK(Problems(WithRule(Industries({"C26", "C26"}))) ==
        Fields{"territory.rules[0].industry_codes[1]"});
  CHECK(Problems(WithRule(Industries({""}))) == Fields{"territory.rules[0].industry_codes[0]"});
}

TEST_CASE("territory rules: employee bounds are not negative, the max not below the min",
          "[sales][territory]") {
  CHECK(Problems(WithRule(Employees(-1, 0))) == Fields{"territory.rules[0].min_employee_count"});
  CHECK(Problems(WithRule(Employees(0, -5))) == Fields{"territory.rules[0].max_employee_count"});
  const v1::Territory backwards = WithRule(Employees(100, 50));
  CHECK(Problems(backwards) == Fields{"territory.rules[0].max_employee_count"});
  CHECK(DescriptionOf(Check(backwards), "territory.rules[0].max_employee_count") ==
        "must not be below min_employee_count (100)");
  CHECK(Problems(WithRule(Employees(100, 100))).empty());
  CHECK(Problems(WithRule(Employees(100, 0))).empty());  // 0: no upper bound
  CHECK(Problems(WithRule(Employees(-1, -1))) ==
        Fields{"territory.rules[0].min_employee_count", "territory.rules[0].max_employee_count"});
}

TEST_CASE("territory rules: product groups are upper-case codes, each once", "[sales][territory]") {
  CHECK(Problems(WithRule(Groups({"NOTEBOOKS", "MONITORS", "PC_ACCESSORIES", "X-1"}))).empty());
  CHECK(Problems(WithRule(Groups({"notebooks"}))) ==
        Fields{"territory.rules[0].product_groups[0]"});
  CHECK(absl::StrContains(DescriptionOf(Check(WithRule(Groups({"MONITORS", "Note books"}))),
                                        "territory.rules[0].product_groups[1]"),
                          "upper-case"));
  CHECK(Problems(WithRule(Groups({"MONITORS", "MONITORS"}))) ==
        Fields{"territory.rules[0].product_groups[1]"});
  CHECK(Problems(WithRule(Groups({""}))) == Fields{"territory.rules[0].product_groups[0]"});
}

TEST_CASE("territory rules: sales reps are partner names, each once, at most 100",
          "[sales][territory]") {
  v1::Territory t = Bavaria();
  t.add_sales_reps("");                // [2]
  t.add_sales_reps("employees/anna");  // [3]
  t.add_sales_reps("partners/rep-1");  // [4] twice
  t.add_sales_reps("partners/");       // [5]
  const Violations violations = Check(t);
  CHECK(FieldsOf(violations) == Fields{"territory.sales_reps[2]", "territory.sales_reps[3]",
                                       "territory.sales_reps[4]", "territory.sales_reps[5]"});
  CHECK(DescriptionOf(violations, "territory.sales_reps[2]") == "is required");
  CHECK(absl::StrContains(DescriptionOf(violations, "territory.sales_reps[4]"), "listed twice"));

  v1::Territory crowded = Bavaria();
  crowded.clear_sales_reps();
  for (int i = 0; i < 100; ++i) crowded.add_sales_reps(absl::StrCat("partners/rep-", i));
  CHECK(Problems(crowded).empty());
  crowded.add_sales_reps("partners/rep-100");
  CHECK(Problems(crowded) == Fields{"territory.sales_reps"});
}

TEST_CASE("territory rules: every problem of a territory is named at once", "[sales][territory]") {
  v1::Territory t = Bavaria();
  t.clear_display_name();
  t.set_parent("dach");
  v1::TerritoryRule* rule = t.mutable_rules(1);
  rule->add_country_codes("at");
  AddRange(rule, "9", "1");
  t.add_rules();
  t.set_priority(2000);
  t.add_sales_reps("partners/rep-2");
  CHECK(Problems(t) == Fields{"territory.display_name", "territory.parent",
                              "territory.rules[1].country_codes[1]",
                              "territory.rules[1].postal_code_ranges[0].last", "territory.rules[2]",
                              "territory.priority", "territory.sales_reps[2]"});
}

// ---------------------------------------------------------------- facts

TEST_CASE("territory rules: AccountFactsOf reads the default address, else the first",
          "[sales][territory]") {
  pv1::Partner org;
  org.set_category(pv1::PARTNER_CATEGORY_ORGANIZATION);
  org.mutable_organization()->set_legal_name("Alvis Retail GmbH");
  org.mutable_organization()->set_industry_code("G47.4");
  org.mutable_organization()->set_employee_count(240);
  pv1::Address* first = org.add_addresses();
  first->set_country_code("AT");
  first->set_region("Wien");
  first->set_postal_code("1010");
  pv1::Address* second = org.add_addresses();
  second->set_country_code("DE");
  second->set_region("Bayern");
  second->set_postal_code("80331");
  second->set_is_default(true);

  v1::AccountFacts facts = AccountFactsOf(org);
  CHECK(facts.country_code() == "DE");
  CHECK(facts.region() == "Bayern");
  CHECK(facts.postal_code() == "80331");
  CHECK(facts.industry_code() == "G47.4");
  CHECK(facts.employee_count() == 240);

  org.mutable_addresses(1)->set_is_default(false);  // none default: the first
  facts = AccountFactsOf(org);
  CHECK(facts.country_code() == "AT");
  CHECK(facts.region() == "Wien");
  CHECK(facts.postal_code() == "1010");

  org.clear_addresses();  // no address: no location, still industry and size
  facts = AccountFactsOf(org);
  CHECK(facts.country_code().empty());
  CHECK(facts.postal_code().empty());
  CHECK(facts.region().empty());
  CHECK(facts.industry_code() == "G47.4");
  CHECK(facts.employee_count() == 240);
}

TEST_CASE("territory rules: a person has an address but no industry or size",
          "[sales][territory]") {
  pv1::Partner person;
  person.set_category(pv1::PARTNER_CATEGORY_PERSON);
  person.mutable_person()->set_family_name("Huber");
  pv1::Address* home = person.add_addresses();
  home->set_country_code("CH");
  home->set_postal_code("8001");
  const v1::AccountFacts facts = AccountFactsOf(person);
  CHECK(facts.country_code() == "CH");
  CHECK(facts.postal_code() == "8001");
  CHECK(facts.industry_code().empty());
  CHECK(facts.employee_count() == 0);
  CHECK(AccountFactsOf(pv1::Partner()).ByteSizeLong() == 0);
}

// ---------------------------------------------------------------- matching

TEST_CASE("territory rules: countries and regions", "[sales][territory]") {
  const v1::TerritoryRule dach = Countries({"DE", "AT", "CH"});
  CHECK(Matches(dach, Facts("AT")));
  CHECK_FALSE(Matches(dach, Facts("FR")));
  CHECK_FALSE(Matches(dach, Facts("")));

  const v1::TerritoryRule bavaria = Regions({"Bayern"});
  CHECK(Matches(bavaria, Facts("DE", "", "BAYERN")));
  CHECK(Matches(bavaria, Facts("DE", "", "bayern")));
  CHECK_FALSE(Matches(bavaria, Facts("DE", "", "Bavaria")));
  CHECK_FALSE(Matches(bavaria, Facts("DE")));
}

TEST_CASE("territory rules: postal codes compare without spaces and case", "[sales][territory]") {
  v1::TerritoryRule munich = Postal("80000", "81929");
  AddRange(&munich, "85 000", "85999");
  CHECK(Matches(munich, Facts("DE", "80331")));
  CHECK(Matches(munich, Facts("DE", "80 331")));
  CHECK(Matches(munich, Facts("DE", "80000")));  // both ends included
  CHECK(Matches(munich, Facts("DE", "81929")));
  CHECK(Matches(munich, Facts("DE", "85748")));  // the second range
  CHECK_FALSE(Matches(munich, Facts("DE", "81930")));
  CHECK_FALSE(Matches(munich, Facts("DE", "10115")));
  CHECK_FALSE(Matches(munich, Facts("DE", "")));  // no postal code: no match

  const v1::TerritoryRule aberdeen = Postal("ab1 0aa", "AB1 9ZZ");
  CHECK(Matches(aberdeen, Facts("GB", "AB1 2CD")));
  CHECK(Matches(aberdeen, Facts("GB", "ab12cd")));
  CHECK_FALSE(Matches(aberdeen, Facts("GB", "AB2 1AA")));
}

TEST_CASE("territory rules: industry codes are prefixes", "[sales][territory]") {
  const v1::TerritoryRule electronics = Industries({"C26", "J62"});
  CHECK(Matches(electronics, Facts("DE", "", "", "C26.2")));
  CHECK(Matches(electronics, Facts("DE", "", "", "C26")));
  CHECK(Matches(electronics, Facts("DE", "", "", "J62.01")));
  CHECK_FALSE(Matches(electronics, Facts("DE", "", "", "C2")));
  CHECK_FALSE(Matches(electronics, Facts("DE", "", "", "C27.1")));
  CHECK_FALSE(Matches(electronics, Facts("DE", "", "", "")));
}

TEST_CASE("territory rules: employee bounds, an unknown size (0) never under a max",
          "[sales][territory]") {
  const v1::TerritoryRule large = Employees(1000, 0);
  CHECK(Matches(large, Facts("DE", "", "", "", 1000)));
  CHECK(Matches(large, Facts("DE", "", "", "", 250000)));
  CHECK_FALSE(Matches(large, Facts("DE", "", "", "", 999)));
  CHECK_FALSE(Matches(large, Facts("DE", "", "", "", 0)));

  const v1::TerritoryRule small = Employees(0, 50);
  CHECK(Matches(small, Facts("DE", "", "", "", 1)));
  CHECK(Matches(small, Facts("DE", "", "", "", 50)));
  CHECK_FALSE(Matches(small, Facts("DE", "", "", "", 51)));
  CHECK_FALSE(Matches(small, Facts("DE", "", "", "", 0)));  // unknown is not small

  const v1::TerritoryRule mid = Employees(51, 999);
  CHECK(Matches(mid, Facts("DE", "", "", "", 51)));
  CHECK(Matches(mid, Facts("DE", "", "", "", 999)));
  CHECK_FALSE(Matches(mid, Facts("DE", "", "", "", 50)));
  CHECK_FALSE(Matches(mid, Facts("DE", "", "", "", 1000)));
}

TEST_CASE("territory rules: product groups match only an opportunity about one of them",
          "[sales][territory]") {
  const v1::TerritoryRule notebooks = Groups({"NOTEBOOKS", "TABLETS"});
  CHECK(Matches(notebooks, Facts("DE"), "NOTEBOOKS"));
  CHECK(Matches(notebooks, Facts("DE"), "TABLETS"));
  CHECK_FALSE(Matches(notebooks, Facts("DE"), "MONITORS"));
  CHECK_FALSE(Matches(notebooks, Facts("DE"), ""));  // an account on its own
  CHECK_FALSE(Matches(notebooks, Facts("DE"), "notebooks"));

  // A rule without product groups takes any opportunity of the account.
  const v1::TerritoryRule germany = Countries({"DE"});
  CHECK(Matches(germany, Facts("DE"), ""));
  CHECK(Matches(germany, Facts("DE"), "NOTEBOOKS"));
}

TEST_CASE("territory rules: every criterion a rule sets must hold", "[sales][territory]") {
  v1::TerritoryRule rule = Countries({"DE"});
  rule.add_industry_codes("C26");
  rule.set_min_employee_count(100);
  rule.add_product_groups("NOTEBOOKS");
  CHECK(Matches(rule, Facts("DE", "10115", "Berlin", "C26.2", 150), "NOTEBOOKS"));
  CHECK_FALSE(Matches(rule, Facts("AT", "1010", "Wien", "C26.2", 150), "NOTEBOOKS"));
  CHECK_FALSE(Matches(rule, Facts("DE", "10115", "Berlin", "G47", 150), "NOTEBOOKS"));
  CHECK_FALSE(Matches(rule, Facts("DE", "10115", "Berlin", "C26.2", 99), "NOTEBOOKS"));
  CHECK_FALSE(Matches(rule, Facts("DE", "10115", "Berlin", "C26.2", 150), "MONITORS"));
}

// ---------------------------------------------------------------- assignment

TEST_CASE("territory rules: the deepest territory that takes the account wins",
          "[sales][territory]") {
  const std::vector<v1::Territory> europe = Europe();
  CHECK(Assign(europe, Facts("DE", "80331")) == "territories/bavaria");
  CHECK(Assign(europe, Facts("DE", "10115")) == "territories/dach");
  CHECK(Assign(europe, Facts("AT", "85000")) == "territories/dach");  // Bavaria is DE only
  CHECK(Assign(europe, Facts("FR", "75001")) == "territories/france");
  CHECK(Assign(europe, Facts("IT", "00100")) == "territories/europe");
  CHECK(Assign(europe, Facts("US", "10001")) == "");
  CHECK(Assign({}, Facts("DE", "80331")) == "");

  // The order they are given in does not matter.
  std::vector<v1::Territory> reversed(europe.rbegin(), europe.rend());
  CHECK(Assign(reversed, Facts("DE", "80331")) == "territories/bavaria");
}

TEST_CASE("territory rules: a territory takes an account only when its parent takes it too",
          "[sales][territory]") {
  std::vector<v1::Territory> territories = Europe();
  // Electronics makers under DACH: its own rule knows nothing of countries.
  territories.push_back(Node("dach-electronics", "dach", {Industries({"C26"})}));
  CHECK(Assign(territories, Facts("DE", "10115", "", "C26.2")) == "territories/dach-electronics");
  CHECK(Assign(territories, Facts("US", "10001", "", "C26.2")) == "");
  CHECK(Assign(territories, Facts("FR", "75001", "", "C26.2")) == "territories/france");

  // A parent that is not there takes nothing.
  territories.push_back(Node("orphan", "gone", {Countries({"DE"})}));
  CHECK(Assign(territories, Facts("DE", "10115")) == "territories/dach");

  // Any one of a territory's rules will do.
  const std::vector<v1::Territory> alps = {
      Node("alps", "", {Regions({"Tirol"}), Regions({"Bayern"}), Countries({"CH"})})};
  CHECK(Assign(alps, Facts("AT", "", "Tirol")) == "territories/alps");
  CHECK(Assign(alps, Facts("CH")) == "territories/alps");
  CHECK(Assign(alps, Facts("AT", "", "Wien")) == "");
}

TEST_CASE("territory rules: a territory without rules takes what its parent takes",
          "[sales][territory]") {
  std::vector<v1::Territory> territories = Europe();
  territories.push_back(Node("dach-key-accounts", "dach", {}));
  territories.push_back(
      Node("key-accounts-munich", "dach-key-accounts", {Postal("80000", "81999")}));
  CHECK(Assign(territories, Facts("AT", "1010")) == "territories/dach-key-accounts");
  CHECK(Assign(territories, Facts("DE", "80331")) == "territories/key-accounts-munich");
  CHECK(Assign(territories, Facts("FR", "75001")) == "territories/france");
  CHECK(Assign(territories, Facts("US", "10001")) == "");

  // At the top, one without rules takes every account.
  CHECK(Assign({Node("world", "", {})}, Facts("US", "10001")) == "territories/world");
  CHECK(Assign({Node("world", "", {})}, v1::AccountFacts()) == "territories/world");
}

TEST_CASE("territory rules: at the same depth the higher priority, then the smaller name wins",
          "[sales][territory]") {
  const v1::TerritoryRule germany = Countries({"DE"});
  // Given in reverse name order: the smaller name still wins a tie.
  CHECK(Assign({Node("beta", "", {germany}), Node("alpha", "", {germany})}, Facts("DE")) ==
        "territories/alpha");
  CHECK(Assign({Node("alpha", "", {germany}), Node("beta", "", {germany}, 5)}, Facts("DE")) ==
        "territories/beta");
  CHECK(Assign({Node("alpha", "", {germany}, -5), Node("beta", "", {germany}, -3)}, Facts("DE")) ==
        "territories/beta");
  CHECK(Assign({Node("alpha", "", {germany}, -7), Node("beta", "", {germany}, -7)}, Facts("DE")) ==
        "territories/alpha");
  CHECK(Assign({Node("only", "", {germany}, -1000)}, Facts("DE")) == "territories/only");

  // Depth before priority.
  std::vector<v1::Territory> territories = Europe();
  territories.push_back(Node("germany-first", "", {germany}, 1000));
  territories[2].set_priority(-1000);  // bavaria
  CHECK(Assign(territories, Facts("DE", "80331")) == "territories/bavaria");
  CHECK(Assign(territories, Facts("DE", "10115")) == "territories/dach");
}

TEST_CASE("territory rules: product-group territories take opportunities, never a bare account",
          "[sales][territory]") {
  std::vector<v1::Territory> territories = Europe();
  territories.push_back(Node("notebooks-dach", "dach", {Groups({"NOTEBOOKS"})}, 10));
  territories.push_back(Node("notebooks", "", {Groups({"NOTEBOOKS"})}));
  CHECK(Assign(territories, Facts("DE", "10115")) == "territories/dach");
  CHECK(Assign(territories, Facts("DE", "10115"), "NOTEBOOKS") == "territories/notebooks-dach");
  // Same depth as Bavaria, higher priority.
  CHECK(Assign(territories, Facts("DE", "80331"), "NOTEBOOKS") == "territories/notebooks-dach");
  CHECK(Assign(territories, Facts("DE", "80331"), "MONITORS") == "territories/bavaria");
  CHECK(Assign(territories, Facts("DE", "80331")) == "territories/bavaria");
  // Outside Europe only the top-level product-group territory takes it.
  CHECK(Assign(territories, Facts("US", "10001"), "NOTEBOOKS") == "territories/notebooks");
  CHECK(Assign(territories, Facts("US", "10001")) == "");
}

TEST_CASE("territory rules: stored parent loops do not hang and take nothing",
          "[sales][territory]") {
  std::vector<v1::Territory> territories = Europe();
  territories.push_back(Node("ring-a", "ring-b", {}));
  territories.push_back(Node("ring-b", "ring-c", {}));
  territories.push_back(Node("ring-c", "ring-a", {}));
  territories.push_back(Node("itself", "itself", {Countries({"DE"})}));
  territories.push_back(Node("below-ring", "ring-a", {Countries({"DE"})}));
  CHECK(Assign(territories, Facts("DE", "80331")) == "territories/bavaria");
  CHECK(Assign(territories, Facts("US", "10001")) == "");
  CHECK(Assign({Node("a", "b", {}), Node("b", "a", {})}, Facts("DE")) == "");
}

}  // namespace crm::sales
