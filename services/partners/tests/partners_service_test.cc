// The partners service over a real gRPC channel and a real SQLite file:
// create, get, list (filters, order, paging), update with masks and etags,
// delete, roles, idempotent creates, the change feed (ListChanges and
// WatchChanges), concurrent writers and a restart on the same file.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/errors.h"
#include "common/server/service_host.h"
#include "common/testing/service_fixture.h"
#include "crm/feed/v1/change_feed.grpc.pb.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "services/partners/partners_spec.h"

namespace {

namespace pv1 = crm::partners::v1;
namespace fv1 = crm::feed::v1;
using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;

using crm::partners::PartnersSpec;

// "OK", or the code and message, so a failed check shows what the server said.
std::string StatusText(const grpc::Status& status) {
  if (status.ok()) return "OK";
  return absl::StrCat("code ", static_cast<int>(status.error_code()), ": ",
                      status.error_message());
}

// Empty when equal, otherwise the differences.
std::string ProtoDiff(const google::protobuf::Message& expected,
                      const google::protobuf::Message& actual) {
  std::string report;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&report);
  if (differencer.Compare(expected, actual)) return "";
  return report.empty() ? "messages differ" : report;
}

bool HasViolation(const grpc::Status& status, const std::string& field) {
  for (const crm::FieldViolation& v : crm::FieldViolationsOf(crm::FromGrpcStatus(status))) {
    if (v.field == field) return true;
  }
  return false;
}

std::string ViolationFields(const grpc::Status& status) {
  std::string out;
  for (const crm::FieldViolation& v : crm::FieldViolationsOf(crm::FromGrpcStatus(status))) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", v.field);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Partners as users enter them.

pv1::Address MakeAddress(pv1::AddressType type, const std::string& city,
                         const std::string& country_code, bool is_default = false) {
  pv1::Address address;
  address.set_type(type);
  address.add_street_lines("Hauptstraße 1");
  address.set_postal_code("10115");
  address.set_city(city);
  address.set_country_code(country_code);
  address.set_is_default(is_default);
  return address;
}

pv1::Role SimpleRole(pv1::RoleType type) {
  pv1::Role role;
  role.set_type(type);
  return role;
}

pv1::Role CustomerRole(pv1::CustomerClass customer_class) {
  pv1::Role role;
  role.set_type(pv1::ROLE_TYPE_CUSTOMER);
  role.mutable_customer()->set_sales_organization("1000");
  role.mutable_customer()->set_distribution_channel("10");
  role.mutable_customer()->set_price_group("02");
  role.mutable_customer()->set_customer_class(customer_class);
  return role;
}

pv1::Role ChannelPartnerRole(pv1::PartnerTier tier, std::vector<std::string> regions) {
  pv1::Role role;
  role.set_type(pv1::ROLE_TYPE_CHANNEL_PARTNER);
  role.mutable_channel_partner()->set_tier(tier);
  for (const std::string& region : regions) role.mutable_channel_partner()->add_regions(region);
  role.mutable_channel_partner()->add_industries("C26.2");
  role.mutable_channel_partner()->add_solutions("Managed print services");
  return role;
}

pv1::Partner PersonPartner(const std::string& family_name, const std::string& given_name,
                           const std::string& city = "Berlin",
                           const std::string& country_code = "DE") {
  pv1::Partner partner;
  partner.set_category(pv1::PARTNER_CATEGORY_PERSON);
  partner.mutable_person()->set_family_name(family_name);
  partner.mutable_person()->set_given_name(given_name);
  *partner.add_addresses() = MakeAddress(pv1::ADDRESS_TYPE_PRIVATE, city, country_code, true);
  return partner;
}

pv1::Partner OrganizationPartner(const std::string& legal_name, const std::string& industry_code,
                                 const std::string& city, const std::string& country_code) {
  pv1::Partner partner;
  partner.set_category(pv1::PARTNER_CATEGORY_ORGANIZATION);
  partner.mutable_organization()->set_legal_name(legal_name);
  partner.mutable_organization()->set_legal_form("GmbH");
  partner.mutable_organization()->set_industry_code(industry_code);
  *partner.add_addresses() = MakeAddress(pv1::ADDRESS_TYPE_BUSINESS, city, country_code, true);
  return partner;
}

pv1::Partner GroupPartner(const std::string& group_name, pv1::GroupType type,
                          const std::string& city, const std::string& country_code) {
  pv1::Partner partner;
  partner.set_category(pv1::PARTNER_CATEGORY_GROUP);
  partner.mutable_group()->set_group_name(group_name);
  partner.mutable_group()->set_group_type(type);
  *partner.add_addresses() = MakeAddress(pv1::ADDRESS_TYPE_PRIVATE, city, country_code);
  return partner;
}

// A person with everything a real record has, entered the way people type it.
pv1::Partner FullPerson() {
  pv1::Partner partner = PersonPartner("Musterfrau", "Anna");
  partner.mutable_person()->mutable_birth_date()->set_year(1984);
  partner.mutable_person()->mutable_birth_date()->set_month(2);
  partner.mutable_person()->mutable_birth_date()->set_day(29);
  partner.mutable_person()->set_marital_status(pv1::MARITAL_STATUS_MARRIED);
  pv1::Address* billing = partner.add_addresses();
  *billing = MakeAddress(pv1::ADDRESS_TYPE_BILLING, "Hamburg", "DE");
  billing->add_street_lines("c/o Buchhaltung");
  billing->set_region("HH");
  pv1::EmailAddress* email = partner.add_email_addresses();
  email->set_address("anna.musterfrau@Example.COM");
  email->set_usage(pv1::CONTACT_USAGE_PRIVATE);
  email->set_is_default(true);
  pv1::EmailAddress* work = partner.add_email_addresses();
  work->set_address("a.musterfrau@firma.de");
  work->set_usage(pv1::CONTACT_USAGE_BUSINESS);
  pv1::PhoneNumber* phone = partner.add_phone_numbers();
  phone->set_number("+49 (30) 123-456");
  phone->set_type(pv1::PHONE_TYPE_LANDLINE);
  phone->set_usage(pv1::CONTACT_USAGE_PRIVATE);
  phone->set_is_default(true);
  pv1::PhoneNumber* mobile = partner.add_phone_numbers();
  mobile->set_number("+491701234567");
  mobile->set_type(pv1::PHONE_TYPE_MOBILE);
  pv1::BankAccount* account = partner.add_bank_accounts();
  account->set_iban("de89 3704 0044 0532 0130 00");
  account->set_bic("cobadeffxxx");
  *partner.add_roles() = CustomerRole(pv1::CUSTOMER_CLASS_A);
  *partner.add_roles() = SimpleRole(pv1::ROLE_TYPE_CONTACT_PERSON);
  return partner;
}

// ---------------------------------------------------------------------------
// A client of both services.

class Client {
 public:
  explicit Client(const std::shared_ptr<grpc::Channel>& channel)
      : partners_(pv1::PartnerService::NewStub(channel)),
        feed_(fv1::ChangeFeedService::NewStub(channel)) {}

  pv1::PartnerService::Stub& partners() { return *partners_; }
  fv1::ChangeFeedService::Stub& feed() { return *feed_; }

  grpc::Status TryCreate(const pv1::Partner& partner, const std::string& request_id,
                         pv1::Partner* out) {
    pv1::CreatePartnerRequest request;
    *request.mutable_partner() = partner;
    request.set_request_id(request_id);
    return partners_->CreatePartner(crm::testing::ContextWithDeadline().get(), request, out);
  }

  pv1::Partner Create(const pv1::Partner& partner, const std::string& request_id = "") {
    pv1::Partner created;
    const grpc::Status status = TryCreate(partner, request_id, &created);
    REQUIRE(StatusText(status) == "OK");
    return created;
  }

  grpc::Status TryGet(const std::string& name, pv1::Partner* out) {
    pv1::GetPartnerRequest request;
    request.set_name(name);
    return partners_->GetPartner(crm::testing::ContextWithDeadline().get(), request, out);
  }

  pv1::Partner Get(const std::string& name) {
    pv1::Partner partner;
    const grpc::Status status = TryGet(name, &partner);
    REQUIRE(StatusText(status) == "OK");
    return partner;
  }

  grpc::Status TryList(const pv1::ListPartnersRequest& request, pv1::ListPartnersResponse* out) {
    return partners_->ListPartners(crm::testing::ContextWithDeadline().get(), request, out);
  }

  pv1::ListPartnersResponse List(const std::string& filter, const std::string& order_by = "",
                                 int page_size = 0, const std::string& page_token = "") {
    pv1::ListPartnersRequest request;
    request.set_filter(filter);
    request.set_order_by(order_by);
    request.set_page_size(page_size);
    request.set_page_token(page_token);
    pv1::ListPartnersResponse response;
    const grpc::Status status = TryList(request, &response);
    INFO("filter: " << filter << ", order_by: " << order_by);
    REQUIRE(StatusText(status) == "OK");
    return response;
  }

  // Every partner matching, in the order returned (one page of up to 1000).
  std::vector<pv1::Partner> ListAll(const std::string& filter, const std::string& order_by = "") {
    const pv1::ListPartnersResponse response = List(filter, order_by, 1000);
    CHECK(response.next_page_token().empty());
    return {response.partners().begin(), response.partners().end()};
  }

  // Resource names of every partner matching, in the order returned.
  std::vector<std::string> Names(const std::string& filter, const std::string& order_by = "") {
    std::vector<std::string> names;
    for (const pv1::Partner& p : ListAll(filter, order_by)) names.push_back(p.name());
    return names;
  }

  // Display names of every partner matching, in the order returned.
  std::vector<std::string> DisplayNames(const std::string& filter,
                                        const std::string& order_by = "display_name") {
    std::vector<std::string> names;
    for (const pv1::Partner& p : ListAll(filter, order_by)) names.push_back(p.display_name());
    return names;
  }

  grpc::Status TryUpdate(const pv1::Partner& partner, const std::vector<std::string>& paths,
                         pv1::Partner* out) {
    pv1::UpdatePartnerRequest request;
    *request.mutable_partner() = partner;
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    return partners_->UpdatePartner(crm::testing::ContextWithDeadline().get(), request, out);
  }

  pv1::Partner Update(const pv1::Partner& partner, const std::vector<std::string>& paths) {
    pv1::Partner updated;
    const grpc::Status status = TryUpdate(partner, paths, &updated);
    REQUIRE(StatusText(status) == "OK");
    return updated;
  }

  grpc::Status Delete(const std::string& name, const std::string& etag = "") {
    pv1::DeletePartnerRequest request;
    request.set_name(name);
    request.set_etag(etag);
    google::protobuf::Empty empty;
    return partners_->DeletePartner(crm::testing::ContextWithDeadline().get(), request, &empty);
  }

  grpc::Status AddRole(const std::string& name, const pv1::Role& role, const std::string& etag,
                       pv1::Partner* out) {
    pv1::AddPartnerRoleRequest request;
    request.set_name(name);
    *request.mutable_role() = role;
    request.set_etag(etag);
    return partners_->AddPartnerRole(crm::testing::ContextWithDeadline().get(), request, out);
  }

  grpc::Status RemoveRole(const std::string& name, pv1::RoleType type, const std::string& etag,
                          pv1::Partner* out) {
    pv1::RemovePartnerRoleRequest request;
    request.set_name(name);
    request.set_role_type(type);
    request.set_etag(etag);
    return partners_->RemovePartnerRole(crm::testing::ContextWithDeadline().get(), request, out);
  }

  fv1::ListChangesResponse Changes(int64_t after_sequence, int page_size = 0) {
    fv1::ListChangesRequest request;
    request.set_after_sequence(after_sequence);
    request.set_page_size(page_size);
    fv1::ListChangesResponse response;
    const grpc::Status status =
        feed_->ListChanges(crm::testing::ContextWithDeadline().get(), request, &response);
    REQUIRE(StatusText(status) == "OK");
    return response;
  }

  // The whole feed, page by page.
  std::vector<fv1::Change> AllChanges() {
    std::vector<fv1::Change> all;
    int64_t after = 0;
    for (int pages = 0; pages < 10000; ++pages) {
      fv1::ListChangesResponse page = Changes(after, 1000);
      if (page.changes().empty()) break;
      for (const fv1::Change& change : page.changes()) all.push_back(change);
      after = page.last_sequence();
    }
    return all;
  }

 private:
  std::unique_ptr<pv1::PartnerService::Stub> partners_;
  std::unique_ptr<fv1::ChangeFeedService::Stub> feed_;
};

absl::Time ToAbslTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

bool IsRecent(const google::protobuf::Timestamp& ts) {
  const absl::Duration age = absl::Now() - ToAbslTime(ts);
  return ts.seconds() > 0 && age > absl::Seconds(-60) && age < absl::Seconds(60);
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// ---------------------------------------------------------------------------

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

TEST_CASE("create an organisation and a group, ignoring output-only input",
          "[partners][create]") {
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

// Six partners to filter.
struct ListFixture {
  explicit ListFixture(Client& client) {
    pv1::Partner acme = OrganizationPartner("Acme Corp", "C26.2", "Berlin", "DE");
    *acme.add_roles() = CustomerRole(pv1::CUSTOMER_CLASS_A);
    created.push_back(client.Create(acme));

    pv1::Partner logistics = OrganizationPartner("Acme Logistics", "H49", "Paris", "FR");
    *logistics.add_roles() = SimpleRole(pv1::ROLE_TYPE_PROSPECT);
    created.push_back(client.Create(logistics));

    pv1::Partner beta = OrganizationPartner("Beta Systems", "C26.2", "München", "DE");
    *beta.add_roles() = CustomerRole(pv1::CUSTOMER_CLASS_B);
    *beta.add_roles() = ChannelPartnerRole(pv1::PARTNER_TIER_SILVER, {"DE-BY"});
    created.push_back(client.Create(beta));

    pv1::Partner anna = PersonPartner("Musterfrau", "Anna", "Berlin", "DE");
    *anna.add_roles() = CustomerRole(pv1::CUSTOMER_CLASS_A);
    created.push_back(client.Create(anna));

    pv1::Partner smiths = GroupPartner("Smith Family", pv1::GROUP_TYPE_HOUSEHOLD, "London", "GB");
    // A second address in Germany: country filters look at every address.
    *smiths.add_addresses() = MakeAddress(pv1::ADDRESS_TYPE_SHIPPING, "Hamburg", "DE");
    created.push_back(client.Create(smiths));

    pv1::Partner acmeish = PersonPartner("Acmeson", "Zoe", "Paris", "FR");
    *acmeish.add_roles() = SimpleRole(pv1::ROLE_TYPE_EMPLOYEE);
    created.push_back(client.Create(acmeish));
  }
  std::vector<pv1::Partner> created;
};

TEST_CASE("list partners with filters", "[partners][list]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());
  ListFixture fixture(client);

  using Names = std::vector<std::string>;
  CHECK(client.DisplayNames("") == Names{"Acme Corp", "Acme Logistics", "Acmeson, Zoe",
                                         "Beta Systems", "Musterfrau, Anna", "Smith Family"});
  CHECK(client.DisplayNames("category = PARTNER_CATEGORY_ORGANIZATION") ==
        Names{"Acme Corp", "Acme Logistics", "Beta Systems"});
  CHECK(client.DisplayNames("category = PARTNER_CATEGORY_GROUP") == Names{"Smith Family"});
  CHECK(client.DisplayNames("category != PARTNER_CATEGORY_ORGANIZATION") ==
        Names{"Acmeson, Zoe", "Musterfrau, Anna", "Smith Family"});
  CHECK(client.DisplayNames("role = ROLE_TYPE_CUSTOMER") ==
        Names{"Acme Corp", "Beta Systems", "Musterfrau, Anna"});
  CHECK(client.DisplayNames("role = ROLE_TYPE_CHANNEL_PARTNER") == Names{"Beta Systems"});
  CHECK(client.DisplayNames("role = ROLE_TYPE_VENDOR").empty());
  CHECK(client.DisplayNames("country_code = \"DE\"") ==
        Names{"Acme Corp", "Beta Systems", "Musterfrau, Anna", "Smith Family"});
  CHECK(client.DisplayNames("country_code = \"FR\"") == Names{"Acme Logistics", "Acmeson, Zoe"});
  CHECK(client.DisplayNames("city = \"Berlin\"") == Names{"Acme Corp", "Musterfrau, Anna"});
  CHECK(client.DisplayNames("city = \"München\"") == Names{"Beta Systems"});
  CHECK(client.DisplayNames("industry_code = \"C26.2\"") == Names{"Acme Corp", "Beta Systems"});
  CHECK(client.DisplayNames("customer_class = CUSTOMER_CLASS_A") ==
        Names{"Acme Corp", "Musterfrau, Anna"});
  CHECK(client.DisplayNames("customer_class = CUSTOMER_CLASS_B") == Names{"Beta Systems"});
  CHECK(client.DisplayNames("display_name = \"Acme*\"") ==
        Names{"Acme Corp", "Acme Logistics", "Acmeson, Zoe"});
  CHECK(client.DisplayNames("display_name = \"Acme Corp\"") == Names{"Acme Corp"});

  // Combinations.
  CHECK(client.DisplayNames("display_name = \"Acme*\" AND category = PARTNER_CATEGORY_ORGANIZATION") ==
        Names{"Acme Corp", "Acme Logistics"});
  CHECK(client.DisplayNames("country_code = \"DE\" AND role = ROLE_TYPE_CUSTOMER AND "
                            "NOT role = ROLE_TYPE_CHANNEL_PARTNER") ==
        Names{"Acme Corp", "Musterfrau, Anna"});
  CHECK(client.DisplayNames("city = \"London\" OR city = \"Paris\"") ==
        Names{"Acme Logistics", "Acmeson, Zoe", "Smith Family"});
  CHECK(client.DisplayNames("(category = PARTNER_CATEGORY_PERSON OR category = PARTNER_CATEGORY_GROUP)"
                            " AND country_code = \"DE\"") ==
        Names{"Musterfrau, Anna", "Smith Family"});

  // create_time: everything from the third partner on.
  const google::protobuf::Timestamp third = fixture.created[2].create_time();
  Names from_third;
  for (const pv1::Partner& p : fixture.created) {
    if (ToAbslTime(p.create_time()) >= ToAbslTime(third)) from_third.push_back(p.display_name());
  }
  REQUIRE(from_third.size() >= 4);
  const std::string since = absl::StrCat("create_time >= \"", TimeUtil::ToString(third), "\"");
  CHECK(client.DisplayNames(since) == Sorted(from_third));
  Names before_third;
  for (const pv1::Partner& p : fixture.created) {
    if (ToAbslTime(p.create_time()) < ToAbslTime(third)) before_third.push_back(p.display_name());
  }
  CHECK(client.DisplayNames(absl::StrCat("create_time < \"", TimeUtil::ToString(third), "\"")) ==
        Sorted(before_third));
  CHECK(client.DisplayNames(absl::StrCat(since, " AND country_code = \"FR\"")) ==
        Names{"Acmeson, Zoe"});

  // Every listed partner is complete: the same as Get.
  for (const pv1::Partner& listed : client.ListAll("")) {
    CHECK(ProtoDiff(client.Get(listed.name()), listed) == "");
  }
}

TEST_CASE("filter values are literal text", "[partners][list]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());
  for (const char* name : {"100% Bio GmbH", "1000 Teile GmbH", "Acme Corp", "Ab_c Handel",
                           "Abxc Handel", "O'Brien & Partner", "Star*Markt", "Star Markt"}) {
    client.Create(OrganizationPartner(name, "G47", "Dresden", "DE"));
  }
  using Names = std::vector<std::string>;
  // SQL LIKE wildcards in a value match only themselves.
  CHECK(client.DisplayNames("display_name = \"100%*\"") == Names{"100% Bio GmbH"});
  CHECK(client.DisplayNames("display_name = \"Ab_c*\"") == Names{"Ab_c Handel"});
  CHECK(client.DisplayNames("display_name = \"A_me*\"").empty());
  // Quotes of the other kind, and an escaped star that is no wildcard.
  CHECK(client.DisplayNames("display_name = \"O'Brien*\"") == Names{"O'Brien & Partner"});
  CHECK(client.DisplayNames("display_name = 'O\\'Brien & Partner'") ==
        Names{"O'Brien & Partner"});
  CHECK(client.DisplayNames("display_name = \"Star\\*Markt\"") == Names{"Star*Markt"});
  CHECK(client.DisplayNames("display_name = \"Star*\"") == Names{"Star Markt", "Star*Markt"});
  CHECK(client.DisplayNames("display_name != \"Star*\" AND display_name != \"A*\"") ==
        Names{"100% Bio GmbH", "1000 Teile GmbH", "O'Brien & Partner"});
}

TEST_CASE("list partners in order", "[partners][list]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());
  ListFixture fixture(client);

  // Default: by create_time, oldest first.
  std::vector<std::string> by_creation;
  for (const pv1::Partner& p : fixture.created) by_creation.push_back(p.name());
  CHECK(client.Names("") == by_creation);
  CHECK(client.Names("", "create_time") == by_creation);
  CHECK(client.Names("", "create_time asc") == by_creation);
  const std::vector<std::string> newest_first(by_creation.rbegin(), by_creation.rend());
  CHECK(client.Names("", "create_time desc") == newest_first);
  CHECK(client.Names("", "update_time desc") == newest_first);

  std::vector<std::string> display_names = client.DisplayNames("", "display_name");
  CHECK(display_names == Sorted(display_names));
  REQUIRE(display_names.size() == 6);
  std::vector<std::string> descending = client.DisplayNames("", "display_name desc");
  CHECK(descending == std::vector<std::string>(display_names.rbegin(), display_names.rend()));

  // Two keys: by category-independent display name within a filter, newest first.
  std::vector<std::string> orgs_desc =
      client.DisplayNames("category = PARTNER_CATEGORY_ORGANIZATION", "create_time desc");
  CHECK(orgs_desc == std::vector<std::string>{"Beta Systems", "Acme Logistics", "Acme Corp"});
  CHECK(client.DisplayNames("", "display_name, create_time desc") == display_names);
}

// Pages through a query with `page_size`, returning every partner's name in order.
std::vector<std::string> AllPages(Client& client, const std::string& filter,
                                  const std::string& order_by, int page_size, int* pages) {
  std::vector<std::string> names;
  std::string token;
  *pages = 0;
  do {
    pv1::ListPartnersResponse page = client.List(filter, order_by, page_size, token);
    ++*pages;
    CHECK(page.partners_size() <= page_size);
    if (!page.next_page_token().empty()) CHECK(page.partners_size() == page_size);
    for (const pv1::Partner& p : page.partners()) names.push_back(p.name());
    token = page.next_page_token();
  } while (!token.empty() && *pages < 100);
  return names;
}

TEST_CASE("paging visits every partner exactly once", "[partners][list][paging]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());

  // Five partners with the same display name: the order needs its tiebreaker.
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) {
    created.push_back(client.Create(OrganizationPartner("Same Name AG", "J62", "Wien", "AT")).name());
  }
  const std::set<std::string> expected(created.begin(), created.end());
  REQUIRE(expected.size() == 5);

  for (const std::string order_by :
       {"", "create_time", "create_time desc", "display_name", "display_name desc",
        "update_time desc, display_name"}) {
    DYNAMIC_SECTION("order_by \"" << order_by << "\"") {
      int pages = 0;
      const std::vector<std::string> names = AllPages(client, "", order_by, 2, &pages);
      CHECK(pages == 3);
      CHECK(names.size() == 5);
      CHECK(std::set<std::string>(names.begin(), names.end()) == expected);
      const std::vector<std::string> unpaged = AllPages(client, "", order_by, 1000, &pages);
      CHECK(pages == 1);
      CHECK(names == unpaged);
    }
  }

  SECTION("with a filter") {
    client.Create(OrganizationPartner("Other GmbH", "J62", "Berlin", "DE"));
    int pages = 0;
    const std::vector<std::string> names =
        AllPages(client, "country_code = \"AT\"", "display_name", 2, &pages);
    CHECK(pages == 3);
    CHECK(std::set<std::string>(names.begin(), names.end()) == expected);
  }

  SECTION("names that differ only in case page like the unpaged order") {
    for (const char* name : {"same name ag", "SAME NAME AG", "Alpha", "alpha", "beta"}) {
      client.Create(OrganizationPartner(name, "J62", "Linz", "AT"));
    }
    for (const std::string order_by : {"display_name", "display_name desc"}) {
      INFO("order_by " << order_by);
      int pages = 0;
      const std::vector<std::string> paged = AllPages(client, "", order_by, 1, &pages);
      CHECK(pages == 10);
      CHECK(paged == AllPages(client, "", order_by, 1000, &pages));
      CHECK(std::set<std::string>(paged.begin(), paged.end()).size() == 10);
    }
  }

  SECTION("a page ending exactly at the end has no next token") {
    client.Create(OrganizationPartner("Sixth GmbH", "J62", "Berlin", "DE"));
    int pages = 0;
    const std::vector<std::string> names = AllPages(client, "", "", 3, &pages);
    CHECK(pages == 2);
    CHECK(names.size() == 6);
  }

  SECTION("the token is bound to its query") {
    pv1::ListPartnersResponse first = client.List("", "display_name", 2);
    REQUIRE_FALSE(first.next_page_token().empty());

    pv1::ListPartnersRequest request;
    request.set_page_size(2);
    request.set_page_token(first.next_page_token());
    request.set_order_by("display_name");
    request.set_filter("country_code = \"AT\"");  // changed filter
    pv1::ListPartnersResponse response;
    grpc::Status status = client.TryList(request, &response);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(HasViolation(status, "page_token"));

    request.set_filter("");
    request.set_order_by("create_time");  // changed order
    status = client.TryList(request, &response);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(HasViolation(status, "page_token"));

    // The same query goes on, also with another page size (AIP-158).
    request.set_order_by("display_name");
    request.set_page_size(10);
    status = client.TryList(request, &response);
    REQUIRE(StatusText(status) == "OK");
    CHECK(response.partners_size() == 3);
    CHECK(response.next_page_token().empty());
  }

  SECTION("a partner created between pages shows up once at most, others exactly once") {
    pv1::ListPartnersResponse first = client.List("", "", 2);
    const std::string late = client.Create(OrganizationPartner("Late AG", "J62", "Graz", "AT")).name();
    std::vector<std::string> names;
    for (const pv1::Partner& p : first.partners()) names.push_back(p.name());
    std::string token = first.next_page_token();
    while (!token.empty()) {
      pv1::ListPartnersResponse page = client.List("", "", 2, token);
      for (const pv1::Partner& p : page.partners()) names.push_back(p.name());
      token = page.next_page_token();
    }
    std::set<std::string> seen(names.begin(), names.end());
    CHECK(seen.size() == names.size());
    for (const std::string& name : expected) CHECK(seen.count(name) == 1);
    // Ordered by create_time, the newest partner comes last.
    CHECK(names.back() == late);
  }
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
    CHECK((HasViolation(switched, "partner.person") || HasViolation(switched, "partner.organization")));
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

TEST_CASE("concurrent updates with the same etag: exactly one wins", "[partners][update][concurrency]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());
  const pv1::Partner original = client.Create(OrganizationPartner("Streit GmbH", "M69", "Essen", "DE"));

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

TEST_CASE("delete a partner", "[partners][delete]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());
  const pv1::Partner keep = client.Create(PersonPartner("Bleibt", "Berta"));
  const pv1::Partner gone = client.Create(PersonPartner("Geht", "Gerd"));

  CHECK(client.Delete(gone.name(), "\"999\"").error_code() == grpc::StatusCode::ABORTED);
  REQUIRE(StatusText(client.Delete(gone.name(), gone.etag())) == "OK");

  pv1::Partner ignored;
  CHECK(client.TryGet(gone.name(), &ignored).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(client.Delete(gone.name()).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(client.TryUpdate(gone, {"person.given_name"}, &ignored).error_code() ==
        grpc::StatusCode::NOT_FOUND);
  CHECK(client.AddRole(gone.name(), SimpleRole(pv1::ROLE_TYPE_PROSPECT), "", &ignored)
            .error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(client.DisplayNames("") == std::vector<std::string>{"Bleibt, Berta"});
  CHECK(client.DisplayNames("city = \"Berlin\"") == std::vector<std::string>{"Bleibt, Berta"});
  CHECK(ProtoDiff(keep, client.Get(keep.name())) == "");

  const std::vector<fv1::Change> changes = client.AllChanges();
  REQUIRE(changes.size() == 3);
  const fv1::Change& deleted = changes.back();
  CHECK(deleted.sequence() == 3);
  CHECK(deleted.kind() == fv1::CHANGE_KIND_DELETED);
  CHECK(deleted.resource_name() == gone.name());
  CHECK(deleted.method() == "DeletePartner");
  CHECK_FALSE(deleted.has_resource());
  CHECK(IsRecent(deleted.change_time()));

  // Nothing of the deleted partner is left in the side tables.
  {
    SQLite::Database db(service.db_path(), SQLite::OPEN_READONLY);
    const std::string gone_id = gone.name().substr(std::string("partners/").size());
    for (const char* table : {"partners", "partner_roles", "partner_addresses"}) {
      INFO(table);
      SQLite::Statement count(db, absl::StrCat("SELECT COUNT(*) FROM ", table, " WHERE ",
                                               std::string(table) == "partners" ? "id" : "partner_id",
                                               " = ?"));
      count.bind(1, gone_id);
      REQUIRE(count.executeStep());
      CHECK(count.getColumn(0).getInt() == 0);
    }
    SQLite::Statement kept(db, "SELECT COUNT(*) FROM partner_addresses");
    REQUIRE(kept.executeStep());
    CHECK(kept.getColumn(0).getInt() == 1);
  }

  // Without an etag the delete is unconditional.
  REQUIRE(StatusText(client.Delete(keep.name())) == "OK");
  CHECK(client.List("", "", 1000).partners().empty());
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
  status = client.AddRole(created.name(), SimpleRole(pv1::ROLE_TYPE_VENDOR), created.etag(),
                          &ignored);
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
  CHECK(std::set<std::string>{first.name(), second.name(), third.name(), fourth.name()}.size() == 4);

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
      threads.emplace_back([&, t] { statuses[t] = client.TryCreate(body, concurrent_id, &results[t]); });
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

TEST_CASE("the change feed lists every write in order", "[feed]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());

  fv1::ListChangesResponse empty = client.Changes(0);
  CHECK(empty.changes().empty());
  CHECK(empty.head_sequence() == 0);
  CHECK(empty.last_sequence() == 0);

  const pv1::Partner created = client.Create(PersonPartner("Feed", "Fiona"), "feed-request-1");
  pv1::Partner patch;
  patch.set_name(created.name());
  patch.mutable_person()->set_given_name("Fee");
  const pv1::Partner updated = client.Update(patch, {"person.given_name"});
  pv1::Partner with_role;
  REQUIRE(StatusText(client.AddRole(created.name(), SimpleRole(pv1::ROLE_TYPE_PROSPECT), "",
                                    &with_role)) == "OK");
  const pv1::Partner other = client.Create(OrganizationPartner("Feed GmbH", "", "Kiel", "DE"));
  REQUIRE(StatusText(client.Delete(created.name())) == "OK");
  // Failed writes leave no trace on the feed.
  pv1::Partner ignored;
  CHECK(client.Delete(created.name()).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK_FALSE(client.TryCreate(PersonPartner("", "Nobody"), "", &ignored).ok());

  const fv1::ListChangesResponse all = client.Changes(0);
  CHECK(all.head_sequence() == 5);
  CHECK(all.last_sequence() == 5);
  REQUIRE(all.changes_size() == 5);
  const std::vector<fv1::ChangeKind> kinds = {fv1::CHANGE_KIND_CREATED, fv1::CHANGE_KIND_UPDATED,
                                              fv1::CHANGE_KIND_UPDATED, fv1::CHANGE_KIND_CREATED,
                                              fv1::CHANGE_KIND_DELETED};
  const std::vector<std::string> methods = {"CreatePartner", "UpdatePartner", "AddPartnerRole",
                                            "CreatePartner", "DeletePartner"};
  const std::vector<const pv1::Partner*> states = {&created, &updated, &with_role, &other, nullptr};
  for (int i = 0; i < 5; ++i) {
    INFO("change " << i);
    const fv1::Change& change = all.changes(i);
    CHECK(change.sequence() == i + 1);
    CHECK(change.kind() == kinds[i]);
    CHECK(change.method() == methods[i]);
    CHECK(IsRecent(change.change_time()));
    if (i > 0) {
      CHECK(ToAbslTime(change.change_time()) >= ToAbslTime(all.changes(i - 1).change_time()));
    }
    if (states[i] == nullptr) {
      CHECK(change.resource_name() == created.name());
      CHECK_FALSE(change.has_resource());
    } else {
      CHECK(change.resource_name() == states[i]->name());
      REQUIRE(change.resource().Is<pv1::Partner>());
      pv1::Partner payload;
      REQUIRE(change.resource().UnpackTo(&payload));
      CHECK(ProtoDiff(*states[i], payload) == "");
    }
  }
  CHECK(all.changes(0).request_id() == "feed-request-1");
  CHECK(all.changes(1).request_id().empty());

  // Paging with after_sequence.
  fv1::ListChangesResponse page = client.Changes(0, 2);
  REQUIRE(page.changes_size() == 2);
  CHECK(page.changes(0).sequence() == 1);
  CHECK(page.changes(1).sequence() == 2);
  CHECK(page.last_sequence() == 2);
  CHECK(page.head_sequence() == 5);
  page = client.Changes(page.last_sequence(), 2);
  REQUIRE(page.changes_size() == 2);
  CHECK(page.changes(0).sequence() == 3);
  CHECK(page.changes(1).sequence() == 4);
  page = client.Changes(page.last_sequence(), 2);
  REQUIRE(page.changes_size() == 1);
  CHECK(page.changes(0).sequence() == 5);
  CHECK(page.last_sequence() == 5);
  page = client.Changes(page.last_sequence(), 2);
  CHECK(page.changes().empty());
  CHECK(page.last_sequence() == 5);
  CHECK(page.head_sequence() == 5);
  // Beyond the head.
  page = client.Changes(100);
  CHECK(page.changes().empty());
  CHECK(page.last_sequence() == 100);
  CHECK(page.head_sequence() == 5);
  // The same page twice is the same page: a follower can replay.
  CHECK(ProtoDiff(client.Changes(1, 3), client.Changes(1, 3)) == "");
}

TEST_CASE("WatchChanges sends the backlog, then new changes", "[feed][watch]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());
  std::vector<pv1::Partner> backlog;
  for (const char* name : {"Eins", "Zwei", "Drei"}) {
    backlog.push_back(client.Create(PersonPartner(name, "Watcher")));
  }

  for (int64_t after : {0, 2}) {
    DYNAMIC_SECTION("after_sequence " << after) {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
      fv1::WatchChangesRequest request;
      request.set_after_sequence(after);
      std::unique_ptr<grpc::ClientReader<fv1::WatchChangesResponse>> reader =
          client.feed().WatchChanges(&context, request);

      fv1::WatchChangesResponse message;
      for (int64_t sequence = after + 1; sequence <= 3; ++sequence) {
        REQUIRE(reader->Read(&message));
        CHECK(message.change().sequence() == sequence);
        CHECK(message.change().kind() == fv1::CHANGE_KIND_CREATED);
        CHECK(message.change().resource_name() == backlog[sequence - 1].name());
        pv1::Partner payload;
        REQUIRE(message.change().resource().UnpackTo(&payload));
        CHECK(ProtoDiff(backlog[sequence - 1], payload) == "");
      }

      // A change committed while the stream is open, from another thread
      // while this one waits on the stream.
      pv1::Partner live;
      grpc::Status live_status;
      std::thread writer([&] {
        Client other(service.channel());
        live_status = other.TryCreate(PersonPartner("Vier", "Live"), "", &live);
      });
      const bool got_live = reader->Read(&message);
      writer.join();
      REQUIRE(StatusText(live_status) == "OK");
      REQUIRE(got_live);
      CHECK(message.change().sequence() == 4);
      CHECK(message.change().kind() == fv1::CHANGE_KIND_CREATED);
      CHECK(message.change().resource_name() == live.name());

      // And one made on this thread after reading.
      pv1::Partner patch;
      patch.set_name(live.name());
      patch.mutable_person()->set_given_name("Updated");
      const pv1::Partner updated = client.Update(patch, {"person.given_name"});
      REQUIRE(reader->Read(&message));
      CHECK(message.change().sequence() == 5);
      CHECK(message.change().kind() == fv1::CHANGE_KIND_UPDATED);
      pv1::Partner payload;
      REQUIRE(message.change().resource().UnpackTo(&payload));
      CHECK(ProtoDiff(updated, payload) == "");

      REQUIRE(StatusText(client.Delete(live.name())) == "OK");
      REQUIRE(reader->Read(&message));
      CHECK(message.change().sequence() == 6);
      CHECK(message.change().kind() == fv1::CHANGE_KIND_DELETED);

      context.TryCancel();
      while (reader->Read(&message)) {
      }
      CHECK(reader->Finish().error_code() == grpc::StatusCode::CANCELLED);
    }
  }
}

TEST_CASE("WatchChanges from the head sends only later changes", "[feed][watch]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());
  client.Create(PersonPartner("Alt", "Alma"));

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  fv1::WatchChangesRequest request;
  request.set_after_sequence(1);
  auto reader = client.feed().WatchChanges(&context, request);
  const pv1::Partner fresh = client.Create(PersonPartner("Neu", "Nina"));
  fv1::WatchChangesResponse message;
  REQUIRE(reader->Read(&message));
  CHECK(message.change().sequence() == 2);
  CHECK(message.change().resource_name() == fresh.name());
  context.TryCancel();
  while (reader->Read(&message)) {
  }
  reader->Finish();
}

TEST_CASE("concurrent creates all succeed with a gapless feed", "[feed][concurrency]") {
  crm::testing::InProcessService service(PartnersSpec());
  Client client(service.channel());
  constexpr int kThreads = 8;
  constexpr int kPerThread = 25;
  constexpr int kTotal = kThreads * kPerThread;

  // A watcher follows along while the writers run.
  grpc::ClientContext watch_context;
  watch_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  fv1::WatchChangesRequest watch_request;
  auto reader = client.feed().WatchChanges(&watch_context, watch_request);

  std::vector<std::vector<grpc::Status>> statuses(kThreads);
  std::vector<std::vector<std::string>> names(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Client own(service.channel());
      for (int i = 0; i < kPerThread; ++i) {
        pv1::Partner created;
        pv1::Partner partner =
            OrganizationPartner(absl::StrCat("Parallel ", t, "-", i, " GmbH"), "C26", "Berlin", "DE");
        statuses[t].push_back(
            own.TryCreate(partner, i % 2 == 0 ? absl::StrCat("req-", t, "-", i) : "", &created));
        names[t].push_back(created.name());
      }
    });
  }

  std::vector<fv1::Change> watched;
  fv1::WatchChangesResponse message;
  while (static_cast<int>(watched.size()) < kTotal && reader->Read(&message)) {
    watched.push_back(message.change());
  }
  for (std::thread& thread : threads) thread.join();

  std::set<std::string> created_names;
  for (int t = 0; t < kThreads; ++t) {
    REQUIRE(statuses[t].size() == kPerThread);
    for (int i = 0; i < kPerThread; ++i) {
      INFO("thread " << t << " call " << i);
      CHECK(StatusText(statuses[t][i]) == "OK");
      created_names.insert(names[t][i]);
    }
  }
  CHECK(created_names.size() == kTotal);

  const std::vector<fv1::Change> changes = client.AllChanges();
  REQUIRE(changes.size() == kTotal);
  std::set<std::string> feed_names;
  for (int i = 0; i < kTotal; ++i) {
    CHECK(changes[i].sequence() == i + 1);
    CHECK(changes[i].kind() == fv1::CHANGE_KIND_CREATED);
    feed_names.insert(changes[i].resource_name());
  }
  CHECK(feed_names == created_names);
  CHECK(client.Changes(0).head_sequence() == kTotal);
  CHECK(client.Changes(0).changes_size() == 100);    // the default page size
  CHECK(client.Changes(0, 5000).changes_size() == kTotal);  // coerced to at most 1000
  CHECK(client.Changes(150, 0).changes_size() == kTotal - 150);

  REQUIRE(watched.size() == static_cast<size_t>(kTotal));
  for (int i = 0; i < kTotal; ++i) {
    CHECK(watched[i].sequence() == i + 1);
    CHECK(watched[i].resource_name() == changes[i].resource_name());
  }

  int pages = 0;
  const std::vector<std::string> listed = AllPages(client, "", "", 1000, &pages);
  CHECK(std::set<std::string>(listed.begin(), listed.end()) == created_names);
  CHECK(client.DisplayNames("display_name = \"Parallel 3-*\"").size() == kPerThread);

  watch_context.TryCancel();
  while (reader->Read(&message)) {
  }
  reader->Finish();
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
