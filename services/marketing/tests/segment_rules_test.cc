// The rules of segments and target groups without storage: ValidateSegment
// (at least one criterion, known enum values each once, ISO country codes,
// region and industry codes, the age band's ends, custom field keys and
// values), each bad field with its exact path; PartnersFilter (the exact
// text for the criteria partners filter on); MatchesCriteria for every
// criterion (customer class only from a customer role, regions without
// case, industries only of organisations, ages on the given day, custom
// fields of each type, merged and erased partners never); AgeOn (29
// February birthdays); ContactChannelOf; SplitControlGroup (reproducible
// whatever the order, the share rounded half up).
#include "services/marketing/segment_rules.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/testing/sample_values.h"
#include "crm/marketing/v1/segment.pb.h"
#include "crm/partners/v1/partner.pb.h"

namespace crm::marketing {
namespace {

using Fields = std::vector<std::string>;
using Strings = std::vector<std::string>;
using crm::testing::MakeDate;
namespace pv1 = partners::v1;

// The day the criteria are checked on.
const google::type::Date kToday = MakeDate(2026, 6, 15);

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

v1::Segment SegmentOf(const v1::SegmentCriteria& criteria) {
  v1::Segment segment;
  segment.set_display_name("Retail in Bavaria");
  segment.set_description("Organisations of the retail trade");
  *segment.mutable_criteria() = criteria;
  return segment;
}
Violations Check(const v1::Segment& segment) {
  Violations out;
  ValidateSegment(segment, "segment", &out);
  return out;
}
Fields Problems(const v1::SegmentCriteria& criteria) {
  return FieldsOf(Check(SegmentOf(criteria)));
}

pv1::CustomFieldValue Text(const std::string& value) {
  pv1::CustomFieldValue v;
  v.set_string_value(value);
  return v;
}
pv1::CustomFieldValue Number(double value) {
  pv1::CustomFieldValue v;
  v.set_number_value(value);
  return v;
}
pv1::CustomFieldValue Flag(bool value) {
  pv1::CustomFieldValue v;
  v.set_bool_value(value);
  return v;
}
pv1::CustomFieldValue Day(int year, int month, int day) {
  pv1::CustomFieldValue v;
  *v.mutable_date_value() = MakeDate(year, month, day);
  return v;
}

void AddField(v1::SegmentCriteria* c, const std::string& key, const pv1::CustomFieldValue& value) {
  v1::CustomFieldCriterion* field = c->add_custom_fields();
  field->set_key(key);
  *field->mutable_equals() = value;
}

// Criteria using every member.
v1::SegmentCriteria Everything() {
  v1::SegmentCriteria c;
  c.add_categories(pv1::PARTNER_CATEGORY_PERSON);
  c.add_categories(pv1::PARTNER_CATEGORY_ORGANIZATION);
  c.add_roles(pv1::ROLE_TYPE_CUSTOMER);
  c.add_country_codes("DE");
  c.add_country_codes("AT");
  c.add_regions("BY");
  c.add_regions("Lower Saxony");
  c.add_industry_codes("47.11");
  c.add_customer_classes(pv1::CUSTOMER_CLASS_A);
  c.mutable_age_band()->set_min_age(18);
  c.mutable_age_band()->set_max_age(65);
  AddField(&c, "household_income_band", Text("high"));
  AddField(&c, "visits", Number(3));
  AddField(&c, "newsletter", Flag(true));
  AddField(&c, "first_visit", Day(2020, 2, 29));
  return c;
}

pv1::Address* AddAddress(pv1::Partner* p, const std::string& country, const std::string& region) {
  pv1::Address* address = p->add_addresses();
  address->set_city("Somewhere");
  address->set_country_code(country);
  address->set_region(region);
  return address;
}

pv1::Role* AddRole(pv1::Partner* p, pv1::RoleType type) {
  pv1::Role* role = p->add_roles();
  role->set_type(type);
  return role;
}

// An active person born on 20 May 1990 in Munich (DE, BY), a class A
// customer with custom fields.
pv1::Partner Ann() {
  pv1::Partner p;
  p.set_name("partners/ann");
  p.set_category(pv1::PARTNER_CATEGORY_PERSON);
  p.set_display_name("Ann Lee");
  p.set_state(pv1::PARTNER_STATE_ACTIVE);
  p.mutable_person()->set_given_name("Ann");
  p.mutable_person()->set_family_name("Lee");
  *p.mutable_person()->mutable_birth_date() = MakeDate(1990, 5, 20);
  AddAddress(&p, "DE", "BY");
  AddRole(&p, pv1::ROLE_TYPE_CUSTOMER)
      ->mutable_customer()
      ->set_customer_class(pv1::CUSTOMER_CLASS_A);
  (*p.mutable_custom_fields())["household_income_band"] = Text("high");
  (*p.mutable_custom_fields())["visits"] = Number(3);
  (*p.mutable_custom_fields())["newsletter"] = Flag(true);
  (*p.mutable_custom_fields())["first_visit"] = Day(2020, 2, 29);
  return p;
}

// An active retailer (industry 47.11) in Vienna.
pv1::Partner Shop() {
  pv1::Partner p;
  p.set_name("partners/shop");
  p.set_category(pv1::PARTNER_CATEGORY_ORGANIZATION);
  p.set_state(pv1::PARTNER_STATE_ACTIVE);
  p.mutable_organization()->set_legal_name("Shop GmbH");
  p.mutable_organization()->set_industry_code("47.11");
  AddAddress(&p, "AT", "W");
  AddRole(&p, pv1::ROLE_TYPE_PROSPECT);
  return p;
}

// Everything() but the industry codes (Ann is a person): criteria Ann meets.
v1::SegmentCriteria AnnCriteria() {
  v1::SegmentCriteria c = Everything();
  c.clear_industry_codes();
  return c;
}

bool Matches(const v1::SegmentCriteria& c, const pv1::Partner& p,
             const google::type::Date& today = kToday) {
  return MatchesCriteria(c, p, today);
}

v1::SegmentCriteria AgeBand(int min, int max) {
  v1::SegmentCriteria c;
  c.mutable_age_band()->set_min_age(min);
  c.mutable_age_band()->set_max_age(max);
  return c;
}

pv1::Partner BornOn(const google::type::Date& birth) {
  pv1::Partner p = Ann();
  *p.mutable_person()->mutable_birth_date() = birth;
  return p;
}

Strings Names(int count) {
  Strings names;
  for (int i = 0; i < count; ++i) names.push_back(absl::StrCat("partners/p", 1000 + i));
  return names;
}

// The names held out.
std::set<std::string> Held(const Strings& names, int share, int64_t seed) {
  const std::vector<bool> control = SplitControlGroup(names, share, seed);
  REQUIRE(control.size() == names.size());
  std::set<std::string> held;
  for (size_t i = 0; i < names.size(); ++i) {
    if (control[i]) held.insert(names[i]);
  }
  return held;
}

}  // namespace

// ---------------------------------------------------------------------------
// ValidateSegment

TEST_CASE("segment rules: criteria using every member are valid", "[marketing][segment]") {
  CHECK(Check(SegmentOf(Everything())).empty());
  v1::SegmentCriteria one;
  one.add_regions("by");
  CHECK(Problems(one).empty());
}

TEST_CASE("segment rules: a segment needs a name and at least one criterion",
          "[marketing][segment]") {
  const Violations empty = Check(SegmentOf(v1::SegmentCriteria()));
  CHECK(FieldsOf(empty) == Fields{"segment.criteria"});
  CHECK(DescriptionOf(empty, "segment.criteria") == "needs at least one criterion");
  v1::Segment segment = SegmentOf(Everything());
  segment.clear_display_name();
  segment.set_description(std::string(2001, 'd'));
  CHECK(FieldsOf(Check(segment)) == Fields{"segment.display_name", "segment.description"});
}

TEST_CASE("segment rules: enum values are known, set and listed once", "[marketing][segment]") {
  v1::SegmentCriteria c;
  c.add_categories(pv1::PARTNER_CATEGORY_PERSON);
  c.add_categories(static_cast<pv1::PartnerCategory>(99));
  const Violations unknown = Check(SegmentOf(c));
  CHECK(FieldsOf(unknown) == Fields{"segment.criteria.categories[1]"});
  CHECK(DescriptionOf(unknown, "segment.criteria.categories[1]") == "unknown value 99");
  c.set_categories(1, pv1::PARTNER_CATEGORY_UNSPECIFIED);
  CHECK(Problems(c) == Fields{"segment.criteria.categories[1]"});

  v1::SegmentCriteria roles;
  roles.add_roles(pv1::ROLE_TYPE_CUSTOMER);
  roles.add_roles(pv1::ROLE_TYPE_PROSPECT);
  roles.add_roles(pv1::ROLE_TYPE_CUSTOMER);
  const Violations twice = Check(SegmentOf(roles));
  CHECK(FieldsOf(twice) == Fields{"segment.criteria.roles[2]"});
  CHECK(DescriptionOf(twice, "segment.criteria.roles[2]") == "is listed twice");

  v1::SegmentCriteria classes;
  classes.add_customer_classes(static_cast<pv1::CustomerClass>(99));
  classes.add_customer_classes(pv1::CUSTOMER_CLASS_B);
  classes.add_customer_classes(pv1::CUSTOMER_CLASS_B);
  CHECK(Problems(classes) ==
        Fields{"segment.criteria.customer_classes[0]", "segment.criteria.customer_classes[2]"});
}

TEST_CASE("segment rules: country codes are ISO 3166-1 alpha-2, each once",
          "[marketing][segment]") {
  v1::SegmentCriteria c;
  for (const char* code : {"DE", "de", "XX", "DEU", "", "AT", "DE"}) c.add_country_codes(code);
  CHECK(Problems(c) ==
        Fields{"segment.criteria.country_codes[1]", "segment.criteria.country_codes[2]",
               "segment.criteria.country_codes[3]", "segment.criteria.country_codes[4]",
               "segment.criteria.country_codes[6]"});
}

TEST_CASE("segment rules: regions and industry codes", "[marketing][segment]") {
  v1::SegmentCriteria regions;
  for (const std::string& r : Strings{"BY", "Lower Saxony", "by", "BY/N", "", std::string(101, 'r'),
                                      std::string(100, 'r')}) {
    regions.add_regions(r);
  }
  const Violations region_out = Check(SegmentOf(regions));
  // Regions are free text (a lead's region is): "BY/N" and "Lower Saxony" pass.
  CHECK(FieldsOf(region_out) == Fields{"segment.criteria.regions[2]", "segment.criteria.regions[4]",
                                       "segment.criteria.regions[5]"});
  CHECK(DescriptionOf(region_out, "segment.criteria.regions[2]") == "is listed twice");

  // Industry codes are exact, in partners' form: case counts; spaces and
  // '_' are refused.
  v1::SegmentCriteria industries;
  for (const char* code : {"47.11", "ab-c1", "AB-C1", "47 11", "47.11", "C_26"}) {
    industries.add_industry_codes(code);
  }
  CHECK(Problems(industries) == Fields{"segment.criteria.industry_codes[3]",
                                       "segment.criteria.industry_codes[4]",
                                       "segment.criteria.industry_codes[5]"});
}

TEST_CASE("segment rules: lists hold at most 50 values", "[marketing][segment]") {
  v1::SegmentCriteria c;
  for (int i = 0; i < 50; ++i) c.add_regions(absl::StrCat("r", i));
  CHECK(Problems(c).empty());
  c.add_regions("r50");
  CHECK(Problems(c) == Fields{"segment.criteria.regions"});
}

TEST_CASE("segment rules: the age band", "[marketing][segment]") {
  CHECK(Problems(AgeBand(18, 65)).empty());
  CHECK(Problems(AgeBand(0, 150)).empty());
  CHECK(Problems(AgeBand(18, 0)).empty());  // no upper end
  CHECK(Problems(AgeBand(0, 17)).empty());
  CHECK(Problems(AgeBand(30, 30)).empty());
  CHECK(Problems(AgeBand(150, 0)).empty());

  const Violations both_zero = Check(SegmentOf(AgeBand(0, 0)));
  CHECK(FieldsOf(both_zero) == Fields{"segment.criteria.age_band"});
  CHECK(DescriptionOf(both_zero, "segment.criteria.age_band") == "needs min_age or max_age");
  const Violations reversed = Check(SegmentOf(AgeBand(40, 30)));
  CHECK(FieldsOf(reversed) == Fields{"segment.criteria.age_band.max_age"});
  CHECK(DescriptionOf(reversed, "segment.criteria.age_band.max_age") ==
        "must not be below min_age");
  CHECK(Problems(AgeBand(-1, 30)) == Fields{"segment.criteria.age_band.min_age"});
  CHECK(Problems(AgeBand(151, 0)) == Fields{"segment.criteria.age_band.min_age"});
  CHECK(Problems(AgeBand(0, 151)) == Fields{"segment.criteria.age_band.max_age"});
  CHECK(Problems(AgeBand(10, -1)) == Fields{"segment.criteria.age_band.max_age"});
}

TEST_CASE("segment rules: custom field criteria", "[marketing][segment]") {
  v1::SegmentCriteria c;
  AddField(&c, "", Text("x"));                           // [0] key required
  AddField(&c, "income-band", Text("x"));                // [1] bad key
  AddField(&c, std::string(65, 'k'), Text("x"));         // [2] key too long
  AddField(&c, "visits", Number(1));                     // [3]
  AddField(&c, "visits", Number(2));                     // [4] key twice
  c.add_custom_fields()->set_key("unset");               // [5] no value
  AddField(&c, "since", Day(2026, 2, 29));               // [6] bad date
  AddField(&c, "notes", Text(std::string(501, 'n')));    // [7] too long
  AddField(&c, "ok_text", Text(std::string(500, 'n')));  // [8]
  AddField(&c, "flag", Flag(false));                     // [9]
  CHECK(Problems(c) ==
        Fields{"segment.criteria.custom_fields[0].key", "segment.criteria.custom_fields[1].key",
               "segment.criteria.custom_fields[2].key", "segment.criteria.custom_fields[4].key",
               "segment.criteria.custom_fields[5].equals",
               "segment.criteria.custom_fields[6].equals.date_value",
               "segment.criteria.custom_fields[7].equals.string_value"});
  v1::SegmentCriteria long_key;
  AddField(&long_key, std::string(64, 'k'), Flag(true));
  CHECK(Problems(long_key).empty());
}

// ---------------------------------------------------------------------------
// PartnersFilter

TEST_CASE("segment rules: the partners filter of the criteria", "[marketing][segment]") {
  CHECK(PartnersFilter(Everything()) ==
        "(category = PARTNER_CATEGORY_PERSON OR category = PARTNER_CATEGORY_ORGANIZATION) AND "
        "(role = ROLE_TYPE_CUSTOMER) AND (customer_class = CUSTOMER_CLASS_A) AND "
        "(country_code = \"DE\" OR country_code = \"AT\") AND (industry_code = \"47.11\")");
  v1::SegmentCriteria c;
  c.add_country_codes("FR");
  CHECK(PartnersFilter(c) == "(country_code = \"FR\")");
  c.add_roles(pv1::ROLE_TYPE_PROSPECT);
  c.add_roles(pv1::ROLE_TYPE_CHANNEL_PARTNER);
  CHECK(PartnersFilter(c) ==
        "(role = ROLE_TYPE_PROSPECT OR role = ROLE_TYPE_CHANNEL_PARTNER) AND "
        "(country_code = \"FR\")");
  // Regions, ages and custom fields are left to MatchesCriteria.
  v1::SegmentCriteria rest = AgeBand(18, 0);
  rest.add_regions("BY");
  AddField(&rest, "visits", Number(1));
  CHECK(PartnersFilter(rest).empty());
}

// ---------------------------------------------------------------------------
// MatchesCriteria

TEST_CASE("segment rules: categories and roles", "[marketing][segment]") {
  CHECK(Matches(AnnCriteria(), Ann()));
  v1::SegmentCriteria c;
  c.add_categories(pv1::PARTNER_CATEGORY_ORGANIZATION);
  CHECK_FALSE(Matches(c, Ann()));
  CHECK(Matches(c, Shop()));
  c.add_categories(pv1::PARTNER_CATEGORY_PERSON);
  CHECK(Matches(c, Ann()));

  v1::SegmentCriteria roles;
  roles.add_roles(pv1::ROLE_TYPE_EMPLOYEE);
  CHECK_FALSE(Matches(roles, Ann()));
  roles.add_roles(pv1::ROLE_TYPE_CUSTOMER);
  CHECK(Matches(roles, Ann()));
  CHECK_FALSE(Matches(roles, Shop()));
  pv1::Partner no_roles = Ann();
  no_roles.clear_roles();
  CHECK_FALSE(Matches(roles, no_roles));
}

TEST_CASE("segment rules: customer classes come only from a customer role",
          "[marketing][segment]") {
  v1::SegmentCriteria a;
  a.add_customer_classes(pv1::CUSTOMER_CLASS_A);
  CHECK(Matches(a, Ann()));
  v1::SegmentCriteria b;
  b.add_customer_classes(pv1::CUSTOMER_CLASS_B);
  CHECK_FALSE(Matches(b, Ann()));
  b.add_customer_classes(pv1::CUSTOMER_CLASS_A);
  CHECK(Matches(b, Ann()));

  // Customer data on a role that is not the customer role does not count.
  pv1::Partner prospect = Shop();
  prospect.mutable_roles(0)->mutable_customer()->set_customer_class(pv1::CUSTOMER_CLASS_A);
  CHECK_FALSE(Matches(a, prospect));

  // The role and the class may come from different roles.
  pv1::Partner both = Shop();
  AddRole(&both, pv1::ROLE_TYPE_CUSTOMER)
      ->mutable_customer()
      ->set_customer_class(pv1::CUSTOMER_CLASS_B);
  v1::SegmentCriteria prospect_b;
  prospect_b.add_roles(pv1::ROLE_TYPE_PROSPECT);
  prospect_b.add_customer_classes(pv1::CUSTOMER_CLASS_B);
  CHECK(Matches(prospect_b, both));
  prospect_b.set_customer_classes(0, pv1::CUSTOMER_CLASS_C);
  CHECK_FALSE(Matches(prospect_b, both));
}

TEST_CASE("segment rules: countries exactly, regions without case", "[marketing][segment]") {
  v1::SegmentCriteria c;
  c.add_country_codes("AT");
  CHECK_FALSE(Matches(c, Ann()));
  c.add_country_codes("DE");
  CHECK(Matches(c, Ann()));

  v1::SegmentCriteria r;
  r.add_regions("by");
  CHECK(Matches(r, Ann()));
  r.set_regions(0, "Bw");
  CHECK_FALSE(Matches(r, Ann()));
  pv1::Partner two = Ann();
  AddAddress(&two, "DE", "BW");
  CHECK(Matches(r, two));  // any address counts

  v1::SegmentCriteria both;
  both.add_country_codes("DE");
  both.add_regions("BY");
  CHECK(Matches(both, Ann()));
  pv1::Partner homeless = Ann();
  homeless.clear_addresses();
  CHECK_FALSE(Matches(both, homeless));
  CHECK_FALSE(Matches(c, homeless));
}

TEST_CASE("segment rules: industry codes only for organisations, exactly", "[marketing][segment]") {
  v1::SegmentCriteria c;
  c.add_industry_codes("47.11");
  CHECK(Matches(c, Shop()));
  CHECK_FALSE(Matches(c, Ann()));
  c.set_industry_codes(0, "47");
  CHECK_FALSE(Matches(c, Shop()));
  c.set_industry_codes(0, "47.1");
  c.add_industry_codes("47.11");
  CHECK(Matches(c, Shop()));
}

TEST_CASE("segment rules: ages on the given day", "[marketing][segment]") {
  // 26 today, born on 15 June 2000.
  const pv1::Partner birthday_today = BornOn(MakeDate(2000, 6, 15));
  CHECK(Matches(AgeBand(26, 26), birthday_today));
  CHECK_FALSE(Matches(AgeBand(18, 25), birthday_today));
  CHECK(Matches(AgeBand(18, 25), birthday_today, MakeDate(2026, 6, 14)));
  // 25 until tomorrow.
  const pv1::Partner birthday_tomorrow = BornOn(MakeDate(2000, 6, 16));
  CHECK(Matches(AgeBand(18, 25), birthday_tomorrow));
  CHECK_FALSE(Matches(AgeBand(26, 0), birthday_tomorrow));
  CHECK(Matches(AgeBand(26, 0), birthday_tomorrow, MakeDate(2026, 6, 16)));
  // No upper end.
  CHECK(Matches(AgeBand(18, 0), BornOn(MakeDate(1900, 1, 1))));
  CHECK(Matches(AgeBand(0, 17), BornOn(MakeDate(2026, 6, 15))));

  pv1::Partner unknown_birth = Ann();
  unknown_birth.mutable_person()->clear_birth_date();
  CHECK_FALSE(Matches(AgeBand(0, 150), unknown_birth));
  CHECK_FALSE(Matches(AgeBand(0, 150), Shop()));
}

TEST_CASE("segment rules: custom fields of each value type", "[marketing][segment]") {
  auto one = [](const std::string& key, const pv1::CustomFieldValue& value) {
    v1::SegmentCriteria c;
    AddField(&c, key, value);
    return c;
  };
  CHECK(Matches(one("household_income_band", Text("high")), Ann()));
  CHECK_FALSE(Matches(one("household_income_band", Text("High")), Ann()));
  CHECK_FALSE(Matches(one("household_income_band", Text("low")), Ann()));
  CHECK(Matches(one("visits", Number(3.0)), Ann()));
  CHECK_FALSE(Matches(one("visits", Number(3.5)), Ann()));
  CHECK_FALSE(Matches(one("visits", Text("3")), Ann()));
  CHECK(Matches(one("newsletter", Flag(true)), Ann()));
  CHECK_FALSE(Matches(one("newsletter", Flag(false)), Ann()));
  CHECK(Matches(one("first_visit", Day(2020, 2, 29)), Ann()));
  CHECK_FALSE(Matches(one("first_visit", Day(2020, 3, 1)), Ann()));
  CHECK_FALSE(Matches(one("no_such_field", Flag(true)), Ann()));
  CHECK_FALSE(Matches(one("newsletter", Flag(true)), Shop()));
  // Every custom field must match.
  v1::SegmentCriteria two = one("newsletter", Flag(true));
  AddField(&two, "visits", Number(4));
  CHECK_FALSE(Matches(two, Ann()));
}

TEST_CASE("segment rules: merged and erased partners never match", "[marketing][segment]") {
  pv1::Partner p = Ann();
  p.set_state(pv1::PARTNER_STATE_UNSPECIFIED);
  CHECK(Matches(AnnCriteria(), p));
  for (pv1::PartnerState state : {pv1::PARTNER_STATE_MERGED, pv1::PARTNER_STATE_ERASED}) {
    INFO(pv1::PartnerState_Name(state));
    p.set_state(state);
    CHECK_FALSE(Matches(AnnCriteria(), p));
    CHECK_FALSE(Matches(AgeBand(18, 0), p));
  }
}

TEST_CASE("segment rules: every criterion set must hold", "[marketing][segment]") {
  const v1::SegmentCriteria all = AnnCriteria();
  REQUIRE(Matches(all, Ann()));
  pv1::Partner p = Ann();
  p.mutable_roles(0)->mutable_customer()->set_customer_class(pv1::CUSTOMER_CLASS_C);
  CHECK_FALSE(Matches(all, p));
  p = Ann();
  p.mutable_addresses(0)->set_region("HE");
  CHECK_FALSE(Matches(all, p));
  p = Ann();
  *p.mutable_person()->mutable_birth_date() = MakeDate(1960, 1, 1);  // 66
  CHECK_FALSE(Matches(all, p));
  p = Ann();
  p.mutable_custom_fields()->erase("visits");
  CHECK_FALSE(Matches(all, p));
  // The industry criterion leaves out persons.
  CHECK_FALSE(Matches(Everything(), Ann()));
}

// ---------------------------------------------------------------------------
// AgeOn and ContactChannelOf

TEST_CASE("segment rules: AgeOn", "[marketing][segment]") {
  CHECK(AgeOn(MakeDate(2000, 6, 15), MakeDate(2026, 6, 15)) == 26);
  CHECK(AgeOn(MakeDate(2000, 6, 15), MakeDate(2026, 6, 14)) == 25);
  CHECK(AgeOn(MakeDate(2000, 6, 15), MakeDate(2026, 5, 31)) == 25);
  CHECK(AgeOn(MakeDate(2000, 6, 15), MakeDate(2026, 7, 1)) == 26);
  CHECK(AgeOn(MakeDate(2000, 1, 1), MakeDate(2000, 1, 1)) == 0);
  CHECK(AgeOn(MakeDate(1999, 12, 31), MakeDate(2000, 1, 1)) == 0);
  CHECK(AgeOn(MakeDate(1999, 12, 31), MakeDate(2000, 12, 31)) == 1);
  // Born on 29 February: a year older on 1 March in common years.
  CHECK(AgeOn(MakeDate(2000, 2, 29), MakeDate(2023, 2, 28)) == 22);
  CHECK(AgeOn(MakeDate(2000, 2, 29), MakeDate(2023, 3, 1)) == 23);
  CHECK(AgeOn(MakeDate(2000, 2, 29), MakeDate(2024, 2, 28)) == 23);
  CHECK(AgeOn(MakeDate(2000, 2, 29), MakeDate(2024, 2, 29)) == 24);
  CHECK(AgeOn(MakeDate(2000, 2, 28), MakeDate(2023, 2, 28)) == 23);
}

TEST_CASE("segment rules: ContactChannelOf", "[marketing][segment]") {
  CHECK(ContactChannelOf(v1::CHANNEL_EMAIL) == pv1::CONTACT_CHANNEL_EMAIL);
  CHECK(ContactChannelOf(v1::CHANNEL_PHONE) == pv1::CONTACT_CHANNEL_PHONE);
  CHECK(ContactChannelOf(v1::CHANNEL_MAIL) == pv1::CONTACT_CHANNEL_MAIL);
  CHECK(ContactChannelOf(v1::CHANNEL_SMS) == pv1::CONTACT_CHANNEL_SMS);
  CHECK(ContactChannelOf(v1::CHANNEL_WEB) == pv1::CONTACT_CHANNEL_UNSPECIFIED);
  CHECK(ContactChannelOf(v1::CHANNEL_UNSPECIFIED) == pv1::CONTACT_CHANNEL_UNSPECIFIED);
}

// ---------------------------------------------------------------------------
// SplitControlGroup

TEST_CASE("segment rules: the control share is rounded half up", "[marketing][segment]") {
  CHECK(Held(Names(10), 15, 7).size() == 2);  // 1.5
  CHECK(Held(Names(3), 10, 7).empty());       // 0.3
  CHECK(Held(Names(4), 10, 7).empty());       // 0.4
  CHECK(Held(Names(5), 10, 7).size() == 1);   // 0.5
  CHECK(Held(Names(7), 50, 7).size() == 4);   // 3.5
  CHECK(Held(Names(1), 50, 7).size() == 1);   // 0.5
  CHECK(Held(Names(10), 90, 7).size() == 9);
  CHECK(Held(Names(1000), 90, 7).size() == 900);
  CHECK(Held(Names(99), 1, 7).size() == 1);
  CHECK(Held(Names(149), 1, 7).size() == 1);  // 1.49
  CHECK(Held(Names(150), 1, 7).size() == 2);  // 1.5
  CHECK(Held(Names(100), 0, 7).empty());
  CHECK(SplitControlGroup({}, 20, 7).empty());
  CHECK(SplitControlGroup({}, 0, 7).empty());
}

TEST_CASE("segment rules: the same names and seed give the same split in any order",
          "[marketing][segment]") {
  const Strings names = Names(200);
  const std::set<std::string> held = Held(names, 20, 42);
  REQUIRE(held.size() == 40);
  CHECK(SplitControlGroup(names, 20, 42) == SplitControlGroup(names, 20, 42));

  Strings reversed = names;
  std::reverse(reversed.begin(), reversed.end());
  CHECK(Held(reversed, 20, 42) == held);
  Strings rotated = names;
  std::rotate(rotated.begin(), rotated.begin() + 77, rotated.end());
  CHECK(Held(rotated, 20, 42) == held);
  Strings interleaved;
  for (size_t i = 0; i < names.size(); i += 2) interleaved.push_back(names[i]);
  for (size_t i = 1; i < names.size(); i += 2) interleaved.push_back(names[i]);
  CHECK(Held(interleaved, 20, 42) == held);

  // The lowest keys: a larger share holds out the smaller share's names too.
  const std::set<std::string> more = Held(names, 50, 42);
  CHECK(std::includes(more.begin(), more.end(), held.begin(), held.end()));
}

TEST_CASE("segment rules: another seed gives another split", "[marketing][segment]") {
  const Strings names = Names(200);
  const std::set<std::string> first = Held(names, 20, 1);
  const std::set<std::string> second = Held(names, 20, 2);
  const std::set<std::string> negative = Held(names, 20, -1);
  CHECK(first.size() == 40);
  CHECK(second.size() == 40);
  CHECK(negative.size() == 40);
  CHECK(first != second);
  CHECK(first != negative);
  CHECK(second != negative);
}

}  // namespace crm::marketing
