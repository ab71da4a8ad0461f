// Changing partners over a real gRPC channel and a real SQLite file:
// UpdatePartner with update masks (nested paths, whole lists, "*"), etags and
// refused changes that leave the partner as it was; concurrent updates with
// the same etag, of which exactly one wins; and adding, replacing and removing
// roles, each keeping its create_time.
#include <string>
#include <thread>
#include <vector>

#include "services/partners/tests/partners_service_suite.h"

namespace crm::partners::testing::service_testing {
namespace {

std::string ViolationFields(const grpc::Status& status) {
  std::string out;
  for (const crm::FieldViolation& v : crm::FieldViolationsOf(crm::FromGrpcStatus(status))) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", v.field);
  }
  return out;
}

TEST_CASE("update partners with update masks", "[partners][update]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());
  const pv1::Partner original = client.Create(FullPerson());

  SECTION("a nested path changes only that field") {
    pv1::Partner patch;
    patch.set_name(original.name());
    patch.mutable_person()->set_family_name("Schmidt");
    patch.mutable_person()->set_given_name("Not applied");
    const pv1::Partner updated = client.Update(patch, {"person.family_name"});
    CHECK(updated.person().family_name() == "Schmidt");
    CHECK(updated.person().given_name() == "Anna");
    CHECK(updated.person().marital_status() == pv1::MARITAL_STATUS_MARRIED);
    CHECK(updated.display_name() == "Schmidt, Anna");
    CHECK(updated.etag() != original.etag());
    CHECK(ProtoDiff(original.create_time(), updated.create_time()) == "");
    CHECK(ToAbslTime(updated.update_time()) > ToAbslTime(original.update_time()));
    // Everything else is as before.
    pv1::Partner expected = original;
    expected.mutable_person()->set_family_name("Schmidt");
    expected.set_display_name("Schmidt, Anna");
    *expected.mutable_update_time() = updated.update_time();
    expected.set_etag(updated.etag());
    CHECK(ProtoDiff(expected, updated) == "");
    CHECK(ProtoDiff(updated, client.Get(original.name())) == "");
    CHECK(client.DisplayNames("display_name = \"Schmidt*\"") ==
          std::vector<std::string>{"Schmidt, Anna"});
  }

  SECTION("a single top-level field") {
    pv1::Partner patch;
    patch.set_name(original.name());
    pv1::EmailAddress* email = patch.add_email_addresses();
    email->set_address("anna@new-domain.org");
    email->set_is_default(true);
    const pv1::Partner updated = client.Update(patch, {"email_addresses"});
    REQUIRE(updated.email_addresses_size() == 1);
    CHECK(updated.email_addresses(0).address() == "anna@new-domain.org");
    CHECK(updated.phone_numbers_size() == 2);
    CHECK(updated.addresses_size() == 2);
    CHECK(updated.person().family_name() == "Musterfrau");
  }

  SECTION("a repeated field is replaced as a whole, and list filters follow") {
    pv1::Partner patch;
    patch.set_name(original.name());
    *patch.add_addresses() = MakeAddress(pv1::ADDRESS_TYPE_PRIVATE, "Wien", "at", true);
    const pv1::Partner updated = client.Update(patch, {"addresses"});
    REQUIRE(updated.addresses_size() == 1);
    CHECK(updated.addresses(0).city() == "Wien");
    CHECK(updated.addresses(0).country_code() == "AT");
    CHECK(client.DisplayNames("city = \"Wien\"") == std::vector<std::string>{"Musterfrau, Anna"});
    CHECK(client.DisplayNames("city = \"Berlin\"").empty());
    CHECK(client.DisplayNames("city = \"Hamburg\"").empty());
    CHECK(client.DisplayNames("country_code = \"DE\"").empty());
  }

  SECTION("several paths at once") {
    pv1::Partner patch;
    patch.set_name(original.name());
    patch.mutable_person()->set_given_name("Anne");
    patch.mutable_person()->set_marital_status(pv1::MARITAL_STATUS_WIDOWED);
    const pv1::Partner updated =
        client.Update(patch, {"person.given_name", "person.marital_status", "bank_accounts"});
    CHECK(updated.person().given_name() == "Anne");
    CHECK(updated.person().marital_status() == pv1::MARITAL_STATUS_WIDOWED);
    CHECK(updated.bank_accounts_size() == 0);
    CHECK(updated.display_name() == "Musterfrau, Anne");
  }

  SECTION("\"*\" replaces every writable field and keeps the output-only ones") {
    pv1::Partner patch = PersonPartner("Neumann", "Nora", "Leipzig", "DE");
    patch.set_name(original.name());
    patch.set_display_name("ignored");
    patch.mutable_create_time()->set_seconds(12345);
    *patch.add_roles() = SimpleRole(pv1::ROLE_TYPE_EMPLOYEE);
    const pv1::Partner updated = client.Update(patch, {"*"});
    CHECK(updated.name() == original.name());
    CHECK(updated.display_name() == "Neumann, Nora");
    CHECK(updated.category() == pv1::PARTNER_CATEGORY_PERSON);
    CHECK(ProtoDiff(original.create_time(), updated.create_time()) == "");
    CHECK_FALSE(updated.person().has_birth_date());
    CHECK(updated.email_addresses_size() == 0);
    CHECK(updated.phone_numbers_size() == 0);
    CHECK(updated.bank_accounts_size() == 0);
    REQUIRE(updated.addresses_size() == 1);
    CHECK(updated.addresses(0).city() == "Leipzig");
    REQUIRE(updated.roles_size() == 1);
    CHECK(updated.roles(0).type() == pv1::ROLE_TYPE_EMPLOYEE);
    CHECK(ProtoDiff(updated, client.Get(original.name())) == "");
    CHECK(client.DisplayNames("role = ROLE_TYPE_CUSTOMER").empty());
    CHECK(client.DisplayNames("role = ROLE_TYPE_EMPLOYEE") ==
          std::vector<std::string>{"Neumann, Nora"});
  }

  SECTION("etags: a stale one is refused, the current one works") {
    pv1::Partner patch;
    patch.set_name(original.name());
    patch.set_etag(original.etag());
    patch.mutable_person()->set_given_name("Annika");
    const pv1::Partner first = client.Update(patch, {"person.given_name"});
    CHECK(first.etag() != original.etag());

    // Someone else still holds the first etag.
    patch.mutable_person()->set_given_name("Anke");
    pv1::Partner ignored;
    grpc::Status status = client.TryUpdate(patch, {"person.given_name"}, &ignored);
    CHECK(status.error_code() == grpc::StatusCode::ABORTED);
    CHECK(client.Get(original.name()).person().given_name() == "Annika");

    patch.set_etag(first.etag());
    const pv1::Partner second = client.Update(patch, {"person.given_name"});
    CHECK(second.person().given_name() == "Anke");
    CHECK(second.etag() != first.etag());

    // Without an etag the write is unconditional.
    patch.clear_etag();
    patch.mutable_person()->set_given_name("Anja");
    CHECK(client.Update(patch, {"person.given_name"}).person().given_name() == "Anja");
  }

  SECTION("the category cannot be changed") {
    pv1::Partner patch = OrganizationPartner("Musterfrau GmbH", "", "Berlin", "DE");
    patch.set_name(original.name());
    pv1::Partner ignored;
    const grpc::Status status = client.TryUpdate(patch, {"category"}, &ignored);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(HasViolation(status, "update_mask"));
    // Switching the details to another category is refused too.
    const grpc::Status switched = client.TryUpdate(patch, {"organization"}, &ignored);
    CHECK(switched.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    INFO(ViolationFields(switched));
    CHECK((HasViolation(switched, "partner.person") ||
           HasViolation(switched, "partner.organization")));
    CHECK(ProtoDiff(original, client.Get(original.name())) == "");
  }

  SECTION("an update that would make the partner invalid changes nothing") {
    pv1::Partner patch;
    patch.set_name(original.name());
    *patch.add_addresses() = MakeAddress(pv1::ADDRESS_TYPE_PRIVATE, "Nowhere", "XX");
    pv1::Partner ignored;
    const grpc::Status status = client.TryUpdate(patch, {"addresses"}, &ignored);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(HasViolation(status, "partner.addresses[0].country_code"));
    CHECK(ProtoDiff(original, client.Get(original.name())) == "");
    CHECK(client.Changes(0).head_sequence() == 1);
  }
}

TEST_CASE("concurrent updates with the same etag: exactly one wins",
          "[partners][update][concurrency]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());
  const pv1::Partner original =
      client.Create(OrganizationPartner("Streit GmbH", "M69", "Essen", "DE"));

  constexpr int kThreads = 8;
  std::vector<grpc::Status> statuses(kThreads);
  std::vector<pv1::Partner> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      pv1::Partner patch;
      patch.set_name(original.name());
      patch.set_etag(original.etag());
      patch.mutable_organization()->set_legal_name(absl::StrCat("Gewinner ", t, " GmbH"));
      statuses[t] = client.TryUpdate(patch, {"organization.legal_name"}, &results[t]);
    });
  }
  for (std::thread& thread : threads) thread.join();

  int winner = -1;
  for (int t = 0; t < kThreads; ++t) {
    INFO("thread " << t << ": " << StatusText(statuses[t]));
    if (statuses[t].ok()) {
      CHECK(winner == -1);
      winner = t;
    } else {
      CHECK(statuses[t].error_code() == grpc::StatusCode::ABORTED);
    }
  }
  REQUIRE(winner >= 0);
  const pv1::Partner stored = client.Get(original.name());
  CHECK(stored.display_name() == absl::StrCat("Gewinner ", winner, " GmbH"));
  CHECK(ProtoDiff(results[winner], stored) == "");
  CHECK(client.Changes(0).head_sequence() == 2);
}

TEST_CASE("add and remove roles", "[partners][roles]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());
  pv1::Partner org = OrganizationPartner("Rollen AG", "G46", "Berlin", "DE");
  *org.add_roles() = SimpleRole(pv1::ROLE_TYPE_PROSPECT);
  const pv1::Partner created = client.Create(org);
  const google::protobuf::Timestamp prospect_since = created.roles(0).create_time();

  pv1::Partner with_customer;
  REQUIRE(StatusText(client.AddRole(created.name(), CustomerRole(pv1::CUSTOMER_CLASS_B),
                                    created.etag(), &with_customer)) == "OK");
  REQUIRE(with_customer.roles_size() == 2);
  CHECK(with_customer.roles(0).type() == pv1::ROLE_TYPE_PROSPECT);
  CHECK(ProtoDiff(prospect_since, with_customer.roles(0).create_time()) == "");
  CHECK(with_customer.roles(1).type() == pv1::ROLE_TYPE_CUSTOMER);
  CHECK(with_customer.roles(1).customer().customer_class() == pv1::CUSTOMER_CLASS_B);
  CHECK(ToAbslTime(with_customer.roles(1).create_time()) > ToAbslTime(prospect_since));
  CHECK(ProtoDiff(with_customer.roles(1).create_time(), with_customer.update_time()) == "");
  CHECK(with_customer.etag() != created.etag());
  CHECK(client.DisplayNames("customer_class = CUSTOMER_CLASS_B") ==
        std::vector<std::string>{"Rollen AG"});
  const google::protobuf::Timestamp customer_since = with_customer.roles(1).create_time();

  pv1::Partner ignored;
  // The partner has the role already.
  grpc::Status status =
      client.AddRole(created.name(), CustomerRole(pv1::CUSTOMER_CLASS_A), "", &ignored);
  CHECK(status.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  // The etag of the create is stale now.
  status =
      client.AddRole(created.name(), SimpleRole(pv1::ROLE_TYPE_VENDOR), created.etag(), &ignored);
  CHECK(status.error_code() == grpc::StatusCode::ABORTED);
  // A role it does not have.
  status = client.RemoveRole(created.name(), pv1::ROLE_TYPE_COMPETITOR, "", &ignored);
  CHECK(status.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(ProtoDiff(with_customer, client.Get(created.name())) == "");

  // Updates of other fields keep every role's create_time.
  pv1::Partner patch;
  patch.set_name(created.name());
  patch.mutable_organization()->set_legal_name("Rollen Holding AG");
  const pv1::Partner renamed = client.Update(patch, {"organization.legal_name"});
  REQUIRE(renamed.roles_size() == 2);
  CHECK(ProtoDiff(prospect_since, renamed.roles(0).create_time()) == "");
  CHECK(ProtoDiff(customer_since, renamed.roles(1).create_time()) == "");
  CHECK(renamed.organization().legal_form() == "GmbH");

  // An update of the roles themselves keeps the times of the roles that stay,
  // ignores the times a client sends, and stamps the new ones.
  patch = renamed;
  patch.mutable_roles(1)->mutable_create_time()->set_seconds(1);
  patch.mutable_roles(1)->mutable_customer()->set_customer_class(pv1::CUSTOMER_CLASS_C);
  patch.mutable_roles()->DeleteSubrange(0, 1);
  *patch.add_roles() = SimpleRole(pv1::ROLE_TYPE_VENDOR);
  const pv1::Partner reroled = client.Update(patch, {"roles"});
  REQUIRE(reroled.roles_size() == 2);
  CHECK(reroled.roles(0).type() == pv1::ROLE_TYPE_CUSTOMER);
  CHECK(reroled.roles(0).customer().customer_class() == pv1::CUSTOMER_CLASS_C);
  CHECK(ProtoDiff(customer_since, reroled.roles(0).create_time()) == "");
  CHECK(reroled.roles(1).type() == pv1::ROLE_TYPE_VENDOR);
  CHECK(ProtoDiff(reroled.update_time(), reroled.roles(1).create_time()) == "");
  CHECK(client.DisplayNames("role = ROLE_TYPE_PROSPECT").empty());
  CHECK(client.DisplayNames("customer_class = CUSTOMER_CLASS_C") ==
        std::vector<std::string>{"Rollen Holding AG"});

  // Remove with the current etag.
  pv1::Partner without_vendor;
  REQUIRE(StatusText(client.RemoveRole(created.name(), pv1::ROLE_TYPE_VENDOR, reroled.etag(),
                                       &without_vendor)) == "OK");
  REQUIRE(without_vendor.roles_size() == 1);
  CHECK(without_vendor.roles(0).type() == pv1::ROLE_TYPE_CUSTOMER);
  CHECK(ProtoDiff(customer_since, without_vendor.roles(0).create_time()) == "");
  CHECK(client.DisplayNames("role = ROLE_TYPE_VENDOR").empty());
  // Removing it again: it is gone.
  status = client.RemoveRole(created.name(), pv1::ROLE_TYPE_VENDOR, "", &ignored);
  CHECK(status.error_code() == grpc::StatusCode::NOT_FOUND);
  // A stale etag on remove.
  status = client.RemoveRole(created.name(), pv1::ROLE_TYPE_CUSTOMER, reroled.etag(), &ignored);
  CHECK(status.error_code() == grpc::StatusCode::ABORTED);

  // Re-adding a removed role starts a new create_time.
  pv1::Partner readded;
  REQUIRE(StatusText(client.AddRole(created.name(), SimpleRole(pv1::ROLE_TYPE_PROSPECT), "",
                                    &readded)) == "OK");
  REQUIRE(readded.roles_size() == 2);
  CHECK(ToAbslTime(readded.roles(1).create_time()) > ToAbslTime(prospect_since));

  const std::vector<fv1::Change> changes = client.AllChanges();
  std::vector<std::string> methods;
  for (const fv1::Change& change : changes) methods.push_back(change.method());
  CHECK(methods == std::vector<std::string>{"CreatePartner", "AddPartnerRole", "UpdatePartner",
                                            "UpdatePartner", "RemovePartnerRole",
                                            "AddPartnerRole"});
}

}  // namespace
}  // namespace crm::partners::testing::service_testing
