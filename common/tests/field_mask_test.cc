// Tests of crm::api::ApplyFieldMask with the Partner resource.
#include <initializer_list>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/util/message_differencer.h>

#include "absl/status/status.h"
#include "common/api/field_mask.h"
#include "common/errors.h"
#include "crm/partners/v1/partner.pb.h"

namespace crm::api {
namespace {

using crm::partners::v1::Partner;
using google::protobuf::FieldMask;
using google::protobuf::util::MessageDifferencer;

// The rules the partners service uses.
FieldMaskRules PartnerRules() {
  return FieldMaskRules{{"category"}, {"name", "display_name", "create_time", "update_time", "etag"}};
}

FieldMask Mask(std::initializer_list<const char*> paths) {
  FieldMask mask;
  for (const char* p : paths) mask.add_paths(p);
  return mask;
}

// A stored person partner with every kind of field set.
Partner StoredPerson() {
  Partner p;
  p.set_name("partners/01stored");
  p.set_category(partners::v1::PARTNER_CATEGORY_PERSON);
  p.set_display_name("Muster, Anna");
  p.mutable_person()->set_given_name("Anna");
  p.mutable_person()->set_family_name("Muster");
  p.mutable_person()->mutable_birth_date()->set_year(1980);
  p.mutable_person()->set_marital_status(partners::v1::MARITAL_STATUS_SINGLE);
  auto* a1 = p.add_addresses();
  a1->set_city("Berlin");
  a1->set_country_code("DE");
  a1->add_street_lines("Alte Str. 1");
  auto* a2 = p.add_addresses();
  a2->set_city("Hamburg");
  a2->set_country_code("DE");
  p.add_email_addresses()->set_address("anna@example.com");
  p.add_phone_numbers()->set_number("+4930123456");
  p.mutable_create_time()->set_seconds(1000);
  p.mutable_update_time()->set_seconds(2000);
  p.set_etag("\"3\"");
  return p;
}

// A patch as a client sends it: every field different from StoredPerson().
Partner Patch() {
  Partner p;
  p.set_name("partners/01other");
  p.set_category(partners::v1::PARTNER_CATEGORY_ORGANIZATION);
  p.set_display_name("client display");
  p.mutable_person()->set_given_name("Berta");
  p.mutable_person()->set_family_name("Beispiel");
  auto* a = p.add_addresses();
  a->set_city("Munich");
  a->set_country_code("DE");
  p.add_bank_accounts()->set_iban("DE89370400440532013000");
  p.mutable_create_time()->set_seconds(9);
  p.mutable_update_time()->set_seconds(9);
  p.set_etag("\"9\"");
  return p;
}

void CheckMaskError(const absl::Status& status, const std::string& description_part) {
  INFO(status.ToString());
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  const std::vector<FieldViolation> violations = FieldViolationsOf(status);
  REQUIRE(violations.size() == 1);
  CHECK(violations[0].field == "update_mask");
  CHECK(violations[0].description.find(description_part) != std::string::npos);
}

}  // namespace

TEST_CASE("A single top-level path replaces just that field", "[field_mask]") {
  Partner target = StoredPerson();
  Partner expected = StoredPerson();
  Partner patch;
  patch.add_email_addresses()->set_address("new@example.com");
  patch.mutable_person()->set_family_name("ignored: not in the mask");

  REQUIRE(ApplyFieldMask(Mask({"email_addresses"}), patch, &target, PartnerRules()).ok());
  expected.mutable_email_addresses()->Clear();
  expected.add_email_addresses()->set_address("new@example.com");
  CHECK(MessageDifferencer::Equals(target, expected));
}

TEST_CASE("A nested path changes only the named sub-field", "[field_mask]") {
  Partner target = StoredPerson();
  Partner patch;
  patch.mutable_person()->set_family_name("Neu");
  patch.mutable_person()->set_given_name("not in the mask");

  REQUIRE(ApplyFieldMask(Mask({"person.family_name"}), patch, &target, PartnerRules()).ok());
  Partner expected = StoredPerson();
  expected.mutable_person()->set_family_name("Neu");
  CHECK(MessageDifferencer::Equals(target, expected));
  CHECK(target.person().given_name() == "Anna");
  CHECK(target.person().birth_date().year() == 1980);

  SECTION("a nested message field is replaced as a whole") {
    Partner date_patch;
    date_patch.mutable_person()->mutable_birth_date()->set_month(5);
    REQUIRE(ApplyFieldMask(Mask({"person.birth_date"}), date_patch, &target, PartnerRules()).ok());
    CHECK(target.person().birth_date().year() == 0);
    CHECK(target.person().birth_date().month() == 5);
    CHECK(target.person().family_name() == "Neu");
  }
  SECTION("a path two levels deep") {
    Partner date_patch;
    date_patch.mutable_person()->mutable_birth_date()->set_day(17);
    REQUIRE(
        ApplyFieldMask(Mask({"person.birth_date.day"}), date_patch, &target, PartnerRules()).ok());
    CHECK(target.person().birth_date().year() == 1980);
    CHECK(target.person().birth_date().day() == 17);
  }
}

TEST_CASE("A repeated field is replaced as a whole", "[field_mask]") {
  Partner target = StoredPerson();
  REQUIRE(target.addresses_size() == 2);
  Partner patch;
  auto* a = patch.add_addresses();
  a->set_city("Köln");
  a->set_country_code("DE");

  REQUIRE(ApplyFieldMask(Mask({"addresses"}), patch, &target, PartnerRules()).ok());
  REQUIRE(target.addresses_size() == 1);
  CHECK(target.addresses(0).city() == "Köln");
  CHECK(target.addresses(0).street_lines_size() == 0);
  // Nothing else moved.
  CHECK(target.email_addresses_size() == 1);
  CHECK(target.person().family_name() == "Muster");

  SECTION("naming it with an empty list in the patch empties it") {
    REQUIRE(ApplyFieldMask(Mask({"addresses"}), Partner(), &target, PartnerRules()).ok());
    CHECK(target.addresses_size() == 0);
  }
  SECTION("a repeated field of strings inside a nested message is not reachable") {
    // Only messages can be walked through; "addresses" is a list of them.
    CheckMaskError(ApplyFieldMask(Mask({"addresses.street_lines"}), patch, &target, PartnerRules()),
                   "not a message");
  }
}

TEST_CASE("Naming a field the patch lacks clears it", "[field_mask]") {
  Partner target = StoredPerson();
  const Partner empty_patch;
  REQUIRE(ApplyFieldMask(Mask({"phone_numbers", "person.given_name", "person.birth_date"}),
                         empty_patch, &target, PartnerRules())
              .ok());
  CHECK(target.phone_numbers_size() == 0);
  CHECK(target.person().given_name().empty());
  CHECK_FALSE(target.person().has_birth_date());
  CHECK(target.person().family_name() == "Muster");
  CHECK(target.addresses_size() == 2);
}

TEST_CASE("\"*\" replaces everything but output-only and immutable fields", "[field_mask]") {
  Partner target = StoredPerson();
  const Partner patch = Patch();
  REQUIRE(ApplyFieldMask(Mask({"*"}), patch, &target, PartnerRules()).ok());

  // Output only and immutable: kept.
  CHECK(target.name() == "partners/01stored");
  CHECK(target.category() == partners::v1::PARTNER_CATEGORY_PERSON);
  CHECK(target.display_name() == "Muster, Anna");
  CHECK(target.create_time().seconds() == 1000);
  CHECK(target.update_time().seconds() == 2000);
  CHECK(target.etag() == "\"3\"");
  // Everything else is the patch's, including fields the patch lacks.
  CHECK(MessageDifferencer::Equals(target.person(), patch.person()));
  CHECK_FALSE(target.person().has_birth_date());
  REQUIRE(target.addresses_size() == 1);
  CHECK(target.addresses(0).city() == "Munich");
  CHECK(target.email_addresses_size() == 0);
  CHECK(target.phone_numbers_size() == 0);
  REQUIRE(target.bank_accounts_size() == 1);
  CHECK(target.bank_accounts(0).iban() == "DE89370400440532013000");

  SECTION("the patch is not modified") { CHECK(MessageDifferencer::Equals(patch, Patch())); }
  SECTION("\"*\" switches a oneof to the patch's member") {
    Partner org_patch;
    org_patch.mutable_organization()->set_legal_name("ACME GmbH");
    REQUIRE(ApplyFieldMask(Mask({"*"}), org_patch, &target, PartnerRules()).ok());
    CHECK(target.details_case() == Partner::kOrganization);
    CHECK(target.organization().legal_name() == "ACME GmbH");
    CHECK_FALSE(target.has_person());
    CHECK(target.addresses_size() == 0);
    CHECK(target.name() == "partners/01stored");
  }
}

TEST_CASE("Naming the other member of a oneof switches it", "[field_mask]") {
  Partner target = StoredPerson();
  Partner patch;
  patch.mutable_organization()->set_legal_name("ACME GmbH");
  patch.mutable_organization()->set_legal_form("GmbH");

  REQUIRE(ApplyFieldMask(Mask({"organization"}), patch, &target, PartnerRules()).ok());
  CHECK(target.details_case() == Partner::kOrganization);
  CHECK_FALSE(target.has_person());
  CHECK(target.organization().legal_name() == "ACME GmbH");
  CHECK(target.organization().legal_form() == "GmbH");
  CHECK(target.addresses_size() == 2);

  SECTION("and a nested path into the other member switches it too") {
    Partner person_patch;
    person_patch.mutable_person()->set_family_name("Zurück");
    REQUIRE(ApplyFieldMask(Mask({"person.family_name"}), person_patch, &target, PartnerRules())
                .ok());
    CHECK(target.details_case() == Partner::kPerson);
    CHECK(target.person().family_name() == "Zurück");
    CHECK_FALSE(target.has_organization());
  }
}

TEST_CASE("Several paths are applied together", "[field_mask]") {
  Partner target = StoredPerson();
  const Partner patch = Patch();
  REQUIRE(ApplyFieldMask(Mask({"person.given_name", "bank_accounts", "email_addresses"}), patch,
                         &target, PartnerRules())
              .ok());
  CHECK(target.person().given_name() == "Berta");
  CHECK(target.person().family_name() == "Muster");
  CHECK(target.bank_accounts_size() == 1);
  CHECK(target.email_addresses_size() == 0);
  CHECK(target.addresses_size() == 2);
}

TEST_CASE("Bad masks are INVALID_ARGUMENT naming update_mask", "[field_mask]") {
  Partner target = StoredPerson();
  const Partner patch = Patch();
  const FieldMaskRules rules = PartnerRules();

  SECTION("empty mask") {
    CheckMaskError(ApplyFieldMask(FieldMask(), patch, &target, rules), "required");
  }
  SECTION("unknown top-level path") {
    CheckMaskError(ApplyFieldMask(Mask({"nickname"}), patch, &target, rules), "nickname");
  }
  SECTION("unknown nested path") {
    CheckMaskError(ApplyFieldMask(Mask({"person.nickname"}), patch, &target, rules),
                   "person.nickname");
  }
  SECTION("empty path") {
    CheckMaskError(ApplyFieldMask(Mask({""}), patch, &target, rules), "unknown");
  }
  SECTION("JSON (camelCase) names are not field names") {
    CheckMaskError(ApplyFieldMask(Mask({"emailAddresses"}), patch, &target, rules), "unknown");
  }
  SECTION("immutable path") {
    CheckMaskError(ApplyFieldMask(Mask({"category"}), patch, &target, rules), "cannot be changed");
  }
  SECTION("output-only paths") {
    for (const char* path : {"name", "display_name", "create_time", "update_time", "etag"}) {
      INFO(path);
      CheckMaskError(ApplyFieldMask(Mask({path}), patch, &target, rules), "output only");
    }
  }
  SECTION("a path inside an output-only field") {
    CheckMaskError(ApplyFieldMask(Mask({"create_time.seconds"}), patch, &target, rules),
                   "output only");
  }
  SECTION("\"*\" mixed with other paths") {
    CheckMaskError(ApplyFieldMask(Mask({"*", "addresses"}), patch, &target, rules), "only path");
    // (Paths before a bad one are applied before it is found; use a copy.)
    Partner scratch = StoredPerson();
    CheckMaskError(ApplyFieldMask(Mask({"addresses", "*"}), patch, &scratch, rules), "only path");
  }
  SECTION("a path through a repeated field") {
    CheckMaskError(ApplyFieldMask(Mask({"addresses.city"}), patch, &target, rules),
                   "not a message");
  }
  SECTION("a path through a scalar field") {
    CheckMaskError(ApplyFieldMask(Mask({"person.family_name.x"}), patch, &target, rules),
                   "not a message");
  }
  // A rejected mask changes nothing when its first path is the bad one.
  CHECK(MessageDifferencer::Equals(target, StoredPerson()));
}

TEST_CASE("Rules cover whole path segments, and what is below them", "[field_mask]") {
  FieldMaskRules rules;
  rules.output_only = {"person"};
  rules.immutable = {"phone"};  // a prefix of "phone_numbers", but not a segment of it
  Partner target = StoredPerson();
  Partner patch;
  patch.add_phone_numbers()->set_number("+4940111111");
  REQUIRE(ApplyFieldMask(Mask({"phone_numbers"}), patch, &target, rules).ok());
  REQUIRE(target.phone_numbers_size() == 1);
  CHECK(target.phone_numbers(0).number() == "+4940111111");
  CheckMaskError(ApplyFieldMask(Mask({"person"}), patch, &target, rules), "output only");
  CheckMaskError(ApplyFieldMask(Mask({"person.given_name"}), patch, &target, rules), "output only");
  CHECK(target.person().given_name() == "Anna");
}

// Known bugs (see the report): these document the expected behaviour and are
// allowed to fail until common/api/field_mask.cc is fixed.
TEST_CASE("A path listed twice is applied once, not undone", "[field_mask]") {
  Partner target = StoredPerson();
  Partner patch;
  patch.mutable_person()->set_given_name("Neu");
  REQUIRE(ApplyFieldMask(Mask({"person.given_name", "person.given_name"}), patch, &target,
                         PartnerRules())
              .ok());
  CHECK(target.person().given_name() == "Neu");
}

TEST_CASE("Overlapping paths both take the patch's value", "[field_mask]") {
  Partner target = StoredPerson();
  Partner patch;
  patch.mutable_person()->set_given_name("Neu");
  patch.mutable_person()->set_family_name("Neumann");
  REQUIRE(ApplyFieldMask(Mask({"person", "person.family_name"}), patch, &target, PartnerRules())
              .ok());
  CHECK(target.person().given_name() == "Neu");
  CHECK(target.person().family_name() == "Neumann");
}

TEST_CASE("Naming a oneof member does not bring in the patch's other member",
          "[field_mask]") {
  Partner target = StoredPerson();
  Partner patch;
  patch.mutable_organization()->set_legal_name("not in the mask");
  REQUIRE(ApplyFieldMask(Mask({"person"}), patch, &target, PartnerRules()).ok());
  // "person" was named and the patch has none: person is cleared, and
  // "organization" (not named) must not appear.
  CHECK_FALSE(target.has_person());
  CHECK_FALSE(target.has_organization());
}

}  // namespace crm::api
