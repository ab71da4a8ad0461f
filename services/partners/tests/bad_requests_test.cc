// Bad requests as real users send them, table-driven, against one running
// service: each must fail with the right code, name the bad field in its
// google.rpc.BadRequest when it is INVALID_ARGUMENT, and leave the database
// exactly as it was.
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
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
using grpc::StatusCode;

using crm::partners::PartnersSpec;

std::string StatusText(const grpc::Status& status) {
  if (status.ok()) return "OK";
  return absl::StrCat("code ", static_cast<int>(status.error_code()), ": ",
                      status.error_message());
}

std::vector<crm::FieldViolation> Violations(const grpc::Status& status) {
  return crm::FieldViolationsOf(crm::FromGrpcStatus(status));
}

std::string ViolationFields(const grpc::Status& status) {
  std::string out;
  for (const crm::FieldViolation& v : Violations(status)) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", v.field);
  }
  return out;
}

bool HasViolation(const grpc::Status& status, const std::string& field) {
  for (const crm::FieldViolation& v : Violations(status)) {
    if (v.field == field && !v.description.empty()) return true;
  }
  return false;
}

std::string Deterministic(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return bytes;
}

struct Stubs {
  explicit Stubs(const std::shared_ptr<grpc::Channel>& channel)
      : partners(pv1::PartnerService::NewStub(channel)),
        feed(fv1::ChangeFeedService::NewStub(channel)) {}
  std::unique_ptr<pv1::PartnerService::Stub> partners;
  std::unique_ptr<fv1::ChangeFeedService::Stub> feed;
};

// ---------------------------------------------------------------------------
// Valid requests, which the rows spoil in one way each.

pv1::Address ValidAddress() {
  pv1::Address address;
  address.set_type(pv1::ADDRESS_TYPE_PRIVATE);
  address.add_street_lines("Lindenallee 7");
  address.set_postal_code("50968");
  address.set_city("Köln");
  address.set_country_code("DE");
  return address;
}

pv1::Partner ValidPerson() {
  pv1::Partner partner;
  partner.set_category(pv1::PARTNER_CATEGORY_PERSON);
  partner.mutable_person()->set_family_name("Neumann");
  partner.mutable_person()->set_given_name("Nina");
  partner.mutable_person()->mutable_birth_date()->set_year(1990);
  partner.mutable_person()->mutable_birth_date()->set_month(5);
  partner.mutable_person()->mutable_birth_date()->set_day(17);
  *partner.add_addresses() = ValidAddress();
  pv1::EmailAddress* email = partner.add_email_addresses();
  email->set_address("nina.neumann@example.de");
  pv1::PhoneNumber* phone = partner.add_phone_numbers();
  phone->set_number("+49221123456");
  pv1::BankAccount* account = partner.add_bank_accounts();
  account->set_iban("DE89370400440532013000");
  account->set_bic("COBADEFFXXX");
  pv1::Role* role = partner.add_roles();
  role->set_type(pv1::ROLE_TYPE_CUSTOMER);
  role->mutable_customer()->set_customer_class(pv1::CUSTOMER_CLASS_B);
  return partner;
}

pv1::Partner ValidOrganization() {
  pv1::Partner partner;
  partner.set_category(pv1::PARTNER_CATEGORY_ORGANIZATION);
  partner.mutable_organization()->set_legal_name("Tabelle & Söhne KG");
  partner.mutable_organization()->set_industry_code("C26.2");
  pv1::Address* address = partner.add_addresses();
  *address = ValidAddress();
  address->set_type(pv1::ADDRESS_TYPE_BUSINESS);
  return partner;
}

pv1::Partner ValidGroup() {
  pv1::Partner partner;
  partner.set_category(pv1::PARTNER_CATEGORY_GROUP);
  partner.mutable_group()->set_group_name("Kegelclub Alle Neune");
  partner.mutable_group()->set_group_type(pv1::GROUP_TYPE_CLUB);
  return partner;
}

google::type::Date DateOf(absl::CivilDay day) {
  google::type::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

// ---------------------------------------------------------------------------
// Calls.

// The table reuses one valid person on purpose, so the duplicate check
// (tested in duplicates_test.cc) is off here.
grpc::Status Create(Stubs& s, const pv1::Partner& partner, const std::string& request_id = "",
                    pv1::Partner* out = nullptr) {
  pv1::CreatePartnerRequest request;
  *request.mutable_partner() = partner;
  request.set_request_id(request_id);
  request.set_skip_duplicate_check(true);
  pv1::Partner response;
  return s.partners->CreatePartner(crm::testing::ContextWithDeadline().get(), request,
                                   out != nullptr ? out : &response);
}

grpc::Status Get(Stubs& s, const std::string& name) {
  pv1::GetPartnerRequest request;
  request.set_name(name);
  pv1::Partner response;
  return s.partners->GetPartner(crm::testing::ContextWithDeadline().get(), request, &response);
}

grpc::Status List(Stubs& s, const std::string& filter, const std::string& order_by,
                  int page_size = 0, const std::string& page_token = "",
                  pv1::ListPartnersResponse* out = nullptr) {
  pv1::ListPartnersRequest request;
  request.set_filter(filter);
  request.set_order_by(order_by);
  request.set_page_size(page_size);
  request.set_page_token(page_token);
  pv1::ListPartnersResponse response;
  return s.partners->ListPartners(crm::testing::ContextWithDeadline().get(), request,
                                  out != nullptr ? out : &response);
}

grpc::Status Update(Stubs& s, const pv1::Partner& partner, const std::vector<std::string>& paths,
                    pv1::Partner* out = nullptr) {
  pv1::UpdatePartnerRequest request;
  *request.mutable_partner() = partner;
  for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
  pv1::Partner response;
  return s.partners->UpdatePartner(crm::testing::ContextWithDeadline().get(), request,
                                   out != nullptr ? out : &response);
}

grpc::Status Delete(Stubs& s, const std::string& name, const std::string& etag = "") {
  pv1::DeletePartnerRequest request;
  request.set_name(name);
  request.set_etag(etag);
  google::protobuf::Empty response;
  return s.partners->DeletePartner(crm::testing::ContextWithDeadline().get(), request, &response);
}

grpc::Status AddRole(Stubs& s, const std::string& name, const pv1::Role* role,
                     const std::string& etag = "") {
  pv1::AddPartnerRoleRequest request;
  request.set_name(name);
  if (role != nullptr) *request.mutable_role() = *role;
  request.set_etag(etag);
  pv1::Partner response;
  return s.partners->AddPartnerRole(crm::testing::ContextWithDeadline().get(), request, &response);
}

grpc::Status RemoveRole(Stubs& s, const std::string& name, int role_type,
                        const std::string& etag = "") {
  pv1::RemovePartnerRoleRequest request;
  request.set_name(name);
  request.set_role_type(static_cast<pv1::RoleType>(role_type));
  request.set_etag(etag);
  pv1::Partner response;
  return s.partners->RemovePartnerRole(crm::testing::ContextWithDeadline().get(), request,
                                       &response);
}

grpc::Status ListChanges(Stubs& s, int64_t after_sequence, int page_size = 0,
                         fv1::ListChangesResponse* out = nullptr) {
  fv1::ListChangesRequest request;
  request.set_after_sequence(after_sequence);
  request.set_page_size(page_size);
  fv1::ListChangesResponse response;
  return s.feed->ListChanges(crm::testing::ContextWithDeadline().get(), request,
                             out != nullptr ? out : &response);
}

grpc::Status Watch(Stubs& s, int64_t after_sequence) {
  auto context = crm::testing::ContextWithDeadline(5);
  fv1::WatchChangesRequest request;
  request.set_after_sequence(after_sequence);
  auto reader = s.feed->WatchChanges(context.get(), request);
  fv1::WatchChangesResponse message;
  int messages = 0;
  while (reader->Read(&message)) ++messages;
  grpc::Status status = reader->Finish();
  if (messages > 0 && status.ok()) return grpc::Status(StatusCode::UNKNOWN, "stream sent data");
  return status;
}

// What the service holds: the head of its feed and every partner.
struct Snapshot {
  int64_t head_sequence = -1;
  std::string partners;  // the whole list, serialised deterministically
  int partner_count = -1;
};

Snapshot TakeSnapshot(Stubs& s) {
  Snapshot snapshot;
  fv1::ListChangesResponse changes;
  REQUIRE(StatusText(ListChanges(s, 0, 1, &changes)) == "OK");
  snapshot.head_sequence = changes.head_sequence();
  pv1::ListPartnersResponse partners;
  REQUIRE(StatusText(List(s, "", "", 1000, "", &partners)) == "OK");
  REQUIRE(partners.next_page_token().empty());
  snapshot.partners = Deterministic(partners);
  snapshot.partner_count = partners.partners_size();
  return snapshot;
}

// The partners the rows work on.
struct Seed {
  pv1::Partner person;        // current state, with the customer role
  std::string stale_etag;     // the person's etag before its last update
  pv1::Partner organization;
  pv1::Partner group;
  std::string request_id = "7d9f3c1a-seed-request";
  pv1::Partner seeded_with_request_id;
  std::string page_token;     // of List(filter "", order_by "", page_size 1)
};

Seed Plant(Stubs& s) {
  Seed seed;
  pv1::Partner created;
  REQUIRE(StatusText(Create(s, ValidPerson(), seed.request_id, &created)) == "OK");
  seed.seeded_with_request_id = created;
  seed.stale_etag = created.etag();
  pv1::Partner patch;
  patch.set_name(created.name());
  patch.mutable_person()->set_given_name("Nina Maria");
  REQUIRE(StatusText(Update(s, patch, {"person.given_name"}, &seed.person)) == "OK");
  REQUIRE(seed.person.etag() != seed.stale_etag);
  REQUIRE(StatusText(Create(s, ValidOrganization(), "", &seed.organization)) == "OK");
  REQUIRE(StatusText(Create(s, ValidGroup(), "", &seed.group)) == "OK");
  pv1::ListPartnersResponse first_page;
  REQUIRE(StatusText(List(s, "", "", 1, "", &first_page)) == "OK");
  REQUIRE_FALSE(first_page.next_page_token().empty());
  seed.page_token = first_page.next_page_token();
  return seed;
}

struct BadRequest {
  std::string description;
  std::function<grpc::Status(Stubs&)> call;
  StatusCode code;
  std::string field;  // for INVALID_ARGUMENT: a field the BadRequest must name
};

// A create of a valid person changed by `spoil`.
std::function<grpc::Status(Stubs&)> CreatePerson(std::function<void(pv1::Partner&)> spoil,
                                                 std::string request_id = "") {
  return [spoil, request_id](Stubs& s) {
    pv1::Partner partner = ValidPerson();
    spoil(partner);
    return Create(s, partner, request_id);
  };
}

constexpr char kUnknownName[] = "partners/01jd3m5v8q2w7x9y4z6a1b3c5d";

std::vector<BadRequest> Table(const Seed& seed) {
  const std::string person = seed.person.name();
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  // A patch of the seeded person carrying its current etag.
  const auto patch_of_person = [&seed] {
    pv1::Partner patch;
    patch.set_name(seed.person.name());
    return patch;
  };
  pv1::Role customer;
  customer.set_type(pv1::ROLE_TYPE_CUSTOMER);
  customer.mutable_customer()->set_customer_class(pv1::CUSTOMER_CLASS_A);
  pv1::Role vendor;
  vendor.set_type(pv1::ROLE_TYPE_VENDOR);

  std::vector<BadRequest> rows = {
      // ---- CreatePartner: the partner itself.
      {"create without a partner",
       [](Stubs& s) {
         pv1::CreatePartnerRequest request;
         pv1::Partner response;
         return s.partners->CreatePartner(crm::testing::ContextWithDeadline().get(), request,
                                          &response);
       },
       StatusCode::INVALID_ARGUMENT, "partner"},
      {"create without a category",
       CreatePerson([](pv1::Partner& p) { p.clear_category(); }), StatusCode::INVALID_ARGUMENT,
       "partner.category"},
      {"create with category 99",
       CreatePerson([](pv1::Partner& p) { p.set_category(static_cast<pv1::PartnerCategory>(99)); }),
       StatusCode::INVALID_ARGUMENT, "partner.category"},
      {"create a person without family_name",
       CreatePerson([](pv1::Partner& p) { p.mutable_person()->clear_family_name(); }),
       StatusCode::INVALID_ARGUMENT, "partner.person.family_name"},
      {"create a person whose family_name is only spaces",
       CreatePerson([](pv1::Partner& p) { p.mutable_person()->set_family_name("   "); }),
       StatusCode::INVALID_ARGUMENT, "partner.person.family_name"},
      {"create a person with a family_name of 101 characters",
       CreatePerson([](pv1::Partner& p) { p.mutable_person()->set_family_name(std::string(101, 'x')); }),
       StatusCode::INVALID_ARGUMENT, "partner.person.family_name"},
      {"create a person with a control character in the given_name",
       CreatePerson([](pv1::Partner& p) { p.mutable_person()->set_given_name("Nina\x01Maria"); }),
       StatusCode::INVALID_ARGUMENT, "partner.person.given_name"},
      {"create a person with category ORGANIZATION (details mismatch)",
       CreatePerson([](pv1::Partner& p) { p.set_category(pv1::PARTNER_CATEGORY_ORGANIZATION); }),
       StatusCode::INVALID_ARGUMENT, "partner.organization"},
      {"create a person without any person data",
       CreatePerson([](pv1::Partner& p) { p.clear_person(); }), StatusCode::INVALID_ARGUMENT,
       "partner.person"},
      {"create an organisation without legal_name",
       [](Stubs& s) {
         pv1::Partner p = ValidOrganization();
         p.mutable_organization()->clear_legal_name();
         return Create(s, p);
       },
       StatusCode::INVALID_ARGUMENT, "partner.organization.legal_name"},
      {"create an organisation with an industry code containing a slash",
       [](Stubs& s) {
         pv1::Partner p = ValidOrganization();
         p.mutable_organization()->set_industry_code("C26/2");
         return Create(s, p);
       },
       StatusCode::INVALID_ARGUMENT, "partner.organization.industry_code"},
      {"create an organisation with a negative employee count",
       [](Stubs& s) {
         pv1::Partner p = ValidOrganization();
         p.mutable_organization()->set_employee_count(-1);
         return Create(s, p);
       },
       StatusCode::INVALID_ARGUMENT, "partner.organization.employee_count"},
      {"create a group without group_type",
       [](Stubs& s) {
         pv1::Partner p = ValidGroup();
         p.mutable_group()->clear_group_type();
         return Create(s, p);
       },
       StatusCode::INVALID_ARGUMENT, "partner.group.group_type"},
      {"create a person with a birth date in the future",
       CreatePerson([today](pv1::Partner& p) {
         *p.mutable_person()->mutable_birth_date() = DateOf(today + 400);
       }),
       StatusCode::INVALID_ARGUMENT, "partner.person.birth_date"},
      {"create a person born on 30 February",
       CreatePerson([](pv1::Partner& p) {
         p.mutable_person()->mutable_birth_date()->set_month(2);
         p.mutable_person()->mutable_birth_date()->set_day(30);
       }),
       StatusCode::INVALID_ARGUMENT, "partner.person.birth_date"},
      {"create a person with only a birth year",
       CreatePerson([](pv1::Partner& p) {
         p.mutable_person()->mutable_birth_date()->set_month(0);
         p.mutable_person()->mutable_birth_date()->set_day(0);
       }),
       StatusCode::INVALID_ARGUMENT, "partner.person.birth_date"},
      {"create a person born in 1799",
       CreatePerson([](pv1::Partner& p) { p.mutable_person()->mutable_birth_date()->set_year(1799); }),
       StatusCode::INVALID_ARGUMENT, "partner.person.birth_date"},
      {"create a person with marital status 17",
       CreatePerson([](pv1::Partner& p) {
         p.mutable_person()->set_marital_status(static_cast<pv1::MaritalStatus>(17));
       }),
       StatusCode::INVALID_ARGUMENT, "partner.person.marital_status"},

      // ---- CreatePartner: addresses and contact data.
      {"create with an e-mail address without @",
       CreatePerson([](pv1::Partner& p) {
         p.mutable_email_addresses(0)->set_address("nina.neumann.example.de");
       }),
       StatusCode::INVALID_ARGUMENT, "partner.email_addresses[0].address"},
      {"create with an e-mail address without top-level domain",
       CreatePerson([](pv1::Partner& p) { p.mutable_email_addresses(0)->set_address("nina@localhost"); }),
       StatusCode::INVALID_ARGUMENT, "partner.email_addresses[0].address"},
      {"create with the same e-mail address twice",
       CreatePerson([](pv1::Partner& p) {
         *p.add_email_addresses() = p.email_addresses(0);
         p.mutable_email_addresses(1)->set_address("NINA.NEUMANN@example.de");
       }),
       StatusCode::INVALID_ARGUMENT, "partner.email_addresses[1].address"},
      {"create with a phone number without country code",
       CreatePerson([](pv1::Partner& p) { p.mutable_phone_numbers(0)->set_number("0221 123456"); }),
       StatusCode::INVALID_ARGUMENT, "partner.phone_numbers[0].number"},
      {"create with a phone number with letters",
       CreatePerson([](pv1::Partner& p) { p.mutable_phone_numbers(0)->set_number("+49 221 CALL-ME"); }),
       StatusCode::INVALID_ARGUMENT, "partner.phone_numbers[0].number"},
      {"create with an unknown lower-case country \"xx\"",
       CreatePerson([](pv1::Partner& p) { p.mutable_addresses(0)->set_country_code("xx"); }),
       StatusCode::INVALID_ARGUMENT, "partner.addresses[0].country_code"},
      {"create with country \"XX\"",
       CreatePerson([](pv1::Partner& p) { p.mutable_addresses(0)->set_country_code("XX"); }),
       StatusCode::INVALID_ARGUMENT, "partner.addresses[0].country_code"},
      {"create with a country name instead of a code",
       CreatePerson([](pv1::Partner& p) { p.mutable_addresses(0)->set_country_code("Germany"); }),
       StatusCode::INVALID_ARGUMENT, "partner.addresses[0].country_code"},
      {"create with an address without country",
       CreatePerson([](pv1::Partner& p) { p.mutable_addresses(0)->clear_country_code(); }),
       StatusCode::INVALID_ARGUMENT, "partner.addresses[0].country_code"},
      {"create with an address without city",
       CreatePerson([](pv1::Partner& p) { p.mutable_addresses(0)->clear_city(); }),
       StatusCode::INVALID_ARGUMENT, "partner.addresses[0].city"},
      {"create with an address without type",
       CreatePerson([](pv1::Partner& p) { p.mutable_addresses(0)->clear_type(); }),
       StatusCode::INVALID_ARGUMENT, "partner.addresses[0].type"},
      {"create with a bad second address (the index is right)",
       CreatePerson([](pv1::Partner& p) {
         *p.add_addresses() = ValidAddress();
         p.mutable_addresses(1)->set_country_code("UK");
       }),
       StatusCode::INVALID_ARGUMENT, "partner.addresses[1].country_code"},
      {"create with two default addresses",
       CreatePerson([](pv1::Partner& p) {
         p.mutable_addresses(0)->set_is_default(true);
         *p.add_addresses() = p.addresses(0);
         p.mutable_addresses(1)->set_type(pv1::ADDRESS_TYPE_BILLING);
       }),
       StatusCode::INVALID_ARGUMENT, "partner.addresses[1].is_default"},
      {"create with four street lines",
       CreatePerson([](pv1::Partner& p) {
         for (int i = 0; i < 3; ++i) p.mutable_addresses(0)->add_street_lines("more");
       }),
       StatusCode::INVALID_ARGUMENT, "partner.addresses[0].street_lines"},

      // ---- CreatePartner: bank accounts.
      {"create with an IBAN whose checksum is wrong",
       CreatePerson([](pv1::Partner& p) { p.mutable_bank_accounts(0)->set_iban("DE89370400440532013001"); }),
       StatusCode::INVALID_ARGUMENT, "partner.bank_accounts[0].iban"},
      {"create with a German IBAN one digit short",
       CreatePerson([](pv1::Partner& p) { p.mutable_bank_accounts(0)->set_iban("DE8937040044053201300"); }),
       StatusCode::INVALID_ARGUMENT, "partner.bank_accounts[0].iban"},
      {"create with an account number instead of an IBAN",
       CreatePerson([](pv1::Partner& p) { p.mutable_bank_accounts(0)->set_iban("0532013000"); }),
       StatusCode::INVALID_ARGUMENT, "partner.bank_accounts[0].iban"},
      {"create with a BIC of 6 characters",
       CreatePerson([](pv1::Partner& p) { p.mutable_bank_accounts(0)->set_bic("COBADE"); }),
       StatusCode::INVALID_ARGUMENT, "partner.bank_accounts[0].bic"},
      {"create with a BIC with an unknown country",
       CreatePerson([](pv1::Partner& p) { p.mutable_bank_accounts(0)->set_bic("COBAQQFFXXX"); }),
       StatusCode::INVALID_ARGUMENT, "partner.bank_accounts[0].bic"},

      // ---- CreatePartner: roles.
      {"create with the same role twice",
       CreatePerson([](pv1::Partner& p) { *p.add_roles() = p.roles(0); }),
       StatusCode::INVALID_ARGUMENT, "partner.roles[1].type"},
      {"create with customer data on a prospect role",
       CreatePerson([](pv1::Partner& p) { p.mutable_roles(0)->set_type(pv1::ROLE_TYPE_PROSPECT); }),
       StatusCode::INVALID_ARGUMENT, "partner.roles[0].customer"},
      {"create with a role without type",
       CreatePerson([](pv1::Partner& p) { p.add_roles(); }), StatusCode::INVALID_ARGUMENT,
       "partner.roles[1].type"},
      {"create with a customer class of 7",
       CreatePerson([](pv1::Partner& p) {
         p.mutable_roles(0)->mutable_customer()->set_customer_class(
             static_cast<pv1::CustomerClass>(7));
       }),
       StatusCode::INVALID_ARGUMENT, "partner.roles[0].customer.customer_class"},

      // ---- CreatePartner: request_id.
      {"create with a request_id containing spaces",
       CreatePerson([](pv1::Partner&) {}, "my request 1"), StatusCode::INVALID_ARGUMENT,
       "request_id"},
      {"create with a request_id of 101 characters",
       CreatePerson([](pv1::Partner&) {}, std::string(101, 'r')), StatusCode::INVALID_ARGUMENT,
       "request_id"},
      {"create reusing a request_id for another partner",
       CreatePerson([](pv1::Partner& p) { p.mutable_person()->set_given_name("Somebody else"); },
                    seed.request_id),
       StatusCode::INVALID_ARGUMENT, "request_id"},

      // ---- GetPartner.
      {"get with a name of another collection",
       [](Stubs& s) { return Get(s, "customers/01jd3m5v8q2w7x9y4z6a1b3c5d"); },
       StatusCode::INVALID_ARGUMENT, "name"},
      {"get with an empty name", [](Stubs& s) { return Get(s, ""); },
       StatusCode::INVALID_ARGUMENT, "name"},
      {"get with the bare id", [&seed](Stubs& s) { return Get(s, seed.person.name().substr(9)); },
       StatusCode::INVALID_ARGUMENT, "name"},
      {"get \"partners/\" without an id", [](Stubs& s) { return Get(s, "partners/"); },
       StatusCode::INVALID_ARGUMENT, "name"},
      {"get with a space in the id", [](Stubs& s) { return Get(s, "partners/01jd 3m5v"); },
       StatusCode::INVALID_ARGUMENT, "name"},
      {"get with a full URL", [&seed](Stubs& s) { return Get(s, "//crm.example.com/" + seed.person.name()); },
       StatusCode::INVALID_ARGUMENT, "name"},
      {"get an unknown partner", [](Stubs& s) { return Get(s, kUnknownName); },
       StatusCode::NOT_FOUND, ""},

      // ---- ListPartners.
      {"list with page_size -1", [](Stubs& s) { return List(s, "", "", -1); },
       StatusCode::INVALID_ARGUMENT, "page_size"},
      {"list with a garbage page_token", [](Stubs& s) { return List(s, "", "", 1, "not-a-token!!"); },
       StatusCode::INVALID_ARGUMENT, "page_token"},
      {"list with a truncated page_token",
       [&seed](Stubs& s) {
         return List(s, "", "", 1, seed.page_token.substr(0, seed.page_token.size() - 3));
       },
       StatusCode::INVALID_ARGUMENT, "page_token"},
      {"list with the page_token of another filter",
       [&seed](Stubs& s) { return List(s, "category = PARTNER_CATEGORY_PERSON", "", 1, seed.page_token); },
       StatusCode::INVALID_ARGUMENT, "page_token"},
      {"list with the page_token of another order_by",
       [&seed](Stubs& s) { return List(s, "", "display_name", 1, seed.page_token); },
       StatusCode::INVALID_ARGUMENT, "page_token"},
      {"list with a filter missing its value",
       [](Stubs& s) { return List(s, "category =", ""); }, StatusCode::INVALID_ARGUMENT, "filter"},
      {"list with an unclosed parenthesis",
       [](Stubs& s) { return List(s, "(category = PARTNER_CATEGORY_PERSON", ""); },
       StatusCode::INVALID_ARGUMENT, "filter"},
      {"list with an unterminated string",
       [](Stubs& s) { return List(s, "city = \"Berlin", ""); }, StatusCode::INVALID_ARGUMENT,
       "filter"},
      {"list with a SQL injection attempt",
       [](Stubs& s) { return List(s, "city = \"x\"; DROP TABLE partners; --", ""); },
       StatusCode::INVALID_ARGUMENT, "filter"},
      {"list filtering on an unknown field",
       [](Stubs& s) { return List(s, "colour = \"red\"", ""); }, StatusCode::INVALID_ARGUMENT,
       "filter"},
      {"list filtering on a field that is not filterable",
       [](Stubs& s) { return List(s, "etag = \"1\"", ""); }, StatusCode::INVALID_ARGUMENT,
       "filter"},
      {"list filtering with an unknown enum value",
       [](Stubs& s) { return List(s, "category = PARTNER_CATEGORY_ALIEN", ""); },
       StatusCode::INVALID_ARGUMENT, "filter"},
      {"list filtering a role by a customer class",
       [](Stubs& s) { return List(s, "role = CUSTOMER_CLASS_A", ""); },
       StatusCode::INVALID_ARGUMENT, "filter"},
      {"list filtering create_time with a non-timestamp",
       [](Stubs& s) { return List(s, "create_time > \"yesterday\"", ""); },
       StatusCode::INVALID_ARGUMENT, "filter"},
      {"list with a wildcard on city",
       [](Stubs& s) { return List(s, "city = \"Ber*\"", ""); }, StatusCode::INVALID_ARGUMENT,
       "filter"},
      {"list ordered by an unknown field",
       [](Stubs& s) { return List(s, "", "legal_name"); }, StatusCode::INVALID_ARGUMENT,
       "order_by"},
      {"list ordered with a bad direction",
       [](Stubs& s) { return List(s, "", "display_name sideways"); },
       StatusCode::INVALID_ARGUMENT, "order_by"},
      {"list ordered by the same field twice",
       [](Stubs& s) { return List(s, "", "display_name, display_name desc"); },
       StatusCode::INVALID_ARGUMENT, "order_by"},

      // ---- UpdatePartner.
      {"update without a partner",
       [](Stubs& s) {
         pv1::UpdatePartnerRequest request;
         request.mutable_update_mask()->add_paths("person.given_name");
         pv1::Partner response;
         return s.partners->UpdatePartner(crm::testing::ContextWithDeadline().get(), request,
                                          &response);
       },
       StatusCode::INVALID_ARGUMENT, "partner"},
      {"update a name that is not partners/...",
       [](Stubs& s) {
         pv1::Partner patch;
         patch.set_name("contacts/01jd3m5v8q2w7x9y4z6a1b3c5d");
         return Update(s, patch, {"person.given_name"});
       },
       StatusCode::INVALID_ARGUMENT, "partner.name"},
      {"update without a name",
       [](Stubs& s) {
         pv1::Partner patch;
         patch.mutable_person()->set_given_name("Nobody");
         return Update(s, patch, {"person.given_name"});
       },
       StatusCode::INVALID_ARGUMENT, "partner.name"},
      {"update an unknown partner",
       [](Stubs& s) {
         pv1::Partner patch;
         patch.set_name(kUnknownName);
         patch.mutable_person()->set_given_name("Nobody");
         return Update(s, patch, {"person.given_name"});
       },
       StatusCode::NOT_FOUND, ""},
      {"update without an update_mask",
       [patch_of_person](Stubs& s) {
         pv1::Partner patch = patch_of_person();
         patch.mutable_person()->set_given_name("Unmasked");
         return Update(s, patch, {});
       },
       StatusCode::INVALID_ARGUMENT, "update_mask"},
      {"update_mask with an unknown path",
       [patch_of_person](Stubs& s) { return Update(s, patch_of_person(), {"person.nickname"}); },
       StatusCode::INVALID_ARGUMENT, "update_mask"},
      {"update_mask with a camelCase path",
       [patch_of_person](Stubs& s) { return Update(s, patch_of_person(), {"person.familyName"}); },
       StatusCode::INVALID_ARGUMENT, "update_mask"},
      {"update_mask into a repeated field",
       [patch_of_person](Stubs& s) { return Update(s, patch_of_person(), {"addresses.city"}); },
       StatusCode::INVALID_ARGUMENT, "update_mask"},
      {"update_mask \"category\"",
       [patch_of_person](Stubs& s) {
         pv1::Partner patch = patch_of_person();
         patch.set_category(pv1::PARTNER_CATEGORY_ORGANIZATION);
         return Update(s, patch, {"category"});
       },
       StatusCode::INVALID_ARGUMENT, "update_mask"},
      {"update_mask \"name\" (output only)",
       [patch_of_person](Stubs& s) { return Update(s, patch_of_person(), {"name"}); },
       StatusCode::INVALID_ARGUMENT, "update_mask"},
      {"update_mask \"create_time\" (output only)",
       [patch_of_person](Stubs& s) { return Update(s, patch_of_person(), {"create_time"}); },
       StatusCode::INVALID_ARGUMENT, "update_mask"},
      {"update_mask \"*\" together with another path",
       [patch_of_person](Stubs& s) {
         return Update(s, patch_of_person(), {"*", "person.given_name"});
       },
       StatusCode::INVALID_ARGUMENT, "update_mask"},
      {"update with a stale etag",
       [&seed, patch_of_person](Stubs& s) {
         pv1::Partner patch = patch_of_person();
         patch.set_etag(seed.stale_etag);
         patch.mutable_person()->set_given_name("Too late");
         return Update(s, patch, {"person.given_name"});
       },
       StatusCode::ABORTED, ""},
      {"update clearing the family name",
       [patch_of_person](Stubs& s) { return Update(s, patch_of_person(), {"person.family_name"}); },
       StatusCode::INVALID_ARGUMENT, "partner.person.family_name"},
      {"update addresses with an unknown country",
       [patch_of_person](Stubs& s) {
         pv1::Partner patch = patch_of_person();
         *patch.add_addresses() = ValidAddress();
         patch.mutable_addresses(0)->set_country_code("XX");
         return Update(s, patch, {"addresses"});
       },
       StatusCode::INVALID_ARGUMENT, "partner.addresses[0].country_code"},
      {"update bank accounts with a bad IBAN",
       [patch_of_person](Stubs& s) {
         pv1::Partner patch = patch_of_person();
         patch.add_bank_accounts()->set_iban("GB82WEST12345698765433");
         return Update(s, patch, {"bank_accounts"});
       },
       StatusCode::INVALID_ARGUMENT, "partner.bank_accounts[0].iban"},
      {"update \"*\" with organisation data for a person",
       [&seed](Stubs& s) {
         pv1::Partner patch = ValidOrganization();
         patch.set_name(seed.person.name());
         patch.set_category(pv1::PARTNER_CATEGORY_PERSON);
         return Update(s, patch, {"*"});
       },
       StatusCode::INVALID_ARGUMENT, "partner.person"},

      // ---- DeletePartner.
      {"delete with a name that is not partners/...",
       [](Stubs& s) { return Delete(s, "partner/01jd3m5v8q2w7x9y4z6a1b3c5d"); },
       StatusCode::INVALID_ARGUMENT, "name"},
      {"delete with an empty name", [](Stubs& s) { return Delete(s, ""); },
       StatusCode::INVALID_ARGUMENT, "name"},
      {"delete an unknown partner", [](Stubs& s) { return Delete(s, kUnknownName); },
       StatusCode::NOT_FOUND, ""},
      {"delete with a stale etag",
       [&seed](Stubs& s) { return Delete(s, seed.person.name(), seed.stale_etag); },
       StatusCode::ABORTED, ""},
      {"delete with a made-up etag",
       [&seed](Stubs& s) { return Delete(s, seed.group.name(), "W/\"abc\""); },
       StatusCode::ABORTED, ""},

      // ---- AddPartnerRole.
      {"add a role to a name that is not partners/...",
       [vendor](Stubs& s) { return AddRole(s, "partners", &vendor); },
       StatusCode::INVALID_ARGUMENT, "name"},
      {"add a role to an unknown partner",
       [vendor](Stubs& s) { return AddRole(s, kUnknownName, &vendor); }, StatusCode::NOT_FOUND,
       ""},
      {"add a role the partner has already",
       [&seed, customer](Stubs& s) { return AddRole(s, seed.person.name(), &customer); },
       StatusCode::ALREADY_EXISTS, ""},
      {"add a role with a stale etag",
       [&seed, vendor](Stubs& s) { return AddRole(s, seed.person.name(), &vendor, seed.stale_etag); },
       StatusCode::ABORTED, ""},
      {"add no role at all",
       [&seed](Stubs& s) { return AddRole(s, seed.person.name(), nullptr); },
       StatusCode::INVALID_ARGUMENT, "role"},
      {"add a role without type",
       [&seed](Stubs& s) {
         pv1::Role role;
         return AddRole(s, seed.person.name(), &role);
       },
       StatusCode::INVALID_ARGUMENT, "role.type"},
      {"add a competitor role with channel-partner data",
       [&seed](Stubs& s) {
         pv1::Role role;
         role.set_type(pv1::ROLE_TYPE_COMPETITOR);
         role.mutable_channel_partner()->set_tier(pv1::PARTNER_TIER_GOLD);
         return AddRole(s, seed.organization.name(), &role);
       },
       StatusCode::INVALID_ARGUMENT, "role.channel_partner"},
      {"add a channel-partner role with an empty region",
       [&seed](Stubs& s) {
         pv1::Role role;
         role.set_type(pv1::ROLE_TYPE_CHANNEL_PARTNER);
         role.mutable_channel_partner()->add_regions("EMEA");
         role.mutable_channel_partner()->add_regions("");
         return AddRole(s, seed.organization.name(), &role);
       },
       StatusCode::INVALID_ARGUMENT, "role.channel_partner.regions[1]"},

      // ---- RemovePartnerRole.
      {"remove a role without role_type",
       [&seed](Stubs& s) { return RemoveRole(s, seed.person.name(), pv1::ROLE_TYPE_UNSPECIFIED); },
       StatusCode::INVALID_ARGUMENT, "role_type"},
      {"remove role type 42",
       [&seed](Stubs& s) { return RemoveRole(s, seed.person.name(), 42); },
       StatusCode::INVALID_ARGUMENT, "role_type"},
      {"remove a role from a name that is not partners/...",
       [](Stubs& s) { return RemoveRole(s, "/partners/x", pv1::ROLE_TYPE_CUSTOMER); },
       StatusCode::INVALID_ARGUMENT, "name"},
      {"remove a role from an unknown partner",
       [](Stubs& s) { return RemoveRole(s, kUnknownName, pv1::ROLE_TYPE_CUSTOMER); },
       StatusCode::NOT_FOUND, ""},
      {"remove a role the partner does not have",
       [&seed](Stubs& s) { return RemoveRole(s, seed.person.name(), pv1::ROLE_TYPE_VENDOR); },
       StatusCode::NOT_FOUND, ""},
      {"remove a role with a stale etag",
       [&seed](Stubs& s) {
         return RemoveRole(s, seed.person.name(), pv1::ROLE_TYPE_CUSTOMER, seed.stale_etag);
       },
       StatusCode::ABORTED, ""},

      // ---- The change feed.
      {"list changes after sequence -1", [](Stubs& s) { return ListChanges(s, -1); },
       StatusCode::INVALID_ARGUMENT, "after_sequence"},
      {"list changes with page_size -5", [](Stubs& s) { return ListChanges(s, 0, -5); },
       StatusCode::INVALID_ARGUMENT, "page_size"},
      {"watch changes after sequence -1", [](Stubs& s) { return Watch(s, -1); },
       StatusCode::INVALID_ARGUMENT, "after_sequence"},
  };
  return rows;
}

TEST_CASE("bad requests fail precisely and change nothing", "[partners][bad_requests]") {
  crm::testing::InProcessService service(PartnersSpec());
  Stubs stubs(service.channel());
  const Seed seed = Plant(stubs);
  const Snapshot planted = TakeSnapshot(stubs);
  REQUIRE(planted.head_sequence == 4);
  REQUIRE(planted.partner_count == 3);

  const std::vector<BadRequest> rows = Table(seed);
  CHECK(rows.size() >= 45);
  std::set<std::string> descriptions;
  for (const BadRequest& row : rows) {
    INFO("row: " << row.description);
    CHECK(descriptions.insert(row.description).second);
    if (row.code == StatusCode::INVALID_ARGUMENT) CHECK_FALSE(row.field.empty());

    const Snapshot before = TakeSnapshot(stubs);
    const grpc::Status status = row.call(stubs);
    INFO("status: " << StatusText(status));
    INFO("violations: [" << ViolationFields(status) << "]");
    CHECK(status.error_code() == row.code);
    CHECK_FALSE(status.error_message().empty());
    if (row.code == StatusCode::INVALID_ARGUMENT) {
      CHECK(HasViolation(status, row.field));
    } else {
      CHECK(Violations(status).empty());
    }

    const Snapshot after = TakeSnapshot(stubs);
    CHECK(after.head_sequence == before.head_sequence);
    CHECK(after.partner_count == before.partner_count);
    CHECK(after.partners == before.partners);
  }

  // All of them together changed nothing either.
  const Snapshot end = TakeSnapshot(stubs);
  CHECK(end.head_sequence == planted.head_sequence);
  CHECK(end.partners == planted.partners);

  // And the service still works: the requests the rows spoiled succeed.
  pv1::Partner created;
  CHECK(StatusText(Create(stubs, ValidPerson(), "", &created)) == "OK");
  CHECK(StatusText(Create(stubs, ValidPerson(), seed.request_id)) == "OK");
  CHECK(StatusText(Get(stubs, created.name())) == "OK");
  CHECK(StatusText(Delete(stubs, seed.person.name(), seed.person.etag())) == "OK");
  CHECK(TakeSnapshot(stubs).head_sequence == planted.head_sequence + 2);
}

TEST_CASE("the valid requests the bad-request table spoils are accepted",
          "[partners][bad_requests]") {
  crm::testing::InProcessService service(PartnersSpec());
  Stubs stubs(service.channel());
  pv1::Partner person, organization, group;
  REQUIRE(StatusText(Create(stubs, ValidPerson(), "", &person)) == "OK");
  REQUIRE(StatusText(Create(stubs, ValidOrganization(), "", &organization)) == "OK");
  REQUIRE(StatusText(Create(stubs, ValidGroup(), "", &group)) == "OK");

  // Near-misses of the table's rows that are fine.
  pv1::Partner edge = ValidPerson();
  edge.mutable_person()->set_family_name(std::string(100, 'x'));      // exactly 100
  edge.mutable_addresses(0)->set_country_code(" de ");                 // normalised
  edge.mutable_bank_accounts(0)->set_iban("de89 3704 0044 0532 0130 00");
  edge.mutable_phone_numbers(0)->set_number("+49 (221) 123-456");
  edge.mutable_person()->mutable_birth_date()->set_year(2000);        // 29 February of a leap year
  edge.mutable_person()->mutable_birth_date()->set_month(2);
  edge.mutable_person()->mutable_birth_date()->set_day(29);
  pv1::Partner created;
  const grpc::Status status = Create(stubs, edge, std::string(100, 'r'), &created);
  REQUIRE(StatusText(status) == "OK");
  CHECK(created.addresses(0).country_code() == "DE");
  CHECK(created.bank_accounts(0).iban() == "DE89370400440532013000");
  CHECK(created.phone_numbers(0).number() == "+49221123456");

  // Enum short names in filters, and a coerced page size.
  pv1::ListPartnersResponse response;
  REQUIRE(StatusText(List(stubs, "category = PERSON", "", 5000, "", &response)) == "OK");
  CHECK(response.partners_size() == 2);
  REQUIRE(StatusText(ListChanges(stubs, 0, 5000)) == "OK");
}

}  // namespace
