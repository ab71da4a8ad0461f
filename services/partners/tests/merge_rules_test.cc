// The pure rules of a merge, without a database: gaps filled field by field
// (dates whole, never a oneof the survivor left for another), lists united
// without repeats and without a second default, roles and custom values
// added only where the survivor has none, field choices replacing a field
// whole, output-only fields kept, and the paths a choice may name.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/errors.h"
#include "services/partners/merge.h"

namespace crm::partners {
namespace {

v1::Partner Person(const std::string& given_name, const std::string& family_name) {
  v1::Partner partner;
  partner.set_name("partners/survivor");
  partner.set_category(v1::PARTNER_CATEGORY_PERSON);
  partner.mutable_person()->set_given_name(given_name);
  partner.mutable_person()->set_family_name(family_name);
  return partner;
}

v1::EmailAddress* AddEmail(v1::Partner* partner, const std::string& address, bool is_default) {
  v1::EmailAddress* email = partner->add_email_addresses();
  email->set_address(address);
  email->set_is_default(is_default);
  return email;
}

v1::Partner Merge(const v1::Partner& survivor, const std::vector<const v1::Partner*>& merged,
                  const std::vector<FieldChoice>& choices = {}) {
  absl::StatusOr<v1::Partner> result = MergedPartner(survivor, merged, choices);
  REQUIRE(result.ok());
  return *result;
}

TEST_CASE("A merge keeps the survivor's values and fills its gaps in order") {
  v1::Partner survivor = Person("Anna", "Meier");
  v1::Partner first = Person("Anne", "Meyer");
  first.mutable_person()->set_marital_status(v1::MARITAL_STATUS_MARRIED);
  v1::Partner second = Person("", "Mayer");
  second.mutable_person()->set_marital_status(v1::MARITAL_STATUS_SINGLE);
  second.mutable_person()->mutable_birth_date()->set_year(1980);
  second.mutable_person()->mutable_birth_date()->set_month(3);
  second.mutable_person()->mutable_birth_date()->set_day(4);

  const v1::Partner result = Merge(survivor, {&first, &second});

  CHECK(result.person().given_name() == "Anna");
  CHECK(result.person().family_name() == "Meier");
  CHECK(result.person().marital_status() == v1::MARITAL_STATUS_MARRIED);  // first wins
  CHECK(result.person().birth_date().year() == 1980);                     // only second has one
  CHECK(result.person().birth_date().day() == 4);
}

TEST_CASE("A date is taken whole, never mixed from two partners") {
  v1::Partner survivor = Person("Anna", "Meier");
  survivor.mutable_person()->mutable_birth_date()->set_year(1980);  // year only
  v1::Partner merged = Person("Anna", "Meier");
  auto* date = merged.mutable_person()->mutable_birth_date();
  date->set_year(1979);
  date->set_month(12);
  date->set_day(31);

  const v1::Partner result = Merge(survivor, {&merged});

  CHECK(result.person().birth_date().year() == 1980);
  CHECK(result.person().birth_date().month() == 0);
  CHECK(result.person().birth_date().day() == 0);
}

TEST_CASE("Lists are united without repeats and keep one default") {
  v1::Partner survivor = Person("Anna", "Meier");
  AddEmail(&survivor, "anna@example.com", true);
  v1::Partner merged = Person("Anna", "Meier");
  AddEmail(&merged, "ANNA@example.com", true);  // the same address, other case
  AddEmail(&merged, "a.meier@example.org", true);
  merged.add_phone_numbers()->set_number("+4930123456");
  merged.add_bank_accounts()->set_iban("DE89370400440532013000");
  survivor.add_bank_accounts()->set_iban("DE89370400440532013000");
  v1::Address* address = merged.add_addresses();
  address->set_city("Berlin");
  address->set_country_code("DE");
  address->set_is_default(true);
  v1::Address* same = survivor.add_addresses();
  same->set_city("berlin");
  same->set_country_code("DE");

  const v1::Partner result = Merge(survivor, {&merged});

  REQUIRE(result.email_addresses_size() == 2);
  CHECK(result.email_addresses(0).address() == "anna@example.com");
  CHECK(result.email_addresses(0).is_default());
  CHECK(result.email_addresses(1).address() == "a.meier@example.org");
  CHECK_FALSE(result.email_addresses(1).is_default());
  REQUIRE(result.phone_numbers_size() == 1);
  CHECK_FALSE(result.phone_numbers(0).is_default());
  CHECK(result.bank_accounts_size() == 1);
  CHECK(result.addresses_size() == 1);  // the city compared without case
}

TEST_CASE("Roles and custom values are added only where the survivor has none") {
  v1::Partner survivor = Person("Anna", "Meier");
  v1::Role* customer = survivor.add_roles();
  customer->set_type(v1::ROLE_TYPE_CUSTOMER);
  customer->mutable_customer()->set_customer_class(v1::CUSTOMER_CLASS_B);
  (*survivor.mutable_custom_fields())["tier"].set_string_value("gold");

  v1::Partner merged = Person("Anna", "Meier");
  v1::Role* other_customer = merged.add_roles();
  other_customer->set_type(v1::ROLE_TYPE_CUSTOMER);
  other_customer->mutable_customer()->set_customer_class(v1::CUSTOMER_CLASS_A);
  merged.add_roles()->set_type(v1::ROLE_TYPE_PROSPECT);
  (*merged.mutable_custom_fields())["tier"].set_string_value("silver");
  (*merged.mutable_custom_fields())["score"].set_number_value(7);

  const v1::Partner result = Merge(survivor, {&merged});

  REQUIRE(result.roles_size() == 2);
  CHECK(result.roles(0).customer().customer_class() == v1::CUSTOMER_CLASS_B);
  CHECK(result.roles(1).type() == v1::ROLE_TYPE_PROSPECT);
  CHECK(result.custom_fields().at("tier").string_value() == "gold");
  CHECK(result.custom_fields().at("score").number_value() == 7);
}

TEST_CASE("A choice replaces its field whole with the source's value") {
  v1::Partner survivor = Person("Anna", "Meier");
  AddEmail(&survivor, "anna@example.com", true);
  v1::Partner merged = Person("Anne", "Meyer");
  AddEmail(&merged, "anne@example.org", true);

  SECTION("a value of a merged partner") {
    const v1::Partner result = Merge(survivor, {&merged}, {{"person.family_name", &merged}});
    CHECK(result.person().family_name() == "Meyer");
    CHECK(result.person().given_name() == "Anna");
  }
  SECTION("a list from the survivor: no union") {
    const v1::Partner result = Merge(survivor, {&merged}, {{"email_addresses", &survivor}});
    REQUIRE(result.email_addresses_size() == 1);
    CHECK(result.email_addresses(0).address() == "anna@example.com");
  }
  SECTION("a list from a merged partner, with its default") {
    const v1::Partner result = Merge(survivor, {&merged}, {{"email_addresses", &merged}});
    REQUIRE(result.email_addresses_size() == 1);
    CHECK(result.email_addresses(0).address() == "anne@example.org");
    CHECK(result.email_addresses(0).is_default());
  }
  SECTION("an empty value empties the field") {
    v1::Partner no_given_name = Person("", "Meier");
    const v1::Partner result =
        Merge(survivor, {&no_given_name}, {{"person.given_name", &no_given_name}});
    CHECK(result.person().given_name().empty());
  }
}

TEST_CASE("Output-only fields stay the survivor's") {
  v1::Partner survivor = Person("Anna", "Meier");
  survivor.set_etag("\"4\"");
  survivor.set_display_name("Meier, Anna");
  survivor.set_state(v1::PARTNER_STATE_ACTIVE);
  v1::Partner merged = Person("Anne", "Meyer");
  merged.set_name("partners/merged");
  merged.set_etag("\"9\"");
  merged.set_merged_into("partners/elsewhere");
  merged.mutable_create_time()->set_seconds(1);

  const v1::Partner result = Merge(survivor, {&merged}, {{"person", &merged}});

  CHECK(result.name() == "partners/survivor");
  CHECK(result.etag() == "\"4\"");
  CHECK(result.display_name() == "Meier, Anna");  // recomputed by the caller
  CHECK(result.merged_into().empty());
  CHECK_FALSE(result.has_create_time());
  CHECK(result.person().family_name() == "Meyer");
}

TEST_CASE("Only changeable fields may be chosen, named by the rule's field") {
  CHECK(CheckMergeFieldPath("person.birth_date", "field_rules[0].field").ok());
  CHECK(CheckMergeFieldPath("custom_fields", "field_rules[0].field").ok());
  CHECK(CheckMergeFieldPath("*", "field_rules[0].field").ok());  // the source's record wins
  for (const std::string path :
       {"category", "etag", "state", "merged_into", "no_such_field", "person.no_such_field"}) {
    INFO(path);
    const absl::Status status = CheckMergeFieldPath(path, "field_rules[2].field");
    REQUIRE(status.code() == absl::StatusCode::kInvalidArgument);
    const std::vector<FieldViolation> violations = FieldViolationsOf(status);
    REQUIRE(violations.size() == 1);
    CHECK(violations[0].field == "field_rules[2].field");
  }
}

}  // namespace
}  // namespace crm::partners
