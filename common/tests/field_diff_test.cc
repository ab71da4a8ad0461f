// Tests of the audit diff: which fields a write changed, with personal
// values hashed.
#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "common/audit/field_diff.h"
#include "crm/partners/v1/partner.pb.h"

namespace {

namespace pv1 = crm::partners::v1;
using crm::audit::DiffMessages;
using crm::audit::DiffOptions;
using crm::audit::HashValue;

DiffOptions Options() {
  DiffOptions options;
  options.ignored = {"etag", "update_time"};
  options.is_personal = [](absl::string_view path) {
    return absl::StartsWith(path, "person") || absl::StartsWith(path, "email_addresses");
  };
  options.hash_key = "test-key";
  return options;
}

pv1::Partner Organization() {
  pv1::Partner p;
  p.set_category(pv1::PARTNER_CATEGORY_ORGANIZATION);
  p.mutable_organization()->set_legal_name("Alvis GmbH");
  auto* a = p.add_addresses();
  a->set_city("Berlin");
  a->set_country_code("DE");
  return p;
}

}  // namespace

TEST_CASE("field diff: identical messages have no changes", "[audit]") {
  CHECK(DiffMessages(Organization(), Organization(), Options()).empty());
}

TEST_CASE("field diff: a changed scalar is one change with old and new text", "[audit]") {
  pv1::Partner before = Organization();
  pv1::Partner after = before;
  after.mutable_addresses(0)->set_city("Hamburg");
  after.set_etag("\"2\"");  // ignored
  const auto changes = DiffMessages(before, after, Options());
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].field() == "addresses[0].city");
  CHECK(changes[0].old_value() == "\"Berlin\"");
  CHECK(changes[0].new_value() == "\"Hamburg\"");
  CHECK_FALSE(changes[0].hashed());
}

TEST_CASE("field diff: creation lists every set field, enums by name", "[audit]") {
  const auto changes = DiffMessages(pv1::Partner(), Organization(), Options());
  REQUIRE(changes.size() == 3);
  CHECK(changes[0].field() == "category");
  CHECK(changes[0].old_value().empty());
  CHECK(changes[0].new_value() == "PARTNER_CATEGORY_ORGANIZATION");
  CHECK(changes[1].field() == "organization.legal_name");
  CHECK(changes[2].field() == "addresses[0]");
  CHECK(absl::StrContains(changes[2].new_value(), "Berlin"));
}

TEST_CASE("field diff: added and removed list elements", "[audit]") {
  pv1::Partner before = Organization();
  pv1::Partner after = before;
  after.add_addresses()->set_city("Madrid");
  auto changes = DiffMessages(before, after, Options());
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].field() == "addresses[1]");
  CHECK(changes[0].old_value().empty());
  CHECK(absl::StrContains(changes[0].new_value(), "Madrid"));

  changes = DiffMessages(after, before, Options());
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].field() == "addresses[1]");
  CHECK(changes[0].new_value().empty());
}

TEST_CASE("field diff: personal values are hashed with the key, never shown", "[audit]") {
  pv1::Partner before;
  before.set_category(pv1::PARTNER_CATEGORY_PERSON);
  before.mutable_person()->set_family_name("Quetschkommode");
  before.add_email_addresses()->set_address("anna@example.org");
  pv1::Partner after = before;
  after.mutable_person()->set_family_name("Schmidt");
  after.mutable_email_addresses(0)->set_address("anna@example.com");
  const auto changes = DiffMessages(before, after, Options());
  REQUIRE(changes.size() == 2);
  for (const auto& change : changes) {
    CHECK(change.hashed());
    CHECK(absl::StartsWith(change.old_value(), "hmac-sha256:"));
    CHECK(absl::StartsWith(change.new_value(), "hmac-sha256:"));
    CHECK(change.old_value() != change.new_value());
    CHECK_FALSE(absl::StrContains(change.old_value(), "Quetsch"));
    CHECK_FALSE(absl::StrContains(change.new_value(), "example"));
  }
  CHECK(changes[0].field() == "person.family_name");
  CHECK(changes[0].old_value() == HashValue("test-key", "\"Quetschkommode\""));
  CHECK(changes[1].field() == "email_addresses[0].address");
}

TEST_CASE("field diff: the hash depends on the key and is stable", "[audit]") {
  CHECK(HashValue("k1", "value") == HashValue("k1", "value"));
  CHECK(HashValue("k1", "value") != HashValue("k2", "value"));
  CHECK(HashValue("k1", "value").size() == std::string("hmac-sha256:").size() + 32);
  // RFC 4231 test case 2, truncated to 16 bytes.
  CHECK(HashValue("Jefe", "what do ya want for nothing?") ==
        "hmac-sha256:5bdcc146bf60754e6a042426089575c7");
}

TEST_CASE("field diff: switching the category data shows both sides", "[audit]") {
  pv1::Partner before = Organization();
  pv1::Partner after = before;
  after.mutable_group()->set_group_name("Club");
  const auto changes = DiffMessages(before, after, Options());
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].field() == "organization.legal_name");
  CHECK(changes[0].new_value().empty());
  CHECK(changes[1].field() == "group.group_name");
  CHECK(changes[1].new_value() == "\"Club\"");
}

TEST_CASE("field diff: map entries are compared by key, whatever their order", "[audit]") {
  pv1::Partner before = Organization();
  (*before.mutable_custom_fields())["tier"].set_string_value("gold");
  (*before.mutable_custom_fields())["employees"].set_number_value(40);
  (*before.mutable_custom_fields())["audited"].set_bool_value(true);
  // Same entries, built in another order: no change.
  pv1::Partner same = Organization();
  (*same.mutable_custom_fields())["audited"].set_bool_value(true);
  (*same.mutable_custom_fields())["employees"].set_number_value(40);
  (*same.mutable_custom_fields())["tier"].set_string_value("gold");
  CHECK(DiffMessages(before, same, Options()).empty());

  pv1::Partner after = same;
  (*after.mutable_custom_fields())["tier"].set_string_value("silver");
  after.mutable_custom_fields()->erase("audited");
  (*after.mutable_custom_fields())["region"].set_string_value("north");
  const auto changes = DiffMessages(before, after, Options());
  REQUIRE(changes.size() == 3);
  CHECK(changes[0].field() == "custom_fields.audited");
  CHECK(changes[0].old_value() == "bool_value: true");
  CHECK(changes[0].new_value().empty());
  CHECK(changes[1].field() == "custom_fields.region");
  CHECK(changes[1].old_value().empty());
  CHECK(changes[1].new_value() == "string_value: \"north\"");
  CHECK(changes[2].field() == "custom_fields.tier.string_value");
  CHECK(changes[2].old_value() == "\"gold\"");
  CHECK(changes[2].new_value() == "\"silver\"");
}
