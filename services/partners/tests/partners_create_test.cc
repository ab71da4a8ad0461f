// Creating partners over a real gRPC channel and a real SQLite file: a person
// with every kind of data, an organisation and a group (output-only input
// ignored), each read back with GetPartner; creates made idempotent by a
// request_id; and the data, request ids and etags surviving a restart on the
// same file.
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/server/service_host.h"
#include "services/partners/tests/partners_service_suite.h"

namespace crm::partners::testing::service_testing {
namespace {

TEST_CASE("create a person with every kind of data, then get it back", "[partners][create]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());

  const pv1::Partner created = client.Create(FullPerson());

  CHECK(std::regex_match(created.name(), std::regex("partners/[0-9a-z]{26}")));
  CHECK(created.category() == pv1::PARTNER_CATEGORY_PERSON);
  CHECK(created.display_name() == "Musterfrau, Anna");
  CHECK(IsRecent(created.create_time()));
  CHECK(ProtoDiff(created.create_time(), created.update_time()) == "");
  CHECK_FALSE(created.etag().empty());

  // The data as sent, normalised.
  REQUIRE(created.has_person());
  CHECK(created.person().family_name() == "Musterfrau");
  CHECK(created.person().given_name() == "Anna");
  CHECK(created.person().birth_date().year() == 1984);
  CHECK(created.person().birth_date().month() == 2);
  CHECK(created.person().birth_date().day() == 29);
  CHECK(created.person().marital_status() == pv1::MARITAL_STATUS_MARRIED);
  REQUIRE(created.addresses_size() == 2);
  CHECK(created.addresses(0).city() == "Berlin");
  CHECK(created.addresses(0).country_code() == "DE");
  CHECK(created.addresses(0).is_default());
  CHECK(created.addresses(0).street_lines(0) == "Hauptstraße 1");
  CHECK(created.addresses(1).type() == pv1::ADDRESS_TYPE_BILLING);
  CHECK(created.addresses(1).city() == "Hamburg");
  CHECK(created.addresses(1).region() == "HH");
  REQUIRE(created.addresses(1).street_lines_size() == 2);
  CHECK(created.addresses(1).street_lines(1) == "c/o Buchhaltung");
  REQUIRE(created.email_addresses_size() == 2);
  CHECK(created.email_addresses(0).address() == "anna.musterfrau@example.com");
  CHECK(created.email_addresses(0).is_default());
  CHECK(created.email_addresses(1).usage() == pv1::CONTACT_USAGE_BUSINESS);
  REQUIRE(created.phone_numbers_size() == 2);
  CHECK(created.phone_numbers(0).number() == "+4930123456");
  CHECK(created.phone_numbers(1).type() == pv1::PHONE_TYPE_MOBILE);
  REQUIRE(created.bank_accounts_size() == 1);
  CHECK(created.bank_accounts(0).iban() == "DE89370400440532013000");
  CHECK(created.bank_accounts(0).bic() == "COBADEFFXXX");
  REQUIRE(created.roles_size() == 2);
  CHECK(created.roles(0).type() == pv1::ROLE_TYPE_CUSTOMER);
  CHECK(created.roles(0).customer().customer_class() == pv1::CUSTOMER_CLASS_A);
  CHECK(created.roles(0).customer().sales_organization() == "1000");
  CHECK(created.roles(1).type() == pv1::ROLE_TYPE_CONTACT_PERSON);
  for (const pv1::Role& role : created.roles()) {
    CHECK(ProtoDiff(created.create_time(), role.create_time()) == "");
  }

  // Get returns exactly what the create returned.
  CHECK(ProtoDiff(created, client.Get(created.name())) == "");
}

TEST_CASE("create an organisation and a group, ignoring output-only input", "[partners][create]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());

  pv1::Partner organization = OrganizationPartner("Alvis Computers", "C26.2", "Berlin", "DE");
  *organization.add_roles() = ChannelPartnerRole(pv1::PARTNER_TIER_GOLD, {"DE-BE", "EMEA"});
  *organization.add_roles() = SimpleRole(pv1::ROLE_TYPE_VENDOR);
  pv1::BankAccount* account = organization.add_bank_accounts();
  account->set_iban("GB82WEST12345698765432");
  account->set_account_holder("Alvis Computers UK Ltd");
  // A client may echo a whole resource back: output-only fields are ignored.
  organization.set_name("partners/chosen-by-the-client");
  organization.set_display_name("Something else");
  organization.set_etag("\"42\"");
  organization.mutable_create_time()->set_seconds(1);

  const pv1::Partner org = client.Create(organization);
  CHECK(org.name() != "partners/chosen-by-the-client");
  CHECK(std::regex_match(org.name(), std::regex("partners/[0-9a-z]{26}")));
  CHECK(org.display_name() == "Alvis Computers");
  CHECK(org.category() == pv1::PARTNER_CATEGORY_ORGANIZATION);
  CHECK(org.organization().legal_form() == "GmbH");
  CHECK(org.organization().industry_code() == "C26.2");
  CHECK(org.etag() != "\"42\"");
  CHECK(IsRecent(org.create_time()));
  REQUIRE(org.roles_size() == 2);
  CHECK(org.roles(0).type() == pv1::ROLE_TYPE_CHANNEL_PARTNER);
  CHECK(org.roles(0).channel_partner().tier() == pv1::PARTNER_TIER_GOLD);
  REQUIRE(org.roles(0).channel_partner().regions_size() == 2);
  CHECK(org.roles(0).channel_partner().regions(0) == "DE-BE");
  CHECK(org.roles(0).channel_partner().regions(1) == "EMEA");
  CHECK(org.roles(1).type() == pv1::ROLE_TYPE_VENDOR);
  CHECK(org.bank_accounts(0).account_holder() == "Alvis Computers UK Ltd");
  CHECK(ProtoDiff(org, client.Get(org.name())) == "");

  const pv1::Partner group =
      client.Create(GroupPartner("Familie Schmidt", pv1::GROUP_TYPE_HOUSEHOLD, "Köln", "DE"));
  CHECK(group.display_name() == "Familie Schmidt");
  CHECK(group.category() == pv1::PARTNER_CATEGORY_GROUP);
  CHECK(group.group().group_type() == pv1::GROUP_TYPE_HOUSEHOLD);
  CHECK(group.addresses(0).city() == "Köln");
  CHECK(ProtoDiff(group, client.Get(group.name())) == "");

  // A person without a given name is shown by the family name alone.
  const pv1::Partner person = client.Create(PersonPartner("Nakamura", ""));
  CHECK(person.display_name() == "Nakamura");

  CHECK(org.name() != group.name());
  CHECK(group.name() != person.name());
  CHECK(client.List("", "", 1000).partners_size() == 3);
}

TEST_CASE("create is idempotent with a request_id", "[partners][idempotency]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());
  const pv1::Partner partner = OrganizationPartner("Einmal GmbH", "C10", "Bremen", "DE");
  const std::string request_id = "3f0c8a2e-6b1d-4c5e-9a7f-0e2d4b6c8a10";

  const pv1::Partner first = client.Create(partner, request_id);
  const pv1::Partner retry = client.Create(partner, request_id);
  CHECK(retry.name() == first.name());
  CHECK(ProtoDiff(first, retry) == "");
  CHECK(client.List("", "", 1000).partners_size() == 1);

  // The same id with another body is an error, and writes nothing.
  pv1::Partner other = partner;
  other.mutable_organization()->set_legal_name("Zweimal GmbH");
  pv1::Partner ignored;
  const grpc::Status status = client.TryCreate(other, request_id, &ignored);
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(HasViolation(status, "request_id"));
  CHECK(client.List("", "", 1000).partners_size() == 1);

  // Another id, or none, creates a new partner each time.
  const pv1::Partner second = client.Create(partner, "another-request-id");
  const pv1::Partner third = client.Create(partner);
  const pv1::Partner fourth = client.Create(partner);
  CHECK(std::set<std::string>{first.name(), second.name(), third.name(), fourth.name()}.size() ==
        4);

  const std::vector<fv1::Change> changes = client.AllChanges();
  REQUIRE(changes.size() == 4);
  CHECK(changes[0].request_id() == request_id);
  CHECK(changes[0].resource_name() == first.name());
  CHECK(changes[1].request_id() == "another-request-id");
  CHECK(changes[2].request_id().empty());

  // A retry after the partner changed still answers with the first result
  // and does not create again.
  pv1::Partner patch;
  patch.set_name(first.name());
  patch.mutable_organization()->set_legal_name("Einmal AG");
  client.Update(patch, {"organization.legal_name"});
  const pv1::Partner late_retry = client.Create(partner, request_id);
  CHECK(late_retry.name() == first.name());
  CHECK(client.List("", "", 1000).partners_size() == 4);
  CHECK(client.Changes(0).head_sequence() == 5);

  SECTION("concurrent retries of the same request create one partner") {
    const std::string concurrent_id = "concurrent-retry-0001";
    const pv1::Partner body = PersonPartner("Parallel", "Paula");
    constexpr int kThreads = 6;
    std::vector<grpc::Status> statuses(kThreads);
    std::vector<pv1::Partner> results(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back(
          [&, t] { statuses[t] = client.TryCreate(body, concurrent_id, &results[t]); });
    }
    for (std::thread& thread : threads) thread.join();
    for (int t = 0; t < kThreads; ++t) {
      CHECK(StatusText(statuses[t]) == "OK");
      CHECK(results[t].name() == results[0].name());
    }
    CHECK(client.DisplayNames("display_name = \"Parallel*\"") ==
          std::vector<std::string>{"Parallel, Paula"});
    CHECK(client.Changes(0).head_sequence() == 6);
  }
}

TEST_CASE("the data survives a restart on the same file", "[partners][durability]") {
  const crm::server::ServiceSpec spec = PartnersSpec();
  crm::testing::TempDir dir;
  crm::server::ServiceConfig config = spec.defaults;
  config.grpc_address = "127.0.0.1:0";
  config.metrics_address = "";
  config.data_dir = dir.path();
  config.db_path = dir.path() + "/partners.db";
  config.worker_threads = 4;

  const pv1::Partner partner = FullPerson();
  pv1::Partner created, updated;
  {
    auto host = crm::server::ServiceHost::Start(spec, config);
    REQUIRE(host.ok());
    Client client(grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*host)->grpc_port()),
                                      grpc::InsecureChannelCredentials()));
    created = client.Create(partner, "restart-request-1");
    pv1::Partner patch;
    patch.set_name(created.name());
    patch.mutable_person()->set_given_name("Anna-Lena");
    updated = client.Update(patch, {"person.given_name"});
    (*host)->Shutdown(absl::Seconds(2));
  }

  auto host = crm::server::ServiceHost::Start(spec, config);
  REQUIRE(host.ok());
  Client client(grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*host)->grpc_port()),
                                    grpc::InsecureChannelCredentials()));
  CHECK(ProtoDiff(updated, client.Get(created.name())) == "");
  CHECK(client.DisplayNames("role = ROLE_TYPE_CUSTOMER") ==
        std::vector<std::string>{"Musterfrau, Anna-Lena"});

  std::vector<fv1::Change> changes = client.AllChanges();
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].kind() == fv1::CHANGE_KIND_CREATED);
  CHECK(changes[1].kind() == fv1::CHANGE_KIND_UPDATED);

  // The request id is remembered across the restart.
  const pv1::Partner retry = client.Create(partner, "restart-request-1");
  CHECK(retry.name() == created.name());
  CHECK(client.List("", "", 1000).partners_size() == 1);

  // The etag still works, and the feed goes on without a gap.
  pv1::Partner patch;
  patch.set_name(created.name());
  patch.set_etag(created.etag());
  pv1::Partner ignored;
  CHECK(client.TryUpdate(patch, {"person.marital_status"}, &ignored).error_code() ==
        grpc::StatusCode::ABORTED);
  patch.set_etag(updated.etag());
  client.Update(patch, {"person.marital_status"});
  const pv1::Partner second = client.Create(PersonPartner("Nachher", "Nils"));
  changes = client.AllChanges();
  REQUIRE(changes.size() == 4);
  CHECK(changes[2].sequence() == 3);
  CHECK(changes[3].sequence() == 4);
  CHECK(changes[3].resource_name() == second.name());
  (*host)->Shutdown(absl::Seconds(2));
}

}  // namespace
}  // namespace crm::partners::testing::service_testing
