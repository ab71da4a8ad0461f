// MergePartners over a real gRPC channel and a real SQLite file, the result:
// the default rules (the survivor's values win, its gaps are filled from the
// merged partners in the order given, lists are united without repeats or a
// second default, roles and custom values it lacks are added), field rules (a
// field or a whole list from the chosen partner; a source without a value
// empties the field), a result breaking the partner rules refused until field
// rules fix it, and validate_only showing the result without writing.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/testing/sample_values.h"
#include "services/partners/tests/merge_suite.h"

namespace crm::partners::testing::merge_testing {
namespace {

const std::string& kIban1 = crm::testing::kValidIbans[0];
const std::string& kIban2 = crm::testing::kValidIbans[1];

void AddAddress(pv1::Partner* partner, const std::string& street, const std::string& city,
                bool is_default = false) {
  pv1::Address* address = partner->add_addresses();
  address->set_type(pv1::ADDRESS_TYPE_PRIVATE);
  address->add_street_lines(street);
  address->set_city(city);
  address->set_country_code("DE");
  address->set_is_default(is_default);
}

Strings Cities(const pv1::Partner& partner) {
  Strings out;
  for (const auto& address : partner.addresses()) {
    out.push_back(absl::StrCat(address.city(), address.is_default() ? " (default)" : ""));
  }
  return out;
}

// "ROLE_TYPE_CUSTOMER CUSTOMER_CLASS_B" per role.
Strings Roles(const pv1::Partner& partner) {
  Strings out;
  for (const auto& role : partner.roles()) {
    std::string text = pv1::RoleType_Name(role.type());
    if (role.has_customer()) {
      absl::StrAppend(&text, " ", pv1::CustomerClass_Name(role.customer().customer_class()));
    }
    out.push_back(text);
  }
  return out;
}

TEST_CASE("merge: the survivor's values win and its gaps are filled in the order given",
          "[partners][merge]") {
  Crm crm;
  crm.DefineTextField("nickname");
  crm.DefineTextField("tier");

  pv1::Partner survivor = Person("Anna", "Meier");
  AddAddress(&survivor, "Hauptstr. 1", "Berlin", /*is_default=*/true);
  AddEmail(&survivor, "anna@example.com", /*is_default=*/true);
  AddPhone(&survivor, "+4930111111");
  survivor.add_bank_accounts()->set_iban(kIban1);
  AddRole(&survivor, pv1::ROLE_TYPE_CUSTOMER, pv1::CUSTOMER_CLASS_B);
  (*survivor.mutable_custom_fields())["nickname"].set_string_value("Anni");
  survivor = crm.Create(survivor);

  pv1::Partner first = Person("Anne", "Meyer");
  first.mutable_person()->set_marital_status(pv1::MARITAL_STATUS_MARRIED);
  AddAddress(&first, "Hauptstr. 1", "BERLIN");  // the survivor's, the city in other case
  AddAddress(&first, "Kaiserweg 7", "Hamburg", /*is_default=*/true);
  AddEmail(&first, "ANNA@example.com");  // the survivor's, in other case
  AddEmail(&first, "a.meier@example.org", /*is_default=*/true);
  AddPhone(&first, "+4930111111");
  AddPhone(&first, "+491701234567", /*is_default=*/true);
  first.add_bank_accounts()->set_iban(kIban1);
  first.add_bank_accounts()->set_iban(kIban2);
  AddRole(&first, pv1::ROLE_TYPE_CUSTOMER, pv1::CUSTOMER_CLASS_A);
  AddRole(&first, pv1::ROLE_TYPE_PROSPECT);
  (*first.mutable_custom_fields())["nickname"].set_string_value("Anne");
  (*first.mutable_custom_fields())["tier"].set_string_value("gold");
  first = crm.Create(first);

  pv1::Partner second = Person("", "Mayer");
  second.mutable_person()->set_marital_status(pv1::MARITAL_STATUS_SINGLE);
  *second.mutable_person()->mutable_birth_date() = MakeDate(1980, 3, 4);
  AddEmail(&second, "m2@example.net", /*is_default=*/true);
  AddRole(&second, pv1::ROLE_TYPE_VENDOR);
  (*second.mutable_custom_fields())["tier"].set_string_value("silver");
  second = crm.Create(second);

  const auto response = crm.Merge(MergeRequest(survivor, {first, second}));
  const pv1::Partner& merged = response.survivor();

  // Its own values stay; gaps take the first merged value there is.
  CHECK(merged.person().given_name() == "Anna");
  CHECK(merged.person().family_name() == "Meier");
  CHECK(merged.display_name() == survivor.display_name());
  CHECK(merged.person().marital_status() == pv1::MARITAL_STATUS_MARRIED);  // first, not second
  CHECK(MessageDifferencer::Equals(merged.person().birth_date(), MakeDate(1980, 3, 4)));

  // Lists united without repeats; the survivor's default stays the only one.
  CHECK(Cities(merged) == Strings{"Berlin (default)", "Hamburg"});
  CHECK(Emails(merged) ==
        Strings{"anna@example.com (default)", "a.meier@example.org", "m2@example.net"});
  REQUIRE(merged.phone_numbers_size() == 2);
  CHECK(merged.phone_numbers(0).number() == "+4930111111");
  CHECK(merged.phone_numbers(1).number() == "+491701234567");
  CHECK_FALSE(merged.phone_numbers(1).is_default());
  REQUIRE(merged.bank_accounts_size() == 2);
  CHECK(merged.bank_accounts(0).iban() == kIban1);
  CHECK(merged.bank_accounts(1).iban() == kIban2);

  // Roles and custom values only where the survivor has none.
  CHECK(Roles(merged) ==
        Strings{"ROLE_TYPE_CUSTOMER CUSTOMER_CLASS_B", "ROLE_TYPE_PROSPECT", "ROLE_TYPE_VENDOR"});
  REQUIRE(merged.custom_fields_size() == 2);
  CHECK(merged.custom_fields().at("nickname").string_value() == "Anni");
  CHECK(merged.custom_fields().at("tier").string_value() == "gold");

  // Output-only fields are the survivor's, at a new version.
  CHECK(merged.name() == survivor.name());
  CHECK(MessageDifferencer::Equals(merged.create_time(), survivor.create_time()));
  CHECK(merged.etag() != survivor.etag());
  CHECK(merged.state() == pv1::PARTNER_STATE_ACTIVE);
  CHECK(merged.merged_into().empty());
  CHECK(MessageDifferencer::Equals(crm.Get(survivor.name()), merged));

  // The merged partners keep their data, in the order asked.
  REQUIRE(response.merged_partners_size() == 2);
  CHECK(response.merged_partners(0).name() == first.name());
  CHECK(response.merged_partners(1).name() == second.name());
  CHECK(response.merged_partners(0).person().family_name() == "Meyer");
  CHECK(response.merged_partners(1).person().family_name() == "Mayer");
  CHECK(response.moved_relationships().empty());
  CHECK(response.dropped_relationships().empty());
  CHECK(response.moved_consent_records().empty());
}

TEST_CASE("merge: field rules take a field or a whole list from the chosen partner",
          "[partners][merge]") {
  Crm crm;
  pv1::Partner survivor = Person("Anna", "Meier");
  *survivor.mutable_person()->mutable_birth_date() = MakeDate(1975, 1, 2);
  AddAddress(&survivor, "Hauptstr. 1", "Berlin", /*is_default=*/true);
  AddEmail(&survivor, "anna@example.com");
  survivor = crm.Create(survivor);
  pv1::Partner first = Person("Anne", "Meyer");
  AddAddress(&first, "Kaiserweg 7", "Hamburg", /*is_default=*/true);
  AddAddress(&first, "Deich 2", "Bremen");
  AddEmail(&first, "anne@example.org");
  first = crm.Create(first);
  const pv1::Partner second = crm.Create(Person("", "Mayer"));

  pv1::MergePartnersRequest request = MergeRequest(survivor, {first, second});

  SECTION("a field from a merged partner") {
    AddRule(&request, "person.family_name", first.name());
    const pv1::Partner merged = crm.Merge(request).survivor();
    CHECK(merged.person().family_name() == "Meyer");
    CHECK(merged.person().given_name() == "Anna");
    CHECK(merged.display_name() == "Meyer, Anna");
    CHECK(MessageDifferencer::Equals(crm.Get(survivor.name()), merged));
  }
  SECTION("a whole list from a merged partner replaces the survivor's, defaults and all") {
    AddRule(&request, "addresses", first.name());
    const pv1::Partner merged = crm.Merge(request).survivor();
    CHECK(Cities(merged) == Strings{"Hamburg (default)", "Bremen"});
    CHECK(Emails(merged) == Strings{"anna@example.com", "anne@example.org"});  // still united
    CHECK(MessageDifferencer::Equals(crm.Get(survivor.name()), merged));
  }
  SECTION("a list from the survivor keeps only its own") {
    AddRule(&request, "email_addresses", survivor.name());
    const pv1::Partner merged = crm.Merge(request).survivor();
    CHECK(Emails(merged) == Strings{"anna@example.com"});
    CHECK(Cities(merged) == Strings{"Berlin (default)", "Hamburg", "Bremen"});
  }
  SECTION("a source without a value empties the field") {
    AddRule(&request, "person.birth_date", first.name());
    AddRule(&request, "person.given_name", second.name());
    const pv1::Partner merged = crm.Merge(request).survivor();
    CHECK_FALSE(merged.person().has_birth_date());
    CHECK(merged.person().given_name().empty());
    CHECK(merged.display_name() == "Meier");
    CHECK(MessageDifferencer::Equals(crm.Get(survivor.name()), merged));
  }
}

TEST_CASE("merge: a result that breaks the partner rules is refused until field rules fix it",
          "[partners][merge]") {
  Crm crm;
  pv1::Partner survivor = Person("Anna", "Meier");
  for (int i = 0; i < 15; ++i) AddEmail(&survivor, absl::StrCat("anna", i, "@example.com"));
  survivor = crm.Create(survivor);
  pv1::Partner other = Person("Anne", "Meyer");
  for (int i = 0; i < 10; ++i) AddEmail(&other, absl::StrCat("anne", i, "@example.org"));
  other = crm.Create(other);
  const Snapshot before = Take(crm, {survivor, other});

  // United, 25 e-mail addresses: more than the 20 a partner may have.
  pv1::MergePartnersRequest request = MergeRequest(survivor, {other});
  const grpc::Status status = crm.Try(&Stub::MergePartners, request);
  CHECK(Outcome(status) == "FAILED_PRECONDITION");
  CHECK(PreconditionType(status) == "MERGE_RESULT_INVALID");
  CHECK(absl::StrContains(status.error_message(), "survivor.email_addresses"));
  CheckUnchanged(crm, before);

  AddRule(&request, "email_addresses", survivor.name());
  CHECK(crm.Merge(request).survivor().email_addresses_size() == 15);
}

TEST_CASE("merge: validate_only shows the result and writes nothing", "[partners][merge]") {
  Crm crm;
  pv1::Partner survivor = Person("Anna", "Meier");
  AddEmail(&survivor, "anna@example.com");
  survivor = crm.Create(survivor);
  pv1::Partner other = Person("Anne", "Meyer");
  AddEmail(&other, "anne@example.org");
  other = crm.Create(other);
  const pv1::Partner acme = crm.Create(Organization("Acme AG"));
  const pv1::Relationship contact = crm.Relate(Link(kContact, acme, other));
  crm.Ok(&Stub::GrantConsent,
         Decision<pv1::GrantConsentRequest>(other.name(), pv1::CONTACT_CHANNEL_EMAIL,
                                            pv1::CONTACT_PURPOSE_SALES, absl::Hours(1)));
  const Snapshot before = Take(crm, {survivor, other, acme});

  pv1::MergePartnersRequest request = MergeRequest(survivor, {other});
  request.set_validate_only(true);
  const auto preview = crm.Merge(request);

  CHECK(Emails(preview.survivor()) == Strings{"anna@example.com", "anne@example.org"});
  REQUIRE(preview.merged_partners_size() == 1);
  CHECK(preview.merged_partners(0).state() == kMerged);
  CHECK(preview.merged_partners(0).merged_into() == survivor.name());
  CHECK(NamesOf(preview.moved_relationships()) == Names{contact.name()});
  CHECK(preview.moved_consent_records_size() == 1);

  // Records, relationships, consent, audit trails and the feed as they were.
  CheckUnchanged(crm, before);
  CHECK(MessageDifferencer::Equals(crm.Get(survivor.name()), survivor));
  CHECK(MessageDifferencer::Equals(crm.Get(other.name()), other));
  CHECK(crm.Listed().count(other.name()) == 1);

  // The merge itself gives what the preview showed.
  request.set_validate_only(false);
  const auto response = crm.Merge(request);
  auto unstamped = [](pv1::Partner partner) {
    partner.clear_update_time();
    return partner;
  };
  CHECK(MessageDifferencer::Equals(unstamped(response.survivor()), unstamped(preview.survivor())));
  CHECK(MessageDifferencer::Equals(unstamped(response.merged_partners(0)),
                                   unstamped(preview.merged_partners(0))));
  CHECK(NamesOf(response.moved_consent_records()) == NamesOf(preview.moved_consent_records()));
  CHECK(crm.Head() > before.head);
}

}  // namespace
}  // namespace crm::partners::testing::merge_testing
