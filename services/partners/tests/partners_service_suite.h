// Test support for the partners service tests (partners_create_test.cc,
// partners_list_test.cc, partners_update_test.cc, partners_delete_test.cc,
// partners_feed_test.cc): partners as users enter them, a Client of the
// partner service and its change feed, AllPages, and short forms of the
// outcomes.
#ifndef CRM_SERVICES_PARTNERS_TESTS_PARTNERS_SERVICE_SUITE_H_
#define CRM_SERVICES_PARTNERS_TESTS_PARTNERS_SERVICE_SUITE_H_

#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/errors.h"
#include "common/testing/service_fixture.h"
#include "crm/feed/v1/change_feed.grpc.pb.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "services/partners/partners_spec.h"

namespace crm::partners::testing::service_testing {

namespace pv1 = crm::partners::v1;
namespace fv1 = crm::feed::v1;
using google::protobuf::util::MessageDifferencer;

using crm::partners::PartnersSpec;

// "OK", or the code and message, so a failed check shows what the server said.
inline std::string StatusText(const grpc::Status& status) {
  if (status.ok()) return "OK";
  return absl::StrCat("code ", static_cast<int>(status.error_code()), ": ", status.error_message());
}

// Empty when equal, otherwise the differences.
inline std::string ProtoDiff(const google::protobuf::Message& expected,
                             const google::protobuf::Message& actual) {
  std::string report;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&report);
  if (differencer.Compare(expected, actual)) return "";
  return report.empty() ? "messages differ" : report;
}

inline bool HasViolation(const grpc::Status& status, const std::string& field) {
  for (const crm::FieldViolation& v : crm::FieldViolationsOf(crm::FromGrpcStatus(status))) {
    if (v.field == field) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Partners as users enter them.

inline pv1::Address MakeAddress(pv1::AddressType type, const std::string& city,
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

inline pv1::Role SimpleRole(pv1::RoleType type) {
  pv1::Role role;
  role.set_type(type);
  return role;
}

inline pv1::Role CustomerRole(pv1::CustomerClass customer_class) {
  pv1::Role role;
  role.set_type(pv1::ROLE_TYPE_CUSTOMER);
  role.mutable_customer()->set_sales_organization("1000");
  role.mutable_customer()->set_distribution_channel("10");
  role.mutable_customer()->set_price_group("02");
  role.mutable_customer()->set_customer_class(customer_class);
  return role;
}

inline pv1::Role ChannelPartnerRole(pv1::PartnerTier tier, std::vector<std::string> regions) {
  pv1::Role role;
  role.set_type(pv1::ROLE_TYPE_CHANNEL_PARTNER);
  role.mutable_channel_partner()->set_tier(tier);
  for (const std::string& region : regions) role.mutable_channel_partner()->add_regions(region);
  role.mutable_channel_partner()->add_industries("C26.2");
  role.mutable_channel_partner()->add_solutions("Managed print services");
  return role;
}

inline pv1::Partner PersonPartner(const std::string& family_name, const std::string& given_name,
                                  const std::string& city = "Berlin",
                                  const std::string& country_code = "DE") {
  pv1::Partner partner;
  partner.set_category(pv1::PARTNER_CATEGORY_PERSON);
  partner.mutable_person()->set_family_name(family_name);
  partner.mutable_person()->set_given_name(given_name);
  *partner.add_addresses() = MakeAddress(pv1::ADDRESS_TYPE_PRIVATE, city, country_code, true);
  return partner;
}

inline pv1::Partner OrganizationPartner(const std::string& legal_name,
                                        const std::string& industry_code, const std::string& city,
                                        const std::string& country_code) {
  pv1::Partner partner;
  partner.set_category(pv1::PARTNER_CATEGORY_ORGANIZATION);
  partner.mutable_organization()->set_legal_name(legal_name);
  partner.mutable_organization()->set_legal_form("GmbH");
  partner.mutable_organization()->set_industry_code(industry_code);
  *partner.add_addresses() = MakeAddress(pv1::ADDRESS_TYPE_BUSINESS, city, country_code, true);
  return partner;
}

inline pv1::Partner GroupPartner(const std::string& group_name, pv1::GroupType type,
                                 const std::string& city, const std::string& country_code) {
  pv1::Partner partner;
  partner.set_category(pv1::PARTNER_CATEGORY_GROUP);
  partner.mutable_group()->set_group_name(group_name);
  partner.mutable_group()->set_group_type(type);
  *partner.add_addresses() = MakeAddress(pv1::ADDRESS_TYPE_PRIVATE, city, country_code);
  return partner;
}

// A person with everything a real record has, entered the way people type it.
inline pv1::Partner FullPerson() {
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

inline absl::Time ToAbslTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

inline bool IsRecent(const google::protobuf::Timestamp& ts) {
  const absl::Duration age = absl::Now() - ToAbslTime(ts);
  return ts.seconds() > 0 && age > absl::Seconds(-60) && age < absl::Seconds(60);
}

// Pages through a query with `page_size`, returning every partner's name in order.
inline std::vector<std::string> AllPages(Client& client, const std::string& filter,
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

}  // namespace crm::partners::testing::service_testing

#endif  // CRM_SERVICES_PARTNERS_TESTS_PARTNERS_SERVICE_SUITE_H_
