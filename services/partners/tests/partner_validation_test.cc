#include "services/partners/partner_validation.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/testing/sample_values.h"
#include "google/protobuf/text_format.h"

namespace crm::partners {
namespace {

using crm::testing::kValidIbans;
using crm::testing::MakeDate;

const absl::CivilDay kToday(2024, 6, 15);

v1::Partner ParsePartner(const std::string& text) {
  v1::Partner partner;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(text, &partner));
  return partner;
}

v1::Partner ValidPerson() {
  return ParsePartner(R"pb(
    category: PARTNER_CATEGORY_PERSON
    person {
      given_name: "Anna"
      family_name: "Schmidt"
      birth_date { year: 1980 month: 2 day: 29 }
      marital_status: MARITAL_STATUS_MARRIED
    }
    addresses {
      type: ADDRESS_TYPE_PRIVATE
      street_lines: "Hauptstraße 1"
      postal_code: "10115"
      city: "Berlin"
      country_code: "DE"
      is_default: true
    }
    addresses { type: ADDRESS_TYPE_BILLING city: "London" postal_code: "SW1A 1AA" country_code: "GB" }
    email_addresses { address: "anna@example.com" usage: CONTACT_USAGE_PRIVATE is_default: true }
    email_addresses { address: "a.schmidt@firma.example.de" usage: CONTACT_USAGE_BUSINESS }
    phone_numbers { number: "+4930123456" type: PHONE_TYPE_LANDLINE is_default: true }
    phone_numbers { number: "+491701234567" type: PHONE_TYPE_MOBILE }
    bank_accounts { iban: "DE89370400440532013000" bic: "COBADEFFXXX" }
    bank_accounts { iban: "GB82WEST12345698765432" account_holder: "Anna and Ben Schmidt" }
    roles { type: ROLE_TYPE_PROSPECT }
    roles {
      type: ROLE_TYPE_CUSTOMER
      customer {
        sales_organization: "1000"
        distribution_channel: "10"
        price_group: "01"
        customer_class: CUSTOMER_CLASS_A
      }
    }
  )pb");
}

v1::Partner ValidOrganization() {
  return ParsePartner(R"pb(
    category: PARTNER_CATEGORY_ORGANIZATION
    organization {
      legal_name: "Alvis Computers GmbH"
      legal_form: "GmbH"
      founding_date { year: 1998 month: 4 day: 1 }
      industry_code: "C26.2"
    }
    addresses { type: ADDRESS_TYPE_BUSINESS city: "Paris" country_code: "FR" }
    bank_accounts { iban: "FR1420041010050500013M02606" bic: "BNPAFRPP" }
    roles {
      type: ROLE_TYPE_CHANNEL_PARTNER
      channel_partner {
        tier: PARTNER_TIER_GOLD
        regions: [ "DE-BY", "EMEA" ]
        industries: "C26.2"
        solutions: "Managed printing"
      }
    }
  )pb");
}

v1::Partner ValidGroup() {
  return ParsePartner(R"pb(
    category: PARTNER_CATEGORY_GROUP
    group { group_name: "Schmidt household" group_type: GROUP_TYPE_HOUSEHOLD }
  )pb");
}

std::vector<FieldViolation> ViolationsOf(const v1::Partner& partner) {
  Violations violations;
  ValidatePartner(partner, "partner", kToday, &violations);
  return violations.list();
}

// The fields with a violation, in the order they were found.
std::vector<std::string> BadFields(const v1::Partner& partner) {
  std::vector<std::string> fields;
  for (const FieldViolation& violation : ViolationsOf(partner)) fields.push_back(violation.field);
  return fields;
}

using Fields = std::vector<std::string>;

// The description of the first violation on `field`, "" if there is none.
std::string Problem(const v1::Partner& partner, const std::string& field) {
  for (const FieldViolation& violation : ViolationsOf(partner)) {
    if (violation.field == field) return violation.description;
  }
  return "";
}

std::string Repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

TEST_CASE("complete partners of every category are valid") {
  CHECK(BadFields(ValidPerson()).empty());
  CHECK(BadFields(ValidOrganization()).empty());
  CHECK(BadFields(ValidGroup()).empty());
}

TEST_CASE("a partner needs a known category") {
  v1::Partner partner = ValidPerson();
  SECTION("missing") {
    partner.clear_category();
    CHECK(BadFields(partner) == Fields{"partner.category"});
    CHECK(Problem(partner, "partner.category") == "is required");
  }
  SECTION("unknown number") {
    partner.set_category(static_cast<v1::PartnerCategory>(42));
    CHECK(BadFields(partner) == Fields{"partner.category"});
    CHECK(Problem(partner, "partner.category") == "unknown value 42");
  }
}

TEST_CASE("the category data must match the category") {
  SECTION("missing") {
    v1::Partner person = ValidPerson();
    person.clear_person();
    CHECK(BadFields(person) == Fields{"partner.person"});
    CHECK(Problem(person, "partner.person") == "is required for a person");

    v1::Partner organization = ValidOrganization();
    organization.clear_organization();
    CHECK(Problem(organization, "partner.organization") == "is required for an organization");

    v1::Partner group = ValidGroup();
    group.clear_group();
    CHECK(Problem(group, "partner.group") == "is required for a group");
  }
  SECTION("the wrong one") {
    v1::Partner partner = ValidGroup();
    partner.set_category(v1::PARTNER_CATEGORY_ORGANIZATION);
    CHECK(BadFields(partner) == Fields{"partner.organization", "partner.group"});
    CHECK(Problem(partner, "partner.group") ==
          "does not match category PARTNER_CATEGORY_ORGANIZATION");
  }
  SECTION("data of a mismatched kind is still validated") {
    v1::Partner partner = ValidGroup();
    partner.set_category(v1::PARTNER_CATEGORY_PERSON);
    partner.mutable_group()->clear_group_name();
    CHECK(BadFields(partner) ==
          Fields{"partner.person", "partner.group", "partner.group.group_name"});
  }
}

TEST_CASE("person") {
  v1::Partner partner = ValidPerson();
  v1::Person& person = *partner.mutable_person();
  SECTION("family name is required") {
    person.clear_family_name();
    CHECK(BadFields(partner) == Fields{"partner.person.family_name"});
    CHECK(Problem(partner, "partner.person.family_name") == "is required");
  }
  SECTION("names have at most 100 characters") {
    person.set_family_name(std::string(100, 'x'));
    person.set_given_name(std::string(100, 'x'));
    CHECK(BadFields(partner).empty());
    person.set_family_name(std::string(101, 'x'));
    person.set_given_name(std::string(101, 'x'));
    CHECK(BadFields(partner) == Fields{"partner.person.family_name", "partner.person.given_name"});
    CHECK(Problem(partner, "partner.person.given_name") == "must be at most 100 characters");
  }
  SECTION("given name and birth date are optional") {
    person.clear_given_name();
    person.clear_birth_date();
    person.clear_marital_status();
    CHECK(BadFields(partner).empty());
  }
  SECTION("unknown marital status") {
    person.set_marital_status(static_cast<v1::MaritalStatus>(7));
    CHECK(BadFields(partner) == Fields{"partner.person.marital_status"});
    CHECK(Problem(partner, "partner.person.marital_status") == "unknown value 7");
  }
}

TEST_CASE("lengths count characters, not bytes") {
  v1::Partner partner = ValidPerson();
  v1::Person& person = *partner.mutable_person();
  // "Müller" is 6 characters in 7 bytes.
  person.set_family_name(Repeat("Müller", 16) + "Heinz");  // 96 + 5 = 101 characters
  CHECK(BadFields(partner) == Fields{"partner.person.family_name"});
  person.set_family_name(Repeat("Müller", 16) + "Hein");  // 100 characters, 116 bytes
  CHECK(BadFields(partner).empty());
  person.set_family_name(Repeat("ü", 100));  // 200 bytes
  CHECK(BadFields(partner).empty());
  person.set_family_name(Repeat("😀", 100));  // 4 bytes each
  CHECK(BadFields(partner).empty());
  person.set_family_name(Repeat("😀", 101));
  CHECK(BadFields(partner) == Fields{"partner.person.family_name"});
}

TEST_CASE("strings must be valid UTF-8 without control characters") {
  v1::Partner partner = ValidPerson();
  v1::Person& person = *partner.mutable_person();
  SECTION("invalid UTF-8") {
    const std::string invalid = GENERATE(as<std::string>{}, "M\xC3\x28ller",  // bad continuation
                                         "\xC0\xAF",                          // overlong '/'
                                         "\xED\xA0\x80",                      // surrogate
                                         "\xE2\x82",                          // truncated
                                         "\xF4\x90\x80\x80",                  // above U+10FFFF
                                         "\xFF");
    person.set_family_name(invalid);
    CHECK(BadFields(partner) == Fields{"partner.person.family_name"});
    CHECK(Problem(partner, "partner.person.family_name") == "must be valid UTF-8");
  }
  SECTION("control characters") {
    const std::string with_control = GENERATE(as<std::string>{}, "Anna\nMaria", "Anna\t",
                                              std::string("An\0na", 5), "Anna\x7F",
                                              "Anna\xC2\x85");  // U+0085, a C1 control
    person.set_given_name(with_control);
    CHECK(BadFields(partner) == Fields{"partner.person.given_name"});
    CHECK(Problem(partner, "partner.person.given_name") == "contains control characters");
  }
  SECTION("in every kind of string field") {
    partner.mutable_addresses(0)->set_street_lines(0, "Haupt\x01strasse 1");
    partner.mutable_addresses(0)->set_region("\xC3");
    partner.mutable_bank_accounts(1)->set_account_holder("Anna\r");
    partner.mutable_roles(1)->mutable_customer()->set_price_group("\x1B");
    CHECK(BadFields(partner) == Fields{"partner.addresses[0].street_lines[0]",
                                       "partner.addresses[0].region",
                                       "partner.bank_accounts[1].account_holder",
                                       "partner.roles[1].customer.price_group"});
  }
}

TEST_CASE("birth date") {
  v1::Partner partner = ValidPerson();
  google::type::Date& birth_date = *partner.mutable_person()->mutable_birth_date();
  const std::string field = "partner.person.birth_date";
  SECTION("a date of all zeros counts as not set") {
    birth_date = MakeDate(0, 0, 0);
    CHECK(BadFields(partner).empty());
  }
  SECTION("leap days") {
    birth_date = MakeDate(2000, 2, 29);
    CHECK(BadFields(partner).empty());
    birth_date = MakeDate(1900, 2, 29);
    CHECK(BadFields(partner) == Fields{field});
    CHECK(Problem(partner, field) == "must be a valid date with year, month and day");
    birth_date = MakeDate(2023, 2, 29);
    CHECK(BadFields(partner) == Fields{field});
  }
  SECTION("partial dates are not valid") {
    birth_date = MakeDate(1980, 0, 0);
    CHECK(BadFields(partner) == Fields{field});
    birth_date = MakeDate(0, 5, 17);
    CHECK(BadFields(partner) == Fields{field});
  }
  SECTION("not in the future") {
    birth_date = MakeDate(2024, 6, 15);
    CHECK(BadFields(partner).empty());
    birth_date = MakeDate(2024, 6, 16);
    CHECK(BadFields(partner) == Fields{field});
    CHECK(Problem(partner, field) == "must not be in the future");
  }
  SECTION("not before 1850") {
    birth_date = MakeDate(1850, 1, 1);
    CHECK(BadFields(partner).empty());
    birth_date = MakeDate(1849, 12, 31);
    CHECK(BadFields(partner) == Fields{field});
    CHECK(Problem(partner, field) == "must not be before 1850");
  }
}

TEST_CASE("organization") {
  v1::Partner partner = ValidOrganization();
  v1::Organization& organization = *partner.mutable_organization();
  SECTION("legal name is required, at most 200 characters") {
    organization.clear_legal_name();
    CHECK(BadFields(partner) == Fields{"partner.organization.legal_name"});
    organization.set_legal_name(std::string(200, 'x'));
    CHECK(BadFields(partner).empty());
    organization.set_legal_name(std::string(201, 'x'));
    CHECK(BadFields(partner) == Fields{"partner.organization.legal_name"});
    CHECK(Problem(partner, "partner.organization.legal_name") == "must be at most 200 characters");
  }
  SECTION("legal form has at most 40 characters") {
    organization.set_legal_form(Repeat("Müller", 6) + "Müll");  // 40 characters
    CHECK(BadFields(partner).empty());
    organization.set_legal_form(std::string(41, 'x'));
    CHECK(BadFields(partner) == Fields{"partner.organization.legal_form"});
  }
  SECTION("founding date: valid, not in the future, any year") {
    *organization.mutable_founding_date() = MakeDate(1, 1, 1);
    CHECK(BadFields(partner).empty());
    *organization.mutable_founding_date() = MakeDate(2024, 6, 16);
    CHECK(BadFields(partner) == Fields{"partner.organization.founding_date"});
    CHECK(Problem(partner, "partner.organization.founding_date") == "must not be in the future");
    *organization.mutable_founding_date() = MakeDate(2023, 2, 29);
    CHECK(BadFields(partner) == Fields{"partner.organization.founding_date"});
  }
  SECTION("industry code: letters, digits, dots and dashes, at most 20") {
    for (const char* good : {"C26.2", "541512", "NACE-C26", "", "abcdefghij0123456789"}) {
      organization.set_industry_code(good);
      CHECK(BadFields(partner).empty());
    }
    for (const char* bad : {"C26/2", "C 26", "C26_2"}) {
      organization.set_industry_code(bad);
      CHECK(BadFields(partner) == Fields{"partner.organization.industry_code"});
      CHECK(Problem(partner, "partner.organization.industry_code") ==
            "may contain only letters, digits, dots and dashes");
    }
    organization.set_industry_code(std::string(21, '1'));
    CHECK(BadFields(partner) == Fields{"partner.organization.industry_code"});
  }
}

TEST_CASE("group") {
  v1::Partner partner = ValidGroup();
  v1::Group& group = *partner.mutable_group();
  SECTION("name is required, at most 200 characters") {
    group.clear_group_name();
    CHECK(BadFields(partner) == Fields{"partner.group.group_name"});
    group.set_group_name(std::string(201, 'x'));
    CHECK(BadFields(partner) == Fields{"partner.group.group_name"});
  }
  SECTION("type is required and known") {
    group.clear_group_type();
    CHECK(BadFields(partner) == Fields{"partner.group.group_type"});
    CHECK(Problem(partner, "partner.group.group_type") == "is required");
    group.set_group_type(static_cast<v1::GroupType>(9));
    CHECK(Problem(partner, "partner.group.group_type") == "unknown value 9");
  }
}

TEST_CASE("addresses") {
  v1::Partner partner = ValidPerson();
  v1::Address& address = *partner.mutable_addresses(1);
  SECTION("at most 20") {
    partner.clear_addresses();
    for (int i = 0; i < 20; ++i) *partner.add_addresses() = ValidPerson().addresses(1);
    CHECK(BadFields(partner).empty());
    *partner.add_addresses() = ValidPerson().addresses(1);
    CHECK(BadFields(partner) == Fields{"partner.addresses"});
    CHECK(Problem(partner, "partner.addresses") == "must have at most 20 entries");
  }
  SECTION("type is required and known") {
    address.clear_type();
    CHECK(BadFields(partner) == Fields{"partner.addresses[1].type"});
    address.set_type(static_cast<v1::AddressType>(5));
    CHECK(Problem(partner, "partner.addresses[1].type") == "unknown value 5");
  }
  SECTION("0 to 3 street lines of at most 100 characters") {
    address.clear_street_lines();
    CHECK(BadFields(partner).empty());
    for (int i = 0; i < 3; ++i) address.add_street_lines(std::string(100, 'x'));
    CHECK(BadFields(partner).empty());
    address.set_street_lines(1, std::string(101, 'x'));
    CHECK(BadFields(partner) == Fields{"partner.addresses[1].street_lines[1]"});
    address.set_street_lines(1, "c/o Meier");
    address.add_street_lines("Hinterhaus");
    CHECK(BadFields(partner) == Fields{"partner.addresses[1].street_lines"});
    CHECK(Problem(partner, "partner.addresses[1].street_lines") == "must have at most 3 entries");
  }
  SECTION("postal code: letters, digits, spaces and dashes, at most 20") {
    for (const char* good : {"SW1A 1AA", "1234 AB", "D-10115", "K1A 0B1", ""}) {
      address.set_postal_code(good);
      CHECK(BadFields(partner).empty());
    }
    for (const char* bad : {"10115!", "75/001", "1011_5"}) {
      address.set_postal_code(bad);
      CHECK(BadFields(partner) == Fields{"partner.addresses[1].postal_code"});
      CHECK(Problem(partner, "partner.addresses[1].postal_code") ==
            "may contain only letters, digits, spaces and dashes");
    }
    address.set_postal_code(std::string(21, '1'));
    CHECK(BadFields(partner) == Fields{"partner.addresses[1].postal_code"});
  }
  SECTION("city is required, city and region at most 100") {
    address.clear_city();
    CHECK(BadFields(partner) == Fields{"partner.addresses[1].city"});
    address.set_city(std::string(101, 'x'));
    address.set_region(std::string(101, 'x'));
    CHECK(BadFields(partner) ==
          Fields{"partner.addresses[1].city", "partner.addresses[1].region"});
  }
  SECTION("country code is required and an ISO code") {
    address.clear_country_code();
    CHECK(BadFields(partner) == Fields{"partner.addresses[1].country_code"});
    CHECK(Problem(partner, "partner.addresses[1].country_code") == "is required");
    for (const char* bad : {"gb", "UK", "GBR", "XK", "G"}) {
      address.set_country_code(bad);
      CHECK(BadFields(partner) == Fields{"partner.addresses[1].country_code"});
      CHECK(Problem(partner, "partner.addresses[1].country_code") ==
            "must be an ISO 3166-1 alpha-2 code such as \"DE\"");
    }
  }
  SECTION("at most one default") {
    address.set_is_default(true);
    *partner.add_addresses() = address;
    CHECK(BadFields(partner) ==
          Fields{"partner.addresses[1].is_default", "partner.addresses[2].is_default"});
    CHECK(Problem(partner, "partner.addresses[1].is_default") ==
          "only one address may be the default");
  }
}

TEST_CASE("e-mail addresses") {
  v1::Partner partner = ValidPerson();
  SECTION("address is required and valid") {
    partner.mutable_email_addresses(1)->clear_address();
    CHECK(BadFields(partner) == Fields{"partner.email_addresses[1].address"});
    CHECK(Problem(partner, "partner.email_addresses[1].address") == "is required");
    partner.mutable_email_addresses(1)->set_address("anna.example.com");
    CHECK(BadFields(partner) == Fields{"partner.email_addresses[1].address"});
    CHECK(Problem(partner, "partner.email_addresses[1].address") ==
          "is not a valid e-mail address");
  }
  SECTION("no duplicates, ignoring case") {
    partner.mutable_email_addresses(1)->set_address("ANNA@example.com");
    CHECK(BadFields(partner) == Fields{"partner.email_addresses[1].address"});
    CHECK(Problem(partner, "partner.email_addresses[1].address") ==
          "duplicates partner.email_addresses[0].address");
  }
  SECTION("at most one default") {
    partner.mutable_email_addresses(1)->set_is_default(true);
    CHECK(BadFields(partner) == Fields{"partner.email_addresses[1].is_default"});
    CHECK(Problem(partner, "partner.email_addresses[1].is_default") ==
          "only one e-mail address may be the default");
  }
  SECTION("unknown usage") {
    partner.mutable_email_addresses(0)->set_usage(static_cast<v1::ContactUsage>(3));
    CHECK(BadFields(partner) == Fields{"partner.email_addresses[0].usage"});
  }
  SECTION("at most 20") {
    partner.clear_email_addresses();
    for (int i = 0; i < 21; ++i) {
      partner.add_email_addresses()->set_address("anna" + std::to_string(i) + "@example.com");
    }
    CHECK(BadFields(partner) == Fields{"partner.email_addresses"});
    partner.mutable_email_addresses()->RemoveLast();
    CHECK(BadFields(partner).empty());
  }
}

TEST_CASE("phone numbers") {
  v1::Partner partner = ValidPerson();
  v1::PhoneNumber& phone = *partner.mutable_phone_numbers(1);
  SECTION("number is required and in E.164 form") {
    phone.clear_number();
    CHECK(BadFields(partner) == Fields{"partner.phone_numbers[1].number"});
    CHECK(Problem(partner, "partner.phone_numbers[1].number") == "is required");
    phone.set_number("0170 1234567");
    CHECK(BadFields(partner) == Fields{"partner.phone_numbers[1].number"});
    CHECK_THAT(Problem(partner, "partner.phone_numbers[1].number"),
               Catch::Contains("\"+4930123456\""));
  }
  SECTION("no duplicates") {
    phone.set_number("+4930123456");
    CHECK(BadFields(partner) == Fields{"partner.phone_numbers[1].number"});
    CHECK(Problem(partner, "partner.phone_numbers[1].number") ==
          "duplicates partner.phone_numbers[0].number");
  }
  SECTION("at most one default") {
    phone.set_is_default(true);
    CHECK(BadFields(partner) == Fields{"partner.phone_numbers[1].is_default"});
  }
  SECTION("unknown type and usage") {
    phone.set_type(static_cast<v1::PhoneType>(4));
    phone.set_usage(static_cast<v1::ContactUsage>(-1));
    CHECK(BadFields(partner) ==
          Fields{"partner.phone_numbers[1].type", "partner.phone_numbers[1].usage"});
    CHECK(Problem(partner, "partner.phone_numbers[1].usage") == "unknown value -1");
  }
  SECTION("at most 20") {
    partner.clear_phone_numbers();
    for (int i = 0; i < 21; ++i) {
      partner.add_phone_numbers()->set_number("+49301234" + std::to_string(10 + i));
    }
    CHECK(BadFields(partner) == Fields{"partner.phone_numbers"});
  }
}

TEST_CASE("bank accounts") {
  v1::Partner partner = ValidPerson();
  v1::BankAccount& account = *partner.mutable_bank_accounts(1);
  const std::string iban = "partner.bank_accounts[1].iban";
  SECTION("IBAN is required") {
    account.clear_iban();
    CHECK(BadFields(partner) == Fields{iban});
    CHECK(Problem(partner, iban) == "is required");
  }
  SECTION("a wrong checksum has its own message") {
    account.set_iban("GB82WEST12345698765433");
    CHECK(BadFields(partner) == Fields{iban});
    CHECK(Problem(partner, iban) == "IBAN checksum is wrong");
  }
  SECTION("wrong length, unknown country and bad characters are told apart") {
    account.set_iban("DE8937040044053201300");
    CHECK(Problem(partner, iban) ==
          "is not a valid IBAN: DE IBANs have 22 characters, this one has 21");
    account.set_iban("US64SVBKUS6S3300958879");
    CHECK(Problem(partner, iban) == "is not a valid IBAN: US has no IBANs");
    account.set_iban("DE89_370400440532013000");
    CHECK_THAT(Problem(partner, iban), Catch::StartsWith("is not a valid IBAN: a country code"));
  }
  SECTION("BIC is optional but must be valid") {
    partner.mutable_bank_accounts(0)->clear_bic();
    CHECK(BadFields(partner).empty());
    account.set_bic("DEUTDEF");
    CHECK(BadFields(partner) == Fields{"partner.bank_accounts[1].bic"});
    CHECK_THAT(Problem(partner, "partner.bank_accounts[1].bic"),
               Catch::StartsWith("is not a valid BIC"));
  }
  SECTION("account holder has at most 200 characters") {
    account.set_account_holder(std::string(201, 'x'));
    CHECK(BadFields(partner) == Fields{"partner.bank_accounts[1].account_holder"});
  }
  SECTION("no duplicate IBANs") {
    account.set_iban("DE89370400440532013000");
    CHECK(BadFields(partner) == Fields{iban});
    CHECK(Problem(partner, iban) == "duplicates partner.bank_accounts[0].iban");
  }
  SECTION("at most 10") {
    partner.clear_bank_accounts();
    for (int i = 0; i < 11; ++i) partner.add_bank_accounts()->set_iban(kValidIbans[i]);
    CHECK(BadFields(partner) == Fields{"partner.bank_accounts"});
    CHECK(Problem(partner, "partner.bank_accounts") == "must have at most 10 entries");
  }
}

TEST_CASE("roles") {
  v1::Partner partner = ValidPerson();
  SECTION("type is required and known") {
    partner.mutable_roles(0)->clear_type();
    CHECK(BadFields(partner) == Fields{"partner.roles[0].type"});
    CHECK(Problem(partner, "partner.roles[0].type") == "is required");
    partner.mutable_roles(0)->set_type(static_cast<v1::RoleType>(8));
    CHECK(Problem(partner, "partner.roles[0].type") == "unknown value 8");
  }
  SECTION("each type at most once") {
    partner.add_roles()->set_type(v1::ROLE_TYPE_CUSTOMER);
    CHECK(BadFields(partner) == Fields{"partner.roles[2].type"});
    CHECK(Problem(partner, "partner.roles[2].type") == "role ROLE_TYPE_CUSTOMER appears twice");
  }
  SECTION("customer data only for the customer role") {
    partner.mutable_roles(1)->set_type(v1::ROLE_TYPE_VENDOR);
    CHECK(BadFields(partner) == Fields{"partner.roles[1].customer"});
    CHECK(Problem(partner, "partner.roles[1].customer") ==
          "is allowed only for role ROLE_TYPE_CUSTOMER");
  }
  SECTION("channel partner data only for the channel partner role") {
    v1::Partner organization = ValidOrganization();
    organization.mutable_roles(0)->set_type(v1::ROLE_TYPE_CUSTOMER);
    CHECK(BadFields(organization) == Fields{"partner.roles[0].channel_partner"});
  }
  SECTION("customer data") {
    v1::CustomerRoleData& customer = *partner.mutable_roles(1)->mutable_customer();
    customer.set_sales_organization(std::string(20, '1'));
    CHECK(BadFields(partner).empty());
    customer.set_sales_organization(std::string(21, '1'));
    customer.set_distribution_channel(std::string(21, '1'));
    customer.set_price_group(std::string(21, '1'));
    customer.set_customer_class(static_cast<v1::CustomerClass>(4));
    CHECK(BadFields(partner) == Fields{"partner.roles[1].customer.sales_organization",
                                       "partner.roles[1].customer.distribution_channel",
                                       "partner.roles[1].customer.price_group",
                                       "partner.roles[1].customer.customer_class"});
  }
  SECTION("channel partner data") {
    v1::Partner organization = ValidOrganization();
    v1::ChannelPartnerRoleData& data = *organization.mutable_roles(0)->mutable_channel_partner();
    const std::string path = "partner.roles[0].channel_partner";
    data.set_tier(static_cast<v1::PartnerTier>(5));
    data.add_regions("");
    data.add_regions(std::string(51, 'r'));
    data.add_industries(std::string(21, 'i'));
    data.add_solutions(std::string(101, 's'));
    CHECK(BadFields(organization) == Fields{path + ".tier", path + ".regions[2]",
                                            path + ".regions[3]", path + ".industries[1]",
                                            path + ".solutions[1]"});
    CHECK(Problem(organization, path + ".regions[2]") == "must not be empty");
  }
  SECTION("channel partner lists have at most 50 entries") {
    v1::Partner organization = ValidOrganization();
    v1::ChannelPartnerRoleData& data = *organization.mutable_roles(0)->mutable_channel_partner();
    data.clear_regions();
    data.clear_industries();
    data.clear_solutions();
    for (int i = 0; i < 50; ++i) {
      data.add_regions(std::string(50, 'r'));
      data.add_industries(std::string(20, 'i'));
      data.add_solutions(std::string(100, 's'));
    }
    CHECK(BadFields(organization).empty());
    data.add_regions("DACH");
    data.add_solutions("Printing");
    const std::string path = "partner.roles[0].channel_partner";
    CHECK(BadFields(organization) == Fields{path + ".regions", path + ".solutions"});
    CHECK(Problem(organization, path + ".regions") == "must have at most 50 entries");
  }
}

TEST_CASE("ValidateRole checks one role under its own prefix") {
  v1::Role role;
  Violations violations;
  SECTION("valid") {
    role.set_type(v1::ROLE_TYPE_CUSTOMER);
    role.mutable_customer()->set_price_group("01");
    ValidateRole(role, "role", &violations);
    CHECK(violations.empty());
  }
  SECTION("invalid") {
    role.mutable_customer()->set_price_group(std::string(21, 'p'));
    ValidateRole(role, "role", &violations);
    REQUIRE(violations.list().size() == 3);
    CHECK(violations.list()[0].field == "role.type");
    CHECK(violations.list()[1].field == "role.customer");
    CHECK(violations.list()[2].field == "role.customer.price_group");
  }
}

TEST_CASE("every violation is reported, and they make an INVALID_ARGUMENT") {
  v1::Partner partner = ValidPerson();
  partner.mutable_person()->clear_family_name();
  partner.mutable_addresses(0)->set_country_code("XX");
  partner.mutable_email_addresses(0)->set_address("nope");
  partner.mutable_phone_numbers(0)->set_number("123");
  partner.mutable_bank_accounts(0)->set_iban("DE00370400440532013000");
  partner.mutable_roles(0)->clear_type();
  CHECK(BadFields(partner) ==
        Fields{"partner.person.family_name", "partner.addresses[0].country_code",
               "partner.email_addresses[0].address", "partner.phone_numbers[0].number",
               "partner.bank_accounts[0].iban", "partner.roles[0].type"});

  Violations violations;
  ValidatePartner(partner, "partner", kToday, &violations);
  const absl::Status status = violations.ToStatus();
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK(FieldViolationsOf(status).size() == 6);
}

TEST_CASE("an empty prefix gives paths from the partner itself") {
  v1::Partner partner = ValidGroup();
  partner.mutable_group()->clear_group_name();
  Violations violations;
  ValidatePartner(partner, "", kToday, &violations);
  REQUIRE(violations.list().size() == 1);
  CHECK(violations.list()[0].field == "group.group_name");
}

TEST_CASE("NormalizePartner") {
  v1::Partner partner = ParsePartner(R"pb(
    name: "partners/123"
    display_name: "Schmidt, Anna"
    etag: "7"
    create_time { seconds: 1 }
    update_time { seconds: 2 }
    category: PARTNER_CATEGORY_PERSON
    person { given_name: "  Anna\t" family_name: " Schmidt " }
    addresses { street_lines: [ " Hauptstr. 1 ", "\tHof " ] city: " Berlin" country_code: " de " }
    email_addresses { address: " Anna.Schmidt@Example.COM " }
    phone_numbers { number: " +49 (30) 123-45.6 " }
    bank_accounts { iban: " de89 3704 0044 0532 0130 00 " bic: "cobadeffxxx" }
    roles {
      type: ROLE_TYPE_CHANNEL_PARTNER
      channel_partner { regions: " EMEA " }
      create_time { seconds: 3 }
    }
  )pb");

  SECTION("cleans the values") {
    NormalizePartner(&partner, /*clear_output_only=*/false);
    CHECK(partner.person().given_name() == "Anna");
    CHECK(partner.person().family_name() == "Schmidt");
    CHECK(partner.addresses(0).street_lines(0) == "Hauptstr. 1");
    CHECK(partner.addresses(0).street_lines(1) == "Hof");
    CHECK(partner.addresses(0).city() == "Berlin");
    CHECK(partner.addresses(0).country_code() == "DE");
    CHECK(partner.email_addresses(0).address() == "Anna.Schmidt@example.com");
    CHECK(partner.phone_numbers(0).number() == "+4930123456");
    CHECK(partner.bank_accounts(0).iban() == "DE89370400440532013000");
    CHECK(partner.bank_accounts(0).bic() == "COBADEFFXXX");
    CHECK(partner.roles(0).channel_partner().regions(0) == "EMEA");
  }
  SECTION("keeps output-only fields unless told to clear them") {
    NormalizePartner(&partner, /*clear_output_only=*/false);
    CHECK(partner.name() == "partners/123");
    CHECK(partner.display_name() == "Schmidt, Anna");
    CHECK(partner.etag() == "7");
    CHECK(partner.has_create_time());
    CHECK(partner.has_update_time());
    CHECK(partner.roles(0).has_create_time());
  }
  SECTION("clears output-only fields") {
    NormalizePartner(&partner, /*clear_output_only=*/true);
    CHECK(partner.name().empty());
    CHECK(partner.display_name().empty());
    CHECK(partner.etag().empty());
    CHECK_FALSE(partner.has_create_time());
    CHECK_FALSE(partner.has_update_time());
    CHECK_FALSE(partner.roles(0).has_create_time());
    CHECK(partner.person().family_name() == "Schmidt");
  }
  SECTION("a blank required value becomes missing") {
    partner.mutable_person()->set_family_name("   ");
    NormalizePartner(&partner, /*clear_output_only=*/true);
    CHECK(Problem(partner, "partner.person.family_name") == "is required");
  }
  SECTION("leaves non-ASCII text alone") {
    partner.mutable_person()->set_family_name(" Müller ");
    NormalizePartner(&partner, /*clear_output_only=*/true);
    CHECK(partner.person().family_name() == "Müller");
  }
}

TEST_CASE("DisplayName") {
  v1::Partner person = ValidPerson();
  CHECK(DisplayName(person) == "Schmidt, Anna");
  person.mutable_person()->clear_given_name();
  CHECK(DisplayName(person) == "Schmidt");
  CHECK(DisplayName(ValidOrganization()) == "Alvis Computers GmbH");
  CHECK(DisplayName(ValidGroup()) == "Schmidt household");
  CHECK(DisplayName(v1::Partner()).empty());
}

}  // namespace
}  // namespace crm::partners
